/**
 * String commands: replies compared with a real redis-server (skipped where it
 * is not installed), end to end through ioredis and node-redis, INCRBYFLOAT
 * against Redis over thousands of random cases, amortised APPEND, and what the
 * writes propagate.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis } from "ioredis";
import { withIoredis, writeManyKeys } from "./clients.ts";
import type { RedisValue } from "../lib/store/database.ts";
import type { RedixServer } from "../lib/server/server.ts";
import { RawString } from "../lib/store/raw_string.ts";
import {
  ALL_BYTES,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
  withServer,
} from "./helpers.ts";
import { mulberry32 } from "./prng.ts";

const REVERSED_BYTES = [...ALL_BYTES].reverse().join("");
const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";

const SCRIPTS: Record<string, string[][]> = {
  "APPEND": [
    ["APPEND", "new", ""],
    ["EXISTS", "new"],
    ["GET", "new"],
    ["APPEND", "k", "hello"],
    ["APPEND", "k", " world"],
    ["GET", "k"],
    ["APPEND", "k", ""],
    ["APPEND", "bin", ALL_BYTES],
    ["APPEND", "bin", REVERSED_BYTES],
    ["GET", "bin"],
    ["STRLEN", "bin"],
    ["SET", "n", "123"],
    ["APPEND", "n", "4"],
    ["GET", "n"],
    ["INCR", "n"],
    ["APPEND", "n", "x"],
    ["SET", "t", "v", "EX", "100"],
    ["APPEND", "t", "w"],
    ["TTL", "t"],
    ["GET", "t"],
    ["APPEND", "k"],
    ["APPEND", "k", "a", "b"],
  ],
  "STRLEN": [
    ["STRLEN", "missing"],
    ["SET", "k", ""],
    ["STRLEN", "k"],
    ["SET", "k", ALL_BYTES],
    ["STRLEN", "k"],
    ["APPEND", "k", "abc"],
    ["STRLEN", "k"],
    ["SETRANGE", "k", "1000", "x"],
    ["STRLEN", "k"],
    ["SET", "n", "-12345"],
    ["STRLEN", "n"],
    ["STRLEN"],
    ["STRLEN", "a", "b"],
  ],
  "GETRANGE and SUBSTR": [
    ["GETRANGE", "missing", "0", "-1"],
    ["GETRANGE", "missing", "x", "1"],
    ["SET", "s", "Hello World"],
    ...[
      ["0", "3"],
      ["-3", "-1"],
      ["0", "-1"],
      ["10", "100"],
      ["5", "2"],
      ["-100", "-50"],
      ["-1", "-100"],
      ["-100", "100"],
      ["0", "0"],
      ["-1", "-1"],
      ["11", "11"],
      ["11", "-1"],
      ["-11", "0"],
      ["-12", "0"],
      ["4", "-7"],
      ["4", "-8"],
      [INT64_MAX, INT64_MAX],
      [INT64_MIN, INT64_MAX],
      ["-9223372036854775807", INT64_MIN],
      [INT64_MIN, "-9223372036854775807"],
      ["-9007199254740993", "-9007199254740992"],
      ["-9007199254740992", "-9007199254740993"],
      ["9007199254740993", "-1"],
      ["0", "9223372036854775808"],
      ["a", "0"],
      ["0", "b"],
      ["1.5", "2"],
      ["", "2"],
      ["01", "2"],
    ].map(([start, end]) => ["GETRANGE", "s", start, end]),
    ["SUBSTR", "s", "0", "4"],
    ["SUBSTR", "s", "-5", "-1"],
    ["SUBSTR", "s", "3", "1"],
    ["SUBSTR", "missing", "0", "4"],
    ["SUBSTR", "s", "x", "1"],
    ["SET", "e", ""],
    ["GETRANGE", "e", "0", "-1"],
    ["GETRANGE", "e", "-1", "0"],
    ["SET", "bin", ALL_BYTES],
    ["GETRANGE", "bin", "100", "200"],
    ["GETRANGE", "bin", "-56", "-1"],
    ["GETRANGE", "bin", "0", "-1"],
    ["APPEND", "raw", "abc"],
    ["APPEND", "raw", "def"],
    ["GETRANGE", "raw", "1", "4"],
    ["GETRANGE", "raw", "-2", "-1"],
    ["GETRANGE", "raw", "4", "1"],
    ["SET", "n", "12345"],
    ["GETRANGE", "n", "1", "3"],
    ["GETRANGE", "s", "0"],
    ["SUBSTR", "s", "0", "1", "2"],
  ],
  "SETRANGE": [
    ["SETRANGE", "k", "0", ""],
    ["EXISTS", "k"],
    ["SETRANGE", "k", "5", "abc"],
    ["GET", "k"],
    ["SETRANGE", "k", "0", "XY"],
    ["GET", "k"],
    ["SETRANGE", "k", "6", ""],
    ["SETRANGE", "k", "100", ""],
    ["GET", "k"],
    ["SETRANGE", "k", "10", "z"],
    ["GET", "k"],
    ["SETRANGE", "k", "2", "middle"],
    ["GET", "k"],
    ["SETRANGE", "k", "-1", "x"],
    ["SETRANGE", "k", "-1", ""],
    ["SETRANGE", "missing", "-1", "x"],
    ["SETRANGE", "k", "abc", "x"],
    ["SETRANGE", "k", "1.5", "x"],
    ["SETRANGE", "k", "", "x"],
    ["SETRANGE", "k", "536870912", "x"],
    ["SETRANGE", "k", "536870911", "xy"],
    ["SETRANGE", "k", INT64_MAX, "x"],
    ["SETRANGE", "k", "9223372036854775808", "x"],
    ["SETRANGE", "missing", "536870912", "x"],
    ["SETRANGE", "missing", "536870912", ""],
    ["EXISTS", "missing"],
    ["SETRANGE", "bin", "0", ALL_BYTES],
    ["SETRANGE", "bin", "128", "\xff\x00"],
    ["SETRANGE", "bin", "300", REVERSED_BYTES],
    ["GET", "bin"],
    ["SET", "t", "value", "EX", "100"],
    ["SETRANGE", "t", "1", "X"],
    ["TTL", "t"],
    ["GET", "t"],
    ["SET", "n", "10"],
    ["SETRANGE", "n", "0", "2"],
    ["GET", "n"],
    ["INCR", "n"],
    ["SETRANGE", "k", "0"],
  ],
  "proto-max-bulk-len limits SETRANGE, APPEND and LCS": [
    ["CONFIG", "SET", "proto-max-bulk-len", "1mb"],
    ["SETRANGE", "k", "1048575", "x"],
    ["STRLEN", "k"],
    ["SETRANGE", "k", "1048576", "x"],
    ["SETRANGE", "k", "1048575", "xy"],
    ["APPEND", "k", "y"],
    ["SETRANGE", "k", "1048575", ""],
    ["SET", "a", "x".repeat(600)],
    ["APPEND", "a", "y".repeat(600)],
    ["LCS", "a", "a", "LEN"],
    ["SET", "b", "y".repeat(500)],
    ["LCS", "a", "b", "LEN"],
    ["SET", "c", "y".repeat(400)],
    ["LCS", "b", "c", "LEN"],
    ["APPEND", "fresh", "z".repeat(2000)],
    ["CONFIG", "SET", "proto-max-bulk-len", "512mb"],
  ],
  "GETSET": [
    ["GETSET", "k", "v"],
    ["GETSET", "k", "w"],
    ["GET", "k"],
    ["SET", "t", "v", "EX", "100"],
    ["GETSET", "t", "x"],
    ["TTL", "t"],
    ["GETSET", "bin", ALL_BYTES],
    ["GETSET", "bin", ""],
    ["GET", "bin"],
    ["APPEND", "raw", "ab"],
    ["APPEND", "raw", "cd"],
    ["GETSET", "raw", "new"],
    ["GET", "raw"],
    ["GETSET", "k"],
  ],
  "MSETNX": [
    ["MSETNX", "a", "1", "b", "2"],
    ["MSETNX", "a", "3", "c", "4"],
    ["MGET", "a", "b", "c"],
    ["MSETNX", "c", "4", "d", "5", "b", "6"],
    ["MGET", "a", "b", "c", "d"],
    ["MSETNX", "x", "1", "x", "2"],
    ["GET", "x"],
    ["MSETNX", ALL_BYTES, ALL_BYTES, "y", REVERSED_BYTES],
    ["MGET", ALL_BYTES, "y"],
    ["SET", "t", "v", "EX", "100"],
    ["MSETNX", "t", "w"],
    ["TTL", "t"],
    ["MSETNX", "a"],
    ["MSETNX", "a", "1", "b"],
    ["MSETNX"],
  ],
  "INCR DECR INCRBY DECRBY": [
    ["INCR", "k"],
    ["INCR", "k"],
    ["DECR", "k"],
    ["INCRBY", "k", "10"],
    ["INCRBY", "k", "-20"],
    ["DECRBY", "k", "5"],
    ["DECRBY", "k", "-5"],
    ["DECR", "new"],
    ["DECRBY", "new2", "7"],
    ["INCRBY", "new3", "0"],
    ...["abc", "1.5", "", " 1", "1 ", "+1", "01", "-0", "0x10", "1e3", "9223372036854775808", "--1"]
      .flatMap((bad) => [["INCRBY", "k", bad], ["DECRBY", "k", bad]]),
    ...["abc", " 1", "1 ", "01", "-0", "+1", "1.0", "", "9223372036854775808", "-9223372036854775809", "1e3"]
      .flatMap((stored) => [["SET", "v", stored], ["INCR", "v"], ["DECR", "v"], ["INCRBY", "v", "1"]]),
    ["SET", "v", "12345678901234567890123"],
    ["INCR", "v"],
    ["SET", "max", INT64_MAX],
    ["INCR", "max"],
    ["INCRBY", "max", "1"],
    ["DECRBY", "max", "-1"],
    ["INCRBY", "max", "0"],
    ["DECR", "max"],
    ["INCR", "max"],
    ["INCRBY", "max", INT64_MIN],
    ["SET", "min", INT64_MIN],
    ["DECR", "min"],
    ["INCRBY", "min", "-1"],
    ["DECRBY", "min", "1"],
    ["INCR", "min"],
    ["DECR", "min"],
    ["INCRBY", "min", INT64_MAX],
    ["DECRBY", "x", INT64_MIN],
    ["DECRBY", "x", INT64_MAX],
    ["DECR", "x"],
    ["DECR", "x"],
    ["INCRBY", "y", "4611686018427387904"],
    ["INCRBY", "y", "4611686018427387903"],
    ["INCRBY", "y", "1"],
    ["SET", "s", "9007199254740991"],
    ["INCR", "s"],
    ["INCR", "s"],
    ["INCRBY", "s", "9007199254740993"],
    ["INCRBY", "s", "-18014398509481987"],
    ["INCRBY", "s", "-9007199254740993"],
    ["DECRBY", "s", "9007199254740992"],
    ["GET", "s"],
    ["SET", "t", "5", "EX", "100"],
    ["INCR", "t"],
    ["TTL", "t"],
    ["APPEND", "raw", "1"],
    ["APPEND", "raw", "2"],
    ["INCR", "raw"],
    ["GET", "raw"],
    ["INCR"],
    ["INCR", "a", "b"],
    ["INCRBY", "a"],
    ["DECRBY", "a", "1", "2"],
  ],
  "INCRBYFLOAT": [
    ["SET", "k", "0.1"],
    ["INCRBYFLOAT", "k", "0.2"],
    ["INCRBYFLOAT", "k", "5.0e3"],
    ["INCRBYFLOAT", "k", "-5000.3"],
    ["SET", "k", "10.50"],
    ["INCRBYFLOAT", "k", "0.1"],
    ["SET", "k", "5.0e3"],
    ["INCRBYFLOAT", "k", "2.0e2"],
    ["INCRBYFLOAT", "big", "1e20"],
    ["INCRBYFLOAT", "big", "1e300"],
    ["INCRBYFLOAT", "tiny", "0.000003814697265625"],
    ["INCRBYFLOAT", "tiny2", "-1e-20"],
    ["INCRBYFLOAT", "neg", "-1.5"],
    ["INCRBYFLOAT", "neg", "-0"],
    ...[
      "inf",
      "-inf",
      "Infinity",
      "nan",
      "-nan",
      "1 ",
      " 1",
      "\t1",
      "abc",
      "",
      "1e",
      "1e+",
      ".",
      "0x",
      "0x1p",
      "1.5.5",
      "--1",
      "1\x002",
      "1e5000",
      "1e-5000",
      "1e-4951",
      "x".repeat(5120),
    ].map((bad) => ["INCRBYFLOAT", "k", bad]),
    ...["0x10", "0x1p-2", "0X.8P1", ".5", "5.", "+.5e1", "00001.5", "4e-4951", "1e-4950", "-0.0"]
      .map((good, i) => ["INCRBYFLOAT", `g${i}`, good]),
    ["INCRBYFLOAT", "long", "0." + "0".repeat(5116) + "1"],
    ["INCRBYFLOAT", "long", "1" + "0".repeat(5119)],
    ["SET", "max", "1.18973149535723176502e4932"],
    ["INCRBYFLOAT", "max", "0"],
    ["INCRBYFLOAT", "max", "1.18973149535723176502e4932"],
    ["INCRBYFLOAT", "max", "-1.18973149535723176502e4932"],
    ["INCRBYFLOAT", "over", "1.18973149535723176509e4932"],
    ["SET", "w", "abc"],
    ["INCRBYFLOAT", "w", "1"],
    ["SET", "w", "1\x00"],
    ["INCRBYFLOAT", "w", "1"],
    ["SET", "w", "1 "],
    ["INCRBYFLOAT", "w", "1"],
    ["SET", "w", ""],
    ["INCRBYFLOAT", "w", "1"],
    ["SET", "w", "inf"],
    ["INCRBYFLOAT", "w", "1"],
    ["INCRBYFLOAT", "w", "-inf"],
    ["SET", "i", "9223372036854775807"],
    ["INCRBYFLOAT", "i", "1"],
    ["INCRBYFLOAT", "i", "0.5"],
    ["SET", "i", "18446744073709551615"],
    ["INCRBYFLOAT", "i", "1"],
    ["SET", "i", "18446744073709551617"],
    ["INCRBYFLOAT", "i", "0"],
    ["INCR", "c"],
    ["INCRBYFLOAT", "c", "1.5"],
    ["INCR", "c"],
    ["SET", "t", "1", "EX", "100"],
    ["INCRBYFLOAT", "t", "1"],
    ["TTL", "t"],
    ["APPEND", "raw", "1."],
    ["APPEND", "raw", "25"],
    ["INCRBYFLOAT", "raw", "1"],
    ["INCRBYFLOAT", "k"],
    ["INCRBYFLOAT", "k", "1", "2"],
  ],
  "LCS": [
    ["SET", "key1", "ohmytext"],
    ["SET", "key2", "mynewtext"],
    ["LCS", "key1", "key2"],
    ["LCS", "key1", "key2", "LEN"],
    ["LCS", "key1", "key2", "IDX"],
    ["LCS", "key1", "key2", "idx", "minmatchlen", "4"],
    ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
    ["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"],
    ["LCS", "key1", "key2", "WITHMATCHLEN"],
    ["LCS", "key1", "key2", "MINMATCHLEN", "3"],
    ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-3"],
    ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "100"],
    ["LCS", "key1", "key2", "LEN", "IDX"],
    ["LCS", "key1", "key2", "IDX", "LEN", "FOO"],
    ["LCS", "key1", "key2", "MINMATCHLEN"],
    ["LCS", "key1", "key2", "MINMATCHLEN", "x"],
    ["LCS", "key1", "key2", "FOO"],
    ["LCS", "key1", "key2", "LEN", "LEN"],
    ["LCS", "key1", "missing"],
    ["LCS", "missing", "key2", "IDX"],
    ["LCS", "missing", "missing2", "LEN"],
    ["LCS", "key1", "key1", "IDX", "WITHMATCHLEN"],
    ["SET", "bin1", ALL_BYTES],
    ["SET", "bin2", REVERSED_BYTES + ALL_BYTES.slice(100, 130)],
    ["LCS", "bin1", "bin2"],
    ["LCS", "bin1", "bin2", "IDX", "WITHMATCHLEN"],
    ["SET", "a", "GTTCGAACTGAGAATTTGCCAGATCAGAAA"],
    ["SET", "b", "GACTCGATTTGACCTTAGCAGATAGAATAC"],
    ["LCS", "a", "b"],
    ["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
    ["LCS", "a", "b", "IDX", "MINMATCHLEN", "2"],
    ["LCS", "b", "a", "IDX"],
    ["APPEND", "r", "xxmytext"],
    ["APPEND", "r", "yy"],
    ["LCS", "r", "key2", "IDX"],
    ["LCS", "key1"],
  ],
};

Deno.test({
  name: "string commands reply as a real redis-server does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/**
 * Runs `run` on a fresh redis-server, then on a fresh Redix (given its server
 * object too), asserts both give the same result and returns Redis's.
 */
