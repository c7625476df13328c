/**
 * Connection commands: PING, ECHO, HELLO, QUIT, RESET, SELECT and CLIENT.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { REDIS_VERSION } from "../version.ts";
import { FAILED, int32Arg } from "./access.ts";
import { arityError, DB_INDEX_OUT_OF_RANGE, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";
import { clientTrackingSubcommands } from "./tracking.ts";
import { discardTransaction } from "./transactions.ts";

/**
 * Replies to `<COMMAND> HELP` as Redis's addReplyHelp: a header line, the
 * given lines, then HELP's own entry, all as status replies.
 */
export function helpReply(w: ReplyWriter, command: string, lines: string[]): void {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    "HELP",
    "    Prints this help.",
  ];
  w.array(all.length);
  for (const line of all) w.simple(line);
}

/** A subscribed RESP2 client gets its pong as a message-shaped array, as in Redis. */
function ping(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length > 2) {
    w.error(arityError("ping"));
  } else if (client.protocol === 2 && client.server.pubsub.isSubscribed(client)) {
    w.array(2);
    w.bulk("pong");
    w.bulk(argv[1] ?? "");
  } else if (argv.length === 2) {
    w.bulk(argv[1]);
  } else {
    w.simple("PONG");
  }
}

function echo(client: Client, argv: string[]): void {
  client.writer.bulk(argv[1]);
}

