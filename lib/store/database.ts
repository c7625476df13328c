/**
 * One numbered database: a key -> value dict plus a key -> absolute expiry time
 * (ms) dict, with lazy expiry on every access (DESIGN.md §7). Both are
 * {@link Dict}s rather than Maps: faster lookups, and the SCAN cursor, random
 * keys and sampling that Map cannot give.
 *
 * Keys are binary strings (one char per byte). Values are typed by
 * {@link RedisValue}; strings are kept as binary strings.
 *
 * Every lookup and write stamps the key with the {@link AccessClock}, as Redis's
 * lookupKey does, except {@link Database.peek}, which is for the commands Redis
 * runs with LOOKUP_NOTOUCH (EXISTS, TYPE, TTL, OBJECT ...).
 *
 * @module
 */
import type { AccessClock } from "./access_clock.ts";
import { Dict, hashOf, primeHash } from "./dict.ts";
import { entrySize } from "./eviction.ts";
import type { Collection } from "./collection.ts";
import type { StringValue } from "./raw_string.ts";

/** A stored value: a string, or a collection (see {@link Collection}). */
export type RedisValue = StringValue | Collection;

/** A copy sharing nothing that can change (strings are immutable; a RawString or a collection is not). */
export function copyValue(value: RedisValue): RedisValue {
  return typeof value === "string" ? value : value.clone();
}

/** What the rest of the server wants to know about keys coming and going. */
export interface DatabaseListener {
  /** A key vanished because its time passed. */
  keyExpired(db: Database, key: string): void;
  /** A key in {@link Database.waitedKeys} got a value: blocked clients may be served. */
  keyReady(db: Database, key: string): void;
  /**
   * False while expiry is suspended (CLIENT PAUSE, as Redis 7.0): a key whose
   * time has passed then reads as missing but is not deleted. Absent: always.
   */
  mayExpire?(): boolean;
}

/**
 * A running snapshot's hook (see persistence/snapshot.ts): told before a key is
 * written, so that it can keep the key's value as of the snapshot's start if it
 * has not saved the key yet. `copy` when the value stays in the database and
 * may change in place, so it must be copied rather than kept.
 */
export interface CopyOnWrite {
  before(key: string, copy: boolean): void;
}

/** Reads on from a value found while warming keys: a collection's own arrays, a plain string's first chars. */
function warmValue(value: RedisValue): number {
  return typeof value === "object" ? value.warm() : value.length;
}

/**
 * How many keys of a multi-key command are read ahead together: as many as
 * the CPU overlaps misses for, few enough that the first are still in cache
 * when they are looked up.
 */
const WARM_CHUNK = 32;
/** The multi-key command's keys being read ahead (commands run one at a time), see {@link Database.warmKeys}. */
const warming = { from: 0, step: 1, values: false, start: 0, end: 0 };
/** The hashes of the keys warming.start to warming.end - 1. */
const warmedKeyHashes = new Int32Array(WARM_CHUNK);
/** Where primeWarmedKey's digests go, so that its reads stay (see Dict.warm). */
let warmedDigest = 0;

export class Database {
  /** Not readonly: SWAPDB exchanges the contents of two databases, see {@link swapWith}. */
  data = new Dict<RedisValue>(true);
  /** Absolute unix time in ms at which a key expires; only keys with a TTL. */
  expires = new Dict<number>();
  /**
   * Keys that blocked clients wait on (kept by the blocking registry), so that
   * storing a value checks one small set rather than calling out on every write.
   */
  readonly waitedKeys = new Set<string>();
  /** Where active expiry resumes its walk of {@link expires} (a Dict scan cursor). */
  private expiryCursor = 0;
  /**
   * Told of each key added to this database, where Redis's dbAdd sends the
   * `new` keyspace event; undefined while nobody wants that, so that storing
   * a value then costs this one check and no lookup.
   */
  keyAdded: ((db: Database, key: string) => void) | undefined = undefined;
  /**
   * Set while a BGSAVE walks this database's dicts: every write to a key calls
   * it first (here, and in access.ts for writes in place). Without a snapshot
   * it costs writes this one check.
   */
  cow: CopyOnWrite | undefined = undefined;
  /**
   * Whether {@link memory} is kept (only while maxmemory is set, so that
   * without it writes pay this one check), see lib/store/eviction.ts.
   */
  memoryTracked = false;
  /** The estimated bytes of this database's keys and values (each slot's size word summed). */
  memory = 0;

