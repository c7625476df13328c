/**
 * The protocol and command fuzzer behind tests/fuzz_test.ts (a fixed seed, 100,000
 * frames, in CI) and `deno task fuzz --minutes N [--seed S]` (a seed from the
 * clock, for as long as asked). Both run {@link runFuzz}: one in-process Redix,
 * rounds of `workers` concurrent connections that each send a batch of seeded
 * frames (random arguments to every command and subcommand of the table, and
 * hostile frames: corrupted lengths, truncations, huge counts, random bytes,
 * inline garbage), then half-close, so the server runs what it can, sees end of
 * stream and closes; between rounds a control client checks PING and a SET/GET
 * round trip, and the data is flushed and seeded afresh with keys of every type.
 * The frames depend only on the seed, never on replies or timing.
 *
 * Findings: an "internal error" (a command that threw, contained by the
 * executor's catch, logged as "Command <name> failed:"), a connection loop that
 * failed ("Client ... failed:"), a control reply that is wrong or late, a
 * connection that does not end after end of stream (a hang), and the process's
 * memory before and after.
 *
 * @module
 */
import { type RunningServer } from "../lib/mod.ts";
import type { Client } from "../lib/server/client.ts";
import type { Command } from "../lib/commands/table.ts";
import { binaryToBytes, encodeCommand, RawConnection, type Reply, startTestServer } from "./helpers.ts";
import { mulberry32 } from "./prng.ts";

/**
 * Left out of the random commands, and why:
 * - SHUTDOWN ends the server under test.
 * - CLIENT KILL can close the control client (TYPE normal, ADDR, ID ...).
 * DEBUG is sent but refused, as enable-debug-command is at its default (no):
 * DEBUG SLEEP would stall the control client and POPULATE with a random count
 * could fill the memory. MONITOR, blocking commands with timeout 0,
 * SUBSCRIBE and the like are kept: each worker half-closes after its batch, and
 * the server must then end the connection whatever state it is in.
 */
const SKIPPED = new Set(["shutdown", "client|kill"]);

/**
 * CONFIG SET parameters left alone: they would move the server (port, bind),
 * write outside its temporary directory (dir, dbfilename, logfile, save,
 * appendonly, appendfilename), lock out or drop the control client
 * (requirepass, maxclients, timeout, maxmemory, client-output-buffer-limit),
 * lift the bounds that keep memory small (proto-max-bulk-len,
 * client-query-buffer-limit), or silence the log the findings come from
 * (loglevel).
 */
const CONFIG_DENIED = new Set([
  "port",
  "bind",
  "dir",
  "dbfilename",
  "logfile",
  "save",
  "appendonly",
  "appendfilename",
  "requirepass",
  "maxclients",
  "timeout",
  "maxmemory",
  "client-output-buffer-limit",
  "proto-max-bulk-len",
  "client-query-buffer-limit",
  "loglevel",
]);

const CONFIG_PARAMS = [
  "hz",
  "lfu-log-factor",
  "lfu-decay-time",
  "hash-max-listpack-entries",
  "hash-max-listpack-value",
  "set-max-intset-entries",
  "zset-max-listpack-entries",
  "zset-max-listpack-value",
  "notify-keyspace-events",
  "rdbcompression",
  "stop-writes-on-bgsave-error",
  "maxmemory-policy",
  "databases",
  "daemonize",
  "nosuchparam",
];

/**
 * Commands whose count legitimately sizes the reply: a negative count repeats
 * members, so SRANDMEMBER k -2147483647 is a 2^31-element reply in Redis too.
 * Their numbers are kept within ±1000.
 */
const COUNT_SIZES_REPLY = new Set(["srandmember", "hrandfield", "zrandmember"]);

/**
 * Commands that end the connection or change what it may run (QUIT; MULTI,
 * which holds the rest back; subscribed and MONITOR modes): picked a tenth as
 * often, so that most of each batch runs.
 */
