/**
 * Bitmap commands: replies compared with a real redis-server (scripted and
 * randomized), the bit helpers against a model bit array, in-place writes,
 * propagation, and an end-to-end run through ioredis.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import {
  bitop,
  type BitOperation,
  type Bytes,
  countBits,
  fieldResult,
  type FieldType,
  findBit,
  readBits,
  readField,
  writeBits,
  writeField,
} from "../lib/commands/bitmaps.ts";
import type { RunningServer } from "../lib/mod.ts";
import type { RedisValue } from "../lib/store/database.ts";
import { RawString } from "../lib/store/raw_string.ts";
import {
  ALL_BYTES,
  bytesToBinary,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  startRedis,
  withServer,
} from "./helpers.ts";
import { mulberry32 } from "./prng.ts";

if (!HAVE_REDIS) {
  console.warn("bitmaps_test: redis-server not found, skipping comparisons with real Redis");
}

const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";

/** Every field type BITFIELD accepts. */
const FIELD_TYPES = [
  ...Array.from({ length: 64 }, (_, i) => `i${i + 1}`),
  ...Array.from({ length: 63 }, (_, i) => `u${i + 1}`),
];

/**
 * Commands written one per line with arguments split on spaces, as in
 * redis-cli; `$ALL` stands for a value holding all 256 byte values and `""`
 * for the empty string.
 */
function commands(text: string): string[][] {
  const special: Record<string, string> = { $ALL: ALL_BYTES, '""': "" };
  return text.trim().split("\n").map((line) => line.trim().split(" ").map((arg) => special[arg] ?? arg));
}

/** For every type, each overflow mode at and past both ends of its range, on SET and INCRBY. */
function overflowScript(): string[][] {
  const lines: string[] = [];
  for (const t of FIELD_TYPES) {
    const bits = Number(t.slice(1));
    const max = t[0] === "i" ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    for (const mode of ["WRAP", "SAT", "FAIL"]) {
      lines.push(
        `BITFIELD f OVERFLOW ${mode} SET ${t} 3 -1 INCRBY ${t} 3 1 INCRBY ${t} 3 ${max} INCRBY ${t} 3 1 ` +
          `INCRBY ${t} 3 -2 INCRBY ${t} 3 ${INT64_MIN} SET ${t} #1 ${INT64_MAX} SET ${t} #1 ${INT64_MIN} ` +
          `SET ${t} #1 ${max + 1n} SET ${t} #1 ${-max - 2n} INCRBY ${t} #1 ${INT64_MAX} GET ${t} #1`,
      );
    }
    lines.push("GET f");
  }
  return commands(lines.join("\n"));
}

/** GET of every type at offsets that straddle bytes, on a value holding all 256 byte values. */
function readScript(): string[][] {
  const lines = ["SET all $ALL"];
  for (const t of FIELD_TYPES) {
    const bits = Number(t.slice(1));
    lines.push(`BITFIELD_RO all GET ${t} 0 GET ${t} ${bits * 29 % 2040} GET ${t} #3`);
    lines.push(`BITFIELD all GET ${t} 2040 GET ${t} 2047 GET ${t} 100000`);
  }
  return commands(lines.join("\n"));
}