async function sameAsRedis<T>(run: (port: number, redix?: RedixServer) => Promise<T>): Promise<T> {
  const redis = await startRedis();
  try {
    const expected = await run(redis.port);
    await withServer(async ({ port, server }) => assert.deepEqual(await run(port, server), expected));
    return expected;
  } finally {
    await redis.stop();
  }
}

/** Runs `commands` on a fresh connection to `port` after `prepare`, collecting the replies. */
async function collectReplies(
  port: number,
  prepare: (conn: RawConnection) => Promise<void>,
  commands: string[][],
): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    await conn.command("FLUSHALL");
    await prepare(conn);
    const replies: Reply[] = [];
    for (const command of commands) replies.push(await conn.command(...command));
    return replies;
  } finally {
    conn.close();
  }
}

/** The commands of this file on a key of another type, and on its partner for LCS. */
const WRONG_TYPE_COMMANDS = [
  ["GET", "other"],
  ["APPEND", "other", "x"],
  ["APPEND", "other", ""],
  ["STRLEN", "other"],
  ["GETRANGE", "other", "0", "1"],
  ["GETRANGE", "other", "x", "1"],
  ["SUBSTR", "other", "0", "1"],
  ["SETRANGE", "other", "0", "x"],
  ["SETRANGE", "other", "0", ""],
  ["SETRANGE", "other", "-1", "x"],
  ["GETSET", "other", "x"],
  ["INCR", "other"],
  ["DECR", "other"],
  ["INCRBY", "other", "1"],
  ["INCRBY", "other", "x"],
  ["DECRBY", "other", "1"],
  ["DECRBY", "other", INT64_MIN],
  ["INCRBYFLOAT", "other", "1"],
  ["INCRBYFLOAT", "other", "x"],
  ["LCS", "other", "s"],
  ["LCS", "s", "other", "FOO"],
  ["LCS", "s", "missing", "LEN"],
  ["MSETNX", "other", "1", "new", "2"],
  ["EXISTS", "new"],
];

