/**
 * Keyspace notifications (`notify-keyspace-events`, DESIGN.md §9): events
 * published to `__keyspace@<db>__:<key>` (the payload is the event) and
 * `__keyevent@<db>__:<event>` (the payload is the key), as Redis's
 * notifyKeyspaceEvent does.
 *
 * Most write commands notify `<class> <event>` on their keys, the event being
 * their own name or one fixed name: they say so in the command table
 * (CommandDefinition.notify), and the server sends it when the command first
 * propagates a change, so a command that changed nothing sends nothing. Only
 * commands whose events depend on what they did (EXPIRE, RENAME, SMOVE, ZADD
 * INCR, the pops and moves of BLPOP, LMOVE, ZMPOP ... also when served to a
 * blocked client later) call {@link notifyKeyspaceEvent} or
 * {@link notifyKeyspaceWrite} themselves. `new` comes from the databases,
 * where a key is added (Database.keyAdded), hooked only while the n class is on.
 *
 * @module
 */
import { type Config, NOTIFY } from "../config.ts";
import type { Command } from "../commands/table.ts";
import type { Database } from "../store/database.ts";
import type { Client } from "./client.ts";
import type { PubSub } from "./pubsub.ts";

export class Notifications {
  /** The classes enabled, as NOTIFY bits; 0 when notifications are off. */
  flags: number;

  /** The databases whose added keys send `new` while the n class is enabled. */
  private dbs: readonly Database[] = [];
  private readonly keyAdded = (db: Database, key: string): void => this.notify(db, NOTIFY.NEW, "new", key);

  constructor(config: Config, private readonly pubsub: PubSub) {
    this.flags = config.getNumber("notify-keyspace-events");
    config.onChange("notify-keyspace-events", () => {
      this.flags = config.getNumber("notify-keyspace-events");
      this.hookAddedKeys();
      return undefined;
    });
  }

  /**
   * Sends `new` for the keys added to `dbs` (Redis's dbAdd), hooking them
   * only while the n class is enabled, so that otherwise adding a key costs
   * nothing for it.
   */
  watchAddedKeys(dbs: readonly Database[]): void {
    this.dbs = dbs;
    this.hookAddedKeys();
  }

  private hookAddedKeys(): void {
    const hook = this.flags & NOTIFY.NEW ? this.keyAdded : undefined;
    for (const db of this.dbs) db.keyAdded = hook;
  }

  /** Publishes one event of class `type` about `key`, if that class and K or E are enabled. */
  notify(db: Database, type: number, event: string, key: string): void {
    const flags = this.flags;
    if ((flags & type) === 0) return;
    if (flags & NOTIFY.KEYSPACE) this.pubsub.publish(`__keyspace@${db.index}__:${key}`, event);
    if (flags & NOTIFY.KEYEVENT) this.pubsub.publish(`__keyevent@${db.index}__:${event}`, key);
  }

  /**
   * The events of a command that declares them in the table, once it has
   * written: its event on each of its keys and, as Redis's collection
   * commands do, `del` after it for a key the command emptied (a key never
   * holds an empty collection).
   */
  commandWrote(db: Database, command: Command, keys: readonly string[]): void {
    const [type, event = command.name] = command.notify!;
    for (const key of keys) this.wrote(db, type, event, key);
  }

  /** One key's event after a write, and `del` after it if the write emptied the key, as {@link commandWrote}. */
  wrote(db: Database, type: number, event: string, key: string): void {
    if ((this.flags & (type | NOTIFY.GENERIC)) === 0) return;
    this.notify(db, type, event, key);
    if (type !== NOTIFY.GENERIC && db.data.get(key) === undefined) {
      this.notify(db, NOTIFY.GENERIC, "del", key);
    }
  }
}

/** Redis's notifyKeyspaceEvent, for handlers: an event about `key` in the client's (or the given) database. */
export function notifyKeyspaceEvent(
  client: Client,
  type: number,
  event: string,
  key: string,
  db = client.db,
): void {
  client.server.notifications.notify(db, type, event, key);
}

/**
 * For handlers whose events are not the table's: `event` about `key` after a
 * collection command wrote it, then `del` if that left it empty (and so gone).
 */
export function notifyKeyspaceWrite(client: Client, type: number, event: string, key: string): void {
  client.server.notifications.wrote(client.db, type, event, key);
}
