/**
 * The generic key commands: KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE,
 * SWAPDB, TOUCH and OBJECT. Replies that Redis makes deterministic are compared
 * with a real redis-server (KEYS and SCAN as sorted sets, since each server
 * orders keys by its own hash table); the rest is checked here: SCAN's guarantee
 * under concurrent writes, its O(n) cost over 1M keys, idle times, what is
 * propagated, and real clients iterating with SCAN.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { withIoredis, writeManyKeys } from "./clients.ts";
import { commandDefinitions } from "../lib/commands/mod.ts";
import { CommandTable } from "../lib/commands/table.ts";
import type { RedixServer } from "../lib/server/server.ts";
import { RawString } from "../lib/store/raw_string.ts";
import {
  ALL_BYTES,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  runScript,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
  waitFor,
  withServer,
} from "./helpers.ts";
import { mulberry32 } from "./prng.ts";

/** Keys that exercise globs: the empty key, bytes above 0x7f, and the glob characters themselves. */
const GLOB_KEYS = [
  "",
  "a",
  "ab",
  "abc",
  "aXc",
  "a*c",
  "a?c",
  "a[c",
  "a\\c",
  "a]c",
  "hello",
  "hallo",
  "hxllo",
  "\x00",
  "\x00\x01",
  "\xff",
  "\x80key",
  "k\xe9y",
  "-",
  "^",
  ALL_BYTES,
];

const GLOB_PATTERNS = [
  "*",
  "**",
  "",
  "?",
  "??",
  "a*",
  "*c",
  "a?c",
  "a\\*c",
  "a\\?c",
  "a\\[c",
  "a\\\\c",
  "a[bX]c",
  "a[^b]c",
  "a[^X*?]c",
  "[a-c]*",
  "[c-a]*",
  "h[ae]llo",
  "h[^e]llo",
  "h[a-b]llo",
  "a[\\]]c",
  "a[",
  "a[c",
  "[]]",
  "[^]",
  "*\xff",
  "[\x80-\xff]*",
  "[\x00-\x7f]",
  "\x00*",
  "k?y",
  "a\\",
  "*\\",
  "[-]",
  "[a-]*",
  "*[^a-z]*",
  "\x00\x01",
];

/** Commands that change strings in place make them "raw"; checked for those that have landed. */
const table = new CommandTable(commandDefinitions);
const inPlaceEncodings: string[][] = [
  ...(table.lookup("setbit")
    ? [
      ["SETBIT", "b", "1", "1"],
      ["OBJECT", "ENCODING", "b"],
      ["SET", "b2", "1"],
      ["SETBIT", "b2", "0", "0"],
      ["OBJECT", "ENCODING", "b2"],
      ["OBJECT", "REFCOUNT", "b2"],
    ]
    : []),
  ...(table.lookup("append")
    ? [
      ["APPEND", "new", "5"],
      ["OBJECT", "ENCODING", "new"],
      ["SET", "e", "hello"],
      ["APPEND", "e", "x"],
      ["OBJECT", "ENCODING", "e"],
      ["SET", "i", "12"],
      ["APPEND", "i", ""],
      ["OBJECT", "ENCODING", "i"],
      ["OBJECT", "REFCOUNT", "i"],
      ["COPY", "i", "i2"],
      ["OBJECT", "ENCODING", "i2"],
    ]
    : []),
  // INCRBYFLOAT's result is a string object even when it reads as an integer: embstr, copied as such.
  ["INCRBYFLOAT", "f", "3"],
  ["OBJECT", "ENCODING", "f"],
  ["OBJECT", "REFCOUNT", "f"],
  ["COPY", "f", "f2"],
  ["OBJECT", "ENCODING", "f2"],
  ["DUMP", "f2"],
  ["APPEND", "f", "5"],
  ["OBJECT", "ENCODING", "f"],
  ["INCRBYFLOAT", "g", "1.5"],
  ["OBJECT", "ENCODING", "g"],
  ["INCRBYFLOAT", "h", "1e50"],
  ["OBJECT", "ENCODING", "h"],
  ["INCRBYFLOAT", "j", "2"],
  ["INCR", "j"],
  ["OBJECT", "ENCODING", "j"],
  ["INCRBYFLOAT", "k2", "7"],
  ["SETRANGE", "k2", "0", "8"],
  ["OBJECT", "ENCODING", "k2"],
  ["GET", "k2"],
  ["INCRBYFLOAT", "m", "4"],
  ["SETBIT", "m", "0", "1"],
  ["OBJECT", "ENCODING", "m"],
  ...(table.lookup("setrange")
    ? [
      ["SETRANGE", "r", "0", "5"],
      ["OBJECT", "ENCODING", "r"],
      ["SET", "r2", "abc"],
      ["SETRANGE", "r2", "1", "x"],
      ["OBJECT", "ENCODING", "r2"],
    ]
    : []),
];

