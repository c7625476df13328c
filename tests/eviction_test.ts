/**
 * maxmemory and eviction: for each maxmemory-policy a server limited to 50mb
 * is filled with more 4 KB values than fit. The used memory (the estimate
 * eviction acts on, see lib/store/eviction.ts, which INFO reports as
 * used_memory while maxmemory is set) must stay under the limit but for
 * {@link TOLERANCE}: eviction runs before a command, so one SET may overshoot
 * by its own entry. The right keys must go (only keys with a TTL under
 * volatile-*, idle ones first under LRU, rarely read ones under LFU, the
 * shortest TTLs under volatile-ttl), and evicted_keys, the `evicted` events
 * and the DELs propagated must agree. noeviction refuses denyoom commands with
 * -OOM and runs the others.
 *
 * Deterministic: the memory measure is an estimate kept per key, not the
 * garbage-collected heap; LRU idle time is made by moving Date.now forward,
 * not by sleeping; LFU uses lfu-log-factor 0, so every read counts. The LRU,
 * LFU and TTL checks compare survival rates with wide margins.
 */
import assert from "node:assert/strict";
import type { RunningServer } from "../lib/mod.ts";
import { encodeCommand, RawConnection, type Reply, startTestServer } from "./helpers.ts";

const LIMIT = 50 * 1024 * 1024;
/** One entry: the 4000-byte value, its key and the per-entry overhead, rounded up. */
const TOLERANCE = 8 * 1024;
const VALUE_SIZE = 4000;

function value(i: number): string {
  return String(i).padStart(8, "0") + "v".repeat(VALUE_SIZE - 8);
}

function key(i: number): string {
  return `key:${String(i).padStart(6, "0")}`;
}

interface Fill {
  /** The most used memory seen after a batch (from INFO used_memory). */
  maxUsed: number;
  replies: Reply[];
}

/**
 * Sends the commands pipelined in batches, and after each batch checks the
 * used memory INFO reports (the same figure as the server's eviction.used()).
 */
async function run(redix: RunningServer, conn: RawConnection, commands: string[][]): Promise<Fill> {
  let maxUsed = 0;
  const replies: Reply[] = [];
  for (let start = 0; start < commands.length; start += 500) {
    const batch = commands.slice(start, start + 500);
    await conn.send(batch.map(encodeCommand).join(""));
    for (let i = 0; i < batch.length; i++) replies.push(await conn.reply());
    const used = infoField(await conn.command("INFO", "memory"), "used_memory");
    assert.equal(used, redix.server.eviction.used());
    assert.ok(used <= LIMIT + TOLERANCE, `used_memory ${used} over maxmemory ${LIMIT} + ${TOLERANCE}`);
    maxUsed = Math.max(maxUsed, used);
  }
  return { maxUsed, replies };
}

function infoField(info: Reply, name: string): number {
  const match = String(info).match(new RegExp(`^${name}:(\\d+)`, "m"));
  assert.ok(match, `INFO has ${name}`);
  return Number(match[1]);
}

/**
 * A server with maxmemory 50mb and `policy`, a connection, a subscriber to
 * `evicted` events and a count of the DELs propagated; `check` runs the
 * scenario, after which evicted_keys, the events and the DELs must agree.
 */
async function withEviction(
  policy: string,
  check: (redix: RunningServer, conn: RawConnection) => Promise<void>,
  config: Record<string, string | number> = {},
): Promise<number> {
  const redix = await startTestServer({
    config: { maxmemory: "50mb", "maxmemory-policy": policy, "notify-keyspace-events": "Ee", ...config },
  });
  const propagatedDels: string[] = [];
  redix.server.onPropagate((_db, argv) => {
    if (argv[0] === "DEL" && argv.length === 2) propagatedDels.push(argv[1]);
  });
  const conn = await RawConnection.open(redix.port);
  const listener = await RawConnection.open(redix.port);
  try {
    assert.deepEqual(await listener.command("SUBSCRIBE", "__keyevent@0__:evicted"), [
      "subscribe",
      "__keyevent@0__:evicted",
      1,
    ]);
    await check(redix, conn);
    const evicted = infoField(await conn.command("INFO", "stats"), "evicted_keys");
    const events: string[] = [];
    for (let i = 0; i < evicted; i++) {
      const message = await listener.reply() as string[];
      assert.equal(message[1], "__keyevent@0__:evicted");
      events.push(message[2]);
    }
    // Each eviction propagated as a DEL (besides the scenario's own DELs).
    const evictedKeys = new Set(events);
    assert.deepEqual(propagatedDels.filter((deleted) => evictedKeys.has(deleted)), events);
    for (const evictedKey of events.slice(0, 100)) assert.equal(await conn.command("EXISTS", evictedKey), 0);
    assert.equal(await conn.command("PING"), "PONG");
    return evicted;
  } finally {
    conn.close();
    listener.close();
    await redix.close();
  }
}

