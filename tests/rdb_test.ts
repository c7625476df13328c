/**
 * RDB files against a real redis-server: a dump.rdb Redis saved is read by
 * loadRdb key for key; a file RdbEncoder wrote is loaded by redis-server and
 * passes redis-check-rdb; payloads in the encodings only older Redis versions
 * wrote (ziplist, zipmap, quicklist v1) read as Redis 7.0 reads them; and
 * corrupt files fail with an RdbError naming the offset.
 */
import assert from "node:assert/strict";
import { Config } from "../lib/config.ts";
import { encodeIntset } from "../lib/persistence/compact.ts";
import { crc64Update, writeCrc64 } from "../lib/persistence/crc64.ts";
import { encodeListpack } from "../lib/persistence/listpack.ts";
import { loadRdb, RDB_TYPE, RdbEncoder, RdbError, restorePayload } from "../lib/persistence/rdb.ts";
import type { RedisValue } from "../lib/store/database.ts";
import type { HashValue } from "../lib/store/hash.ts";
import type { ListValue } from "../lib/store/list.ts";
import { RawString, toBinary } from "../lib/store/raw_string.ts";
import type { SetValue } from "../lib/store/set.ts";
import type { SortedSetValue } from "../lib/store/zset.ts";
import { formatDouble } from "../lib/util/numbers.ts";
import {
  ALL_BYTES,
  binaryToBytes,
  bytesToBinary,
  hasProgram,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  runScript,
  startRedis,
  startTestServer,
  waitFor,
  withServer,
} from "./helpers.ts";

const HAVE_CHECK_RDB = await hasProgram("redis-check-rdb");

/** Small thresholds, so that a few elements show every encoding. */
const THRESHOLDS: [string, string][] = [
  ["hash-max-listpack-entries", "4"],
  ["hash-max-listpack-value", "16"],
  ["set-max-intset-entries", "4"],
  ["zset-max-listpack-entries", "4"],
  ["zset-max-listpack-value", "16"],
  ["list-max-listpack-size", "3"],
];

function configWith(settings: [string, string][]): Config {
  const config = new Config();
  for (const [name, value] of settings) assert.equal(config.configSet([name, value]), null);
  return config;
}

/** Every type in every encoding, in three databases, some keys with a TTL. */
function population(): [db: number, command: string[]][] {
  const script: [number, string[]][] = [];
  for (const db of [0, 1, 9]) {
    const p = `db${db}:`;
    const add = (...command: string[]) => script.push([db, command]);
    add("SET", `${p}int`, "-123456");
    add("SET", `${p}embstr`, "hello", "EX", "1000");
    add("SET", `${p}raw`, "abc".repeat(100));
    add("SET", `${p}bytes`, ALL_BYTES, "PX", "5000000");
    add("SET", `${p}123`, "integer key");
    add("RPUSH", `${p}list`, "a", "b", "c", "4", "5", "6", "7", ALL_BYTES);
    add("RPUSH", `${p}list1`, "x".repeat(10000));
    add("HSET", `${p}hash:lp`, "a", "1", "b", "2");
    add("HSET", `${p}hash:ht`, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
    add("HSET", `${p}hash:long`, "a", "x".repeat(17));
    add("SADD", `${p}set:int`, "1", "-2", "100000");
    add("SADD", `${p}set:int64`, "1", "-9223372036854775808");
    add("SADD", `${p}set:ints`, "1", "2", "3", "4", "5");
    add("SADD", `${p}set:str`, "a", "b");
    add("ZADD", `${p}zset:lp`, "1.5", "a", "-inf", "b", "0.1", "c");
    add("ZADD", `${p}zset:sl`, "1", "a", "2", "b", "3", "c", "4", "d", "5.5", "e");
    add("ZADD", `${p}zset:long`, "1", "m".repeat(17));
    add("PEXPIRE", `${p}zset:sl`, "7000000");
  }
  return script;
}

/** What Redis reports about a key: type, value (canonical order), TTL presence and encoding. */
async function describeKey(conn: RawConnection, key: string): Promise<Reply[]> {
  const type = await conn.command("TYPE", key) as string;
  let value: Reply;
  switch (type) {
    case "string":
      value = await conn.command("GET", key);
      break;
    case "list":
      value = await conn.command("LRANGE", key, "0", "-1");
      break;
    case "hash": {
      const flat = await conn.command("HGETALL", key) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]]));
      value = pairs.sort();
      break;
    }
    case "set":
      value = (await conn.command("SMEMBERS", key) as string[]).sort();
      break;
    default:
      value = await conn.command("ZRANGE", key, "0", "-1", "WITHSCORES");
  }
  return [type, value, await conn.command("OBJECT", "ENCODING", key)];
}