Deno.test({
  name: "string commands on a key of another type reply as Redis does",
  ignore: !HAVE_REDIS,
  fn: async () => {
    await sameAsRedis((port, redix) =>
      collectReplies(port, async (conn) => {
        // Redix has no collection types yet: there a stand-in value is "another type".
        if (redix) redix.keyspace.dbs[0].set("other", { list: ["element"] } as unknown as RedisValue);
        else await conn.command("RPUSH", "other", "element");
        await conn.command("SET", "s", "text");
      }, WRONG_TYPE_COMMANDS)
    );
  },
});

Deno.test({
  name: "LCS IDX is a map in RESP3, as in Redis",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const commands = [
      ["SET", "key1", "ohmytext"],
      ["SET", "key2", "mynewtext"],
      ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
      ["LCS", "key1", "key2", "IDX"],
      ["LCS", "key1", "missing", "IDX"],
      ["LCS", "key1", "key2", "LEN"],
      ["LCS", "key1", "key2"],
      ["GETSET", "missing", "v"],
      ["GETRANGE", "missing", "0", "1"],
    ];
    const hello3 = async (conn: RawConnection) => void await conn.command("HELLO", "3");
    const replies = await sameAsRedis((port) => collectReplies(port, hello3, commands));
    assert.deepEqual(replies[2], { map: [["matches", [[[4, 7], [5, 8], 4]]], ["len", 6]] });
  },
});