const SCRIPTS: Record<string, string[][]> = {
  "setbit and getbit": commands(`
    SETBIT k 7 1
    GET k
    SETBIT k 7 1
    SETBIT k 7 0
    SETBIT k 100 1
    GET k
    GETBIT k 100
    GETBIT k 101
    GETBIT k 100000
    GETBIT missing 3
    SETBIT k -1 1
    SETBIT k x 1
    SETBIT k 4294967296 1
    SETBIT k 4294967296 2
    SETBIT k 1 2
    SETBIT k 1 -1
    SETBIT k 1 01
    SETBIT k 1 x
    SETBIT k #1 1
    GETBIT k #1
    GETBIT k -1
    GETBIT missing x
    GETBIT missing 4294967296
    GETBIT k 4294967295
    SET s $ALL EX 1000
    GETBIT s 8
    GETBIT s 15
    GETBIT s 2047
    SETBIT s 2047 0
    SETBIT s 2048 1
    SETBIT s 0 1
    GET s
    TTL s
    SET n 12345
    SETBIT n 6 0
    GET n
    SETBIT k
    GETBIT k
  `),
  "bitcount": commands(`
    BITCOUNT missing
    BITCOUNT missing a b
    BITCOUNT missing 0
    BITCOUNT missing 0 1 FOO
    SET k foobar
    BITCOUNT k
    BITCOUNT k 0 0
    BITCOUNT k 1 1
    BITCOUNT k 1 -2
    BITCOUNT k -3 -1
    BITCOUNT k -100 100
    BITCOUNT k 4 2
    BITCOUNT k -1 -5
    BITCOUNT k -1 -5 FOO
    BITCOUNT k -5 -1 FOO
    BITCOUNT k 0 -1 BIT
    BITCOUNT k 5 30 bit
    BITCOUNT k 5 30 BYTE
    BITCOUNT k 1 1 BIT
    BITCOUNT k 3 4 BIT
    BITCOUNT k -10 -3 BIT
    BITCOUNT k -1000 1000 BIT
    BITCOUNT k 9 8 BIT
    BITCOUNT k ${INT64_MAX} ${INT64_MIN}
    BITCOUNT k ${INT64_MIN} -1
    BITCOUNT k ${INT64_MIN} ${INT64_MAX} BIT
    BITCOUNT k -9223372036854775807 ${INT64_MIN}
    BITCOUNT k 0 9223372036854775808
    BITCOUNT k 0
    BITCOUNT k a b
    BITCOUNT k 0 b
    BITCOUNT k 0 a FOO
    BITCOUNT k 0 1 BIT x
    SET all $ALL
    BITCOUNT all
    BITCOUNT all 3 250
    BITCOUNT all 3 2000 BIT
    BITCOUNT all -77 -2
    SETBIT all 3000 1
    BITCOUNT all
    BITCOUNT all 13 2999 BIT
    BITCOUNT all -300 -1 BIT
    SET e ""
    BITCOUNT e
    BITCOUNT e 0 -1
    BITCOUNT e 0 -1 BIT
    BITCOUNT
  `),
  "bitpos": [
    ["SET", "ones", "\xff\xff\xff"],
    ["SET", "zeros", "\x00\x00\x00"],
    ["SET", "k", "\x00\xff\xf0\x0f\x80"],
    ...commands(`
      BITPOS missing 0
      BITPOS missing 1
      BITPOS missing 0 a
      BITPOS missing 2
      BITPOS missing x
      BITPOS ones 0
      BITPOS ones 0 1
      BITPOS ones 0 -1
      BITPOS ones 0 0 -1
      BITPOS ones 0 1 1
      BITPOS ones 0 5
      BITPOS ones 0 0 23 BIT
      BITPOS ones 0 3 -1 BIT
      BITPOS ones 0 20 100 BIT
      BITPOS ones 1 -1 -1
      BITPOS ones 1 9 10 BIT
      BITPOS ones 1 10 9 BIT
      BITPOS zeros 1
      BITPOS zeros 0
      BITPOS zeros 0 2
      BITPOS zeros 1 0 -1 BIT
      BITPOS k 1
      BITPOS k 0
      BITPOS k 1 2
      BITPOS k 0 1
      BITPOS k 0 1 2
      BITPOS k 1 3
      BITPOS k 1 -1
      BITPOS k 1 -2 -1
      BITPOS k 1 8 20 BIT
      BITPOS k 1 2 7 BIT
      BITPOS k 0 8 15 BIT
      BITPOS k 0 9 20 BIT
      BITPOS k 0 12 15 bit
      BITPOS k 1 29 31 BIT
      BITPOS k 1 29 33 BIT
      BITPOS k 1 -8 -1 BIT
      BITPOS k 1 1 1 byte
      BITPOS k 1 ${INT64_MIN} ${INT64_MAX} BIT
      BITPOS k 1 ${INT64_MAX}
      BITPOS k 0 ${INT64_MAX}
      BITPOS k 2
      BITPOS k 1 a
      BITPOS k 1 0 a
      BITPOS k 1 0 a FOO
      BITPOS k 1 a 0 FOO
      BITPOS k 1 0 1 FOO
      BITPOS k 1 0 1 BIT x
      SET all $ALL
      BITPOS all 1
      BITPOS all 0
      BITPOS all 1 200 -1
      BITPOS all 0 255
      BITPOS all 0 2040 2047 BIT
      SET e ""
      BITPOS e 0
      BITPOS e 1
      BITPOS e 0 0
      BITPOS k
    `),
  ],
  "bitop": [
    ["SET", "a", "\x0f\xf0\xaa"],
    ["SET", "b", "\xff\x00"],
    ["SET", "big", "\xff".repeat(100)],
    ...commands(`
      SET c $ALL
      BITOP AND d a b
      GET d
      BITOP or d a b
      GET d
      BITOP Xor d a b c
      GET d
      BITOP AND d a missing
      GET d
      BITOP OR d missing a
      GET d
      BITOP NOT d c
      GET d
      BITOP NOT d d
      GET d
      BITOP AND c c c c
      GET c
      BITOP XOR c c c
      GET c
      BITOP OR d c c a b c a
      GET d
      SET t x EX 100
      BITOP OR t a
      TTL t
      BITOP AND t missing missing2
      EXISTS t
      BITOP AND t missing
      BITOP NOT t missing
      SET e ""
      BITOP NOT t e
      BITOP FOO d a
      BITOP NOT d a b
      BITOP NOT d
      BITOP AND d
      SETBIT big 1000 0
      BITOP AND d big c
      GET d
      BITOP XOR d c big
      GET d
      BITOP NOT d big
      GET d
      BITOP or e missing d
      BITCOUNT e
    `),
  ],
  "bitfield": [
    ["SET", "s", ALL_BYTES, "EX", "1000"],
    ...commands(`
      BITFIELD k
      EXISTS k
      BITFIELD k GET u8 0
      EXISTS k
      BITFIELD k SET i8 0 -100 GET i8 0 GET u8 0 INCRBY i8 0 -100
      GET k
      BITFIELD k set u4 #1 15 get u4 4 incrby u2 #3 3
      BITFIELD k OVERFLOW FAIL INCRBY u8 0 1000 OVERFLOW SAT INCRBY u8 0 1000
      BITFIELD k overflow wrap incrby i5 100 100 overflow sat incrby i5 100 100
      BITFIELD k OVERFLOW FAIL SET u8 100 300
      GET k
      BITFIELD fresh OVERFLOW FAIL SET u8 0 300
      GET fresh
      BITFIELD k GET i64 #1000 SET i64 #2 -1 GET u63 128
      GET k
      BITFIELD k OVERFLOW SAT SET u8 0 -1 SET u63 0 -1 GET u63 0
      BITFIELD k OVERFLOW SAT SET i8 0 ${INT64_MIN} GET i8 0
      BITFIELD k OVERFLOW SAT SET i8 0 -9223372036854775681 GET i8 0
      BITFIELD k OVERFLOW SAT SET i8 0 -9223372036854775680 GET i8 0
      BITFIELD k OVERFLOW SAT SET i32 0 -9223372036854775000 GET i32 0
      BITFIELD k SET i64 0 -1 INCRBY i64 0 1 INCRBY i64 0 ${INT64_MIN} INCRBY i64 0 -1
      BITFIELD k OVERFLOW SAT INCRBY i64 0 -1 INCRBY i64 0 ${INT64_MAX} INCRBY i64 0 1
      BITFIELD k OVERFLOW FAIL INCRBY i64 0 1 INCRBY i64 0 ${INT64_MIN} INCRBY i64 0 ${INT64_MIN}
      BITFIELD k GET u8 0 OVERFLOW FAIL SET u8 0 1 OVERFLOW WRAP INCRBY u8 0 256
      BITFIELD k GET i8 4294967295 GET i8 #536870911 GET i64 #4611686018427387904
      BITFIELD s INCRBY u16 8 257 GET i12 2000 SET i3 2045 3
      GET s
      TTL s
      BITFIELD k GET
      BITFIELD k GET i8
      BITFIELD k GET i8 0 foo
      BITFIELD k foo
      BITFIELD k OVERFLOW
      BITFIELD k OVERFLOW foo
      BITFIELD k OVERFLOW foo GET x 0
      BITFIELD k GET x 0 OVERFLOW foo
      BITFIELD k GET i0 0
      BITFIELD k GET u64 0
      BITFIELD k GET i65 0
      BITFIELD k GET I8 0
      BITFIELD k GET U8 0
      BITFIELD k GET i08 0
      BITFIELD k GET i+8 0
      BITFIELD k GET i 0
      BITFIELD k GET "" 0
      BITFIELD k GET i8 -1
      BITFIELD k GET i8 #-1
      BITFIELD k GET i8 #
      BITFIELD k GET i8 ##1
      BITFIELD k GET i8 4294967296
      BITFIELD k GET i8 #536870912
      BITFIELD k GET i64 #144115188075855871
      BITFIELD k GET i64 #9223372036854775807
      BITFIELD k SET i8 0
      BITFIELD k SET i8 0 x
      BITFIELD k INCRBY i8 0 x
      BITFIELD k INCRBY i8 0 9223372036854775808
      BITFIELD k GET u8 0 SET u8
      BITFIELD k GET u8 0 OVERFLOW WRAP GET
      BITFIELD
      GET k
    `),
    ["BITFIELD", "k", "GET", "u8\x00junk", "0", "GET", "u\x008", "0"],
  ],
  "bitfield_ro": [
    ["SET", "k", "\x80\x01"],
    ...commands(`
      BITFIELD_RO missing
      BITFIELD_RO missing GET u8 0
      BITFIELD_RO k GET i8 0 GET u16 0 get i4 #3 OVERFLOW SAT
      BITFIELD_RO k SET i8 0 1
      BITFIELD_RO k INCRBY i8 0 1
      BITFIELD_RO k GET u8 0 INCRBY i8 0 x
      BITFIELD_RO k OVERFLOW FAIL
      BITFIELD_RO k GET u64 0
      BITFIELD_RO k GET u8 0 foo
      BITFIELD_RO missing SET u8 0 1
      EXISTS missing
      BITFIELD_RO
    `),
  ],
  "bitfield reads of every type": readScript(),
  "bitfield overflow of every type": overflowScript(),
  "offsets limited by proto-max-bulk-len": commands(`
    CONFIG SET proto-max-bulk-len 1mb
    SETBIT k 8388608 1
    SETBIT k 8388607 1
    GET k
    GETBIT k 8388608
    BITFIELD k SET i64 8388607 1
    GET k
    BITFIELD k GET i8 8388608
    BITFIELD k GET i8 #1048576
    BITFIELD k GET i8 #1048575
    BITOP NOT d k
    BITCOUNT d
    CONFIG SET proto-max-bulk-len 512mb
  `),
};

