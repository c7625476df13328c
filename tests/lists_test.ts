/**
 * List commands: replies compared with a real redis-server (skipped where it is
 * not installed), as decoded replies and byte for byte in RESP2 and RESP3 where
 * the null kinds differ ($-1 against *-1); blocking with several clients, the same scenario on both servers; what the writes
 * propagate; and end to end through node-redis and ioredis.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import {
  ALL_BYTES,
  blocked,
  blockedClients,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  type Scenario,
  scenarioTests,
  startRedis,
  startTestServer,
  waiter,
  waitFor,
  withServer,
} from "./helpers.ts";

const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

const SCRIPTS: Record<string, string[][]> = {
  "LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN": [
    ["LPUSH", "l", "a", "b", "c"],
    ["RPUSH", "l", "x", "y"],
    ["LRANGE", "l", "0", "-1"],
    ["LLEN", "l"],
    ["LLEN", "missing"],
    ["LPUSHX", "missing", "a"],
    ["RPUSHX", "missing", "a", "b"],
    ["EXISTS", "missing"],
    ["LPUSHX", "l", "p1", "p2"],
    ["RPUSHX", "l", "t1"],
    ["LRANGE", "l", "0", "-1"],
    ["RPUSH", "b", ALL_BYTES, "", "\r\n", "\0"],
    ["LRANGE", "b", "0", "-1"],
    ["LPUSH", "l"],
    ["RPUSHX", "l"],
    ["LLEN"],
    ["LLEN", "a", "b"],
  ],
  "LPOP and RPOP, with and without count": [
    ["RPUSH", "l", "a", "b", "c", "d", "e"],
    ["LPOP", "l"],
    ["RPOP", "l"],
    ["LPOP", "l", "2"],
    ["RPUSH", "l", "f", "g"],
    ["RPOP", "l", "2"],
    ["LPOP", "l", "0"],
    ["RPOP", "l", "0"],
    ["LPOP", "l", "100"],
    ["EXISTS", "l"],
    ["LPOP", "l"],
    ["LPOP", "l", "0"],
    ["LPOP", "l", "3"],
    ["RPUSH", "one", "x"],
    ["RPOP", "one"],
    ["EXISTS", "one"],
    ["RPUSH", "n", "1", "2"],
    ["LPOP", "n", "-1"],
    ["LPOP", "n", "x"],
    ["LPOP", "n", INT64_MAX],
    ["LPOP", "n", "9223372036854775808"],
    ["LPOP", "missing", "-1"],
    ["LPOP", "n", "1", "2"],
    ["RPOP", "n", "1", "2", "3"],
    ["LPOP"],
  ],
  "LINDEX and LSET": [
    ["RPUSH", "l", "a", "b", "c"],
    ["LINDEX", "l", "0"],
    ["LINDEX", "l", "2"],
    ["LINDEX", "l", "3"],
    ["LINDEX", "l", "-1"],
    ["LINDEX", "l", "-3"],
    ["LINDEX", "l", "-4"],
    ["LINDEX", "l", INT64_MAX],
    ["LINDEX", "l", INT64_MIN],
    ["LINDEX", "l", "x"],
    ["LINDEX", "l", "1.5"],
    ["LINDEX", "missing", "x"],
    ["LINDEX", "missing", "0"],
    ["LSET", "l", "0", "A"],
    ["LSET", "l", "-1", "C"],
    ["LSET", "l", "3", "x"],
    ["LSET", "l", "-4", "x"],
    ["LSET", "l", "x", "x"],
    ["LSET", "missing", "0", "x"],
    ["LSET", "missing", "x", "x"],
    ["LRANGE", "l", "0", "-1"],
    ["LSET", "l", "1", ALL_BYTES],
    ["LINDEX", "l", "1"],
  ],
  "LRANGE and LTRIM index arithmetic": [
    ["RPUSH", "l", ...range(0, 9)],
    ["LRANGE", "l", "0", "0"],
    ["LRANGE", "l", "2", "5"],
    ["LRANGE", "l", "-3", "-1"],
    ["LRANGE", "l", "-100", "2"],
    ["LRANGE", "l", "5", "100"],
    ["LRANGE", "l", "5", "2"],
    ["LRANGE", "l", "10", "20"],
    ["LRANGE", "l", "-1", "-2"],
    ["LRANGE", "l", INT64_MIN, INT64_MAX],
    ["LRANGE", "l", "x", "1"],
    ["LRANGE", "l", "1", "x"],
    ["LRANGE", "missing", "0", "-1"],
    ["LRANGE", "missing", "x", "-1"],
    ["LTRIM", "l", "1", "-2"],
    ["LRANGE", "l", "0", "-1"],
    ["LTRIM", "l", "0", "-1"],
    ["LTRIM", "l", "-3", "100"],
    ["LRANGE", "l", "0", "-1"],
    ["LTRIM", "l", "x", "0"],
    ["LTRIM", "missing", "0", "1"],
    ["LTRIM", "missing", "0", "x"],
    ["EXISTS", "missing"],
    ["LTRIM", "l", "5", "1"],
    ["EXISTS", "l"],
    ["RPUSH", "l", "a", "b"],
    ["LTRIM", "l", "2", "10"],
    ["EXISTS", "l"],
    ["RPUSH", "l", "a", "b"],
    ["LTRIM", "l", "-1", "-2"],
    ["EXISTS", "l"],
  ],
  "LINSERT": [
    ["RPUSH", "l", "a", "b", "a"],
    ["LINSERT", "l", "BEFORE", "a", "x"],
    ["LINSERT", "l", "after", "a", "y"],
    ["LINSERT", "l", "After", "b", "z"],
    ["LRANGE", "l", "0", "-1"],
    ["LINSERT", "l", "before", "nope", "x"],
    ["LINSERT", "l", "middle", "a", "x"],
    ["LINSERT", "missing", "before", "a", "x"],
    ["LINSERT", "missing", "middle", "a", "x"],
    ["EXISTS", "missing"],
    ["LINSERT", "l", "before", "a"],
    ["LINSERT", "l", "after", "z", ALL_BYTES],
    ["LINSERT", "l", "before", ALL_BYTES, "w"],
    ["LRANGE", "l", "0", "-1"],
  ],
  "LREM": [
    ["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"],
    ["LREM", "l", "2", "a"],
    ["LRANGE", "l", "0", "-1"],
    ["LREM", "l", "-1", "a"],
    ["LRANGE", "l", "0", "-1"],
    ["LREM", "l", "0", "b"],
    ["LRANGE", "l", "0", "-1"],
    ["LREM", "l", "0", "nope"],
    ["LREM", "l", "x", "a"],
    ["LREM", "missing", "1", "a"],
    ["LREM", "missing", "x", "a"],
    ["RPUSH", "m", "a", "b", "a", "b", "a"],
    ["LREM", "m", INT64_MIN, "a"],
    ["LRANGE", "m", "0", "-1"],
    ["LREM", "m", INT64_MAX, "b"],
    ["EXISTS", "m"],
    ["LREM", "l", "0", "a", "b"],
  ],
  "LPOS with RANK, COUNT, MAXLEN and its errors": [
    ["RPUSH", "l", "a", "b", "c", "a", "d", "a", "b"],
    ["LPOS", "l", "a"],
    ["LPOS", "l", "b"],
    ["LPOS", "l", "nope"],
    ["LPOS", "l", "a", "RANK", "2"],
    ["LPOS", "l", "a", "RANK", "3"],
    ["LPOS", "l", "a", "RANK", "4"],
    ["LPOS", "l", "a", "RANK", "-1"],
    ["LPOS", "l", "a", "RANK", "-3"],
    ["LPOS", "l", "a", "RANK", "-4"],
    ["LPOS", "l", "a", "COUNT", "0"],
    ["LPOS", "l", "a", "COUNT", "2"],
    ["LPOS", "l", "a", "COUNT", "2", "RANK", "2"],
    ["LPOS", "l", "a", "RANK", "-1", "COUNT", "2"],
    ["LPOS", "l", "a", "RANK", "-2", "count", "0"],
    ["LPOS", "l", "nope", "COUNT", "1"],
    ["LPOS", "l", "a", "MAXLEN", "4", "COUNT", "0"],
    ["LPOS", "l", "a", "MAXLEN", "3", "RANK", "-1"],
    ["LPOS", "l", "a", "MAXLEN", "1"],
    ["LPOS", "l", "d", "MAXLEN", "2"],
    ["LPOS", "l", "a", "maxlen", "0", "rank", "1", "count", "1"],
    ["LPOS", "l", "a", "RANK", "1", "RANK", "2"],
    ["LPOS", "l", "a", "RANK", INT64_MAX],
    ["LPOS", "l", "a", "RANK", INT64_MIN],
    ["LPOS", "l", "a", "RANK", INT64_MIN, "COUNT", "1"],
    ["LPOS", "l", "a", "RANK", "-9223372036854775807", "COUNT", "1"],
    ["LPOS", "l", "a", "COUNT", INT64_MAX],
    ["LPOS", "l", "a", "RANK", "0"],
    ["LPOS", "l", "a", "RANK", "x"],
    ["LPOS", "l", "a", "RANK", "9223372036854775808"],
    ["LPOS", "l", "a", "COUNT", "-1"],
    ["LPOS", "l", "a", "COUNT", "x"],
    ["LPOS", "l", "a", "MAXLEN", "-1"],
    ["LPOS", "l", "a", "MAXLEN", "x"],
    ["LPOS", "l", "a", "RANK"],
    ["LPOS", "l", "a", "COUNT", "1", "FOO"],
    ["LPOS", "l", "a", "FOO", "1"],
    ["LPOS", "l", "a", "RANK", "0", "FOO"],
    ["LPOS", "missing", "a"],
    ["LPOS", "missing", "a", "COUNT", "0"],
    ["LPOS", "missing", "a", "RANK", "0"],
    ["LPOS", "l"],
  ],
  "LMOVE and RPOPLPUSH": [
    ["RPUSH", "s", "a", "b", "c"],
    ["LMOVE", "s", "d", "LEFT", "RIGHT"],
    ["LMOVE", "s", "d", "right", "left"],
    ["LRANGE", "d", "0", "-1"],
    ["LMOVE", "d", "d", "LEFT", "RIGHT"],
    ["LRANGE", "d", "0", "-1"],
    ["LMOVE", "d", "d", "RIGHT", "RIGHT"],
    ["LRANGE", "d", "0", "-1"],
    ["RPOPLPUSH", "s", "d"],
    ["EXISTS", "s"],
    ["LRANGE", "d", "0", "-1"],
    ["RPOPLPUSH", "s", "d"],
    ["LMOVE", "s", "d", "LEFT", "LEFT"],
    ["RPUSH", "one", "x"],
    ["RPOPLPUSH", "one", "one"],
    ["LRANGE", "one", "0", "-1"],
    ["LMOVE", "s", "d", "UP", "LEFT"],
    ["LMOVE", "s", "d", "LEFT", "DOWN"],
    ["LMOVE", "d", "x", "LEFT"],
    ["SET", "str", "v"],
    ["LMOVE", "d", "str", "LEFT", "LEFT"],
    ["LRANGE", "d", "0", "-1"],
    ["RPOPLPUSH", "d", "str"],
    ["LMOVE", "str", "d", "LEFT", "LEFT"],
    ["RPOPLPUSH", "str", "d"],
    ["LMOVE", "missing", "str", "LEFT", "LEFT"],
    ["RPOPLPUSH", "missing", "str"],
  ],
  "LMPOP": [
    ["RPUSH", "a", "1", "2", "3"],
    ["RPUSH", "b", "4", "5"],
    ["LMPOP", "2", "missing", "a", "LEFT"],
    ["LMPOP", "2", "missing", "a", "RIGHT", "COUNT", "10"],
    ["EXISTS", "a"],
    ["LMPOP", "3", "missing", "a", "b", "right", "count", "1"],
    ["LMPOP", "1", "missing", "LEFT"],
    ["LMPOP", "1", "b", "LEFT", "COUNT", "1", "COUNT", "2"],
    ["LMPOP", "0", "b", "LEFT"],
    ["LMPOP", "-1", "b", "LEFT"],
    ["LMPOP", "x", "b", "LEFT"],
    ["LMPOP", "2", "b", "LEFT"],
    ["LMPOP", "5", "b", "LEFT"],
    ["LMPOP", "1", "b", "MIDDLE"],
    ["LMPOP", "1", "b", "LEFT", "COUNT"],
    ["LMPOP", "1", "b", "LEFT", "COUNT", "0"],
    ["LMPOP", "1", "b", "LEFT", "COUNT", "-1"],
    ["LMPOP", "1", "b", "LEFT", "COUNT", "x"],
    ["LMPOP", "1", "b", "LEFT", "FOO", "1"],
    ["LMPOP", "1", "b", "LEFT", "COUNT", INT64_MAX],
    ["EXISTS", "b"],
    ["LMPOP", "1", "b"],
    ["SET", "str", "v"],
    ["RPUSH", "c", "x"],
    ["LMPOP", "2", "str", "c", "LEFT"],
    ["LMPOP", "2", "c", "str", "LEFT"],
    ["LMPOP", "2", "missing", "str", "LEFT"],
  ],
  "blocking commands served at once, timing out, and their argument errors": [
    ["RPUSH", "a", "1", "2", "3"],
    ["BLPOP", "missing", "a", "0"],
    ["BRPOP", "a", "missing", "0.5"],
    ["BLPOP", "missing", "0.01"],
    ["BRPOP", "missing", "0.001"],
    ["BLMOVE", "a", "d", "LEFT", "RIGHT", "0"],
    ["BRPOPLPUSH", "d", "a", "0"],
    ["BLMOVE", "missing", "d", "LEFT", "RIGHT", "0.01"],
    ["BRPOPLPUSH", "missing", "d", "0.01"],
    ["RPUSH", "b", "4", "5", "6"],
    ["BLMPOP", "0", "2", "missing", "b", "RIGHT", "COUNT", "2"],
    ["BLMPOP", "0", "1", "b", "LEFT"],
    ["EXISTS", "b"],
    ["BLMPOP", "0.01", "1", "missing", "LEFT"],
    ["BLPOP", "a", "x"],
    ["BLPOP", "a", "-1"],
    ["BLPOP", "a", "-0.0001"],
    ["BLPOP", "a", "nan"],
    ["BLPOP", "a", "inf"],
    ["BLPOP", "a", "1e400"],
    ["BLPOP", "a", ""],
    ["BLMOVE", "a", "d", "UP", "RIGHT", "x"],
    ["BLMOVE", "a", "d", "LEFT", "UP", "x"],
    ["BLMOVE", "a", "d", "LEFT", "RIGHT", "x"],
    ["BRPOPLPUSH", "a", "d", "-1"],
    ["BLMPOP", "x", "0", "a", "LEFT"],
    ["BLMPOP", "x", "1", "a", "UP"],
    ["BLMPOP", "x", "1", "a", "LEFT", "COUNT", "0"],
    ["BLMPOP", "x", "1", "a", "LEFT"],
    ["BLMPOP", "-1", "1", "a", "LEFT"],
    ["BLMPOP", "0", "3", "a", "LEFT"],
    ["SET", "str", "v"],
    ["RPUSH", "a", "x", "y"],
    ["BLPOP", "missing", "str", "a", "0"],
    ["BLPOP", "a", "str", "0"],
    ["BLMOVE", "str", "d", "LEFT", "LEFT", "0"],
    ["BLMOVE", "a", "str", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "a", "str", "0"],
    ["LRANGE", "a", "0", "-1"],
    ["BLMPOP", "0", "2", "str", "a", "LEFT"],
    ["BLPOP", "a"],
    ["BLMOVE", "a", "d", "LEFT", "RIGHT"],
    ["BLMPOP", "0", "1", "a"],
  ],
  "WRONGTYPE, key commands and empty-key deletion": [
    ["SET", "str", "v"],
    ["LPUSH", "str", "a"],
    ["RPUSH", "str", "a"],
    ["LPUSHX", "str", "a"],
    ["RPUSHX", "str", "a"],
    ["LPOP", "str"],
    ["RPOP", "str", "2"],
    ["LLEN", "str"],
    ["LINDEX", "str", "0"],
    ["LINDEX", "str", "x"],
    ["LSET", "str", "0", "x"],
    ["LSET", "str", "x", "x"],
    ["LRANGE", "str", "0", "-1"],
    ["LTRIM", "str", "0", "-1"],
    ["LINSERT", "str", "BEFORE", "a", "b"],
    ["LREM", "str", "0", "a"],
    ["LPOS", "str", "a"],
    ["LPOS", "str", "a", "RANK", "0"],
    ["RPUSH", "l", "b", "a"],
    ["TYPE", "l"],
    ["OBJECT", "ENCODING", "l"],
    ["GET", "l"],
    ["SADD", "l", "x"],
    ["HSET", "l", "f", "v"],
    ["RPUSH", "big", ...range(1, 1000)],
    ["OBJECT", "ENCODING", "big"],
    ["RPUSH", "long", "x".repeat(10_000)],
    ["OBJECT", "ENCODING", "long"],
    ["RENAME", "l", "m"],
    ["LRANGE", "m", "0", "-1"],
    ["COPY", "m", "c"],
    ["RPUSH", "c", "z"],
    ["LRANGE", "m", "0", "-1"],
    ["LRANGE", "c", "0", "-1"],
    ["OBJECT", "ENCODING", "c"],
    ["SCAN", "0", "TYPE", "list"],
    ["EXPIRE", "m", "100"],
    ["RPUSH", "m", "q"],
    ["TTL", "m"],
    ["LPOP", "m", "3"],
    ["EXISTS", "m"],
    ["RPUSH", "m", "r"],
    ["TTL", "m"],
    ["LREM", "m", "0", "r"],
    ["EXISTS", "m"],
    ["DEL", "c", "big", "long"],
    ["DBSIZE"],
  ],
  "COMMAND GETKEYS for the numkeys forms": [
    ["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
    ["COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "3"],
    ["COMMAND", "GETKEYS", "LMPOP", "0", "a", "LEFT"],
    ["COMMAND", "GETKEYS", "BLMPOP", "0", "3", "a", "LEFT"],
    ["COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"],
    ["COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "RIGHT"],
  ],
};

Deno.test({
  name: "list commands reply as a real redis-server does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/**
 * Everything a server writes in answer to `script` (sent after FLUSHALL, and
 * HELLO 3 when `resp3`), as one binary string: null bulk and null array, `_`,
 * `*0`, are all told apart here.
 */
