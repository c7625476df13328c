/**
 * Connection commands: PING, ECHO, HELLO, QUIT, RESET, SELECT and CLIENT.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { parseInteger } from "../util/numbers.ts";
import { REDIS_VERSION } from "../version.ts";
import { FAILED, int32Arg } from "./access.ts";
import { arityError, DB_INDEX_OUT_OF_RANGE, SYNTAX_ERROR } from "./errors.ts";
import { clientManagementSubcommands, clientSubcommand, clientType, parseClientType } from "./client.ts";
import type { CommandDefinition } from "./table.ts";
import { clientTrackingSubcommands } from "./tracking.ts";
import { discardTransaction } from "./transactions.ts";
import { AUTH_WITHOUT_PASSWORD, DEFAULT_USER, NOAUTH_HELLO, WRONGPASS } from "../server/auth.ts";

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
 * Authenticates the connection as `username` (Redis's ACLAuthenticateUser),
 * or leaves it as it was and returns false.
 */
function authenticate(client: Client, username: string, password: string, name: string): boolean {
  if (!client.server.auth.check(username, password)) {
    client.server.auth.acl.addLog({
      reason: "auth",
      context: client.transaction.queued !== undefined ? "multi" : "toplevel",
      // As Redis: the name the client sent (AUTH or HELLO, as spelt).
      object: name,
      username,
      clientInfo: describeClient(client),
    });
    return false;
  }
  client.user = username;
  client.authenticated = true;
  return true;
}

/** AUTH [username] password, as Redis 7.0's authCommand. */
function auth(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length > 3) {
    w.error(SYNTAX_ERROR);
    return;
  }
  if (argv.length === 2 && client.server.auth.noPassword(DEFAULT_USER)) {
    w.error(AUTH_WITHOUT_PASSWORD);
    return;
  }
  const [username, password] = argv.length === 2 ? [DEFAULT_USER, argv[1]] : [argv[1], argv[2]];
  if (authenticate(client, username, password, argv[0])) w.ok();
  else w.error(WRONGPASS);
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
  if (credentials && !authenticate(client, ...credentials, argv[0])) {
    w.error(WRONGPASS);
    return;
  }
  // As Redis, this is the connection's own state: one authenticated before a
  // password was set stays so, one that connected while a password was set
  // must authenticate even if the password has been removed since.
  if (!client.authenticated) {
    w.error(NOAUTH_HELLO);
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
 * subscriptions, no transaction or watched keys, not a monitor, replies on;
 * NO-TOUCH off as in 7.2; NO-EVICT stays, as in Redis 7.0).
 */
function reset(client: Client): void {
  client.server.pubsub.removeClient(client);
  client.server.tracking.disable(client);
  discardTransaction(client);
  client.server.monitors.clients.delete(client);
  client.db = client.server.keyspace.dbs[0];
  client.writer.protocol = 2;
  client.name = "";
  // As Redis's RESET, which clears OFF and a SKIP to come but not the SKIP its own reply is under.
  if (client.replyMode !== "skipping") client.replyMode = "on";
  client.noTouch = false;
  // As Redis's clientSetDefaultAuth: back to the default user, authenticated only if it needs no password.
  client.user = DEFAULT_USER;
  client.authenticated = client.server.auth.noPassword(DEFAULT_USER);
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
  if (client.noEvict) flags += "e";
  if (client.noTouch) flags += "T";
  return flags === "" ? "N" : flags;
}

/** Redis's reply buffer and reply list chunk size (PROTO_REPLY_CHUNK_BYTES), for CLIENT LIST's obl, oll, omem. */
const REPLY_CHUNK = 16 * 1024;

/** A client's buffers, CLIENT LIST's tot-mem (and MEMORY STATS's clients.normal summed over clients). */
export function clientMemory(client: Client): number {
  return client.decoder.capacity + client.unsentOutput;
}

