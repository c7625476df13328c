/**
 * Server commands: TIME, DBSIZE, FLUSHDB, FLUSHALL, SHUTDOWN, CONFIG, SLOWLOG,
 * LATENCY, and ROLE and WAIT as a server without replicas answers them.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { helpReply } from "./connection.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import { FAILED, integerArg, integerAtLeastArg } from "./access.ts";
import { parseInteger } from "../util/numbers.ts";
import type { Command, CommandDefinition } from "./table.ts";

/** SLOWLOG GET [count]: the newest `count` entries (10 by default, -1 for all), newest first. */
function slowlogGet(client: Client, argv: string[]): void {
  const w = client.writer;
  const entries = client.server.slowlog.entries;
  let count = 10;
  if (argv.length === 3) {
    const n = integerAtLeastArg(client, argv[2], -1, "ERR count should be greater than or equal to -1");
    if (n === FAILED) return;
    count = n === -1 ? entries.length : n;
  }
  const shown = entries.slice(0, count);
  w.array(shown.length);
  for (const entry of shown) {
    w.array(6);
    w.integer(entry.id);
    w.integer(entry.time);
    w.integer(entry.usec);
    w.bulkArray(entry.argv);
    w.bulk(entry.peer);
    w.bulk(entry.clientName);
  }
}

function slowlogHelp(client: Client): void {
  helpReply(client.writer, "SLOWLOG", [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
  ]);
}

function latencyHelp(client: Client): void {
  helpReply(client.writer, "LATENCY", [
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
  ]);
}

function latencyLatest(client: Client): void {
  const w = client.writer;
  const spikes = client.server.latencyMonitor.latest();
  w.array(spikes.length);
  for (const spike of spikes) {
    w.array(4);
    w.bulk(spike.event);
    w.integer(spike.time);
    w.integer(spike.latency);
    w.integer(spike.max);
  }
}

function latencyHistory(client: Client, argv: string[]): void {
  const w = client.writer;
  const samples = client.server.latencyMonitor.history(argv[2]);
  w.array(samples.length);
  for (const [time, ms] of samples) {
    w.array(2);
    w.integer(time);
    w.integer(ms);
  }
}

function latencyGraph(client: Client, argv: string[]): void {
  const graph = client.server.latencyMonitor.graph(argv[2]);
  if (graph === undefined) client.writer.error(`ERR No samples available for event '${argv[2]}'`);
  else client.writer.verbatim(graph);
}

function latencyDoctor(client: Client): void {
  const server = client.server;
  client.writer.verbatim(server.latencyMonitor.doctor({
    threshold: server.config.getNumber("latency-monitor-threshold"),
    slowlogSlowerThan: server.config.getNumber("slowlog-log-slower-than"),
    anonHugePages: anonHugePagesBytes(),
  }));
}

