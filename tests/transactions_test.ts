/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH: reply shapes and error texts
 * compared with a real redis-server (RESP2 and RESP3), watched keys
 * invalidated by other clients, expiry, flushes and SWAPDB, propagation as one
 * MULTI ... EXEC block, blocking commands inside EXEC, and node-redis and
 * ioredis transactions.
 */
import assert from "node:assert/strict";
import { createClient, WatchError } from "redis";
import { Redis } from "ioredis";
import {
  HAVE_REDIS,
  RawConnection,
  sameRepliesAsRedis,
  sameStepsAsRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

const SCRIPTS: Record<string, string[][]> = {
  "queueing and errors": [
    ["MULTI"],
    ["MULTI"],
    ["WATCH", "k"],
    ["SET", "a", "1"],
    ["INCR", "a"],
    ["LPUSH", "a", "x"],
    ["GET", "a"],
    ["EXEC"],
    ["EXEC"],
    ["DISCARD"],
    ["MULTI"],
    ["EXEC"],
    ["MULTI"],
    ["SET", "k"],
    ["GET", "a"],
    ["EXEC"],
    ["MULTI"],
    ["FOO", "bar"],
    ["EXEC"],
    ["MULTI"],
    ["CLIENT", "NOPE"],
    ["DISCARD"],
    ["GET", "a"],
    ["MULTI"],
    ["SHUTDOWN"],
    ["EXEC"],
    ["MULTI"],
    ["SET", "b", "1"],
    ["EXEC", "x"],
    ["EXEC"],
    ["EXEC", "x"],
    ["DISCARD", "x"],
    ["MULTI"],
    ["DISCARD", "x"],
    ["EXEC"],
    ["WATCH"],
    ["UNWATCH", "x"],
  ],
  "commands inside a transaction": [
    ["MULTI"],
    ["SELECT", "2"],
    ["SET", "q", "1"],
    ["UNWATCH"],
    ["PING"],
    ["ECHO", "e"],
    ["EXEC"],
    ["GET", "q"],
    ["MULTI"],
    ["SELECT", "0"],
    ["MONITOR"],
    ["EXEC"],
    ["MULTI"],
    ["RESET"],
    ["EXEC"],
    ["MULTI"],
    ["SET", "z", "1"],
    ["DISCARD"],
    ["EXISTS", "z"],
  ],
  "blocking commands act as non-blocking ones inside EXEC": [
    ["MULTI"],
    ["BLPOP", "l", "0"],
    ["BRPOP", "l", "1"],
    ["RPUSH", "l", "a", "b", "c"],
    ["BLPOP", "l", "0"],
    ["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"],
    ["BRPOPLPUSH", "nothing", "m", "0"],
    ["BLMPOP", "0", "1", "nothing", "LEFT"],
    ["EXEC"],
  ],
  "watch": [
    ["SET", "a", "1"],
    ["WATCH", "a", "b", "a"],
    ["SET", "b", "2"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
    ["WATCH", "a"],
    ["SET", "a", "2", "NX"],
    ["DEL", "missing"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
    ["WATCH", "a"],
    ["SET", "a", "3"],
    ["UNWATCH"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
    ["WATCH", "a"],
    ["EXPIRE", "a", "100"],
    ["MULTI"],
    ["FOO"],
    ["EXEC"],
    ["WATCH", "a"],
    ["SELECT", "1"],
    ["SET", "a", "other db"],
    ["MULTI"],
    ["EXEC"],
    ["SELECT", "0"],
    ["WATCH", "a"],
    ["RENAME", "a", "renamed"],
    ["MULTI"],
    ["EXEC"],
    ["WATCH", "renamed"],
    ["RESET"],
    ["SET", "renamed", "x"],
    ["MULTI"],
    ["EXEC"],
    // SMOVE modifies its destination only when the member was not there yet.
    ["SADD", "src", "a", "b"],
    ["SADD", "dst", "a"],
    ["WATCH", "dst"],
    ["SMOVE", "src", "dst", "a"],
    ["MULTI"],
    ["SCARD", "dst"],
    ["EXEC"],
    ["WATCH", "dst"],
    ["SMOVE", "src", "dst", "b"],
    ["MULTI"],
    ["SCARD", "dst"],
    ["EXEC"],
  ],
  "min-replicas-to-write without replicas refuses writes, queued ones too": [
    ["SET", "k", "before"],
    ["CONFIG", "SET", "min-replicas-to-write", "1"],
    ["SET", "k", "v"],
    ["GET", "k"],
    ["PING"],
    ["MULTI"],
    ["GET", "k"],
    ["EXEC"],
    ["MULTI"],
    ["SET", "k", "queued"],
    ["EXEC"],
    ["CONFIG", "SET", "min-replicas-max-lag", "0"],
    ["SET", "k", "lag 0 turns the check off"],
    ["CONFIG", "SET", "min-replicas-max-lag", "10"],
    ["DEL", "k"],
    ["CONFIG", "SET", "min-replicas-to-write", "0"],
    ["GET", "k"],
  ],
  "RESP3": [
    ["HELLO", "3"],
    ["SET", "a", "1"],
    ["WATCH", "a"],
    ["SET", "a", "2"],
    ["MULTI"],
    ["GET", "a"],
    ["EXEC"],
    ["MULTI"],
    ["HGETALL", "nope"],
    ["HSET", "h", "f", "v"],
    ["HGETALL", "h"],
    ["CONFIG", "GET", "maxclients"],
    ["EXEC"],
    ["MULTI"],
    ["FOO"],
    ["EXEC"],
  ],
};

Deno.test({
  name: "transactions reply as a real redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/** WATCH by connection 0, a change by connection 1, then connection 0's MULTI PING EXEC. */
function watchedThen(...changes: string[][]): [number, string[]][] {
  return [
    [0, ["SET", "k", "1"]],
    [0, ["SET", "j", "1"]],
    [0, ["WATCH", "k", "missing"]],
    ...changes.map((change): [number, string[]] => [1, change]),
    [0, ["MULTI"]],
    [0, ["PING"]],
    [0, ["EXEC"]],
  ];
}

Deno.test({
  name: "watched keys are invalidated by other clients as in a real redis-server",
  ignore: !HAVE_REDIS,
  fn: sameStepsAsRedis(2, {
    "SET": watchedThen(["SET", "k", "2"]),
    "a no-op SET NX": watchedThen(["SET", "k", "2", "NX"]),
    "another key": watchedThen(["SET", "j", "2"]),
    "a missing watched key created": watchedThen(["SET", "missing", "1"]),
    "DEL of a missing watched key": watchedThen(["DEL", "missing"]),
    "FLUSHALL": watchedThen(["FLUSHALL"]),
    "FLUSHDB of another database": watchedThen(["SELECT", "3"], ["FLUSHDB"]),
    "FLUSHALL with only the missing key watched": [
      [0, ["WATCH", "missing"]],
      [1, ["SET", "other", "1"]],
      [1, ["FLUSHALL"]],
      [0, ["MULTI"]],
      [0, ["EXEC"]],
    ],
    "SWAPDB bringing the missing key": watchedThen(["SELECT", "1"], ["SET", "missing", "1"], [
      "SWAPDB",
      "1",
      "0",
    ]),
    "SWAPDB of databases without the key": [
      [0, ["WATCH", "missing"]],
      [1, ["SWAPDB", "0", "1"]],
      [0, ["MULTI"]],
      [0, ["EXEC"]],
    ],
    "SWAPDB of a database with itself changes nothing": watchedThen(["SWAPDB", "0", "0"], [
      "SWAPDB",
      "00",
      "0",
    ]),
    "a watched key only read by writes to others (ZUNIONSTORE, SUNIONSTORE, COPY, SORT STORE)": [
      [0, ["ZADD", "z", "1", "a"]],
      [0, ["SADD", "s", "a"]],
      [0, ["WATCH", "z", "s"]],
      [1, ["ZUNIONSTORE", "d1", "1", "z"]],
      [1, ["SUNIONSTORE", "d2", "s"]],
      [1, ["COPY", "z", "d3"]],
      [1, ["SORT", "s", "ALPHA", "STORE", "d4"]],
      [0, ["MULTI"]],
      [0, ["PING"]],
      [0, ["EXEC"]],
    ],
    "a change while queueing": [
      [0, ["WATCH", "k"]],
      [0, ["MULTI"]],
      [1, ["SET", "k", "2"]],
      [0, ["PING"]],
      [0, ["EXEC"]],
    ],
    "a change after EXEC is not seen by the next transaction": [
      [0, ["WATCH", "k"]],
      [0, ["MULTI"]],
      [0, ["EXEC"]],
      [1, ["SET", "k", "2"]],
      [0, ["MULTI"]],
      [0, ["EXEC"]],
    ],
  }),
});

Deno.test("a watched key that expires, or expired already at WATCH, as Redis 7.0", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const other = await RawConnection.open(port);
    const execAfterWatch = async (between: () => Promise<unknown>) => {
      await conn.command("WATCH", "k");
      await between();
      await conn.command("MULTI");
      await conn.command("PING");
      return await conn.command("EXEC");
    };
    const expiredKey = async () => {
      await conn.command("SET", "k", "v", "PX", "1");
      await waitFor(async () => await other.command("PTTL", "k") === -2, "the key to expire");
    };
    // Alive at WATCH, expired by EXEC, however it went.
    await conn.command("SET", "k", "v", "PX", "50");
    assert.equal(
      await execAfterWatch(() => waitFor(async () => await other.command("EXISTS", "k") === 0, "expiry")),
      null,
    );
    // Expired (and deleted) before WATCH: nothing changes.
    await expiredKey();
    assert.deepEqual(await execAfterWatch(async () => {}), ["PONG"]);
    // Created after WATCH by another client.
    assert.deepEqual(await execAfterWatch(() => other.command("SET", "k", "1")), null);
    conn.close();
    other.close();
  });
});

Deno.test("a transaction is propagated as one MULTI ... EXEC block only when it writes more than once", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
    const conn = await RawConnection.open(port);
    const transaction = async (...commands: string[][]) => {
      await conn.command("MULTI");
      for (const command of commands) assert.equal(await conn.command(...command), "QUEUED");
      return await conn.command("EXEC");
    };
    await transaction(["GET", "a"], ["DEL", "nothing"]);
    assert.deepEqual(effects, []);
    await transaction(["SET", "a", "1"], ["GET", "a"]);
    assert.deepEqual(effects, [["0", "SET", "a", "1"]]);
    effects.length = 0;
    await transaction(["SELECT", "3"], ["SET", "c", "1"], ["SELECT", "0"], ["INCR", "a"], [
      "LPUSH",
      "a",
      "x",
    ]);
    assert.deepEqual(effects, [
      ["3", "MULTI"],
      ["3", "SET", "c", "1"],
      ["0", "INCR", "a"],
      ["0", "EXEC"],
    ]);
    conn.close();
  });
});