Deno.test({
  name: "bitmap commands reply as a real redis-server does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/** Runs `script` after FLUSHALL and `setup`, all pipelined in one write. */
async function pipelined(port: number, setup: string[][], script: string[][]): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    const all = [["FLUSHALL"], ...setup, ...script];
    await conn.send(all.map(encodeCommand).join(""));
    const replies: Reply[] = [];
    for (let i = 0; i < all.length; i++) replies.push(await conn.reply());
    return replies.slice(1 + setup.length);
  } finally {
    conn.close();
  }
}

/** Runs `fn` with a throwaway redis-server's port and a fresh Redix, stopping both whatever happens. */
async function withRedisAndRedix(
  fn: (redisPort: number, redix: RunningServer) => Promise<void>,
): Promise<void> {
  const redis = await startRedis();
  try {
    await withServer((redix) => fn(redis.port, redix));
  } finally {
    await redis.stop();
  }
}

/** Random bitmap commands over a few keys, with offsets, ranges and values that hit the edge cases. */
function randomCommands(seed: number, count: number): string[][] {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const keys = ["a", "b", "c", "d"];
  const offset = () => String(random() < 0.9 ? int(300) : int(5000));
  const index = () => String(random() < 0.7 ? int(40) - 20 : int(800) - 400);
  const runByte = () => pick([0, 0xff, int(256)]);
  const value = () => {
    let text = "";
    for (let n = int(40); n > 0; n--) {
      text += String.fromCharCode(random() < 0.7 ? pick([0, 0xff]) : runByte());
    }
    return text;
  };
  const int64 = () => {
    const high = BigInt(int(2 ** 32)) << 32n;
    return String(BigInt.asIntN(64, high | BigInt(int(2 ** 32))));
  };
  const fieldValue = () =>
    pick([String(int(200) - 100), String(int(2 ** 33) - 2 ** 32), int64(), INT64_MAX, INT64_MIN, "0", "-1"]);
  const fieldType = () => {
    const signed = random() < 0.5;
    const bits = random() < 0.5 ? 1 + int(16) : 1 + int(signed ? 64 : 63);
    return (signed ? "i" : "u") + bits;
  };
  const fieldOffset = () => (random() < 0.2 ? `#${int(20)}` : offset());
  const range = (): string[] => {
    const roll = int(4);
    if (roll === 0) return [];
    const unit = roll === 3 ? [pick(["BIT", "BYTE"])] : [];
    return [index(), index(), ...unit];
  };
  const commands: string[][] = [];
  for (let i = 0; i < count; i++) {
    const key = pick(keys);
    const roll = int(100);
    if (roll < 8) commands.push(["SET", key, value()]);
    else if (roll < 28) commands.push(["SETBIT", key, offset(), String(int(2))]);
    else if (roll < 36) commands.push(["GETBIT", key, offset()]);
    else if (roll < 46) commands.push(["BITCOUNT", key, ...range()]);
    else if (roll < 58) {
      const args = range();
      // BITPOS takes a start alone too, and a unit only after an end.
      if (args.length === 2 && random() < 0.3) args.pop();
      commands.push(["BITPOS", key, String(int(2)), ...args]);
    } else if (roll < 66) {
      const op = pick(["AND", "OR", "XOR", "NOT"]);
      const sources = op === "NOT"
        ? [pick(keys)]
        : Array.from({ length: 1 + int(3) }, () => pick([...keys, "x"]));
      commands.push(["BITOP", op, key, ...sources]);
    } else if (roll < 92) {
      const args: string[] = [];
      for (let n = 1 + int(4); n > 0; n--) {
        const op = int(10);
        if (op < 2) args.push("OVERFLOW", pick(["WRAP", "SAT", "FAIL"]));
        else if (op < 5) args.push("GET", fieldType(), fieldOffset());
        else if (op < 7) args.push("SET", fieldType(), fieldOffset(), fieldValue());
        else args.push("INCRBY", fieldType(), fieldOffset(), fieldValue());
      }
      commands.push(["BITFIELD", key, ...args]);
    } else if (roll < 95) commands.push(["BITFIELD_RO", key, "GET", fieldType(), fieldOffset()]);
    else if (roll < 97) commands.push(["DEL", key]);
    else commands.push(["GET", key]);
  }
  for (const key of keys) commands.push(["GET", key]);
  return commands;
}