const MODAL = new Set(["quit", "multi", "subscribe", "psubscribe", "ssubscribe", "monitor"]);

/** Where the timeout of each blocking command is among its arguments (negative: from the end). */
const BLOCKING_TIMEOUT_AT: Record<string, number> = {
  blpop: -1,
  brpop: -1,
  brpoplpush: -1,
  blmove: -1,
  bzpopmin: -1,
  bzpopmax: -1,
  blmpop: 0,
  bzmpop: 0,
};

/** Keys the seed creates, of every type and encoding, plus some that never exist. */
const TYPED_KEYS = [
  "str",
  "int",
  "float",
  "bits",
  "list",
  "biglist",
  "hash",
  "bighash",
  "set",
  "intset",
  "bigset",
  "zset",
  "bigzset",
  "volatile",
];
const KEYS = [...TYPED_KEYS, "missing", "dst", "{t}a", "{t}b", "", "k\x00\xff", "*"];

const LONG = "x".repeat(70_000); // past the inline limit and the big-bulk threshold
const MEDIUM = "ab".repeat(3_000);
const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");

const VALUES = [
  "",
  "0",
  "1",
  "-1",
  "2",
  "3",
  "7",
  "10",
  "100",
  "-100",
  "1000",
  "0.5",
  "-0",
  "+1",
  "01",
  " 1",
  "1 ",
  "1.5",
  "-1.5",
  "1e3",
  "1e308",
  "1e309",
  "-1e309",
  "1e-320",
  "3.0e",
  "0x10",
  "inf",
  "-inf",
  "+inf",
  "Infinity",
  "nan",
  "NaN",
  "-nan",
  "2147483647",
  "2147483648",
  "-2147483648",
  "4294967295",
  "4294967296",
  "9007199254740993",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999",
  "(1",
  "(-inf",
  "(+inf",
  "[a",
  "(a",
  "[",
  "(",
  "-",
  "+",
  "*",
  "?",
  "[a-z]*",
  "[^a]",
  "\\",
  "*a*a*a*a*a*a*a*a*b",
  "#0",
  "#-1",
  "#99999999999",
  "*->f",
  "h*->f",
  "\x00",
  "\r\n",
  "\xff\xfe\xfd",
  "é",
  ALL_BYTES,
  MEDIUM,
];

const KEYWORDS = [
  "NX",
  "XX",
  "GT",
  "LT",
  "CH",
  "INCR",
  "EX",
  "PX",
  "EXAT",
  "PXAT",
  "KEEPTTL",
  "GET",
  "SET",
  "PERSIST",
  "WITHSCORES",
  "WITHSCORE",
  "LIMIT",
  "BYSCORE",
  "BYLEX",
  "REV",
  "MATCH",
  "COUNT",
  "TYPE",
  "LEFT",
  "RIGHT",
  "BEFORE",
  "AFTER",
  "RANK",
  "MAXLEN",
  "LEN",
  "IDX",
  "MINMATCHLEN",
  "WITHMATCHLEN",
  "AGGREGATE",
  "SUM",
  "MIN",
  "MAX",
  "WEIGHTS",
  "STORE",
  "BY",
  "ASC",
  "DESC",
  "ALPHA",
  "REPLACE",
  "ABSTTL",
  "IDLETIME",
  "FREQ",
  "DB",
  "ON",
  "OFF",
  "SKIP",
  "YES",
  "NO",
  "ID",
  "ADDR",
  "LADDR",
  "USER",
  "SKIPME",
  "MAXAGE",
  "TIMEOUT",
  "ERROR",
  "BCAST",
  "PREFIX",
  "OPTIN",
  "OPTOUT",
  "NOLOOP",
  "REDIRECT",
  "WRITE",
  "ALL",
  "ASYNC",
  "SYNC",
  "NOSAVE",
  "NOW",
  "FORCE",
  "ABORT",
  "SCHEDULE",
  "AND",
  "OR",
  "XOR",
  "NOT",
  "BIT",
  "BYTE",
  "INCRBY",
  "OVERFLOW",
  "WRAP",
  "SAT",
  "FAIL",
  "u1",
  "i8",
  "u8",
  "i16",
  "u63",
  "i64",
  "u64",
  "i65",
  "AUTH",
  "SETNAME",
  "default",
  "lib-name",
  "lib-ver",
  "NOVALUES",
  "FILTERBY",
  "MODULE",
  "ACLCAT",
  "PATTERN",
];

