/**
 * A string-keyed hash table built like Redis's dict.c, for the key space and
 * other maps that need what a JS `Map` cannot give (DESIGN.md §7):
 *
 * - {@link Dict.scan}: Redis's SCAN guarantee. A cursor walks buckets in
 *   reverse-binary order, so an entry present for the whole iteration is
 *   returned at least once even when the table grows or shrinks between calls.
 * - {@link Dict.randomKey} and {@link Dict.sample}: random entries in O(1)
 *   expected time (RANDOMKEY, SPOP, eviction sampling), because shrinking keeps
 *   the table at least 1/8 full however large it once was.
 * - Speed with fresh key strings: the server slices every key out of the read
 *   buffer as a new string, and this table (hash compared before the string,
 *   entries in typed arrays) looks such keys up faster than `Map`.
 * - A 32-bit stamp per entry ({@link Dict.stampAt}), which the key space uses as
 *   Redis uses each object's 24-bit `lru` field, without an object per value.
 *
 * Chained hashing over a power-of-two bucket array. Entries live in
 * struct-of-arrays form and are linked by slot index; slot 0 is never used, so
 * 0 means "no entry" and freshly zeroed typed arrays are empty chains.
 *
 * @module
 */

/** Redis's DICT_HT_INITIAL_SIZE: the smallest bucket array. */
const MIN_BUCKETS = 4;
/** Shrink once fewer than 1/SHRINK_RATIO of the buckets would be needed. */
const SHRINK_RATIO = 8;

/**
 * The hash key, secret and random per process, as Redis keys its siphash: bucket
 * order shows through SCAN and KEYS, and with a guessable hash a client could
 * work out keys that all land in one chain and make every command on them
 * O(n). Not Math.random, whose state can be recovered from its outputs.
 */
const [K0, K1] = crypto.getRandomValues(new Int32Array(2));

/**
 * HalfSipHash-1-3 (the 32-bit member of the siphash family Redis uses; Linux's
 * hsiphash on 32-bit machines), four chars per word as the reference reads four
 * bytes, so binary strings hash as their bytes; chars above 255 overlap and only
 * collide more. Measured on fresh keys like "key:000000012345": ~31 ns against
 * ~27 ns for FNV-1a with murmur3's finaliser, a difference lost in the noise of
 * a whole lookup; reading the chars with charCodeAt costs most of either, and
 * both give Poisson-like chains.
 */
function hashString(key: string): number {
  if (key === lastHashed) return lastHash;
  if (key === primedMember) return primedMemberHash;
  lastHash = sipHash(key);
  lastHashed = key;
  return lastHash;
}

/**
 * The last key hashed and its hash. Commands often look a key up and then
 * write it (a sorted set's score, then its update; a key read, then set), and
 * hashing costs most of a lookup; comparing with the previous key is cheap,
 * whether it is the same string or (usually) differs in its first chars.
 */
let lastHashed = "";
let lastHash = sipHash("");

/**
 * The hash of `key`, for a caller that hashes keys ahead of looking them up
 * ({@link Dict.warm}); {@link primeHash} hands it to the lookup.
 */
export function hashOf(key: string): number {
  return sipHash(key);
}

/**
 * Makes the next lookup of `key` use `hash`, which must be hashOf(key), rather
 * than hash the key again: the one-entry cache above, filled ahead of time.
 */
export function primeHash(key: string, hash: number): void {
  lastHashed = key;
  lastHash = hash;
}

/**
 * A second precomputed hash, for the member a command looks up in its
 * collection after its key ({@link primeMemberHash}). Like the cache above it
 * is only ever the hash of its string, so it is right whenever it matches.
 */
let primedMember = "";
let primedMemberHash = sipHash("");

/** Like {@link primeHash}, for the member or field a command looks up after its key. */
export function primeMemberHash(member: string, hash: number): void {
  primedMember = member;
  primedMemberHash = hash;
}

function sipHash(key: string): number {
  let v0 = K0;
  let v1 = K1;
  let v2 = K0 ^ 0x6c796765;
  let v3 = K1 ^ 0x74656462;
  const n = key.length;
  for (let i = 0;; i += 4) {
    const last = i + 4 > n;
    let m: number;
    if (!last) {
      m = key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) |
        (key.charCodeAt(i + 3) << 24);
    } else {
      // The final word: the remaining chars and the length's low byte, as in the reference.
      m = n << 24;
      for (let j = i, shift = 0; j < n; j++, shift += 8) m |= key.charCodeAt(j) << shift;
    }
    v3 ^= m;
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
    if (last) break;
  }
  v2 ^= 0xff;
  for (let round = 0; round < 3; round++) {
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
  }
  return v1 ^ v3;
}

