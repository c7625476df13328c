import assert from "node:assert/strict";
import { AccessClock } from "./access_clock.ts";
import { Database } from "./database.ts";
import { RawString } from "./raw_string.ts";
import { mulberry32 } from "../../tests/prng.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A database on a clock the test moves by hand, recording what expires. */
function database(start = 1_700_000_000_000) {
  const clock = new AccessClock(start);
  const expired: string[] = [];
  const ready: string[] = [];
  const listener = {
    keyExpired: (_db: Database, key: string) => expired.push(key),
    keyReady: (db: Database, key: string) => ready.push(`${db.index}:${key}`),
  };
  let now = start;
  return {
    db: new Database(0, listener, clock),
    other: new Database(1, listener, clock),
    clock,
    expired,
    ready,
    /** Moves the clock forward, as the server cron does. */
    advance(ms: number) {
      now += ms;
      clock.update(now);
    },
  };
}

Deno.test("reads and writes stamp a key with the LRU clock; peek does not", () => {
  const { db, advance } = database();
  db.set("k", "v");
  assert.equal(db.idleSeconds("k"), 0);
  advance(7 * SECOND);
  assert.equal(db.idleSeconds("k"), 7);
  assert.equal(db.peek("k"), "v");
  assert.equal(db.idleSeconds("k"), 7);
  assert.equal(db.get("k"), "v");
  assert.equal(db.idleSeconds("k"), 0);
  advance(3 * SECOND);
  assert.ok(db.has("k"));
  assert.equal(db.idleSeconds("k"), 0);
  advance(4 * SECOND);
  db.overwrite("k", new RawString("w"));
  assert.equal(db.idleSeconds("k"), 0);
  advance(2 * SECOND);
  db.set("k", "x");
  assert.equal(db.idleSeconds("k"), 0);
});

Deno.test("idle time wraps with the 24-bit LRU clock as Redis's estimateObjectIdleTime does", () => {
  const { db, advance } = database(0xfffffe * SECOND);
  db.set("k", "v");
  advance(3 * SECOND);
  // Redis counts LRU_CLOCK_MAX - stamp + now across the wrap: one second short.
  assert.equal(db.idleSeconds("k"), 2);
});

Deno.test("under an LFU policy keys start at 5, accesses raise the counter and idle minutes decay it", () => {
  const { db, clock, advance } = database();
  clock.lfu = true;
  db.set("k", "v");
  assert.equal(db.frequency("k"), 5);
  db.peek("k");
  assert.equal(db.frequency("k"), 5);
  // From the initial value the first access always counts.
  db.get("k");
  assert.equal(db.frequency("k"), 6);
  // With lfu-log-factor 0 every access counts, up to 255.
  clock.lfuLogFactor = 0;
  for (let i = 0; i < 300; i++) db.get("k");
  assert.equal(db.frequency("k"), 255);
  advance(10 * MINUTE);
  assert.equal(db.frequency("k"), 245);
  clock.lfuDecayTime = 4;
  assert.equal(db.frequency("k"), 253);
  clock.lfuDecayTime = 0;
  assert.equal(db.frequency("k"), 255);
  clock.lfuDecayTime = 1;
  // An overwrite is an access, and the new value inherits the counter, as in Redis.
  db.set("k", "w");
  assert.equal(db.frequency("k"), 246);
  db.set("fresh", "v");
  assert.equal(db.frequency("fresh"), 5);
  advance(300 * MINUTE);
  assert.equal(db.frequency("fresh"), 0);
});

Deno.test("transfer moves the value, its TTL and its stamp", () => {
  const { db, other, advance } = database();
  const value = new RawString("v");
  db.set("k", value);
  db.setExpiry("k", Date.now() + 60_000);
  advance(5 * SECOND);
  db.transfer("k", other, "k2");
  assert.equal(db.peek("k"), undefined);
  assert.equal(db.expiryOf("k"), undefined);
  assert.equal(other.peek("k2"), value);
  assert.ok(other.expiryOf("k2")! > Date.now());
  assert.equal(other.idleSeconds("k2"), 5);
  other.set("plain", "p");
  other.transfer("plain", other, "renamed");
  assert.equal(other.expiryOf("renamed"), undefined);
  assert.deepEqual([...other.data.keys()].sort(), ["k2", "renamed"]);
});

