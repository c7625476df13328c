/**
 * Pub/Sub: replies and messages compared byte for byte with a real Redis in
 * RESP2 and RESP3 over several connections, the node-redis, ioredis and
 * redis-cli subscriber APIs, cleanup on disconnect and RESET, and the
 * output-buffer limit that disconnects a subscriber that never reads.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import {
  encodeCommand,
  hasProgram,
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
  "pubsub: single-connection replies as Redis",
  { ignore: !HAVE_REDIS },
  sameRepliesAsRedis({
    "PUBSUB and PUBLISH without subscribers": [
      ["PUBLISH", "ch", "hello"],
      ["SPUBLISH", "ch", "hello"],
      ["PUBSUB", "CHANNELS"],
      ["PUBSUB", "CHANNELS", "*"],
      ["PUBSUB", "CHANNELS", "a", "b"],
      ["PUBSUB", "SHARDCHANNELS", "a", "b"],
      ["PUBSUB", "NUMSUB"],
      ["PUBSUB", "NUMSUB", "a", "b"],
      ["PUBSUB", "SHARDNUMSUB", "a"],
      ["PUBSUB", "NUMPAT"],
      ["PUBSUB", "NUMPAT", "x"],
      ["PUBSUB", "HELP"],
      ["PUBSUB", "nope"],
      ["PUBSUB"],
      ["PUBLISH", "ch"],
      ["SUBSCRIBE"],
    ],
    "subscribed mode in RESP2": [
      ["UNSUBSCRIBE"],
      ["PUNSUBSCRIBE"],
      ["SUNSUBSCRIBE"],
      ["SUBSCRIBE", "a"],
      ["SUBSCRIBE", "a"],
      ["PSUBSCRIBE", "h*"],
      ["PING"],
      ["PING", "hi"],
      ["GET", "k"],
      ["CLIENT", "ID", "x"],
      ["CLIENT", "LIST", "TYPE", "normal"],
      ["GET"],
      ["PUBSUB", "NUMPAT"],
      ["UNSUBSCRIBE", "a"],
      ["UNSUBSCRIBE", "a"],
      ["PUNSUBSCRIBE"],
      ["PING"],
      ["SSUBSCRIBE", "s"],
      ["SUBSCRIBE", "b"],
      ["GET", "k"],
      ["SUNSUBSCRIBE", "s"],
      ["UNSUBSCRIBE", "b"],
      ["GET", "k"],
      ["SUBSCRIBE", "c"],
      ["RESET"],
      ["GET", "k"],
      ["PUBSUB", "CHANNELS"],
    ],
    "subscribed mode in RESP3": [
      ["HELLO", "3"],
      ["SUBSCRIBE", "a"],
      ["GET", "k"],
      ["PING"],
      ["PUBLISH", "a", "to myself"],
      ["UNSUBSCRIBE"],
      ["UNSUBSCRIBE"],
      ["SSUBSCRIBE", "s"],
      ["SUNSUBSCRIBE"],
      ["SUNSUBSCRIBE"],
    ],
  }),
);

/** RESP2 and RESP3 subscribers (connections 1 and 2), a publisher (0). */
function deliveries(protocol: 2 | 3): Step[] {
  const hello: Step[] = [[1, ["HELLO", "3"]], [2, ["HELLO", "3"]]];
  return [
    ...(protocol === 3 ? hello : []),
    [1, ["SUBSCRIBE", "news", "sport"], 2],
    [2, ["PSUBSCRIBE", "n*", "*t"], 2],
    [2, ["SSUBSCRIBE", "news"], 1],
    [0, ["PUBSUB", "NUMSUB", "news", "sport", "none"]],
    [0, ["PUBSUB", "NUMPAT"]],
    [0, ["PUBSUB", "CHANNELS", "n*"]],
    [0, ["PUBSUB", "SHARDCHANNELS"]],
    [0, ["PUBSUB", "SHARDNUMSUB", "news"]],
    [0, ["PUBLISH", "news", "extra\r\nextra"]],
    [1, [], 1],
    [2, [], 1],
    [0, ["PUBLISH", "sport", ""]],
    [1, [], 1],
    [2, [], 1],
    [0, ["SPUBLISH", "news", "sharded"]],
    [2, [], 1],
    [0, ["PUBLISH", "nobody", "x"]],
    [1, ["UNSUBSCRIBE", "news"], 1],
    [1, ["UNSUBSCRIBE"], 1],
    [2, ["PUNSUBSCRIBE", "n*", "zz"], 2],
    [2, ["PUNSUBSCRIBE"], 1],
    [2, ["PUNSUBSCRIBE"], 1],
    [2, ["SUNSUBSCRIBE"], 1],
    [0, ["PUBSUB", "NUMSUB", "news", "sport"]],
    [0, ["PUBLISH", "news", "gone"]],
    [1, ["PING"]],
    [2, ["PING"]],
  ];
}