Deno.test({
  name: "keyspace hits and misses of string commands count as in Redis",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const commands = [
      ["SET", "s", "text"],
      ["SET", "n", "1"],
      ["CONFIG", "RESETSTAT"],
      ["STRLEN", "s"],
      ["STRLEN", "missing"],
      ["GETRANGE", "s", "0", "1"],
      ["GETRANGE", "missing", "0", "1"],
      ["GETSET", "s", "x"],
      ["GETSET", "new", "x"],
      ["LCS", "s", "missing"],
      ["APPEND", "s", "x"],
      ["APPEND", "fresh", "x"],
      ["SETRANGE", "s", "1", "x"],
      ["INCR", "n"],
      ["INCR", "counter"],
      ["INCRBYFLOAT", "n", "1.5"],
      ["MSETNX", "a", "1", "s", "2"],
    ];
    await sameAsRedis(async (port) => {
      const conn = await RawConnection.open(port);
      await conn.command("FLUSHALL");
      for (const command of commands) await conn.command(...command);
      const info = await conn.command("INFO", "stats") as string;
      conn.close();
      return info.split("\r\n").filter((line) => line.startsWith("keyspace_"));
    });
  },
});

/**
 * Seeded INCRBYFLOAT operands: integers, decimals, exponents, hex, values near
 * 2^64 and near the limits of the long double range (huge, subnormal, past
 * them), ties in printing, and some that are not floats at all.
 */
