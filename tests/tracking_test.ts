/**
 * Client-side caching: CLIENT TRACKING and its errors, invalidation pushes in
 * RESP3 and redirected `__redis__:invalidate` messages in RESP2, BCAST
 * prefixes, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, flushes, compared with
 * a real Redis; and node-redis's client-side cache kept correct by them.
 */
import assert from "node:assert/strict";
import { BasicClientSideCache, createClient } from "redis";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  sameStepsAsRedis,
  type Step,
  waitFor,
  withServer,
} from "./helpers.ts";

Deno.test(
  "tracking: CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO replies and errors as Redis",
  { ignore: !HAVE_REDIS },
  sameRepliesAsRedis({
    errors: [
      ["CLIENT", "TRACKING", "maybe"],
      ["CLIENT", "TRACKING", "on", "nope"],
      ["CLIENT", "TRACKING", "on", "REDIRECT", "x"],
      ["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
      ["CLIENT", "TRACKING", "on", "PREFIX", "a"],
      ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
      ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
      ["CLIENT", "TRACKING", "on", "PREFIX"],
      ["CLIENT", "CACHING", "yes"],
      ["CLIENT", "GETREDIR"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "TRACKING", "on", "OPTIN"],
      ["CLIENT", "TRACKING", "on", "OPTOUT"],
      ["CLIENT", "TRACKING", "on", "BCAST"],
      ["CLIENT", "CACHING", "no"],
      ["CLIENT", "CACHING", "maybe"],
      ["CLIENT", "CACHING", "yes"],
      ["CLIENT", "TRACKINGINFO"],
      ["GET", "k"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "GETREDIR"],
      ["CLIENT", "TRACKING", "off"],
      ["CLIENT", "TRACKING", "off"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a", "NOLOOP"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bc"],
      ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "TRACKING", "on"],
      ["CLIENT", "TRACKING", "off"],
      ["CLIENT", "TRACKINGINFO"],
    ],
  }),
);

/** Connection 0 tracks in RESP3; connection 1 writes. */
const RESP3_STEPS: Record<string, Step[]> = {
  "default mode": [
    [0, ["HELLO", "3"]],
    [0, ["CLIENT", "TRACKING", "on"]],
    [0, ["MGET", "a", "b"]],
    [1, ["SET", "a", "1"]],
    [0, [], 1],
    [1, ["SET", "a", "2"]],
    [0, ["GET", "c"]],
    [1, ["MSET", "b", "1", "c", "2"]],
    [0, [], 2],
    [0, ["GET", "a"]],
    [0, ["SET", "a", "mine"], 2],
    [0, ["GET", "a"]],
    [0, ["SELECT", "1"]],
    [1, ["DEL", "a"]],
    [1, ["SELECT", "1"]],
    [1, ["SET", "a", "db1"]],
    [0, [], 1],
    [0, ["GET", "x"]],
    [1, ["FLUSHALL"]],
    [0, [], 1],
    [0, ["FLUSHDB"], 2],
    [0, ["PING"]],
  ],
  "NOLOOP and OPTIN": [
    [0, ["HELLO", "3"]],
    [0, ["CLIENT", "TRACKING", "on", "NOLOOP"]],
    [0, ["GET", "a"]],
    [0, ["SET", "a", "1"]],
    [0, ["CLIENT", "TRACKING", "off"]],
    [0, ["CLIENT", "TRACKING", "on", "OPTIN"]],
    [0, ["GET", "a"]],
    [1, ["SET", "a", "2"]],
    [0, ["CLIENT", "CACHING", "yes"]],
    [0, ["CLIENT", "TRACKINGINFO"]],
    [0, ["GET", "a"]],
    [0, ["CLIENT", "TRACKINGINFO"]],
    [1, ["SET", "a", "3"]],
    [0, [], 1],
    [0, ["CLIENT", "CACHING", "yes"]],
    [0, ["MULTI"]],
    [0, ["GET", "b"]],
    [0, ["GET", "c"]],
    [0, ["EXEC"]],
    [1, ["MSET", "b", "1", "c", "1"]],
    [0, [], 2],
  ],
  "OPTOUT": [
    [0, ["HELLO", "3"]],
    [0, ["CLIENT", "TRACKING", "on", "OPTOUT"]],
    [0, ["CLIENT", "CACHING", "no"]],
    [0, ["GET", "a"]],
    [0, ["GET", "b"]],
    [1, ["MSET", "a", "1", "b", "1"]],
    [0, [], 1],
  ],
  "BCAST": [
    [0, ["HELLO", "3"]],
    [0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "job:"]],
    [1, ["MSET", "user:2", "x", "user:1", "y", "other", "z"]],
    [0, [], 1],
    [1, ["SADD", "job:9", "a"]],
    [0, [], 1],
    [0, ["SET", "user:3", "mine"], 2],
    [0, ["CLIENT", "TRACKING", "off"]],
    [0, ["CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"]],
    [0, ["SET", "user:3", "again"]],
    [1, ["DEL", "user:3"]],
    [0, [], 1],
  ],
};

