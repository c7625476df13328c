/**
 * DUMP and RESTORE against a real redis-server: payloads travel both ways for
 * every type in every encoding, Redix's DUMP is byte for byte Redis's for
 * values built the same way, and RESTORE's errors and propagation are Redis's.
 */
import assert from "node:assert/strict";
import { Config } from "../lib/config.ts";
import { crc64Update, writeCrc64 } from "../lib/persistence/crc64.ts";
import { dumpPayload, RdbError, restorePayload } from "../lib/persistence/rdb.ts";
import {
  ALL_BYTES,
  binaryToBytes,
  bytesToBinary,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
  withServer,
} from "./helpers.ts";

/** A deterministic byte soup: incompressible, every byte value. */
function noise(n: number, seed: number): string {
  let x = seed;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += String.fromCharCode(x >>> 16 & 0xff);
  }
  return s;
}

/** Commands that build a key of every type in every encoding (default thresholds). */
function population(): string[][] {
  const script: string[][] = [
    ["SET", "str:int", "12345"],
    ["SET", "str:neg", "-2147483648"],
    ["SET", "str:int64", "9223372036854775807"],
    ["SET", "str:notint", "0123"],
    ["SET", "str:embstr", "hello world"],
    ["SET", "str:raw", "compressible ".repeat(20)],
    ["SET", "str:noise", noise(300, 1)],
    ["SET", "str:bytes", ALL_BYTES],
    ["SET", "str:empty", ""],
    ["SET", "str:big", "0123456789abcdef".repeat(65536)],
    ["SET", "str:appended", "a"],
    ["APPEND", "str:appended", "b".repeat(50)],
    ["SETRANGE", "str:ranged", 3, "xyz"].map(String),
    ["RPUSH", "list:small", "a", "1", "-1", "300", "-70000", "9000000000", "x".repeat(70), ALL_BYTES],
    ["RPUSH", "list:lpushed", "a", "b", "c", "d", "e", "f"],
    ["LPUSH", "list:lpushed", "head"],
    ["HSET", "hash:small", "f1", "v1", "n", "42", "bin", ALL_BYTES.slice(0, 60)],
    ["HSET", "hash:longvalue", "f", "v".repeat(65)],
    ["SADD", "set:intset", "1", "-5", "40000", "-3000000000"],
    ["SADD", "set:intset16", "1", "2", "3"],
    ["SADD", "set:strings", "a", "b", "c", ALL_BYTES],
    [
      "ZADD",
      "zset:small",
      "1",
      "a",
      "1.5",
      "b",
      "-2.25",
      "c",
      "0.1",
      "d",
      "inf",
      "e",
      "-inf",
      "f",
      "1e20",
      "g",
      "123456789",
      "h",
      "3.14159",
      ALL_BYTES.slice(0, 40),
    ],
    ["ZADD", "zset:longmember", "1", "m".repeat(65)],
    [
      "ZADD",
      "zset:scores",
      ...[
        "-0",
        "5e-324",
        "1.7976931348623157e308",
        "4503599627370496",
        "-4503599627370497",
        "0.30000000000000004",
      ]
        .flatMap((score, i) => [score, `s${i}`]),
      ...["1e-5", "123456789012345678", "-1.5e-300", "2.5", "100", "-100000"].flatMap((
        score,
        i,
      ) => [score, `t${i}`]),
    ],
  ];
  const big = (cmd: string, key: string, n: number, item: (i: number) => string[]) => {
    for (let i = 0; i < n; i += 100) {
      const args = [cmd, key];
      for (let j = i; j < Math.min(n, i + 100); j++) args.push(...item(j));
      script.push(args);
    }
  };
  big(
    "RPUSH",
    "list:big",
    3000,
    (i) => [i % 3 === 0 ? String(i * 7919) : `element:${i}:${"z".repeat(i % 50)}`],
  );
  big("RPUSH", "list:hugeitems", 30, (i) => [noise(5000 + i, i)]);
  big("HSET", "hash:big", 700, (i) => [`field:${i}`, i % 2 ? String(i) : `value:${i}`]);
  big("SADD", "set:bigints", 600, (i) => [String(i * 1000003 - 300000000)]);
  big("SADD", "set:big", 700, (i) => [`member:${i}`]);
  big("ZADD", "zset:big", 300, (i) => [String((i * 37 % 101) / 7), `m:${i}`]);
  return script;
}