const SCRIPTS: Record<string, string[][]> = {
  "KEYS with Redis's globs on binary keys": [
    ["KEYS", "*"],
    ["KEYS"],
    ["KEYS", "a", "b"],
    ...GLOB_KEYS.map((key) => ["SET", key, "v"]),
    ...GLOB_PATTERNS.map((pattern) => ["KEYS", pattern]),
    ["SELECT", "1"],
    ["KEYS", "*"],
  ],
  "SCAN cursors, as strtoul reads them (on an empty database)": [
    ...[
      "0",
      "",
      "-0",
      "+0",
      "+5",
      "000",
      "18446744073709551615",
      "-18446744073709551615",
      "4294967296",
      "9223372036854775808",
      "1\x00junk",
      "\x001",
    ].map((cursor) => ["SCAN", cursor]),
    ...[
      "18446744073709551616",
      "-18446744073709551616",
      "99999999999999999999999",
      " 1",
      "1 ",
      "\t1",
      "0x1",
      "1.5",
      "-",
      "+",
      "--1",
      "abc",
      "1e3",
    ].map((cursor) => ["SCAN", cursor]),
    ["SCAN", "abc", "COUNT", "0"],
    ["SCAN"],
  ],
  "SCAN options and errors": [
    ["SCAN", "0", "COUNT", "0"],
    ["SCAN", "0", "COUNT", "-1"],
    ["SCAN", "0", "COUNT", "abc"],
    ["SCAN", "0", "COUNT", "9223372036854775808"],
    ["SCAN", "0", "COUNT"],
    ["SCAN", "0", "MATCH"],
    ["SCAN", "0", "TYPE"],
    ["SCAN", "0", "FOO", "bar"],
    ["SCAN", "0", "MATCH", "*", "COUNT", "0"],
    ...GLOB_KEYS.slice(0, 8).map((key) => ["SET", key, "v"]),
    ["SCAN", "0"],
    ["SCAN", "0", "COUNT", "100"],
    ["SCAN", "0", "count", "9223372036854775807"],
    ["SCAN", "0", "COUNT", "1", "COUNT", "1000"],
    ["SCAN", "0", "MATCH", "a*"],
    ["SCAN", "0", "MATCH", "*"],
    ["SCAN", "0", "MATCH", "**"],
    ["SCAN", "0", "MATCH", ""],
    ["SCAN", "0", "MATCH", "a*", "MATCH", "*"],
    ["SCAN", "0", "MATCH", "*", "MATCH", "?"],
    ["SCAN", "0", "TYPE", "string"],
    ["SCAN", "0", "TYPE", "STRING"],
    ["SCAN", "0", "TYPE", "list"],
    ["SCAN", "0", "TYPE", "none"],
    ["SCAN", "0", "TYPE", "nosuchtype"],
    ["SCAN", "0", "type", "String", "match", "a?c", "count", "50"],
  ],
  "RANDOMKEY": [
    ["RANDOMKEY"],
    ["RANDOMKEY", "x"],
    ["SET", ALL_BYTES, "v"],
    ["RANDOMKEY"],
    ["DEL", ALL_BYTES],
    ["SET", "k", "v"],
    ["PEXPIREAT", "k", "1"],
    ["RANDOMKEY"],
  ],
  "RENAME and RENAMENX": [
    ["RENAME", "nope", "b"],
    ["RENAME", "nope", "nope"],
    ["RENAMENX", "nope", "b"],
    ["SET", "a", "1"],
    ["RENAME", "a", "a"],
    ["RENAMENX", "a", "a"],
    ["GET", "a"],
    ["EXPIRE", "a", "100"],
    ["RENAME", "a", "b"],
    ["EXISTS", "a"],
    ["GET", "b"],
    ["TTL", "b"],
    ["SET", "c", "3", "EX", "500"],
    ["RENAME", "c", "b"],
    ["TTL", "b"],
    ["GET", "b"],
    ["SET", "d", "4"],
    ["RENAME", "d", "b"],
    ["TTL", "b"],
    ["SET", "e", "5"],
    ["RENAMENX", "e", "b"],
    ["RENAMENX", "e", "f"],
    ["GET", "f"],
    ["EXISTS", "e"],
    ["SET", ALL_BYTES, ALL_BYTES],
    ["RENAME", ALL_BYTES, ""],
    ["GET", ""],
    ["RENAME", "", ALL_BYTES.slice(128)],
    ["GET", ALL_BYTES.slice(128)],
    ["RENAME", "a"],
    ["RENAMENX", "a", "b", "c"],
  ],
  "COPY within and across databases": [
    ["COPY", "a"],
    ["COPY", "nope", "x"],
    ["SET", "a", "1"],
    ["COPY", "a", "a"],
    ["COPY", "a", "a", "DB", "0"],
    ["COPY", "a", "a", "DB", "1"],
    ["COPY", "a", "x", "DB", "16"],
    ["COPY", "a", "x", "DB", "-1"],
    ["COPY", "a", "x", "DB", "abc"],
    ["COPY", "a", "x", "DB", "9999999999"],
    ["COPY", "a", "x", "DB"],
    ["COPY", "a", "x", "FOO"],
    ["COPY", "a", "x", "REPLACE", "REPLACE"],
    ["COPY", "a", "x"],
    ["COPY", "nope", "x", "REPLACE"],
    ["SET", "a", "2", "EX", "100"],
    ["COPY", "a", "x"],
    ["GET", "x"],
    ["COPY", "a", "x", "replace"],
    ["GET", "x"],
    ["TTL", "x"],
    ["COPY", "a", "y", "DB", "0", "DB", "2"],
    ["EXISTS", "y"],
    ["SET", "a", "3"],
    ["COPY", "a", "y", "DB", "2"],
    ["COPY", "a", "y", "DB", "2", "REPLACE"],
    ["SELECT", "2"],
    ["GET", "y"],
    ["TTL", "y"],
    ["GET", "a"],
    ["SELECT", "1"],
    ["GET", "a"],
  ],
  "MOVE": [
    ["SET", "k", "v", "EX", "100"],
    ["MOVE", "k", "0"],
    ["MOVE", "k", "16"],
    ["MOVE", "k", "-1"],
    ["MOVE", "k", "abc"],
    ["MOVE", "k", "1.0"],
    ["MOVE", "k", "9999999999"],
    ["MOVE", "nope", "1"],
    ["MOVE", "nope", "0"],
    ["MOVE", "k", "1"],
    ["EXISTS", "k"],
    ["SELECT", "1"],
    ["GET", "k"],
    ["TTL", "k"],
    ["SET", "other", "in 1"],
    ["SELECT", "0"],
    ["SET", "other", "in 0"],
    ["MOVE", "other", "1"],
    ["GET", "other"],
    ["MOVE"],
  ],
  "SWAPDB": [
    ["SWAPDB", "0"],
    ["SWAPDB", "0", "16"],
    ["SWAPDB", "16", "0"],
    ["SWAPDB", "-1", "0"],
    ["SWAPDB", "abc", "0"],
    ["SWAPDB", "0", "abc"],
    ["SWAPDB", "abc", "def"],
    ["SWAPDB", "9999999999", "0"],
    ["SWAPDB", "0", "9999999999"],
    ["SWAPDB", "1.5", "0"],
    ["SET", "k", "in 0", "EX", "100"],
    ["SWAPDB", "0", "0"],
    ["GET", "k"],
    ["SWAPDB", "0", "1"],
    ["GET", "k"],
    ["DBSIZE"],
    ["SELECT", "1"],
    ["GET", "k"],
    ["TTL", "k"],
    ["SWAPDB", "1", "0"],
    ["GET", "k"],
    ["SELECT", "0"],
    ["GET", "k"],
  ],
  "TOUCH": [
    ["TOUCH"],
    ["TOUCH", "nope"],
    ["SET", "a", "1"],
    ["SET", "b", "2"],
    ["TOUCH", "a", "b", "a", "nope"],
  ],
  "OBJECT ENCODING and REFCOUNT of strings": [
    ...[
      "0",
      "5",
      "9999",
      "10000",
      "-1",
      "-0",
      "01",
      "+1",
      " 1",
      "1 ",
      "1.5",
      "1e5",
      "0x10",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "12345678901234567890",
      "",
      "abc",
      "x".repeat(44),
      "x".repeat(45),
      "1".repeat(44),
      ALL_BYTES,
    ].flatMap((value) => [
      ["SET", "k", value],
      ["OBJECT", "ENCODING", "k"],
      ["OBJECT", "REFCOUNT", "k"],
    ]),
    ["MSET", "m1", "7", "m2", "seven"],
    ["OBJECT", "ENCODING", "m1"],
    ["OBJECT", "ENCODING", "m2"],
    ["SET", "t", "12345", "EX", "100"],
    ["OBJECT", "ENCODING", "t"],
    ["RENAME", "t", "t2"],
    ["OBJECT", "ENCODING", "t2"],
    ["COPY", "t2", "t3"],
    ["OBJECT", "ENCODING", "t3"],
    ["OBJECT", "REFCOUNT", "t3"],
    ...inPlaceEncodings,
  ],
  "OBJECT subcommands, errors and help": [
    ["OBJECT"],
    ["OBJECT", "ENCODING"],
    ["OBJECT", "ENCODING", "a", "b"],
    ["OBJECT", "HELP", "x"],
    ["OBJECT", "FOO", "k"],
    ["OBJECT", "HELP"],
    ["object", "help"],
    ["OBJECT", "ENCODING", "nope"],
    ["OBJECT", "REFCOUNT", "nope"],
    ["OBJECT", "IDLETIME", "nope"],
    ["OBJECT", "FREQ", "nope"],
    ["SET", "k", "v"],
    ["OBJECT", "FREQ", "k"],
  ],
  "OBJECT FREQ and IDLETIME under an LFU policy, REFCOUNT without shared integers": [
    ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
    ["SET", "k", "v"],
    ["OBJECT", "FREQ", "k"],
    ["OBJECT", "FREQ", "k"],
    ["EXISTS", "k"],
    ["TYPE", "k"],
    ["TTL", "k"],
    ["OBJECT", "FREQ", "k"],
    // The first access from the initial counter always counts.
    ["GET", "k"],
    ["OBJECT", "FREQ", "k"],
    ["OBJECT", "IDLETIME", "k"],
    ["OBJECT", "IDLETIME", "nope"],
    ["OBJECT", "FREQ", "nope"],
    ["SET", "n", "5"],
    ["OBJECT", "REFCOUNT", "n"],
    ["CONFIG", "SET", "maxmemory", "1gb"],
    ["SET", "n", "5"],
    ["OBJECT", "REFCOUNT", "n"],
    ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
    ["SET", "n", "6"],
    ["OBJECT", "REFCOUNT", "n"],
    ["OBJECT", "FREQ", "n"],
    ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
    ["CONFIG", "SET", "maxmemory", "0"],
  ],
  "TYPE": [
    ["TYPE", "nope"],
    ["SET", "k", "v"],
    ["TYPE", "k"],
    ["TYPE"],
  ],
};