async function rawReplies(port: number, script: string[][], resp3: boolean): Promise<string> {
  const conn = await RawConnection.open(port);
  try {
    await conn.command("FLUSHALL");
    if (resp3) await conn.command("HELLO", "3");
    await conn.send([...script, ["QUIT"]].map(encodeCommand).join(""));
    return await conn.readToEnd();
  } finally {
    conn.close();
  }
}

/** Scripts whose exact bytes are compared, in RESP2 and in RESP3. */
const BYTE_EXACT: string[][] = [
  ["RPUSH", "l", "a", "b", "c"],
  ["LPOP", "missing"],
  ["LPOP", "missing", "0"],
  ["LPOP", "missing", "2"],
  ["RPOP", "l", "0"],
  ["RPOP", "l", "2"],
  ["LINDEX", "missing", "0"],
  ["LINDEX", "l", "9"],
  ["LRANGE", "missing", "0", "-1"],
  ["LPOS", "l", "nope"],
  ["LPOS", "l", "nope", "COUNT", "0"],
  ["LPOS", "missing", "a", "COUNT", "0"],
  ["LMOVE", "missing", "d", "LEFT", "LEFT"],
  ["RPOPLPUSH", "missing", "d"],
  ["LMPOP", "1", "missing", "LEFT"],
  ["LMPOP", "1", "l", "LEFT"],
  ["RPUSH", "l", "x", "y"],
  ["BLPOP", "l", "0"],
  ["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "5"],
  ["BLPOP", "missing", "0.01"],
  ["BRPOP", "missing", "other", "0.01"],
  ["BLMOVE", "missing", "d", "LEFT", "RIGHT", "0.01"],
  ["BRPOPLPUSH", "missing", "d", "0.01"],
  ["BLMPOP", "0.01", "2", "missing", "other", "LEFT", "COUNT", "2"],
  ["LTRIM", "missing", "0", "1"],
  ["LINSERT", "missing", "BEFORE", "a", "b"],
  ["LSET", "missing", "0", "x"],
  // Inside MULTI nothing blocks; BLMOVE and BRPOPLPUSH then answer a null bulk, not their timeout's null array.
  ["MULTI"],
  ["BLMOVE", "missing", "d", "LEFT", "RIGHT", "0"],
  ["BRPOPLPUSH", "missing", "d", "0"],
  ["BLPOP", "missing", "0"],
  ["BLMPOP", "0", "1", "missing", "LEFT"],
  ["EXEC"],
];

Deno.test({
  name: "list replies are byte for byte Redis's, nulls included, in RESP2 and RESP3",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      for (const resp3 of [false, true]) {
        await t.step(resp3 ? "RESP3" : "RESP2", async () => {
          const expected = await rawReplies(redis.port, BYTE_EXACT, resp3);
          const actual = await rawReplies(redix.port, BYTE_EXACT, resp3);
          assert.equal(JSON.stringify(actual), JSON.stringify(expected));
        });
      }
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

/**
 * Blocking scenarios, each run on a fresh database and returning what its
 * clients saw; the expected values are asserted on Redix and, where it is
 * installed, on redis-server, so they are Redis's own.
 */
const BLOCKING: Record<string, Scenario> = {
  "waiters are served in arrival order and a served push leaves no key": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLPOP", "k", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BLPOP", "other", "k", "0"]);
      await blocked(admin, 2);
      const w3 = await waiter(port, ["BRPOP", "k", "0"]);
      await blocked(admin, 3);
      const seen = [await admin.command("RPUSH", "k", "a", "b"), await w1.reply(), await w2.reply()];
      seen.push(await admin.command("LLEN", "k"), await admin.command("EXISTS", "k"));
      seen.push(await blockedClients(admin), await admin.command("RPUSH", "other", "z"));
      seen.push(
        await admin.command("LPUSH", "k", "c", "d"),
        await w3.reply(),
        await admin.command("LRANGE", "k", "0", "-1"),
      );
      seen.push(await blockedClients(admin));
      for (const w of [w1, w2, w3]) w.close();
      return seen;
    },
    expected: [2, ["k", "a"], ["k", "b"], 0, 0, 1, 1, 2, ["k", "c"], ["d"], 0],
  },
  "more elements than waiters: the rest stays": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BRPOP", "k", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BLPOP", "k", "0"]);
      await blocked(admin, 2);
      const seen = [
        await admin.command("RPUSH", "k", "a", "b", "c", "d"),
        await w1.reply(),
        await w2.reply(),
      ];
      seen.push(await admin.command("LRANGE", "k", "0", "-1"));
      w1.close();
      w2.close();
      return seen;
    },
    expected: [4, ["k", "d"], ["k", "a"], ["b", "c"]],
  },
  "a sub-second timeout replies a null after at least that long": {
    run: async (port, admin) => {
      const seen: Reply[] = [];
      for (
        const argv of [["BLPOP", "k", "0.2"], ["BLMOVE", "k", "d", "LEFT", "RIGHT", "0.1"], [
          "BLMPOP",
          "0.1",
          "1",
          "k",
          "LEFT",
        ]]
      ) {
        const start = Date.now();
        const w = await waiter(port, argv);
        seen.push(await w.reply());
        const waited = Date.now() - start;
        assert.ok(
          waited >= Number(argv.find((a) => a.startsWith("0."))) * 1000,
          `${argv[0]} waited ${waited} ms`,
        );
        w.close();
      }
      seen.push(await blockedClients(admin), await admin.command("EXISTS", "k", "d"));
      return seen;
    },
    expected: [null, null, null, 0, 0],
  },
  "a disconnected waiter is dropped and the next one gets the element": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLPOP", "k", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BLPOP", "k", "0"]);
      await blocked(admin, 2);
      w1.close();
      await blocked(admin, 1);
      const seen = [
        await admin.command("RPUSH", "k", "x"),
        await w2.reply(),
        await admin.command("LLEN", "k"),
      ];
      w2.close();
      return seen;
    },
    expected: [1, ["k", "x"], 0],
  },
  "BLMOVE, BRPOPLPUSH and BLMPOP chain through the keys they push to": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BRPOPLPUSH", "b", "c", "0"]);
      await blocked(admin, 2);
      const w3 = await waiter(port, ["BLMPOP", "0", "2", "x", "c", "LEFT", "COUNT", "5"]);
      await blocked(admin, 3);
      const seen = [
        await admin.command("RPUSH", "a", "1", "2"),
        await w1.reply(),
        await w2.reply(),
        await w3.reply(),
      ];
      seen.push(await admin.command("LRANGE", "a", "0", "-1"), await admin.command("EXISTS", "b", "c"));
      for (const w of [w1, w2, w3]) w.close();
      return seen;
    },
    expected: [2, "1", "1", ["c", ["1"]], ["2"], 0],
  },
  "BLMPOP waits on several keys and pops up to COUNT from the one that fills": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2"]);
      await blocked(admin, 1);
      const seen = [await admin.command("RPUSH", "k2", "1", "2", "3"), await w1.reply()];
      seen.push(await admin.command("LRANGE", "k2", "0", "-1"));
      w1.close();
      return seen;
    },
    expected: [3, ["k2", ["3", "2"]], ["1"]],
  },
  "a waited key that gets another type keeps its waiter waiting": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLPOP", "k", "0"]);
      await blocked(admin, 1);
      const seen = [await admin.command("SET", "k", "v"), await blockedClients(admin)];
      seen.push(await admin.command("DEL", "k"), await admin.command("RPUSH", "k", "a"), await w1.reply());
      w1.close();
      return seen;
    },
    expected: ["OK", 1, 1, 1, ["k", "a"]],
  },
  "a served BLMOVE whose destination holds another type gets WRONGTYPE and stops waiting": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BLMOVE", "src", "str", "LEFT", "RIGHT", "0"]);
      await blocked(admin, 1);
      await admin.command("SET", "str", "v");
      const seen = [await admin.command("RPUSH", "src", "a"), await w1.reply()];
      seen.push(await admin.command("LRANGE", "src", "0", "-1"), await blockedClients(admin));
      w1.close();
      return seen;
    },
    expected: [1, { error: "WRONGTYPE Operation against a key holding the wrong kind of value" }, ["a"], 0],
  },
  "a waiter waits in its own database, and its pipeline waits behind it": {
    run: async (port, admin) => {
      const w1 = await RawConnection.open(port);
      await w1.command("SELECT", "1");
      await w1.send(encodeCommand(["BLPOP", "k", "0"]) + encodeCommand(["PING"]));
      await blocked(admin, 1);
      const seen = [await admin.command("RPUSH", "k", "in0"), await blockedClients(admin)];
      await admin.command("SELECT", "1");
      seen.push(await admin.command("RPUSH", "k", "in1"), await w1.reply(), await w1.reply());
      await admin.command("SELECT", "0");
      seen.push(await admin.command("LRANGE", "k", "0", "-1"));
      w1.close();
      return seen;
    },
    expected: [1, 1, 1, ["k", "in1"], "PONG", ["in0"]],
  },
};