Deno.test("swapWith exchanges keys, TTLs and the expiry walk, not the Database objects", () => {
  const { db, other } = database();
  db.set("a", "1");
  db.setExpiry("a", Date.now() + 60_000);
  other.set("b", "2");
  db.swapWith(other);
  assert.equal(db.index, 0);
  assert.equal(db.get("b"), "2");
  assert.equal(db.get("a"), undefined);
  assert.equal(other.get("a"), "1");
  assert.ok(other.expiryOf("a") !== undefined);
  assert.equal(db.expires.size, 0);
});

Deno.test("randomKey deletes the expired keys it draws and returns a live one", () => {
  const { db, expired } = database();
  assert.equal(db.randomKey(), undefined);
  for (let i = 0; i < 100; i++) {
    db.set(`gone:${i}`, "v");
    db.setExpiry(`gone:${i}`, Date.now() - 1);
  }
  db.set("live", "v");
  for (let i = 0; i < 20; i++) assert.equal(db.randomKey(), "live");
  assert.ok(expired.length > 0 && expired.every((key) => key.startsWith("gone:")));
  assert.equal(db.size + expired.length, 101);
  for (const key of [...db.data.keys()]) if (key !== "live") db.delete(key);
  assert.equal(db.randomKey(), "live");
  db.setExpiry("live", Date.now() - 1);
  assert.equal(db.randomKey(), undefined);
  assert.equal(db.size, 0);
});

Deno.test("a waited key reports ready when it gets a value by any route, other keys never", () => {
  const { db, other, ready } = database();
  db.waitedKeys.add("w");
  other.waitedKeys.add("w");
  db.set("k", "v");
  assert.deepEqual(ready, []);
  db.set("w", "1");
  db.overwrite("w", "2");
  assert.deepEqual(ready, ["0:w", "0:w"]);
  ready.length = 0;
  db.transfer("w", other, "w");
  assert.deepEqual(ready, ["1:w"]);
  ready.length = 0;
  db.swapWith(other);
  assert.deepEqual(ready, ["0:w"]);
});

Deno.test("keyAdded hears of keys new to a database only, expired ones included, while it is set", () => {
  const { db, other } = database(Date.now());
  const added: string[] = [];
  db.set("before", "v");
  db.keyAdded = other.keyAdded = (target, key) => added.push(`${target.index}:${key}`);
  db.set("k", "v");
  db.overwrite("k", "w");
  db.set("gone", "v");
  db.setExpiry("gone", Date.now() - 1);
  db.set("gone", "again");
  db.transfer("k", other, "moved");
  db.keyAdded = undefined;
  db.set("after", "v");
  assert.deepEqual(added, ["0:k", "0:gone", "0:gone", "1:moved"]);
});

Deno.test("keys read ahead with warmKeys are found as plain lookups find them, chunk after chunk", () => {
  const { db } = database();
  const random = mulberry32(2024);
  const model = new Map<string, string>();
  for (let i = 0; i < 3000; i++) {
    const key = `k${i}`;
    db.set(key, `v${i}`);
    model.set(key, `v${i}`);
    // Some keys with a TTL, some of them past it by the time they are read: expiry reads them first.
    if (i % 7 === 0) db.setExpiry(key, Date.now() + (i % 2 === 0 ? -SECOND : MINUTE));
    if (i % 7 === 0 && i % 2 === 0) model.delete(key);
  }
  for (let round = 0; round < 100; round++) {
    // MGET-style (step 1) or MSET-style (keys at every other slot), many chunks long, absent keys included.
    const step = 1 + (round % 2);
    const argv = ["CMD"];
    const keys = 1 + Math.floor(random() * 150);
    for (let i = 0; i < keys; i++) {
      argv.push(`k${Math.floor(random() * 4000)}`);
      if (step === 2) argv.push("value");
    }
    db.warmKeys(1, step, round % 3 === 0);
    // Twice over, as MSETNX checks every key and then sets them.
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < keys; i++) {
        db.primeWarmedKey(argv, 1 + i * step);
        const key = argv[1 + i * step];
        assert.equal(db.get(key), model.get(key), key);
      }
    }
  }
});
