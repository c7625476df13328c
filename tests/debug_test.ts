/**
 * DEBUG: the enable-debug-command guard, DIGEST and DIGEST-VALUE computed as
 * Redis computes them (compared with a real redis-server on the same data),
 * RELOAD [MERGE] [NOFLUSH] [NOSAVE], SLEEP, and the other subcommands: their
 * replies and errors compared with redis-server in RESP2 and RESP3 (byte for
 * byte for PROTOCOL, field names and order for OBJECT and HTSTATS), and what
 * the switches really do (active expiry, the cron, checksums).
 */
import assert from "node:assert/strict";
import { formatG17 } from "../lib/commands/debug.ts";
import type { RunningServer } from "../lib/mod.ts";
import {
  ALL_BYTES,
  binaryToBytes,
  bytesToBinary,
  encodeCommand,
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

/**
 * Runs `body` on a connection to a Redix with DEBUG enabled and no save
 * points, its files in a fresh directory removed afterwards.
 */
async function withDebugServer(
  body: (conn: RawConnection, redix: RunningServer & { dir: string }) => Promise<void>,
  config: Record<string, string> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
  try {
    await withServer(async (redix) => {
      const conn = await RawConnection.open(redix.port);
      try {
        await body(conn, Object.assign(redix, { dir }));
      } finally {
        conn.close();
      }
    }, { config: { dir, save: "", "enable-debug-command": "yes", ...config } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("DEBUG RELOAD keeps keys, TTLs, the selected db and the config", async () => {
  await withDebugServer(async (conn, { server, dir }) => {
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
  });
});

Deno.test("DEBUG RELOAD NOSAVE without a file fails as Redis", async () => {
  await withDebugServer(async (conn) => {
    await conn.command("SET", "k", "v");
    assert.deepEqual(await conn.command("DEBUG", "RELOAD", "NOSAVE"), {
      error: "ERR Error trying to load the RDB dump, check server logs.",
    });
  });
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
  await withDebugServer(async (watcher, { port }) => {
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
      other.close();
    }
  });
});

// ---------------------------------------------------------------------------
// The other subcommands

const X120 = "x".repeat(120);

/** Scripts whose every reply is deterministic, run as is and again after HELLO 3. */
const SUBCOMMAND_SCRIPTS: Record<string, string[][]> = {
  "populate": [
    ["DEBUG", "POPULATE"],
    ["DEBUG", "POPULATE", "abc"],
    ["DEBUG", "POPULATE", "-1"],
    ["DEBUG", "POPULATE", "99999999999999999999"],
    ["DEBUG", "POPULATE", "1", "t", "5", "x"],
    ["DEBUG", "POPULATE", "2", "q", "x"],
    ["DEBUG", "POPULATE", "2", "q", "-1"],
    ["DBSIZE"],
    ["DEBUG", "POPULATE", "0"],
    ["SET", "key:1", "mine"],
    ["DEBUG", "POPULATE", "3"],
    ["MGET", "key:0", "key:1", "key:2", "key:3"],
    ["DEBUG", "POPULATE", "2", "p"],
    ["DEBUG", "POPULATE", "2", "q", "0"],
    ["DEBUG", "POPULATE", "2", "r", "3"],
    ["DEBUG", "POPULATE", "2", "s", "20"],
    ["DEBUG", "POPULATE", "2", "", "4"],
    ["DEBUG", "populate", "1", "a\0b"],
    ["DEBUG", "POPULATE", "1", "y".repeat(200)],
    ["MGET", "p:0", "p:1", "q:1", "r:0", "r:1", "s:1", ":0", ":1", "a:0"],
    ["EXISTS", "y".repeat(125) + ":0", "y".repeat(127)],
    ["TYPE", "s:0"],
    ["DBSIZE"],
    ["RPUSH", "list", "a"],
    ["DEBUG", "POPULATE", "1", "list", "1"],
    ["SET", "ttl:0", "old", "PX", "1"],
    ["DEBUG", "SLEEP", "0.01"],
    ["DEBUG", "POPULATE", "1", "ttl"],
    ["GET", "ttl:0"],
    ["TTL", "ttl:0"],
  ],
  "object, sdslen, listpack, quicklist": [
    ["DEBUG", "OBJECT", "nokey"],
    ["DEBUG", "OBJECT"],
    ["DEBUG", "SDSLEN", "nokey"],
    ["DEBUG", "POPULATE", "1"],
    ["DEBUG", "SDSLEN", "key:0"],
    ["SET", "i", "123"],
    ["DEBUG", "SDSLEN", "i"],
    ["SET", "raw", X120],
    ["DEBUG", "SDSLEN", "raw"],
    ["SET", "raw50", "x".repeat(50)],
    ["SET", "k".repeat(46), "v"],
    ["DEBUG", "SDSLEN", "k".repeat(46)],
    ["SET", "", "e"],
    ["DEBUG", "SDSLEN", ""],
    ["APPEND", "ap", "hello"],
    ["APPEND", "ap", "world"],
    ["DEBUG", "SDSLEN", "ap"],
    ["RPUSH", "l", "a", "b"],
    ["DEBUG", "SDSLEN", "l"],
    ["DEBUG", "LISTPACK", "nokey"],
    ["DEBUG", "LISTPACK", "l"],
    ["DEBUG", "LISTPACK", "i"],
    ["DEBUG", "QUICKLIST", "l"],
    ["DEBUG", "QUICKLIST", "l", "1"],
    ["DEBUG", "QUICKLIST", "l", "1", "2"],
    ["DEBUG", "QUICKLIST", "i"],
    ["DEBUG", "QUICKLIST", "nokey"],
    ["HSET", "h", "a", "b"],
    ["ZADD", "z", "1", "a"],
    ["SADD", "is", "1", "2"],
    ["DEBUG", "LISTPACK", "h"],
    ["DEBUG", "LISTPACK", "z"],
    ["DEBUG", "LISTPACK", "is"],
  ],
  "htstats errors": [
    ["DEBUG", "HTSTATS", "x"],
    ["DEBUG", "HTSTATS", "16"],
    ["DEBUG", "HTSTATS", "-1"],
    ["DEBUG", "HTSTATS", "5"],
    ["DEBUG", "HTSTATS"],
    ["DEBUG", "HTSTATS-KEY", "nokey"],
    ["SET", "s", "v"],
    ["RPUSH", "l", "a"],
    ["HSET", "h", "a", "b"],
    ["SADD", "is", "1"],
    ["ZADD", "z", "1", "a"],
    ["DEBUG", "HTSTATS-KEY", "s"],
    ["DEBUG", "HTSTATS-KEY", "l"],
    ["DEBUG", "HTSTATS-KEY", "h"],
    ["DEBUG", "HTSTATS-KEY", "is"],
    ["DEBUG", "HTSTATS-KEY", "z"],
  ],
  "switches": [
    ["DEBUG", "SET-ACTIVE-EXPIRE", "x"],
    ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
    ["DEBUG", "SET-ACTIVE-EXPIRE"],
    ["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "abc"],
    ["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0", "1"],
    ["DEBUG", "PAUSE-CRON", "0"],
    ["DEBUG", "PAUSE-CRON"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", ""],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1kb"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4095mb"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4096mb"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"],
    ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1gb"],
    ["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never"],
    ["DEBUG", "REPLYBUFFER", "peak-reset-time", "RESET"],
    ["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"],
    ["DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"],
    ["DEBUG", "REPLYBUFFER", "RESIZING", "0"],
    ["DEBUG", "REPLYBUFFER", "RESIZING", "1"],
    ["DEBUG", "REPLYBUFFER", "x", "1"],
    ["DEBUG", "REPLYBUFFER", "RESIZING"],
  ],
  "error, log and the rest": [
    ["DEBUG", "ERROR", "FOO bar"],
    ["DEBUG", "ERROR", "a\r\nb"],
    ["DEBUG", "ERROR", ""],
    ["DEBUG", "ERROR"],
    ["DEBUG", "LOG", "hello world"],
    ["DEBUG", "LOG"],
    ["DEBUG", "CHANGE-REPL-ID"],
    ["DEBUG", "CHANGE-REPL-ID", "x"],
    ["DEBUG", "STRINGMATCH-TEST"],
    ["DEBUG", "STRINGMATCH-TEST", "x"],
    ["DEBUG", "CONFIG-REWRITE-FORCE-ALL"],
    ["DEBUG", "HELP", "x"],
    ["DEBUG", "LEAK"],
    ["DEBUG", "MALLCTL"],
  ],
  "a RESTORE with a broken checksum, refused then accepted": [
    ["RESTORE", "k", "0", "\x00\x01v\x0a\x00" + "\x00".repeat(8)],
    ["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"],
    ["RESTORE", "k", "0", "\x00\x01v\x0a\x00" + "\x00".repeat(8)],
    ["RESTORE", "k2", "0", "\x00\x01v\x0b\x00" + "\x00".repeat(8)],
    ["GET", "k"],
    ["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"],
    ["RESTORE", "k3", "0", "\x00\x01v\x0a\x00" + "\x00".repeat(8)],
    ["EXISTS", "k3"],
  ],
};

const RESP3_SCRIPTS = Object.fromEntries(
  Object.entries(SUBCOMMAND_SCRIPTS).map((
    [name, script],
  ) => [`${name} (RESP3)`, [["HELLO", "3"], ...script]]),
);

Deno.test({
  name: "DEBUG subcommands reply as Redis 7.0.15, in RESP2 and RESP3",
  ignore: !HAVE_REDIS,
  fn: compareDebug(
    { ...SUBCOMMAND_SCRIPTS, ...RESP3_SCRIPTS },
    ["--enable-debug-command", "yes"],
    { "enable-debug-command": "yes" },
  ),
});

/** The bytes of each command's reply: read up to a PING's +PONG sent after it. */
async function rawReplies(port: number, commands: string[][]): Promise<string[]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const out: string[] = [];
  try {
    for (const command of commands) {
      await conn.write(binaryToBytes(encodeCommand(command) + encodeCommand(["PING"])));
      let text = "";
      const chunk = new Uint8Array(64 * 1024);
      while (!text.endsWith("+PONG\r\n")) {
        const n = await conn.read(chunk);
        if (n === null) throw new Error("connection closed");
        text += bytesToBinary(chunk.subarray(0, n));
      }
      out.push(text.slice(0, -"+PONG\r\n".length));
    }
  } finally {
    conn.close();
  }
  return out;
}

/** Starts redis-server and Redix with DEBUG enabled and runs `body` on both ports. */
async function withBoth(body: (redisPort: number, redixPort: number) => Promise<void>): Promise<void> {
  const redis = await startRedis(["--enable-debug-command", "yes"]);
  const redix = await startTestServer({ config: { "enable-debug-command": "yes" } });
  try {
    await body(redis.port, redix.port);
  } finally {
    await redix.close();
    await redis.stop();
  }
}

const PROTOCOL_TYPES = [
  "string",
  "integer",
  "double",
  "bignum",
  "null",
  "array",
  "set",
  "map",
  "attrib",
  "push",
  "verbatim",
  "true",
  "false",
  "TRUE",
  "nope",
];

Deno.test({
  name: "DEBUG PROTOCOL is byte for byte Redis's, in RESP2 and RESP3",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      for (const hello of [[], [["HELLO", "3"]]]) {
        const commands = [
          ...hello,
          ...PROTOCOL_TYPES.map((type) => ["DEBUG", "PROTOCOL", type]),
          ["DEBUG", "PROTOCOL"],
        ];
        const expected = await rawReplies(redisPort, commands);
        const actual = await rawReplies(redixPort, commands);
        // HELLO's map names the server and the connection id.
        for (let i = hello.length; i < commands.length; i++) {
          assert.equal(actual[i], expected[i], commands[i].join(" "));
        }
      }
    }),
});

/** Redis's DEBUG HELP without the subcommands Redix leaves out. */
const LEFT_OUT = new Set([
  "AOF-FLUSH-SLEEP",
  "ASSERT",
  "CRASH-AND-RECOVER",
  "LEAK",
  "LOADAOF",
  "REPLICATE",
  "MALLCTL",
  "MALLCTL-STR",
  "DROP-CLUSTER-PACKET-FILTER",
  "OOM",
  "PANIC",
  "RESTART",
  "SEGFAULT",
  "STRUCTSIZE",
  "CLIENT-EVICTION",
  "CLUSTERLINK",
]);

Deno.test({
  name: "DEBUG HELP is Redis's text for the subcommands Redix has, in Redis's order",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      const [redisHelp] = await runScript(redisPort, [["DEBUG", "HELP"]]);
      const [redixHelp] = await runScript(redixPort, [["DEBUG", "HELP"]]);
      const kept: string[] = [];
      let keep = true;
      for (const line of redisHelp as string[]) {
        if (!line.startsWith(" ")) keep = !LEFT_OUT.has(line.split(" ")[0]);
        if (keep) kept.push(line);
      }
      assert.ok(kept.length > 60, "Redis's help was read");
      assert.deepEqual(redixHelp, kept);
    }),
});

/**
 * OBJECT's line and HTSTATS's text with their numbers and the chain-length
 * lines masked; but a list's ql_* fields, which follow from its elements.
 */
function shape(reply: Reply): Reply {
  if (typeof reply === "object" && reply !== null && "verbatim" in reply) {
    return { verbatim: shape(reply.verbatim) as string, format: reply.format };
  }
  if (typeof reply !== "string") return reply;
  const ql = reply.indexOf(" ql_nodes:");
  if (ql !== -1) return shape(reply.slice(0, ql)) + reply.slice(ql);
  return reply.replace(/^ {3}\d+: .*\n/gm, "").replace(/0x[0-9a-f]+/g, "ADDRESS").replace(
    /-?\d+(\.\d+)?/g,
    "#",
  );
}

Deno.test({
  name: "DEBUG OBJECT and HTSTATS have Redis's fields in Redis's order",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      const script = [
        ["DEBUG", "POPULATE", "100"],
        ["SET", "e", "1", "EX", "100"],
        ["SET", "i", "5"],
        ["SET", "raw", X120],
        ["RPUSH", "l", "a", "b", "c", "12345"],
        ["RPUSH", "big", ...Array.from({ length: 2000 }, (_, i) => `element-${i}`)],
        ["SADD", "s", "a", "b", "c"],
        ["HSET", "h", "a", "b"],
        ["CONFIG", "SET", "hash-max-listpack-entries", "0"],
        ["HSET", "hh", "a", "b", "c", "d"],
        ["DEBUG", "OBJECT", "key:1"],
        ["DEBUG", "OBJECT", "i"],
        ["DEBUG", "OBJECT", "raw"],
        ["DEBUG", "OBJECT", "l"],
        ["DEBUG", "OBJECT", "big"],
        ["DEBUG", "OBJECT", "s"],
        ["DEBUG", "OBJECT", "h"],
        ["DEBUG", "HTSTATS", "0"],
        ["DEBUG", "HTSTATS", "1"],
        ["DEBUG", "HTSTATS-KEY", "s"],
        ["DEBUG", "HTSTATS-KEY", "hh"],
        ["HELLO", "3"],
        ["DEBUG", "HTSTATS", "0"],
        ["DEBUG", "HTSTATS-KEY", "hh"],
        ["CONFIG", "SET", "hash-max-listpack-entries", "128"],
      ];
      const expected = (await runScript(redisPort, script)).map(shape);
      const actual = (await runScript(redixPort, script)).map(shape);
      assert.match(
        expected[10] as string,
        /^Value at:ADDRESS refcount:# encoding:embstr serializedlength:# lru:#/,
      );
      for (let i = 0; i < script.length; i++) {
        if (script[i][0] === "HELLO") continue;
        assert.deepEqual(actual[i], expected[i], script[i].join(" ").slice(0, 60));
      }
    }),
});