scenarioTests("blocking list commands with several clients", BLOCKING);

Deno.test("list writes propagate what Redis 7.0 propagates; blocking pops as their non-blocking form", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const conn = await RawConnection.open(port);
    const expect = async (command: string[], propagated: string[][]) => {
      effects.length = 0;
      await conn.command(...command);
      assert.deepEqual(effects, propagated, command.join(" "));
    };
    await expect(["RPUSH", "l", "a", "b", "c", "d", "e", "f", "g"], [[
      "RPUSH",
      "l",
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
    ]]);
    await expect(["lpushx", "missing", "x"], []);
    await expect(["LPUSHX", "l", "x"], [["LPUSHX", "l", "x"]]);
    await expect(["lpop", "l", "2"], [["lpop", "l", "2"]]);
    await expect(["RPOP", "l"], [["RPOP", "l"]]);
    await expect(["RPOP", "l", "0"], []);
    await expect(["RPOP", "missing", "3"], []);
    await expect(["lmove", "l", "d", "Left", "rIght"], [["lmove", "l", "d", "Left", "rIght"]]);
    await expect(["LMOVE", "missing", "d", "LEFT", "LEFT"], []);
    await expect(["rpoplpush", "l", "d"], [["rpoplpush", "l", "d"]]);
    await expect(["LMPOP", "2", "missing", "l", "right", "count", "100"], [["RPOP", "l", "3"]]);
    await expect(["LMPOP", "1", "missing", "LEFT"], []);
    await expect(["RPUSH", "l", "a", "b", "c"], [["RPUSH", "l", "a", "b", "c"]]);
    await expect(["blpop", "missing", "l", "0"], [["LPOP", "l"]]);
    await expect(["BRPOP", "l", "0"], [["RPOP", "l"]]);
    await expect(["brpoplpush", "l", "d", "0"], [["RPOPLPUSH", "l", "d"]]);
    await expect(["blmove", "d", "l", "lEft", "RIGHT", "0"], [["LMOVE", "d", "l", "lEft", "RIGHT"]]);
    await expect(["BLMPOP", "0", "1", "d", "LEFT", "COUNT", "2"], [["LPOP", "d", "2"]]);
    await expect(["RPUSH", "d", "e", "f", "g", "h"], [["RPUSH", "d", "e", "f", "g", "h"]]);
    await expect(["LTRIM", "d", "0", "-1"], []);
    await expect(["LTRIM", "d", "1", "-1"], [["LTRIM", "d", "1", "-1"]]);
    await expect(["LTRIM", "missing", "1", "-1"], []);
    await expect(["LREM", "d", "0", "zz"], []);
    await expect(["LREM", "d", "0", "g"], [["LREM", "d", "0", "g"]]);
    await expect(["LINSERT", "d", "BEFORE", "zz", "x"], []);
    await expect(["LINSERT", "d", "BEFORE", "f", "x"], [["LINSERT", "d", "BEFORE", "f", "x"]]);
    await expect(["LSET", "d", "0", "y"], [["LSET", "d", "0", "y"]]);
    await expect(["LSET", "d", "9", "y"], []);
    await expect(["LTRIM", "d", "1", "0"], [["LTRIM", "d", "1", "0"]]);
    await expect(["LRANGE", "l", "0", "-1"], []);
    await expect(["LPOS", "l", "a"], []);

    // Served later: the push first, then each waiter's non-blocking equivalent,
    // with LMOVE's sides spelled "left" / "right" as Redis 7.0 writes them.
    await conn.command("FLUSHALL");
    effects.length = 0;
    const waiters = [
      await waiter(port, ["BLPOP", "k", "0"]),
      await waiter(port, ["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"]),
      await waiter(port, ["BRPOPLPUSH", "b", "c", "0"]),
      await waiter(port, ["BLMPOP", "0", "1", "c", "RIGHT", "COUNT", "5"]),
    ];
    await blocked(conn, 4);
    await conn.command("RPUSH", "k", "1", "2");
    await conn.command("RPUSH", "a", "x");
    for (const w of waiters) {
      await w.reply();
      w.close();
    }
    assert.deepEqual(effects, [
      ["RPUSH", "k", "1", "2"],
      ["LPOP", "k"],
      ["RPUSH", "a", "x"],
      ["LMOVE", "a", "b", "left", "right"],
      ["RPOPLPUSH", "b", "c"],
      ["RPOP", "c", "1"],
    ]);
    conn.close();
  });
});