function randomFloatTexts(seed: number, count: number): string[] {
  const random = mulberry32(seed);
  const below = (n: number) => Math.floor(random() * n);
  const digits = (n: number) => {
    let text = String(1 + below(9));
    for (let i = 1; i < n; i++) text += below(10);
    return text;
  };
  const forms: (() => string)[] = [
    () => String(below(1000)),
    () => `${digits(1 + below(19))}.${digits(1 + below(19))}`,
    () => `${digits(1 + below(5))}e${below(80) - 40}`,
    () => `0.${"0".repeat(below(20))}${digits(1 + below(25))}`,
    () => `${digits(1 + below(20))}e${4900 + below(40)}`,
    () => `${digits(1 + below(20))}e-${4920 + below(40)}`,
    () => `0x${below(2 ** 30).toString(16)}.${below(2 ** 20).toString(16)}p${below(200) - 100}`,
    () => digits(1 + below(120)),
    () => String(below(2 ** 20) / 2 ** (10 + below(50))),
    () => `${digits(30 + below(200))}e-${below(250)}`,
    () => `${2n ** BigInt(60 + below(10)) + BigInt(below(2000) - 1000)}${random() < 0.5 ? ".5" : ""}`,
    () => `1.18973149535723176${digits(3)}e4932`,
    () => String(random() * 10 ** (below(40) - 20)),
    () => ["inf", "-inf", "nan", "1e", " 1", "1 ", "abc", ".", "0x", "5.0e3", ".5", "5."][below(12)],
  ];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const sign = random() < 0.4 ? "-" : random() < 0.1 ? "+" : "";
    const text = forms[below(forms.length)]();
    texts.push(/^[\d.0]/.test(text) ? sign + text : text);
  }
  return texts;
}