Deno.test("DEBUG OBJECT and HTSTATS report Redix's own numbers", async () => {
  await withDebugServer(async (conn, { server }) => {
    await conn.command("DEBUG", "POPULATE", "1000");
    await conn.command("RPUSH", "l", "a", "bb", "123");
    const line = await conn.command("DEBUG", "OBJECT", "l") as string;
    assert.match(line, / serializedlength:\d+ /);
    const dump = await conn.command("DUMP", "l") as string;
    assert.ok(line.includes(` serializedlength:${dump.length - 11} `), line);
    assert.ok(
      line.endsWith(
        " ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16",
      ),
    );
    const stats = (await conn.command("DEBUG", "HTSTATS", "0")) as string;
    const db = server.keyspace.dbs[0];
    assert.ok(stats.includes(` table size: ${db.data.bucketCount}\n number of elements: 1001\n`), stats);
    const chains = db.data.chainLengths();
    assert.ok(stats.includes(` max chain length: ${chains.length - 1}\n`), stats);
    assert.ok(stats.includes(`   0: ${chains[0]} (`), stats);
  });
});

Deno.test("DEBUG POPULATE is not propagated and does not count as changes", async () => {
  await withDebugServer(async (conn, { server }) => {
    const propagated: string[][] = [];
    server.onPropagate((_db, argv) => propagated.push([...argv]));
    const dirty = server.dirty;
    assert.equal(await conn.command("DEBUG", "POPULATE", "50", "p", "10"), "OK");
    assert.equal(await conn.command("DBSIZE"), 50);
    assert.equal(await conn.command("GET", "p:7"), "value:7\0\0\0");
    assert.equal(server.dirty, dirty);
    assert.deepEqual(propagated, []);
  });
});