/** The same description of a value loadRdb produced. */
function describeValue(value: RedisValue, config: Config): Reply[] {
  if (typeof value === "string" || value instanceof RawString) {
    const s = toBinary(value);
    const encoding = /^(0|-?[1-9][0-9]{0,18})$/.test(s) && BigInt(s) < 2n ** 63n && BigInt(s) >= -(2n ** 63n)
      ? "int"
      : s.length <= 44
      ? "embstr"
      : "raw";
    return ["string", s, encoding];
  }
  const encoding = value.encoding(config);
  switch (value.type) {
    case "list": {
      const list = value as ListValue;
      return ["list", list.range(0, list.size - 1), encoding];
    }
    case "hash":
      return [
        "hash",
        [...(value as HashValue).entries()].map((pair) => JSON.stringify(pair)).sort(),
        encoding,
      ];
    case "set":
      return ["set", [...(value as SetValue).members()].sort(), encoding];
    default: {
      const flat: string[] = [];
      for (const [member, score] of (value as SortedSetValue).entries()) {
        flat.push(member, formatDouble(score));
      }
      return ["zset", flat, encoding];
    }
  }
}

interface RedisProcess {
  port: number;
  conn: RawConnection;
  stop(): Promise<void>;
}

/** A redis-server of our own with its files in `dir` (loading `dbfilename` there if present). */
async function startRedisIn(
  dir: string,
  dbfilename = "dump.rdb",
  extra: string[] = [],
): Promise<RedisProcess> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--dbfilename",
      dbfilename,
      ...extra,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(async () => {
    try {
      const probe = await RawConnection.open(port);
      // Answers LOADING until the file is in.
      const reply = await probe.command("PING");
      probe.close();
      return reply === "PONG";
    } catch {
      return false;
    }
  }, "redis-server to listen");
  const conn = await RawConnection.open(port);
  return {
    port,
    conn,
    stop: async () => {
      conn.close();
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

/** Every key of a redis-server: db -> key -> [description, ttl in ms or -1]. */
async function snapshotOf(conn: RawConnection, dbs: number[]): Promise<Map<string, Reply[]>> {
  const all = new Map<string, Reply[]>();
  for (const db of dbs) {
    await conn.command("SELECT", String(db));
    const keys = (await conn.command("KEYS", "*") as string[]).sort();
    for (const key of keys) {
      const expireAt = await conn.command("PEXPIRETIME", key) as number;
      all.set(`${db}/${key}`, [...await describeKey(conn, key), expireAt]);
    }
  }
  await conn.command("SELECT", "0");
  return all;
}

Deno.test({
  name: "loadRdb reads a dump.rdb saved by redis-server: every key, type, value, encoding and TTL",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const redis = await startRedisIn(dir);
    try {
      for (const [name, value] of THRESHOLDS) await redis.conn.command("CONFIG", "SET", name, value);
      for (const [db, command] of population()) {
        await redis.conn.command("SELECT", String(db));
        await redis.conn.command(...command);
      }
      await redis.conn.command("SELECT", "0");
      const expected = await snapshotOf(redis.conn, [0, 1, 9]);
      assert.equal(await redis.conn.command("SAVE"), "OK");
      const bytes = await Deno.readFile(`${dir}/dump.rdb`);

      const config = configWith(THRESHOLDS);
      const loaded = new Map<string, Reply[]>();
      const { version, aux } = loadRdb(bytes, config, (db, key, value, expireAt) => {
        loaded.set(`${db}/${key}`, [...describeValue(value, config), expireAt ?? -1]);
      });
      assert.equal(version, 10);
      assert.equal(aux.get("redis-ver"), "7.0.15");
      assert.equal(aux.get("redis-bits"), "64");
      assert.deepEqual([...loaded.keys()].sort(), [...expected.keys()].sort());
      for (const [key, description] of expected) assert.deepEqual(loaded.get(key), description, key);
    } finally {
      await redis.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a file RdbEncoder wrote from a Redix keyspace loads into redis-server with the same content",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      let expected = new Map<string, Reply[]>();
      await withServer(async ({ port, server }) => {
        const conn = await RawConnection.open(port);
        for (const [name, value] of THRESHOLDS) await conn.command("CONFIG", "SET", name, value);
        for (const [db, command] of population()) {
          await conn.command("SELECT", String(db));
          await conn.command(...command);
        }
        await conn.command("SELECT", "0");
        expected = await snapshotOf(conn, [0, 1, 9]);
        conn.close();
        for (const [compress, name] of [[true, "dump.rdb"], [false, "plain.rdb"]] as const) {
          const encoder = new RdbEncoder({ compress, checksum: compress });
          encoder.header([["redis-ver", "7.0.15"], ["redis-bits", "64"], ["ctime", "1700000000"]]);
          const chunks: Uint8Array[] = [];
          for (const db of server.keyspace.dbs) {
            if (db.size === 0) continue;
            encoder.selectDb(db.index, db.size, db.expires.size);
            for (const [key, value] of db.data.entries()) {
              encoder.entry(key, value, db.expiryOf(key), server.config);
              if (encoder.length > 1000) chunks.push(encoder.take());
            }
          }
          encoder.end();
          chunks.push(encoder.take());
          const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const chunk of chunks) {
            file.set(chunk, at);
            at += chunk.length;
          }
          await Deno.writeFile(`${dir}/${name}`, file);
        }
      }, {});
      for (const name of ["dump.rdb", "plain.rdb"]) {
        if (HAVE_CHECK_RDB) {
          const check = await new Deno.Command("redis-check-rdb", {
            args: [`${dir}/${name}`],
            stdout: "piped",
          })
            .output();
          const report = new TextDecoder().decode(check.stdout);
          assert.equal(check.code, 0, report);
          assert.match(report, /RDB looks OK!/);
        }
        const redis = await startRedisIn(dir, name, THRESHOLDS.flatMap(([n, v]) => [`--${n}`, v]));
        try {
          const actual = await snapshotOf(redis.conn, [0, 1, 9]);
          assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
          for (const [key, description] of expected) assert.deepEqual(actual.get(key), description, key);
        } finally {
          await redis.stop();
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------------------
// Encodings of older Redis versions, built by hand per their formats

/** A ziplist (ziplist.c) of binary strings and integers. */
function ziplist(entries: (string | number | bigint)[]): Uint8Array {
  const parts: number[][] = [];
  let prevlen = 0;
  let tail = 10;
  let offset = 10;
  for (const entry of entries) {
    const bytes: number[] = prevlen < 254
      ? [prevlen]
      : [254, prevlen & 0xff, (prevlen >> 8) & 0xff, (prevlen >> 16) & 0xff, prevlen >>> 24];
    if (typeof entry === "string") {
      const n = entry.length;
      if (n < 64) bytes.push(n);
      else if (n < 16384) bytes.push(0x40 | (n >> 8), n & 0xff);
      else bytes.push(0x80, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
      for (let i = 0; i < n; i++) bytes.push(entry.charCodeAt(i));
    } else {
      const v = BigInt(entry);
      const le = (width: number) => {
        const out: number[] = [];
        let x = BigInt.asUintN(width * 8, v);
        for (let i = 0; i < width; i++, x >>= 8n) out.push(Number(x & 0xffn));
        return out;
      };
      if (v >= 0n && v <= 12n) bytes.push(0xf1 + Number(v));
      else if (v >= -128n && v <= 127n) bytes.push(0xfe, ...le(1));
      else if (v >= -32768n && v <= 32767n) bytes.push(0xc0, ...le(2));
      else if (v >= -8388608n && v <= 8388607n) bytes.push(0xf0, ...le(3));
      else if (v >= -2147483648n && v <= 2147483647n) bytes.push(0xd0, ...le(4));
      else bytes.push(0xe0, ...le(8));
    }
    tail = offset;
    offset += bytes.length;
    prevlen = bytes.length;
    parts.push(bytes);
  }
  const total = offset + 1;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint32(4, tail, true);
  view.setUint16(8, Math.min(entries.length, 65535), true);
  let p = 10;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  out[p] = 0xff;
  return out;
}

/** A zipmap (zipmap.c): field/value pairs, with some free bytes after a value. */
function zipmap(pairs: [string, string][], free = 0): Uint8Array {
  const bytes: number[] = [Math.min(pairs.length, 254)];
  const len = (n: number) => n < 254 ? [n] : [254, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  for (const [field, value] of pairs) {
    bytes.push(...len(field.length), ...binaryToBytes(field));
    bytes.push(...len(value.length), free, ...binaryToBytes(value), ...new Array(free).fill(0));
  }
  bytes.push(0xff);
  return new Uint8Array(bytes);
}

/** RDB length encoding. */
function rdbLen(n: number): number[] {
  if (n < 64) return [n];
  if (n < 16384) return [0x40 | (n >> 8), n & 0xff];
  return [0x80, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** A plain RDB string. */
function rdbString(bytes: Uint8Array | string): number[] {
  const b = typeof bytes === "string" ? binaryToBytes(bytes) : bytes;
  return [...rdbLen(b.length), ...b];
}

/** A DUMP payload of `type` and body, as Redis 6 (RDB 9) would have sealed it. */
function payload(type: number, body: number[], version = 9): string {
  const bytes = new Uint8Array(body.length + 11);
  bytes[0] = type;
  bytes.set(body, 1);
  bytes[body.length + 1] = version;
  bytes[body.length + 2] = 0;
  writeCrc64(crc64Update({ lo: 0, hi: 0 }, bytes, 0, body.length + 3), bytes, body.length + 3);
  return bytesToBinary(bytes);
}

const OLD_PAYLOADS: Record<string, string> = {
  listZiplist: payload(
    RDB_TYPE.LIST_ZIPLIST,
    rdbString(ziplist(["a", 1, -1, 300, -70000, 2 ** 40, "x".repeat(70)])),
  ),
  quicklistV1: payload(
    RDB_TYPE.LIST_QUICKLIST,
    [2, ...rdbString(ziplist(["a", "b", 7])), ...rdbString(ziplist([12, 13, -129, 32768, "z".repeat(300)]))],
  ),
  hashZiplist: payload(
    RDB_TYPE.HASH_ZIPLIST,
    rdbString(ziplist(["f", "v", "n", 5, "big", 9223372036854775807n])),
  ),
  hashZiplistBig: payload(
    RDB_TYPE.HASH_ZIPLIST,
    rdbString(ziplist(Array.from({ length: 20 }, (_, i) => [`f${i}`, i]).flat())),
  ),
  hashZipmap: payload(
    RDB_TYPE.HASH_ZIPMAP,
    rdbString(zipmap([["a", "1"], ["bb", "hello"], ["c", "x".repeat(300)]])),
  ),
  hashZipmapFree: payload(RDB_TYPE.HASH_ZIPMAP, rdbString(zipmap([["a", "1"], ["b", "2"]], 3))),
  zsetZiplist: payload(
    RDB_TYPE.ZSET_ZIPLIST,
    rdbString(ziplist(["c", "-inf", "a", 1, "b", "1.5", "d", 3000])),
  ),
  zsetZiplistBig: payload(
    RDB_TYPE.ZSET_ZIPLIST,
    rdbString(ziplist(Array.from({ length: 20 }, (_, i) => [`m${i}`, i * 3]).flat())),
  ),
  setIntset: payload(RDB_TYPE.SET_INTSET, rdbString(encodeIntset(["5", "-3", "70000"]))),
  listLinked: payload(RDB_TYPE.LIST, [3, ...rdbString("a"), ...rdbString("b"), 0xc0, 7]),
  setPlain: payload(RDB_TYPE.SET, [3, ...rdbString("a"), 0xc0, 7, 0xc1, 0xe8, 0x03]),
  zsetText: payload(RDB_TYPE.ZSET, [
    3,
    ...rdbString("a"),
    3,
    ...binaryToBytes("1.5"),
    ...rdbString("b"),
    254,
    ...rdbString("c"),
    255,
  ]),
  hashPlain: payload(RDB_TYPE.HASH, [2, ...rdbString("f"), ...rdbString("v"), ...rdbString("g"), 0xc0, 1]),
  zsetListpackV10: payload(RDB_TYPE.ZSET_LISTPACK, rdbString(encodeListpack(["a", "1", "b", "2.5"])), 10),
  // Elements longer than *-max-listpack-value keep a listpack or ziplist as it is, not a plain type.
  hashZiplistLong: payload(RDB_TYPE.HASH_ZIPLIST, rdbString(ziplist(["longfield123", "longvalue123"]))),
  zsetZiplistLong: payload(RDB_TYPE.ZSET_ZIPLIST, rdbString(ziplist(["longmember123", 1]))),
  hashListpackLong: payload(RDB_TYPE.HASH_LISTPACK, rdbString(encodeListpack(["f", "longvalue123"])), 10),
  zsetListpackLong: payload(RDB_TYPE.ZSET_LISTPACK, rdbString(encodeListpack(["longmember123", "1"])), 10),
  hashPlainLong: payload(RDB_TYPE.HASH, [1, ...rdbString("f"), ...rdbString("longvalue123")]),
  zsetPlainLong: payload(RDB_TYPE.ZSET_2, [1, ...rdbString("longmember123"), 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]),
};

/** Replies whose order follows a hash table (random-seeded in Redis) are compared sorted. */
function unordered(command: string[], reply: Reply): Reply {
  if (!Array.isArray(reply)) return reply;
  if (command[0] === "SMEMBERS") return [...reply as string[]].sort();
  if (command[0] !== "HGETALL") return reply;
  const pairs: string[] = [];
  for (let i = 0; i < reply.length; i += 2) pairs.push(JSON.stringify([reply[i], reply[i + 1]]));
  return pairs.sort();
}

Deno.test({
  name: "older encodings (ziplist, zipmap, quicklist v1, linked list, text scores) restore as in Redis 7.0",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      for (const [name, p] of Object.entries(OLD_PAYLOADS)) {
        const read = name.startsWith("list") || name.startsWith("quick")
          ? ["LRANGE", "k", "0", "-1"]
          : name.startsWith("hash")
          ? ["HGETALL", "k"]
          : name.startsWith("set")
          ? ["SMEMBERS", "k"]
          : ["ZRANGE", "k", "0", "-1", "WITHSCORES"];
        const script = [
          ["CONFIG", "SET", "hash-max-listpack-entries", "10"],
          ["CONFIG", "SET", "zset-max-listpack-entries", "10"],
          ["CONFIG", "SET", "hash-max-listpack-value", "5"],
          ["CONFIG", "SET", "zset-max-listpack-value", "5"],
          ["RESTORE", "k", "0", p],
          read,
          ["OBJECT", "ENCODING", "k"],
          ["CONFIG", "SET", "hash-max-listpack-entries", "512"],
          ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
          ["CONFIG", "SET", "hash-max-listpack-value", "64"],
          ["CONFIG", "SET", "zset-max-listpack-value", "64"],
        ];
        await t.step(name, async () => {
          const expected = await runScript(redis.port, script);
          const actual = await runScript(redix.port, script);
          for (let i = 0; i < script.length; i++) {
            assert.deepEqual(
              unordered(script[i], actual[i]),
              unordered(script[i], expected[i]),
              script[i][0],
            );
          }
        });
      }
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});

Deno.test("older encodings parse without a server too", () => {
  const config = new Config();
  const list = restorePayload(binaryToBytes(OLD_PAYLOADS.quicklistV1), config) as ListValue;
  assert.deepEqual(list.range(0, list.size - 1), [
    "a",
    "b",
    "7",
    "12",
    "13",
    "-129",
    "32768",
    "z".repeat(300),
  ]);
  const hash = restorePayload(binaryToBytes(OLD_PAYLOADS.hashZipmapFree), config) as HashValue;
  assert.deepEqual([...hash.entries()], [["a", "1"], ["b", "2"]]);
});

// ---------------------------------------------------------------------------
// Corruption

function sampleFile(checksum = true): Uint8Array {
  const config = configWith(THRESHOLDS);
  const encoder = new RdbEncoder({ compress: true, checksum });
  encoder.header([["redis-ver", "7.0.15"]]);
  encoder.selectDb(0, 3, 1);
  encoder.entry("s", "abc".repeat(20), 1e13, config);
  encoder.entry("n", "12", undefined, config);
  const list = restorePayload(binaryToBytes(OLD_PAYLOADS.quicklistV1), config)!;
  encoder.entry("l", list, undefined, config);
  encoder.end();
  return encoder.take();
}

function load(bytes: Uint8Array): Map<string, RedisValue> {
  const keys = new Map<string, RedisValue>();
  loadRdb(bytes, new Config(), (_db, key, value) => keys.set(key, value));
  return keys;
}

Deno.test("corrupt files: truncation, flipped bytes and unknown types fail with the offset", () => {
  const file = sampleFile();
  assert.equal(load(file).size, 3);
  for (let n = 0; n < file.length; n++) {
    assert.throws(() => load(file.subarray(0, n)), RdbError, `truncated to ${n} bytes`);
  }
  for (let i = 0; i < file.length; i++) {
    const flipped = file.slice();
    flipped[i] ^= 0x01;
    assert.throws(() => load(flipped), RdbError, `byte ${i} flipped`);
  }
  // The checksum names where it is.
  const bad = file.slice();
  bad[bad.length - 1] ^= 0xff;
  assert.throws(() => load(bad), (e: unknown) => e instanceof RdbError && e.offset === file.length - 8);
  // Without a checksum, a flipped byte in a value goes unnoticed, as in Redis.
  const unchecked = sampleFile(false);
  assert.deepEqual(unchecked.subarray(unchecked.length - 8), new Uint8Array(8));
  assert.equal(load(unchecked).size, 3);
  // An unknown type byte names its offset.
  const header = binaryToBytes("REDIS0010");
  const unknown = new Uint8Array([
    ...header,
    0xfe,
    0x00,
    0x08,
    0x01,
    0x6b,
    0x01,
    0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  assert.throws(
    () => load(unknown),
    (e: unknown) => e instanceof RdbError && e.offset === 11 && /unknown/.test(e.message),
  );
  const stream = new Uint8Array([...header, 0x0f, 0x01, 0x6b, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => load(stream), (e: unknown) => e instanceof RdbError && /stream/i.test(e.message));
  const functions = new Uint8Array([...header, 0xf5, 0x01, 0x61, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => load(functions), (e: unknown) => e instanceof RdbError && /function/i.test(e.message));
  assert.throws(() => load(binaryToBytes("REDIS0012\xff")), RdbError);
  assert.throws(() => load(binaryToBytes("RADIS0010\xff")), RdbError);
  // Versions before 5 have no checksum.
  assert.equal(load(binaryToBytes("REDIS0004\x00\x01k\x01v\xff")).get("k"), "v");
});

Deno.test("a dump.rdb skips empty keys, keeps IDLE/FREQ out and reads EXPIRETIME in seconds", () => {
  const header = [...binaryToBytes("REDIS0009")];
  const bytes = new Uint8Array([
    ...header,
    0xfa,
    ...rdbString("redis-ver"),
    ...rdbString("6.2.0"),
    0xfe,
    0x02,
    0xfb,
    0x02,
    0x01,
    0xfd,
    0x10,
    0x00,
    0x00,
    0x00, // expire at 16 s
    0xf8,
    0x05, // idle
    0x00,
    ...rdbString("old"),
    ...rdbString("v"),
    0xf9,
    0x07, // freq
    0x02,
    ...rdbString("empty"),
    0x00, // a set of no members
    0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const seen: [number, string, RedisValue, number | undefined][] = [];
  const { version, aux } = loadRdb(
    bytes,
    new Config(),
    (db, key, value, at) => seen.push([db, key, value, at]),
  );
  assert.equal(version, 9);
  assert.equal(aux.get("redis-ver"), "6.2.0");
  assert.deepEqual(seen, [[2, "old", "v", 16000]]);
});

Deno.test("RDB 11 (Redis 7.2) files: a set listpack loads as the set encoding Redis 7.0 would use", () => {
  const bytes = new Uint8Array([
    ...binaryToBytes("REDIS0011"),
    0xfe,
    0x00,
    RDB_TYPE.SET_LISTPACK,
    ...rdbString("ints"),
    ...rdbString(encodeListpack(["3", "1", "2"])),
    RDB_TYPE.SET_LISTPACK,
    ...rdbString("strs"),
    ...rdbString(encodeListpack(["a", "1"])),
    0xff,
    ...new Uint8Array(8),
  ]);
  const seen = new Map<string, RedisValue>();
  const config = new Config();
  assert.equal(loadRdb(bytes, config, (_db, key, value) => seen.set(key, value)).version, 11);
  const ints = seen.get("ints") as SetValue;
  assert.deepEqual([ints.members(), ints.encoding()], [["1", "2", "3"], "intset"]);
  const strs = seen.get("strs") as SetValue;
  assert.deepEqual([[...strs.members()].sort(), strs.encoding()], [["1", "a"], "hashtable"]);
  // DUMP payloads of version 11 are refused, as by Redis 7.0.
  assert.equal(
    restorePayload(binaryToBytes(payload(RDB_TYPE.SET_INTSET, rdbString(encodeIntset(["1"])), 11)), config),
    null,
  );
});

Deno.test("a corrupt LZF length fails as corruption rather than allocating it", () => {
  const bytes = new Uint8Array([
    ...binaryToBytes("REDIS0010"),
    0x00,
    ...rdbString("k"),
    0xc3,
    0x02,
    0x81,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0, // 2^40 bytes
    0x00,
    0x61,
    0xff,
    ...new Uint8Array(8),
  ]);
  assert.throws(() => load(bytes), (e: unknown) => e instanceof RdbError && e.offset === 12);
});
