/**
 * A point-in-time walk of the key space without fork (DESIGN.md §10).
 *
 * Redis forks and lets the kernel copy pages on write. Here the snapshot walks
 * the live databases a bounded batch at a time, between which clients are
 * served, and every write to a key goes first through {@link Database.cow}:
 * if the walk has not written that key yet, the snapshot keeps the key's value
 * and TTL as they are now (a clone if the value stays in the database and can
 * still change in place, the object itself if the write removes it), and the
 * walk then skips the key. So the file holds each key exactly once, as it was
 * when the snapshot started; keys added later are left out, keys deleted later
 * are in; and only keys written during the save are ever copied.
 *
 * How the walk knows whether it has passed a key, in O(1) and without a set of
 * every written key: at the start each database's slot arrays are copied (keys
 * and values, a pointer each; nothing else is copied, and a key no write has
 * reached still holds the very object copied, unchanged). The walk first
 * hashes the keys into {@link BUCKETS} buckets, a chunk per turn, orders them
 * by bucket (a counting sort), then writes them bucket by bucket. A key of an
 * earlier bucket has been written; of a later one, not; of the current one,
 * the walk remembers the keys it wrote (about 1/BUCKETS of them). A small
 * database is one bucket.
 *
 * The snapshot holds the database's dicts themselves, not the Database: SWAPDB
 * exchanges the dicts and their `cow` hooks together, FLUSHDB/FLUSHALL give
 * the Database new dicts and leave the old ones to the walk.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type CopyOnWrite, copyValue, type Database, type RedisValue } from "../store/database.ts";
import type { Dict } from "../store/dict.ts";

/** What the snapshot needs of an RDB encoder (RdbEncoder has it; tests use a fake). */
export interface SnapshotSink {
  selectDb(index: number, size: number, expires: number): void;
  entry(key: string, value: RedisValue, expireAt: number | undefined, config: Config): void;
}

/** Buckets of a large database's walk; a small one is walked as one bucket. */
const BUCKETS = 1024;
const ONE_PASS_BELOW = 65536;
/** Keys handled between two looks at the clock. */
const CLOCK_EVERY = 64;

/** FNV-1a over the chars: only orders the walk, so it need not be secret. */
function walkHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The keys of a dict as of now, in slot order with "" for free slots: a copy
 * of the dict's slot array, which takes a few ms for a million keys where
 * iterating them into an array takes tens (and this runs in one turn).
 */
function frozenSlots(data: Dict<RedisValue>): { keys: string[]; values: (RedisValue | undefined)[] } {
  // Dict has no public accessor for them yet: its per-slot arrays, read only.
  const slots = data as unknown as { keyOf: unknown; valueOf: unknown };
  if (
    Array.isArray(slots.keyOf) && Array.isArray(slots.valueOf) && slots.keyOf.length === slots.valueOf.length
  ) {
    return { keys: slots.keyOf.slice(), values: slots.valueOf.slice() };
  }
  const keys: string[] = [];
  const values: RedisValue[] = [];
  for (const [key, value] of data.entries()) {
    keys.push(key);
    values.push(value);
  }
  return { keys, values };
}

/** The indexes of `hashes` ordered by bucket (`hash & mask`): a counting sort. */
function orderByBucket(hashes: Uint32Array, mask: number): Int32Array {
  const starts = new Int32Array(mask + 2);
  for (let i = 0; i < hashes.length; i++) starts[(hashes[i] & mask) + 1]++;
  for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
  const order = new Int32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) order[starts[hashes[i] & mask]++] = i;
  return order;
}

interface Kept {
  key: string;
  value: RedisValue;
  expireAt: number | undefined;
}

/** One database's part of a snapshot, and its copy-on-write hook. */
export class DbSnapshot implements CopyOnWrite {
  /** The walk has written every key: writes no longer concern it. */
  done = false;
  /** Keys as of the start; "" once the walk wrote or skipped them is not needed. */
  private keys: string[];
  /**
   * The values as of the start, beside {@link keys}: a key no write has
   * reached still holds the very same object, unchanged, so the walk reads it
   * here rather than looking each key up again (most of a walk's cost).
   */
  private values: (RedisValue | undefined)[];
  private hashes: Uint32Array;
  private readonly mask: number;
  /** The bucket of the current pass; a key of a lower bucket has been walked. */
  private bucket = 0;
  /** Next index in {@link order} (in {@link keys} for a one-pass database). */
  private position = 0;
  /** Keys hashed so far, before the walk proper. */
  private hashed = 0;
  /** Indexes of {@link keys} by bucket, once all are hashed. */
  private order: Int32Array | undefined;
  /** Keys written in the current pass. */
  private walkedInPass = new Set<string>();
  /** Keys a write reached first: either kept in {@link pending}, or added after the start. */
  private touched = new Set<string>();
  private pending: Kept[] = [];
  /** How many values writes made this snapshot keep (INFO's copy-on-write figures). */
  copies = 0;
  /** Keys written to the sink so far. */
  written = 0;
  readonly size: number;
  readonly expiresSize: number;
  started = false;
  /** The key "" is walked first, apart: in the frozen slot array "" also marks a free slot. */
  private readonly hasEmptyKey: boolean;
  private emptyKeyWalked = false;

