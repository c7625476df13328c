/**
 * Each limit at its edge: `timeout` (who is exempt), client-query-buffer-limit,
 * client-output-buffer-limit (the normal class's hard limit, the pubsub class's
 * soft limit with its seconds), and CLIENT PAUSE keeping the data set still
 * (no expiry, no eviction). Nothing here asserts a duration: the tests wait on
 * conditions, and a client closed for idling proves that enough time passed
 * for the others, which stayed idle longer, to be closed too had they not been
 * exempt. Where it is cheap the same scenario runs against redis-server.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RunningServer } from "../lib/mod.ts";
import {
  blocked,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Captures the server's warnings (and verbose lines) while `fn` runs. */
function captureLog(server: RunningServer["server"]): string[] {
  const lines: string[] = [];
  server.log.warning = (message: string) => lines.push(message);
  server.log.verbose = (message: string) => lines.push(message);
  return lines;
}

/**
 * `timeout 1`: a client that sends a command every 100 ms, a monitor, a
 * client blocked in BLPOP, a RESP2 and a RESP3 subscriber, and last an idle
 * client that never sends anything. Once the idle client is closed, the
 * others, idle as long or longer, are checked to be still there.
 */
async function timeoutScenario(port: number): Promise<Reply[]> {
  const active = await RawConnection.open(port);
  assert.equal(await active.command("FLUSHALL"), "OK");
  assert.equal(await active.command("CONFIG", "SET", "timeout", "1"), "OK");
  const monitor = await RawConnection.open(port);
  assert.equal(await monitor.command("MONITOR"), "OK");
  const waiting = await RawConnection.open(port);
  await waiting.send(encodeCommand(["BLPOP", "list", "0"]));
  await blocked(active, 1);
  const sub2 = await RawConnection.open(port);
  assert.deepEqual(await sub2.command("SUBSCRIBE", "ch"), ["subscribe", "ch", 1]);
  const sub3 = await RawConnection.open(port);
  await sub3.command("HELLO", "3");
  assert.deepEqual(await sub3.command("SUBSCRIBE", "ch"), { push: ["subscribe", "ch", 1] });
  // The monitor has been sent the lines above; from here on it gets nothing (CONFIG is not shown).
  const idle = await RawConnection.open(port);
  let idleClosed = false;
  const idleEnd = idle.readToEnd().then((text) => {
    idleClosed = true;
    return text;
  });
  const deadline = Date.now() + 15_000;
  while (!idleClosed) {
    // Sending more often than the timeout keeps a client alive.
    assert.deepEqual(await active.command("CONFIG", "GET", "timeout"), ["timeout", "1"]);
    if (Date.now() > deadline) throw new Error("the idle client was never closed");
    await delay(100);
  }
  const seen: Reply[] = [await idleEnd];
  seen.push(await active.command("PING"));
  const list = await active.command("CLIENT", "LIST") as string;
  seen.push(list.trim().split("\n").length);
  seen.push(await active.command("LPUSH", "list", "x"));
  seen.push(await waiting.reply());
  seen.push(await sub2.command("PING"));
  seen.push(await sub3.command("PING"));
  // The monitor is still connected: after the lines of the setup, it shows the PING above.
  let shown = "";
  for (let i = 0; i < 100 && !/ "PING"$/.test(shown); i++) shown = await monitor.reply() as string;
  seen.push(/ "PING"$/.test(shown));
  for (const conn of [active, monitor, waiting, sub2, sub3, idle]) conn.close();
  return seen;
}

const TIMEOUT_EXPECTED: Reply[] = ["", "PONG", 5, 1, ["list", "x"], ["pong", ""], "PONG", true];

Deno.test("timeout closes an idle client; one sending commands, a blocked one, subscribers and a monitor stay", async () => {
  await withServer(async ({ port, server }) => {
    const log = captureLog(server);
    assert.deepEqual(await timeoutScenario(port), TIMEOUT_EXPECTED);
    assert.equal(log.filter((line) => line.startsWith("Closing idle client")).length, 1);
  });
});

Deno.test({
  name: "timeout: the same clients stay and go in redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(timeoutScenario),
});