Deno.test("clients blocked on keys written inside EXEC are served after the whole transaction", async () => {
  await withServer(async ({ port }) => {
    const waiter = await RawConnection.open(port);
    const conn = await RawConnection.open(port);
    const id = await waiter.command("CLIENT", "ID");
    await waiter.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n");
    await waitFor(
      async () => String(await conn.command("CLIENT", "LIST", "ID", String(id))).includes("flags=b"),
      "block",
    );
    await conn.command("MULTI");
    await conn.command("RPUSH", "l", "a");
    await conn.command("LPOP", "l");
    await conn.command("RPUSH", "l", "b");
    // The waiter gets "b": the "a" pushed and popped inside EXEC was never visible to it.
    assert.deepEqual(await conn.command("EXEC"), [1, "a", 1]);
    assert.deepEqual(await waiter.reply(), ["l", "b"]);
    waiter.close();
    conn.close();
  });
});

Deno.test("CLIENT LIST shows the transaction: flags x and d, multi count", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const other = await RawConnection.open(port);
    const id = String(await conn.command("CLIENT", "ID"));
    const line = async () => String(await other.command("CLIENT", "LIST", "ID", id));
    assert.match(await line(), / flags=N .* multi=-1 /);
    await conn.command("WATCH", "k");
    await other.command("SET", "k", "1");
    assert.match(await line(), / flags=d .* multi=-1 /);
    await conn.command("MULTI");
    await conn.command("GET", "k");
    assert.match(await line(), / flags=xd .* multi=0 /);
    await conn.command("UNWATCH");
    await conn.command("DISCARD");
    await conn.command("MULTI");
    await conn.command("GET", "k");
    await conn.command("GET", "k");
    assert.match(await line(), / flags=x .* multi=2 .* cmd=get /);
    assert.deepEqual(await conn.command("EXEC"), ["1", "1"]);
    assert.match(await line(), / flags=N .* multi=-1 .* cmd=exec /);
    conn.close();
    other.close();
  });
});

