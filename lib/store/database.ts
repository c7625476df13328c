/**
 * One numbered database: a key -> value map plus a key -> absolute expiry time
 * (ms) map, with lazy expiry on every access (DESIGN.md §7).
 *
 * Keys are binary strings (one char per byte). Values are typed by
 * {@link RedisValue}; strings are kept as binary strings.
 *
 * @module
 */

/** A stored value. Collections join this union as their types land. */
export type RedisValue = string;

/** What the rest of the server wants to know when a key vanishes by expiry. */
export interface ExpiryListener {
  keyExpired(db: Database, key: string): void;
}

export class Database {
  data = new Map<string, RedisValue>();
  /** Absolute unix time in ms at which a key expires; only keys with a TTL. */
  expires = new Map<string, number>();

  constructor(readonly index: number, private listener: ExpiryListener) {}

  get size(): number {
    return this.data.size;
  }

  /**
   * The live value of `key`, deleting it first if its time has passed. Every read
   * and write goes through here so that an expired key is never seen.
   */
  get(key: string): RedisValue | undefined {
    if (this.expires.size !== 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at <= Date.now()) {
        this.expire(key);
        return undefined;
      }
    }
    return this.data.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores a value and clears any TTL the key had, as SET does. */
  set(key: string, value: RedisValue): void {
    this.data.set(key, value);
    if (this.expires.size !== 0) this.expires.delete(key);
  }

  /** Stores a value keeping the key's TTL (SETRANGE, APPEND, SET KEEPTTL ...). */
  overwrite(key: string, value: RedisValue): void {
    this.data.set(key, value);
  }

  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.data.delete(key);
    this.expires.delete(key);
    return true;
  }

  /** The absolute expiry of a live key, or undefined when it has none. */
  expiryOf(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpiry(key: string, at: number): void {
    this.expires.set(key, at);
  }

  /** Removes a TTL; true if there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Drops every key in O(1); the garbage collector frees the old maps lazily. */
  clear(): void {
    this.data = new Map();
    this.expires = new Map();
  }

  /** Deletes a key whose time has passed and tells the listener. */
  expire(key: string): void {
    this.data.delete(key);
    this.expires.delete(key);
    this.listener.keyExpired(this, key);
  }

  /**
   * Active expiry, one step: examines up to `budget` keys that have a TTL,
   * continuing where the previous call stopped, and deletes the expired ones.
   * Returns how many keys it examined and how many it expired, so the caller can
   * decide whether to go on (see Keyspace.activeExpireCycle).
   */
  expireSome(budget: number, now: number): { checked: number; expired: number } {
    let checked = 0;
    let expired = 0;
    let iterator = this.expiryCursor;
    if (iterator === undefined || this.expiryCursorMap !== this.expires) {
      iterator = this.expires.entries();
      this.expiryCursorMap = this.expires;
    }
    while (checked < budget) {
      const next = iterator.next();
      if (next.done) {
        iterator = undefined;
        break;
      }
      checked++;
      const [key, at] = next.value;
      if (at <= now) {
        this.expire(key);
        expired++;
      }
    }
    this.expiryCursor = iterator;
    return { checked, expired };
  }

  /**
   * A live iterator over the expiry map, kept between active-expiry steps so each
   * step resumes where the last ended. V8's Map iterators stay valid across
   * deletions and rehashes, which is what makes this a fair round-robin sweep.
   */
  private expiryCursor: MapIterator<[string, number]> | undefined;
  private expiryCursorMap: Map<string, number> | undefined;
}