export interface FuzzOptions {
  seed: number;
  /** Stop after this many frames (the test) ... */
  frames?: number;
  /** ... or after this long (the long run). */
  durationMs?: number;
  /** Concurrent connections per round. */
  workers?: number;
  /** Frames each connection sends per round. */
  batch?: number;
  /** A connection must be closed by the server this long after it half-closed (a safety net). */
  hangTimeoutMs?: number;
  /** Called after each round. */
  onRound?: (report: FuzzReport) => void;
}

export interface Finding {
  kind: "internal error" | "client loop failure" | "control" | "hang";
  message: string;
  /** The command that was running, as sent (arguments cut to 60 bytes). */
  argv?: string[];
  round: number;
}

export interface FuzzReport {
  seed: number;
  rounds: number;
  frames: number;
  /** Commands the server ran (EXEC's included), in all and by name. */
  commands: number;
  byCommand: Record<string, number>;
  connections: number;
  findings: Finding[];
  /** Deno.memoryUsage() before the first round, at its highest after a round, and at the end. */
  rssBefore: number;
  rssMax: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
}

type Rng = () => number;

function int(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[int(rng, items.length)];
}

function randomBytes(rng: Rng, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String.fromCharCode(int(rng, 256));
  return out;
}

function randomCase(rng: Rng, text: string): string {
  const r = rng();
  if (r < 0.45) return text.toUpperCase();
  if (r < 0.9) return text.toLowerCase();
  return [...text].map((c) => rng() < 0.5 ? c.toUpperCase() : c.toLowerCase()).join("");
}

/** Mutates a DUMP payload: flips, truncates, or extends it, to fuzz the RDB reader behind RESTORE. */
function mutatePayload(rng: Rng, payload: string): string {
  const r = rng();
  if (r < 0.2 || payload.length === 0) return payload;
  if (r < 0.4) return payload.slice(0, int(rng, payload.length));
  if (r < 0.5) return payload + randomBytes(rng, 1 + int(rng, 8));
  const chars = [...payload];
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const i = int(rng, chars.length);
    chars[i] = rng() < 0.5 ? String.fromCharCode(int(rng, 256)) : String.fromCharCode(0xff);
  }
  return chars.join("");
}

/** The generator: seeded, it only reads the command table and the DUMP payloads taken at setup. */
export class FrameGenerator {
  private readonly commands: Command[];

  constructor(commands: Iterable<Command>, private readonly payloads: readonly string[]) {
    this.commands = [...commands].filter((c) => c.handler !== undefined && !SKIPPED.has(c.name));
  }

  private value(rng: Rng): string {
    const r = rng();
    if (r < 0.45) return pick(rng, VALUES);
    if (r < 0.6) return String(int(rng, 21) - 10);
    if (r < 0.7) return String((rng() - 0.5) * 10 ** int(rng, 20));
    if (r < 0.8) return randomBytes(rng, int(rng, 12));
    if (r < 0.9 && this.payloads.length > 0) return mutatePayload(rng, pick(rng, this.payloads));
    if (r < 0.902) return LONG;
    return pick(rng, KEYS);
  }

  private arg(rng: Rng): string {
    const r = rng();
    if (r < 0.35) return pick(rng, KEYS);
    if (r < 0.75) return this.value(rng);
    return randomCase(rng, pick(rng, KEYWORDS));
  }