/** Reverses the bits of a 32-bit integer (Redis's rev()). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

function randomU32(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

/** The smallest power of two >= n (and >= MIN_BUCKETS). */
function bucketsFor(n: number): number {
  let size = MIN_BUCKETS;
  while (size < n) size *= 2;
  return size;
}

/** The stamps and sizes of a dict that keeps none: no words, never read or written. */
const NO_WORDS = new Uint32Array(0);
/** The numbers of a dict that keeps none. */
const NO_NUMBERS = new Float64Array(0);

/** Dict.warm's scratch: the first entry of each bucket it reads (grown when needed). */
let warmedSlots = new Int32Array(64);

export class Dict<V> {
  /** Bucket -> first entry slot of its chain (0: empty). */
  private heads = new Int32Array(MIN_BUCKETS);
  private mask = MIN_BUCKETS - 1;
  /**
   * Per slot: the key, "" when the slot is free. Plain arrays grown by `push`
   * stay packed, which V8 reads fastest.
   */
  private keyOf: string[] = [""];
  /** Per slot: the value, undefined when the slot is free (so it can be collected). */
  private valueOf: (V | undefined)[] = [undefined];
  /**
   * Per slot: for a live entry, the next slot of its chain (0 ends it); for a
   * free slot, `~nextFree`, always negative, which is how full walks tell free
   * slots from live ones.
   */
  private next = new Int32Array(MIN_BUCKETS * 2);
  /**
   * Per slot: the key's full hash, so resizing never rehashes strings and most
   * mismatches skip the string compare.
   */
  private hashes = new Int32Array(MIN_BUCKETS * 2);
  /**
   * Per slot, in a dict made with `slotWords`: a word the owner reads and
   * writes through {@link stampAt} and {@link setStamp}. Only the key space
   * has them: a small collection's dict would spend more on these two arrays
   * than on its members.
   */
  private stamps = NO_WORDS;
  /**
   * Per slot, in a dict made with `slotWords`: a second word for the owner
   * ({@link sizeAt}, {@link setSize}), which the key space uses for each key's
   * estimated memory while maxmemory is set (lib/store/eviction.ts).
   */
  private sizes = NO_WORDS;
  /**
   * Per slot, in a dict made with `slotNumbers`: a double the owner reads and
   * writes through {@link numberAt} and {@link setNumberAt}. A sorted set's
   * member table keeps its scores here, unboxed: in `valueOf`, which the key
   * space's code shares, each fractional score was a 16-byte heap number.
   */
  private numbers = NO_NUMBERS;
  /** Every slot below this one has been handed out (and is live or free). */
  private used = 1;
  /** Head of the free-slot list (0: none); freed slots are reused before new ones. */
  private free = 0;
  private count = 0;

  /**
   * @param slotWords keep a stamp and a size word per entry ({@link stampAt}, {@link sizeAt}).
   * @param slotNumbers keep a double per entry ({@link numberAt}).
   */
  constructor(private readonly slotWords = false, private readonly slotNumbers = false) {
    this.stamps = this.words(MIN_BUCKETS * 2);
    this.sizes = this.words(MIN_BUCKETS * 2);
    this.numbers = this.doubles(MIN_BUCKETS * 2);
  }

  /** A new numbers array of `length` slots, or NO_NUMBERS for a dict that keeps none. */
  private doubles(length: number): Float64Array<ArrayBuffer> {
    return this.slotNumbers ? new Float64Array(length) : NO_NUMBERS;
  }

  /** A new stamps or sizes array of `length` slots, or NO_WORDS for a dict that keeps none. */
  private words(length: number): Uint32Array<ArrayBuffer> {
    return this.slotWords ? new Uint32Array(length) : NO_WORDS;
  }

  get size(): number {
    return this.count;
  }

  /** The number of buckets, for tests that check shrinking. */
  get bucketCount(): number {
    return this.mask + 1;
  }

  /**
   * How many buckets have a chain of each length (index 0: empty buckets), for
   * DEBUG HTSTATS; the lengths sum to {@link bucketCount}.
   */
  chainLengths(): number[] {
    const histogram = [0];
    const next = this.next;
    for (const head of this.heads) {
      let length = 0;
      for (let e = head; e !== 0; e = next[e]) length++;
      while (histogram.length <= length) histogram.push(0);
      histogram[length]++;
    }
    return histogram;
  }

