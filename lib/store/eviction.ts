/**
 * maxmemory: Redis's evict.c. Before a command flagged `denyoom` runs (and
 * any command queued in MULTI, and an EXEC that queued a denyoom one), the
 * server calls {@link Eviction.perform}; while the used memory is over
 * maxmemory it deletes keys chosen by maxmemory-policy, and when it cannot
 * (noeviction, or nothing evictable) the command is refused with -OOM.
 *
 * ## How used memory is measured
 *
 * Not from V8: `Deno.memoryUsage().heapUsed` only drops when the garbage
 * collector runs, so after an eviction it would still count what was freed
 * and the server would go on evicting (or, sampled late, let the data set
 * overshoot), and asking V8 costs too much per command. Instead, while
 * maxmemory is set, each key carries an estimate of what it occupies (its
 * slot's size word in the {@link Dict}) and each {@link Database} keeps the
 * sum, updated on every store, deletion, expiry, move and flush, and, for
 * values a command changed in place (LPUSH, APPEND, HSET ...), re-measured
 * from the keys of each propagated write before the next check. The used
 * memory is then the sum over the databases plus {@link EXPIRE_OVERHEAD} per
 * key with a TTL: deterministic, O(databases) to read, and the same figure
 * INFO reports as used_memory while maxmemory is set.
 *
 * The estimate ({@link entrySize}): the key's bytes plus {@link ENTRY_OVERHEAD}
 * for the dict entry and the key string's header; a string value's bytes plus
 * a 16-byte header (Redix keeps strings one byte per char), a mutable string's
 * buffer capacity plus {@link RAW_OVERHEAD}; a collection
 * {@link COLLECTION_OVERHEAD} plus {@link ELEMENT_OVERHEAD} per element,
 * whatever its elements hold, so the estimate is close (within a few percent
 * of the V8 heap growth, measured for strings of a few KB) for strings and
 * small-element collections, and low for collections of large elements.
 * Memory outside the data set (client buffers, the process's baseline) is not
 * counted, as Redis leaves replica and AOF buffers out.
 *
 * The server keeps under maxmemory up to what one command adds: eviction runs
 * before a command, as in Redis, so a write may leave the data set over the
 * limit by its own size until the next one.
 *
 * With maxmemory 0 nothing is kept: writes pay one check of
 * {@link Database.memoryTracked}, commands one comparison of {@link Eviction.limit}.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Collection } from "./collection.ts";
import type { Database, RedisValue } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import { RawString } from "./raw_string.ts";

/** Estimated bytes of a key's dict entry and key string header, beside the key's own bytes. */
export const ENTRY_OVERHEAD = 48;
/** Estimated bytes of a key's entry in the expires dict. */
export const EXPIRE_OVERHEAD = 48;
/** A one-byte JS string's header. */
const STRING_HEADER = 16;
/** A RawString's object, Uint8Array and ArrayBuffer headers. */
const RAW_OVERHEAD = 96;
export const COLLECTION_OVERHEAD = 64;
export const ELEMENT_OVERHEAD = 48;
/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
/** The size word is 32 bits. */
const MAX_SIZE = 0xffffffff;

/** The estimated bytes a value occupies (see the module comment). */
export function valueSize(value: RedisValue): number {
  if (typeof value === "string") return STRING_HEADER + value.length;
  if (value instanceof RawString) return RAW_OVERHEAD + value.bytes.length;
  return COLLECTION_OVERHEAD + (value as Collection).size * ELEMENT_OVERHEAD;
}

/** The estimated bytes of a key and its value. */
export function entrySize(key: string, value: RedisValue): number {
  return Math.min(MAX_SIZE, ENTRY_OVERHEAD + key.length + valueSize(value));
}

/** What the eviction needs from the server. */
export interface EvictionHost {
  readonly keyspace: Keyspace;
  readonly config: Config;
  /** Deletes nothing: sends the `evicted` event and propagates a DEL for a key just removed. */
  keyEvicted(db: Database, key: string): void;
  /** Whether a client pause suspends eviction (it keeps the data set still, as Redis 7.0). */
  paused(): boolean;
  /** The keys a propagated write names, to re-measure them. */
  keysOfWrite(argv: readonly string[]): string[] | null;
}