  constructor(
    readonly index: number,
    readonly data: Dict<RedisValue>,
    readonly expires: Dict<number>,
  ) {
    this.size = data.size;
    this.expiresSize = expires.size;
    ({ keys: this.keys, values: this.values } = frozenSlots(data));
    this.hasEmptyKey = data.has("");
    this.hashes = new Uint32Array(this.keys.length);
    this.mask = this.keys.length < ONE_PASS_BELOW ? 0 : BUCKETS - 1;
  }

  /** Whether the walk has written `key` already. */
  private walked(key: string): boolean {
    if (key === "") return this.emptyKeyWalked;
    if (this.mask === 0) return this.walkedInPass.has(key);
    const b = walkHash(key) & this.mask;
    return b < this.bucket || (b === this.bucket && this.walkedInPass.has(key));
  }

  before(key: string, copy: boolean): void {
    if (this.done || this.touched.has(key) || this.walked(key)) return;
    this.touched.add(key);
    const value = this.data.get(key);
    if (value === undefined) return; // added after the start: not in this snapshot
    this.copies++;
    this.pending.push({ key, value: copy ? copyValue(value) : value, expireAt: this.expires.get(key) });
  }

  /**
   * Writes keys until `deadline` (performance.now() ms) or the end; true when
   * this database is complete.
   */
  step(sink: SnapshotSink, config: Config, deadline: number): boolean {
    if (this.done) return true;
    if (!this.started) {
      this.started = true;
      if (this.size !== 0) sink.selectDb(this.index, this.size, this.expiresSize);
      if (this.hasEmptyKey && !this.touched.has("")) {
        sink.entry("", this.data.get("")!, this.expires.get(""), config);
        this.written++;
      }
      this.emptyKeyWalked = true;
    }
    this.flushPending(sink, config);
    const keys = this.keys;
    const hashes = this.hashes;
    const mask = this.mask;
    const n = keys.length;
    if (mask !== 0 && this.order === undefined) {
      // First the walk hashes, a chunk at a time; nothing is written yet.
      let i = this.hashed;
      while (i < n) {
        const end = Math.min(n, i + 4096);
        for (; i < end; i++) hashes[i] = walkHash(keys[i]);
        if (i < n && performance.now() >= deadline) {
          this.hashed = i;
          return false;
        }
      }
      this.hashed = n;
      this.order = orderByBucket(hashes, mask);
    }
    const order = this.order;
    const volatile = this.expiresSize !== 0;
    let p = this.position;
    let count = 0;
    while (p < n) {
      let slot = p;
      if (order !== undefined) {
        slot = order[p];
        const bucket = hashes[slot] & mask;
        if (bucket !== this.bucket) {
          this.bucket = bucket;
          this.walkedInPass = new Set();
        }
      }
      const key = keys[slot];
      // "" is a free slot here (the key "" was written first).
      if (key !== "" && !this.touched.has(key)) {
        this.walkedInPass.add(key);
        sink.entry(key, this.values[slot]!, volatile ? this.expires.get(key) : undefined, config);
        this.written++;
      }
      p++;
      if ((++count & (CLOCK_EVERY - 1)) === 0 && performance.now() >= deadline) {
        this.position = p;
        return false;
      }
    }
    this.position = n;
    this.flushPending(sink, config);
    this.finish();
    return true;
  }

  private flushPending(sink: SnapshotSink, config: Config): void {
    if (this.pending.length === 0) return;
    for (const { key, value, expireAt } of this.pending) sink.entry(key, value, expireAt, config);
    this.written += this.pending.length;
    this.pending = [];
  }

  /** Lets go of everything: the walk is complete or abandoned. */
  finish(): void {
    this.done = true;
    this.keys = [];
    this.values = [];
    this.hashes = new Uint32Array(0);
    this.order = undefined;
    this.walkedInPass = new Set();
    this.touched = new Set();
    this.pending = [];
  }
}

/**
 * The whole key space's snapshot: one {@link DbSnapshot} per database, hooked
 * into the databases from construction until {@link finish}.
 */
export class Snapshot {
  readonly parts: DbSnapshot[];
  private current = 0;
  keysTotal = 0;

  constructor(private dbs: readonly Database[]) {
    this.parts = dbs.map((db) => new DbSnapshot(db.index, db.data, db.expires));
    for (const part of this.parts) this.keysTotal += part.size;
    dbs.forEach((db, i) => db.cow = this.parts[i]);
  }

  /** Writes until `deadline` (performance.now() ms); true when the snapshot is complete. */
  step(sink: SnapshotSink, config: Config, deadline: number): boolean {
    while (this.current < this.parts.length) {
      if (!this.parts[this.current].step(sink, config, deadline)) return false;
      this.current++;
    }
    this.finish();
    return true;
  }

  /** Unhooks from the databases: after completion, or to abandon the snapshot. */
  finish(): void {
    for (const part of this.parts) part.finish();
    for (const db of this.dbs) {
      if (db.cow !== undefined && this.parts.includes(db.cow as DbSnapshot)) db.cow = undefined;
    }
  }

  /** Keys written so far (INFO's current_save_keys_processed). */
  get written(): number {
    let n = 0;
    for (const part of this.parts) n += part.written;
    return n;
  }

  /** Values writes made this snapshot keep so far. */
  get copies(): number {
    let n = 0;
    for (const part of this.parts) n += part.copies;
    return n;
  }
}