/** Client names and library attributes: printable ASCII without spaces. */
function isValidClientAttribute(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** Sets the connection name, or replies Redis's error and returns false. */
function setClientName(client: Client, name: string): boolean {
  if (!isValidClientAttribute(name)) {
    client.writer.error("ERR Client names cannot contain spaces, newlines or special characters.");
    return false;
  }
  client.name = name;
  return true;
}

/**
 * Checks credentials for AUTH-style arguments. Until ACLs exist the only user is
 * "default", which needs `requirepass` when one is set.
 */
function credentialsValid(client: Client, username: string, password: string): boolean {
  const required = client.server.config.getString("requirepass");
  return username === "default" && (required === "" || password === required);
}

function hello(client: Client, argv: string[]): void {
  const w = client.writer;
  let protocol = client.protocol;
  if (argv.length >= 2) {
    const version = Number(argv[1]);
    if (!/^-?\d+$/.test(argv[1]) || !Number.isSafeInteger(version)) {
      w.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (version < 2 || version > 3) {
      w.error("NOPROTO unsupported protocol version");
      return;
    }
    protocol = version as 2 | 3;
  }
  let credentials: [string, string] | undefined;
  let name: string | undefined;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const option = argv[j].toUpperCase();
    if (option === "AUTH" && more >= 2) {
      credentials = [argv[j + 1], argv[j + 2]];
      j += 2;
    } else if (option === "SETNAME" && more >= 1) {
      name = argv[++j];
    } else {
      w.error(`ERR Syntax error in HELLO option '${argv[j]}'`);
      return;
    }
  }
  if (credentials && !credentialsValid(client, ...credentials)) {
    w.error("WRONGPASS invalid username-password pair or user is disabled.");
    return;
  }
  if (name !== undefined && !setClientName(client, name)) return;
  client.writer.protocol = protocol;
  w.map(7);
  w.bulk("server");
  w.bulk("redis");
  w.bulk("version");
  w.bulk(REDIS_VERSION);
  w.bulk("proto");
  w.integer(protocol);
  w.bulk("id");
  w.integer(client.id);
  w.bulk("mode");
  w.bulk("standalone");
  w.bulk("role");
  w.bulk("master");
  w.bulk("modules");
  w.array(0);
}

function quit(client: Client): void {
  client.writer.ok();
  client.closeAfterReply = true;
}

/**
 * RESET: back to a fresh connection's state (database 0, RESP2, no name, no
 * subscriptions, no transaction or watched keys, not a monitor).
 */
function reset(client: Client): void {
  client.server.pubsub.removeClient(client);
  client.server.tracking.disable(client);
  discardTransaction(client);
  client.server.monitors.clients.delete(client);
  client.db = client.server.keyspace.dbs[0];
  client.writer.protocol = 2;
  client.name = "";
  client.writer.simple("RESET");
}

function select(client: Client, argv: string[]): void {
  const index = int32Arg(client, argv[1]);
  if (index === FAILED) return;
  const dbs = client.server.keyspace.dbs;
  if (index < 0 || index >= dbs.length) {
    client.writer.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  client.db = dbs[index];
  client.writer.ok();
}

/** CLIENT LIST's flags in Redis's order (its getClientFlags), N for none. */
function clientFlags(client: Client): string {
  const server = client.server;
  let flags = "";
  if (server.monitors.clients.has(client)) flags += "O";
  if (server.pubsub.isSubscribed(client)) flags += "P";
  if (client.transaction.queued !== undefined) flags += "x";
  if (client.blocked !== undefined) flags += "b";
  const tracking = server.tracking.stateOf(client);
  if (tracking !== undefined) flags += "t";
  if (tracking?.brokenRedirect) flags += "R";
  if (tracking?.bcast) flags += "B";
  if (client.transaction.dirty) flags += "d";
  return flags === "" ? "N" : flags;
}

/** One CLIENT LIST line, with Redis 7's fields (and 7.2's lib-name/lib-ver). */
export function describeClient(client: Client): string {
  const now = Date.now();
  const qbuf = client.decoder.buffered;
  const pubsub = client.server.pubsub;
  const fields = [
    `id=${client.id}`,
    `addr=${client.addr}`,
    `laddr=${client.laddr}`,
    // No file descriptors are visible from Deno; a stable stand-in keeps parsers happy.
    `fd=${client.id + 7}`,
    `name=${client.name}`,
    `age=${Math.floor((now - client.createdAt) / 1000)}`,
    `idle=${Math.floor((now - client.lastInteraction) / 1000)}`,
    `flags=${clientFlags(client)}`,
    `db=${client.dbIndex}`,
    `sub=${pubsub.subscriptionsOf(client, "channel").size}`,
    `psub=${pubsub.subscriptionsOf(client, "pattern").size}`,
    `ssub=${pubsub.subscriptionsOf(client, "shard").size}`,
    `multi=${client.transaction.queued?.length ?? -1}`,
    `qbuf=${qbuf}`,
    `qbuf-free=${client.decoder.capacity - qbuf}`,
    "argv-mem=0",
    "multi-mem=0",
    `rbs=${client.decoder.capacity}`,
    "rbp=0",
    `obl=${client.writer.length}`,
    "oll=0",
    "omem=0",
    `tot-mem=${client.decoder.capacity + client.writer.length}`,
    "events=r",
    `cmd=${client.lastCommand?.name ?? "NULL"}`,
    "user=default",
    `redir=${client.server.tracking.stateOf(client)?.redirect ?? -1}`,
    `resp=${client.protocol}`,
    `lib-name=${client.libName}`,
    `lib-ver=${client.libVersion}`,
  ];
  return fields.join(" ");
}

function clientId(client: Client): void {
  client.writer.integer(client.id);
}

function clientSetName(client: Client, argv: string[]): void {
  if (setClientName(client, argv[2])) client.writer.ok();
}

function clientGetName(client: Client): void {
  client.writer.bulkOrNull(client.name === "" ? null : client.name);
}

function clientSetInfo(client: Client, argv: string[]): void {
  const attribute = argv[2].toLowerCase();
  if (attribute !== "lib-name" && attribute !== "lib-ver") {
    client.writer.error(`ERR Unrecognized option '${argv[2]}'`);
    return;
  }
  if (!isValidClientAttribute(argv[3])) {
    client.writer.error(`ERR ${argv[2]} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (attribute === "lib-name") client.libName = argv[3];
  else client.libVersion = argv[3];
  client.writer.ok();
}

function clientInfo(client: Client): void {
  client.writer.verbatim(describeClient(client) + "\n");
}

function clientList(client: Client, argv: string[]): void {
  let ids: Set<number> | undefined;
  let type: string | undefined;
  for (let j = 2; j < argv.length; j++) {
    const option = argv[j].toUpperCase();
    if (option === "TYPE" && j + 1 < argv.length) {
      type = argv[++j].toLowerCase();
      if (!["normal", "master", "replica", "slave", "pubsub"].includes(type)) {
        client.writer.error(`ERR Unknown client type '${argv[j]}'`);
        return;
      }
    } else if (option === "ID" && j + 1 < argv.length) {
      ids = new Set();
      for (j++; j < argv.length; j++) {
        const id = Number(argv[j]);
        if (!/^[1-9]\d*$/.test(argv[j])) {
          client.writer.error("ERR Invalid client ID");
          return;
        }
        ids.add(id);
      }
    } else {
      client.writer.error(SYNTAX_ERROR);
      return;
    }
  }
  let text = "";
  const pubsub = client.server.pubsub;
  for (const other of client.server.clients.values()) {
    // Until replication exists a client is a subscriber or a normal one.
    const otherType = pubsub.isSubscribed(other) ? "pubsub" : "normal";
    if ((ids === undefined || ids.has(other.id)) && (type === undefined || type === otherType)) {
      text += describeClient(other) + "\n";
    }
  }
  client.writer.verbatim(text);
}

function clientHelp(client: Client): void {
  helpReply(client.writer, "CLIENT", [
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
  ]);
}

const CONNECTION = { group: "connection", categories: ["connection"] };

function clientSubcommand(
  name: string,
  arity: number,
  summary: string,
  handler: (client: Client, argv: string[]) => void,
  extra: Partial<CommandDefinition> = {},
): CommandDefinition {
  return {
    ...CONNECTION,
    name,
    arity,
    flags: ["noscript", "loading", "stale"],
    since: "2.4.0",
    summary,
    handler,
    ...extra,
  };
}

export const connectionCommands: CommandDefinition[] = [
  {
    ...CONNECTION,
    name: "ping",
    arity: -1,
    flags: ["fast"],
    since: "1.0.0",
    summary: "Returns the server's liveliness response.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: ping,
  },
  {
    ...CONNECTION,
    name: "echo",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Returns the given string.",
    complexity: "O(1)",
    handler: echo,
  },
  {
    ...CONNECTION,
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.0.0",
    summary: "Handshakes with the Redis server.",
    complexity: "O(1)",
    handler: hello,
  },
  {
    ...CONNECTION,
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    since: "1.0.0",
    summary: "Closes the connection.",
    complexity: "O(1)",
    handler: quit,
  },
  {
    ...CONNECTION,
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.2.0",
    summary: "Resets the connection.",
    complexity: "O(1)",
    handler: reset,
  },
  {
    ...CONNECTION,
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Changes the selected database.",
    complexity: "O(1)",
    handler: select,
  },
  {
    group: "connection",
    name: "client",
    arity: -2,
    since: "2.4.0",
    summary: "A container for client connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      clientSubcommand("id", 2, "Returns the unique client ID of the connection.", clientId),
      clientSubcommand("setname", 3, "Sets the connection name.", clientSetName),
      clientSubcommand("getname", 2, "Returns the name of the connection.", clientGetName),
      clientSubcommand("setinfo", 4, "Sets information specific to the client or connection.", clientSetInfo),
      clientSubcommand("info", 2, "Returns information about the connection.", clientInfo, {
        tips: ["nondeterministic_output"],
      }),
      clientSubcommand("list", -2, "Lists open connections.", clientList, {
        flags: ["admin", "noscript", "loading", "stale"],
        tips: ["nondeterministic_output"],
      }),
      clientSubcommand("help", 2, "Returns helpful text about the different subcommands.", clientHelp, {
        flags: ["loading", "stale"],
      }),
      ...clientTrackingSubcommands,
    ],
  },
];