/** A value read back through the ordinary commands, for comparing two servers' copies. */
async function readBack(conn: RawConnection, key: string): Promise<Reply> {
  const type = await conn.command("TYPE", key) as string;
  const sorted = (r: Reply) => (r as string[]).sort();
  switch (type) {
    case "string":
      return [type, await conn.command("GET", key)];
    case "list":
      return [type, await conn.command("LRANGE", key, "0", "-1")];
    case "hash": {
      const flat = await conn.command("HGETALL", key) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]]));
      return [type, pairs.sort()];
    }
    case "set":
      return [type, sorted(await conn.command("SMEMBERS", key))];
    case "zset":
      return [type, await conn.command("ZRANGE", key, "0", "-1", "WITHSCORES")];
    default:
      return [type];
  }
}

async function run(conn: RawConnection, script: string[][]): Promise<void> {
  for (const command of script) {
    const reply = await conn.command(...command);
    assert.ok(!(reply !== null && typeof reply === "object" && "error" in reply), JSON.stringify(reply));
  }
}

async function encoding(conn: RawConnection, key: string): Promise<Reply> {
  return await conn.command("OBJECT", "ENCODING", key);
}

Deno.test({
  name: "DUMP payloads travel between Redis and Redix both ways, for every type and encoding",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    const theirs = await RawConnection.open(redis.port);
    const ours = await RawConnection.open(redix.port);
    try {
      const script = population();
      await run(theirs, script);
      await run(ours, script);
      const keys = (await theirs.command("KEYS", "*") as string[]).sort();
      assert.deepEqual((await ours.command("KEYS", "*") as string[]).sort(), keys);
      for (const key of keys) {
        await t.step(key, async () => {
          const original = await readBack(theirs, key);
          const theirDump = await theirs.command("DUMP", key) as string;
          const ourDump = await ours.command("DUMP", key) as string;
          // Same value built the same way: the same bytes, but for the order of
          // a hash table's elements, which depends on its history of resizes.
          if (await encoding(theirs, key) !== "hashtable") {
            assert.equal(ourDump === theirDump, true, `DUMP ${key} differs`);
          }
          // Redis's payload restored into Redix, and into Redis.
          assert.equal(await ours.command("RESTORE", `copy:${key}`, "0", theirDump), "OK");
          assert.equal(await theirs.command("RESTORE", `copy:${key}`, "0", theirDump), "OK");
          assert.deepEqual(await readBack(ours, `copy:${key}`), original);
          assert.equal(await encoding(ours, `copy:${key}`), await encoding(theirs, `copy:${key}`));
          // Redix's payload of the restored copy restored into Redis.
          const again = await ours.command("DUMP", `copy:${key}`) as string;
          assert.equal(await theirs.command("RESTORE", `back:${key}`, "0", again), "OK");
          assert.deepEqual(await readBack(theirs, `back:${key}`), original);
          assert.equal(await encoding(theirs, `back:${key}`), await encoding(theirs, `copy:${key}`));
        });
      }
    } finally {
      theirs.close();
      ours.close();
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "DUMP bytes follow the list node size, list compression and rdbcompression settings as Redis's do",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    const theirs = await RawConnection.open(redis.port);
    const ours = await RawConnection.open(redix.port);
    const settings: [string, string][][] = [
      [["list-max-listpack-size", "5"]],
      [["list-max-listpack-size", "-1"]],
      [["list-max-listpack-size", "-5"]],
      [["list-max-listpack-size", "-2"], ["list-compress-depth", "1"]],
      [["list-compress-depth", "2"], ["rdbcompression", "no"]],
      [["list-compress-depth", "0"], ["rdbcompression", "no"]],
    ];
    try {
      for (const setting of settings) {
        await t.step(JSON.stringify(setting), async () => {
          for (const conn of [theirs, ours]) {
            await conn.command("FLUSHALL");
            for (const [name, value] of setting) await conn.command("CONFIG", "SET", name, value);
            const script = population().filter((c) => c[1].startsWith("list:") || c[1] === "str:raw");
            await run(conn, script);
          }
          for (const key of ["list:small", "list:big", "list:hugeitems", "str:raw"]) {
            const theirDump = await theirs.command("DUMP", key) as string;
            assert.equal(await ours.command("DUMP", key) === theirDump, true, `DUMP ${key}`);
            assert.equal(await ours.command("RESTORE", "copy", "0", theirDump, "REPLACE"), "OK");
            assert.deepEqual(await readBack(ours, "copy"), await readBack(theirs, key));
          }
        });
      }
    } finally {
      theirs.close();
      ours.close();
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "RESTORE gives a loaded value the encoding of the current thresholds, as Redis does",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    const redix = await startTestServer();
    const theirs = await RawConnection.open(redis.port);
    const ours = await RawConnection.open(redix.port);
    try {
      await run(theirs, population());
      const keys = (await theirs.command("KEYS", "*") as string[]).sort();
      const dumps = new Map<string, string>();
      for (const key of keys) dumps.set(key, await theirs.command("DUMP", key) as string);
      const thresholds = [
        ["hash-max-listpack-entries", "2"],
        ["hash-max-listpack-value", "4"],
        ["set-max-intset-entries", "3"],
        ["zset-max-listpack-entries", "3"],
        ["zset-max-listpack-value", "2"],
      ];
      for (const conn of [theirs, ours]) {
        for (const [name, value] of thresholds) await conn.command("CONFIG", "SET", name, value);
      }
      for (const [key, payload] of dumps) {
        for (const conn of [theirs, ours]) {
          assert.equal(await conn.command("RESTORE", `small:${key}`, "0", payload), "OK");
        }
        assert.equal(
          await encoding(ours, `small:${key}`),
          await encoding(theirs, `small:${key}`),
          `OBJECT ENCODING of ${key} restored under small thresholds`,
        );
        assert.deepEqual(await readBack(ours, `small:${key}`), await readBack(theirs, key));
      }
    } finally {
      theirs.close();
      ours.close();
      await redix.close();
      await redis.stop();
    }
  },
});

/** A payload with a right version and checksum around `body` (type byte + object). */
function sealed(body: string, version = 10): string {
  const bytes = new Uint8Array(body.length + 10);
  bytes.set(binaryToBytes(body));
  bytes[body.length] = version & 0xff;
  bytes[body.length + 1] = version >> 8;
  writeCrc64(crc64Update({ lo: 0, hi: 0 }, bytes, 0, body.length + 2), bytes, body.length + 2);
  return bytesToBinary(bytes);
}

const HELLO = sealed("\x00\x05hello");

Deno.test({
  name: "RESTORE: options, errors and TTLs as Redis",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    errors: [
      ["SET", "k", "v"],
      ["RESTORE", "k", "0", HELLO],
      ["RESTORE", "k", "0", HELLO, "REPLACE"],
      ["GET", "k"],
      ["RESTORE", "n", "-1", HELLO],
      ["RESTORE", "n", "x", HELLO],
      ["RESTORE", "k", "x", HELLO],
      ["RESTORE", "n", "0", HELLO, "IDLETIME", "-1"],
      ["RESTORE", "n", "0", HELLO, "IDLETIME", "x"],
      ["RESTORE", "n", "0", HELLO, "IDLETIME"],
      ["RESTORE", "n", "0", HELLO, "FREQ", "256"],
      ["RESTORE", "n", "0", HELLO, "FREQ", "-1"],
      ["RESTORE", "n", "0", HELLO, "FREQ", "5", "IDLETIME", "5"],
      ["RESTORE", "n", "0", HELLO, "IDLETIME", "5", "FREQ", "5"],
      ["RESTORE", "n", "0", HELLO, "BOGUS"],
      ["RESTORE", "n", "0", HELLO, "REPLACE", "ABSTTL", "BOGUS"],
      ["RESTORE", "n", "0", "short"],
      ["RESTORE", "n", "0", ""],
      ["RESTORE", "n", "0", HELLO.slice(0, -1) + "\x00"],
      ["RESTORE", "n", "0", "x" + HELLO.slice(1)],
      ["RESTORE", "n", "0", sealed("\x00\x05hello", 11)],
      ["RESTORE", "n", "0", sealed("\x00\x05hello", 9)],
      ["RESTORE", "n2", "0", sealed("\x00\x09hello")],
      ["RESTORE", "n3", "0", sealed("\x63\x05hello")],
      ["RESTORE", "n4", "0", sealed("\x0f\x00")],
      ["RESTORE", "n5", "0", sealed("\x02\x00")],
      ["RESTORE", "n6", "0", sealed("\x02\x02\x01a\x01a")],
      ["RESTORE", "n7", "0", sealed("\x0b\x08\x02\x00\x00\x00\x00\x00\x00\x00")],
      // A quicklist whose one node, plain or packed, is empty.
      ["RESTORE", "n8", "0", sealed("\x12\x01\x01\x00")],
      ["RESTORE", "n9", "0", sealed("\x12\x01\x02\x00")],
      ["EXISTS", "n", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"],
      ["RESTORE"],
      ["RESTORE", "n", "0"],
      ["DUMP", "missing"],
      ["DUMP"],
    ],
    ttls: [
      ["RESTORE", "t1", "100000", HELLO],
      ["TTL", "t1"],
      ["RESTORE", "t2", "1", HELLO, "ABSTTL"],
      ["EXISTS", "t2"],
      ["SET", "t3", "old"],
      ["RESTORE", "t3", "1", HELLO, "ABSTTL", "REPLACE"],
      ["EXISTS", "t3"],
      ["RESTORE", "t4", "4102444800000", HELLO, "ABSTTL"],
      ["EXPIRETIME", "t4"],
      ["SET", "t5", "old", "EX", "100"],
      ["RESTORE", "t5", "0", HELLO, "REPLACE"],
      ["TTL", "t5"],
      ["GET", "t5"],
      ["RESTORE", "i", "0", HELLO, "IDLETIME", "1000"],
      ["OBJECT", "IDLETIME", "i"],
      ["RESTORE", "f", "0", HELLO, "FREQ", "100"],
      ["OBJECT", "ENCODING", "f"],
    ],
    lfu: [
      ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
      ["RESTORE", "f", "0", HELLO, "FREQ", "100"],
      ["OBJECT", "FREQ", "f"],
      ["RESTORE", "g", "0", HELLO, "IDLETIME", "100"],
      ["OBJECT", "FREQ", "g"],
      ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
    ],
  }),
});

