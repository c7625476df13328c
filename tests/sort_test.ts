/**
 * SORT and SORT_RO: replies compared with a real redis-server (skipped where it
 * is not installed) for every option, pattern form and error; STORE's
 * propagation; node-redis and ioredis end to end.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import { HAVE_REDIS, RawConnection, sameRepliesAsRedis, withServer } from "./helpers.ts";

const SCRIPTS: Record<string, string[][]> = {
  "numeric and ALPHA sorts of lists, ASC and DESC, LIMIT": [
    ["RPUSH", "l", "3", "1", "2", "10", "-1.5", "1e1", "0x10", " 7"],
    ["SORT", "l"],
    ["SORT", "l", "DESC"],
    ["SORT", "l", "ALPHA"],
    ["SORT", "l", "ALPHA", "DESC"],
    ["SORT", "l", "LIMIT", "0", "3"],
    ["SORT", "l", "LIMIT", "2", "3", "DESC"],
    ["SORT", "l", "LIMIT", "-5", "2"],
    ["SORT", "l", "LIMIT", "1", "-1"],
    ["SORT", "l", "LIMIT", "7", "5"],
    ["SORT", "l", "LIMIT", "8", "5"],
    ["SORT", "l", "LIMIT", "100", "5"],
    ["SORT", "l", "LIMIT", "0", "0"],
    ["SORT", "l", "asc", "limit", "1", "2", "alpha"],
    ["SORT_RO", "l", "DESC", "LIMIT", "0", "2"],
    ["SORT", "missing"],
    ["SORT", "missing", "LIMIT", "0", "1"],
    ["SORT_RO", "missing", "ALPHA"],
  ],
  "scores that are not numbers, ties, infinities": [
    ["RPUSH", "bad", "1", "x", "2"],
    ["SORT", "bad"],
    ["SORT", "bad", "ALPHA"],
    ["RPUSH", "ties", "b", "a", "c"],
    ["SORT", "ties", "BY", "nokey_*"],
    ["RPUSH", "nums", "inf", "-inf", "1", "1.0", "01", "+1", ""],
    ["SORT", "nums"],
    ["SORT", "nums", "DESC"],
    ["RPUSH", "nan", "nan"],
    ["SORT", "nan"],
    ["RPUSH", "huge", "1e400"],
    ["SORT", "huge"],
    ["RPUSH", "space", "1 "],
    ["SORT", "space"],
  ],
  "BY and GET patterns, strings and hash fields, # and missing keys": [
    ["RPUSH", "ids", "1", "2", "3", "4"],
    ["MSET", "w_1", "40", "w_2", "10", "w_3", "30", "name_1", "one", "name_2", "two", "name_3", "three"],
    ["HSET", "h_1", "f", "b", "g", "x1"],
    ["HSET", "h_2", "f", "a"],
    ["HSET", "h_3", "f", "c", "g", "x3"],
    ["SORT", "ids", "BY", "w_*"],
    ["SORT", "ids", "BY", "w_*", "DESC"],
    ["SORT", "ids", "BY", "w_*", "GET", "name_*"],
    ["SORT", "ids", "BY", "w_*", "GET", "#", "GET", "name_*", "GET", "h_*->g"],
    ["SORT", "ids", "BY", "h_*->f", "ALPHA"],
    ["SORT", "ids", "BY", "h_*->f", "ALPHA", "DESC", "GET", "h_*->f"],
    ["SORT", "ids", "BY", "h_*->missing", "ALPHA"],
    ["SORT", "ids", "BY", "h_*->"],
    ["SORT", "ids", "GET", "h_*->"],
    ["SORT", "ids", "GET", "nostar"],
    ["SORT", "ids", "GET", "name_*", "LIMIT", "1", "2"],
    ["SORT", "ids", "BY", "nosort"],
    ["SORT", "ids", "BY", "nosort", "DESC"],
    ["SORT", "ids", "BY", "nosort", "LIMIT", "1", "2"],
    ["SORT", "ids", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
    ["SORT", "ids", "BY", "nosort", "LIMIT", "5", "2"],
    ["SORT", "ids", "BY", "w_*", "GET", "ids"],
    ["SET", "strkey_1", "x"],
    ["LPUSH", "listkey_2", "x"],
    ["RPUSH", "ids2", "1", "2"],
    ["SORT", "ids2", "GET", "strkey_*", "GET", "listkey_*"],
    ["SORT", "ids2", "BY", "w_*->f"],
    ["SORT", "ids", "BY", "name_*"],
    ["SORT", "ids", "BY", "name_*", "ALPHA"],
  ],
  "sets: numeric, ALPHA, BY, intset order": [
    ["SADD", "s", "5", "3", "9", "1"],
    ["SORT", "s"],
    ["SORT", "s", "DESC"],
    ["SORT", "s", "BY", "nosort"],
    ["SADD", "t", "b", "c", "a"],
    ["SORT", "t", "ALPHA"],
    ["SORT", "t"],
    ["SORT", "t", "BY", "nosort", "STORE", "tsorted"],
    ["LRANGE", "tsorted", "0", "-1"],
  ],
  "sorted sets: score order kept without sorting, LIMIT and DESC on it, encoding converted": [
    ["ZADD", "z", "3", "c", "1", "a", "2", "b", "4", "10", "5", "9"],
    ["OBJECT", "ENCODING", "z"],
    ["SORT_RO", "z", "BY", "nosort"],
    ["OBJECT", "ENCODING", "z"],
    ["SORT", "z", "BY", "nosort", "DESC"],
    ["SORT", "z", "BY", "nosort", "LIMIT", "1", "3"],
    ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "3"],
    ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "4", "10"],
    ["SORT", "z", "BY", "nosort", "LIMIT", "9", "1"],
    ["SORT", "z", "ALPHA"],
    ["SORT", "z", "ALPHA", "DESC", "LIMIT", "0", "2"],
    ["SORT", "z"],
    ["ZADD", "nums", "1", "30", "2", "10", "3", "20"],
    ["SORT", "nums"],
    ["SORT", "nums", "BY", "nosort", "STORE", "out"],
    ["LRANGE", "out", "0", "-1"],
  ],
  "STORE: a list replaces the destination, an empty result deletes it": [
    ["RPUSH", "src", "3", "1", "2"],
    ["SET", "dst", "string"],
    ["EXPIRE", "dst", "100"],
    ["SORT", "src", "STORE", "dst"],
    ["TYPE", "dst"],
    ["TTL", "dst"],
    ["LRANGE", "dst", "0", "-1"],
    ["SORT", "src", "GET", "nothing_*", "GET", "#", "STORE", "dst"],
    ["LRANGE", "dst", "0", "-1"],
    ["SORT", "src", "LIMIT", "5", "1", "STORE", "dst"],
    ["EXISTS", "dst"],
    ["SORT", "missing", "STORE", "dst"],
    ["SORT", "src", "STORE", "a", "STORE", "b"],
    ["EXISTS", "a", "b"],
    ["SORT", "src", "ALPHA", "DESC", "STORE", "src"],
    ["LRANGE", "src", "0", "-1"],
  ],
  "errors": [
    ["SET", "str", "x"],
    ["HSET", "hash", "f", "v"],
    ["SORT", "str"],
    ["SORT", "hash"],
    ["SORT_RO", "str"],
    ["RPUSH", "l", "1"],
    ["SORT", "l", "LIMIT", "1"],
    ["SORT", "l", "LIMIT", "x", "1"],
    ["SORT", "l", "LIMIT", "1", "x"],
    ["SORT", "l", "BY"],
    ["SORT", "l", "GET"],
    ["SORT", "l", "STORE"],
    ["SORT", "l", "FOO"],
    ["SORT_RO", "l", "STORE", "x"],
    ["SORT", "str", "FOO"],
    ["SORT"],
    ["SORT_RO"],
    [
      "COMMAND",
      "GETKEYS",
      "SORT",
      "a",
      "BY",
      "store",
      "GET",
      "store",
      "LIMIT",
      "store",
      "store",
      "STORE",
      "d",
    ],
    ["COMMAND", "GETKEYS", "SORT", "a", "STORE", "d1", "STORE", "d2"],
    ["COMMAND", "GETKEYS", "SORT", "a", "STORE"],
    ["COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "d"],
  ],
  "BY and GET need a user who may read any key (ACL)": [
    ["ACL", "SETUSER", "s_alice", "on", "nopass", "~src*", "+@all"],
    ["ACL", "SETUSER", "s_bob", "on", "nopass", "%W~*", "~src*", "+@all"],
    ["ACL", "SETUSER", "s_carol", "on", "nopass", "~src*", "+@all", "(~* +sort)"],
    ["ACL", "SETUSER", "s_dave", "on", "nopass", "%R~*", "+@all"],
    ["RPUSH", "src", "3", "1", "2"],
    ...["s_alice", "s_bob", "s_carol", "s_dave"].flatMap((user) => [
      ["AUTH", user, "x"],
      ["SORT", "src", "BY", "w_*"],
      ["SORT", "src", "BY", "nosort"],
      ["SORT", "src", "GET", "#"],
      ["SORT", "src", "GET", "#", "LIMIT", "x", "y"],
      ["SORT", "src", "LIMIT", "x", "y", "GET", "#"],
      ["SORT_RO", "src", "BY", "w_*->f"],
      ["SORT", "src", "BY", "w_*", "STORE", "dst"],
    ]),
  ],
  "RESP3": [
    ["HELLO", "3"],
    ["RPUSH", "l", "2", "1"],
    ["SORT", "l", "GET", "#", "GET", "missing_*"],
  ],
};

Deno.test({
  name: "SORT and SORT_RO reply as Redis 7.0 does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

Deno.test("SORT BY a pattern and GET are refused to a user who may not read every key", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      await conn.command("ACL", "SETUSER", "alice", "on", "nopass", "~src*", "+@all");
      await conn.command("RPUSH", "src", "3", "1", "2");
      assert.equal(await conn.command("AUTH", "alice", "x"), "OK");
      assert.deepEqual(await conn.command("SORT", "src", "BY", "w_*"), {
        error: "ERR BY option of SORT denied due to insufficient ACL permissions.",
      });
      assert.deepEqual(await conn.command("SORT", "src", "GET", "#"), {
        error: "ERR GET option of SORT denied due to insufficient ACL permissions.",
      });
      // A BY without `*` reads no key.
      assert.deepEqual(await conn.command("SORT", "src", "BY", "nosort"), ["3", "1", "2"]);
      assert.deepEqual(await conn.command("SORT", "src"), ["1", "2", "3"]);
    } finally {
      conn.close();
    }
  });
});

Deno.test("SORT ... STORE propagates as itself, only when it changed something", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const client = new Redis({ port, lazyConnect: true });
    await client.connect();
    await client.rpush("src", "2", "1");
    assert.equal(await client.sort("src", "STORE", "dst"), 2);
    assert.equal(await client.sort("missing", "STORE", "dst"), 0);
    assert.equal(await client.sort("missing", "STORE", "dst"), 0);
    assert.deepEqual(effects, [
      ["rpush", "src", "2", "1"],
      ["sort", "src", "STORE", "dst"],
      ["sort", "missing", "STORE", "dst"],
    ]);
    client.disconnect();
  });
});

Deno.test("node-redis sorts by hash fields and gets values", async () => {
  await withServer(async ({ port }) => {
    const client = createClient({ socket: { port, host: "127.0.0.1" } });
    await client.connect();
    await client.rPush("users", ["1", "2", "3"]);
    await client.hSet("user:1", { name: "carol", age: "31" });
    await client.hSet("user:2", { name: "alice", age: "25" });
    await client.hSet("user:3", { name: "bob", age: "40" });
    assert.deepEqual(
      await client.sort("users", { BY: "user:*->age", GET: ["#", "user:*->name"], DIRECTION: "DESC" }),
      ["3", "bob", "1", "carol", "2", "alice"],
    );
    assert.deepEqual(
      await client.sortRo("users", { BY: "user:*->name", ALPHA: true, LIMIT: { offset: 0, count: 2 } }),
      [
        "2",
        "3",
      ],
    );
    await client.quit();
  });
});