  /**
   * Reads the bucket of each of the first `n` hashes (from {@link hashOf})
   * and the entry of its chain likely to be the key (the first, or the second
   * when the first has another hash): its hash, stamp and key, so that
   * lookups of those keys soon after find them in the CPU's cache. Done for a
   * whole pipeline at once, these reads are independent and the CPU overlaps
   * their cache misses, where the lookups, one command after another, would
   * wait for each miss in turn. Changes nothing; returns a value made of what
   * it read, which the caller must keep somewhere, so that the compiler cannot
   * drop the reads. `warmValue`, if given, reads on from each such entry's
   * value.
   */
  warm(hashes: Int32Array, n: number, warmValue?: (value: V) => number): number {
    const heads = this.heads;
    const mask = this.mask;
    if (n > warmedSlots.length) warmedSlots = new Int32Array(n);
    const slots = warmedSlots;
    for (let i = 0; i < n; i++) slots[i] = heads[hashes[i] & mask];
    const entryHashes = this.hashes;
    const keyOf = this.keyOf;
    // With as many entries as buckets, a third of the keys sought are not first in their chain (a fifth
    // at half as many): one step on past a first entry of another hash, for all keys together, finds
    // most of those.
    const next = this.next;
    for (let i = 0; i < n; i++) {
      const e = slots[i];
      if (e !== 0 && entryHashes[e] !== hashes[i] && next[e] !== 0) slots[i] = next[e];
    }
    let digest = 0;
    for (let i = 0; i < n; i++) {
      const e = slots[i];
      if (e !== 0) digest ^= entryHashes[e] ^ keyOf[e].length;
    }
    if (this.slotWords) {
      // The key space writes an access stamp next.
      const stamps = this.stamps;
      for (let i = 0; i < n; i++) digest ^= stamps[slots[i]];
    }
    if (warmValue !== undefined) {
      const valueOf = this.valueOf;
      // A pipeline on one key (redis-benchmark's) reads its value once.
      let last = 0;
      for (let i = 0; i < n; i++) {
        const e = slots[i];
        if (e !== 0 && e !== last) digest ^= warmValue(valueOf[e] as V);
        last = e;
      }
    }
    return digest;
  }

  /** The slot holding `key`, or 0 when it is absent. */
  find(key: string): number {
    const h = hashString(key);
    const hashes = this.hashes;
    const keyOf = this.keyOf;
    const next = this.next;
    let e = this.heads[h & this.mask];
    while (e !== 0 && (hashes[e] !== h || keyOf[e] !== key)) e = next[e];
    return e;
  }

  /** The value in a slot {@link find} returned; undefined for slot 0. */
  valueAt(slot: number): V | undefined {
    return this.valueOf[slot];
  }

  /** Replaces the value in a live slot {@link find} returned. */
  setValueAt(slot: number, value: V): void {
    this.valueOf[slot] = value;
  }

  /** The stamp of a live slot, as last set by {@link setStamp}. */
  stampAt(slot: number): number {
    return this.stamps[slot];
  }

  setStamp(slot: number, stamp: number): void {
    this.stamps[slot] = stamp;
  }

  /** The size word of a live slot, as last set by {@link setSize} (0 for slot 0). */
  sizeAt(slot: number): number {
    return this.sizes[slot];
  }

  setSize(slot: number, size: number): void {
    this.sizes[slot] = size;
  }

  /** The number of a live slot, as last set by {@link setNumberAt}. */
  numberAt(slot: number): number {
    return this.numbers[slot];
  }

  setNumberAt(slot: number, value: number): void {
    this.numbers[slot] = value;
  }

  get(key: string): V | undefined {
    // Slot 0 is never used, so its value is always undefined.
    return this.valueOf[this.find(key)];
  }

  has(key: string): boolean {
    return this.find(key) !== 0;
  }

  /**
   * Inserts the key, or replaces its value if present; returns its slot, valid
   * until the next deletion. A new entry's stamp is left for the caller to set.
   */
  set(key: string, value: V): number {
    return this.put(key, value, true);
  }

  /**
   * Inserts the key with `value` if it is absent, else leaves its value as it
   * is; returns its slot. For tables whose values never change (a set's
   * members): an entry already there costs no write into its value's slot,
   * which on a big table is a cache miss that look-ahead warming does not cover.
   */
  add(key: string, value: V): number {
    return this.put(key, value, false);
  }

