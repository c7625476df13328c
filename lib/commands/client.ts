/**
 * CLIENT subcommands that manage connections, as Redis 7.0 has them: KILL,
 * PAUSE, UNPAUSE, REPLY, NO-EVICT and UNBLOCK. The connection's own ones (ID,
 * SETNAME, LIST ...) and the CLIENT container are in connection.ts.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { INT64_MAX_NUMBER, parseInt64 } from "../util/numbers.ts";
import { NOT_INTEGER, subcommandSyntaxError, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

/** A CLIENT subcommand's table entry, with the flags most of them share. */
export function clientSubcommand(
  name: string,
  arity: number,
  summary: string,
  handler: (client: Client, argv: string[]) => void,
  extra: Partial<CommandDefinition> = {},
): CommandDefinition {
  return {
    group: "connection",
    categories: ["connection"],
    name,
    arity,
    flags: ["noscript", "loading", "stale"],
    since: "2.4.0",
    summary,
    handler,
    ...extra,
  };
}

const ADMIN: Partial<CommandDefinition> = { flags: ["admin", "noscript", "loading", "stale"] };

/** The client types CLIENT LIST TYPE and CLIENT KILL TYPE name ("slave" is "replica"). */
export function parseClientType(name: string): "normal" | "master" | "replica" | "pubsub" | undefined {
  const type = name.toLowerCase();
  if (type === "slave") return "replica";
  return type === "normal" || type === "master" || type === "replica" || type === "pubsub" ? type : undefined;
}

/**
 * A client's type: a subscriber, else a normal client (a monitor too, as in
 * Redis). Replication does not exist yet, so no client is a master or replica.
 */
export function clientType(client: Client): "normal" | "pubsub" {
  return client.server.pubsub.isSubscribed(client) ? "pubsub" : "normal";
}

/** The filters of CLIENT KILL's option form. */
interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: string;
  skipMe: boolean;
}

/** Parses CLIENT KILL's options, or replies Redis's error and returns undefined. */
function parseKillFilter(client: Client, argv: string[]): KillFilter | undefined {
  const w = client.writer;
  if (argv.length === 3) return { addr: argv[2], skipMe: false };
  if (argv.length % 2 !== 0) {
    w.error(SYNTAX_ERROR);
    return undefined;
  }
  const filter: KillFilter = { skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const option = argv[i].toLowerCase();
    const value = argv[i + 1];
    if (option === "id") {
      const id = parseInt64(value);
      if (id === null || id < 1n) {
        w.error("ERR client-id should be greater than 0");
        return undefined;
      }
      filter.id = Number(id);
    } else if (option === "type") {
      filter.type = parseClientType(value);
      if (filter.type === undefined) {
        w.error(`ERR Unknown client type '${value}'`);
        return undefined;
      }
    } else if (option === "addr") {
      filter.addr = value;
    } else if (option === "laddr") {
      filter.laddr = value;
    } else if (option === "user") {
      // Until ACLs exist "default" is the only user, and everyone's.
      if (value !== "default") {
        w.error(`ERR No such user '${value}'`);
        return undefined;
      }
    } else if (option === "skipme" && /^(yes|no)$/i.test(value)) {
      filter.skipMe = value.toLowerCase() === "yes";
    } else {
      w.error(SYNTAX_ERROR);
      return undefined;
    }
  }
  return filter;
}

/**
 * CLIENT KILL addr, or CLIENT KILL <filter> <value> ...: closes the matching
 * connections at once (they leave CLIENT LIST now); the caller's own after
 * its reply.
 */
function clientKill(client: Client, argv: string[]): void {
  const filter = parseKillFilter(client, argv);
  if (filter === undefined) return;
  const server = client.server;
  let killed = 0;
  for (const other of [...server.clients.values()]) {
    if (filter.addr !== undefined && other.addr !== filter.addr) continue;
    if (filter.laddr !== undefined && other.laddr !== filter.laddr) continue;
    if (filter.type !== undefined && clientType(other) !== filter.type) continue;
    if (filter.id !== undefined && other.id !== filter.id) continue;
    if (other === client && filter.skipMe) continue;
    killed++;
    if (other === client) {
      client.closeAfterReply = true;
    } else {
      other.close();
      server.unregister(other);
    }
  }
  if (argv.length !== 3) client.writer.integer(killed);
  else if (killed === 0) client.writer.error("ERR No such client");
  else client.writer.ok();
}