Deno.test({
  name: "generic key commands reply as a real redis-server does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/** INFO's keyspace_hits and keyspace_misses on a connection. */
async function lookupStats(conn: RawConnection): Promise<[number, number]> {
  const info = await conn.command("INFO", "stats");
  const text = typeof info === "string" ? info : (info as { verbatim: string }).verbatim;
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(text)![1]);
  return [field("keyspace_hits"), field("keyspace_misses")];
}

Deno.test({
  name: "keyspace_hits and keyspace_misses count the lookups Redis counts",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const commands = [
      ["GET", "k"],
      ["GET", "nope"],
      ["MGET", "k", "nope", "k2"],
      ["EXISTS", "k", "nope"],
      ["TYPE", "k"],
      ["TYPE", "nope"],
      ["TTL", "k"],
      ["PTTL", "nope"],
      ["EXPIRETIME", "k"],
      ["PEXPIRETIME", "nope"],
      ["OBJECT", "ENCODING", "k"],
      ["OBJECT", "REFCOUNT", "nope"],
      ["OBJECT", "IDLETIME", "k"],
      ["OBJECT", "FREQ", "k"],
      ["TOUCH", "k", "nope", "k2"],
      ["COPY", "k", "k3"],
      ["COPY", "nope", "k3"],
      ["RENAME", "k3", "k4"],
      ["RENAME", "nope", "k4"],
      ["RENAMENX", "k4", "k"],
      ["MOVE", "k4", "1"],
      ["MOVE", "nope", "1"],
      ["SCAN", "0"],
      ["SCAN", "0", "MATCH", "k*"],
      ["SCAN", "0", "TYPE", "string"],
      ["SCAN", "0", "TYPE", "list", "MATCH", "k2"],
      ["KEYS", "*"],
      ["RANDOMKEY"],
      ["DBSIZE"],
      ["SETNX", "k", "v"],
      ["SET", "k", "v", "GET"],
      ["SET", "k", "v", "NX"],
      ["GETEX", "k"],
      ["GETDEL", "k2"],
      ["GETDEL", "k2"],
      ["EXPIRE", "k", "100"],
      ["EXPIRE", "nope", "100"],
      ["PERSIST", "k"],
      ["DEL", "k", "nope"],
      ["SWAPDB", "0", "1"],
    ];
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      const counts = async (port: number) => {
        await runScript(port, [["SET", "k", "v"], ["SET", "k2", "v"]]);
        const conn = await RawConnection.open(port);
        const after: [number, number][] = [];
        await conn.command("CONFIG", "RESETSTAT");
        for (const command of commands) {
          await conn.command(...command);
          after.push(await lookupStats(conn));
        }
        conn.close();
        return after;
      };
      const expected = await counts(redis.port);
      const actual = await counts(redix.port);
      for (let i = 0; i < commands.length; i++) {
        assert.deepEqual(actual[i], expected[i], `hits and misses after ${commands[i].join(" ")}`);
      }
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "OBJECT subcommands' COMMAND INFO matches Redis's",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      const names = ["object|encoding", "object|refcount", "object|idletime", "object|freq", "object|help"];
      const info = async (port: number) => {
        const conn = await RawConnection.open(port);
        const reply = await conn.command("COMMAND", "INFO", ...names) as Reply[][];
        conn.close();
        return reply;
      };
      assert.deepEqual(await info(redix.port), await info(redis.port));
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

/** Runs SCAN from cursor 0 to the end, calling `between` after each call; returns the calls made. */
async function scanAll(
  conn: RawConnection,
  count: number,
  onKeys: (keys: string[]) => void,
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  let cursor = "0";
  let calls = 0;
  do {
    const reply = await conn.command("SCAN", cursor, "COUNT", String(count)) as [string, string[]];
    cursor = reply[0];
    onKeys(reply[1]);
    calls++;
    await between();
  } while (cursor !== "0");
  return calls;
}

/**
 * One SCAN with COUNT 10 from `scanner` while `writer`, between every two calls,
 * inserts or deletes a batch of 1 to 400 keys, swinging the database between
 * 600 and 12,600 keys so that the table doubles and halves several times, and
 * deletes keys that were there at the start. Checks that every key present
 * throughout was returned.
 */
async function scanUnderChurn(
  seed: number,
  server: RedixServer,
  scanner: RawConnection,
  writer: RawConnection,
) {
  const dict = () => server.keyspace.dbs[0].data;
  const random = mulberry32(seed);
  const stable = Array.from({ length: 300 }, (_, i) => `stable:${i}`);
  let doomed = 300;
  await writer.command("FLUSHALL");
  await writer.command("MSET", ...stable.flatMap((key) => [key, "s"]));
  await writer.command("MSET", ...Array.from({ length: doomed }, (_, i) => [`doomed:${i}`, "d"]).flat());
  let churn = 0;
  let growing = true;
  let grew = 0;
  let shrank = 0;
  let peak = 0;
  const seen = new Set<string>();
  const calls = await scanAll(scanner, 10, (keys) => keys.forEach((key) => seen.add(key)), async () => {
    const buckets = dict().bucketCount;
    const step = 1 + Math.floor(random() * 400);
    const batch: string[] = [];
    for (let i = 0; i < step && (growing ? churn < 12_000 : churn > 0); i++) {
      batch.push(growing ? `churn:${churn++}` : `churn:${--churn}`);
    }
    if (growing) await writer.command("MSET", ...batch.flatMap((key) => [key, "c"]));
    else await writer.command("DEL", ...batch);
    if (churn === 12_000) growing = false;
    if (churn === 0) growing = true;
    if (doomed > 0 && random() < 0.3) await writer.command("DEL", `doomed:${--doomed}`);
    if (dict().bucketCount > buckets) grew++;
    if (dict().bucketCount < buckets) shrank++;
    peak = Math.max(peak, dict().size);
  });
  assert.ok(grew >= 3 && shrank >= 2, `seed ${seed}: ${grew} growths and ${shrank} shrinks during the scan`);
  for (const key of stable) assert.ok(seen.has(key), `seed ${seed}: SCAN missed ${key}`);
  // Not a timing assert: the number of calls stays proportional to the database's size.
  assert.ok(calls * 10 <= 2 * peak, `seed ${seed}: ${calls} calls of COUNT 10 for at most ${peak} keys`);
}

Deno.test("SCAN returns every key present throughout while another client grows and shrinks the database", async () => {
  await withServer(async ({ port, server }) => {
    const scanner = await RawConnection.open(port);
    const writer = await RawConnection.open(port);
    try {
      for (let seed = 1; seed <= 8; seed++) await scanUnderChurn(seed, server, scanner, writer);
    } finally {
      scanner.close();
      writer.close();
    }
  });
});

Deno.test("a full SCAN of 1M keys returns each key once and visits each bucket once", async () => {
  await withServer(async ({ port, server }) => {
    const n = 1_000_000;
    const db = server.keyspace.dbs[0];
    for (let i = 0; i < n; i++) db.set(`key:${i}`, "v");
    const dict = db.data;
    let buckets = 0;
    const scanBucket = dict.scan.bind(dict);
    dict.scan = (cursor, visit) => {
      buckets++;
      return scanBucket(cursor, visit);
    };
    const conn = await RawConnection.open(port);
    try {
      const seen = new Uint8Array(n);
      let returned = 0;
      const count = 100;
      const calls = await scanAll(conn, count, (keys) => {
        returned += keys.length;
        for (const key of keys) seen[Number(key.slice(4))]++;
      });
      assert.equal(returned, n);
      assert.ok(seen.every((times) => times === 1), "every key exactly once");
      // The whole iteration visited each bucket once: O(n) work in all, however it was split.
      assert.equal(buckets, dict.bucketCount);
      // Each call but the last found COUNT keys or walked 10 * COUNT + 1 buckets.
      assert.ok(
        calls <= Math.ceil(n / count) + Math.ceil(dict.bucketCount / (10 * count + 1)) + 1,
        `${calls} calls`,
      );
    } finally {
      conn.close();
    }
  });
});

Deno.test("KEYS, SCAN and RANDOMKEY leave out keys whose time has passed", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const db = server.keyspace.dbs[0];
    db.set("live", "v");
    for (let i = 0; i < 50; i++) {
      db.set(`gone:${i}`, "v");
      db.setExpiry(`gone:${i}`, Date.now() - 1);
    }
    const conn = await RawConnection.open(port);
    try {
      assert.deepEqual(await conn.command("KEYS", "*"), ["live"]);
      assert.deepEqual(await conn.command("SCAN", "0", "COUNT", "1000"), ["0", ["live"]]);
      for (let i = 0; i < 10; i++) assert.equal(await conn.command("RANDOMKEY"), "live");
      // SCAN deletes what it found expired, as Redis does, and propagates the deletions.
      assert.ok(effects.length > 0 && effects.every(([name]) => name === "DEL"));
      assert.equal(await conn.command("DBSIZE"), 1);
    } finally {
      conn.close();
    }
  });
});