Deno.test("lists end to end through ioredis", async () => {
  await withServer(async ({ port }) => {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    const other = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    await client.connect();
    await other.connect();
    try {
      assert.equal(await client.rpush("l", "a", "b", "c", "b"), 4);
      assert.equal(await client.lpush("l", "z"), 5);
      assert.deepEqual(await client.lrange("l", 0, -1), ["z", "a", "b", "c", "b"]);
      assert.equal(await client.lindex("l", -1), "b");
      assert.equal(await client.lpos("l", "b"), 2);
      assert.deepEqual(await client.lpos("l", "b", "RANK", -1, "COUNT", 0), [4, 2]);
      assert.deepEqual(await client.lpop("l", 2), ["z", "a"]);
      assert.equal(await client.rpop("l"), "b");
      assert.equal(await client.lmove("l", "d", "LEFT", "RIGHT"), "b");
      assert.equal(await client.linsert("l", "BEFORE", "c", "x"), 2);
      assert.equal(await client.lrem("l", 0, "x"), 1);
      assert.equal(await client.lset("l", 0, "C"), "OK");
      assert.equal(await client.ltrim("l", 0, 0), "OK");
      assert.deepEqual(await client.lmpop(2, "missing", "l", "LEFT", "COUNT", 5), ["l", ["C"]]);
      assert.equal(await client.exists("l"), 0);
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await client.rpush("bin", bytes);
      assert.deepEqual(await client.lpopBuffer("bin"), bytes);

      // A blocking pop on one connection, served by a push from another.
      const popped = client.blpop("q", 0);
      await waitFor(
        async () => (await other.info("clients")).includes("blocked_clients:1"),
        "BLPOP to block",
      );
      await other.rpush("q", "job");
      assert.deepEqual(await popped, ["q", "job"]);
      assert.equal(await client.blpop("q", 0.05), null);
      const moved = client.blmove("q", "done", "LEFT", "LEFT", 0);
      await waitFor(
        async () => (await other.info("clients")).includes("blocked_clients:1"),
        "BLMOVE to block",
      );
      await other.lpush("q", "next");
      assert.equal(await moved, "next");
      assert.deepEqual(await other.lrange("done", 0, -1), ["next"]);
    } finally {
      client.disconnect();
      other.disconnect();
    }
  });
});

