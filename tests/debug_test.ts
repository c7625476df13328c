/**
 * DEBUG: the enable-debug-command guard, DIGEST and DIGEST-VALUE computed as
 * Redis computes them (compared with a real redis-server on the same data),
 * RELOAD [MERGE] [NOFLUSH] [NOSAVE] and SLEEP.
 */
import assert from "node:assert/strict";
import { formatG17 } from "../lib/commands/debug.ts";
import {
  ALL_BYTES,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  runScript,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
  withServer,
} from "./helpers.ts";

/** Runs each script on Redis and Redix, both started with `redisArgs` / `config`, and compares replies. */
function compareDebug(
  scripts: Record<string, string[][]>,
  redisArgs: string[],
  config: Record<string, string>,
): (t: Deno.TestContext) => Promise<void> {
  return async (t) => {
    const redisDir = await Deno.makeTempDir({ prefix: "redix-debug-redis-" });
    const redis = await startRedis(["--dir", redisDir, ...redisArgs]);
    const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
    const redix = await startTestServer({ config: { dir, save: "", ...config } });
    try {
      for (const [name, script] of Object.entries(scripts)) {
        await t.step(name, async () => {
          const expected = await runScript(redis.port, script);
          const actual = await runScript(redix.port, script);
          for (let i = 0; i < script.length; i++) {
            assert.deepEqual(
              actual[i],
              expected[i],
              script[i].map((a) => JSON.stringify(a.slice(0, 40))).join(" "),
            );
          }
        });
      }
    } finally {
      await redix.close();
      await redis.stop();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(redisDir, { recursive: true });
    }
  };
}

const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Writes covering every type and encoding, TTLs, several dbs and binary data. */
const DATA: string[][] = [
  ["SET", "int", "12345"],
  ["SET", "neg", "-9223372036854775808"],
  ["SET", "embstr", "hello"],
  ["SET", "raw", "x".repeat(100)],
  ["SET", ALL_BYTES, ALL_BYTES],
  ["SET", "empty", ""],
  ["SETRANGE", "ranged", "5", "abc"],
  ["APPEND", "appended", "12"],
  ["APPEND", "appended", "34"],
  ["SETBIT", "bits", "100", "1"],
  ["INCRBYFLOAT", "float", "1.5"],
  ["RPUSH", "smalllist", "a", "1", "", ALL_BYTES, "-5", "a"],
  ["RPUSH", "biglist", ...many(300, (i) => `element-${i}`)],
  ["LPUSH", "biglist", "x".repeat(10000)],
  ["SADD", "intset", "1", "2", "-3", "9223372036854775807"],
  ["SADD", "strset", "a", "b", ALL_BYTES, ""],
  ["SADD", "bigset", ...many(600, (i) => `m${i}`)],
  ["SADD", "bigintset", ...many(600, (i) => String(i * 7))],
  [
    "ZADD",
    "smallzset",
    "0.1",
    "a",
    "1.5",
    "b",
    "3",
    "c",
    "-inf",
    "d",
    "inf",
    "e",
    "1e20",
    "f",
    "0.0001",
    "g",
    "0.00001",
    "h",
    "123456789012345678",
    "i",
    "-2.5e-300",
    "j",
    "17",
    "42",
  ],
  ["ZADD", "smallzset", "1.7976931348623157e308", ALL_BYTES, "0", "zero", "-0", "negzero"],
  ["ZADD", "bigzset", ...many(300, (i) => [String(i / 3), `z${i}`]).flat()],
  ["ZADD", "longzset", "1", "y".repeat(100)],
  ["HSET", "smallhash", "f", "v", "n", "1", ALL_BYTES, ALL_BYTES, "", ""],
  ["HSET", "bighash", ...many(300, (i) => [`f${i}`, `v${i}`]).flat()],
  ["HSET", "longhash", "f", "v".repeat(100)],
  ["SET", "ttl", "v", "EX", "1000"],
  ["RPUSH", "ttllist", "a"],
  ["PEXPIRE", "ttllist", "500000"],
  ["SELECT", "3"],
  ["SET", "int", "12345"],
  ["HSET", "h3", "a", "b"],
  ["SET", "ttl3", "v", "PX", "800000"],
  ["SELECT", "15"],
  ["SADD", "s15", "x"],
  ["SELECT", "0"],
];