/** Which of keys[from, to) still exist. */
async function surviving(conn: RawConnection, from: number, to: number): Promise<Set<number>> {
  const alive = new Set<number>();
  for (let start = from; start < to; start += 1000) {
    const end = Math.min(to, start + 1000);
    const commands: string[][] = [];
    for (let i = start; i < end; i++) commands.push(["EXISTS", key(i)]);
    await conn.send(commands.map(encodeCommand).join(""));
    for (let i = start; i < end; i++) if (await conn.reply() === 1) alive.add(i);
  }
  return alive;
}

function rate(alive: Set<number>, indexes: number[]): number {
  return indexes.filter((i) => alive.has(i)).length / indexes.length;
}

const TOTAL = 20_000;

for (const policy of ["allkeys-lru", "allkeys-lfu", "allkeys-random"]) {
  Deno.test(`${policy}: a 50mb server filled with 80 MB keeps under maxmemory`, async () => {
    const evicted = await withEviction(policy, async (redix, conn) => {
      const commands = Array.from({ length: TOTAL }, (_, i) => ["SET", key(i), value(i)]);
      const { maxUsed, replies } = await run(redix, conn, commands);
      assert.ok(replies.every((reply) => reply === "OK"));
      assert.ok(maxUsed > LIMIT - 2 * TOLERANCE, `filled up to the limit (${maxUsed})`);
      const size = await conn.command("DBSIZE") as number;
      assert.ok(size > 11_000 && size < 13_500, `about 50 MB of 4 KB entries kept (${size})`);
      assert.equal(infoField(await conn.command("INFO", "stats"), "evicted_keys"), TOTAL - size);
      assert.equal(await conn.command("GET", key(TOTAL - 1)), value(TOTAL - 1), "the last write is kept");
    });
    assert.ok(evicted > 6_000);
  });
}

for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
  Deno.test(`${policy}: evicts only keys with a TTL`, async () => {
    await withEviction(policy, async (redix, conn) => {
      // One key in four has no TTL: 5000 of them (20 MB) fit, and must all stay.
      const commands = Array.from(
        { length: TOTAL },
        (_, i) => i % 4 === 0 ? ["SET", key(i), value(i)] : ["SET", key(i), value(i), "EX", String(3600 + i)],
      );
      const { replies } = await run(redix, conn, commands);
      assert.ok(replies.every((reply) => reply === "OK"));
      const alive = await surviving(conn, 0, TOTAL);
      const persistent = Array.from({ length: TOTAL / 4 }, (_, i) => 4 * i);
      assert.equal(rate(alive, persistent), 1, "no key without a TTL evicted");
      assert.ok(alive.size < 13_500);
    });
  });
}

Deno.test("volatile-lru with nothing left to evict: OOM for SET, GET runs", async () => {
  await withEviction("volatile-lru", async (redix, conn) => {
    const commands = Array.from({ length: TOTAL }, (_, i) => ["SET", key(i), value(i)]);
    const { replies } = await run(redix, conn, commands);
    const refused = replies.findIndex((reply) => typeof reply === "object" && reply !== null);
    assert.ok(refused > 11_000, `refused once full (${refused})`);
    assert.deepEqual(replies[refused], { error: "OOM command not allowed when used memory > 'maxmemory'." });
    assert.equal(await conn.command("GET", key(0)), value(0));
    assert.equal(infoField(await conn.command("INFO", "stats"), "evicted_keys"), 0);
  });
});