Deno.test("RESTORE is propagated with an absolute TTL, and as DEL when it only deleted", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
    const conn = await RawConnection.open(port);
    const before = Date.now();
    await conn.command("RESTORE", "a", "0", HELLO);
    await conn.command("RESTORE", "b", "100000", HELLO, "IDLETIME", "5");
    const after = Date.now();
    await conn.command("RESTORE", "c", "2000000000000", HELLO, "ABSTTL");
    await conn.command("RESTORE", "b", "1", HELLO, "REPLACE", "ABSTTL");
    await conn.command("RESTORE", "d", "1", HELLO, "ABSTTL"); // expired, nothing deleted: nothing
    await conn.command("RESTORE", "a", "0", "bad"); // an error: nothing
    assert.deepEqual(effects[0], ["0", "RESTORE", "a", "0", HELLO]);
    assert.deepEqual(effects[1].slice(0, 3), ["0", "RESTORE", "b"]);
    const at = Number(effects[1][3]);
    assert.ok(at >= before + 100_000 && at <= after + 100_000);
    assert.deepEqual(effects[1].slice(4), [HELLO, "IDLETIME", "5", "ABSTTL"]);
    assert.deepEqual(effects[2], ["0", "RESTORE", "c", "2000000000000", HELLO, "ABSTTL"]);
    assert.deepEqual(effects[3], ["0", "DEL", "b"]);
    assert.equal(effects.length, 4);
    await conn.command("CONFIG", "SET", "lazyfree-lazy-server-del", "yes");
    await conn.command("RESTORE", "c", "1", HELLO, "REPLACE", "ABSTTL");
    assert.deepEqual(effects[4], ["0", "UNLINK", "c"]);
    conn.close();
  });
});

Deno.test("restorePayload: wrong version or checksum is null, a malformed object an RdbError", () => {
  const config = new Config();
  const payload = binaryToBytes(HELLO);
  assert.equal(restorePayload(payload, config), "hello");
  assert.deepEqual(dumpPayload("hello", config), payload);
  for (let i = 0; i < payload.length; i++) {
    const flipped = payload.slice();
    flipped[i] ^= 0x20;
    assert.equal(restorePayload(flipped, config), null, `byte ${i} flipped`);
  }
  assert.equal(restorePayload(payload.subarray(0, 9), config), null);
  // Redis reads on into the footer: a string longer than what is left of it is bad data.
  assert.equal(restorePayload(binaryToBytes(sealed("\x00\x07hello")), config), "hello\x0a\x00");
  assert.throws(() => restorePayload(binaryToBytes(sealed("\x00\x20hello")), config), RdbError);
  assert.throws(() => restorePayload(binaryToBytes(sealed("\x12\x01\x02\x03abc")), config), RdbError);
});