Deno.test("timeout 0 never closes an idle client", async () => {
  await withServer(async ({ port }) => {
    const idle = await RawConnection.open(port);
    assert.equal(await idle.command("CONFIG", "GET", "timeout").then((r) => (r as string[])[1]), "0");
    const since = Date.now();
    // Well past what `timeout 1` would allow (Redis counts whole seconds, so up to 2).
    await waitFor(() => Date.now() - since > 2100, "time to pass");
    assert.equal(await idle.command("PING"), "PONG");
    idle.close();
  });
});

const QUERY_LIMIT = 1024 * 1024;

async function queryBufferScenario(port: number): Promise<Reply[]> {
  const admin = await RawConnection.open(port);
  assert.equal(await admin.command("CONFIG", "SET", "client-query-buffer-limit", "1mb"), "OK");
  const seen: Reply[] = [];
  // The bulk being read (its data and CRLF) is what counts, as in Redis 7.0: a value of limit - 2
  // bytes fits, one byte more does not.
  for (const len of [QUERY_LIMIT - 3, QUERY_LIMIT - 2, QUERY_LIMIT - 1, QUERY_LIMIT]) {
    const conn = await RawConnection.open(port);
    await conn.send(encodeCommand(["SET", "k", "v".repeat(len)])).catch(() => {});
    seen.push(await conn.reply().catch(() => "closed"));
    conn.close();
  }
  // A command sent right behind a big argument that just fits is not read with its end, so it
  // does not push the client over.
  const pipelined = await RawConnection.open(port);
  await pipelined.send(encodeCommand(["SET", "k", "w".repeat(QUERY_LIMIT - 2)]) + encodeCommand(["PING"]));
  seen.push(await pipelined.reply().catch(() => "closed"), await pipelined.reply().catch(() => "closed"));
  pipelined.close();
  // Redis 7.0.15 does not count commands queued by MULTI against the limit (7.2 does).
  const multi = await RawConnection.open(port);
  assert.equal(await multi.command("MULTI"), "OK");
  for (let i = 0; i < 6; i++) seen.push(await multi.command("SET", `k${i}`, "q".repeat(300_000)));
  seen.push(await multi.command("EXEC"));
  seen.push(await admin.command("STRLEN", "k5"));
  multi.close();
  admin.close();
  return seen;
}

Deno.test("client-query-buffer-limit: a request just under is served, one byte over drops the client (logged)", async () => {
  await withServer(async ({ port, server }) => {
    const log = captureLog(server);
    const other = await RawConnection.open(port);
    const seen = await queryBufferScenario(port);
    assert.deepEqual(seen.slice(0, 6), ["OK", "OK", "closed", "closed", "OK", "PONG"]);
    assert.deepEqual(seen.slice(6), [...new Array(6).fill("QUEUED"), new Array(6).fill("OK"), 300_000]);
    const dropped = log.filter((line) =>
      line.startsWith("Closing client that reached max query buffer length")
    );
    assert.equal(dropped.length, 2);
    assert.match(dropped[0], /qbuf=1048577$/);
    // Other clients are not affected.
    assert.equal(await other.command("PING"), "PONG");
    assert.equal(await other.command("STRLEN", "k"), QUERY_LIMIT - 2);
    other.close();
  });
});

Deno.test({
  name: "client-query-buffer-limit: the same edge as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(queryBufferScenario),
});

/** The bytes of a bulk reply of `len` bytes. */
const bulkReplyBytes = (len: number) => len + String(len).length + 5;

Deno.test("client-output-buffer-limit normal: a reply one byte under the hard limit passes, one at it closes", async () => {
  await withServer(async ({ port, server }) => {
    const log = captureLog(server);
    const admin = await RawConnection.open(port);
    assert.equal(await admin.command("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"), "OK");
    const under = 1024 * 1024 - 1 - 12; // a 7-digit length: 12 bytes of framing
    assert.equal(bulkReplyBytes(under), 1024 * 1024 - 1);
    assert.equal(await admin.command("SET", "under", "u".repeat(under)), "OK");
    assert.equal(await admin.command("SET", "at", "a".repeat(under + 1)), "OK");
    const reader = await RawConnection.open(port);
    assert.equal((await reader.command("GET", "under") as string).length, under);
    assert.equal(await reader.command("PING"), "PONG");
    await reader.send(encodeCommand(["GET", "at"]));
    // Closed with the reply dropped unsent.
    assert.equal(await reader.readToEnd(), "");
    assert.equal(log.filter((line) => line.includes("for overcoming of output buffer limits")).length, 1);
    assert.equal(await admin.command("PING"), "PONG");
    reader.close();
    admin.close();
  });
});