Deno.test({
  name: "3,000 random pipelined bitmap commands give the same replies and values as redis-server",
  ignore: !HAVE_REDIS,
  fn: () =>
    withRedisAndRedix(async (redisPort, { port }) => {
      for (const seed of [1, 2, 3]) {
        const script = randomCommands(seed, 3000);
        const expected = await pipelined(redisPort, [], script);
        const actual = await pipelined(port, [], script);
        for (let i = 0; i < script.length; i++) {
          assert.deepEqual(
            actual[i],
            expected[i],
            `seed ${seed}, command ${i}: ${JSON.stringify(script[i])}`,
          );
        }
      }
    }),
});

Deno.test({
  name: "bitmap commands refuse other types as redis-server does",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const script = commands(`
      SETBIT l 0 1
      SETBIT l 0 3
      SETBIT l -1 1
      GETBIT l 0
      GETBIT l x
      BITCOUNT l
      BITCOUNT l x
      BITPOS l 1
      BITPOS l 3
      BITPOS l 1 x
      BITOP AND d s l
      BITOP NOT d l
      BITOP FOO d l
      EXISTS d
      BITFIELD l
      BITFIELD l GET u8 0
      BITFIELD l SET u8 0 1
      BITFIELD l GET x 0
      BITFIELD_RO l GET u8 0
      BITFIELD_RO l SET u8 0 1
      BITOP OR l s
      GET l
    `);
    await withRedisAndRedix(async (redisPort, { port, server }) => {
      const expected = await pipelined(redisPort, [["LPUSH", "l", "a"], ["SET", "s", "x"]], script);
      const conn = await RawConnection.open(port);
      await conn.command("SET", "s", "x");
      // No other type exists in Redix yet: a stand-in value that is not a string.
      server.keyspace.dbs[0].set("l", { list: ["a"] } as unknown as RedisValue);
      const actual: Reply[] = [];
      for (const command of script) actual.push(await conn.command(...command));
      conn.close();
      assert.deepEqual(actual, expected);
    });
  },
});