  constructor(readonly index: number, private listener: DatabaseListener, private clock: AccessClock) {}

  get size(): number {
    return this.data.size;
  }

  /**
   * The live value of `key`, deleting it first if its time has passed, and
   * stamping it as accessed. Every read and write goes through here or
   * {@link peek} so that an expired key is never seen.
   */
  get(key: string): RedisValue | undefined {
    if (this.expireIfNeeded(key)) return undefined;
    const data = this.data;
    const slot = data.find(key);
    if (slot !== 0 && !this.clock.frozen) {
      const clock = this.clock;
      data.setStamp(slot, clock.lfu ? clock.lfuTouched(data.stampAt(slot)) : clock.lru);
    }
    return data.valueAt(slot);
  }

  /** Like {@link get}, but not an access: the key's idle time and frequency stay as they were. */
  peek(key: string): RedisValue | undefined {
    if (this.expireIfNeeded(key)) return undefined;
    return this.data.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Reads the entries of the first `n` keys hashed in `hashes` (hashOf), and
   * with `values` what they hold, see {@link Dict.warm}; and their expiry
   * times, which every lookup reads first once any key has one. Returns
   * Dict.warm's digest, for the caller to keep.
   */
  warmEntries(hashes: Int32Array, n: number, values: boolean): number {
    let digest = this.data.warm(hashes, n, values ? warmValue : undefined);
    if (this.expires.size !== 0) digest ^= this.expires.warm(hashes, n);
    return digest;
  }

  /**
   * Prepares a command that looks up its keys argv[from], argv[from + step],
   * ... one after another (MGET, MSET, DEL, EXISTS) for {@link primeWarmedKey}, which reads
   * their entries ahead ({@link warmEntries}) WARM_CHUNK keys at a time, so
   * that their cache misses overlap rather than come one by one, as look-ahead
   * does for a pipeline's keys (lib/server/lookahead.ts).
   */
  warmKeys(from: number, step: number, values: boolean): void {
    warming.from = from;
    warming.step = step;
    warming.values = values;
    warming.start = warming.end = 0;
  }

  /**
   * Before the lookup of the key argv[at] (see {@link warmKeys}; `argv` is
   * the command's, passed again rather than kept, so that a big MSET's
   * arguments are not held after it): reads ahead the next WARM_CHUNK keys
   * when the last read is used up, and hands the lookup the key's hash
   * computed there.
   */
  primeWarmedKey(argv: readonly string[], at: number): void {
    const index = (at - warming.from) / warming.step;
    if (index < warming.start || index >= warming.end) {
      // A last key alone has no misses to overlap with (look-ahead has read a single-key DEL's already).
      if (at + warming.step >= argv.length) return;
      let n = 0;
      for (let i = at; i < argv.length && n < WARM_CHUNK; i += warming.step) {
        warmedKeyHashes[n++] = hashOf(argv[i]);
      }
      warming.start = index;
      warming.end = index + n;
      warmedDigest ^= this.warmEntries(warmedKeyHashes, n, warming.values);
    }
    primeHash(argv[at], warmedKeyHashes[index - warming.start]);
  }

  /** Stores a value and clears any TTL the key had, as SET does. */
  set(key: string, value: RedisValue): void {
    if (this.cow !== undefined) this.cow.before(key, false);
    this.store(key, value);
    if (this.expires.size !== 0) this.expires.delete(key);
  }

  /** Stores a value keeping the key's TTL (SETRANGE, APPEND, SET KEEPTTL ...). */
  overwrite(key: string, value: RedisValue): void {
    if (this.cow !== undefined) this.cow.before(key, false);
    this.store(key, value);
  }

  /**
   * A new value gets a fresh stamp, as a new object does in Redis; except under
   * LFU, where Redis looks the key up first (an access) and the new value
   * inherits the old one's counter.
   */
  private store(key: string, value: RedisValue): void {
    const added = this.keyAdded !== undefined && this.peek(key) === undefined;
    if (this.waitedKeys.size !== 0 && this.waitedKeys.has(key)) this.listener.keyReady(this, key);
    const data = this.data;
    const clock = this.clock;
    let slot: number;
    if (!clock.lfu) {
      data.setStamp(slot = data.set(key, value), clock.lru);
    } else if (this.get(key) === undefined) {
      data.setStamp(slot = data.set(key, value), clock.fresh());
    } else {
      slot = data.set(key, value);
    }
    if (this.memoryTracked) this.measure(slot, key, value);
    if (added) this.keyAdded!(this, key);
  }

  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    if (this.cow !== undefined) this.cow.before(key, false);
    if (this.memoryTracked) this.memory -= this.data.sizeAt(this.data.find(key));
    this.data.delete(key);
    this.expires.delete(key);
    return true;
  }