/** The bytes of a RESP2 `message` frame on channel `channel` with a payload of `len` bytes. */
const messageBytes = (channel: string, len: number) =>
  `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n`.length + bulkReplyBytes(len);

Deno.test("client-output-buffer-limit pubsub: over the soft limit longer than its seconds closes; dipping below restarts the clock", async () => {
  await withServer(async ({ port, server }) => {
    const log = captureLog(server);
    const soft = 64 * 1024;
    const admin = await RawConnection.open(port);
    assert.equal(
      await admin.command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 64kb 2"),
      "OK",
    );
    const subscriber = async (channel: string) => {
      const conn = await RawConnection.open(port);
      const id = await conn.command("CLIENT", "ID") as number;
      assert.deepEqual(await conn.command("SUBSCRIBE", channel), ["subscribe", channel, 1]);
      return { conn, id, unsent: () => server.clients.get(id)?.unsentOutput ?? -1 };
    };
    const dipping = await subscriber("b");
    const stuck = await subscriber("a");
    const payload = "p".repeat(16 * 1024);
    let published = 0;
    let drained = 0;
    const buffer = new Uint8Array(256 * 1024);
    /** Publishes on `channel` until its subscriber's unsent output is over the soft limit. */
    const pushOver = async (channel: string, unsent: () => number) => {
      while (unsent() < soft) {
        assert.equal(await admin.command("PUBLISH", channel, payload), 1);
        if (channel === "b") published += messageBytes("b", payload.length);
      }
    };
    // The dipping subscriber goes over first, so it has been over the soft limit on and off for
    // longer than the stuck one by the time that one is closed.
    await pushOver("b", dipping.unsent);
    await pushOver("a", stuck.unsent);
    let rounds = 0;
    const deadline = Date.now() + 20_000;
    while (server.clients.has(stuck.id)) {
      if (Date.now() > deadline) throw new Error("the stuck subscriber was never closed");
      // The dipping subscriber reads until what waits for it is well under the soft limit ...
      while (dipping.unsent() >= soft / 2) {
        const n = await dipping.conn.conn.read(buffer);
        assert.notEqual(n, null);
        drained += n!;
      }
      // ... so the next message, checked under the soft limit, restarts its clock; then over again.
      await pushOver("b", dipping.unsent);
      rounds++;
      // Output keeps coming to the stuck one, which stays over the soft limit.
      await admin.command("PUBLISH", "a", "x");
    }
    assert.ok(rounds >= 1);
    while (drained < published) {
      const n = await dipping.conn.conn.read(buffer);
      assert.notEqual(n, null);
      drained += n!;
    }
    assert.equal(drained, published);
    assert.deepEqual(await dipping.conn.command("PING"), ["pong", ""]);
    const closed = log.filter((line) => line.includes("for overcoming of output buffer limits"));
    assert.equal(closed.length, 1);
    assert.match(closed[0], new RegExp(`id=${stuck.id} `));
    for (const conn of [admin, dipping.conn, stuck.conn]) conn.close();
  });
});

/** Reads one keyspace event as `<channel> <payload>` from a pattern subscriber. */
async function nextEvent(sub: RawConnection): Promise<string> {
  const [, , channel, payload] = await sub.reply() as string[];
  return `${channel} ${payload}`;
}

/**
 * CLIENT PAUSE WRITE keeps the data set still, as Redis 7.0: a key whose time
 * passed during the pause reads as missing but stays (DBSIZE, INFO keyspace),
 * with no `expired` event and no expired_keys; after CLIENT UNPAUSE it goes,
 * with its event. Eviction waits too: a lower maxmemory evicts nothing until
 * the pause ends.
 */