  /** A random call of a random command of the table: its name(s) and 0..|arity|+3 arguments. */
  command(rng: Rng): string[] {
    let command = pick(rng, this.commands);
    if (MODAL.has(command.name) && rng() < 0.9) command = pick(rng, this.commands);
    const names = command.name.split("|").map((name) => randomCase(rng, name));
    const minimum = Math.abs(command.arity) - names.length;
    // Mostly a valid arity, so that calls get past the arity check into the command.
    let count = command.arity > 0 ? minimum : minimum + int(rng, 6);
    if (rng() < 0.08) count = rng() < 0.5 ? Math.max(0, minimum - 1) : int(rng, 12);
    const args: string[] = [];
    for (let i = 0; i < count; i++) args.push(i === 0 && rng() < 0.6 ? pick(rng, KEYS) : this.arg(rng));
    this.tame(rng, command.name, args);
    return [...names, ...args];
  }

  /** Keeps the few arguments that would pause, lock out or legitimately exhaust the server in bounds. */
  private tame(rng: Rng, name: string, args: string[]): void {
    if (name === "client|pause" && args.length > 0) args[0] = String(int(rng, 20)); // pauses the control client too
    if (name === "config|set") {
      for (let i = 0; i < args.length; i += 2) {
        if (CONFIG_DENIED.has(args[i].toLowerCase()) || rng() < 0.7) args[i] = pick(rng, CONFIG_PARAMS);
      }
    }
    // Mostly a tiny timeout, so the rest of the batch runs; a blocked command
    // that never times out still ends with its connection (end of stream).
    const timeoutAt = BLOCKING_TIMEOUT_AT[name];
    if (timeoutAt !== undefined && rng() < 0.9) {
      const i = timeoutAt < 0 ? args.length + timeoutAt : timeoutAt;
      if (i >= 0 && i < args.length) args[i] = pick(rng, ["0.001", "0.005", "0.01"]);
    }
    if (COUNT_SIZES_REPLY.has(name)) {
      for (let i = 0; i < args.length; i++) {
        const n = Number(args[i]);
        if (Number.isFinite(n) && Math.abs(n) > 1000) args[i] = String(int(rng, 2001) - 1000);
      }
    }
  }

