/**
 * Keyspace notifications: the events a real Redis publishes for the same
 * commands (channel and payload, in order), the notify-keyspace-events
 * classes, `expired` from the server's own expiry, and RESP3 delivery.
 */
import assert from "node:assert/strict";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  startRedis,
  startTestServer,
  withServer,
} from "./helpers.ts";

/** Marks a script's blocking command that is to wait for a later one. */
const BLOCKED = "<blocked>";

/**
 * Runs `commands` on one connection with notify-keyspace-events set to
 * `classes` while another listens to every keyspace and keyevent channel,
 * and returns what it received as `channel payload` lines. A command that
 * starts with {@link BLOCKED} is sent on a connection of its own, which stays
 * blocked until a later command serves it. When
 * `awaitChannel` is given, the listener first waits for a message there (an
 * event the server sends on its own, as `expired`). A PUBLISH to a marker
 * channel then tells the listener it has seen everything.
 */
async function events(
  port: number,
  commands: string[][],
  classes = "KEA",
  awaitChannel?: string,
): Promise<string[]> {
  const listener = await RawConnection.open(port);
  const writer = await RawConnection.open(port);
  const blocked: RawConnection[] = [];
  try {
    await writer.command("FLUSHALL");
    await writer.command("CONFIG", "SET", "notify-keyspace-events", classes);
    await listener.command("PSUBSCRIBE", "__key*__:*");
    await listener.command("SUBSCRIBE", "end-of-test");
    for (const command of commands) {
      if (command[0] !== BLOCKED) {
        await writer.command(...command);
        continue;
      }
      const blockedClients = async () =>
        Number((await writer.command("INFO", "clients") as string).match(/blocked_clients:(\d+)/)![1]);
      const before = await blockedClients();
      const waiter = await RawConnection.open(port);
      blocked.push(waiter);
      await waiter.send(encodeCommand(command.slice(1)));
      while (await blockedClients() === before);
    }
    const seen: string[] = [];
    const read = async () => {
      const message = await listener.reply() as string[];
      const [channel, payload] = message[0] === "pmessage" ? message.slice(2) : message.slice(1);
      if (channel !== "end-of-test") seen.push(`${channel} ${payload}`);
      return channel;
    };
    if (awaitChannel !== undefined) { while (await read() !== awaitChannel); }
    await writer.command("PUBLISH", "end-of-test", "");
    while (await read() !== "end-of-test");
    return seen;
  } finally {
    listener.close();
    writer.close();
    for (const waiter of blocked) waiter.close();
  }
}