Deno.test({
  name: "bitmap reads count keyspace hits and misses as redis-server does, writes do not",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const script = commands(`
      SETBIT a 1 1
      SETBIT a 2 1
      GETBIT a 1
      GETBIT missing 1
      BITCOUNT a
      BITCOUNT missing
      BITPOS a 1
      BITPOS missing 1
      BITOP AND d a missing
      BITFIELD a GET u8 0
      BITFIELD missing GET u8 0
      BITFIELD a SET u8 0 1 GET u8 0
      BITFIELD_RO a GET u8 0
    `);
    /** keyspace_hits and keyspace_misses after each command, counted from zero. */
    const counts = async (port: number) => {
      const conn = await RawConnection.open(port);
      const result: string[] = [];
      for (const command of script) {
        await conn.command("CONFIG", "RESETSTAT");
        await conn.command(...command);
        const info = await conn.command("INFO", "stats") as string;
        result.push(info.split("\r\n").filter((line) => line.startsWith("keyspace_")).join(" "));
      }
      conn.close();
      return result;
    };
    await withRedisAndRedix(async (redisPort, { port }) => {
      assert.deepEqual(await counts(port), await counts(redisPort));
    });
  },
});

Deno.test("SETBIT and BITFIELD change a large bitmap in place and keep the TTL", async () => {
  await withServer(async ({ port, server }) => {
    const db = server.keyspace.dbs[0];
    const conn = await RawConnection.open(port);
    try {
      assert.equal(await conn.command("SETBIT", "big", String(8 * 10_000_000), "1"), 0);
      const value = db.get("big");
      assert.ok(value instanceof RawString);
      const bytes = value.bytes;
      assert.equal(await conn.command("SETBIT", "big", "12345", "1"), 0);
      assert.deepEqual(await conn.command("BITFIELD", "big", "SET", "u8", "8", "255", "GET", "u8", "8"), [
        0,
        255,
      ]);
      assert.equal(await conn.command("BITCOUNT", "big"), 10);
      assert.equal(db.get("big"), value);
      assert.equal(value.bytes, bytes);

      await conn.command("SET", "s", "abc", "EX", "1000");
      assert.equal(typeof db.get("s"), "string");
      assert.equal(await conn.command("SETBIT", "s", "7", "0"), 1);
      assert.ok(db.get("s") instanceof RawString);
      assert.equal(await conn.command("GET", "s"), "`bc");
      assert.ok((await conn.command("TTL", "s") as number) > 0);
    } finally {
      conn.close();
    }
  });
});