Deno.test("OBJECT IDLETIME grows without access and only an access resets it", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      await conn.command("SET", "k", "v");
      assert.ok(await conn.command("OBJECT", "IDLETIME", "k") as number <= 1);
      await waitFor(
        async () => await conn.command("OBJECT", "IDLETIME", "k") as number >= 2,
        "k to be idle 2s",
      );
      // Neither OBJECT nor the lookups Redis makes with LOOKUP_NOTOUCH count as an access.
      for (const command of [["EXISTS", "k"], ["TYPE", "k"], ["TTL", "k"], ["OBJECT", "ENCODING", "k"]]) {
        await conn.command(...command);
        assert.ok(await conn.command("OBJECT", "IDLETIME", "k") as number >= 2, command.join(" "));
      }
      await conn.command("GET", "k");
      assert.ok(await conn.command("OBJECT", "IDLETIME", "k") as number <= 1, "after GET");
      await waitFor(
        async () => await conn.command("OBJECT", "IDLETIME", "k") as number >= 2,
        "k to be idle again",
      );
      assert.equal(await conn.command("TOUCH", "k", "nope"), 1);
      assert.ok(await conn.command("OBJECT", "IDLETIME", "k") as number <= 1, "after TOUCH");
    } finally {
      conn.close();
    }
  }, { config: { hz: 100 } });
});