  /**
   * Moves a live key with its TTL and access stamp to `newKey` in `target`
   * (this database or another), where the caller has made sure it is absent:
   * RENAME and MOVE hand over the value itself, as Redis moves the object.
   */
  transfer(key: string, target: Database, newKey: string): void {
    // The value moves on and may change in place under its new name.
    if (this.cow !== undefined) this.cow.before(key, true);
    if (target.cow !== undefined) target.cow.before(newKey, false);
    const slot = this.data.find(key);
    const value = this.data.valueAt(slot)!;
    const stamp = this.data.stampAt(slot);
    const size = this.data.sizeAt(slot);
    const at = this.expires.get(key);
    this.data.delete(key);
    if (at !== undefined) this.expires.delete(key);
    const newSlot = target.data.set(newKey, value);
    target.data.setStamp(newSlot, stamp);
    if (this.memoryTracked) {
      this.memory -= size;
      target.measure(newSlot, newKey, value);
    }
    if (at !== undefined) target.expires.set(newKey, at);
    if (target.waitedKeys.has(newKey)) target.listener.keyReady(target, newKey);
    target.keyAdded?.(target, newKey);
  }

  /** Seconds since a live key was last accessed (OBJECT IDLETIME, under a non-LFU policy). */
  idleSeconds(key: string): number {
    return this.clock.idleSeconds(this.data.stampAt(this.data.find(key)));
  }

  /** A live key's LFU counter (OBJECT FREQ, under an LFU policy). */
  frequency(key: string): number {
    return this.clock.frequency(this.data.stampAt(this.data.find(key)));
  }

  /**
   * A random live key, or undefined when there is none. Expired keys drawn on
   * the way are deleted, as Redis's dbRandomKey does. While expiry is
   * suspended they stay, so when every key has a TTL (all may be expired)
   * it gives up after 100 draws and returns an expired key, as Redis 7.2
   * does; Redis 7.0.15 loops forever there.
   */
  randomKey(): string | undefined {
    let tries = 100;
    while (true) {
      const key = this.data.randomKey();
      if (key === undefined || !this.expireIfNeeded(key)) return key;
      if (this.data.size === this.expires.size && this.expires.has(key) && --tries === 0) return key;
    }
  }

  /**
   * Deletes `key` if its time has passed; true if it did, or would have but
   * expiry is suspended (Redis's expireIfNeeded). As in Redis, a key lives
   * through the millisecond of its expiry time and is gone after it.
   */
  expireIfNeeded(key: string): boolean {
    if (this.expires.size === 0) return false;
    const at = this.expires.get(key);
    if (at === undefined || at >= Date.now()) return false;
    if (this.listener.mayExpire?.() === false) return true;
    this.expire(key);
    return true;
  }