const SCRIPTS: Record<string, string[][]> = {
  strings: [
    ["SET", "s", "1"],
    ["SET", "s", "2", "EX", "100"],
    ["SET", "s", "3", "NX"],
    ["SETNX", "s2", "x"],
    ["SETEX", "s3", "100", "x"],
    ["PSETEX", "s4", "100000", "x"],
    ["MSET", "m1", "a", "m2", "b"],
    ["MSETNX", "m3", "a", "m4", "b"],
    ["GETSET", "m1", "c"],
    ["APPEND", "m1", "d"],
    ["SETRANGE", "m1", "5", "e"],
    ["INCR", "n"],
    ["DECR", "n"],
    ["INCRBY", "n", "5"],
    ["DECRBY", "n", "2"],
    ["INCRBYFLOAT", "n", "1.5"],
    ["GETEX", "m2", "EX", "100"],
    ["GETEX", "m2", "PERSIST"],
    ["GETEX", "m2", "PXAT", "1"],
    ["GETDEL", "m3"],
    ["GETDEL", "m3"],
    ["SETBIT", "b", "7", "1"],
    ["BITFIELD", "b", "SET", "u8", "0", "255"],
    ["BITFIELD", "b", "GET", "u8", "0"],
    ["BITOP", "OR", "b2", "b", "missing"],
    ["BITOP", "AND", "b2", "missing"],
  ],
  keys: [
    ["MSET", "a", "1", "b", "2", "c", "3"],
    ["DEL", "a", "nope", "b"],
    ["UNLINK", "c"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100"],
    ["PEXPIRE", "k", "100000"],
    ["EXPIREAT", "k", "99999999999"],
    ["PERSIST", "k"],
    ["PERSIST", "k"],
    ["RENAME", "k", "k2"],
    ["RENAMENX", "k2", "k3"],
    ["COPY", "k3", "k4"],
    ["COPY", "k3", "k4", "DB", "1", "REPLACE"],
    ["MOVE", "k4", "2"],
    ["EXPIRE", "k3", "-1"],
    ["SET", "x", "1"],
    ["PEXPIREAT", "x", "1"],
    ["SWAPDB", "0", "1"],
    ["FLUSHDB"],
  ],
  hashes: [
    ["HSET", "h", "a", "1", "b", "2"],
    ["HSETNX", "h", "c", "3"],
    ["HSETNX", "h", "c", "3"],
    ["HMSET", "h", "d", "4"],
    ["HINCRBY", "h", "a", "1"],
    ["HINCRBYFLOAT", "h", "a", "0.5"],
    ["HDEL", "h", "a", "nope"],
    ["HDEL", "h", "b", "c", "d"],
    ["HDEL", "h", "x"],
  ],
  sets: [
    ["SADD", "s", "a", "b", "c", "d"],
    ["SADD", "s", "a"],
    ["SREM", "s", "a"],
    ["SMOVE", "s", "t", "b"],
    ["SADD", "t", "c"],
    ["SMOVE", "s", "t", "c"],
    ["SMOVE", "s", "t", "d"],
    ["SADD", "u", "1", "2", "3"],
    ["SPOP", "u"],
    ["SPOP", "u", "1"],
    ["SPOP", "u", "5"],
    ["SADD", "v", "x"],
    ["SINTERSTORE", "w", "t", "v"],
    ["SUNIONSTORE", "w", "t", "v"],
    ["SDIFFSTORE", "w", "t", "t"],
    ["SDIFFSTORE", "w", "t", "t"],
  ],
  lists: [
    ["LPUSH", "l", "a", "b", "c", "d"],
    ["RPUSH", "l", "e"],
    ["LPUSHX", "l", "f"],
    ["RPUSHX", "l", "g"],
    ["LPUSHX", "none", "f"],
    ["LPOP", "l"],
    ["RPOP", "l", "2"],
    ["LSET", "l", "0", "x"],
    ["LINSERT", "l", "BEFORE", "x", "y"],
    ["LINSERT", "l", "BEFORE", "nope", "y"],
    ["LREM", "l", "0", "y"],
    ["LTRIM", "l", "0", "1"],
    ["LTRIM", "l", "5", "1"],
    ["RPUSH", "m", "1"],
    ["LPOP", "m"],
    ["RPUSH", "m", "1", "2", "1"],
    ["LREM", "m", "0", "1"],
    ["LREM", "m", "0", "2"],
    ["RPUSH", "m", "1"],
    ["LTRIM", "m", "1", "0"],
  ],
  "list moves": [
    ["RPUSH", "src", "a", "b", "c"],
    ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["LMOVE", "src", "dst", "RIGHT", "LEFT"],
    ["RPOPLPUSH", "src", "src"],
    ["RPOPLPUSH", "src", "dst"],
    ["RPOPLPUSH", "src", "dst"],
    ["SET", "str", "x"],
    ["LMOVE", "dst", "str", "LEFT", "LEFT"],
    ["BLMOVE", "dst", "dst2", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "dst", "dst2", "0"],
    ["BRPOPLPUSH", "dst", "dst2", "0"],
  ],
  "list pops": [
    ["RPUSH", "a", "1", "2", "3"],
    ["RPUSH", "b", "1"],
    ["LMPOP", "2", "none", "a", "LEFT"],
    ["LMPOP", "1", "a", "RIGHT", "COUNT", "5"],
    ["LMPOP", "1", "a", "RIGHT"],
    ["BLPOP", "none", "b", "0"],
    ["RPUSH", "b", "1", "2", "3"],
    ["BRPOP", "b", "0"],
    ["BLMPOP", "0", "1", "b", "LEFT", "COUNT", "5"],
  ],
  "lists served later": [
    [BLOCKED, "BLPOP", "w", "0"],
    [BLOCKED, "BRPOP", "w", "0"],
    ["RPUSH", "w", "a", "b", "c"],
    [BLOCKED, "BLMPOP", "0", "1", "w2", "RIGHT", "COUNT", "5"],
    ["LPUSH", "w2", "a", "b"],
    [BLOCKED, "BLMOVE", "w3", "d", "RIGHT", "LEFT", "0"],
    [BLOCKED, "BRPOPLPUSH", "d", "e", "0"],
    ["RPUSH", "w3", "x"],
    [BLOCKED, "BZPOPMIN", "z", "0"],
    [BLOCKED, "BZPOPMAX", "z", "0"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    [BLOCKED, "BZMPOP", "0", "1", "z2", "MAX", "COUNT", "5"],
    ["ZADD", "z2", "1", "a", "2", "b"],
    [BLOCKED, "BLPOP", "m", "0"],
    ["MULTI"],
    ["RPUSH", "m", "a"],
    ["RPUSH", "m", "b"],
    ["EXEC"],
  ],
  "sorted sets": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
    ["ZADD", "z", "1", "a"],
    ["ZINCRBY", "z", "1", "a"],
    ["ZADD", "z", "INCR", "1", "a"],
    ["ZADD", "z", "XX", "INCR", "1", "nope"],
    ["ZADD", "z2", "INCR", "1", "a"],
    ["ZINCRBY", "z3", "1", "a"],
    ["ZREM", "z", "a", "nope"],
    ["ZREMRANGEBYRANK", "z", "0", "0"],
    ["ZREMRANGEBYSCORE", "z", "0", "0"],
    ["ZREMRANGEBYSCORE", "z", "3", "3"],
    ["ZADD", "y", "0", "a", "0", "b", "0", "c"],
    ["ZREMRANGEBYLEX", "y", "[a", "[a"],
    ["ZPOPMIN", "y"],
    ["ZPOPMAX", "y", "5"],
    ["ZPOPMIN", "z", "5"],
    ["ZADD", "x", "1", "a", "2", "b", "3", "c"],
    ["ZREMRANGEBYRANK", "x", "0", "-1"],
    ["ZADD", "x", "1", "a", "2", "b", "3", "c"],
    ["ZREMRANGEBYLEX", "x", "-", "+"],
  ],
  "sorted set pops": [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
    ["ZADD", "b", "1", "x"],
    ["ZMPOP", "2", "none", "a", "MIN"],
    ["ZMPOP", "1", "a", "MAX", "COUNT", "5"],
    ["ZMPOP", "1", "a", "MAX"],
    ["BZPOPMIN", "none", "b", "0"],
    ["ZADD", "b", "1", "x", "2", "y", "3", "z"],
    ["BZPOPMAX", "b", "0"],
    ["BZMPOP", "0", "1", "b", "MIN", "COUNT", "5"],
  ],
  "sorted set stores": [
    ["ZADD", "a", "1", "x", "2", "y"],
    ["ZADD", "b", "1", "y", "2", "z"],
    ["ZUNIONSTORE", "u", "2", "a", "b"],
    ["ZINTERSTORE", "i", "2", "a", "b"],
    ["ZDIFFSTORE", "d", "2", "a", "b"],
    ["ZRANGESTORE", "r", "a", "0", "0"],
    ["ZINTERSTORE", "i", "2", "a", "none"],
    ["ZINTERSTORE", "i", "2", "a", "none"],
    ["ZDIFFSTORE", "d", "2", "a", "a"],
    ["ZUNIONSTORE", "u", "1", "none"],
    ["ZRANGESTORE", "r", "a", "5", "6"],
    ["ZRANGESTORE", "r", "a", "5", "6"],
    ["SADD", "s", "x"],
    ["ZUNIONSTORE", "a", "2", "a", "s"],
  ],
  sort: [
    ["RPUSH", "l", "3", "1", "2"],
    ["SORT", "l", "STORE", "dst"],
    ["SORT", "l", "STORE", "dst"],
    ["SORT", "none", "STORE", "dst"],
    ["SORT", "none", "STORE", "dst"],
    ["SORT", "l", "LIMIT", "5", "1", "STORE", "dst2"],
    ["SORT", "l", "STORE", "l"],
  ],
  "new keys": [
    ["SET", "a", "1"],
    ["SET", "a", "2"],
    ["MSET", "b", "1", "c", "2", "a", "3"],
    ["MSETNX", "d", "1", "e", "2"],
    ["HSET", "h", "f", "v"],
    ["SADD", "s", "x", "y"],
    ["SMOVE", "s", "t", "x"],
    ["RENAME", "a", "a2"],
    ["COPY", "a2", "a3"],
    ["MOVE", "a3", "1"],
    // A key set again after it went (here by a past PEXPIREAT, which needs no waiting) is new again.
    ["SET", "x", "1"],
    ["PEXPIREAT", "x", "1"],
    ["SET", "x", "2"],
    ["INCR", "n"],
    ["APPEND", "ap", "x"],
    ["SETBIT", "bits", "1", "1"],
    ["SINTERSTORE", "si", "s", "t"],
    ["BITOP", "OR", "bo", "bits"],
    ["ZADD", "z", "INCR", "1", "m"],
    ["LMOVE", "l", "l2", "LEFT", "LEFT"],
    ["RPUSH", "l", "a"],
    ["LMOVE", "l", "l2", "LEFT", "LEFT"],
    ["SORT", "l2", "STORE", "l3"],
    ["ZUNIONSTORE", "z2", "1", "z"],
  ],
  "key misses": [["GET", "nope"], ["HGET", "nope", "f"], ["SET", "k", "v"], ["GET", "k"]],
};

Deno.test("notifications: the events Redis sends, in order", { ignore: !HAVE_REDIS }, async (t) => {
  const redis = await startRedis();
  const redix = await startTestServer();
  try {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      for (
        const classes of name === "key misses" ? ["KEm", "Km", "KEA"] : ["KEA", "Eg", "K$lshzxe", "KEAn"]
      ) {
        await t.step(`${name} (${classes})`, async () => {
          assert.deepEqual(
            await events(redix.port, script, classes),
            await events(redis.port, script, classes),
          );
        });
      }
    }
    await t.step("expired by the server", async () => {
      const script = [["SET", "k", "v", "PX", "1"]];
      const expected = await events(redis.port, script, "KEA", "__keyevent@0__:expired");
      assert.deepEqual(await events(redix.port, script, "KEA", "__keyevent@0__:expired"), expected);
      assert.deepEqual(expected.slice(-2), ["__keyspace@0__:k expired", "__keyevent@0__:expired k"]);
    });
  } finally {
    await redix.close();
    await redis.stop();
  }
});