Deno.test("SWAPDB: a client that selected a database sees the other's keys at once", async () => {
  await withServer(async ({ port }) => {
    const inDb1 = await RawConnection.open(port);
    const inDb0 = await RawConnection.open(port);
    const admin = await RawConnection.open(port);
    try {
      await inDb1.command("SELECT", "1");
      await inDb0.command("SET", "k", "from 0");
      await inDb1.command("SET", "k", "from 1");
      await inDb1.command("SET", "only1", "x", "EX", "100");
      assert.equal(await admin.command("SWAPDB", "0", "1"), "OK");
      assert.equal(await inDb0.command("GET", "k"), "from 1");
      assert.equal(await inDb1.command("GET", "k"), "from 0");
      assert.equal(await inDb0.command("EXISTS", "only1"), 1);
      assert.ok(await inDb0.command("TTL", "only1") as number > 90);
      // Writes go to the swapped contents too.
      await inDb1.command("SET", "after", "1");
      assert.equal(await admin.command("SWAPDB", "1", "0"), "OK");
      assert.equal(await inDb0.command("GET", "after"), "1");
      assert.equal(await inDb0.command("GET", "k"), "from 0");
      assert.deepEqual(await inDb1.command("KEYS", "*").then((keys) => (keys as string[]).sort()), [
        "k",
        "only1",
      ]);
    } finally {
      inDb1.close();
      inDb0.close();
      admin.close();
    }
  });
});

