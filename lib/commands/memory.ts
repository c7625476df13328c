/**
 * MEMORY: USAGE from Redix's per-key estimate (lib/store/eviction.ts), and the
 * allocator subcommands as a server whose allocator (V8's) has nothing to
 * report or purge. MEMORY STATS is not there yet.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { entrySize, EXPIRE_OVERHEAD } from "../store/eviction.ts";
import { helpReply } from "./connection.ts";
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

function memoryHelp(client: Client): void {
  helpReply(client.writer, "MEMORY", [
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
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
