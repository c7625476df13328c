/**
 * INFO, in Redis 7.0's section names, field names and layout, because clients and
 * tools parse it (ioredis reads `loading`, many read `redis_version`).
 *
 * @module
 */
import process from "node:process";
import type { Client } from "../server/client.ts";
import type { RedixServer } from "../server/server.ts";
import { ENTRY_OVERHEAD, EXPIRE_OVERHEAD } from "../store/eviction.ts";
import { REDIS_VERSION, REDIX_VERSION } from "../version.ts";
import { clientMemory } from "./connection.ts";
import type { CommandDefinition } from "./table.ts";

type Section = (server: RedixServer) => [string, string | number][];

/** 40 random hex digits, as Redis's run_id and replication IDs. */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** A stable id per process, like Redis's run_id. */
const RUN_ID = randomId();

/** Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ... */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}

let peakMemory = 0;

/** The V8 heap in use plus external (ArrayBuffer) memory. */
export function heapMemory(usage = Deno.memoryUsage()): number {
  return usage.heapUsed + usage.external;
}

/** INFO memory's figures, which MEMORY STATS reports too. */
export interface MemoryFigures {
  /** Whether `used` is the data set's estimate (maxmemory set), which leaves buffers out. */
  estimated: boolean;
  used: number;
  rss: number;
  peak: number;
  /** What `used` counted when the server started: 0 while it is the data set's estimate. */
  startup: number;
}

/**
 * Memory as the V8 heap plus external (ArrayBuffer) memory: what our data
 * occupies, the closest match to Redis's allocator-counted used_memory. While
 * maxmemory is set, the figure eviction compares with it instead (the data
 * set's estimate, see lib/store/eviction.ts), so that clients comparing
 * used_memory with maxmemory see what the server acts on.
 */
export function memoryFigures(server: RedixServer): MemoryFigures {
  const estimated = server.eviction.limit !== 0;
  const usage = Deno.memoryUsage();
  const used = estimated ? server.eviction.used() : heapMemory(usage);
  if (used > peakMemory) peakMemory = used;
  return { estimated, used, rss: usage.rss, peak: peakMemory, startup: estimated ? 0 : server.startupMemory };
}

/** INFO memory's and MEMORY STATS's breakdown of {@link memoryFigures}' used memory. */
export interface MemoryBreakdown extends MemoryFigures {
  /** The clients' buffers (CLIENT LIST's tot-mem, summed). */
  clients: number;
  aofBuffer: number;
  /** Per database with keys, the estimate's share of the hash tables: an entry per key, another per TTL. */
  dbs: { index: number; main: number; expires: number }[];
  keys: number;
  /** Start-up memory, the buffers (unless maxmemory is set, see MEMORY STATS) and the hash tables. */
  overhead: number;
  /** Used memory less the overhead. */
  dataset: number;
  /** Used memory less start-up memory (at least 1): what the data set's percentage is of. */
  net: number;
}

export function memoryBreakdown(server: RedixServer): MemoryBreakdown {
  const figures = memoryFigures(server);
  const { estimated, used, startup } = figures;
  let clients = 0;
  for (const each of server.clients.values()) clients += clientMemory(each);
  const aofBuffer = server.aof.bufferLength;
  // The estimate that is used memory while maxmemory is set leaves the buffers out: so does its overhead.
  let overhead = estimated ? 0 : startup + clients + aofBuffer;
  let keys = 0;
  const dbs: MemoryBreakdown["dbs"] = [];
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    const main = db.size * ENTRY_OVERHEAD;
    const expires = db.expires.size * EXPIRE_OVERHEAD;
    dbs.push({ index: db.index, main, expires });
    overhead += main + expires;
    keys += db.size;
  }
  const dataset = Math.max(0, used - overhead);
  return {
    ...figures,
    clients,
    aofBuffer,
    dbs,
    keys,
    overhead,
    dataset,
    net: used > startup ? used - startup : 1,
  };
}