/** The process's transparent huge pages (AnonHugePages in /proc/self/smaps_rollup), 0 where unknown. */
function anonHugePagesBytes(): number {
  try {
    const match = /^AnonHugePages:\s+(\d+) kB/m.exec(Deno.readTextFileSync("/proc/self/smaps_rollup"));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * LATENCY HISTOGRAM [command ...]: per command (a container's subcommands
 * each), its calls and their cumulative latency distribution; every command
 * with one when none is named. Redix times one call in 64 (TIMING_SAMPLE),
 * so the distribution of the timed calls is scaled to all calls.
 */
function latencyHistogram(client: Client, argv: string[]): void {
  const table = client.server.table;
  const chosen: Command[] = [];
  if (argv.length === 2) {
    chosen.push(...table.all());
  } else {
    for (const name of argv.slice(2)) {
      const command = table.lookupFullName(name);
      if (command === undefined) continue;
      chosen.push(command, ...(command.subcommands?.values() ?? []));
    }
  }
  const withData = chosen.filter((command) => command.stats.latency !== undefined);
  const w = client.writer;
  w.map(withData.length);
  for (const command of withData) {
    const histogram = command.stats.latency!;
    const calls = command.stats.calls;
    const buckets = histogram.cumulativeByPowersOfTwo(calls / histogram.count);
    w.bulk(command.name);
    w.map(2);
    w.bulk("calls");
    w.integer(calls);
    w.bulk("histogram_usec");
    w.map(buckets.length);
    for (const [usec, count] of buckets) {
      w.integer(usec);
      w.integer(count);
    }
  }
}

/** ROLE: without replication, Redix is always a master with no replicas (offset 0). */
function role(client: Client): void {
  const w = client.writer;
  w.array(3);
  w.bulk("master");
  w.integer(0);
  w.array(0);
}

/**
 * WAIT numreplicas timeout (milliseconds): with no replicas, none acknowledges,
 * so the reply is always 0. As Redis, it comes at once when no replica is
 * asked for (or inside EXEC, which cannot block), and otherwise only when the
 * timeout passes, as for acks that never arrive: timeout 0 waits until CLIENT
 * UNBLOCK or a disconnect.
 */
function wait(client: Client, argv: string[]): void {
  const w = client.writer;
  const replicas = integerArg(client, argv[1]);
  if (replicas === FAILED) return;
  const timeout = parseInteger(argv[2]);
  if (timeout === null) {
    w.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    w.error("ERR timeout is negative");
    return;
  }
  const acknowledged = 0;
  if (replicas <= acknowledged) {
    w.integer(acknowledged);
    return;
  }
  const deadline = timeout === 0 ? 0 : Date.now() + timeout;
  client.server.blocking.block(
    client,
    [],
    deadline,
    () => false,
    (waiter) => waiter.writer.integer(acknowledged),
  );
}

function time(client: Client): void {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  client.writer.array(2);
  client.writer.bulk(String(micros / 1_000_000n));
  client.writer.bulk(String(micros % 1_000_000n));
}

function dbsize(client: Client): void {
  client.writer.integer(client.db.size);
}

/**
 * Checks FLUSHDB/FLUSHALL's optional ASYNC|SYNC. Both behave the same here:
 * dropping the maps is O(1) and the garbage collector frees them lazily.
 */
function flushModeValid(client: Client, argv: string[]): boolean {
  if (argv.length > 2 || (argv.length === 2 && !/^(a?sync)$/i.test(argv[1]))) {
    client.writer.error(SYNTAX_ERROR);
    return false;
  }
  return true;
}

function flushdb(client: Client, argv: string[]): void {
  if (!flushModeValid(client, argv)) return;
  const db = client.db;
  db.clear();
  client.writer.ok();
  client.server.propagate(db, ["FLUSHDB"]);
}

function flushall(client: Client, argv: string[]): void {
  if (!flushModeValid(client, argv)) return;
  const server = client.server;
  server.keyspace.flushAll();
  // Propagated (counted as a change) before the save below, which leaves none unsaved, as in Redis.
  server.propagate(client.db, ["FLUSHALL"]);
  // As Redis 7.0's flushAllDataAndResetRDB: a running BGSAVE is dropped, and
  // with save points the (empty) data set is saved at once.
  server.persistence.abortBgsave();
  if (server.config.saveParams().length > 0) server.persistence.save();
  client.writer.ok();
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. The caller gets no reply: its
 * connection closes with the server, after the replies of the other clients
 * that are in flight have been written.
 */
function shutdown(client: Client, argv: string[]): void {
  const flags = new Set<string>();
  for (const arg of argv.slice(1)) {
    const flag = arg.toLowerCase();
    if (!["nosave", "save", "now", "force", "abort"].includes(flag)) {
      client.writer.error(SYNTAX_ERROR);
      return;
    }
    flags.add(flag);
  }
  if ((flags.has("abort") && flags.size > 1) || (flags.has("save") && flags.has("nosave"))) {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  const server = client.server;
  if (flags.has("abort")) {
    // Only a shutdown a signal asked for waits (for the next cron tick) and can be aborted.
    if (server.abortShutdown()) client.writer.ok();
    else client.writer.error("ERR No shutdown in progress.");
    return;
  }
  server.log.warning("User requested shutdown...");
  const saved = server.persistence.saveBeforeShutdown({
    save: flags.has("save"),
    nosave: flags.has("nosave"),
    force: flags.has("force"),
  });
  if (!saved) {
    client.writer.error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  client.closeAfterReply = true;
  server.shutdown();
}

function configGet(client: Client, argv: string[]): void {
  const pairs = client.server.config.configGet(argv.slice(2));
  client.writer.map(pairs.length);
  for (const [name, value] of pairs) {
    client.writer.bulk(name);
    client.writer.bulk(value);
  }
}

function configSet(client: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  const error = client.server.config.configSet(argv.slice(2));
  if (error === null) client.writer.ok();
  else client.writer.error(error);
}

function configResetStat(client: Client): void {
  client.server.resetStats();
  client.writer.ok();
}

function configRewrite(client: Client): void {
  const error = client.server.config.rewrite();
  if (error === null) {
    client.server.log.notice("CONFIG REWRITE executed with success.");
    client.writer.ok();
  } else {
    client.writer.error(error);
  }
}

function configHelp(client: Client): void {
  helpReply(client.writer, "CONFIG", [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
  ]);
}

const SERVER = { group: "server" };
const ADMIN_FLAGS: CommandDefinition["flags"] = ["admin", "noscript", "loading", "stale"];
const LATENCY_TIPS = ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"];

export const serverCommands: CommandDefinition[] = [
  {
    ...SERVER,
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    since: "2.6.0",
    summary: "Return the current server time",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    handler: time,
  },
  {
    ...SERVER,
    name: "slowlog",
    arity: -2,
    since: "2.2.12",
    summary: "A container for slow log commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...SERVER,
        name: "get",
        arity: -2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Get the slow log's entries",
        complexity: "O(N) where N is the number of entries returned",
        history: [["4.0.0", "Added client IP address, port and name to the reply."]],
        tips: ["request_policy:all_nodes", "nondeterministic_output"],
        handler: slowlogGet,
      },
      {
        ...SERVER,
        name: "len",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Get the slow log's length",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
        handler: (client) => client.writer.integer(client.server.slowlog.entries.length),
      },
      {
        ...SERVER,
        name: "reset",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Clear all entries from the slow log",
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: (client) => {
          client.server.slowlog.reset();
          client.writer.ok();
        },
      },
      {
        ...SERVER,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: slowlogHelp,
      },
    ],
  },
  {
    ...SERVER,
    name: "latency",
    arity: -2,
    since: "2.8.13",
    summary: "A container for latency diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...SERVER,
        name: "doctor",
        arity: 2,
        flags: ADMIN_FLAGS,
        since: "2.8.13",
        summary: "Return a human readable latency analysis report.",
        complexity: "O(1)",
        tips: LATENCY_TIPS,
        handler: latencyDoctor,
      },
      {
        ...SERVER,
        name: "graph",
        arity: 3,
        flags: ADMIN_FLAGS,
        since: "2.8.13",
        summary: "Return a latency graph for the event.",
        complexity: "O(1)",
        tips: LATENCY_TIPS,
        handler: latencyGraph,
      },
      {
        ...SERVER,
        name: "histogram",
        arity: -2,
        flags: ADMIN_FLAGS,
        since: "7.0.0",
        summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
        complexity: "O(N) where N is the number of commands with latency information being retrieved.",
        tips: LATENCY_TIPS,
        handler: latencyHistogram,
      },
      {
        ...SERVER,
        name: "history",
        arity: 3,
        flags: ADMIN_FLAGS,
        since: "2.8.13",
        summary: "Return timestamp-latency samples for the event.",
        complexity: "O(1)",
        tips: LATENCY_TIPS,
        handler: latencyHistory,
      },
      {
        ...SERVER,
        name: "latest",
        arity: 2,
        flags: ADMIN_FLAGS,
        since: "2.8.13",
        summary: "Return the latest latency samples for all events.",
        complexity: "O(1)",
        tips: LATENCY_TIPS,
        handler: latencyLatest,
      },
      {
        ...SERVER,
        name: "reset",
        arity: -2,
        flags: ADMIN_FLAGS,
        since: "2.8.13",
        summary: "Reset latency data for one or more events.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: (client, argv) => {
          const monitor = client.server.latencyMonitor;
          client.writer.integer(
            argv.length === 2
              ? monitor.reset()
              : argv.slice(2).reduce((n, event) => n + monitor.reset(event), 0),
          );
        },
      },
      {
        ...SERVER,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "2.8.13",
        summary: "Show helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: latencyHelp,
      },
    ],
  },
  {
    ...SERVER,
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    categories: ["admin", "dangerous"],
    since: "2.8.12",
    summary: "Return the role of the instance in the context of replication",
    complexity: "O(1)",
    handler: role,
  },
  {
    name: "wait",
    group: "generic",
    arity: 3,
    flags: ["noscript"],
    categories: ["connection"],
    since: "3.0.0",
    summary:
      "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    handler: wait,
  },
  {
    ...SERVER,
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    categories: ["keyspace"],
    since: "1.0.0",
    summary: "Return the number of keys in the selected database",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
    handler: dbsize,
  },
  {
    ...SERVER,
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    categories: ["keyspace", "dangerous"],
    since: "1.0.0",
    summary: "Remove all keys from the current database",
    complexity: "O(N) where N is the number of keys in the selected database",
    history: [
      ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
      ["6.2.0", "Added the `SYNC` flushing mode modifier."],
    ],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: flushdb,
  },
  {
    ...SERVER,
    name: "flushall",
    arity: -1,
    flags: ["write"],
    categories: ["keyspace", "dangerous"],
    since: "1.0.0",
    summary: "Remove all keys from all databases",
    complexity: "O(N) where N is the total number of keys in all databases",
    history: [
      ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
      ["6.2.0", "Added the `SYNC` flushing mode modifier."],
    ],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: flushall,
  },
  {
    ...SERVER,
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk and then shut down the server",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
    handler: shutdown,
  },
  {
    ...SERVER,
    name: "config",
    arity: -2,
    since: "2.0.0",
    summary: "A container for server configuration commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...SERVER,
        name: "get",
        arity: -3,
        flags: ADMIN_FLAGS,
        since: "2.0.0",
        summary: "Get the values of configuration parameters",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        handler: configGet,
      },
      {
        ...SERVER,
        name: "set",
        arity: -4,
        flags: ADMIN_FLAGS,
        since: "2.0.0",
        summary: "Set configuration parameters to the given values",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: configSet,
      },
      {
        ...SERVER,
        name: "resetstat",
        arity: 2,
        flags: ADMIN_FLAGS,
        since: "2.0.0",
        summary: "Reset the stats returned by INFO",
        complexity: "O(1)",
        handler: configResetStat,
      },
      {
        ...SERVER,
        name: "rewrite",
        arity: 2,
        flags: ADMIN_FLAGS,
        since: "2.8.0",
        summary: "Rewrite the configuration file with the in memory configuration",
        complexity: "O(1)",
        handler: configRewrite,
      },
      {
        ...SERVER,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: configHelp,
      },
    ],
  },
];