async function pauseScenario(port: number): Promise<Reply[]> {
  const admin = await RawConnection.open(port);
  const sub = await RawConnection.open(port);
  // A redis-server started in a directory with a dump.rdb loads it.
  assert.equal(await admin.command("FLUSHALL"), "OK");
  assert.equal(await admin.command("CONFIG", "SET", "notify-keyspace-events", "KEA"), "OK");
  await sub.command("PSUBSCRIBE", "__key*__:*");
  const seen: Reply[] = [];
  seen.push(await admin.command("SET", "k", "v", "PX", "50"));
  seen.push(await admin.command("SET", "live", "v"));
  for (let i = 0; i < 6; i++) seen.push(await nextEvent(sub));
  assert.equal(await admin.command("CONFIG", "RESETSTAT"), "OK");
  seen.push(await admin.command("CLIENT", "PAUSE", "100000", "WRITE"));
  await waitFor(async () => await admin.command("EXISTS", "k") === 0, "k to expire");
  // Long enough for several active expiry cycles (hz 10) to have run, were they not suspended.
  const expired = Date.now();
  await waitFor(() => Date.now() - expired > 400, "time to pass");
  seen.push(await admin.command("GET", "k"));
  seen.push(await admin.command("DBSIZE"));
  seen.push(await admin.command("KEYS", "*"));
  seen.push(await admin.command("TTL", "k"));
  seen.push(await admin.command("TYPE", "k"));
  seen.push(await admin.command("SCAN", "0"));
  seen.push(await admin.command("RANDOMKEY"));
  seen.push(/db0:keys=2,expires=1,/.test(await admin.command("INFO", "keyspace") as string));
  seen.push(/expired_keys:0\r\n/.test(await admin.command("INFO", "stats") as string));
  // Eviction is suspended too: CONFIG SET is no write, so it runs during the pause.
  assert.equal(await admin.command("CONFIG", "SET", "maxmemory-policy", "allkeys-random"), "OK");
  assert.equal(await admin.command("CONFIG", "SET", "maxmemory", "1"), "OK");
  seen.push(await admin.command("DBSIZE"));
  seen.push(await admin.command("GET", "live"));
  seen.push(/evicted_keys:0\r\n/.test(await admin.command("INFO", "stats") as string));
  assert.equal(await admin.command("CONFIG", "SET", "maxmemory", "0"), "OK");
  seen.push(await admin.command("CLIENT", "UNPAUSE"));
  // Now the key goes (active expiry), and the first event since the pause is its `expired`.
  await waitFor(async () => await admin.command("DBSIZE") === 1, "k to be deleted");
  seen.push(await nextEvent(sub));
  seen.push(await nextEvent(sub));
  seen.push(/expired_keys:1\r\n/.test(await admin.command("INFO", "stats") as string));
  // And eviction: the next command evicts down to a lower limit.
  assert.equal(await admin.command("CLIENT", "PAUSE", "100000", "WRITE"), "OK");
  assert.equal(await admin.command("CONFIG", "SET", "maxmemory", "1"), "OK");
  seen.push(await admin.command("DBSIZE"));
  seen.push(await admin.command("CLIENT", "UNPAUSE"));
  await waitFor(async () => await admin.command("DBSIZE") === 0, "live to be evicted");
  seen.push(await nextEvent(sub));
  assert.equal(await admin.command("CONFIG", "SET", "maxmemory", "0"), "OK");
  sub.close();
  admin.close();
  return seen;
}

const PAUSE_EXPECTED: Reply[] = [
  "OK",
  "OK",
  "__keyspace@0__:k set",
  "__keyevent@0__:set k",
  "__keyspace@0__:k expire",
  "__keyevent@0__:expire k",
  "__keyspace@0__:live set",
  "__keyevent@0__:set live",
  "OK",
  null,
  2,
  ["live"],
  -2,
  "none",
  ["0", ["live"]],
  "live",
  true,
  true,
  2,
  "v",
  true,
  "OK",
  "__keyspace@0__:k expired",
  "__keyevent@0__:expired k",
  true,
  1,
  "OK",
  "__keyspace@0__:live evicted",
];