/** Redis's performEvictions results. */
export type EvictionResult = "ok" | "running" | "fail";

interface PoolEntry {
  /** Higher is evicted first: idle seconds, 255 - LFU counter, or the inverse of the expiry time. */
  idle: number;
  key: string;
  db: number;
}

type Policy =
  | "noeviction"
  | "allkeys-lru"
  | "volatile-lru"
  | "allkeys-lfu"
  | "volatile-lfu"
  | "allkeys-random"
  | "volatile-random"
  | "volatile-ttl";

/** Redis's evictionTimeLimitUs: how long one call may evict, from maxmemory-eviction-tenacity. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return 500 * 1.15 ** (tenacity - 10);
  return Infinity;
}

export class Eviction {
  /** maxmemory in bytes; 0: no limit, and nothing is measured. */
  limit = 0;
  /** INFO's evicted_keys. */
  evictedKeys = 0;
  private policy: Policy = "noeviction";
  private samples = 5;
  private timeLimitUs = 500;
  /** Redis's EvictionPoolLRU, best candidates last; kept across calls. */
  private pool: (PoolEntry | undefined)[] = new Array(POOL_SIZE).fill(undefined);
  /** Redis's static next_db of the random policies. */
  private nextDb = 0;
  /** Writes propagated since the last measure, whose keys may have changed in place. */
  private written: { db: Database; argv: readonly string[] }[] = [];
  /** Set while eviction goes on in the background after a call used up its time (Redis's evictionTimeProc). */
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: EvictionHost) {}

  /** Reads maxmemory and the eviction parameters; starts or stops measuring. */
  configure(): void {
    const config = this.host.config;
    const limit = config.getNumber("maxmemory");
    if ((limit !== 0) !== (this.limit !== 0)) {
      for (const db of this.host.keyspace.dbs) db.trackMemory(limit !== 0);
      this.written = [];
    }
    this.limit = limit;
    const policy = config.getString("maxmemory-policy") as Policy;
    if (policy !== this.policy) this.pool.fill(undefined);
    this.policy = policy;
    this.samples = config.getNumber("maxmemory-samples");
    this.timeLimitUs = evictionTimeLimitUs(config.getNumber("maxmemory-eviction-tenacity"));
  }

  /** Called for each propagated write while {@link limit} is set. */
  wrote(db: Database, argv: readonly string[]): void {
    this.written.push({ db, argv });
    if (this.written.length >= 1024) this.remeasureWritten();
  }

  private remeasureWritten(): void {
    const written = this.written;
    if (written.length === 0) return;
    this.written = [];
    for (const { db, argv } of written) {
      const keys = this.host.keysOfWrite(argv);
      if (keys !== null) { for (const key of keys) db.remeasure(key); }
    }
  }

  /** The used memory as eviction counts it (see the module comment); 0 when maxmemory is 0. */
  used(): number {
    if (this.limit === 0) return 0;
    this.remeasureWritten();
    let used = 0;
    for (const db of this.host.keyspace.dbs) used += db.memory + db.expires.size * EXPIRE_OVERHEAD;
    return used;
  }

  /**
   * Redis's performEvictions: evicts until the used memory is under the limit,
   * for at most the tenacity's time (then goes on in the background and
   * answers "running"); "fail" when over the limit with nothing it may evict;
   * "ok" without evicting during a client pause.
   */
  perform(): EvictionResult {
    // As Redis's isSafeToPerformEvictions: during a client pause, as if under the limit.
    if (this.host.paused()) return "ok";
    const used = this.used();
    if (used <= this.limit) return "ok";
    if (this.policy === "noeviction") return "fail";
    const toFree = used - this.limit;
    let freed = 0;
    let evicted = 0;
    const start = performance.now();
    while (freed < toFree) {
      const victim = this.choose();
      if (victim === undefined) return this.timer !== undefined ? "running" : "fail";
      const db = this.host.keyspace.dbs[victim.db];
      const before = db.memory + db.expires.size * EXPIRE_OVERHEAD;
      db.remove(victim.key);
      freed += before - (db.memory + db.expires.size * EXPIRE_OVERHEAD);
      this.evictedKeys++;
      this.host.keyEvicted(db, victim.key);
      evicted++;
      if (evicted % 16 === 0 && (performance.now() - start) * 1000 > this.timeLimitUs) {
        this.startTimer();
        break;
      }
    }
    return this.timer !== undefined ? "running" : "ok";
  }

  /** Redis's evictionTimeProc: evicts in slices until under the limit or stuck. */
  private startTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.limit !== 0 && this.perform() === "running") this.startTimer();
    }, 0);
  }

  /** Stops the background eviction (shutdown). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The next key to evict under the policy, or undefined when none may go. */
  private choose(): { db: number; key: string } | undefined {
    const dbs = this.host.keyspace.dbs;
    const policy = this.policy;
    const allKeys = policy.startsWith("allkeys-");
    if (policy.endsWith("-random")) {
      for (let i = 0; i < dbs.length; i++) {
        const index = ++this.nextDb % dbs.length;
        const db = dbs[index];
        const key = allKeys ? db.data.randomKey() : db.expires.randomKey();
        if (key !== undefined) return { db: index, key };
      }
      return undefined;
    }
    const pool = this.pool;
    while (true) {
      let total = 0;
      for (const db of dbs) {
        const size = allKeys ? db.data.size : db.expires.size;
        if (size === 0) continue;
        this.populate(db, allKeys);
        total += size;
      }
      if (total === 0) return undefined;
      // The best candidate still there (a pooled key may have gone since).
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const entry = pool[k];
        if (entry === undefined) continue;
        pool[k] = undefined;
        const db = dbs[entry.db];
        if (allKeys ? db.data.has(entry.key) : db.expires.has(entry.key)) return entry;
      }
    }
  }

  /** Redis's evictionPoolPopulate: samples maxmemory-samples keys of `db` into the pool. */
  private populate(db: Database, allKeys: boolean): void {
    const clock = this.host.keyspace.clock;
    const policy = this.policy;
    const offer = (key: string, idle: number) => this.offer(db.index, key, idle);
    if (policy === "volatile-ttl") {
      db.expires.sample(this.samples, (key, at) => offer(key, Number.MAX_SAFE_INTEGER - at));
      return;
    }
    const lfu = policy.endsWith("-lfu");
    const rank = (stamp: number) => lfu ? 255 - clock.frequency(stamp) : clock.idleSeconds(stamp);
    if (allKeys) {
      db.data.sample(this.samples, (key, _value, slot) => offer(key, rank(db.data.stampAt(slot))));
    } else {
      db.expires.sample(this.samples, (key) => offer(key, rank(db.data.stampAt(db.data.find(key)))));
    }
  }

  /** Inserts a candidate into the pool, sorted by idle ascending, as evictionPoolPopulate. */
  private offer(db: number, key: string, idle: number): void {
    const pool = this.pool;
    let k = 0;
    while (k < POOL_SIZE && pool[k] !== undefined && pool[k]!.idle < idle) k++;
    if (k === 0 && pool[POOL_SIZE - 1] !== undefined) return; // Worse than all, and the pool is full.
    if (k < POOL_SIZE && pool[k] === undefined) {
      // An empty slot: insert there.
    } else if (pool[POOL_SIZE - 1] === undefined) {
      // Room on the right: shift the better ones right.
      pool.copyWithin(k + 1, k, POOL_SIZE - 1);
    } else {
      // Full: drop the worst (leftmost), shifting the others left.
      k--;
      pool.copyWithin(0, 1, k + 1);
    }
    // As in Redis a key sampled again may be pooled twice: the second pick finds it gone and skips it.
    pool[k] = { idle, key, db };
  }
}