/** Sends all commands in one write and reads every reply. */
async function pipeline(port: number, commands: string[][]): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    await conn.send(commands.map(encodeCommand).join(""));
    const replies: Reply[] = [];
    for (let i = 0; i < commands.length; i++) replies.push(await conn.reply());
    return replies;
  } finally {
    conn.close();
  }
}

Deno.test({
  name: "INCRBYFLOAT matches Redis on 4,000 seeded random cases",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const values = randomFloatTexts(20240601, 4000);
    const increments = randomFloatTexts(7, 4000);
    const commands: string[][] = [["FLUSHALL"]];
    values.forEach((value, i) => {
      // One key in ten starts missing (as 0).
      if (i % 10 !== 0) commands.push(["SET", `k${i}`, value]);
      commands.push(["INCRBYFLOAT", `k${i}`, increments[i]]);
    });
    const replies = await sameAsRedis((port) => pipeline(port, commands));
    const outcomes = new Map<string, number>();
    replies.forEach((reply, i) => {
      if (commands[i][0] !== "INCRBYFLOAT") return;
      const outcome = typeof reply === "string" ? "a number" : JSON.stringify(reply);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    });
    // Mostly numbers, with both errors among them.
    assert.equal(outcomes.size, 3, JSON.stringify([...outcomes]));
    assert.ok(outcomes.get("a number")! > 2500, JSON.stringify([...outcomes]));
  },
});

Deno.test("10,000 APPENDs of 100 bytes reallocate a logarithmic number of times", async () => {
  await withServer(async ({ port, server }) => {
    const conn = await RawConnection.open(port);
    const db = server.keyspace.dbs[0];
    const chunk = "0123456789".repeat(10);
    const buffers = new Set<Uint8Array>();
    for (let i = 1; i <= 10_000; i++) {
      assert.equal(await conn.command("APPEND", "log", chunk), i * 100);
      const value = db.get("log");
      if (value instanceof RawString) buffers.add(value.bytes);
    }
    conn.close();
    const value = db.get("log");
    assert.ok(value instanceof RawString);
    assert.equal(value.length, 1_000_000);
    // Doubling from 200 bytes to 1 MB: about log2(1e6 / 200) = 12.3 buffers, not 10,000.
    assert.ok(buffers.size <= 15, `${buffers.size} buffers`);
    assert.ok(value.bytes.length < 2 * value.length + 1024 * 1024);
  });
});