  /**
   * Exchanges all keys with `other` (SWAPDB). The Database objects stay where
   * they are, so clients that selected either one see the other's keys at once.
   */
  swapWith(other: Database): void {
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.expiryCursor, other.expiryCursor] = [other.expiryCursor, this.expiryCursor];
    [this.cow, other.cow] = [other.cow, this.cow];
    [this.memory, other.memory] = [other.memory, this.memory];
    // Blocked clients stay with their database number, which now holds other keys.
    for (const db of [this, other]) {
      for (const key of db.waitedKeys) {
        if (db.data.get(key) === undefined) continue;
        // A blocked client served next changes the value in place.
        if (db.cow !== undefined) db.cow.before(key, true);
        db.listener.keyReady(db, key);
      }
    }
  }

  /** The absolute expiry of a live key, or undefined when it has none. */
  expiryOf(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpiry(key: string, at: number): void {
    if (this.cow !== undefined) this.cow.before(key, true);
    this.expires.set(key, at);
  }

  /** Removes a TTL; true if there was one. */
  persist(key: string): boolean {
    if (this.cow !== undefined && this.expires.has(key)) this.cow.before(key, true);
    return this.expires.delete(key);
  }

  /** Drops every key in O(1); the garbage collector frees the old tables lazily. */
  clear(): void {
    this.expiryCursor = 0;
    this.memory = 0;
    if (this.cow !== undefined) {
      // A snapshot walks the old dicts: leave them to it, unchanged.
      this.data = new Dict(true);
      this.expires = new Dict();
      this.cow = undefined;
      return;
    }
    this.data.clear();
    this.expires.clear();
  }

  /** Deletes a key whose time has passed and tells the listener. */
  expire(key: string): void {
    if (this.cow !== undefined) this.cow.before(key, false);
    if (this.memoryTracked) this.memory -= this.data.sizeAt(this.data.find(key));
    this.data.delete(key);
    this.expires.delete(key);
    this.listener.keyExpired(this, key);
  }

  /**
   * Deletes a key whatever its TTL, telling no one (eviction: the caller sends
   * the event and propagates, as Redis's dbSyncDelete does not look at expiry).
   */
  remove(key: string): void {
    if (this.cow !== undefined) this.cow.before(key, false);
    if (this.memoryTracked) this.memory -= this.data.sizeAt(this.data.find(key));
    this.data.delete(key);
    this.expires.delete(key);
  }

  /** Sets a key's estimated size (its slot's size word) and keeps {@link memory} the sum of them. */
  private measure(slot: number, key: string, value: RedisValue): void {
    const size = entrySize(key, value);
    this.memory += size - this.data.sizeAt(slot);
    this.data.setSize(slot, size);
  }

  /**
   * Measures a key again after a command changed its value in place (LPUSH,
   * APPEND ...): the server calls this for the keys of each propagated write
   * while memory is tracked.
   */
  remeasure(key: string): void {
    const slot = this.data.find(key);
    if (slot !== 0) this.measure(slot, key, this.data.valueAt(slot)!);
  }

  /** Starts (measuring every key, O(n) once) or stops keeping {@link memory}. */
  trackMemory(on: boolean): void {
    this.memoryTracked = on;
    this.memory = 0;
    if (!on) return;
    const data = this.data;
    for (const [key, value] of data.entries()) {
      const slot = data.find(key);
      const size = entrySize(key, value);
      data.setSize(slot, size);
      this.memory += size;
    }
  }

  /**
   * Active expiry, one step: walks the keys with a TTL bucket by bucket from
   * where the previous step stopped (a SCAN cursor, so growth and shrinking in
   * between lose nothing), examining about `budget` keys and deleting the
   * expired ones. Returns how many it examined and expired, so the caller can
   * decide whether to go on (see Keyspace.activeExpireCycle).
   */
  expireSome(budget: number, now: number): { checked: number; expired: number } {
    const due: string[] = [];
    let checked = 0;
    let cursor = this.expiryCursor;
    do {
      cursor = this.expires.scan(cursor, (key, at) => {
        checked++;
        if (at < now) due.push(key);
      });
    } while (cursor !== 0 && checked < budget);
    this.expiryCursor = cursor;
    for (const key of due) this.expire(key);
    return { checked, expired: due.length };
  }
}