Deno.test("bitmap writes propagate only when they change the data", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const conn = await RawConnection.open(port);
    const expected: string[][] = [];
    const run = async (command: string[], propagated: boolean) => {
      await conn.command(...command);
      if (propagated) expected.push(command);
      assert.deepEqual(effects, expected, JSON.stringify(command));
    };
    try {
      await run(["SETBIT", "k", "7", "1"], true);
      await run(["SETBIT", "k", "7", "1"], false);
      await run(["SETBIT", "k", "6", "0"], false);
      await run(["SETBIT", "k", "100", "0"], true); // grows the string
      await run(["GETBIT", "k", "7"], false);
      await run(["BITCOUNT", "k"], false);
      await run(["BITPOS", "k", "1"], false);
      await run(["BITFIELD", "k", "GET", "u8", "0"], false);
      await run(["BITFIELD", "k", "SET", "u8", "0", "1"], false); // the byte already holds 1
      await run(["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"], false);
      await run(["BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "200", "1000"], true); // grows the string
      await run(["BITFIELD", "k", "INCRBY", "u8", "0", "1"], true);
      await run(["BITFIELD", "k", "SET", "i64", "0", "-1", "SET", "i64", "0", "-1"], true);
      await run(["BITFIELD_RO", "k", "GET", "u8", "0"], false);
      await run(["BITOP", "OR", "d", "k"], true);
      await run(["BITOP", "AND", "e", "missing"], false);
      await run(["BITOP", "AND", "d", "missing"], true); // deletes d
      assert.equal(server.dirty, expected.length);
    } finally {
      conn.close();
    }
  });
});

