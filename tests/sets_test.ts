/**
 * Set commands: replies compared with a real redis-server (skipped where it is
 * not installed), exactly where Redis's order is deterministic (intsets) and
 * sorted where it follows each server's hash table; SPOP / SRANDMEMBER by their
 * deterministic properties; what the writes propagate; ioredis end to end.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
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

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** Every distinct member ioredis's sscanStream returns for `key`, sorted. */
function sscanAll(client: Redis, key: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  return new Promise((resolve, reject) => {
    const stream = client.sscanStream(key, { count });
    stream.on("data", (page: string[]) => page.forEach((member) => seen.add(member)));
    stream.on("end", () => resolve([...seen].sort()));
    stream.on("error", reject);
  });
}

/** Scripts whose replies are deterministic as they stand: intsets reply in numeric order. */
const EXACT: Record<string, string[][]> = {
  "SADD, SREM, SCARD, SISMEMBER, SMISMEMBER and errors": [
    ["SADD", "s", "3", "1", "2", "1"],
    ["SADD", "s", "2"],
    ["SCARD", "s"],
    ["SCARD", "missing"],
    ["SISMEMBER", "s", "1"],
    ["SISMEMBER", "s", "9"],
    ["SISMEMBER", "missing", "1"],
    ["SMISMEMBER", "s", "1", "9", "3"],
    ["SMISMEMBER", "missing", "1", "2"],
    ["SREM", "s", "1", "9", "1"],
    ["SREM", "missing", "1"],
    ["SMEMBERS", "s"],
    ["SREM", "s", "2", "3", "4"],
    ["EXISTS", "s"],
    ["SADD", "s"],
    ["SREM", "s"],
    ["SISMEMBER", "s"],
    ["SMISMEMBER", "s"],
    ["SCARD"],
    ["SMEMBERS", "a", "b"],
  ],
  "intset order, encodings and set-max-intset-entries": [
    ["SADD", "i", "10", "-1", "9223372036854775807", "-9223372036854775808", "0", "2", "-10"],
    ["OBJECT", "ENCODING", "i"],
    ["SMEMBERS", "i"],
    ["SSCAN", "i", "0"],
    ["SSCAN", "i", "0", "COUNT", "1"],
    ["SSCAN", "i", "0", "MATCH", "-*"],
    ["SADD", "i", "01"],
    ["OBJECT", "ENCODING", "i"],
    ["SREM", "i", "01"],
    ["OBJECT", "ENCODING", "i"],
    ["SADD", "j", "9223372036854775808"],
    ["OBJECT", "ENCODING", "j"],
    ["SADD", "k", "-0", "+1", " 1", "1.5"],
    ["OBJECT", "ENCODING", "k"],
    ["CONFIG", "SET", "set-max-intset-entries", "3"],
    ["SADD", "small", "1", "2", "3"],
    ["OBJECT", "ENCODING", "small"],
    ["SADD", "small", "3"],
    ["OBJECT", "ENCODING", "small"],
    ["SADD", "small", "4"],
    ["OBJECT", "ENCODING", "small"],
    ["SREM", "small", "4", "3"],
    ["OBJECT", "ENCODING", "small"],
    ["SUNIONSTORE", "u", "small"],
    ["OBJECT", "ENCODING", "u"],
    ["SMEMBERS", "u"],
    ["CONFIG", "SET", "set-max-intset-entries", "0"],
    ["SADD", "zero", "1"],
    ["OBJECT", "ENCODING", "zero"],
    ["CONFIG", "SET", "set-max-intset-entries", "512"],
    ["SADD", "big", ...range(1, 512)],
    ["OBJECT", "ENCODING", "big"],
    ["SADD", "big", "513"],
    ["OBJECT", "ENCODING", "big"],
  ],
  "SMOVE": [
    ["SADD", "a", "1", "2"],
    ["SADD", "b", "3"],
    ["SMOVE", "a", "b", "1"],
    ["SMEMBERS", "a"],
    ["SMEMBERS", "b"],
    ["SMOVE", "a", "b", "9"],
    ["SMOVE", "a", "a", "2"],
    ["SMOVE", "a", "a", "9"],
    ["SMOVE", "a", "new", "2"],
    ["EXISTS", "a"],
    ["SMEMBERS", "new"],
    ["SMOVE", "missing", "new", "2"],
    ["SET", "str", "x"],
    ["SMOVE", "missing", "str", "2"],
    ["SMOVE", "str", "new", "2"],
    ["SMOVE", "new", "str", "2"],
    ["SMOVE", "new", "str", "9"],
    ["SADD", "h", "x"],
    ["SMOVE", "h", "new", "x"],
    ["OBJECT", "ENCODING", "new"],
    ["SMOVE", "h", "new"],
  ],
  "SPOP and SRANDMEMBER: deterministic cases and errors": [
    ["SPOP", "missing"],
    ["SPOP", "missing", "3"],
    ["SRANDMEMBER", "missing"],
    ["SRANDMEMBER", "missing", "3"],
    ["SRANDMEMBER", "missing", "-3"],
    ["SADD", "one", "x"],
    ["SRANDMEMBER", "one"],
    ["SRANDMEMBER", "one", "5"],
    ["SRANDMEMBER", "one", "-3"],
    ["SRANDMEMBER", "one", "0"],
    ["SPOP", "one", "0"],
    ["SADD", "i", "5", "3", "1", "4"],
    ["SRANDMEMBER", "i", "4"],
    ["SRANDMEMBER", "i", "100"],
    ["SRANDMEMBER", "i", "9223372036854775807"],
    ["SRANDMEMBER", "i", "-9223372036854775808"],
    ["SRANDMEMBER", "i", "x"],
    ["SRANDMEMBER", "i", "1", "2"],
    ["SPOP", "i", "-1"],
    ["SPOP", "i", "x"],
    ["SPOP", "i", "1", "2"],
    ["SPOP", "missing", "x"],
    ["SRANDMEMBER", "missing", "x"],
    ["SPOP", "i", "4"],
    ["EXISTS", "i"],
    ["SPOP", "one"],
    ["EXISTS", "one"],
    ["SADD", "two", "7", "8"],
    ["SPOP", "two", "9223372036854775807"],
    ["SADD", "b", ALL_BYTES],
    ["SPOP", "b"],
  ],
  "SINTER, SINTERCARD, SUNION, SDIFF over intsets": [
    ["SADD", "a", "1", "2", "3", "4", "5"],
    ["SADD", "b", "4", "5", "6", "-1"],
    ["SADD", "c", "5", "6", "7"],
    ["SINTER", "a", "b"],
    ["SINTER", "a", "b", "c"],
    ["SINTER", "a"],
    ["SINTER", "a", "missing"],
    ["SINTER", "missing", "a"],
    ["SUNION", "a", "b", "c", "missing"],
    ["SDIFF", "a", "b"],
    ["SDIFF", "a", "missing", "c"],
    ["SDIFF", "a", "a"],
    ["SDIFF", "missing", "a"],
    ["SUNION", "missing"],
    ["SINTERCARD", "2", "a", "b"],
    ["SINTERCARD", "3", "a", "b", "c"],
    ["SINTERCARD", "1", "a", "LIMIT", "2"],
    ["SINTERCARD", "1", "a", "limit", "0"],
    ["SINTERCARD", "1", "a", "LIMIT", "100"],
    ["SINTERCARD", "2", "a", "missing"],
    ["SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "3"],
    ["SINTERCARD", "0", "a"],
    ["SINTERCARD", "-1", "a"],
    ["SINTERCARD", "x", "a"],
    ["SINTERCARD", "99999999999999999999", "a"],
    ["SINTERCARD", "3", "a", "b"],
    ["SINTERCARD", "1", "a", "LIMIT"],
    ["SINTERCARD", "1", "a", "LIMIT", "-1"],
    ["SINTERCARD", "1", "a", "LIMIT", "x"],
    ["SINTERCARD", "1", "a", "FOO", "1"],
    ["SINTERCARD", "1"],
    ["SET", "str", "x"],
    ["SINTER", "a", "str"],
    ["SINTER", "missing", "str"],
    ["SUNION", "a", "str"],
    ["SDIFF", "missing", "str"],
    ["SINTERCARD", "2", "missing", "str"],
  ],
  "STORE forms": [
    ["SADD", "a", "1", "2", "3"],
    ["SADD", "b", "2", "3", "4"],
    ["SINTERSTORE", "d", "a", "b"],
    ["SMEMBERS", "d"],
    ["SUNIONSTORE", "d", "a", "b"],
    ["SMEMBERS", "d"],
    ["SDIFFSTORE", "d", "a", "b"],
    ["SMEMBERS", "d"],
    ["EXPIRE", "d", "100"],
    ["SUNIONSTORE", "d", "a"],
    ["TTL", "d"],
    ["SINTERSTORE", "d", "a", "missing"],
    ["EXISTS", "d"],
    ["SINTERSTORE", "d", "a", "missing"],
    ["SUNIONSTORE", "d", "missing"],
    ["SDIFFSTORE", "d", "a", "a"],
    ["SET", "str", "x"],
    ["SUNIONSTORE", "str", "a"],
    ["TYPE", "str"],
    ["SET", "str2", "x"],
    ["SDIFFSTORE", "str2", "missing"],
    ["EXISTS", "str2"],
    ["SET", "str3", "x"],
    ["SINTERSTORE", "d", "a", "str3"],
    ["SINTERSTORE", "a", "a", "b"],
    ["SMEMBERS", "a"],
    ["SUNIONSTORE", "d"],
  ],
  "SSCAN arguments": [
    ["SSCAN", "missing", "0"],
    ["SSCAN", "missing", "0", "FOO"],
    ["SSCAN", "missing", "x"],
    ["SADD", "s", "1", "2", "3"],
    ["SSCAN", "s", "0", "COUNT", "0"],
    ["SSCAN", "s", "0", "COUNT", "x"],
    ["SSCAN", "s", "0", "COUNT"],
    ["SSCAN", "s", "0", "TYPE", "set"],
    ["SSCAN", "s", "0", "MATCH", "[12]", "count", "5"],
    ["SSCAN", "s", "-1"],
    ["SSCAN", "s", "18446744073709551616"],
    ["SSCAN", "s", "abc"],
    ["SET", "str", "x"],
    ["SSCAN", "str", "0"],
  ],
  "key commands and WRONGTYPE both ways": [
    ["SADD", "s", "b", "a"],
    ["TYPE", "s"],
    ["OBJECT", "ENCODING", "s"],
    ["GET", "s"],
    ["APPEND", "s", "x"],
    ["SET", "str", "v"],
    ["SADD", "str", "a"],
    ["SREM", "str", "a"],
    ["SISMEMBER", "str", "a"],
    ["SMISMEMBER", "str", "a"],
    ["SMEMBERS", "str"],
    ["SCARD", "str"],
    ["SPOP", "str"],
    ["SPOP", "str", "2"],
    ["SRANDMEMBER", "str"],
    ["SRANDMEMBER", "str", "2"],
    ["SADD", "n", "1", "2"],
    ["RENAME", "n", "m"],
    ["SMEMBERS", "m"],
    ["COPY", "m", "c"],
    ["SADD", "c", "3"],
    ["SMEMBERS", "m"],
    ["SMEMBERS", "c"],
    ["OBJECT", "ENCODING", "c"],
    ["SCAN", "0", "TYPE", "set"],
    ["DEL", "m", "c"],
    ["EXISTS", "m", "c"],
    ["SET", "s", "now a string"],
    ["TYPE", "s"],
  ],
};

/** Commands whose replies follow each server's hash table order, compared sorted. */
const UNORDERED = new Set(["SMEMBERS", "SINTER", "SUNION", "SDIFF", "SRANDMEMBER", "SPOP", "SSCAN"]);

function sortedReply(command: string[], reply: Reply): Reply {
  // HELLO's reply holds the server's version and the connection's id.
  if (command[0] === "HELLO") return null;
  if (!UNORDERED.has(command[0].toUpperCase())) return reply;
  if (Array.isArray(reply) && command[0].toUpperCase() === "SSCAN") {
    return [reply[0], [...reply[1] as string[]].sort()];
  }
  if (Array.isArray(reply)) return [...reply as string[]].sort();
  if (reply !== null && typeof reply === "object" && "set" in reply) {
    return { set: [...reply.set as string[]].sort() };
  }
  return reply;
}

/** Scripts over hashtable sets; the replies of {@link UNORDERED} commands are compared sorted. */
const SORTED: Record<string, string[][]> = {
  "binary members": [
    ["SADD", "b", ALL_BYTES, "", "\0", "\r\n", "\xff"],
    ["SCARD", "b"],
    ["SISMEMBER", "b", ""],
    ["SISMEMBER", "b", ALL_BYTES],
    ["SMISMEMBER", "b", "\0", "\x01", "\xff"],
    ["SMEMBERS", "b"],
    ["OBJECT", "ENCODING", "b"],
    ["SSCAN", "b", "0", "COUNT", "100"],
    ["SSCAN", "b", "0", "MATCH", "\r*"],
    ["SREM", "b", "", ALL_BYTES],
    ["SMEMBERS", "b"],
    ["SRANDMEMBER", "b", "10"],
  ],
  "operations over hashtables and mixed encodings": [
    ["SADD", "a", "x", "y", "z", "1", "2"],
    ["SADD", "b", "y", "z", "w", "2"],
    ["SADD", "i", "1", "2", "3"],
    ["SINTER", "a", "b"],
    ["SINTER", "a", "i"],
    ["SINTER", "b", "a", "i"],
    ["SUNION", "a", "b", "i"],
    ["SDIFF", "a", "b"],
    ["SDIFF", "a", "b", "i"],
    ["SDIFF", "i", "a"],
    ["SINTERCARD", "2", "a", "b"],
    ["SINTERCARD", "2", "a", "b", "LIMIT", "1"],
    ["SINTERSTORE", "d", "a", "i"],
    ["OBJECT", "ENCODING", "d"],
    ["SMEMBERS", "d"],
    ["SUNIONSTORE", "d", "a", "i"],
    ["OBJECT", "ENCODING", "d"],
    ["SDIFFSTORE", "d", "a", "b"],
    ["SMEMBERS", "d"],
    ["SPOP", "d", "5"],
    ["EXISTS", "d"],
    ["SRANDMEMBER", "a", "5"],
    ["SRANDMEMBER", "a", "6"],
  ],
  "RESP3 shapes": [
    ["HELLO", "3"],
    ["SADD", "s", "1", "2"],
    ["SMEMBERS", "s"],
    ["SMEMBERS", "missing"],
    ["SINTER", "s", "s"],
    ["SUNION", "s", "missing"],
    ["SDIFF", "s", "missing"],
    ["SINTER", "missing"],
    ["SSCAN", "s", "0"],
    ["SMISMEMBER", "s", "1", "3"],
    ["SRANDMEMBER", "s", "5"],
    ["SRANDMEMBER", "missing"],
    ["SRANDMEMBER", "missing", "2"],
    ["SPOP", "missing"],
    ["SPOP", "missing", "2"],
    ["SPOP", "s", "0"],
    ["SPOP", "s", "5"],
  ],
  "SSCAN of a large set, whole": [
    ["SADD", "big", ...range(1, 300).map((n) => `m${n}`)],
    ["SSCAN", "big", "0", "COUNT", "100000"],
    ["SSCAN", "big", "0", "MATCH", "m1?", "COUNT", "100000"],
  ],
};

Deno.test({
  name: "set commands reply as Redis does (deterministic order)",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(EXACT),
});

Deno.test({
  name: "set commands reply as Redis does (hash-table order compared sorted)",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      for (const [name, script] of Object.entries(SORTED)) {
        await t.step(name, async () => {
          const expected = await runScript(redis.port, script);
          const actual = await runScript(redix.port, script);
          for (let i = 0; i < script.length; i++) {
            assert.deepEqual(
              sortedReply(script[i], actual[i]),
              sortedReply(script[i], expected[i]),
              script[i].map((a) => JSON.stringify(a.slice(0, 40))).join(" "),
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

Deno.test("SPOP and SRANDMEMBER: counts, membership and uniqueness", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const members = range(1, 1000).map((n) => `m${n}`);
    await conn.command("SADD", "s", ...members);
    const all = new Set(members);
    for (const count of [1, 10, 333, 334, 999, 1000, 5000]) {
      const picked = await conn.command("SRANDMEMBER", "s", String(count)) as string[];
      assert.equal(picked.length, Math.min(count, 1000));
      assert.equal(new Set(picked).size, picked.length, `distinct for ${count}`);
      assert.ok(picked.every((m) => all.has(m)));
    }
    const repeated = await conn.command("SRANDMEMBER", "s", "-5000") as string[];
    assert.equal(repeated.length, 5000);
    assert.ok(repeated.every((m) => all.has(m)));
    assert.ok(new Set(repeated).size < repeated.length, "a negative count repeats members");

    const left = new Set(members);
    // Both of SPOP's strategies: popping one by one, and keeping the few that remain.
    for (const count of ["100", "700", "150"]) {
      const popped = await conn.command("SPOP", "s", count) as string[];
      assert.equal(popped.length, Number(count));
      assert.equal(new Set(popped).size, popped.length);
      for (const m of popped) assert.ok(left.delete(m), `${m} popped once`);
      const rest = await conn.command("SMEMBERS", "s") as string[];
      assert.deepEqual(rest.sort(), [...left].sort());
    }
    // Redis keeps the few remaining members in a new set, whose encoding is
    // worked out afresh: a hashtable of integers becomes an intset again.
    await conn.command("SADD", "ints", ...range(1, 1000));
    assert.equal(await conn.command("OBJECT", "ENCODING", "ints"), "hashtable");
    assert.equal((await conn.command("SPOP", "ints", "900") as string[]).length, 900);
    assert.equal(await conn.command("OBJECT", "ENCODING", "ints"), "intset");
    const one = await conn.command("SPOP", "s") as string;
    assert.ok(left.delete(one));
    const last = await conn.command("SPOP", "s", "1000") as string[];
    assert.deepEqual(last.sort(), [...left].sort());
    assert.equal(await conn.command("EXISTS", "s"), 0);
    conn.close();
  });
});

Deno.test("SSCAN returns every member present throughout, while the set changes", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const stable = range(1, 2000).map((n) => `s${n}`);
    await conn.command("SADD", "s", ...stable);
    const seen = new Set<string>();
    let cursor = "0";
    let step = 0;
    do {
      const [next, page] = await conn.command("SSCAN", "s", cursor, "COUNT", "50") as [string, string[]];
      for (const m of page) seen.add(m);
      cursor = next;
      // Growth and shrinkage between calls rehash the table under the cursor.
      step++;
      if (step % 3 === 0) await conn.command("SADD", "s", ...range(step * 100, step * 100 + 400));
      if (step % 5 === 0) await conn.command("SREM", "s", ...range(step * 100 - 1000, step * 100));
    } while (cursor !== "0");
    for (const m of stable) assert.ok(seen.has(m), m);
    conn.close();
  });
});

Deno.test("set writes propagate deterministic commands, only when something changed", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const conn = await RawConnection.open(port);
    const expect = async (command: string[], propagated: string[][]) => {
      effects.length = 0;
      await conn.command(...command);
      assert.deepEqual(effects, propagated, command.join(" "));
    };
    await expect(["SADD", "s", "a", "b", "c", "d"], [["SADD", "s", "a", "b", "c", "d"]]);
    await expect(["SADD", "s", "a"], []);
    await expect(["SREM", "s", "x"], []);
    await expect(["SREM", "s", "a", "x"], [["SREM", "s", "a", "x"]]);
    await expect(["SMOVE", "s", "t", "x"], []);
    await expect(["SMOVE", "s", "s", "b"], []);
    await expect(["SMOVE", "s", "t", "b"], [["SMOVE", "s", "t", "b"]]);
    await expect(["SINTERSTORE", "d", "s", "missing"], []);
    await expect(["SUNIONSTORE", "d", "s", "t"], [["SUNIONSTORE", "d", "s", "t"]]);
    await expect(["SDIFFSTORE", "d", "s", "s"], [["SDIFFSTORE", "d", "s", "s"]]);
    await expect(["SPOP", "s", "0"], []);
    await expect(["SPOP", "missing"], []);

    effects.length = 0;
    const member = await conn.command("SPOP", "s") as string;
    assert.deepEqual(effects, [["SREM", "s", member]]);
    await conn.command("SADD", "p", ...range(1, 20));
    effects.length = 0;
    const popped = await conn.command("SPOP", "p", "3") as string[];
    assert.deepEqual(effects, popped.map((m) => ["SREM", "p", m]));
    effects.length = 0;
    const kept = await conn.command("SPOP", "p", "16") as string[];
    assert.deepEqual(effects, kept.map((m) => ["SREM", "p", m]));
    await expect(["SPOP", "p", "5"], [["DEL", "p"]]);
    await expect(["SRANDMEMBER", "s", "3"], []);
    conn.close();
  });
});