const KEYS = [
  "int",
  "neg",
  "embstr",
  "raw",
  ALL_BYTES,
  "empty",
  "ranged",
  "appended",
  "bits",
  "float",
  "smalllist",
  "biglist",
  "intset",
  "strset",
  "bigset",
  "bigintset",
  "smallzset",
  "bigzset",
  "longzset",
  "smallhash",
  "bighash",
  "longhash",
  "ttl",
  "ttllist",
  "missing",
];

const DIGESTS: Record<string, string[][]> = {
  "empty data set": [["DEBUG", "DIGEST"], ["DEBUG", "DIGEST-VALUE", "x"], ["DEBUG", "DIGEST-VALUE"]],
  "every type and encoding": [
    ...DATA,
    ["DEBUG", "DIGEST"],
    ["DEBUG", "DIGEST-VALUE", ...KEYS],
    ...KEYS.map((key) => ["DEBUG", "DIGEST-VALUE", key]),
    ["SELECT", "3"],
    ["DEBUG", "DIGEST-VALUE", "int", "h3", "ttl3"],
    ["PERSIST", "ttl3"],
    ["DEBUG", "DIGEST-VALUE", "ttl3"],
    ["DEBUG", "DIGEST"],
    ["MOVE", "h3", "4"],
    ["DEBUG", "DIGEST"],
    ["SWAPDB", "0", "1"],
    ["DEBUG", "DIGEST"],
  ],
  "order matters for lists, not for sets": [
    ["RPUSH", "l1", "a", "b"],
    ["RPUSH", "l2", "b", "a"],
    ["SADD", "s1", "a", "b"],
    ["SADD", "s2", "b", "a"],
    ["DEBUG", "DIGEST-VALUE", "l1", "l2", "s1", "s2"],
  ],
  "errors": [
    ["DEBUG"],
    ["DEBUG", "nosuch"],
    ["DEBUG", "digest", "x"],
    ["DEBUG", "sleep"],
    ["DEBUG", "help", "x"],
    ["DEBUG", "RELOAD", "foo"],
    ["DEBUG", "x".repeat(200)],
  ],
  "reload keeps the data set": [
    ...DATA,
    ["DEBUG", "DIGEST"],
    ["DEBUG", "RELOAD"],
    ["DEBUG", "DIGEST"],
    ["DBSIZE"],
    ["TTL", "ttl"],
    ["OBJECT", "ENCODING", "smallzset"],
    ["OBJECT", "ENCODING", "bigset"],
    ["OBJECT", "ENCODING", "intset"],
    ["SET", "short", "v", "PX", "1"],
    ["DEBUG", "SLEEP", "0.01"],
    ["DEBUG", "RELOAD"],
    ["EXISTS", "short"],
    ["DEBUG", "DIGEST"],
  ],
  "reload options": [
    ["SET", "a", "1"],
    ["DEBUG", "RELOAD"],
    ["SET", "a", "9"],
    ["SET", "b", "2"],
    ["DEBUG", "RELOAD", "NOSAVE"],
    ["MGET", "a", "b"],
    ["SET", "c", "3"],
    ["SET", "a", "7"],
    ["DEBUG", "RELOAD", "nosave", "noflush", "merge"],
    ["MGET", "a", "b", "c"],
    ["DEBUG", "RELOAD", "NOFLUSH", "MERGE"],
    ["MGET", "a", "b", "c"],
    ["DEBUG", "SLEEP", "0"],
    ["DEBUG", "sleep", "abc"],
  ],
};

Deno.test({
  name: "DEBUG DIGEST, DIGEST-VALUE and RELOAD as Redis",
  ignore: !HAVE_REDIS,
  fn: compareDebug(DIGESTS, ["--enable-debug-command", "yes"], { "enable-debug-command": "yes" }),
});

Deno.test({
  name: "DEBUG is refused by default, with Redis's error, before NOAUTH and after arity",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "refused": [
      ["DEBUG", "DIGEST"],
      ["DEBUG"],
      ["debug", "nosuch", "x"],
      ["CONFIG", "GET", "enable-debug-command"],
      ["CONFIG", "SET", "enable-debug-command", "yes"],
      ["MULTI"],
      ["DEBUG", "DIGEST"],
      ["EXEC"],
    ],
  }),
});

