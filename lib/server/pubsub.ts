/**
 * The pub/sub registry: which clients listen on which channels, patterns and
 * shard channels, and delivery of published messages into their output.
 *
 * Each subscription is kept twice, by name (to find the receivers of a
 * message) and by client (for its counts, UNSUBSCRIBE without arguments, and
 * cleanup when it disconnects or sends RESET). A message is written into each
 * receiver's reply writer and sent at once, since the receiver is usually
 * idle, waiting for input; {@link OutputLimits} disconnects a receiver that
 * does not read what it is sent.
 *
 * @module
 */
import type { Command } from "../commands/table.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { globMatch } from "../util/glob.ts";
import type { Client } from "./client.ts";
import type { OutputLimits } from "./output_limit.ts";

/** SUBSCRIBE's channels, PSUBSCRIBE's patterns, SSUBSCRIBE's shard channels. */
export type SubscriptionKind = "channel" | "pattern" | "shard";

type Subscriptions = Record<SubscriptionKind, Set<string>>;

/** Writes the `message` frame a channel subscriber receives, up to its payload, which the caller writes. */
export function writeMessageHeader(w: ReplyWriter, channel: string): void {
  w.push(3);
  w.bulk("message");
  w.bulk(channel);
}

export class PubSub {
  private readonly byName: Record<SubscriptionKind, Map<string, Set<Client>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };
  private readonly byClient = new Map<Client, Subscriptions>();

  constructor(private readonly limits: OutputLimits) {}

  /** Whether the client has any subscription (Redis's CLIENT_PUBSUB flag). */
  isSubscribed(client: Client): boolean {
    return this.byClient.size !== 0 && this.byClient.has(client);
  }

  /** The client's subscriptions of one kind, in the order it made them. */
  subscriptionsOf(client: Client, kind: SubscriptionKind): ReadonlySet<string> {
    return this.byClient.get(client)?.[kind] ?? NONE;
  }

  /**
   * The count (P|S)SUBSCRIBE replies carry: channels plus patterns, or shard
   * channels alone for the shard kind, as Redis 7.0 counts them.
   */
  countFor(client: Client, kind: SubscriptionKind): number {
    const subscriptions = this.byClient.get(client);
    if (subscriptions === undefined) return 0;
    if (kind === "shard") return subscriptions.shard.size;
    return subscriptions.channel.size + subscriptions.pattern.size;
  }

  /** Adds a subscription; false when the client already had it. */
  subscribe(client: Client, kind: SubscriptionKind, name: string): boolean {
    let subscriptions = this.byClient.get(client);
    if (subscriptions === undefined) {
      subscriptions = { channel: new Set(), pattern: new Set(), shard: new Set() };
      this.byClient.set(client, subscriptions);
    }
    if (subscriptions[kind].has(name)) return false;
    subscriptions[kind].add(name);
    const registry = this.byName[kind];
    const clients = registry.get(name);
    if (clients === undefined) registry.set(name, new Set([client]));
    else clients.add(client);
    return true;
  }

  /** Removes a subscription; false when the client did not have it. */
  unsubscribe(client: Client, kind: SubscriptionKind, name: string): boolean {
    const subscriptions = this.byClient.get(client);
    if (subscriptions === undefined || !subscriptions[kind].delete(name)) return false;
    const registry = this.byName[kind];
    const clients = registry.get(name)!;
    clients.delete(client);
    if (clients.size === 0) registry.delete(name);
    if (subscriptions.channel.size + subscriptions.pattern.size + subscriptions.shard.size === 0) {
      this.byClient.delete(client);
    }
    return true;
  }

  /** Drops every subscription of a client that disconnects or is reset, without replies. */
  removeClient(client: Client): void {
    const subscriptions = this.byClient.get(client);
    if (subscriptions === undefined) return;
    for (const kind of KINDS) {
      for (const name of subscriptions[kind]) this.unsubscribe(client, kind, name);
    }
  }

  /**
   * Delivers a message to the subscribers of `channel` and, for ordinary
   * channels, of the patterns matching it; returns how many received it.
   */
  publish(channel: string, message: string, shard = false): number {
    let receivers = 0;
    const subscribers = this.byName[shard ? "shard" : "channel"].get(channel);
    if (subscribers !== undefined) {
      for (const client of subscribers) {
        const w = client.writer;
        if (shard) {
          w.push(3);
          w.bulk("smessage");
          w.bulk(channel);
        } else {
          writeMessageHeader(w, channel);
        }
        w.bulk(message);
        this.limits.deliver(client);
        receivers++;
      }
    }
    if (shard) return receivers;
    for (const [pattern, clients] of this.byName.pattern) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) {
        const w = client.writer;
        w.push(4);
        w.bulk("pmessage");
        w.bulk(pattern);
        w.bulk(channel);
        w.bulk(message);
        this.limits.deliver(client);
        receivers++;
      }
    }
    return receivers;
  }

  /** Names with at least one subscriber, optionally only those matching a glob (PUBSUB CHANNELS). */
  active(kind: SubscriptionKind, pattern?: string): string[] {
    const names = [...this.byName[kind].keys()];
    return pattern === undefined ? names : names.filter((name) => globMatch(pattern, name));
  }

  /** How many clients subscribe to one name (PUBSUB NUMSUB). */
  subscriberCount(kind: SubscriptionKind, name: string): number {
    return this.byName[kind].get(name)?.size ?? 0;
  }

  /** How many distinct names have subscribers (INFO's pubsub_channels, PUBSUB NUMPAT ...). */
  activeCount(kind: SubscriptionKind): number {
    return this.byName[kind].size;
  }
}

const KINDS: readonly SubscriptionKind[] = ["channel", "pattern", "shard"];
const NONE: ReadonlySet<string> = new Set();

/** What a RESP2 client may run while subscribed: its replies could not be told from messages otherwise. */
const ALLOWED_WHILE_SUBSCRIBED = new Set([
  "ping",
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

export function allowedWhileSubscribed(command: Command): boolean {
  return ALLOWED_WHILE_SUBSCRIBED.has(command.name);
}