Deno.test(
  "tracking: invalidation pushes in RESP3 as Redis sends them",
  { ignore: !HAVE_REDIS },
  sameStepsAsRedis(2, RESP3_STEPS),
);

Deno.test("tracking: RESP2 invalidations go to a redirect connection subscribed to __redis__:invalidate", async () => {
  await withServer(async ({ port, server }) => {
    const cache = await RawConnection.open(port);
    const listener = await RawConnection.open(port);
    const writer = await RawConnection.open(port);
    try {
      const listenerId = await listener.command("CLIENT", "ID") as number;
      assert.deepEqual(await listener.command("SUBSCRIBE", "__redis__:invalidate"), [
        "subscribe",
        "__redis__:invalidate",
        1,
      ]);
      assert.equal(await cache.command("CLIENT", "TRACKING", "on", "REDIRECT", String(listenerId)), "OK");
      assert.equal(await cache.command("CLIENT", "GETREDIR"), listenerId);
      assert.equal(await cache.command("GET", "k"), null);
      assert.equal(await writer.command("SET", "k", "v"), "OK");
      assert.deepEqual(await listener.reply(), ["message", "__redis__:invalidate", ["k"]]);
      assert.equal(await writer.command("FLUSHALL"), "OK");
      assert.deepEqual(await listener.reply(), ["message", "__redis__:invalidate", null]);
      const info = await writer.command("INFO", "clients") as string;
      assert.match(info, /tracking_clients:1\r\n/);
      const list = await writer.command("CLIENT", "LIST") as string;
      assert.match(list, new RegExp(`flags=t .* redir=${listenerId} `));

      // The redirect target goes away: the tracking client is marked, as in Redis.
      listener.close();
      await waitFor(() => server.clients.size === 2, "the listener to disconnect");
      assert.equal(await cache.command("GET", "k"), null);
      assert.equal(await writer.command("SET", "k", "v2"), "OK");
      const flags = await cache.command("CLIENT", "TRACKINGINFO") as Reply[];
      assert.deepEqual(flags.slice(0, 2), ["flags", ["on", "broken_redirect"]]);

      assert.equal(await cache.command("RESET"), "RESET");
      assert.equal(await cache.command("CLIENT", "GETREDIR"), -1);
      assert.match(await writer.command("INFO", "clients") as string, /tracking_clients:0\r\n/);
    } finally {
      cache.close();
      listener.close();
      writer.close();
    }
  });
});

Deno.test("tracking: RESP3 invalidation reaches an idle client, and a disconnect stops tracking", async () => {
  await withServer(async ({ port, server }) => {
    const cache = await RawConnection.open(port);
    const writer = await RawConnection.open(port);
    try {
      await cache.command("HELLO", "3");
      await cache.command("CLIENT", "TRACKING", "on");
      await cache.command("GET", "k");
      await writer.send(encodeCommand(["SET", "k", "v"]));
      assert.deepEqual(await cache.reply(), { push: ["invalidate", ["k"]] });
      assert.equal(await writer.reply(), "OK");
      cache.close();
      await waitFor(() => server.tracking.count === 0, "tracking to stop");
    } finally {
      cache.close();
      writer.close();
    }
  });
});

Deno.test("tracking: node-redis client-side cache serves hits and drops entries on invalidation", async () => {
  await withServer(async ({ port }) => {
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0, recordStats: true });
    const cached = createClient({ socket: { host: "127.0.0.1", port }, RESP: 3, clientSideCache: cache });
    const other = createClient({ socket: { host: "127.0.0.1", port } });
    await cached.connect();
    await other.connect();
    try {
      await other.set("greeting", "hello");
      assert.equal(await cached.get("greeting"), "hello");
      assert.equal(await cached.get("greeting"), "hello");
      assert.equal(cache.stats().hitCount, 1);
      assert.equal(cache.size(), 1);

      await other.set("greeting", "bonjour");
      await waitFor(() => cache.size() === 0, "the invalidation to reach the cache");
      assert.equal(await cached.get("greeting"), "bonjour");
      assert.equal(await cached.hGet("h", "f"), null);
      await other.hSet("h", "f", "v");
      await waitFor(async () => await cached.hGet("h", "f") === "v", "the hash read to be refreshed");

      await other.flushAll();
      await waitFor(() => cache.size() === 0, "the flush to empty the cache");
      assert.equal(await cached.get("greeting"), null);
    } finally {
      await cached.close();
      await other.close();
    }
  });
});