Deno.test({
  name: "enable-debug-command local allows loopback clients",
  ignore: !HAVE_REDIS,
  fn: compareDebug(
    { "local": [["DEBUG", "DIGEST"], ["CONFIG", "GET", "enable-debug-command"]] },
    ["--enable-debug-command", "local"],
    { "enable-debug-command": "local" },
  ),
});

Deno.test("%.17g formatting of scores", () => {
  const cases: [number, string][] = [
    [0.1, "0.10000000000000001"],
    [1.5, "1.5"],
    [3, "3"],
    [1e20, "1e+20"],
    [1e17, "1e+17"],
    [1e16, "10000000000000000"],
    [0.0001, "0.0001"],
    [0.00001, "1.0000000000000001e-05"],
    [-2.5e-300, "-2.5e-300"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [0, "0"],
    [-0, "-0"],
    [1 / 3, "0.33333333333333331"],
    [123456789012345678, "1.2345678901234568e+17"],
  ];
  for (const [x, text] of cases) assert.equal(formatG17(x), text, String(x));
});

Deno.test("DEBUG RELOAD keeps keys, TTLs, the selected db and the config", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
  try {
    await withServer(async ({ port, server }) => {
      const conn = await RawConnection.open(port);
      try {
        for (const command of DATA) await conn.command(...command);
        await conn.command("SELECT", "3");
        await conn.command("CONFIG", "SET", "hz", "17");
        const before = await conn.command("DEBUG", "DIGEST");
        const pttl = await conn.command("PTTL", "ttl3") as number;
        const sizes: Reply[] = [];
        for (const db of server.keyspace.dbs) sizes.push(db.size);
        assert.equal(await conn.command("DEBUG", "RELOAD"), "OK");
        assert.equal(await conn.command("DEBUG", "DIGEST"), before);
        assert.deepEqual(server.keyspace.dbs.map((db) => db.size), sizes);
        // Still in db 3, whose TTLs survived.
        const after = await conn.command("PTTL", "ttl3") as number;
        assert.ok(after > 0 && after <= pttl, `${after} vs ${pttl}`);
        assert.deepEqual(await conn.command("CONFIG", "GET", "hz"), ["hz", "17"]);
        assert.equal(server.dirty, 0);
        await Deno.stat(`${dir}/dump.rdb`);
      } finally {
        conn.close();
      }
    }, { config: { dir, save: "", "enable-debug-command": "yes" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DEBUG RELOAD NOSAVE without a file fails as Redis", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
  try {
    await withServer(async ({ port }) => {
      const conn = await RawConnection.open(port);
      try {
        await conn.command("SET", "k", "v");
        assert.deepEqual(await conn.command("DEBUG", "RELOAD", "NOSAVE"), {
          error: "ERR Error trying to load the RDB dump, check server logs.",
        });
      } finally {
        conn.close();
      }
    }, { config: { dir, save: "", "enable-debug-command": "yes" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DEBUG SLEEP blocks the whole server", async () => {
  await withServer(async ({ port }) => {
    const sleeper = await RawConnection.open(port);
    const other = await RawConnection.open(port);
    try {
      const start = performance.now();
      const sleeping = sleeper.command("DEBUG", "SLEEP", "0.3");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await other.command("PING"), "PONG");
      assert.ok(performance.now() - start >= 290, "PING waited for the sleep");
      assert.equal(await sleeping, "OK");
    } finally {
      sleeper.close();
      other.close();
    }
  }, { config: { "enable-debug-command": "yes" } });
});

Deno.test("DEBUG RELOAD's flush fails a transaction that watched a key, as Redis's does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
  try {
    await withServer(async ({ port }) => {
      const watcher = await RawConnection.open(port);
      const other = await RawConnection.open(port);
      try {
        await watcher.command("SET", "k", "v");
        assert.equal(await watcher.command("WATCH", "k"), "OK");
        assert.equal(await other.command("DEBUG", "RELOAD"), "OK");
        assert.equal(await watcher.command("MULTI"), "OK");
        assert.equal(await watcher.command("GET", "k"), "QUEUED");
        assert.equal(await watcher.command("EXEC"), null);
        assert.equal(await watcher.command("GET", "k"), "v");
      } finally {
        watcher.close();
        other.close();
      }
    }, { config: { dir, save: "", "enable-debug-command": "yes" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