Deno.test("string writes propagate deterministic effects that replay to the same data", async () => {
  const commands = [
    ["SET", "f", "0.1"],
    ["INCRBYFLOAT", "f", "0.2"],
    ["INCRBYFLOAT", "nf", "1e20"],
    ["INCRBYFLOAT", "f", "inf"],
    ["SET", "t", "1.5", "EX", "1000"],
    ["INCRBYFLOAT", "t", "1"],
    ["GETSET", "g", "first"],
    ["GETSET", "g", "second"],
    ["APPEND", "a", "x"],
    ["APPEND", "a", ALL_BYTES],
    ["APPEND", "a", ""],
    ["SETRANGE", "r", "3", "abc"],
    ["SETRANGE", "r", "0", ""],
    ["SETRANGE", "r", "-1", "x"],
    ["INCR", "i"],
    ["INCRBY", "i", "10"],
    ["DECR", "i"],
    ["DECRBY", "i", "3"],
    ["INCRBY", "i", "x"],
    ["MSETNX", "m1", "1", "m2", "2"],
    ["MSETNX", "m1", "1", "m3", "3"],
    ["STRLEN", "a"],
    ["GETRANGE", "a", "0", "1"],
    ["LCS", "a", "r"],
  ];
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const conn = await RawConnection.open(port);
    for (const command of commands) await conn.command(...command);
    conn.close();
    assert.deepEqual(effects, [
      ["SET", "f", "0.1"],
      ["SET", "f", "0.3", "KEEPTTL"],
      ["SET", "nf", "100000000000000000000", "KEEPTTL"],
      effects[3], // SET t ... PXAT
      ["SET", "t", "2.5", "KEEPTTL"],
      ["SET", "g", "first"],
      ["SET", "g", "second"],
      ["APPEND", "a", "x"],
      ["APPEND", "a", ALL_BYTES],
      ["APPEND", "a", ""],
      ["SETRANGE", "r", "3", "abc"],
      ["INCR", "i"],
      ["INCRBY", "i", "10"],
      ["DECR", "i"],
      ["DECRBY", "i", "3"],
      ["MSETNX", "m1", "1", "m2", "2"],
    ]);
    assert.deepEqual(effects[3].slice(0, 4), ["SET", "t", "1.5", "PXAT"]);

    // Replaying the effects on a fresh server gives the same keys, values and TTLs.
    const replica = await startTestServer();
    try {
      await pipeline(replica.port, effects);
      const dump = async (port: number) => {
        const keys = ["f", "nf", "t", "g", "a", "r", "i", "m1", "m2", "m3"];
        return await pipeline(port, keys.flatMap((key) => [["GET", key], ["PEXPIRETIME", key]]));
      };
      assert.deepEqual(await dump(replica.port), await dump(port));
    } finally {
      await replica.close();
    }
  });
});