Deno.test(
  "pubsub: messages between connections as Redis",
  { ignore: !HAVE_REDIS },
  sameStepsAsRedis(3, { "RESP2": deliveries(2), "RESP3": deliveries(3) }),
);

Deno.test("pubsub: a disconnect or RESET removes the client's subscriptions; INFO and CLIENT LIST count them", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const sub = await RawConnection.open(port);
    const other = await RawConnection.open(port);
    try {
      await sub.command("CLIENT", "SETNAME", "sub");
      await sub.command("SUBSCRIBE", "a");
      await sub.command("PSUBSCRIBE", "p*");
      await sub.command("SSUBSCRIBE", "s");
      const line = await admin.command("CLIENT", "LIST", "TYPE", "pubsub") as string;
      assert.match(line, /name=sub .*flags=P .*sub=1 psub=1 ssub=1 /);
      const normal = await admin.command("CLIENT", "LIST", "TYPE", "normal") as string;
      assert.doesNotMatch(normal, /name=sub /);
      const info = await admin.command("INFO", "stats") as string;
      assert.match(info, /pubsub_channels:1\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n/);

      await other.command("SUBSCRIBE", "b");
      assert.equal(await other.command("RESET"), "RESET");
      assert.deepEqual(await admin.command("PUBSUB", "NUMSUB", "b"), ["b", 0]);
      assert.equal(await other.command("GET", "k"), null);

      sub.close();
      await waitFor(async () => {
        const counts = await admin.command("PUBSUB", "NUMSUB", "a");
        return (counts as Reply[])[1] === 0;
      }, "the subscriber to be forgotten");
      assert.equal(await admin.command("PUBSUB", "NUMPAT"), 0);
      assert.deepEqual(await admin.command("PUBSUB", "SHARDCHANNELS"), []);
      assert.equal(await admin.command("PUBLISH", "a", "x"), 0);
    } finally {
      admin.close();
      sub.close();
      other.close();
    }
  });
});

Deno.test("pubsub: node-redis subscribe, pSubscribe, sSubscribe and unsubscribe (RESP2 and RESP3)", async () => {
  await withServer(async ({ port }) => {
    for (const RESP of [2, 3] as const) {
      const publisher = createClient({ socket: { host: "127.0.0.1", port }, RESP });
      const subscriber = publisher.duplicate();
      await publisher.connect();
      await subscriber.connect();
      try {
        const received: string[] = [];
        await subscriber.subscribe("news", (message, channel) => received.push(`${channel}:${message}`));
        await subscriber.pSubscribe("n*", (message, channel) => received.push(`n*/${channel}:${message}`));
        await subscriber.sSubscribe("shard", (message, channel) => received.push(`s/${channel}:${message}`));
        assert.equal(await publisher.publish("news", "hello"), 2);
        assert.equal(await publisher.sPublish("shard", "piece"), 1);
        await waitFor(() => received.length === 3, "three messages");
        assert.deepEqual(received.sort(), ["n*/news:hello", "news:hello", "s/shard:piece"]);
        await subscriber.unsubscribe("news");
        await subscriber.pUnsubscribe();
        await subscriber.sUnsubscribe();
        assert.equal(await publisher.publish("news", "again"), 0);
      } finally {
        await subscriber.close();
        await publisher.close();
      }
    }
  });
});