Deno.test("notifications: off by default; CONFIG SET turns classes on and off", async () => {
  await withServer(async ({ port }) => {
    assert.deepEqual(await events(port, [["SET", "k", "v"]], ""), []);
    assert.deepEqual(await events(port, [["SET", "k", "v"], ["SADD", "s", "x"]], "Es"), [
      "__keyevent@0__:sadd s",
    ]);
    assert.deepEqual(await events(port, [["SELECT", "3"], ["LPUSH", "l", "x"], ["SET", "k", "v"]], "K$"), [
      "__keyspace@3__:k set",
    ]);
  });
});

Deno.test("notifications: a RESP3 subscriber gets them as pushes", async () => {
  await withServer(async ({ port }) => {
    const listener = await RawConnection.open(port);
    const writer = await RawConnection.open(port);
    try {
      await writer.command("CONFIG", "SET", "notify-keyspace-events", "KEg");
      await listener.command("HELLO", "3");
      await listener.send(encodeCommand(["SUBSCRIBE", "__keyevent@0__:del"]));
      assert.deepEqual(await listener.reply(), { push: ["subscribe", "__keyevent@0__:del", 1] });
      await writer.command("SET", "k", "v");
      assert.equal(await writer.command("DEL", "k"), 1);
      const message: Reply = await listener.reply();
      assert.deepEqual(message, { push: ["message", "__keyevent@0__:del", "k"] });
    } finally {
      listener.close();
      writer.close();
    }
  });
});
