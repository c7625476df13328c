/**
 * Hash commands: replies compared with a real redis-server (skipped where it is
 * not installed), in RESP2 and RESP3; HRANDFIELD and HSCAN compared by shape,
 * since their randomness and a hashtable's order differ between the servers;
 * what the writes propagate; and end to end through ioredis and node-redis.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import type { RedixServer } from "../lib/server/server.ts";
import {
  ALL_BYTES,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
  withServer,
} from "./helpers.ts";

const V64 = "v".repeat(64);
const V65 = "v".repeat(65);
const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";

/** HSET key f0 v0 f1 v1 ... */
function hsetMany(key: string, n: number, from = 0): string[] {
  const argv = ["HSET", key];
  for (let i = from; i < from + n; i++) argv.push(`f${i}`, `v${i}`);
  return argv;
}

const SCRIPTS: Record<string, string[][]> = {
  "HSET, HGET, HMSET, HMGET, HSETNX, HLEN, HSTRLEN, HEXISTS": [
    ["HSET", "h", "a", "1"],
    ["HSET", "h", "a", "2", "b", "3", "c", "4"],
    ["HSET", "h", "a", "2"],
    ["HGET", "h", "a"],
    ["HGET", "h", "nope"],
    ["HGET", "missing", "a"],
    ["HMSET", "h", "d", "5", "e", "6"],
    ["HMGET", "h", "a", "nope", "e"],
    ["HMGET", "missing", "a", "b"],
    ["HSETNX", "h", "a", "x"],
    ["HSETNX", "h", "z", "x"],
    ["HSETNX", "new", "f", "v"],
    ["HGETALL", "new"],
    ["HLEN", "h"],
    ["HLEN", "missing"],
    ["HSTRLEN", "h", "a"],
    ["HSTRLEN", "h", "nope"],
    ["HSTRLEN", "missing", "a"],
    ["HEXISTS", "h", "a"],
    ["HEXISTS", "h", "nope"],
    ["HEXISTS", "missing", "a"],
    ["HSET", "h", "empty", ""],
    ["HGET", "h", "empty"],
    ["HSTRLEN", "h", "empty"],
    ["HSET", "h", "", "empty field"],
    ["HGET", "h", ""],
    ["HGETALL", "h"],
    ["HKEYS", "h"],
    ["HVALS", "h"],
    ["HSET", "h"],
    ["HSET", "h", "a"],
    ["HSET", "h", "a", "1", "b"],
    ["HMSET", "h", "a"],
    ["HMSET", "h", "a", "1", "b"],
    ["HSETNX", "h", "a"],
    ["HGET", "h"],
    ["HMGET", "h"],
    ["HLEN"],
    ["HLEN", "a", "b"],
    ["HSTRLEN", "h"],
    ["HEXISTS", "h"],
    ["HGETALL"],
    ["HKEYS", "a", "b"],
  ],
  "insertion order of a listpack: updates keep their place, re-added fields go last": [
    ["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
    ["HDEL", "h", "b"],
    ["HSET", "h", "b", "5", "a", "6"],
    ["HSETNX", "h", "e", "7"],
    ["HINCRBY", "h", "c", "10"],
    ["HGETALL", "h"],
    ["HKEYS", "h"],
    ["HVALS", "h"],
    ["HSCAN", "h", "0"],
    ["HRANDFIELD", "h", "100"],
    ["HRANDFIELD", "h", "5", "WITHVALUES"],
  ],
  // Redix keeps a listpack in an array up to 16 fields and in a Map beyond: the order must not show it.
  "insertion order of a listpack through its growth, one field at a time to 130": Array.from(
    { length: 130 },
    (_, i) => [
      ["HSET", "g", `f${i}`, `v${i}`],
      ...(i % 3 === 0 ? [["HDEL", "g", `f${i >> 1}`], ["HSET", "g", `f${i >> 2}`, `again${i}`]] : []),
      ["HGETALL", "g"],
      ["HSCAN", "g", "0", "COUNT", "1000"],
      ["OBJECT", "ENCODING", "g"],
      ["HRANDFIELD", "g", "1000"],
    ],
  ).flat(),
  "binary fields and values": [
    ["HSET", ALL_BYTES, ALL_BYTES.slice(0, 60), ALL_BYTES.slice(60, 120)],
    ["HSET", ALL_BYTES, "\x00", "\xff\r\n"],
    ["HGET", ALL_BYTES, ALL_BYTES.slice(0, 60)],
    ["HGETALL", ALL_BYTES],
    ["OBJECT", "ENCODING", ALL_BYTES],
    ["HSET", "big", ALL_BYTES, ALL_BYTES],
    ["HGET", "big", ALL_BYTES],
    ["HSTRLEN", "big", ALL_BYTES],
    ["HGETALL", "big"],
    ["OBJECT", "ENCODING", "big"],
    ["HSCAN", ALL_BYTES, "0", "MATCH", "\x00"],
  ],
  "HDEL deletes the key with its last field": [
    ["HDEL", "missing", "a"],
    ["HSET", "h", "a", "1", "b", "2", "c", "3"],
    ["HDEL", "h", "nope"],
    ["HDEL", "h", "a", "a", "nope"],
    ["HLEN", "h"],
    ["HDEL", "h", "b", "c", "b"],
    ["EXISTS", "h"],
    ["TYPE", "h"],
    ["HSET", "h", "a", "1"],
    ["EXPIRE", "h", "100"],
    ["HDEL", "h", "a"],
    ["TTL", "h"],
    ["HSET", "h", "a", "1"],
    ["TTL", "h"],
    ["HDEL", "h"],
  ],
  "HINCRBY": [
    ["HINCRBY", "h", "n", "5"],
    ["HINCRBY", "h", "n", "-10"],
    ["HINCRBY", "h", "n", "0"],
    ["HSET", "h", "max", INT64_MAX, "min", INT64_MIN, "s", "abc", "sp", " 1", "f", "1.5", "z", "01", "e", ""],
    ["HINCRBY", "h", "max", "1"],
    ["HINCRBY", "h", "max", "-1"],
    ["HINCRBY", "h", "min", "-1"],
    ["HINCRBY", "h", "min", "1"],
    ["HINCRBY", "h", "min", INT64_MAX],
    ["HINCRBY", "h", "n", INT64_MIN],
    ["HINCRBY", "h", "n", INT64_MAX],
    ["HINCRBY", "h", "big", "9007199254740993"],
    ["HINCRBY", "h", "big", "1"],
    ["HINCRBY", "h", "s", "1"],
    ["HINCRBY", "h", "sp", "1"],
    ["HINCRBY", "h", "f", "1"],
    ["HINCRBY", "h", "z", "1"],
    ["HINCRBY", "h", "e", "1"],
    ["HINCRBY", "h", "n", "x"],
    ["HINCRBY", "h", "n", "1.5"],
    ["HINCRBY", "h", "n", "9223372036854775808"],
    ["HINCRBY", "h", "n", ""],
    ["HGETALL", "h"],
    ["HINCRBY", "h", "n"],
  ],
  "HINCRBYFLOAT": [
    ["HINCRBYFLOAT", "h", "x", "10.5"],
    ["HINCRBYFLOAT", "h", "x", "0.1"],
    ["HINCRBYFLOAT", "h", "x", "-5.0e3"],
    ["HINCRBYFLOAT", "h", "x", "0x10"],
    ["HINCRBYFLOAT", "h", "y", "3.0"],
    ["HINCRBYFLOAT", "h", "y", "-0"],
    ["HINCRBYFLOAT", "h", "z", "1e30"],
    ["HSET", "h", "int", INT64_MAX, "s", "abc", "sp", " 1", "hex", "0x10", "inf", "inf", "e", "1e3"],
    ["HINCRBYFLOAT", "h", "int", "1"],
    ["HINCRBYFLOAT", "h", "s", "1"],
    ["HINCRBYFLOAT", "h", "sp", "1"],
    ["HINCRBYFLOAT", "h", "hex", "1"],
    ["HINCRBYFLOAT", "h", "inf", "1"],
    ["HINCRBYFLOAT", "h", "e", "1"],
    ["HINCRBYFLOAT", "h", "x", "abc"],
    ["HINCRBYFLOAT", "h", "x", "inf"],
    ["HINCRBYFLOAT", "h", "x", "-inf"],
    ["HINCRBYFLOAT", "h", "x", "nan"],
    ["HINCRBYFLOAT", "h", "x", "1e5000"],
    ["HINCRBYFLOAT", "h", "x", ""],
    ["HINCRBYFLOAT", "fresh", "x", "inf"],
    ["EXISTS", "fresh"],
    ["HGETALL", "h"],
    ["OBJECT", "ENCODING", "h"],
    ["HINCRBYFLOAT", "h", "w", "1e70"],
    ["HGET", "h", "w"],
    ["OBJECT", "ENCODING", "h"],
  ],
  "WRONGTYPE both ways": [
    ["SET", "s", "x"],
    ["HSET", "s", "a", "1"],
    ["HMSET", "s", "a", "1"],
    ["HSETNX", "s", "a", "1"],
    ["HGET", "s", "a"],
    ["HMGET", "s", "a"],
    ["HDEL", "s", "a"],
    ["HLEN", "s"],
    ["HSTRLEN", "s", "a"],
    ["HEXISTS", "s", "a"],
    ["HKEYS", "s"],
    ["HVALS", "s"],
    ["HGETALL", "s"],
    ["HINCRBY", "s", "a", "1"],
    ["HINCRBY", "s", "a", "x"],
    ["HINCRBYFLOAT", "s", "a", "1"],
    ["HINCRBYFLOAT", "s", "a", "x"],
    ["HRANDFIELD", "s"],
    ["HRANDFIELD", "s", "1"],
    ["HRANDFIELD", "s", "x"],
    ["HSCAN", "s", "0"],
    ["HSCAN", "s", "x"],
    ["HSET", "h", "a", "1"],
    ["GET", "h"],
    ["APPEND", "h", "x"],
    ["INCR", "h"],
    ["STRLEN", "h"],
    ["GETRANGE", "h", "0", "1"],
    ["SETRANGE", "h", "0", "x"],
    ["GETDEL", "h"],
    ["MGET", "h", "s"],
    ["SET", "h", "now a string"],
    ["GET", "h"],
  ],
  "TYPE, DEL, EXISTS, RENAME, COPY, OBJECT on hashes": [
    ["HSET", "h", "a", "1", "b", "2"],
    ["TYPE", "h"],
    ["EXISTS", "h"],
    ["OBJECT", "ENCODING", "h"],
    ["RENAME", "h", "h2"],
    ["HGETALL", "h2"],
    ["COPY", "h2", "h3"],
    ["HSET", "h3", "c", "3"],
    ["HGETALL", "h2"],
    ["HGETALL", "h3"],
    ["SCAN", "0", "TYPE", "hash"],
    ["HSET", "long", "f", V65],
    ["COPY", "long", "long2"],
    ["OBJECT", "ENCODING", "long2"],
    ["RENAME", "long2", "long3"],
    ["OBJECT", "ENCODING", "long3"],
    ["DEL", "h2", "h3", "long", "long3"],
    ["EXISTS", "h2"],
    ["TYPE", "h2"],
    ["HGETALL", "h2"],
    ["KEYS", "*"],
  ],
  "encoding switches at the thresholds and stays hashtable": [
    ["HSET", "v64", "f", V64, V64, "v"],
    ["OBJECT", "ENCODING", "v64"],
    ["HSET", "v65", "f", V65],
    ["OBJECT", "ENCODING", "v65"],
    ["HSET", "f65", V65, "v"],
    ["OBJECT", "ENCODING", "f65"],
    ["HSET", "nx", "a", "1"],
    ["HSETNX", "nx", "a", V65],
    ["OBJECT", "ENCODING", "nx"],
    ["HSETNX", "nx", V65, "1"],
    ["OBJECT", "ENCODING", "nx"],
    ["HINCRBY", "incr", V65, "1"],
    ["OBJECT", "ENCODING", "incr"],
    ["HINCRBYFLOAT", "incrf", V65, "1"],
    ["OBJECT", "ENCODING", "incrf"],
    ["HDEL", "v65", "f"],
    ["HSET", "v65", "a", "1"],
    ["OBJECT", "ENCODING", "v65"],
    hsetMany("n", 512),
    ["OBJECT", "ENCODING", "n"],
    ["HSET", "n", "f0", "updated"],
    ["OBJECT", "ENCODING", "n"],
    ["HSET", "n", "f512", "v"],
    ["OBJECT", "ENCODING", "n"],
    ["HLEN", "n"],
    ["HDEL", "n", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"],
    ["OBJECT", "ENCODING", "n"],
    ["HSCAN", "n", "0", "MATCH", "f511", "COUNT", "100000"],
    hsetMany("once", 600),
    ["OBJECT", "ENCODING", "once"],
    ["CONFIG", "SET", "hash-max-listpack-entries", "2"],
    ["HSET", "c", "a", "1", "b", "2"],
    ["OBJECT", "ENCODING", "c"],
    ["HSET", "c", "c", "3"],
    ["OBJECT", "ENCODING", "c"],
    ["HDEL", "c", "c", "b"],
    ["OBJECT", "ENCODING", "c"],
    ["CONFIG", "SET", "hash-max-listpack-entries", "0"],
    ["HSET", "zero", "a", "1"],
    ["OBJECT", "ENCODING", "zero"],
    ["CONFIG", "SET", "hash-max-ziplist-entries", "512"],
    ["CONFIG", "GET", "hash-max-listpack-entries"],
    ["CONFIG", "SET", "hash-max-listpack-value", "3"],
    ["HSET", "val", "abc", "abc"],
    ["OBJECT", "ENCODING", "val"],
    ["HSET", "val", "abcd", "1"],
    ["OBJECT", "ENCODING", "val"],
    ["CONFIG", "SET", "hash-max-ziplist-value", "64"],
    ["CONFIG", "GET", "hash-max-listpack-value"],
  ],
  "HSCAN": [
    ["HSCAN", "missing", "0"],
    ["HSCAN", "missing", "0", "COUNT", "0"],
    ["HSCAN", "missing", "0", "TYPE", "string"],
    ["HSCAN", "missing", "x"],
    ["HSET", "h", "a", "1", "b", "2", "ab", "3", "ba", "4"],
    ["HSCAN", "h", "0"],
    ["HSCAN", "h", "0", "COUNT", "1"],
    ["HSCAN", "h", "7", "COUNT", "1"],
    ["HSCAN", "h", "0", "MATCH", "a*"],
    ["HSCAN", "h", "0", "match", "*a", "count", "2"],
    ["HSCAN", "h", "0", "MATCH", "*"],
    ["HSCAN", "h", "0", "MATCH", "zz"],
    ["HSCAN", "h", "18446744073709551615"],
    ["HSCAN", "h", "-1"],
    ["HSCAN", "h", "18446744073709551616"],
    ["HSCAN", "h", "1.5"],
    ["HSCAN", "h", ""],
    ["HSCAN", "h", "0", "COUNT", "0"],
    ["HSCAN", "h", "0", "COUNT", "-1"],
    ["HSCAN", "h", "0", "COUNT", "x"],
    ["HSCAN", "h", "0", "COUNT"],
    ["HSCAN", "h", "0", "TYPE", "hash"],
    ["HSCAN", "h", "0", "NOVALUES"],
    ["HSCAN", "h"],
    hsetMany("big", 1000),
    ["HSCAN", "big", "0", "MATCH", "f999", "COUNT", "100000"],
  ],
  "HRANDFIELD's deterministic replies and errors": [
    ["HRANDFIELD", "missing"],
    ["HRANDFIELD", "missing", "5"],
    ["HRANDFIELD", "missing", "-5", "WITHVALUES"],
    ["HRANDFIELD", "missing", "x"],
    ["HRANDFIELD", "missing", "1", "foo"],
    ["HSET", "h", "only", "one"],
    ["HRANDFIELD", "h"],
    ["HRANDFIELD", "h", "1"],
    ["HRANDFIELD", "h", "-3"],
    ["HRANDFIELD", "h", "-3", "WITHVALUES"],
    ["HRANDFIELD", "h", "2", "withvalues"],
    ["HRANDFIELD", "h", "0"],
    ["HRANDFIELD", "h", "0", "WITHVALUES"],
    ["HRANDFIELD", "h", "x"],
    ["HRANDFIELD", "h", "1.5"],
    ["HRANDFIELD", "h", INT64_MIN],
    ["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"],
    ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
    ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
    ["HRANDFIELD", "h", "1", "WITHVALUE"],
    ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
    ["HRANDFIELD", "h", "x", "foo"],
    ["HRANDFIELD", "h", INT64_MIN, "foo"],
    ["HRANDFIELD", "h", "4611686018427387904", "foo"],
    ["HRANDFIELD", "h", "9223372036854775807"],
    hsetMany("lp", 5),
    ["HRANDFIELD", "lp", "5", "WITHVALUES"],
    ["HRANDFIELD", "lp", "50"],
  ],
};

Deno.test({
  name: "hash commands reply as a real redis-server does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/** Replies to `script` after FLUSHALL and HELLO 3. */
async function resp3Replies(port: number, script: string[][]): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    await conn.command("FLUSHALL");
    await conn.command("HELLO", "3");
    const replies: Reply[] = [];
    for (const command of script) replies.push(await conn.command(...command));
    return replies;
  } finally {
    conn.close();
  }
}

/**
 * A reply with each field replaced by "field" and each value by "value" (after
 * checking it belongs to the field before it), so that random replies compare
 * by their shape: nesting, lengths, and that they only hold the hash's data.
 */
function shape(reply: Reply, hash: Map<string, string>): Reply {
  if (typeof reply === "string") {
    if (hash.has(reply)) return "field";
    assert.ok([...hash.values()].includes(reply), `${reply} is neither a field nor a value`);
    return "value";
  }
  if (Array.isArray(reply)) return reply.map((item) => shape(item, hash));
  return reply;
}

/** Fields f0..f(n-1) with values v0..v(n-1). */
function fieldsOf(n: number): Map<string, string> {
  return new Map(Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]));
}