Deno.test("ioredis: counters, floats, APPEND, GETRANGE, SETRANGE, LCS", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      assert.equal(await redis.incr("counter"), 1);
      assert.equal(await redis.incrby("counter", 41), 42);
      assert.equal(await redis.decr("counter"), 41);
      assert.equal(await redis.decrby("counter", 50), -9);
      await redis.set("max", INT64_MAX);
      await assert.rejects(redis.incr("max"), { message: "ERR increment or decrement would overflow" });
      await redis.set("text", "abc");
      await assert.rejects(redis.incr("text"), { message: "ERR value is not an integer or out of range" });

      await redis.set("price", "0.1");
      assert.equal(await redis.incrbyfloat("price", 0.2), "0.3");
      assert.equal(await redis.incrbyfloat("price", "5.0e3"), "5000.29999999999999982");
      assert.equal(await redis.incrbyfloat("fresh", "5.0e3"), "5000");
      await assert.rejects(redis.incrbyfloat("text", 1), { message: "ERR value is not a valid float" });
      await assert.rejects(redis.incrbyfloat("price", "inf"), {
        message: "ERR increment would produce NaN or Infinity",
      });

      assert.equal(await redis.append("log", "hello"), 5);
      assert.equal(await redis.append("log", " world"), 11);
      assert.equal(await redis.getrange("log", -5, -1), "world");
      assert.equal(await redis.strlen("log"), 11);
      assert.equal(await redis.setrange("log", 13, "!"), 14);
      assert.deepEqual(await redis.getBuffer("log"), Buffer.from("hello world\0\0!", "latin1"));
      await assert.rejects(redis.setrange("log", -1, "x"), { message: "ERR offset is out of range" });

      assert.equal(await redis.getset("log", "new"), "hello world\0\0!");
      assert.equal(await redis.msetnx("m1", "1", "m2", "2"), 1);
      assert.equal(await redis.msetnx("m2", "x", "m3", "3"), 0);

      await redis.mset("key1", "ohmytext", "key2", "mynewtext");
      assert.equal(await redis.lcs("key1", "key2"), "mytext");
      assert.equal(await redis.lcs("key1", "key2", "LEN"), 6);
      // ioredis speaks RESP2 here: the IDX map is a flat array.
      assert.deepEqual(await redis.lcs("key1", "key2", "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN"), [
        "matches",
        [[[4, 7], [5, 8], 4]],
        "len",
        6,
      ]);
    } finally {
      await redis.quit();
    }
  });
});

Deno.test("ioredis: MGET, MSET and MSETNX over many keys (read ahead in chunks), with TTLs and other types", async () => {
  await withServer(async ({ port }) => {
    await withIoredis(port, {}, async (redis) => {
      const keys = await writeManyKeys(redis, "big");
      const asked = [...keys, "big:other", "big:absent", keys[0], keys[199]];
      assert.deepEqual(await redis.mget(...asked), [
        ...keys.map((_, i) => `v${i}`),
        null,
        null,
        "v0",
        "v199",
      ]);
      // MSET clears the TTLs of the keys it writes, whichever chunk they are in.
      assert.ok(await redis.ttl(keys[196]) > 0);
      await redis.mset(...keys.flatMap((key, i) => [key, `w${i}`]));
      assert.equal(await redis.ttl(keys[0]), -1);
      assert.equal(await redis.ttl(keys[196]), -1);
      assert.deepEqual(await redis.mget(...keys), keys.map((_, i) => `w${i}`));
      // MSETNX: one key present, past the first chunk, and nothing is written.
      const fresh = Array.from({ length: 100 }, (_, i) => `fresh:${i}`);
      assert.equal(await redis.msetnx(...fresh.flatMap((key) => [key, "x"]), keys[150], "y"), 0);
      assert.equal(await redis.exists(...fresh), 0);
      assert.equal(await redis.get(keys[150]), "w150");
      assert.equal(await redis.msetnx(...fresh.flatMap((key) => [key, "x"])), 1);
      assert.equal(await redis.exists(...fresh), 100);
    });
  });
});

Deno.test("node-redis (RESP3): binary APPEND and GETRANGE, INCRBYFLOAT, LCS IDX as a map", async () => {
  await withServer(async ({ port }) => {
    const client = createClient({ socket: { host: "127.0.0.1", port }, RESP: 3 });
    const errors: unknown[] = [];
    client.on("error", (error) => errors.push(error));
    await client.connect();
    try {
      const bytes = Buffer.from(ALL_BYTES, "latin1");
      const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      assert.equal(await client.append("bin", bytes), 256);
      assert.equal(await client.append("bin", bytes), 512);
      assert.deepEqual(
        await buffers.getRange("bin", 250, 261),
        Buffer.concat([bytes.subarray(250), bytes.subarray(0, 6)]),
      );
      assert.equal(await client.setRange("bin", 600, bytes.subarray(200, 202)), 602);
      const value = await buffers.get("bin");
      assert.ok(Buffer.isBuffer(value));
      assert.deepEqual(
        value.subarray(510),
        Buffer.concat([bytes.subarray(254), Buffer.alloc(88), bytes.subarray(200, 202)]),
      );

      assert.equal(await client.incrByFloat("f", 10.5), "10.5");
      assert.equal(await client.incrByFloat("f", 0.1), "10.6");
      assert.equal(await client.incrBy("i", 5), 5);

      await client.mSet({ key1: "ohmytext", key2: "mynewtext" });
      const idx = await client.sendCommand(["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"]);
      assert.deepEqual(idx, { matches: [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], len: 6 });
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});
