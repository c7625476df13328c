/**
 * MEMORY: USAGE's argument errors and missing keys as redis-server, its
 * estimate growing with the value; DOCTOR, PURGE and HELP; STATS's fields,
 * order and reply types as redis-server's, its values sane.
 */
import assert from "node:assert/strict";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  sameRepliesAsRedis,
  withServer,
} from "./helpers.ts";

/** Runs `fn` with a connection to a fresh Redix. */
async function withConnection(fn: (conn: RawConnection) => Promise<void>): Promise<void> {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      await fn(conn);
    } finally {
      conn.close();
    }
  });
}

Deno.test({
  name:
    "MEMORY USAGE's errors and missing keys, DOCTOR, PURGE, HELP and STATS's arity error reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "MEMORY": [
      ["MEMORY", "USAGE", "nope"],
      ["MEMORY", "USAGE", "nope", "SAMPLES", "0"],
      ["SET", "k", "v"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "x"],
      ["MEMORY", "USAGE", "k", "foo"],
      ["MEMORY", "USAGE", "k", "SAMPLES"],
      ["MEMORY", "USAGE", "k", "SAMPLES", "1", "extra"],
      ["MEMORY", "USAGE"],
      ["MEMORY", "PURGE"],
      ["MEMORY", "DOCTOR"],
      ["MEMORY", "NOSUCH"],
      ["MEMORY"],
      ["MEMORY", "STATS", "extra"],
      ["MEMORY", "HELP"],
    ],
  }),
});

Deno.test("MEMORY USAGE estimates a key's bytes, which grow with its value and a TTL", async () => {
  await withConnection(async (conn) => {
    await conn.command("SET", "small", "v");
    await conn.command("SET", "big", "v".repeat(10_000));
    await conn.command("RPUSH", "list", ...Array.from({ length: 100 }, (_, i) => `element ${i}`));
    const small = await conn.command("MEMORY", "USAGE", "small") as number;
    const big = await conn.command("MEMORY", "USAGE", "big") as number;
    const list = await conn.command("MEMORY", "USAGE", "list", "SAMPLES", "0") as number;
    assert.ok(small > 0 && small < 200, `small: ${small}`);
    assert.ok(big > 10_000 && big < 10_200, `big: ${big}`);
    assert.ok(list > 100 * 10, `list: ${list}`);
    await conn.command("EXPIRE", "small", "100");
    assert.ok(await conn.command("MEMORY", "USAGE", "small") as number > small);
    const help = await conn.command("MEMORY", "HELP") as string[];
    assert.equal(help[0], "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    assert.ok(help.includes("USAGE <key> [SAMPLES <count>]"));
  });
});

/**
 * A MEMORY STATS reply as its names and the type of each value (a db.N map
 * nested), so that servers with different figures compare: RESP2's flat
 * arrays of integers and bulk-string doubles, RESP3's maps of integers and
 * `,` doubles.
 */
function statsShape(reply: Reply): Reply[] {
  const pairs: [Reply, Reply][] = [];
  if (Array.isArray(reply)) {
    for (let i = 0; i < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]]);
  } else if (reply !== null && typeof reply === "object" && "map" in reply) {
    pairs.push(...reply.map);
  } else {
    throw new Error(`not a MEMORY STATS reply: ${JSON.stringify(reply)}`);
  }
  return pairs.map(([name, value]) => {
    if (typeof value === "number") return `${name}: integer`;
    if (typeof value === "string" && !Number.isNaN(Number(value))) return `${name}: bulk number`;
    if (value !== null && typeof value === "object" && "double" in value) return `${name}: double`;
    if (Array.isArray(value) || (value !== null && typeof value === "object" && "map" in value)) {
      return [`${name}: ${Array.isArray(value) ? "array" : "map"}`, statsShape(value)];
    }
    return `${name}: ${JSON.stringify(value)}`;
  });
}

/** A RESP2 MEMORY STATS reply as a Map of its top-level fields. */
async function stats(conn: RawConnection): Promise<Map<string, Reply>> {
  const reply = await conn.command("MEMORY", "STATS") as Reply[];
  const fields = new Map<string, Reply>();
  for (let i = 0; i < reply.length; i += 2) fields.set(reply[i] as string, reply[i + 1]);
  return fields;
}