/**
 * Sets keys that expire at once, lets the cron run `cycles` times (at hz 100)
 * with `off` in force, and checks they were all still there; then `on` lets
 * active expiry reclaim them.
 */
async function expiryHeldBy(off: string[], on: string[]): Promise<void> {
  await withDebugServer(async (conn) => {
    assert.equal(await conn.command("CONFIG", "SET", "hz", "100"), "OK");
    assert.equal(await conn.command("DEBUG", ...off), "OK");
    for (let i = 0; i < 20; i++) await conn.command("SET", `k${i}`, "v", "PX", "1");
    const expired = Date.now() + 2;
    // Long enough for dozens of cron ticks, each of which would reclaim the keys.
    await waitFor(() => Date.now() > expired + 300, "the keys' expiry and 30 cron periods");
    assert.equal(await conn.command("DBSIZE"), 20, "no key expired in the background");
    assert.equal(await conn.command("DEBUG", ...on), "OK");
    await waitFor(async () => await conn.command("DBSIZE") === 0, "active expiry to reclaim the keys");
  });
}

Deno.test("DEBUG SET-ACTIVE-EXPIRE 0 stops active expiry, 1 starts it again", () =>
  expiryHeldBy(["SET-ACTIVE-EXPIRE", "0"], ["SET-ACTIVE-EXPIRE", "1"]));

