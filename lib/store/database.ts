/**
 * One numbered database: a key -> value dict plus a key -> absolute expiry time
 * (ms) dict, with lazy expiry on every access (DESIGN.md §7). Both are
 * {@link Dict}s rather than Maps: faster lookups, and the SCAN cursor, random
 * keys and sampling that Map cannot give.
 *
 * Keys are binary strings (one char per byte). Values are typed by
 * {@link RedisValue}; strings are kept as binary strings.
 *
 * @module
 */
import { Dict } from "./dict.ts";
import type { StringValue } from "./raw_string.ts";

/** A stored value. Collections join this union as their types land. */
export type RedisValue = StringValue;

/** What the rest of the server wants to know when a key vanishes by expiry. */
export interface ExpiryListener {
  keyExpired(db: Database, key: string): void;
}

export class Database {
  readonly data = new Dict<RedisValue>();
  /** Absolute unix time in ms at which a key expires; only keys with a TTL. */
  readonly expires = new Dict<number>();
  /** Where active expiry resumes its walk of {@link expires} (a Dict scan cursor). */
  private expiryCursor = 0;

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

  /** Drops every key in O(1); the garbage collector frees the old tables lazily. */
  clear(): void {
    this.data.clear();
    this.expires.clear();
    this.expiryCursor = 0;
  }

  /** Deletes a key whose time has passed and tells the listener. */
  expire(key: string): void {
    this.data.delete(key);
    this.expires.delete(key);
    this.listener.keyExpired(this, key);
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
        if (at <= now) due.push(key);
      });
    } while (cursor !== 0 && checked < budget);
    this.expiryCursor = cursor;
    for (const key of due) this.expire(key);
    return { checked, expired: due.length };
  }
}