/**
 * The CPU seconds of the thread that runs commands (this one), as Redis reads
 * RUSAGE_THREAD: from /proc/thread-self/stat on Linux (in clock ticks of 1/100
 * s); undefined where that cannot be read, and the process's figures stand in.
 */
function mainThreadCpu(): { system: number; user: number } | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/thread-self/stat");
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return undefined;
  }
}

const SECTIONS: Record<string, Section> = {
  server: (server) => {
    const uptime = Math.floor((Date.now() - server.stats.startTime) / 1000);
    return [
      ["redis_version", REDIS_VERSION],
      ["redis_git_sha1", "00000000"],
      ["redis_git_dirty", 0],
      ["redis_build_id", "0"],
      ["redis_mode", "standalone"],
      ["os", `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`],
      ["arch_bits", 64],
      ["monotonic_clock", "POSIX clock_gettime"],
      ["multiplexing_api", "epoll"],
      ["atomicvar_api", "c11-builtin"],
      ["gcc_version", "0.0.0"],
      ["process_id", Deno.pid],
      ["process_supervised", "no"],
      ["run_id", RUN_ID],
      ["tcp_port", server.port],
      ["server_time_usec", Date.now() * 1000],
      ["uptime_in_seconds", uptime],
      ["uptime_in_days", Math.floor(uptime / 86400)],
      ["hz", server.config.getNumber("hz")],
      ["configured_hz", server.config.getNumber("hz")],
      ["lru_clock", Math.floor(Date.now() / 1000) & 0xffffff],
      ["executable", Deno.execPath()],
      ["config_file", server.config.configFile ?? ""],
      ["io_threads_active", 0],
      ["redix_version", REDIX_VERSION],
      ["deno_version", Deno.version.deno],
    ];
  },
  clients: (server) => [
    ["connected_clients", server.clients.size],
    ["cluster_connections", 0],
    ["maxclients", server.config.getNumber("maxclients")],
    ["client_recent_max_input_buffer", 0],
    ["client_recent_max_output_buffer", 0],
    ["blocked_clients", server.blocking.count],
    ["tracking_clients", server.tracking.count],
    ["clients_in_timeout_table", 0],
  ],
  // Every field of Redis 7.0, in its order, so that tools find them: Lua, functions, replication,
  // cluster and defragmentation, which Redix has not, report 0; the allocator's figures are what
  // Redis reports for libc malloc (see MEMORY STATS).
  memory: (server) => {
    const { used, rss, peak, startup, clients, aofBuffer, overhead, dataset, net } = memoryBreakdown(server);
    const maxmemory = server.config.getNumber("maxmemory");
    const system = Deno.systemMemoryInfo().total;
    return [
      ["used_memory", used],
      ["used_memory_human", bytesToHuman(used)],
      ["used_memory_rss", rss],
      ["used_memory_rss_human", bytesToHuman(rss)],
      ["used_memory_peak", peak],
      ["used_memory_peak_human", bytesToHuman(peak)],
      ["used_memory_peak_perc", `${((used / peak) * 100).toFixed(2)}%`],
      ["used_memory_overhead", overhead],
      ["used_memory_startup", startup],
      ["used_memory_dataset", dataset],
      ["used_memory_dataset_perc", `${((dataset * 100) / net).toFixed(2)}%`],
      ["allocator_allocated", used],
      ["allocator_active", rss],
      ["allocator_resident", rss],
      ["total_system_memory", system],
      ["total_system_memory_human", bytesToHuman(system)],
      ["used_memory_lua", 0],
      ["used_memory_vm_eval", 0],
      ["used_memory_lua_human", bytesToHuman(0)],
      ["used_memory_scripts_eval", 0],
      ["number_of_cached_scripts", 0],
      ["number_of_functions", 0],
      ["number_of_libraries", 0],
      ["used_memory_vm_functions", 0],
      ["used_memory_vm_total", 0],
      ["used_memory_vm_total_human", bytesToHuman(0)],
      ["used_memory_functions", 0],
      ["used_memory_scripts", 0],
      ["used_memory_scripts_human", bytesToHuman(0)],
      ["maxmemory", maxmemory],
      ["maxmemory_human", bytesToHuman(maxmemory)],
      ["maxmemory_policy", server.config.getString("maxmemory-policy")],
      ["allocator_frag_ratio", (rss / used).toFixed(2)],
      ["allocator_frag_bytes", rss - used],
      ["allocator_rss_ratio", "1.00"],
      ["allocator_rss_bytes", 0],
      ["rss_overhead_ratio", "1.00"],
      ["rss_overhead_bytes", 0],
      ["mem_fragmentation_ratio", (rss / used).toFixed(2)],
      ["mem_fragmentation_bytes", rss - used],
      ["mem_not_counted_for_evict", aofBuffer],
      ["mem_replication_backlog", 0],
      ["mem_total_replication_buffers", 0],
      ["mem_clients_slaves", 0],
      ["mem_clients_normal", clients],
      ["mem_cluster_links", 0],
      ["mem_aof_buffer", aofBuffer],
      ["mem_allocator", "v8"],
      ["active_defrag_running", 0],
      ["lazyfree_pending_objects", 0],
      ["lazyfreed_objects", 0],
    ];
  },
  persistence: (server) => {
    const p = server.persistence;
    const keys = p.currentKeys;
    const aof = server.aof;
    return [
      ["loading", p.loading ? 1 : 0],
      ["async_loading", 0],
      ["current_cow_peak", 0],
      ["current_cow_size", 0],
      ["current_cow_size_age", 0],
      ["current_fork_perc", "0.00"],
      ["current_save_keys_processed", keys.processed],
      ["current_save_keys_total", keys.total],
      ["rdb_changes_since_last_save", server.dirty],
      ["rdb_bgsave_in_progress", p.bgsaveInProgress ? 1 : 0],
      ["rdb_last_save_time", p.lastSave],
      ["rdb_last_bgsave_status", p.lastBgsaveStatus],
      ["rdb_last_bgsave_time_sec", p.lastBgsaveTimeSec],
      ["rdb_current_bgsave_time_sec", p.currentBgsaveTimeSec],
      ["rdb_saves", p.saves],
      ["rdb_last_cow_size", 0],
      ["rdb_last_load_keys_expired", p.loadKeysExpired],
      ["rdb_last_load_keys_loaded", p.loadKeysLoaded],
      ["aof_enabled", aof.state !== "off" ? 1 : 0],
      ["aof_rewrite_in_progress", aof.rewriteInProgress ? 1 : 0],
      ["aof_rewrite_scheduled", aof.scheduled ? 1 : 0],
      ["aof_last_rewrite_time_sec", aof.lastRewriteTimeSec],
      ["aof_current_rewrite_time_sec", aof.currentRewriteTimeSec],
      ["aof_last_bgrewrite_status", aof.lastBgrewriteStatus],
      ["aof_rewrites", aof.rewrites],
      ["aof_rewrites_consecutive_failures", aof.consecutiveFailures],
      ["aof_last_write_status", aof.lastWriteStatus],
      ["aof_last_cow_size", 0],
      ["module_fork_in_progress", 0],
      ["module_fork_last_cow_size", 0],
      ...(aof.state === "off" ? [] : [
        ["aof_current_size", aof.currentSize],
        ["aof_base_size", aof.baseSize],
        ["aof_pending_rewrite", aof.scheduled ? 1 : 0],
        ["aof_buffer_length", aof.bufferLength],
        ["aof_pending_bio_fsync", 0],
        ["aof_delayed_fsync", 0],
      ] as [string, string | number][]),
      ...loadingFields(server),
    ];
  },

  // Every field of Redis 7.0, in its order: replication, defragmentation, I/O threads and client
  // eviction, which Redix has not, report 0.
  stats: (server) => {
    const stats = server.stats;
    const tracking = server.tracking.totals;
    return [
      ["total_connections_received", stats.connectionsReceived],
      ["total_commands_processed", stats.commandsProcessed],
      ["instantaneous_ops_per_sec", stats.opsPerSecond],
      ["total_net_input_bytes", stats.netInputBytes],
      ["total_net_output_bytes", stats.netOutputBytes],
      ["total_net_repl_input_bytes", 0],
      ["total_net_repl_output_bytes", 0],
      ["instantaneous_input_kbps", stats.inputKbps.toFixed(2)],
      ["instantaneous_output_kbps", stats.outputKbps.toFixed(2)],
      ["instantaneous_input_repl_kbps", "0.00"],
      ["instantaneous_output_repl_kbps", "0.00"],
      ["rejected_connections", stats.rejectedConnections],
      ["sync_full", 0],
      ["sync_partial_ok", 0],
      ["sync_partial_err", 0],
      ["expired_keys", stats.expiredKeys],
      ["expired_stale_perc", "0.00"],
      ["expired_time_cap_reached_count", 0],
      ["expire_cycle_cpu_milliseconds", 0],
      ["evicted_keys", stats.evictedKeys],
      ["evicted_clients", 0],
      ["total_eviction_exceeded_time", 0],
      ["current_eviction_exceeded_time", 0],
      ["keyspace_hits", stats.keyspaceHits],
      ["keyspace_misses", stats.keyspaceMisses],
      ["pubsub_channels", server.pubsub.activeCount("channel")],
      ["pubsub_patterns", server.pubsub.activeCount("pattern")],
      ["pubsubshard_channels", server.pubsub.activeCount("shard")],
      ["latest_fork_usec", 0],
      ["total_forks", 0],
      ["migrate_cached_sockets", server.migrateLinks.size],
      ["slave_expires_tracked_keys", 0],
      ["active_defrag_hits", 0],
      ["active_defrag_misses", 0],
      ["active_defrag_key_hits", 0],
      ["active_defrag_key_misses", 0],
      ["total_active_defrag_time", 0],
      ["current_active_defrag_time", 0],
      ["tracking_total_keys", tracking.keys],
      ["tracking_total_items", tracking.items],
      ["tracking_total_prefixes", tracking.prefixes],
      ["unexpected_error_replies", 0],
      ["total_error_replies", server.errorStats.total],
      ["dump_payload_sanitizations", 0],
      ["total_reads_processed", stats.readsProcessed],
      ["total_writes_processed", stats.writesProcessed],
      ["io_threaded_reads_processed", 0],
      ["io_threaded_writes_processed", 0],
      ["reply_buffer_shrinks", 0],
      ["reply_buffer_expands", 0],
    ];
  },
  replication: (server) => [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", server.replicationId ?? RUN_ID],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", 1048576],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ],
  cpu: () => {
    const usage = process.cpuUsage();
    const thread = mainThreadCpu() ?? { system: usage.system / 1e6, user: usage.user / 1e6 };
    return [
      ["used_cpu_sys", (usage.system / 1e6).toFixed(6)],
      ["used_cpu_user", (usage.user / 1e6).toFixed(6)],
      // Saves and rewrites run in this process, not in children.
      ["used_cpu_sys_children", "0.000000"],
      ["used_cpu_user_children", "0.000000"],
      ["used_cpu_sys_main_thread", thread.system.toFixed(6)],
      ["used_cpu_user_main_thread", thread.user.toFixed(6)],
    ];
  },
  modules: () => [],
  errorstats: (server) =>
    [...server.errorStats.byPrefix].map(([prefix, count]) => [`errorstat_${prefix}`, `count=${count}`]),
  latencystats: (server) => {
    // As Redis, nothing while latency-tracking is off, though what was recorded stays.
    if (!server.config.getBool("latency-tracking")) return [];
    const percentiles = server.config.latencyPercentiles();
    const lines: [string, string][] = [];
    for (const command of server.table.all()) {
      const histogram = command.stats.latency;
      if (histogram === undefined) continue;
      const values = percentiles.map((p) => `p${p}=${histogram.percentile(p).toFixed(3)}`);
      lines.push([`latency_percentiles_usec_${command.name}`, values.join(",")]);
    }
    return lines;
  },
  commandstats: (server) => {
    const lines: [string, string][] = [];
    for (const command of server.table.all()) {
      const { calls, rejected, failed } = command.stats;
      if (calls === 0 && rejected === 0 && failed === 0) continue;
      const usec = command.stats.usec;
      const perCall = calls === 0 ? 0 : usec / calls;
      lines.push([
        `cmdstat_${command.name}`,
        `calls=${calls},usec=${usec},usec_per_call=${
          perCall.toFixed(2)
        },rejected_calls=${rejected},failed_calls=${failed}`,
      ]);
    }
    return lines;
  },
  cluster: () => [["cluster_enabled", 0]],
  keyspace: (server) =>
    server.keyspace.dbs
      .filter((db) => db.size > 0)
      .map((db) => [`db${db.index}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=0`]),
};