Deno.test("DEBUG PAUSE-CRON 1 stops the cron (active expiry with it), 0 resumes it", () =>
  expiryHeldBy(["PAUSE-CRON", "1"], ["PAUSE-CRON", "0"]));

Deno.test("DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 loads an RDB file whose checksum is wrong", async () => {
  await withDebugServer(async (conn, { dir }) => {
    await conn.command("SET", "k", "v");
    assert.equal(await conn.command("SAVE"), "OK");
    const bytes = await Deno.readFile(`${dir}/dump.rdb`);
    bytes[bytes.length - 1] ^= 0xff;
    await Deno.writeFile(`${dir}/dump.rdb`, bytes);
    assert.deepEqual(await conn.command("DEBUG", "RELOAD", "NOSAVE"), {
      error: "ERR Error trying to load the RDB dump, check server logs.",
    });
    assert.equal(await conn.command("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"), "OK");
    assert.equal(await conn.command("DEBUG", "RELOAD", "NOSAVE"), "OK");
    assert.equal(await conn.command("GET", "k"), "v");
  });
});

Deno.test("under rdbchecksum no an RDB file's checksum is not checked at load, as in Redis", async () => {
  await withDebugServer(async (conn, { dir }) => {
    await conn.command("SET", "k", "v");
    assert.equal(await conn.command("SAVE"), "OK");
    const bytes = await Deno.readFile(`${dir}/dump.rdb`);
    bytes[bytes.length - 1] ^= 0xff;
    await Deno.writeFile(`${dir}/dump.rdb`, bytes);
    await withServer(async ({ port }) => {
      const loaded = await RawConnection.open(port);
      assert.equal(await loaded.command("GET", "k"), "v");
      loaded.close();
    }, { config: { dir, save: "", rdbchecksum: "no" } });
  });
});