Deno.test("sets end to end through ioredis", async () => {
  await withServer(async ({ port }) => {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    await client.connect();
    try {
      assert.equal(await client.sadd("s", "a", "b", "c", "1"), 4);
      assert.deepEqual((await client.smembers("s")).sort(), ["1", "a", "b", "c"]);
      assert.equal(await client.sismember("s", "a"), 1);
      assert.deepEqual(await client.smismember("s", "a", "z"), [1, 0]);
      const popped = await client.spop("s");
      assert.ok(["1", "a", "b", "c"].includes(popped!));
      assert.equal(await client.scard("s"), 3);
      const many = range(1, 500).map((n) => `m${n}`);
      await client.sadd("big", ...many);
      assert.deepEqual(await sscanAll(client, "big", 20), [...many].sort());
      assert.equal(await client.sintercard(2, "s", "big"), 0);
      assert.equal(await client.sunionstore("u", "s", "big"), 503);
      const buffers = await client.smembersBuffer("s");
      assert.equal(buffers.length, 3);

      // A small set (members in a JS Set): SSCAN whole when COUNT covers it, else bucket by bucket.
      const small = ["x1", "x2", "x3", "x4", "x5"];
      await client.sadd("small", ...small);
      const [cursor, page] = await client.sscan("small", "0", "COUNT", "10");
      assert.equal(cursor, "0");
      assert.deepEqual(page.sort(), small);
      assert.deepEqual(await sscanAll(client, "small", 1), small);
      const draws = await client.srandmember("small", -50);
      assert.equal(draws.length, 50);
      assert.ok(draws.every((m) => small.includes(m)));
      // Growing past 128 members keeps every one of them.
      await client.sadd("small", ...range(1, 200).map((n) => `y${n}`));
      assert.equal(await client.scard("small"), 205);
      assert.equal(await client.sismember("small", "x3"), 1);
      assert.equal(await client.object("ENCODING", "small"), "hashtable");
    } finally {
      client.disconnect();
    }
  });
});