Deno.test({
  name: "HRANDFIELD: counts and reply shapes as Redis's, in RESP2 and RESP3, in both encodings",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      // An array, a Map (both listpack) and a hashtable in Redix.
      for (const n of [5, 40, 600]) {
        const hash = fieldsOf(n);
        const script: string[][] = [hsetMany("h", n), ["OBJECT", "ENCODING", "h"]];
        for (const count of ["1", "3", "-3", "-1000", String(n - 1), String(n), String(n + 10), "0"]) {
          script.push(["HRANDFIELD", "h", count], ["HRANDFIELD", "h", count, "WITHVALUES"]);
        }
        script.push(["HRANDFIELD", "h"]);
        for (const resp of [2, 3]) {
          const run = async (port: number) => {
            if (resp === 2) {
              const conn = await RawConnection.open(port);
              await conn.command("FLUSHALL");
              const replies: Reply[] = [];
              for (const command of script) replies.push(await conn.command(...command));
              conn.close();
              return replies;
            }
            return await resp3Replies(port, script);
          };
          const [ours, theirs] = [await run(redix.port), await run(redis.port)];
          for (let i = 0; i < script.length; i++) {
            const what = `RESP${resp} ${script[i].slice(0, 4).join(" ")}`;
            if (script[i][0] !== "HRANDFIELD") {
              assert.deepEqual(ours[i], theirs[i], what);
              continue;
            }
            assert.deepEqual(shape(ours[i], hash), shape(theirs[i], hash), what);
            if (!(Number(script[i][2]) > 0)) continue;
            // Distinct fields for a positive count, each with its own value.
            const pairs = (ours[i] as Reply[]).map((item) => Array.isArray(item) ? item : [item]);
            const fields = script[i].length === 4 && resp === 2
              ? pairs.filter((_, j) => j % 2 === 0).map(([f]) => f)
              : pairs.map(([f]) => f);
            assert.equal(new Set(fields).size, fields.length, what);
            if (resp === 3 && script[i].length === 4) {
              for (const [f, v] of pairs) assert.equal(v, hash.get(f as string), what);
            }
          }
        }
      }
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "RESP3 shapes: HGETALL is a map, HRANDFIELD WITHVALUES pairs, nulls",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      const script = [
        ["HSET", "h", "a", "1", "b", "2"],
        ["HGETALL", "h"],
        ["HGETALL", "missing"],
        ["HKEYS", "missing"],
        ["HVALS", "h"],
        ["HMGET", "h", "a", "nope"],
        ["HGET", "h", "nope"],
        ["HRANDFIELD", "missing"],
        ["HRANDFIELD", "missing", "2", "WITHVALUES"],
        ["HRANDFIELD", "h", "2", "WITHVALUES"],
        ["HRANDFIELD", "h", "0", "WITHVALUES"],
        ["HSCAN", "h", "0"],
        ["HSCAN", "missing", "0"],
        ["HEXISTS", "h", "a"],
        ["HINCRBYFLOAT", "h", "a", "1.5"],
        ["HSET", "single", "f", V65],
        ["HGETALL", "single"],
        ["HRANDFIELD", "single", "1", "WITHVALUES"],
        ["HRANDFIELD", "single", "-2", "WITHVALUES"],
      ];
      assert.deepEqual(await resp3Replies(redix.port, script), await resp3Replies(redis.port, script));
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "a hashtable's HGETALL, HKEYS, HVALS and HSCAN hold what Redis's hold",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      const run = async (port: number) => {
        const conn = await RawConnection.open(port);
        await conn.command("FLUSHALL");
        await conn.command(...hsetMany("h", 1000));
        const all = await conn.command("HGETALL", "h") as string[];
        const keys = await conn.command("HKEYS", "h") as string[];
        const values = await conn.command("HVALS", "h") as string[];
        const pairs: string[] = [];
        for (let i = 0; i < all.length; i += 2) pairs.push(`${all[i]}=${all[i + 1]}`);
        // Every field exactly once per full walk here: nothing changes during it.
        const scanned: string[] = [];
        let cursor = "0";
        let calls = 0;
        do {
          const [next, items] = await conn.command("HSCAN", "h", cursor, "COUNT", "10") as [string, string[]];
          for (let i = 0; i < items.length; i += 2) scanned.push(`${items[i]}=${items[i + 1]}`);
          cursor = next;
          calls++;
        } while (cursor !== "0");
        conn.close();
        return {
          pairs: pairs.sort(),
          keys: keys.sort(),
          values: values.sort(),
          scanned: scanned.sort(),
          callsAboutHundred: calls > 50 && calls < 200,
        };
      };
      const ours = await run(redix.port);
      assert.deepEqual(ours, await run(redis.port));
      assert.deepEqual(ours.scanned, ours.pairs);
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test("writes propagate as Redis does: HINCRBYFLOAT as HSET, nothing for a no-op", async () => {
  await withServer(async ({ port, server }: { port: number; server: RedixServer }) => {
    const propagated: string[][] = [];
    server.onPropagate((_db, argv) => propagated.push([...argv]));
    const conn = await RawConnection.open(port);
    try {
      for (
        const command of [
          ["HSET", "h", "a", "1"],
          ["HSET", "h", "a", "1"],
          ["HMSET", "h", "b", "2"],
          ["HSETNX", "h", "a", "x"],
          ["HSETNX", "h", "c", "3"],
          ["HDEL", "h", "nope"],
          ["HDEL", "missing", "a"],
          ["HDEL", "h", "c", "nope"],
          ["HINCRBY", "h", "n", "5"],
          ["HINCRBY", "h", "a", "x"],
          ["HINCRBYFLOAT", "h", "f", "1.10"],
          ["HINCRBYFLOAT", "h", "f", "2e1"],
          ["HINCRBYFLOAT", "h", "f", "nan"],
          ["HGET", "h", "a"],
          ["HRANDFIELD", "h", "-2"],
          ["HSCAN", "h", "0"],
        ]
      ) await conn.command(...command);
    } finally {
      conn.close();
    }
    assert.deepEqual(propagated, [
      ["HSET", "h", "a", "1"],
      ["HSET", "h", "a", "1"],
      ["HMSET", "h", "b", "2"],
      ["HSETNX", "h", "c", "3"],
      ["HDEL", "h", "c", "nope"],
      ["HINCRBY", "h", "n", "5"],
      ["HSET", "h", "f", "1.1"],
      ["HSET", "h", "f", "21.1"],
    ]);
  });
});

Deno.test("ioredis: hset, hgetall, hincrby and hscanStream over a hashtable", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      const fields: Record<string, string> = {};
      for (let i = 0; i < 2000; i++) fields[`field:${i}`] = `value:${i}`;
      assert.equal(await redis.hset("h", fields), 2000);
      assert.equal(await redis.hset("h", { extra: "\u00e9" }), 1);
      assert.equal(await redis.hget("h", "extra"), "\u00e9", "UTF-8 text comes back byte for byte");
      assert.equal(await redis.hincrby("h", "counter", 41), 41);
      assert.equal(await redis.hincrby("h", "counter", 1), 42);
      assert.equal(await redis.hincrbyfloat("h", "float", "0.1"), "0.1");
      const all = await redis.hgetall("h");
      assert.equal(Object.keys(all).length, 2003);
      assert.equal(all["field:1999"], "value:1999");
      assert.equal(await redis.object("ENCODING", "h"), "hashtable");
      const seen = new Map<string, string>();
      const stream = redis.hscanStream("h", { match: "field:1*", count: 100 });
      for await (const batch of stream) {
        for (let i = 0; i < batch.length; i += 2) seen.set(batch[i], batch[i + 1]);
      }
      const expected = Object.keys(fields).filter((f) => f.startsWith("field:1"));
      assert.deepEqual([...seen.keys()].sort(), expected.sort());
      for (const field of expected) assert.equal(seen.get(field), fields[field]);
      assert.equal(await redis.hdel("h", ...Object.keys(all)), 2003);
      assert.equal(await redis.exists("h"), 0);
    } finally {
      redis.disconnect();
    }
  });
});

