/**
 * MEMORY: USAGE from Redix's per-key estimate (lib/store/eviction.ts), STATS
 * from INFO memory's figures and that estimate's overheads, and the allocator
 * subcommands as a server whose allocator (V8's) has nothing to report or purge.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { entrySize, EXPIRE_OVERHEAD } from "../store/eviction.ts";
import { helpReply } from "./connection.ts";
import { memoryBreakdown } from "./info.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import { FAILED, integerArg } from "./access.ts";
import type { CommandDefinition } from "./table.ts";

/** What Redis 7.0's MEMORY DOCTOR says when it has too little to go on, as for any Redix. */
const DOCTOR_REPORT =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be " +
  "used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I " +
  "will be back to our programming as soon as I finished rebooting.\n";

/**
 * MEMORY USAGE key [SAMPLES count]: options first, as Redis (a negative count
 * is a syntax error), then the key looked up without an expiry check or an
 * access stamp, as Redis's dictFind. The bytes are Redix's estimate, not
 * Redis's allocation sizes; collections are measured whole, whatever SAMPLES.
 */
function memoryUsage(client: Client, argv: string[]): void {
  const w = client.writer;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j].toLowerCase() === "samples" && j + 1 < argv.length) {
      const samples = integerArg(client, argv[++j]);
      if (samples === FAILED) return;
      if (samples < 0) {
        w.error(SYNTAX_ERROR);
        return;
      }
    } else {
      w.error(SYNTAX_ERROR);
      return;
    }
  }
  const value = client.db.data.get(argv[2]);
  if (value === undefined) w.null();
  else w.integer(entrySize(argv[2], value) + (client.db.expires.has(argv[2]) ? EXPIRE_OVERHEAD : 0));
}

/** A ratio kept as Redis keeps MEMORY STATS's, a C float, so that %.17g prints the same digits. */
function floatRatio(numerator: number, denominator: number): { double: number } {
  return { double: Math.fround(numerator / denominator) };
}

/**
 * MEMORY STATS: Redis 7.0's names, order and reply types (integers, and
 * doubles for the ratios); the values are Redix's. The totals are INFO
 * memory's; the overheads are the memory at start, the key space's share of
 * the per-key estimate (an entry per key, another per TTL), the clients'
 * buffers (CLIENT LIST's tot-mem) and the AOF buffer, all but the key space's
 * left out of overhead.total while maxmemory is set (the estimate that is then
 * used memory does not count them); the data set is the rest. Without allocator
 * statistics, the allocator.* fields are what Redis reports for an allocator
 * that has none (libc's): allocated is used memory, active and resident the RSS.
 * No replication, cluster, Lua or functions: those overheads are 0.
 */
function memoryStats(client: Client): void {
  const { used, rss, peak, startup, clients, aofBuffer, dbs, keys, overhead, dataset, net } = memoryBreakdown(
    client.server,
  );
  writeStats(client.writer, [
    ["peak.allocated", peak],
    ["total.allocated", used],
    ["startup.allocated", startup],
    ["replication.backlog", 0],
    ["clients.slaves", 0],
    ["clients.normal", clients],
    ["cluster.links", 0],
    ["aof.buffer", aofBuffer],
    ["lua.caches", 0],
    ["functions.caches", 0],
    ...dbs.map(({ index, main, expires }): StatsField => [`db.${index}`, [
      ["overhead.hashtable.main", main],
      ["overhead.hashtable.expires", expires],
      ["overhead.hashtable.slot-to-keys", 0],
    ]]),
    ["overhead.total", overhead],
    ["keys.count", keys],
    ["keys.bytes-per-key", keys === 0 ? 0 : Math.floor(net / keys)],
    ["dataset.bytes", dataset],
    ["dataset.percentage", floatRatio(dataset * 100, net)],
    ["peak.percentage", peak === 0 ? { double: 0 } : floatRatio(used * 100, peak)],
    ["allocator.allocated", used],
    ["allocator.active", rss],
    ["allocator.resident", rss],
    ["allocator-fragmentation.ratio", floatRatio(rss, used)],
    ["allocator-fragmentation.bytes", rss - used],
    ["allocator-rss.ratio", { double: 1 }],
    ["allocator-rss.bytes", 0],
    ["rss-overhead.ratio", { double: 1 }],
    ["rss-overhead.bytes", 0],
    ["fragmentation", floatRatio(rss, used)],
    ["fragmentation.bytes", rss - used],
  ]);
}

/** A MEMORY STATS field: an integer, a double, or a db.N map. */
type StatsField = [name: string, value: number | { double: number } | StatsField[]];

function writeStats(w: ReplyWriter, fields: StatsField[]): void {
  w.map(fields.length);
  for (const [name, value] of fields) {
    w.bulk(name);
    if (typeof value === "number") w.integer(value);
    else if (Array.isArray(value)) writeStats(w, value);
    else w.double(value.double);
  }
}

function memoryHelp(client: Client): void {
  helpReply(client.writer, "MEMORY", [
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
  ]);
}

const SERVER = { group: "server" };
const ALL_SHARDS = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"];

export const memoryCommands: CommandDefinition[] = [
  {
    ...SERVER,
    name: "memory",
    arity: -2,
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...SERVER,
        name: "doctor",
        arity: 2,
        since: "4.0.0",
        summary: "Outputs memory problems report",
        complexity: "O(1)",
        tips: ALL_SHARDS,
        handler: (client) => client.writer.verbatim(DOCTOR_REPORT),
      },
      {
        ...SERVER,
        name: "malloc-stats",
        arity: 2,
        since: "4.0.0",
        summary: "Show allocator internal stats",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ALL_SHARDS,
        handler: (client) => client.writer.verbatim("Stats not supported for the current allocator"),
      },
      {
        ...SERVER,
        name: "purge",
        arity: 2,
        since: "4.0.0",
        summary: "Ask the allocator to release memory",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: (client) => client.writer.ok(),
      },
      {
        ...SERVER,
        name: "stats",
        arity: 2,
        since: "4.0.0",
        summary: "Show memory usage details",
        complexity: "O(1)",
        tips: ALL_SHARDS,
        handler: memoryStats,
      },
      {
        ...SERVER,
        name: "usage",
        arity: -3,
        flags: ["readonly"],
        keys: [2, 2, 1],
        categories: ["read"],
        since: "4.0.0",
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        handler: memoryUsage,
      },
      {
        ...SERVER,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: memoryHelp,
      },
    ],
  },
];