Deno.test("pubsub: ioredis subscribe, psubscribe, ssubscribe", async () => {
  await withServer(async ({ port }) => {
    const publisher = new Redis({ host: "127.0.0.1", port });
    const subscriber = new Redis({ host: "127.0.0.1", port });
    try {
      const received: string[] = [];
      subscriber.on("message", (channel, message) => received.push(`${channel}:${message}`));
      subscriber.on(
        "pmessage",
        (pattern, channel, message) => received.push(`${pattern}/${channel}:${message}`),
      );
      subscriber.on("smessage", (channel, message) => received.push(`s/${channel}:${message}`));
      assert.equal(await subscriber.subscribe("news", "sport"), 2);
      assert.equal(await subscriber.psubscribe("s*"), 3);
      assert.equal(await subscriber.ssubscribe("shard"), 1);
      assert.equal(await publisher.publish("sport", "goal"), 2);
      assert.equal(await publisher.spublish("shard", "piece"), 1);
      await waitFor(() => received.length === 3, "three messages");
      assert.deepEqual(received.sort(), ["s*/sport:goal", "s/shard:piece", "sport:goal"]);
      assert.equal(await subscriber.unsubscribe("news", "sport"), 1);
      assert.equal(await subscriber.punsubscribe("s*"), 0);
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
  });
});

Deno.test("pubsub: redis-cli subscribe receives what is published", async (t) => {
  if (!await hasProgram("redis-cli")) {
    console.warn("pubsub_test: redis-cli not found, skipping the redis-cli subscribe test");
    t.step("skipped: redis-cli not installed", () => {});
    return;
  }
  await withServer(async ({ port }) => {
    const cli = new Deno.Command("redis-cli", {
      args: ["-p", String(port), "SUBSCRIBE", "news"],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const admin = await RawConnection.open(port);
    try {
      await waitFor(
        async () => (await admin.command("PUBSUB", "NUMSUB", "news") as Reply[])[1] === 1,
        "redis-cli",
      );
      assert.equal(await admin.command("PUBLISH", "news", "hello cli"), 1);
      const reader = cli.stdout.getReader();
      let text = "";
      while (!text.includes("hello cli")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      reader.releaseLock();
      assert.equal(text, "subscribe\nnews\n1\nmessage\nnews\nhello cli\n");
    } finally {
      admin.close();
      cli.kill("SIGKILL");
      await cli.status;
      await cli.stdout.cancel().catch(() => {});
    }
  });
});

Deno.test("pubsub: a subscriber that never reads is disconnected at the output limit; others keep working", async () => {
  const logFile = await Deno.makeTempFile();
  await withServer(async ({ port, server }) => {
    server.log.enabled = true;
    server.log.file = logFile;
    const slow = await RawConnection.open(port);
    const fast = await RawConnection.open(port);
    const publisher = await RawConnection.open(port);
    try {
      await slow.command("SUBSCRIBE", "firehose");
      await fast.command("SUBSCRIBE", "firehose");
      const payload = "x".repeat(1024 * 1024);
      const slowClient = [...server.clients.values()][0];
      const baseline = Deno.memoryUsage();
      let sent = 0;
      let peak = 0;
      // The fast subscriber reads every message; the slow one reads nothing.
      while ((await publisher.command("PUBSUB", "NUMSUB", "firehose") as Reply[])[1] === 2) {
        assert.ok(sent < 200, "the slow subscriber was never disconnected");
        await publisher.command("PUBLISH", "firehose", payload);
        assert.deepEqual(await fast.reply(), ["message", "firehose", payload]);
        peak = Math.max(peak, slowClient.unsentOutput);
        sent++;
      }
      const grown = Deno.memoryUsage();
      const growth = grown.heapUsed + grown.external - baseline.heapUsed - baseline.external;
      console.log(
        `slow subscriber cut after ${sent} messages of 1 MB; its unsent output peaked at ` +
          `${(peak / 2 ** 20).toFixed(1)} MB; heap+external of this process (test clients included) ` +
          `grew by ${(growth / 2 ** 20).toFixed(1)} MB`,
      );
      // What the server holds for the slow client stays under the 32mb hard limit plus one message.
      assert.ok(peak <= 33 * 2 ** 20, `unsent output peaked at ${peak} bytes`);
      assert.equal(slowClient.unsentOutput, 0);
      assert.ok(growth < 256 * 2 ** 20, `memory grew by ${growth} bytes`);
      assert.match(await Deno.readTextFile(logFile), /closed ASAP for overcoming of output buffer limits/);
      assert.equal(await publisher.command("PUBLISH", "firehose", "small"), 1);
      assert.deepEqual(await fast.reply(), ["message", "firehose", "small"]);
      assert.equal(await publisher.command("PING"), "PONG");
    } finally {
      slow.close();
      fast.close();
      publisher.close();
    }
  });
  await Deno.remove(logFile);
});

Deno.test("client-output-buffer-limit's normal class closes a client whose reply passes it, as Redis does", async () => {
  await withServer(async ({ port, server }) => {
    const admin = await RawConnection.open(port);
    const client = await RawConnection.open(port);
    assert.equal(await admin.command("SET", "big", "x".repeat(200_000)), "OK");
    assert.equal(await admin.command("SET", "small", "y"), "OK");
    assert.equal(
      await admin.command("CONFIG", "SET", "client-output-buffer-limit", "normal 100kb 0 0"),
      "OK",
    );
    assert.equal(await client.command("GET", "small"), "y");
    // Nothing of the reply is sent: the connection just closes.
    await client.send(encodeCommand(["GET", "big"]));
    assert.equal(await client.readToEnd(), "");
    await waitFor(() => server.clients.size === 1, "the client to be gone");
    assert.equal(await admin.command("GET", "small"), "y");
    admin.close();
    client.close();
  });
});
