/**
 * Client-side caching (Redis's tracking.c): CLIENT TRACKING clients are told
 * when keys they read may have changed.
 *
 * In the default mode the server remembers, per key, which clients read it
 * (the keys of readonly commands, from the command table) and sends each one
 * invalidation when the key is modified, then forgets them until they read
 * it again. In BCAST mode nothing is remembered: a client subscribes to key
 * prefixes and hears of every modified key under them, batched until the
 * current commands are done, as Redis does in beforeSleep. Like Redis, the
 * table of keys is one for all databases.
 *
 * An invalidation is a RESP3 push `>2 invalidate [keys]` (null keys: the
 * whole data set was flushed), or, for a client that redirects them to a
 * RESP2 connection subscribed to something, a message on
 * `__redis__:invalidate`. Those meant for the client whose command modified
 * the key are sent after its reply.
 *
 * @module
 */
import type { Command } from "../commands/table.ts";
import type { Database } from "../store/database.ts";
import type { Client } from "./client.ts";
import type { OutputLimits } from "./output_limit.ts";
import { writeMessageHeader } from "./pubsub.ts";
import type { ModifiedKeysListener, RedixServer } from "./server.ts";

export interface TrackingOptions {
  /** The client id invalidations go to; 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
}

export interface TrackingState extends TrackingOptions {
  /** CLIENT CACHING was given for the next command. */
  caching: boolean;
  /** The redirect client has gone (flag R). */
  brokenRedirect: boolean;
  /** BCAST prefixes, "" for every key. */
  readonly prefixes: Set<string>;
}

/** Keys modified under one BCAST prefix since the last broadcast, with the client that first did it (for NOLOOP). */
interface Prefix {
  readonly clients: Set<Client>;
  readonly keys: Map<string, Client | undefined>;
}

export class Tracking implements ModifiedKeysListener {
  private readonly states = new Map<Client, TrackingState>();
  /** Key -> ids of the clients that read it since its last invalidation. */
  private readonly readers = new Map<string, Set<number>>();
  /** The client ids in {@link readers}, summed over its keys. */
  private readerCount = 0;
  private readonly prefixes = new Map<string, Prefix>();
  /** The tracking client whose command is running, and its invalidations held until its reply is written. */
  private current: Client | undefined;
  private pending: (readonly string[] | null)[] = [];
  /** How deep calls nest (EXEC runs its commands inside its own call). */
  private depth = 0;
  /** The running command flushed: FLUSHALL signals each database, Redis invalidates once. */
  private flushed = false;
  private broadcastScheduled = false;

  constructor(private readonly server: RedixServer, private readonly limits: OutputLimits) {
    server.onModifiedKeys(this);
  }

  get listening(): boolean {
    return this.states.size !== 0;
  }

  /** INFO's tracking_total_keys, _items (key and client pairs) and _prefixes (BCAST prefixes). */
  get totals(): { keys: number; items: number; prefixes: number } {
    return { keys: this.readers.size, items: this.readerCount, prefixes: this.prefixes.size };
  }

  /** How many clients have tracking on (INFO's tracking_clients). */
  get count(): number {
    return this.states.size;
  }

  stateOf(client: Client): TrackingState | undefined {
    return this.states.get(client);
  }

  /** CLIENT TRACKING ON, options already checked; turning it on again keeps the prefixes given before. */
  enable(client: Client, options: TrackingOptions, prefixes: readonly string[]): void {
    let state = this.states.get(client);
    if (state === undefined) {
      state = { ...options, caching: false, brokenRedirect: false, prefixes: new Set() };
      this.states.set(client, state);
    } else {
      Object.assign(state, options, { brokenRedirect: false });
    }
    if (!options.bcast) return;
    for (const prefix of prefixes.length === 0 ? [""] : prefixes) {
      state.prefixes.add(prefix);
      let entry = this.prefixes.get(prefix);
      if (entry === undefined) {
        entry = { clients: new Set(), keys: new Map() };
        this.prefixes.set(prefix, entry);
      }
      entry.clients.add(client);
    }
  }