/** CLIENT PAUSE timeout [WRITE|ALL]: the timeout in ms, its errors as Redis's getTimeoutFromObjectOrReply. */
function clientPause(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length > 4) {
    client.writer.error(subcommandSyntaxError(argv));
    return;
  }
  const mode = argv.length === 4 ? argv[3].toLowerCase() : "all";
  if (mode !== "write" && mode !== "all") {
    w.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    return;
  }
  const ms = parseInt64(argv[2]);
  if (ms === null) {
    w.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (ms < 0n) {
    w.error("ERR timeout is negative");
    return;
  }
  // Redis adds in int64: an end past its range wraps into the past, no pause.
  const end = Date.now() + Number(ms);
  client.server.pause.pause(end > INT64_MAX_NUMBER ? 0 : end, mode);
  w.ok();
}

function clientUnpause(client: Client): void {
  client.server.pause.unpause();
  client.writer.ok();
}

/** CLIENT REPLY ON|OFF|SKIP; only ON replies (the executor drops the rest). */
function clientReply(client: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === "on") {
    client.replyMode = "on";
    client.writer.ok();
  } else if (mode === "off") {
    client.replyMode = "off";
  } else if (mode === "skip") {
    if (client.replyMode !== "off") client.replyMode = "skip";
  } else {
    client.writer.error(SYNTAX_ERROR);
  }
}

/** CLIENT NO-EVICT and NO-TOUCH: `on` or `off`, any case, sets one flag of the connection. */
function clientOnOff(set: (client: Client, on: boolean) => void) {
  return (client: Client, argv: string[]): void => {
    const mode = argv[2].toLowerCase();
    if (mode !== "on" && mode !== "off") {
      client.writer.error(SYNTAX_ERROR);
      return;
    }
    set(client, mode === "on");
    client.writer.ok();
  };
}

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocking command's wait as if it
 * timed out, or with an UNBLOCKED error. A client held by CLIENT PAUSE keeps
 * waiting for the pause.
 */
function clientUnblock(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length > 4) {
    client.writer.error(subcommandSyntaxError(argv));
    return;
  }
  const reason = argv.length === 4 ? argv[3].toLowerCase() : "timeout";
  if (reason !== "timeout" && reason !== "error") {
    w.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    return;
  }
  const id = parseInt64(argv[2]);
  if (id === null) {
    w.error(NOT_INTEGER);
    return;
  }
  const server = client.server;
  const target = server.clients.get(Number(id));
  const blocked = target?.blocked;
  if (target === undefined || blocked === undefined || server.pause.holds(target)) {
    w.integer(0);
    return;
  }
  if (reason === "error") server.failBlockedCommand(target, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
  else blocked.onTimeout(target);
  server.blocking.unblock(target);
  w.integer(1);
}

export const clientManagementSubcommands: CommandDefinition[] = [
  clientSubcommand("kill", -3, "Kill the connection of a client", clientKill, {
    ...ADMIN,
    complexity: "O(N) where N is the number of client connections",
    history: [
      ["2.8.12", "Added new filter format."],
      ["2.8.12", "`ID` option."],
      ["3.2.0", "Added `master` type in for `TYPE` option."],
      [
        "5.0.0",
        "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
      ],
      ["6.2.0", "`LADDR` option."],
    ],
  }),
  clientSubcommand("pause", -3, "Stop processing commands from clients for some time", clientPause, {
    ...ADMIN,
    since: "2.9.50",
    complexity: "O(1)",
    history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
  }),
  clientSubcommand("unpause", 2, "Resume processing of clients that were paused", clientUnpause, {
    ...ADMIN,
    since: "6.2.0",
    complexity: "O(N) Where N is the number of paused clients",
  }),
  clientSubcommand("reply", 3, "Instruct the server whether to reply to commands", clientReply, {
    since: "3.2.0",
    complexity: "O(1)",
  }),
  clientSubcommand(
    "no-evict",
    3,
    "Set client eviction mode for the current connection",
    clientOnOff((client, on) => client.noEvict = on),
    { ...ADMIN, since: "7.0.0", complexity: "O(1)" },
  ),
  // From Redis 7.2: in 7.0.15 it is an unknown subcommand, so adding it changes no 7.0 reply that works.
  clientSubcommand(
    "no-touch",
    3,
    "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
    clientOnOff((client, on) => client.noTouch = on),
    { since: "7.2.0" },
  ),
  clientSubcommand(
    "unblock",
    -3,
    "Unblock a client blocked in a blocking command from a different connection",
    clientUnblock,
    {
      ...ADMIN,
      since: "5.0.0",
      complexity: "O(log N) where N is the number of client connections",
    },
  ),
];