Deno.test("ioredis: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD end to end", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      assert.equal(await redis.setbit("bm", 7, 1), 0);
      assert.equal(await redis.setbit("bm", 7, 1), 1);
      assert.equal(await redis.getbit("bm", 7), 1);
      assert.equal(await redis.getbit("bm", 6), 0);
      await redis.setbit("bm", 17, 1);
      assert.equal(await redis.bitcount("bm"), 2);
      assert.equal(await redis.bitcount("bm", 1, -1), 1);
      assert.equal(await redis.bitcount("bm", 8, 23, "BIT"), 1);
      assert.equal(await redis.bitpos("bm", 1, 1), 17);
      assert.deepEqual(await redis.getBuffer("bm"), Buffer.from([0x01, 0x00, 0x40]));
      assert.equal(await redis.bitop("NOT", "inv", "bm"), 3);
      assert.deepEqual(await redis.getBuffer("inv"), Buffer.from([0xfe, 0xff, 0xbf]));
      // ioredis types BITFIELD's arguments narrowly; call() sends any mix.
      const bitfield = (...args: (string | number)[]) => redis.call("BITFIELD", "bf", ...args);
      assert.deepEqual(
        await bitfield(..."SET u8 0 255 GET u8 0 INCRBY u8 0 10 OVERFLOW FAIL INCRBY u8 0 250".split(" ")),
        [0, 255, 9, null],
      );
      assert.deepEqual(await bitfield("SET", "i64", "#1", "-9223372036854775808", "GET", "i64", "#1"), [
        0,
        -(2 ** 63),
      ]);
      assert.deepEqual(await redis.bitfield_ro("bf", "GET", "u8", 0, "GET", "i4", 0), [9, 0]);
      await assert.rejects(
        redis.call("BITFIELD_RO", "bf", "SET", "u8", 0, 1),
        /BITFIELD_RO only supports the GET subcommand/,
      );
      await assert.rejects(redis.setbit("bm", 1, 2), /ERR bit is not an integer or out of range/);
      await assert.rejects(redis.bitfield("bf", "GET", "u64", 0), /Invalid bitfield type/);
      await assert.rejects(redis.bitpos("bm", 2), /The bit argument must be 1 or 0/);
    } finally {
      redis.disconnect();
    }
  });
});

// ---------------------------------------------------------------------------
// The helpers against a model: an array with one entry per bit.

/** The value of `width` model bits from `pos`, bits past the end being 0. */
function modelUnsigned(model: Uint8Array, pos: number, width: number): bigint {
  let value = 0n;
  for (let i = 0; i < width; i++) value = (value << 1n) | BigInt(model[pos + i] ?? 0);
  return value;
}

function modelBytes(model: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(model.length / 8);
  for (let i = 0; i < model.length; i++) bytes[i >> 3] |= model[i] << (7 - (i & 7));
  return bytes;
}