/** Every section, in Redis's order. */
const ALL_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "commandstats",
  "errorstats",
  "latencystats",
  "cluster",
  "keyspace",
];

/** What INFO and INFO default show: all but commandstats and latencystats, as in Redis. */
const DEFAULT_SECTIONS = new Set(
  ALL_SECTIONS.filter((section) => section !== "commandstats" && section !== "latencystats"),
);

/** The title Redis gives a section (`# Server`, `# Errorstats` ...). */
function title(section: string): string {
  return section === "cpu" ? "CPU" : section[0].toUpperCase() + section.slice(1);
}

/** Builds the INFO text for the requested section names. */
export function infoText(server: RedixServer, requested: string[]): string {
  const names = new Set<string>();
  for (const name of requested.length === 0 ? ["default"] : requested.map((r) => r.toLowerCase())) {
    if (name === "all" || name === "everything") {
      for (const section of ALL_SECTIONS) names.add(section);
    } else if (name === "default") {
      for (const section of DEFAULT_SECTIONS) names.add(section);
    } else if (name in SECTIONS) {
      names.add(name);
    }
  }
  const blocks: string[] = [];
  for (const section of ALL_SECTIONS) {
    if (!names.has(section)) continue;
    const lines = SECTIONS[section](server).map(([field, value]) => `${field}:${value}\r\n`);
    blocks.push(`# ${title(section)}\r\n${lines.join("")}`);
  }
  return blocks.join("\r\n");
}

function info(client: Client, argv: string[]): void {
  client.writer.verbatim(infoText(client.server, argv.slice(1)));
}

/** INFO persistence's progress of the load at start, as Redis 7.0 shows it while loading. */
function loadingFields(server: RedixServer): [string, string | number][] {
  const p = server.persistence;
  if (!p.loading) return [];
  const total = p.loadTotalBytes;
  const loaded = p.loadLoadedBytes;
  const perc = total === 0 ? 0 : (loaded / total) * 100;
  const remaining = total === 0 ? 1 : total - loaded;
  const elapsed = Math.floor(Date.now() / 1000) - p.loadStartTime;
  // Redis's fake 1 second before it has a figure.
  const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loaded + 1));
  return [
    ["loading_start_time", p.loadStartTime],
    ["loading_total_bytes", total],
    ["loading_rdb_used_mem", p.loadRdbUsedMem],
    ["loading_loaded_bytes", loaded],
    ["loading_loaded_perc", perc.toFixed(2)],
    ["loading_eta_seconds", eta],
  ];
}

export const infoCommands: CommandDefinition[] = [
  {
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    categories: ["dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Get information and statistics about the server",
    complexity: "O(1)",
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    handler: info,
  },
];