  private put(key: string, value: V, replace: boolean): number {
    const h = hashString(key);
    const b = h & this.mask;
    let e = this.heads[b];
    while (e !== 0) {
      if (this.hashes[e] === h && this.keyOf[e] === key) {
        if (replace) this.valueOf[e] = value;
        return e;
      }
      e = this.next[e];
    }
    let slot = this.free;
    if (slot !== 0) {
      this.free = ~this.next[slot];
      this.keyOf[slot] = key;
      this.valueOf[slot] = value;
    } else {
      slot = this.used++;
      if (slot === this.next.length) this.growSlots();
      this.keyOf.push(key);
      this.valueOf.push(value);
    }
    this.hashes[slot] = h;
    if (this.slotWords) this.sizes[slot] = 0;
    // At the head of the chain, as Redis does: recently added keys are the likely next reads.
    this.next[slot] = this.heads[b];
    this.heads[b] = slot;
    if (++this.count > this.mask + 1) this.rehash(2 * (this.mask + 1));
    return slot;
  }

  delete(key: string): boolean {
    const h = hashString(key);
    const b = h & this.mask;
    const next = this.next;
    let prev = 0;
    let e = this.heads[b];
    while (e !== 0) {
      if (this.hashes[e] === h && this.keyOf[e] === key) {
        if (prev === 0) this.heads[b] = next[e];
        else next[prev] = next[e];
        next[e] = ~this.free;
        this.free = e;
        this.keyOf[e] = "";
        this.valueOf[e] = undefined;
        this.count--;
        if (this.count * SHRINK_RATIO < this.mask + 1 && this.mask + 1 > MIN_BUCKETS) this.shrink();
        return true;
      }
      prev = e;
      e = next[e];
    }
    return false;
  }

  /** Drops every entry; the old arrays are left to the garbage collector. */
  clear(): void {
    this.heads = new Int32Array(MIN_BUCKETS);
    this.mask = MIN_BUCKETS - 1;
    this.keyOf = [""];
    this.valueOf = [undefined];
    this.next = new Int32Array(MIN_BUCKETS * 2);
    this.hashes = new Int32Array(MIN_BUCKETS * 2);
    this.stamps = this.words(MIN_BUCKETS * 2);
    this.sizes = this.words(MIN_BUCKETS * 2);
    this.numbers = this.doubles(MIN_BUCKETS * 2);
    this.used = 1;
    this.free = 0;
    this.count = 0;
  }

  /**
   * Redis's dictScan: visits every entry of the bucket at `cursor` and returns
   * the cursor of the next bucket, 0 when the walk is over. Start with 0.
   *
   * The cursor is incremented in its high bits first (reverse binary), so the
   * buckets already visited are exactly the ones whose low bits are a visited
   * prefix, whatever the table size: after the table doubles, a visited bucket's
   * entries are in the two buckets that share its low bits, which the cursor
   * also counts as visited; after it halves, the merged buckets may be visited
   * again (duplicates, as in Redis) but no entry is skipped.
   *
   * Each call visits one bucket; SCAN calls it until it has COUNT keys, the
   * cursor is 0 or it made 10 * COUNT calls, as Redis does. With the load
   * factor kept between 1/8 and 1, a full walk visits at most about 8n + 4
   * buckets, so its cost is O(n) whatever COUNT is. `visit` (also given the
   * entry's slot, for {@link numberAt}) must not modify the dict: collect
   * keys first, then act on them.
   */
  scan(cursor: number, visit: (key: string, value: V, slot: number) => void): number {
    if (this.count === 0) return 0;
    const mask = this.mask;
    let e = this.heads[cursor & mask];
    while (e !== 0) {
      visit(this.keyOf[e], this.valueOf[e] as V, e);
      e = this.next[e];
    }
    return rev32(rev32(cursor | ~mask) + 1) >>> 0;
  }