Deno.test("COPY makes a deep copy: changing a string in place leaves its copy alone", async () => {
  await withServer(async ({ port, server }) => {
    const db = server.keyspace.dbs[0];
    const original = new RawString("abc");
    db.set("raw", original);
    const conn = await RawConnection.open(port);
    try {
      assert.equal(await conn.command("OBJECT", "ENCODING", "raw"), "raw");
      assert.equal(await conn.command("COPY", "raw", "copy"), 1);
      assert.equal(await conn.command("COPY", "raw", "elsewhere", "DB", "3"), 1);
      original.append("def");
      assert.equal(await conn.command("GET", "raw"), "abcdef");
      assert.equal(await conn.command("GET", "copy"), "abc");
      assert.equal(await conn.command("OBJECT", "ENCODING", "copy"), "raw");
      assert.notEqual(db.get("copy"), original);
      await conn.command("SELECT", "3");
      assert.equal(await conn.command("GET", "elsewhere"), "abc");
      // RENAME and MOVE hand the value itself over.
      await conn.command("SELECT", "0");
      assert.equal(await conn.command("RENAME", "raw", "renamed"), "OK");
      assert.equal(db.get("renamed"), original);
      assert.equal(await conn.command("MOVE", "renamed", "5"), 1);
      assert.equal(server.keyspace.dbs[5].get("renamed"), original);
    } finally {
      conn.close();
    }
  });
});