Deno.test("DEBUG CHANGE-REPL-ID changes INFO's master_replid", async () => {
  await withDebugServer(async (conn) => {
    const replid = async () => /master_replid:([0-9a-f]{40})/.exec(await conn.command("INFO") as string)![1];
    const before = await replid();
    assert.equal(await conn.command("DEBUG", "CHANGE-REPL-ID"), "OK");
    assert.notEqual(await replid(), before);
  });
});

Deno.test("DEBUG CONFIG-REWRITE-FORCE-ALL writes parameters at their defaults too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-debug-" });
  try {
    await Deno.writeTextFile(`${dir}/redis.conf`, "enable-debug-command yes\n");
    const redix = await startTestServer({ configFile: `${dir}/redis.conf`, config: { dir } });
    const conn = await RawConnection.open(redix.port);
    try {
      assert.equal(await conn.command("CONFIG", "REWRITE"), "OK");
      assert.doesNotMatch(await Deno.readTextFile(`${dir}/redis.conf`), /^hz 10$/m);
      assert.equal(await conn.command("DEBUG", "CONFIG-REWRITE-FORCE-ALL"), "OK");
      const text = await Deno.readTextFile(`${dir}/redis.conf`);
      assert.match(text, /^hz 10$/m);
      assert.match(text, /^enable-debug-command yes$/m);
    } finally {
      conn.close();
      await redix.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