  /**
   * A random key, uniformly, or undefined when empty. Redis picks a bucket and
   * then a chain entry (favouring keys in short chains) or samples runs of
   * buckets (favouring keys after empty ones); here live entries fill at least
   * 1/8 of the slots handed out (slots never outnumber buckets, and the dict
   * shrinks below 1/8 load), so probing random slots takes 8 tries at worst on
   * average and is exactly uniform.
   */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const slots = this.used - 1;
    let e: number;
    do e = 1 + Math.floor(Math.random() * slots); while (this.next[e] < 0);
    return this.keyOf[e];
  }

  /**
   * Redis's dictGetSomeKeys, for eviction and active expiry: visits up to `count`
   * distinct entries from a run of buckets starting at a random one. Fast rather
   * than uniform; it may visit fewer than `count` (it gives up after about
   * 10 * count buckets). `visit` (also given the entry's slot, for
   * {@link stampAt}) must not modify the dict.
   */
  sample(count: number, visit: (key: string, value: V, slot: number) => void): void {
    if (count > this.count) count = this.count;
    const mask = this.mask;
    let visited = 0;
    let steps = count * 10;
    let b = randomU32() & mask;
    let emptyRun = 0;
    while (visited < count && steps-- > 0) {
      let e = this.heads[b];
      if (e === 0) {
        // A long run of empty buckets: jump elsewhere rather than crawl through it.
        if (++emptyRun >= 5 && emptyRun > count) {
          b = randomU32() & mask;
          emptyRun = 0;
        }
      } else {
        emptyRun = 0;
        while (e !== 0) {
          visit(this.keyOf[e], this.valueOf[e] as V, e);
          if (++visited === count) return;
          e = this.next[e];
        }
      }
      b = (b + 1) & mask;
    }
  }

  /** Every key. Do not modify the dict while iterating. */
  *keys(): IterableIterator<string> {
    const next = this.next;
    for (let e = 1; e < this.used; e++) {
      if (next[e] >= 0) yield this.keyOf[e];
    }
  }

  /** Every entry. Do not modify the dict while iterating. */
  *entries(): IterableIterator<[string, V]> {
    const next = this.next;
    for (let e = 1; e < this.used; e++) {
      if (next[e] >= 0) yield [this.keyOf[e], this.valueOf[e] as V];
    }
  }

  private growSlots(): void {
    const size = this.next.length * 2;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    const hashes = new Int32Array(size);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const stamps = this.words(size);
    stamps.set(this.stamps);
    this.stamps = stamps;
    const sizes = this.words(size);
    sizes.set(this.sizes);
    this.sizes = sizes;
    const numbers = this.doubles(size);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }

  /**
   * Rebuilds the chains for `buckets` buckets in one go, from the stored hashes.
   * V8's `Map` also rehashes all at once; Redis's incremental rehash (moving a
   * few buckets per operation) can come later if the pause on a huge key space
   * matters.
   */
  private rehash(buckets: number): void {
    const heads = new Int32Array(buckets);
    const mask = buckets - 1;
    const next = this.next;
    const hashes = this.hashes;
    for (let e = 1; e < this.used; e++) {
      if (next[e] < 0) continue;
      const b = hashes[e] & mask;
      next[e] = heads[b];
      heads[b] = e;
    }
    this.heads = heads;
    this.mask = mask;
  }

  /**
   * Shrinks the buckets to fit the live entries and packs those entries into
   * new slot arrays, so memory held by a once-large dict is released too (the
   * free slots would otherwise pin the old arrays' size).
   */
  private shrink(): void {
    const buckets = bucketsFor(this.count);
    const heads = new Int32Array(buckets);
    const mask = buckets - 1;
    const oldNext = this.next;
    const oldHashes = this.hashes;
    const oldKeys = this.keyOf;
    const oldValues = this.valueOf;
    const oldStamps = this.stamps;
    const oldSizes = this.sizes;
    const oldNumbers = this.numbers;
    const keyOf: string[] = [""];
    const valueOf: (V | undefined)[] = [undefined];
    const next = new Int32Array(Math.max(MIN_BUCKETS * 2, bucketsFor(this.count + 1)));
    const hashes = new Int32Array(next.length);
    const stamps = this.words(next.length);
    const sizes = this.words(next.length);
    const numbers = this.doubles(next.length);
    let slot = 1;
    for (let e = 1; e < this.used; e++) {
      if (oldNext[e] < 0) continue;
      const h = oldHashes[e];
      const b = h & mask;
      keyOf.push(oldKeys[e]);
      valueOf.push(oldValues[e]);
      hashes[slot] = h;
      if (this.slotWords) {
        stamps[slot] = oldStamps[e];
        sizes[slot] = oldSizes[e];
      }
      if (this.slotNumbers) numbers[slot] = oldNumbers[e];
      next[slot] = heads[b];
      heads[b] = slot;
      slot++;
    }
    this.heads = heads;
    this.mask = mask;
    this.keyOf = keyOf;
    this.valueOf = valueOf;
    this.next = next;
    this.hashes = hashes;
    this.stamps = stamps;
    this.sizes = sizes;
    this.numbers = numbers;
    this.used = slot;
    this.free = 0;
  }
}