Deno.test("CLIENT PAUSE WRITE suspends expiry and eviction until it ends", async () => {
  await withServer(async ({ port, server }) => {
    const propagated: string[] = [];
    server.onPropagate((_db, argv) => propagated.push(argv.join(" ")));
    assert.deepEqual(await pauseScenario(port), PAUSE_EXPECTED);
    // The DELs of the expiry and the eviction went out only after each pause.
    assert.deepEqual(propagated.filter((line) => line.startsWith("DEL")), ["DEL k", "DEL live"]);
  });
});

Deno.test({
  name: "CLIENT PAUSE WRITE: expiry and eviction as in redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(pauseScenario),
});

Deno.test("CLIENT PAUSE ALL suspends active expiry; RANDOMKEY does not spin on expired keys", async () => {
  await withServer(async ({ port, server }) => {
    const admin = await RawConnection.open(port);
    assert.equal(await admin.command("SET", "k", "v", "PX", "1"), "OK");
    assert.equal(await admin.command("CLIENT", "PAUSE", "100000", "ALL"), "OK");
    const db = server.keyspace.dbs[0];
    await waitFor(() => Date.now() > db.expiryOf("k")!, "k's time to pass");
    // Several server cron ticks, each of which would run active expiry.
    let ticks = 0;
    const cron = server.aof.cron.bind(server.aof);
    server.aof.cron = (now: number) => {
      ticks++;
      cron(now);
    };
    await waitFor(() => ticks >= 3, "three cron ticks");
    assert.equal(db.size, 1);
    assert.equal(server.stats.expiredKeys, 0);
    // Every key has a TTL and has expired: Redis 7.0.15 loops forever here; as 7.2, an expired key.
    assert.equal(db.randomKey(), "k");
    server.pause.unpause();
    await waitFor(() => db.size === 0, "k to be deleted after the pause");
    assert.equal(server.stats.expiredKeys, 1);
    assert.equal(await admin.command("RANDOMKEY"), null);
    admin.close();
  });
});

Deno.test("CLIENT LIST lays out the output waiting for a client that does not read as Redis does: obl, then oll and omem", async () => {
  await withServer(async ({ port, server }) => {
    const admin = await RawConnection.open(port);
    const reader = await RawConnection.open(port);
    const id = await reader.command("CLIENT", "ID") as number;
    assert.deepEqual(await reader.command("SUBSCRIBE", "c"), ["subscribe", "c", 1]);
    const unsent = () => server.clients.get(id)!.unsentOutput;
    const payload = "p".repeat(16 * 1024);
    while (unsent() < 100_000) assert.equal(await admin.command("PUBLISH", "c", payload), 1);
    const line = await admin.command("CLIENT", "LIST", "ID", String(id)) as string;
    const field = (name: string) => Number(new RegExp(` ${name}=(\\d+)`).exec(line)![1]);
    // Redis's 16 KB reply buffer first, then its list of 16 KB chunks.
    assert.equal(field("obl"), 16 * 1024);
    assert.equal(field("omem"), unsent() - 16 * 1024);
    assert.equal(field("oll"), Math.ceil((unsent() - 16 * 1024) / (16 * 1024)));
    assert.ok(field("tot-mem") > unsent(), line);
    admin.close();
    reader.close();
  });
});

Deno.test("client-output-buffer-limit: a subscriber left over the soft limit is closed when its seconds are up, with no more output coming", async () => {
  await withServer(async ({ port, server }) => {
    const admin = await RawConnection.open(port);
    assert.equal(await admin.command("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 64kb 1"), "OK");
    const reader = await RawConnection.open(port);
    const id = await reader.command("CLIENT", "ID") as number;
    assert.deepEqual(await reader.command("SUBSCRIBE", "c"), ["subscribe", "c", 1]);
    const payload = "p".repeat(16 * 1024);
    while (server.clients.get(id)!.unsentOutput < 64 * 1024) {
      assert.equal(await admin.command("PUBLISH", "c", payload), 1);
    }
    // Nothing more is published: the background cycle, not a new message, finds it over for too long.
    await waitFor(() => !server.clients.has(id), "the subscriber to be closed");
    assert.equal(await admin.command("PUBLISH", "c", "x"), 0);
    admin.close();
    reader.close();
  });
});