  /** A frame that breaks the protocol; it may swallow what follows it on the connection. */
  hostile(rng: Rng): string {
    const valid = encodeCommand(this.command(rng));
    switch (int(rng, 10)) {
      case 0: { // a corrupted length
        const lengths = [...valid.matchAll(/[*$](\d+)\r\n/g)];
        const m = pick(rng, lengths);
        const replacement = pick(rng, [
          String(Number(m[1]) + 1),
          String(Math.max(0, Number(m[1]) - 1)),
          "-" + m[1],
          "-2",
          m[1] + "x",
          "",
          " " + m[1],
          "0" + m[1],
          String(int(rng, 100_000)),
        ]);
        return valid.slice(0, m.index! + 1) + replacement + valid.slice(m.index! + 1 + m[1].length);
      }
      case 1: // truncated
        return valid.slice(0, int(rng, valid.length));
      case 2: // huge counts and lengths
        return pick(rng, [
          "*2147483647\r\n",
          "*2147483648\r\n",
          "*9223372036854775807\r\n",
          "*99999999999999999999\r\n",
          "*1\r\n$999999999999\r\n",
          "*1\r\n$2147483647\r\n",
          "*2\r\n$3\r\nGET\r\n$1048576\r\n",
          "*1\r\n$1048577\r\n",
          "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + "v".repeat(1000),
          "*-1\r\n",
          "*-2147483648\r\n",
          "*0\r\n",
          "*1\r\n$-1\r\n",
          "*1\r\n$0\r\n\r\n",
          "*1\r\n*1\r\n",
          "*1\r\n:1\r\n",
        ]);
      case 3: // random bytes
        return randomBytes(rng, 1 + int(rng, 200));
      case 4: { // inline garbage
        const words: string[] = [];
        for (let n = int(rng, 6); n >= 0; n--) {
          words.push(pick(rng, ['"', "'", '"a\\x4', "'a'b", "\\x00", "a b", '"\\xzz"', "", "SET", "PING"]));
          if (rng() < 0.5) words.push(this.arg(rng).slice(0, 30).replace(/[\r\n]/g, ""));
        }
        return words.join(pick(rng, [" ", "  ", "\t"])) + pick(rng, ["\r\n", "\n", "\r", ""]);
      }
      case 5: // an inline request past the 64 KiB limit
        return "PING " + "y".repeat(70_000);
      case 6: { // flipped bytes in a valid frame
        const chars = [...valid];
        for (let n = 1 + int(rng, 3); n > 0; n--) {
          chars[int(rng, chars.length)] = String.fromCharCode(int(rng, 256));
        }
        return chars.join("");
      }
      case 7: // a valid inline command
        return this.command(rng).map((a) => a.replace(/[\s"'\\]/g, "") || "x").join(" ") + "\r\n";
      case 8: // a bulk whose CRLF is something else
        return valid.replace(/\r\n$/, "XY");
      default: // '$' where '*' belongs, '*' inside a multibulk
        return pick(rng, ["$3\r\nGET\r\n", "*2\r\n*1\r\n$4\r\nPING\r\n", "*2\r\n$4\r\nPING\r\n+OK\r\n"]);
    }
  }

  /**
   * One connection's batch for a round: mostly commands, with hostile frames
   * mostly at the end (what follows a protocol error is never run).
   */
  batch(rng: Rng, size: number): string[] {
    const frames: string[] = [];
    for (let i = 0; i < size; i++) {
      const last = i === size - 1;
      const hostile = last ? rng() < 0.5 : rng() < 0.005;
      frames.push(hostile ? this.hostile(rng) : encodeCommand(this.command(rng)));
    }
    return frames;
  }
}

/** A per-(seed, round, worker) seed, so each connection's frames are reproducible on their own. */
function streamSeed(seed: number, round: number, worker: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(round, 0xc2b2ae35) +
    Math.imul(worker, 0x27d4eb2f)) >>> 0;
}

/** Commands that give the seeded keys every type and encoding (as of Redis's default thresholds). */
function seedCommands(): string[][] {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  return [
    ["FLUSHALL"],
    ["SET", "str", "hello world"],
    ["SET", "int", "42"],
    ["SET", "float", "3.25"],
    ["SETBIT", "bits", "100", "1"],
    ["RPUSH", "list", "a", "b", "c", "1", "2"],
    ["RPUSH", "biglist", ...many("element-", 200), MEDIUM],
    ["HSET", "hash", "f", "v", "n", "1", "x", "1.5"],
    ["HSET", "bighash", ...many("field-", 300)],
    ["SADD", "set", "a", "b", "c"],
    ["SADD", "intset", "1", "2", "3", "-5"],
    ["SADD", "bigset", ...many("member-", 200)],
    ["ZADD", "zset", "1", "a", "2", "b", "3", "c", "inf", "d"],
    ["ZADD", "bigzset", ...many("", 300).flatMap((m) => [m, `member-${m}`])],
    ["SET", "volatile", "v", "PX", "100000"],
    ["SET", "{t}a", "x"],
    ["SADD", "{t}b", "y"],
  ];
}

async function pipeline(conn: RawConnection, commands: string[][]): Promise<Reply[]> {
  await conn.send(commands.map(encodeCommand).join(""));
  const replies: Reply[] = [];
  for (let i = 0; i < commands.length; i++) replies.push(await conn.reply());
  return replies;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends one batch on a fresh connection and half-closes it; resolves once the
 * server has closed the connection (after running what it could), draining
 * replies meanwhile. False when the server did not close it in time: a hang.
 */
async function runWorker(port: number, data: Uint8Array, hangTimeoutMs: number): Promise<boolean> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const drained = (async () => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (await conn.read(buffer) !== null) {
        // replies are not checked: the control client checks the server
      }
    } catch {
      // reset by the server after a protocol error
    }
  })();
  try {
    let sent = 0;
    while (sent < data.length) sent += await conn.write(data.subarray(sent));
    await conn.closeWrite();
  } catch {
    // the server closed first (a protocol error): what was sent is the test
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    drained.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), hangTimeoutMs)),
  ]);
  clearTimeout(timer);
  try {
    conn.close();
  } catch {
    // already closed
  }
  return ended;
}