Deno.test("RENAME, RENAMENX, COPY, MOVE and SWAPDB are propagated; TOUCH and OBJECT are not", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
    const conn = await RawConnection.open(port);
    try {
      await conn.command("SET", "a", "1");
      await conn.command("RENAME", "a", "b");
      await conn.command("RENAME", "b", "b");
      await conn.command("RENAME", "nope", "b");
      await conn.command("RENAMENX", "b", "c");
      await conn.command("SET", "d", "2");
      await conn.command("RENAMENX", "c", "d");
      await conn.command("COPY", "c", "e", "DB", "2");
      await conn.command("COPY", "c", "d");
      await conn.command("MOVE", "d", "3");
      await conn.command("MOVE", "nope", "3");
      await conn.command("TOUCH", "c", "d");
      await conn.command("OBJECT", "ENCODING", "c");
      await conn.command("KEYS", "*");
      await conn.command("SCAN", "0");
      await conn.command("RANDOMKEY");
      await conn.command("SWAPDB", "0", "1");
      await conn.command("SWAPDB", "2", "2");
      assert.deepEqual(effects, [
        ["0", "SET", "a", "1"],
        ["0", "RENAME", "a", "b"],
        ["0", "RENAMENX", "b", "c"],
        ["0", "SET", "d", "2"],
        ["0", "COPY", "c", "e", "DB", "2"],
        ["0", "MOVE", "d", "3"],
        ["0", "SWAPDB", "0", "1"],
        ["0", "SWAPDB", "2", "2"],
      ]);
      assert.equal(server.dirty, effects.length);
    } finally {
      conn.close();
    }
  });
});