Deno.test({
  name: "MEMORY STATS has redis-server's fields, order, types and db.N entries in RESP2 and RESP3",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const conn = await RawConnection.open(port);
    try {
      const seen: Reply[] = [];
      const observe = async () => {
        const reply = await conn.command("MEMORY", "STATS");
        seen.push(statsShape(reply));
        const fields = Array.isArray(reply) ? reply : (reply as { map: Reply[][] }).map.flat();
        seen.push(fields[fields.indexOf("keys.count") + 1]);
      };
      await observe();
      await conn.command("SET", "plain", "v");
      await conn.command("SELECT", "5");
      await conn.command("SET", "with-ttl", "v", "EX", "1000");
      await conn.command("HSET", "hash", "f", "v");
      await observe();
      await conn.command("PERSIST", "with-ttl");
      await observe();
      await conn.command("HELLO", "3");
      await observe();
      await conn.command("FLUSHALL");
      await observe();
      return seen;
    } finally {
      conn.close();
    }
  }),
});

Deno.test("MEMORY STATS: keys.count, db.N entries and their overheads exact, figures growing with 100k keys", async () => {
  await withConnection(async (conn) => {
    const empty = await stats(conn);
    assert.equal(empty.get("keys.count"), 0);
    assert.equal(empty.get("keys.bytes-per-key"), 0);
    assert.ok(![...empty.keys()].some((name) => name.startsWith("db.")));
    const batch = 10_000;
    for (let start = 0; start < 100_000; start += batch) {
      await conn.send(
        Array.from(
          { length: batch },
          (_, i) => encodeCommand(["SET", `key:${start + i}`, `value ${start + i}`]),
        )
          .join(""),
      );
      for (let i = 0; i < batch; i++) assert.equal(await conn.reply(), "OK");
    }
    await conn.command("SELECT", "2");
    await conn.command("SET", "a", "1", "EX", "100");
    await conn.command("SET", "b", "2");
    const full = await stats(conn);
    assert.equal(full.get("keys.count"), 100_002);
    assert.deepEqual(full.get("db.0"), [
      "overhead.hashtable.main",
      100_000 * 48,
      "overhead.hashtable.expires",
      0,
      "overhead.hashtable.slot-to-keys",
      0,
    ]);
    assert.deepEqual((full.get("db.2") as Reply[]).slice(0, 4), [
      "overhead.hashtable.main",
      96,
      "overhead.hashtable.expires",
      48,
    ]);
    assert.deepEqual([...full.keys()].filter((name) => name.startsWith("db.")), ["db.0", "db.2"]);
    const total = full.get("total.allocated") as number;
    assert.ok(total > (empty.get("total.allocated") as number) + 100_000 * 50, `total.allocated ${total}`);
    assert.ok((full.get("peak.allocated") as number) >= total);
    assert.ok((full.get("keys.bytes-per-key") as number) > 0);
    for (const name of ["dataset.percentage", "peak.percentage"]) {
      const value = Number(full.get(name));
      assert.ok(value > 0 && value <= 100, `${name} ${value}`);
    }
    assert.ok((full.get("overhead.total") as number) >= 100_002 * 48 + 48);
  });
});

Deno.test("MEMORY STATS with maxmemory set: total.allocated is INFO's used_memory, the data set the rest", async () => {
  await withConnection(async (conn) => {
    await conn.command("CONFIG", "SET", "maxmemory", "100mb");
    await conn.command("SET", "k", "v".repeat(1000));
    await conn.command("SET", "t", "v", "EX", "100");
    const fields = await stats(conn);
    const info = await conn.command("INFO", "memory") as string;
    const used = Number(/used_memory:(\d+)/.exec(info)![1]);
    assert.equal(fields.get("total.allocated"), used);
    assert.equal(fields.get("startup.allocated"), 0);
    assert.equal(fields.get("allocator.allocated"), used);
    // The data set is what the estimate counts beyond the entries (48 per key, 48 per TTL) and buffers.
    const overhead = fields.get("overhead.total") as number;
    assert.equal(fields.get("dataset.bytes"), used - overhead);
    assert.ok(overhead >= 3 * 48);
  });
});