const cut = (argv: readonly string[]) =>
  argv.map((a) => a.length > 60 ? `${a.slice(0, 60)}...(${a.length} bytes)` : a);

/**
 * Runs the fuzzer against a fresh in-process Redix and reports what it found.
 * The server is closed before this returns.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { seed, workers = 20, batch = 50, hangTimeoutMs = 15_000 } = options;
  const dir = await Deno.makeTempDir({ prefix: "redix-fuzz-" });
  // proto-max-bulk-len bounds every string a command may grow (SETRANGE, SETBIT,
  // APPEND, BITFIELD) and LCS's table, so that memory stays small; the data
  // directory takes what SAVE and BGSAVE write.
  const redix: RunningServer = await startTestServer({
    config: { dir, "proto-max-bulk-len": "1mb" },
    load: false,
  });
  const server = redix.server;
  const report: FuzzReport = {
    seed,
    rounds: 0,
    frames: 0,
    commands: 0,
    byCommand: {},
    connections: 0,
    findings: [],
    rssBefore: 0,
    rssMax: 0,
    rssAfter: 0,
    heapBefore: 0,
    heapAfter: 0,
  };
  // Which command is running, so that a finding names it with its arguments.
  let running: readonly string[] | undefined;
  const call = server.call.bind(server);
  server.call = (client: Client, command: Command, argv: string[]) => {
    const outer = running;
    running = argv;
    report.commands++;
    report.byCommand[command.name] = (report.byCommand[command.name] ?? 0) + 1;
    try {
      call(client, command, argv);
    } finally {
      running = outer;
    }
  };
  const warning = server.log.warning.bind(server.log);
  server.log.warning = (message: string) => {
    if (message.includes("failed:")) {
      report.findings.push({
        kind: message.startsWith("Command ") ? "internal error" : "client loop failure",
        message: message.split("\n").slice(0, 4).join("\n"),
        argv: running === undefined ? undefined : cut(running),
        round: report.rounds,
      });
    }
    warning(message);
  };
  const control = await RawConnection.open(redix.port);
  try {
    const setup = await pipeline(control, seedCommands());
    const payloads: string[] = [];
    for (const key of TYPED_KEYS) {
      const dump = await control.command("DUMP", key);
      if (typeof dump === "string") payloads.push(dump);
    }
    if (setup.some((reply) => typeof reply === "object" && reply !== null && "error" in reply)) {
      throw new Error(`seeding failed: ${JSON.stringify(setup)}`);
    }
    const generator = new FrameGenerator(server.table.all(), payloads);
    const started = Date.now();
    const memory = Deno.memoryUsage();
    report.rssBefore = report.rssMax = memory.rss;
    report.heapBefore = memory.heapUsed;
    const done = () =>
      (options.frames !== undefined && report.frames >= options.frames) ||
      (options.durationMs !== undefined && Date.now() - started >= options.durationMs);
    while (!done()) {
      const round = report.rounds;
      const batches: Uint8Array[] = [];
      for (let w = 0; w < workers; w++) {
        const left = options.frames === undefined ? batch : options.frames - report.frames;
        if (left <= 0) break;
        const frames = generator.batch(mulberry32(streamSeed(seed, round, w)), Math.min(batch, left));
        report.frames += frames.length;
        batches.push(binaryToBytes(frames.join("")));
      }
      const ended = await Promise.all(batches.map((data) => runWorker(redix.port, data, hangTimeoutMs)));
      report.connections += batches.length;
      ended.forEach((ok, w) => {
        if (!ok) {
          report.findings.push({
            kind: "hang",
            message:
              `round ${round} worker ${w}: the connection was still open ${hangTimeoutMs} ms after end of stream`,
            round,
          });
        }
      });
      // The control client: right answers, within a generous deadline. MULTI
      // makes the SET/GET pair atomic, so a worker's FLUSHALL cannot come between.
      const value = `control-${seed}-${round}`;
      try {
        const replies = await withTimeout(
          pipeline(control, [["PING"], ["MULTI"], ["SET", "control", value], ["GET", "control"], ["EXEC"]]),
          hangTimeoutMs,
          "the control client's PING / SET / GET",
        );
        const expected = JSON.stringify(["PONG", "OK", "QUEUED", "QUEUED", ["OK", value]]);
        if (JSON.stringify(replies) !== expected) {
          report.findings.push({ kind: "control", message: `got ${JSON.stringify(replies)}`, round });
        }
        // Back to keys of every type, and memory back to what they take.
        await withTimeout(pipeline(control, seedCommands()), hangTimeoutMs, "reseeding");
      } catch (error) {
        report.findings.push({ kind: "control", message: String(error), round });
        break;
      }
      report.rounds++;
      report.rssMax = Math.max(report.rssMax, Deno.memoryUsage().rss);
      options.onRound?.(report);
    }
    await pipeline(control, [["FLUSHALL"]]);
  } finally {
    control.close();
    await redix.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const memory = Deno.memoryUsage();
  report.rssAfter = memory.rss;
  report.heapAfter = memory.heapUsed;
  return report;
}

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** A human summary of a report. */
export function describeReport(report: FuzzReport, elapsedMs: number): string {
  const lines = [
    `seed ${report.seed}: ${report.frames} frames over ${report.connections} connections in ${report.rounds} rounds, ` +
    `${report.commands} commands run, ${(elapsedMs / 1000).toFixed(1)} s`,
    `memory: rss ${MB(report.rssBefore)} before, ${MB(report.rssMax)} at most, ${
      MB(report.rssAfter)
    } after; ` +
    `heap ${MB(report.heapBefore)} before, ${MB(report.heapAfter)} after`,
    `findings: ${report.findings.length}`,
  ];
  for (const finding of report.findings) {
    lines.push(`- [${finding.kind}] round ${finding.round}: ${finding.message}`);
    if (finding.argv) lines.push(`  argv: ${JSON.stringify(finding.argv)}`);
  }
  return lines.join("\n");
}