  /** CLIENT TRACKING OFF, RESET or a disconnect. */
  disable(client: Client): void {
    const state = this.states.get(client);
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const entry = this.prefixes.get(prefix)!;
      entry.clients.delete(client);
      if (entry.clients.size === 0) this.prefixes.delete(prefix);
    }
    this.states.delete(client);
  }

  /** Before a command runs (only called while some client tracks). */
  begin(client: Client): void {
    if (this.depth++ !== 0) return;
    this.current = this.states.has(client) ? client : undefined;
    this.flushed = false;
  }

  /**
   * After a command: remembers the keys a readonly command read, as the
   * client's OPTIN/OPTOUT and CACHING say; sends the invalidations held for
   * the client; and lets CLIENT CACHING's effect lapse, except after CLIENT
   * subcommands and inside MULTI, as in Redis.
   */
  end(client: Client, command: Command, argv: readonly string[]): void {
    const state = this.states.get(client);
    if (
      state !== undefined && !state.bcast && command.flags.has("readonly") && !command.flags.has("pubsub")
    ) {
      if (state.optin ? state.caching : !(state.optout && state.caching)) {
        for (const key of this.server.table.keysOf(command, argv) ?? []) {
          const ids = this.readers.get(key);
          if (ids === undefined) {
            this.readers.set(key, new Set([client.id]));
            this.readerCount++;
          } else if (!ids.has(client.id)) {
            ids.add(client.id);
            this.readerCount++;
          }
        }
      }
    }
    if (--this.depth !== 0) return;
    if (state !== undefined && command.parent?.name !== "client" && client.transaction.queued === undefined) {
      state.caching = false;
    }
    this.current = undefined;
    const pending = this.pending;
    if (pending.length === 0 || !this.states.has(client)) return;
    this.pending = [];
    for (const keys of pending) this.send(client, keys);
  }

  /** Invalidates modified keys; null means everything (FLUSHALL, FLUSHDB, SWAPDB). */
  keysModified(_db: Database, keys: readonly string[] | null): void {
    if (keys === null) {
      if (this.flushed) return;
      this.flushed = true;
      for (const client of this.states.keys()) this.invalidate(client, null);
      this.readers.clear();
      this.readerCount = 0;
      return;
    }
    for (const key of keys) {
      if (this.prefixes.size !== 0) this.rememberForBroadcast(key);
      const ids = this.readers.get(key);
      if (ids === undefined) continue;
      this.readers.delete(key);
      this.readerCount -= ids.size;
      for (const id of ids) {
        const target = this.server.clients.get(id);
        const state = target && this.states.get(target);
        if (state === undefined || state.bcast || (state.noloop && target === this.current)) continue;
        this.invalidate(target!, [key]);
      }
    }
  }

  private invalidate(target: Client, keys: readonly string[] | null): void {
    if (target === this.current) this.pending.push(keys);
    else this.send(target, keys);
  }

  private rememberForBroadcast(key: string): void {
    for (const [prefix, entry] of this.prefixes) {
      if (!key.startsWith(prefix) || entry.keys.has(key)) continue;
      entry.keys.set(key, this.current);
      if (!this.broadcastScheduled) {
        this.broadcastScheduled = true;
        queueMicrotask(() => this.broadcast());
      }
    }
  }

  /** Sends each BCAST client the keys modified under its prefixes, one message per prefix, in key order. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    for (const entry of this.prefixes.values()) {
      if (entry.keys.size === 0) continue;
      const keys = [...entry.keys.keys()].sort();
      for (const client of entry.clients) {
        const noloop = this.states.get(client)!.noloop;
        const sent = noloop ? keys.filter((key) => entry.keys.get(key) !== client) : keys;
        if (sent.length !== 0) this.send(client, sent);
      }
      entry.keys.clear();
    }
  }

  /** Redis's sendTrackingMessage. */
  private send(client: Client, keys: readonly string[] | null): void {
    const state = this.states.get(client)!;
    let receiver = client;
    if (state.redirect !== 0) {
      const target = this.server.clients.get(state.redirect);
      if (target === undefined) {
        // The client is told once per lost invalidation that they go nowhere.
        state.brokenRedirect = true;
        if (client.protocol === 3) {
          client.writer.push(2);
          client.writer.bulk("tracking-redir-broken");
          client.writer.integer(state.redirect);
          this.limits.deliver(client);
        }
        return;
      }
      receiver = target;
    }
    const w = receiver.writer;
    if (receiver.protocol === 3) {
      w.push(2);
      w.bulk("invalidate");
    } else if (receiver !== client && this.server.pubsub.isSubscribed(receiver)) {
      writeMessageHeader(w, "__redis__:invalidate");
    } else {
      // RESP2 has no pushes on the client's own connection.
      return;
    }
    if (keys === null) w.null();
    else w.bulkArray(keys);
    this.limits.deliver(receiver);
  }
}
