/**
 * Pub/Sub commands (Redis's pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, their shard forms SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH,
 * and PUBSUB. The registry and delivery are in lib/server/pubsub.ts.
 *
 * Subscription replies are pushes: `>3` in RESP3, arrays in RESP2.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { SubscriptionKind } from "../server/pubsub.ts";
import { helpReply } from "./connection.ts";
import { subcommandSyntaxError } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

/** Replies one `subscribe` / `unsubscribe` push: the name (null when none) and the client's count. */
function replySubscription(
  client: Client,
  kind: SubscriptionKind,
  action: string,
  name: string | null,
): void {
  const w = client.writer;
  w.push(3);
  w.bulk(action);
  w.bulkOrNull(name);
  w.integer(client.server.pubsub.countFor(client, kind));
}

const ACTIONS: Record<SubscriptionKind, [subscribe: string, unsubscribe: string]> = {
  channel: ["subscribe", "unsubscribe"],
  pattern: ["psubscribe", "punsubscribe"],
  shard: ["ssubscribe", "sunsubscribe"],
};

function subscribeTo(kind: SubscriptionKind): (client: Client, argv: string[]) => void {
  return (client, argv) => {
    for (let i = 1; i < argv.length; i++) {
      client.server.pubsub.subscribe(client, kind, argv[i]);
      replySubscription(client, kind, ACTIONS[kind][0], argv[i]);
    }
  };
}

/** Without arguments, leaves every subscription of the kind; with none to leave, says so with a null name. */
function unsubscribeFrom(kind: SubscriptionKind): (client: Client, argv: string[]) => void {
  return (client, argv) => {
    const pubsub = client.server.pubsub;
    const action = ACTIONS[kind][1];
    const names = argv.length > 1 ? argv.slice(1) : [...pubsub.subscriptionsOf(client, kind)];
    if (names.length === 0) replySubscription(client, kind, action, null);
    for (const name of names) {
      pubsub.unsubscribe(client, kind, name);
      replySubscription(client, kind, action, name);
    }
  };
}

function publish(client: Client, argv: string[]): void {
  client.writer.integer(client.server.pubsub.publish(argv[1], argv[2]));
}

function spublish(client: Client, argv: string[]): void {
  client.writer.integer(client.server.pubsub.publish(argv[1], argv[2], true));
}

/** PUBSUB CHANNELS and SHARDCHANNELS: Redis accepts at most one pattern. */
function listChannels(kind: SubscriptionKind): (client: Client, argv: string[]) => void {
  return (client, argv) => {
    if (argv.length > 3) {
      client.writer.error(subcommandSyntaxError(argv));
      return;
    }
    client.writer.bulkArray(client.server.pubsub.active(kind, argv[2]));
  };
}

/** PUBSUB NUMSUB and SHARDNUMSUB: name, count pairs as a flat array (not a map, in Redis 7.0). */
function countSubscribers(kind: SubscriptionKind): (client: Client, argv: string[]) => void {
  return (client, argv) => {
    const w = client.writer;
    w.array((argv.length - 2) * 2);
    for (let i = 2; i < argv.length; i++) {
      w.bulk(argv[i]);
      w.integer(client.server.pubsub.subscriberCount(kind, argv[i]));
    }
  };
}

function numpat(client: Client): void {
  client.writer.integer(client.server.pubsub.activeCount("pattern"));
}

function pubsubHelp(client: Client): void {
  helpReply(client.writer, "PUBSUB", [
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
  ]);
}

const PUBSUB = { group: "pubsub" };
const SUBSCRIBING: Pick<CommandDefinition, "group" | "flags"> = {
  ...PUBSUB,
  flags: ["pubsub", "noscript", "loading", "stale"],
};
const INSPECTING: Pick<CommandDefinition, "group" | "flags" | "since"> = {
  ...PUBSUB,
  flags: ["pubsub", "loading", "stale"],
  since: "2.8.0",
};
/** The shard commands name their channels where keys go, for cluster slots (flag not_key in Redis). */
const SHARD_CHANNELS: Pick<CommandDefinition, "keys"> = { keys: [1, -1, 1] };

export const pubsubCommands: CommandDefinition[] = [
  {
    ...SUBSCRIBING,
    name: "subscribe",
    arity: -2,
    since: "2.0.0",
    summary: "Listen for messages published to the given channels",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    handler: subscribeTo("channel"),
  },
  {
    ...SUBSCRIBING,
    name: "unsubscribe",
    arity: -1,
    since: "2.0.0",
    summary: "Stop listening for messages posted to the given channels",
    complexity: "O(N) where N is the number of clients already subscribed to a channel.",
    handler: unsubscribeFrom("channel"),
  },
  {
    ...SUBSCRIBING,
    name: "psubscribe",
    arity: -2,
    since: "2.0.0",
    summary: "Listen for messages published to channels matching the given patterns",
    complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
    handler: subscribeTo("pattern"),
  },
  {
    ...SUBSCRIBING,
    name: "punsubscribe",
    arity: -1,
    since: "2.0.0",
    summary: "Stop listening for messages posted to channels matching the given patterns",
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    handler: unsubscribeFrom("pattern"),
  },
  {
    ...PUBSUB,
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    since: "2.0.0",
    summary: "Post a message to a channel",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    handler: publish,
  },
  {
    ...SUBSCRIBING,
    ...SHARD_CHANNELS,
    name: "ssubscribe",
    arity: -2,
    since: "7.0.0",
    summary: "Listen for messages published to the given shard channels",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    handler: subscribeTo("shard"),
  },
  {
    ...SUBSCRIBING,
    ...SHARD_CHANNELS,
    name: "sunsubscribe",
    arity: -1,
    since: "7.0.0",
    summary: "Stop listening for messages posted to the given shard channels",
    complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
    handler: unsubscribeFrom("shard"),
  },
  {
    ...PUBSUB,
    name: "spublish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    keys: [1, 1, 1],
    since: "7.0.0",
    summary: "Post a message to a shard channel",
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    handler: spublish,
  },
  {
    ...PUBSUB,
    name: "pubsub",
    arity: -2,
    since: "2.8.0",
    summary: "A container for Pub/Sub commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...INSPECTING,
        name: "channels",
        arity: -2,
        summary: "List active channels",
        complexity:
          "O(N) where N is the number of active channels, and assuming constant time pattern matching " +
          "(relatively short channels and patterns)",
        handler: listChannels("channel"),
      },
      {
        ...INSPECTING,
        name: "numpat",
        arity: 2,
        summary: "Get the count of unique patterns pattern subscriptions",
        complexity: "O(1)",
        handler: numpat,
      },
      {
        ...INSPECTING,
        name: "numsub",
        arity: -2,
        summary: "Get the count of subscribers for channels",
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        handler: countSubscribers("channel"),
      },
      {
        ...INSPECTING,
        name: "shardchannels",
        arity: -2,
        since: "7.0.0",
        summary: "List active shard channels",
        complexity:
          "O(N) where N is the number of active shard channels, and assuming constant time pattern " +
          "matching (relatively short shard channels).",
        handler: listChannels("shard"),
      },
      {
        ...INSPECTING,
        name: "shardnumsub",
        arity: -2,
        since: "7.0.0",
        summary: "Get the count of subscribers for shard channels",
        complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        handler: countSubscribers("shard"),
      },
      {
        ...PUBSUB,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: pubsubHelp,
      },
    ],
  },
];