Deno.test("node-redis: multi().exec(), and watch() failing with WatchError", async () => {
  await withServer(async ({ port }) => {
    const client = createClient({ socket: { host: "127.0.0.1", port } });
    const other = createClient({ socket: { host: "127.0.0.1", port } });
    await client.connect();
    await other.connect();
    try {
      const replies = await client.multi().set("a", "1").incr("a").get("a").exec();
      assert.deepEqual(replies, ["OK", 2, "2"]);
      await client.watch("a");
      await other.set("a", "changed");
      await assert.rejects(client.multi().set("a", "mine").exec(), WatchError);
      assert.equal(await client.get("a"), "changed");
      await client.watch("a");
      assert.deepEqual(await client.multi().set("a", "mine").exec(), ["OK"]);
    } finally {
      await client.close();
      await other.close();
    }
  });
});

Deno.test("ioredis: multi().exec() with per-command errors, and watch()", async () => {
  await withServer(async ({ port }) => {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    const other = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    await other.connect();
    try {
      const replies = await redis.multi().set("a", "x").incr("a").get("a").exec();
      assert.equal(replies![0][1], "OK");
      assert.match(String(replies![1][0]), /ERR value is not an integer/);
      assert.equal(replies![2][1], "x");
      await redis.watch("a");
      await other.set("a", "changed");
      assert.equal(await redis.multi().set("a", "mine").exec(), null);
      assert.equal(await redis.get("a"), "changed");
    } finally {
      redis.disconnect();
      other.disconnect();
    }
  });
});
