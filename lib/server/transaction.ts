/**
 * MULTI/EXEC state: the commands a client queued, and the keys it WATCHes.
 *
 * WATCH is optimistic locking: EXEC answers a null array when a watched key
 * was modified after WATCH, by anyone. The server tells the registry which
 * keys every write modified (its modified-keys listener, fed from the one
 * propagation point), so no command needs to know about WATCH.
 *
 * @module
 */
import type { Command } from "../commands/table.ts";
import type { Database } from "../store/database.ts";
import type { Client } from "./client.ts";
import type { ModifiedKeysListener } from "./server.ts";

/** A command queued after MULTI, checked for existence and arity. */
export interface QueuedCommand {
  readonly command: Command;
  readonly argv: string[];
}

/** One key a client watches, in the database it had selected. */
interface WatchedKey {
  readonly client: Client;
  readonly db: Database;
  readonly key: string;
  /**
   * The key was there but already expired at WATCH (Redis 7.0's
   * watchedKey.expired): deleting it is then no logical change.
   */
  expired: boolean;
  /**
   * The key was in the database at WATCH, expired or not. A flush notification
   * comes after the fact, and while the client is not dirty nothing has
   * changed the key since WATCH, so this tells whether the flush emptied it.
   */
  existed: boolean;
}

/** A client's MULTI and WATCH state. */
export class TransactionState {
  /** The commands queued since MULTI; undefined outside MULTI. */
  queued: QueuedCommand[] | undefined;
  /** A command was refused while queueing: EXEC answers EXECABORT (Redis's DIRTY_EXEC). */
  aborted = false;
  /** A watched key was modified: EXEC answers a null array (Redis's DIRTY_CAS). */
  dirty = false;
  /** True while EXEC runs the queued commands, which may not block. */
  executing = false;
  readonly watched: WatchedKey[] = [];

  /** Leaves MULTI, forgetting the queue and the errors met while queueing. */
  endMulti(): void {
    this.queued = undefined;
    this.aborted = false;
  }
}

function isExpired(db: Database, key: string, now: number): boolean {
  const at = db.expires.get(key);
  return at !== undefined && at < now;
}

/** Which clients watch which keys, per database, as Redis's db->watched_keys. */
export class WatchRegistry implements ModifiedKeysListener {
  private readonly byDb = new Map<Database, Map<string, Set<WatchedKey>>>();

  /** Someone watches a key (databases without watched keys are dropped from byDb). */
  get listening(): boolean {
    return this.byDb.size !== 0;
  }

  keysModified(db: Database, keys: readonly string[] | null): void {
    const watched = this.byDb.get(db);
    if (watched === undefined) return;
    if (keys === null) {
      for (const [key, watchers] of watched) this.touchReplaced(db, key, watchers);
    } else {
      for (const key of keys) {
        const watchers = watched.get(key);
        if (watchers !== undefined) this.touch(db, key, watchers);
      }
    }
  }

  /** WATCH `key` in the client's database; watching it twice is once. */
  watch(client: Client, key: string): void {
    const state = client.transaction;
    const db = client.db;
    if (state.watched.some((watched) => watched.db === db && watched.key === key)) return;
    let keys = this.byDb.get(db);
    if (keys === undefined) {
      keys = new Map();
      this.byDb.set(db, keys);
    }
    let watchers = keys.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      keys.set(key, watchers);
    }
    const existed = db.data.get(key) !== undefined;
    const watched = { client, db, key, existed, expired: existed && isExpired(db, key, Date.now()) };
    watchers.add(watched);
    state.watched.push(watched);
  }

  /** Forgets every key the client watches (UNWATCH, EXEC, DISCARD, disconnect). */
  unwatchAll(client: Client): void {
    const state = client.transaction;
    for (const watched of state.watched) {
      const keys = this.byDb.get(watched.db)!;
      const watchers = keys.get(watched.key)!;
      watchers.delete(watched);
      if (watchers.size === 0) keys.delete(watched.key);
      if (keys.size === 0) this.byDb.delete(watched.db);
    }
    state.watched.length = 0;
  }

  /**
   * Whether a watched key expired since WATCH without being deleted yet: EXEC
   * fails then too, as in Redis 7.0, though no write reported it.
   */
  expiredSinceWatch(client: Client): boolean {
    const now = Date.now();
    return client.transaction.watched.some((watched) =>
      !watched.expired && isExpired(watched.db, watched.key, now)
    );
  }

  /** `key` was written: its watchers are dirty, unless it was an already expired key going away. */
  private touch(db: Database, key: string, watchers: Set<WatchedKey>): void {
    for (const watched of [...watchers]) {
      if (watched.expired && db.data.get(key) === undefined) {
        watched.expired = false;
        watched.existed = false;
      } else {
        this.makeDirty(watched.client);
      }
    }
  }

  /**
   * The whole database was replaced (FLUSHDB, FLUSHALL, SWAPDB), and `db` now
   * holds what replaced it. As Redis's touchAllWatchedKeysInDb: a watcher is
   * dirty when the key was there before or is there now, except that an
   * expired key vanishing, or an expired key coming in its place, changes
   * nothing logically.
   */
  private touchReplaced(db: Database, key: string, watchers: Set<WatchedKey>): void {
    const there = db.data.get(key) !== undefined;
    const thereExpired = there && isExpired(db, key, Date.now());
    for (const watched of [...watchers]) {
      if (watched.expired) {
        if (!there) {
          watched.expired = false;
          watched.existed = false;
          continue;
        }
        if (thereExpired) continue;
      } else if (!watched.existed) {
        if (!there) continue;
        if (thereExpired) {
          watched.expired = true;
          watched.existed = true;
          continue;
        }
      }
      this.makeDirty(watched.client);
    }
  }

  /** Marks the transaction to fail; its keys need no more watching, as in Redis. */
  private makeDirty(client: Client): void {
    client.transaction.dirty = true;
    this.unwatchAll(client);
  }
}