Deno.test("ioredis: scanStream with MATCH and COUNT returns every matching key", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 3000; i++) pipeline.set(i % 3 === 0 ? `user:${i}` : `item:${i}`, "v");
      await pipeline.exec();
      const found = new Set<string>();
      const stream = redis.scanStream({ match: "user:*", count: 50 });
      for await (const keys of stream) for (const key of keys as string[]) found.add(key);
      assert.equal(found.size, 1000);
      for (const key of found) assert.match(key, /^user:\d+$/);
      assert.match(await redis.randomkey() ?? "", /^(user|item):\d+$/);
      assert.equal((await redis.keys("user:*")).length, 1000);
      assert.equal(await redis.rename("user:0", "renamed"), "OK");
      assert.equal(await redis.renamenx("renamed", "item:1"), 0);
      assert.equal(await redis.object("ENCODING", "renamed"), "embstr");
      assert.equal(await redis.touch("renamed", "nope", "item:1"), 2);
      assert.equal(await redis.move("renamed", 2), 1);
      assert.equal(await redis.swapdb(0, 2), "OK");
      assert.deepEqual(await redis.keys("*"), ["renamed"]);
      await assert.rejects(redis.rename("nope", "x"), (e: Error) => e.message === "ERR no such key");
      await assert.rejects(redis.object("FREQ", "renamed"), (e: Error) => e.message.startsWith("ERR An LFU"));
      await assert.rejects(redis.scan("x"), (e: Error) => e.message === "ERR invalid cursor");
    } finally {
      await redis.quit();
    }
  });
});

Deno.test("node-redis: scanIterator with TYPE and COUNT returns every key", async () => {
  await withServer(async ({ port }) => {
    const client = createClient({ socket: { host: "127.0.0.1", port } });
    const errors: unknown[] = [];
    client.on("error", (error) => errors.push(error));
    await client.connect();
    try {
      for (let i = 0; i < 2000; i += 100) {
        await client.mSet(
          Array.from({ length: 100 }, (_, j) => [`k:${i + j}`, String(i + j)] as [string, string]),
        );
      }
      const found = new Set<string>();
      for await (const batch of client.scanIterator({ TYPE: "string", COUNT: 100 })) {
        for (const key of batch) found.add(key);
      }
      assert.equal(found.size, 2000);
      assert.equal(await client.copy("k:1", "k:copy"), 1);
      assert.equal(await client.objectEncoding("k:copy"), "int");
      assert.equal(await client.objectRefCount("k:1"), 2147483647);
      assert.equal(await client.objectIdleTime("k:1"), 0);
      assert.equal(await client.copy("k:1", "k:copy", { DB: 1, REPLACE: true }), 1);
      assert.equal(await client.renameNX("k:copy", "k:2"), 0);
      assert.equal(await client.rename("k:copy", "k:moved"), "OK");
      assert.equal(await client.move("k:moved", 1), 1);
      assert.equal(await client.swapDb(0, 1), "OK");
      assert.deepEqual((await client.keys("k:*")).sort(), ["k:copy", "k:moved"]);
      assert.match(String(await client.randomKey()), /^k:(copy|moved)$/);
      await assert.rejects(
        client.move("k:copy", 16),
        (e: Error) => e.message === "ERR DB index is out of range",
      );
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});

Deno.test("ioredis: DEL, UNLINK, EXISTS and TOUCH over many keys (read ahead in chunks), with TTLs and other types", async () => {
  await withServer(async ({ port }) => {
    await withIoredis(port, {}, async (redis) => {
      const keys = await writeManyKeys(redis, "many");
      const asked = [...keys, "many:other", "many:absent", keys[0], keys[199]];
      assert.equal(await redis.exists(...asked), 203);
      assert.equal(await redis.touch(...asked), 203);
      assert.equal(await redis.exists("many:absent"), 0);
      assert.equal(await redis.exists(keys[5]), 1);
      // Every other key, past several chunks, plus the set; a key named twice goes once.
      const even = keys.filter((_, i) => i % 2 === 0);
      assert.equal(await redis.del(...even, "many:other", "many:absent", keys[0]), 101);
      assert.equal(await redis.exists(...keys), 100);
      assert.deepEqual(
        await redis.mget(...keys.slice(0, 4)),
        [null, "v1", null, "v3"],
      );
      const odd = keys.filter((_, i) => i % 2 === 1);
      assert.equal(await redis.unlink(...odd.slice(0, 60)), 60);
      assert.equal(await redis.del(odd[60]), 1);
      assert.equal(await redis.exists(...odd), 39);
      assert.equal(await redis.get(keys[199]), "v199");
    });
  });
});