Deno.test("ioredis: small hashes keep insertion order through each form, and float increments print as Redis's", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      // Up to 16 fields an array, then a Map, both listpack-encoded; HGETALL follows the insertion order.
      const order: string[] = [];
      for (let i = 0; i < 40; i++) {
        const field = `f${(i * 7) % 40}`;
        order.push(field);
        await redis.hset("small", field, `v${i}`);
        assert.deepEqual(Object.keys(await redis.hgetall("small")), order, `after ${i + 1} fields`);
      }
      assert.equal(await redis.object("ENCODING", "small"), "listpack");
      assert.equal(await redis.hdel("small", "f0"), 1);
      await redis.hset("small", "f0", "again");
      assert.deepEqual(Object.keys(await redis.hgetall("small")), [...order.slice(1), "f0"]);
      // Replies taken from redis-server 7.0.15: dyadic and small sums print exactly; 1000.1 + 0.2 does not.
      assert.equal(await redis.hincrbyfloat("small", "x", "3.5"), "3.5");
      assert.equal(await redis.hincrbyfloat("small", "x", "0.5"), "4");
      await redis.set("f", "10.5");
      assert.equal(await redis.incrbyfloat("f", "0.1"), "10.6");
      assert.equal(await redis.incrbyfloat("f", "-10.6"), "0");
      await redis.set("g", "1000.1");
      assert.equal(await redis.incrbyfloat("g", "0.2"), "1000.29999999999999999");
    } finally {
      redis.disconnect();
    }
  });
});

Deno.test("node-redis: hashes in RESP2 and RESP3", async () => {
  await withServer(async ({ port }) => {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ socket: { host: "127.0.0.1", port }, RESP });
      await client.connect();
      try {
        await client.del("h");
        assert.equal(await client.hSet("h", { a: "1", b: "2" }), 2);
        assert.deepEqual({ ...await client.hGetAll("h") }, { a: "1", b: "2" });
        assert.equal(await client.hIncrBy("h", "a", 10), 11);
        assert.deepEqual(await client.hmGet("h", ["a", "nope"]), ["11", null]);
        const random = await client.sendCommand(["HRANDFIELD", "h", "2", "WITHVALUES"]);
        assert.deepEqual(random, RESP === 3 ? [["a", "11"], ["b", "2"]] : ["a", "11", "b", "2"]);
      } finally {
        await client.close();
      }
    }
  });
});