Deno.test("node-redis: lists in RESP2 and RESP3, blocking included", async () => {
  await withServer(async ({ port }) => {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ socket: { host: "127.0.0.1", port }, RESP });
      await client.connect();
      const blocker = client.duplicate();
      await blocker.connect();
      try {
        await client.del(["l", "q"]);
        assert.equal(await client.rPush("l", ["a", "b", "c"]), 3);
        assert.deepEqual(await client.lRange("l", 0, -1), ["a", "b", "c"]);
        assert.equal(await client.lPop("l"), "a");
        assert.deepEqual(await client.rPopCount("l", 5), ["c", "b"]);
        assert.equal(await client.lPop("l"), null);
        assert.equal(await client.lLen("l"), 0);
        await client.rPush("l", ["x", "y", "x"]);
        assert.equal(await client.lPos("l", "x", { RANK: -1 }), 2);
        assert.deepEqual(await client.lPosCount("l", "x", 0), [0, 2]);
        assert.deepEqual(await client.sendCommand(["LMPOP", "1", "l", "RIGHT", "COUNT", "2"]), ["l", [
          "x",
          "y",
        ]]);
        assert.equal(await client.sendCommand(["LMPOP", "1", "missing", "LEFT"]), null);

        const popped = blocker.blPop("q", 0);
        await waitFor(
          async () => (await client.info("clients")).includes("blocked_clients:1"),
          "BLPOP to block",
        );
        assert.equal(await client.rPush("q", "job"), 1);
        assert.deepEqual({ ...await popped }, { key: "q", element: "job" });
        assert.equal(await blocker.blPop("q", 0.05), null);
        assert.equal(await blocker.blMove("q", "d", "LEFT", "RIGHT", 0.05), null);
      } finally {
        await blocker.close();
        await client.close();
      }
    }
  });
});
