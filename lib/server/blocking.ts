/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, BLMPOP ...), DESIGN.md §8.
 *
 * A blocking command that finds nothing to pop parks its client here on
 * per-key FIFO queues with a deadline. When a waited key gets a value (the
 * database reports it), the key is marked ready; after the command that did
 * it, the server calls {@link BlockingRegistry.serveReady}, which offers the key
 * to its waiters in arrival order until it is gone. A pushed element that a
 * waiter takes is therefore never seen by any other command. The command's own
 * serve function pops, replies and propagates its non-blocking form.
 *
 * @module
 */
import { FAILED } from "../commands/access.ts";
import type { Database } from "../store/database.ts";
import { parseLongDouble } from "../util/long_double.ts";
import type { Client } from "./client.ts";

/**
 * Tries to serve a blocked client from `key`, which just got a value, with
 * `client.db` its database: pops, writes the reply, propagates, and returns
 * true; or returns false to keep waiting (the key is gone again, or holds
 * another type).
 */
export type ServeBlocked = (client: Client, key: string) => boolean;

/** What a blocked client waits for. */
export interface BlockedState {
  readonly db: Database;
  readonly keys: readonly string[];
  readonly serve: ServeBlocked;
  readonly onTimeout: (client: Client) => void;
  /** Absolute ms, or 0 for no timeout. */
  readonly deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the client is unblocked, however that happens. */
  readonly unblocked: Promise<void>;
  readonly resolve: () => void;
}

/** setTimeout fires at once for delays beyond a signed 32-bit number of ms. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Parses a blocking command's timeout in seconds as Redis 7.0 does (a long
 * double, ceiled to ms); replies Redis's error and returns FAILED when it is not
 * valid, else returns the deadline in ms since the epoch, 0 meaning forever.
 */
export function parseTimeout(client: Client, text: string): number | typeof FAILED {
  const parsed = parseLongDouble(text);
  if (parsed === null || parsed.kind === "nan") {
    client.writer.error("ERR timeout is not a float or out of range");
    return FAILED;
  }
  const seconds = parsed.kind === "infinity"
    ? (parsed.negative ? -Infinity : Infinity)
    : Number(parsed.mantissa) * 2 ** parsed.exponent * (parsed.negative ? -1 : 1);
  const ms = Math.ceil(seconds * 1000);
  // Redis converts to a long long: what does not fit comes out as LLONG_MIN.
  if (ms < 0 || !(ms < 2 ** 63)) {
    client.writer.error("ERR timeout is negative");
    return FAILED;
  }
  return ms === 0 ? 0 : Date.now() + ms;
}

export class BlockingRegistry {
  /** Per database, per key, the clients waiting on it in arrival order. */
  private readonly queues = new Map<Database, Map<string, Set<Client>>>();
  /** Keys that got a value since the last {@link serveReady}, in that order. */
  private ready: { db: Database; key: string }[] = [];
  /** Number of blocked clients (INFO's blocked_clients). */
  count = 0;

  /** Whether {@link serveReady} has work: checked after every command. */
  get hasReady(): boolean {
    return this.ready.length !== 0;
  }

  /**
   * Parks `client` until one of `keys` can serve it or `deadline` passes; a
   * client that may not block (inside EXEC) times out at once.
   */
  block(
    client: Client,
    keys: readonly string[],
    deadline: number,
    serve: ServeBlocked,
    onTimeout: (client: Client) => void,
  ): void {
    if (!client.canBlock) {
      onTimeout(client);
      return;
    }
    const db = client.db;
    let byKey = this.queues.get(db);
    if (byKey === undefined) {
      byKey = new Map();
      this.queues.set(db, byKey);
    }
    for (const key of keys) {
      let queue = byKey.get(key);
      if (queue === undefined) {
        queue = new Set();
        byKey.set(key, queue);
        db.waitedKeys.add(key);
      }
      queue.add(client);
    }
    let resolve!: () => void;
    const unblocked = new Promise<void>((r) => resolve = r);
    const state: BlockedState = {
      db,
      keys,
      serve,
      onTimeout,
      deadline,
      timer: undefined,
      unblocked,
      resolve,
    };
    client.blocked = state;
    this.count++;
    if (deadline !== 0) this.armTimer(client, state);
  }

  private armTimer(client: Client, state: BlockedState): void {
    const delay = Math.max(0, state.deadline - Date.now());
    state.timer = setTimeout(() => {
      if (Date.now() < state.deadline) {
        this.armTimer(client, state);
        return;
      }
      state.onTimeout(client);
      this.unblock(client);
    }, Math.min(delay, MAX_TIMER_DELAY));
  }

  /**
   * Takes `client` off every queue and lets its connection go on: after it was
   * served or timed out, or silently when it disconnected.
   */
  unblock(client: Client): void {
    const state = client.blocked;
    if (state === undefined) return;
    client.blocked = undefined;
    this.count--;
    if (state.timer !== undefined) clearTimeout(state.timer);
    const byKey = this.queues.get(state.db)!;
    for (const key of state.keys) {
      const queue = byKey.get(key);
      if (queue === undefined) continue;
      queue.delete(client);
      if (queue.size === 0) {
        byKey.delete(key);
        state.db.waitedKeys.delete(key);
      }
    }
    state.resolve();
  }

  /** Called by the database when a waited key gets a value. */
  keyReady(db: Database, key: string): void {
    this.ready.push({ db, key });
  }

  /**
   * Serves the clients waiting on keys that got values, each key's waiters in
   * arrival order while the key lasts. Serving can make more keys ready (BLMOVE
   * pushes), so this goes on until none is left.
   */
  serveReady(): void {
    while (this.ready.length !== 0) {
      const ready = this.ready;
      this.ready = [];
      for (const { db, key } of ready) {
        const queue = this.queues.get(db)?.get(key);
        if (queue === undefined) continue;
        for (const client of queue) {
          if (db.peek(key) === undefined) break;
          if (client.blocked?.serve(client, key)) this.unblock(client);
        }
      }
    }
  }
}