Deno.test("bit helpers agree with a model bit array over 100,000 random operations", () => {
  const random = mulberry32(42);
  const int = (n: number) => Math.floor(random() * n);
  const SIZE = 96;
  const model = new Uint8Array(SIZE * 8);
  const raw = new RawString(new Uint8Array(SIZE));
  // The same bytes as a binary string and at an unaligned offset, remade after writes.
  let copies: [string, Uint8Array] | undefined;
  const source = (): Bytes => {
    const which = int(3);
    if (which === 0) return raw.view();
    if (copies === undefined) {
      const start = 1 + int(3);
      const unaligned = new Uint8Array(SIZE + 4).subarray(start, start + SIZE);
      unaligned.set(raw.view());
      copies = [bytesToBinary(raw.view()), unaligned];
    }
    return copies[which - 1];
  };
  const randomBits = (bits: number) =>
    BigInt.asUintN(bits, (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32)));
  const range = (): [number, number] => {
    const a = int(model.length + 1);
    const b = int(model.length + 1);
    return a <= b ? [a, b] : [b, a];
  };
  for (let op = 0; op < 100_000; op++) {
    const roll = int(100);
    if (roll < 20) {
      const width = 1 + int(32);
      const pos = int(model.length - width + 1);
      const value = int(2 ** width);
      writeBits(raw.bytes, pos, width, value);
      for (let i = 0; i < width; i++) model[pos + i] = Math.floor(value / 2 ** (width - 1 - i)) % 2;
      copies = undefined;
    } else if (roll < 35) {
      const type: FieldType = { signed: random() < 0.5, bits: 0 };
      type.bits = 1 + int(type.signed ? 64 : 63);
      const pos = int(model.length - type.bits + 1);
      const unsigned = randomBits(type.bits);
      const value = type.signed ? BigInt.asIntN(type.bits, unsigned) : unsigned;
      writeField(raw.bytes, pos, type, type.bits <= 32 ? Number(value) : value);
      for (let i = 0; i < type.bits; i++) {
        model[pos + i] = Number((unsigned >> BigInt(type.bits - 1 - i)) & 1n);
      }
      copies = undefined;
    } else if (roll < 50) {
      const width = 1 + int(32);
      const pos = int(model.length + 40);
      assert.equal(readBits(source(), pos, width), Number(modelUnsigned(model, pos, width)));
    } else if (roll < 60) {
      const type: FieldType = { signed: random() < 0.5, bits: 0 };
      type.bits = 1 + int(type.signed ? 64 : 63);
      const pos = int(model.length + 40);
      const unsigned = modelUnsigned(model, pos, type.bits);
      const expected = type.signed ? BigInt.asIntN(type.bits, unsigned) : unsigned;
      const actual = readField(source(), pos, type);
      assert.equal(typeof actual, type.bits <= 32 ? "number" : "bigint");
      assert.equal(BigInt(actual), expected);
    } else if (roll < 75) {
      const [from, to] = range();
      let expected = 0;
      for (let i = from; i < to; i++) expected += model[i];
      assert.equal(countBits(source(), from, to), expected, `count ${from}..${to}`);
    } else if (roll < 90) {
      const [from, to] = range();
      const bit = int(2);
      let expected = -1;
      for (let i = from; i < to && expected === -1; i++) if (model[i] === bit) expected = i;
      assert.equal(findBit(source(), bit, from, to), expected, `find ${bit} in ${from}..${to}`);
    } else if (roll < 93) {
      const operation = (["and", "or", "xor", "not"] as BitOperation[])[int(4)];
      const sources = Array.from({ length: operation === "not" ? 1 : 1 + int(4) }, () => {
        const bytes = Uint8Array.from({ length: int(40) }, () => [0, 0xff, int(256)][int(3)]);
        return random() < 0.5 ? bytes : Uint8Array.from([0, ...bytes]).subarray(1);
      });
      const length = Math.max(...sources.map((s) => s.length));
      const expected = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        let byte = sources[0][i] ?? 0;
        for (const s of sources.slice(1)) {
          const other = s[i] ?? 0;
          byte = operation === "and" ? byte & other : operation === "or" ? byte | other : byte ^ other;
        }
        expected[i] = operation === "not" ? ~byte & 0xff : byte;
      }
      assert.deepEqual(bitop(operation, sources), expected);
    } else {
      // The number path of the BITFIELD arithmetic must agree with the exact bigint one.
      const type: FieldType = { signed: random() < 0.5, bits: 1 + int(32) };
      const max = type.signed ? 2 ** (type.bits - 1) - 1 : 2 ** type.bits - 1;
      const old = int(max + 1) - (type.signed ? int(max + 2) : 0);
      const argument =
        [int(2 ** 12) - 2 ** 11, int(2 ** 40) - 2 ** 39, int(2 ** 52) * (random() < 0.5 ? 1 : -1)][int(3)];
      const increment = random() < 0.5;
      const overflow = (["wrap", "sat", "fail"] as const)[int(3)];
      const fast = fieldResult(type, old, argument, increment, overflow);
      const exact = fieldResult(type, BigInt(old), BigInt(argument), increment, overflow);
      assert.equal(
        fast === null ? null : BigInt(fast),
        exact,
        JSON.stringify({ type, old, argument, increment, overflow }),
      );
    }
  }
  assert.deepEqual(raw.view(), modelBytes(model));
});