/** One CLIENT LIST line, with Redis 7's fields (and 7.2's lib-name/lib-ver). */
export function describeClient(client: Client): string {
  const now = Date.now();
  const decoder = client.decoder;
  // Output not yet written, laid out as Redis's: its reply buffer first, then a list of chunks.
  const unsent = client.unsentOutput;
  const obl = Math.min(unsent, REPLY_CHUNK);
  const omem = unsent - obl;
  const qbuf = client.server.isRunning(client) ? decoder.readBatchLength : decoder.buffered;
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
    `qbuf-free=${decoder.capacity - qbuf}`,
    "argv-mem=0",
    "multi-mem=0",
    `rbs=${client.decoder.capacity}`,
    "rbp=0",
    `obl=${obl}`,
    `oll=${Math.ceil(omem / REPLY_CHUNK)}`,
    `omem=${omem}`,
    `tot-mem=${clientMemory(client)}`,
    "events=r",
    `cmd=${client.lastCommand?.name ?? "NULL"}`,
    `user=${client.user}`,
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

/**
 * CLIENT LIST [TYPE type | ID id ...], parsed as Redis 7.0 does: one option
 * only, and IDs listed in the order given.
 */
function clientList(client: Client, argv: string[]): void {
  const w = client.writer;
  const clients = client.server.clients;
  let listed: Iterable<Client> = clients.values();
  if (argv.length === 4 && argv[2].toLowerCase() === "type") {
    const type = parseClientType(argv[3]);
    if (type === undefined) {
      w.error(`ERR Unknown client type '${argv[3]}'`);
      return;
    }
    listed = [...clients.values()].filter((other) => clientType(other) === type);
  } else if (argv.length > 3 && argv[2].toLowerCase() === "id") {
    const ids: number[] = [];
    for (const arg of argv.slice(3)) {
      const id = parseInteger(arg);
      if (id === null) {
        w.error("ERR Invalid client ID");
        return;
      }
      ids.push(id);
    }
    listed = ids.flatMap((id) => clients.get(id) ?? []);
  } else if (argv.length !== 2) {
    w.error(SYNTAX_ERROR);
    return;
  }
  let text = "";
  for (const other of listed) text += describeClient(other) + "\n";
  w.verbatim(text);
}

/** Redis 7.0's CLIENT HELP, word for word. */
function clientHelp(client: Client): void {
  helpReply(client.writer, "CLIENT", [
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
  ]);
}

const CONNECTION = { group: "connection", categories: ["connection"] };

export const connectionCommands: CommandDefinition[] = [
  {
    ...CONNECTION,
    name: "ping",
    arity: -1,
    flags: ["fast"],
    since: "1.0.0",
    summary: "Ping the server",
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
    summary: "Echo the given string",
    complexity: "O(1)",
    handler: echo,
  },
  {
    ...CONNECTION,
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "1.0.0",
    summary: "Authenticate to the server",
    complexity: "O(N) where N is the number of passwords defined for the user",
    history: [["6.0.0", "Added ACL style (username and password)."]],
    handler: auth,
  },
  {
    ...CONNECTION,
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.0.0",
    summary: "Handshake with Redis",
    complexity: "O(1)",
    history: [[
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ]],
    handler: hello,
  },
  {
    ...CONNECTION,
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    since: "1.0.0",
    summary: "Close the connection",
    complexity: "O(1)",
    handler: quit,
  },
  {
    ...CONNECTION,
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.2.0",
    summary: "Reset the connection",
    complexity: "O(1)",
    handler: reset,
  },
  {
    ...CONNECTION,
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Change the selected database for the current connection",
    complexity: "O(1)",
    handler: select,
  },
  {
    group: "connection",
    name: "client",
    arity: -2,
    since: "2.4.0",
    summary: "A container for client connection commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      clientSubcommand("id", 2, "Returns the client ID for the current connection", clientId, {
        since: "5.0.0",
        complexity: "O(1)",
      }),
      clientSubcommand("setname", 3, "Set the current connection name", clientSetName, {
        since: "2.6.9",
        complexity: "O(1)",
      }),
      clientSubcommand("getname", 2, "Get the current connection name", clientGetName, {
        since: "2.6.9",
        complexity: "O(1)",
      }),
      clientSubcommand("setinfo", 4, "Sets information specific to the client or connection.", clientSetInfo),
      clientSubcommand("info", 2, "Returns information about the current client connection.", clientInfo, {
        since: "6.2.0",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
      }),
      clientSubcommand("list", -2, "Get the list of client connections", clientList, {
        complexity: "O(N) where N is the number of client connections",
        history: [
          ["2.8.12", "Added unique client `id` field."],
          ["5.0.0", "Added optional `TYPE` filter."],
          ["6.0.0", "Added `user` field."],
          ["6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."],
          ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
          ["7.0.3", "Added `ssub` field."],
        ],
        flags: ["admin", "noscript", "loading", "stale"],
        tips: ["nondeterministic_output"],
      }),
      clientSubcommand("help", 2, "Show helpful text about the different subcommands", clientHelp, {
        since: "5.0.0",
        complexity: "O(1)",
        flags: ["loading", "stale"],
      }),
      ...clientManagementSubcommands,
      ...clientTrackingSubcommands,
    ],
  },
];