/**
 * The LRU scenario: 8000 keys written (32 MB), the clock moved 100 s on, every
 * other one of them read, then 12000 new keys written (the clock standing still). The 4000 unread keys
 * are idle for 100 s, the read and the new ones for 0: the unread ones must go
 * first, so far more read keys than unread ones survive.
 */
async function lruScenario(redix: RunningServer, conn: RawConnection, ttl: boolean): Promise<void> {
  const set = (i: number) => ttl ? ["SET", key(i), value(i), "EX", "3600"] : ["SET", key(i), value(i)];
  const realNow = Date.now;
  try {
    await run(redix, conn, Array.from({ length: 8000 }, (_, i) => set(i)));
    assert.equal(infoField(await conn.command("INFO", "stats"), "evicted_keys"), 0);
    // Frozen there, so that the read and the new keys all have idle time 0.
    const frozen = realNow() + 100_000;
    Date.now = () => frozen;
    redix.server.keyspace.clock.update(Date.now());
    const hot = Array.from({ length: 4000 }, (_, i) => 2 * i);
    const cold = hot.map((i) => i + 1);
    await run(redix, conn, hot.map((i) => ["GET", key(i)]));
    await run(redix, conn, Array.from({ length: 12_000 }, (_, i) => set(8000 + i)));
    const alive = await surviving(conn, 0, 8000);
    const hotRate = rate(alive, hot);
    const coldRate = rate(alive, cold);
    assert.ok(hotRate > coldRate + 0.3, `read keys survive more (read ${hotRate}, unread ${coldRate})`);
  } finally {
    Date.now = realNow;
  }
}

Deno.test("allkeys-lru keeps recently read keys", async () => {
  await withEviction("allkeys-lru", (redix, conn) => lruScenario(redix, conn, false));
});

Deno.test("volatile-lru keeps recently read keys", async () => {
  await withEviction("volatile-lru", (redix, conn) => lruScenario(redix, conn, true));
});

/**
 * The LFU scenario: as the LRU one without moving the clock; with
 * lfu-log-factor 0 every read increments the counter, so the read keys have
 * counter 8 and the others 5.
 */
for (const policy of ["allkeys-lfu", "volatile-lfu"]) {
  Deno.test(`${policy} keeps frequently read keys`, async () => {
    await withEviction(policy, async (redix, conn) => {
      const set = (i: number) =>
        policy === "volatile-lfu" ? ["SET", key(i), value(i), "EX", "3600"] : ["SET", key(i), value(i)];
      await run(redix, conn, Array.from({ length: 8000 }, (_, i) => set(i)));
      const hot = Array.from({ length: 4000 }, (_, i) => 2 * i);
      const cold = hot.map((i) => i + 1);
      for (let round = 0; round < 3; round++) await run(redix, conn, hot.map((i) => ["GET", key(i)]));
      await run(redix, conn, Array.from({ length: 12_000 }, (_, i) => set(8000 + i)));
      const alive = await surviving(conn, 0, 8000);
      const hotRate = rate(alive, hot);
      const coldRate = rate(alive, cold);
      assert.ok(hotRate > coldRate + 0.3, `read keys survive more (read ${hotRate}, unread ${coldRate})`);
    }, { "lfu-log-factor": 0 });
  });
}

Deno.test("volatile-ttl evicts the shortest TTLs first", async () => {
  await withEviction("volatile-ttl", async (redix, conn) => {
    // TTLs in a fixed order unrelated to the order of writes.
    const ttl = (i: number) => 3600 + ((i * 7919) % TOTAL);
    await run(
      redix,
      conn,
      Array.from({ length: TOTAL }, (_, i) => ["SET", key(i), value(i), "EX", String(ttl(i))]),
    );
    const alive = await surviving(conn, 0, TOTAL);
    const byTtl = Array.from({ length: TOTAL }, (_, i) => i).sort((a, b) => ttl(a) - ttl(b));
    const shortest = byTtl.slice(0, TOTAL / 4);
    const longest = byTtl.slice((3 * TOTAL) / 4);
    const shortRate = rate(alive, shortest);
    const longRate = rate(alive, longest);
    assert.ok(longRate > shortRate + 0.3, `long TTLs survive more (long ${longRate}, short ${shortRate})`);
  });
});

