/**
 * The numbered databases and the active expiry cycle that reclaims keys nobody
 * reads again (DESIGN.md §7).
 *
 * @module
 */
import { AccessClock } from "./access_clock.ts";
import { Database, type DatabaseListener, type RedisValue } from "./database.ts";

/** Keys examined per step, as Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP. */
const KEYS_PER_STEP = 20;
/** Keep going in a database while more than this share of a step was expired. */
const ACCEPTABLE_STALE = 0.1;
/** Share of each 1000/hz ms period the cycle may use (Redis's 25%). */
const CYCLE_TIME_SHARE = 0.25;

export class Keyspace {
  readonly dbs: Database[];
  /** Stamps every access; the server cron advances it and applies the eviction policy to it. */
  readonly clock = new AccessClock();

  constructor(databases: number, listener: DatabaseListener) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) {
      this.dbs.push(new Database(i, listener, this.clock));
    }
  }

  /** Total number of keys in all databases. */
  get size(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  flushAll(): void {
    for (const db of this.dbs) db.clear();
  }

  /**
   * The per-key step of loading an RDB file into these databases, as rdbLoad
   * does it: a key whose TTL has passed is skipped (false), any other is set
   * with its TTL (true). A database number past `databases`, or with
   * `refuseDuplicates` a key already there, throws what `fail` makes of
   * Redis's message.
   */
  rdbKeyLoader(
    fail: (message: string) => Error,
    refuseDuplicates = false,
  ): (index: number, key: string, value: RedisValue, expireAt: number | undefined) => boolean {
    const dbs = this.dbs;
    const now = Date.now();
    return (index, key, value, expireAt) => {
      const db = dbs[index];
      if (db === undefined) {
        throw fail(
          `FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases`,
        );
      }
      if (expireAt !== undefined && expireAt < now) return false;
      if (refuseDuplicates && db.data.has(key)) throw fail(`RDB has duplicated key '${key}' in DB ${index}`);
      db.set(key, value);
      if (expireAt !== undefined) db.setExpiry(key, expireAt);
      return true;
    };
  }

  /**
   * One active expiry cycle: sweeps each database's keys with a TTL in steps,
   * going on while steps keep finding many expired keys, within a time budget
   * derived from hz so the event loop stays responsive.
   */
  activeExpireCycle(hz: number): void {
    const start = Date.now();
    const deadline = start + Math.max(1, (1000 / hz) * CYCLE_TIME_SHARE);
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      while (true) {
        const now = Date.now();
        if (now >= deadline) return;
        const { checked, expired } = db.expireSome(KEYS_PER_STEP, now);
        if (checked === 0 || expired <= checked * ACCEPTABLE_STALE) break;
      }
    }
  }
}
