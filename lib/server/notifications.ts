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
 * commands whose events depend on what they did (EXPIRE, RENAME, SMOVE ...)
 * call {@link notifyKeyspaceEvent} themselves.
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

  constructor(config: Config, private readonly pubsub: PubSub) {
    this.flags = config.getNumber("notify-keyspace-events");
    config.onChange("notify-keyspace-events", () => {
      this.flags = config.getNumber("notify-keyspace-events");
      return undefined;
    });
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
    for (const key of keys) {
      this.notify(db, type, event, key);
      if (type !== NOTIFY.GENERIC && db.data.get(key) === undefined) {
        this.notify(db, NOTIFY.GENERIC, "del", key);
      }
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