Deno.test("noeviction: OOM for denyoom commands, the others run", async () => {
  await withEviction("noeviction", async (redix, conn) => {
    const { replies } = await run(
      redix,
      conn,
      Array.from({ length: TOTAL }, (_, i) => ["SET", key(i), value(i)]),
    );
    const oom = { error: "OOM command not allowed when used memory > 'maxmemory'." };
    const refused = replies.findIndex((reply) => typeof reply === "object" && reply !== null);
    assert.ok(refused > 11_000 && refused < 13_500, `refused once full (${refused})`);
    for (const reply of replies.slice(refused)) assert.deepEqual(reply, oom);
    assert.equal(await conn.command("DBSIZE"), refused);
    assert.equal(await conn.command("GET", key(0)), value(0));
    assert.deepEqual(await conn.command("SET", "other", "x"), oom);
    assert.deepEqual(await conn.command("APPEND", key(0), "x"), oom);
    // MULTI: queuing is refused (and EXEC aborts), but DISCARD runs.
    assert.equal(await conn.command("MULTI"), "OK");
    assert.deepEqual(await conn.command("GET", key(0)), oom);
    assert.deepEqual(await conn.command("EXEC"), {
      error: "EXECABORT Transaction discarded because of previous errors.",
    });
    // Not denyoom: deleting frees memory, and then writes run again.
    assert.equal(await conn.command("DEL", key(0), key(1), key(2)), 3);
    assert.equal(await conn.command("SET", "other", "x"), "OK");
    assert.equal(infoField(await conn.command("INFO", "stats"), "evicted_keys"), 0);
  });
});

Deno.test("CONFIG SET maxmemory lower evicts at once; 0 turns the limit off", async () => {
  await withEviction("allkeys-random", async (redix, conn) => {
    await run(redix, conn, Array.from({ length: 5000 }, (_, i) => ["SET", key(i), value(i)]));
    assert.equal(await conn.command("DBSIZE"), 5000);
    assert.equal(await conn.command("CONFIG", "SET", "maxmemory", "10mb"), "OK");
    // As Redis, the eviction goes on in the background (maxmemory-eviction-tenacity slices): each
    // command lets it run, and the next write would evict too.
    let used = Infinity;
    for (let i = 0; i < 10_000 && used > 10 * 1024 * 1024; i++) {
      used = infoField(await conn.command("INFO", "memory"), "used_memory");
    }
    assert.ok(used <= 10 * 1024 * 1024, `${used}`);
    const size = await conn.command("DBSIZE") as number;
    assert.ok(size > 2000 && size < 2700, `${size}`);
    assert.equal(await conn.command("CONFIG", "SET", "maxmemory", "0"), "OK");
    assert.equal(redix.server.eviction.used(), 0);
    assert.equal(await conn.command("CONFIG", "SET", "maxmemory", "50mb"), "OK");
    assert.ok(Math.abs(redix.server.eviction.used() - used) < 1024, "measured again from the keys");
  });
});

Deno.test("in-place growth is measured: APPEND and RPUSH count towards maxmemory", async () => {
  await withEviction("allkeys-lru", async (redix, conn) => {
    assert.equal(await conn.command("SET", "s", "x"), "OK");
    const before = redix.server.eviction.used();
    for (let i = 0; i < 10; i++) await conn.command("APPEND", "s", "y".repeat(100_000));
    assert.ok(redix.server.eviction.used() - before >= 1_000_000);
    const beforeList = redix.server.eviction.used();
    for (let i = 0; i < 10; i++) await conn.command("RPUSH", "l", "a", "b", "c");
    assert.ok(redix.server.eviction.used() - beforeList >= 30 * 48);
    assert.equal(await conn.command("DEL", "s", "l"), 2);
    assert.ok(redix.server.eviction.used() < before);
  });
});