/** `deno task fuzz --minutes N [--seed S] [--workers W] [--batch B]` */
async function main(args: string[]): Promise<void> {
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i === -1 ? undefined : args[i + 1];
  };
  const minutes = Number(option("minutes") ?? 1);
  const seed = option("seed") !== undefined ? Number(option("seed")) >>> 0 : Date.now() >>> 0;
  console.log(`fuzzing for ${minutes} minute(s), seed ${seed} (reproduce with --seed ${seed})`);
  const started = Date.now();
  let lastPrint = started;
  let seen = 0;
  const report = await runFuzz({
    seed,
    durationMs: minutes * 60_000,
    workers: Number(option("workers") ?? 20),
    batch: Number(option("batch") ?? 50),
    onRound: (report) => {
      for (const finding of report.findings.slice(seen)) {
        console.log(`[${finding.kind}] round ${finding.round}: ${finding.message.split("\n")[0]}`);
        if (finding.argv) console.log(`  argv: ${JSON.stringify(finding.argv)}`);
      }
      seen = report.findings.length;
      if (Date.now() - lastPrint >= 30_000) {
        lastPrint = Date.now();
        console.log(
          `${((lastPrint - started) / 60_000).toFixed(1)} min: ${report.frames} frames, ` +
            `${report.findings.length} findings, rss ${MB(Deno.memoryUsage().rss)}`,
        );
      }
    },
  });
  console.log(describeReport(report, Date.now() - started));
  if (report.findings.length > 0) Deno.exit(1);
}

if (import.meta.main) await main(Deno.args);
