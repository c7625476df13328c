import assert from "node:assert/strict";
import { Config } from "../config.ts";
import { Keyspace } from "../store/keyspace.ts";
import type { Database, RedisValue } from "../store/database.ts";
import { ListValue } from "../store/list.ts";
import { RawString } from "../store/raw_string.ts";
import { Snapshot, type SnapshotSink } from "./snapshot.ts";

/** A value as comparable text. */
function show(value: RedisValue): string {
  if (typeof value === "string") return `s:${value}`;
  if (value instanceof RawString) return `r:${value.toBinary()}`;
  if (value instanceof ListValue) return `l:${value.range(0, value.size - 1).join(",")}`;
  return `?:${value.type}`;
}

class FakeSink implements SnapshotSink {
  dbs = new Map<number, Map<string, string>>();
  current: Map<string, string> | undefined;
  selectDb(index: number): void {
    if (!this.dbs.has(index)) this.dbs.set(index, new Map());
    this.current = this.dbs.get(index);
  }
  entry(key: string, value: RedisValue, expireAt: number | undefined): void {
    assert.ok(this.current, "entry before selectDb");
    assert.ok(!this.current.has(key), `duplicate key ${key}`);
    this.current.set(key, `${show(value)}|${expireAt ?? ""}`);
  }
}

function contents(dbs: readonly Database[]): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const db of dbs) {
    if (db.size === 0) continue;
    const map = new Map<string, string>();
    for (const [key, value] of db.data.entries()) map.set(key, `${show(value)}|${db.expires.get(key) ?? ""}`);
    out.set(db.index, map);
  }
  return out;
}

function newKeyspace(): Keyspace {
  return new Keyspace(4, { keyExpired: () => {}, keyReady: () => {} });
}

/** A tiny PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x100000000;
  };
}

function fill(ks: Keyspace, perDb: number[]): void {
  perDb.forEach((n, index) => {
    const db = ks.dbs[index];
    for (let i = 0; i < n; i++) {
      const key = `k${i}`;
      if (i % 3 === 0) {
        const list = new ListValue();
        list.push(`a${i}`, false);
        list.push(`b${i}`, false);
        db.set(key, list);
      } else if (i % 3 === 1) {
        db.set(key, new RawString(`raw${i}`));
      } else {
        db.set(key, `v${i}`);
      }
      if (i % 5 === 0) db.setExpiry(key, Date.now() + 1_000_000 + i);
    }
    if (n > 0) db.set("", `empty key of ${index}`);
  });
}

/** One random write through the same entry points the commands use. */
function randomWrite(ks: Keyspace, random: () => number, n: number): void {
  const db = ks.dbs[Math.floor(random() * 3)];
  const key = random() < 0.01 ? "" : `k${Math.floor(random() * n * 1.2)}`;
  switch (Math.floor(random() * 9)) {
    case 0:
      db.set(key, `new${random()}`);
      break;
    case 1:
      db.delete(key);
      break;
    case 2: {
      // An in-place change, as writeTyped lets a command make.
      if (db.cow !== undefined) db.cow.before(key, true);
      const value = db.get(key);
      if (value instanceof ListValue) value.push("pushed", true);
      else if (value instanceof RawString) value.append("+");
      break;
    }
    case 3:
      if (db.has(key)) db.setExpiry(key, Date.now() + 5_000_000);
      break;
    case 4:
      if (db.has(key)) db.persist(key);
      break;
    case 5: {
      const target = `renamed${Math.floor(random() * 1000)}`;
      if (db.has(key)) {
        db.delete(target);
        db.transfer(key, db, target);
      }
      break;
    }
    case 6: {
      const other = ks.dbs[(db.index + 1) % 3];
      if (db.has(key) && !other.has(key)) db.transfer(key, other, key);
      break;
    }
    case 7:
      if (random() < 0.02) ks.dbs[0].swapWith(ks.dbs[1]);
      else db.overwrite(key, `over${random()}`);
      break;
    case 8:
      if (random() < 0.005) db.clear();
      else db.set(`fresh${random()}`, "x");
      break;
  }
}

for (
  const [name, perDb] of [["small databases", [300, 50, 0]], ["a multi-pass database", [
    70_000,
    2_000,
    10,
  ]]] as const
) {
  Deno.test(`snapshot: ${name}, interleaved writes, equals the data at the start`, () => {
    const ks = newKeyspace();
    fill(ks, [...perDb]);
    const expected = contents(ks.dbs);
    const snapshot = new Snapshot(ks.dbs);
    const sink = new FakeSink();
    const config = new Config();
    const random = prng(42);
    let steps = 0;
    while (!snapshot.step(sink, config, performance.now() + 0.05)) {
      for (let i = 0; i < 50; i++) randomWrite(ks, random, perDb[0]);
      steps++;
    }
    assert.ok(steps > 3, `walked in ${steps} steps`);
    assert.deepEqual(sink.dbs, expected);
    for (const db of ks.dbs) assert.equal(db.cow, undefined);
    // Copies are only made for keys written during the walk.
    assert.ok(snapshot.copies <= steps * 50);
  });
}

Deno.test("snapshot: an untouched database is written without copies", () => {
  const ks = newKeyspace();
  fill(ks, [1000, 0, 5]);
  const expected = contents(ks.dbs);
  const snapshot = new Snapshot(ks.dbs);
  const sink = new FakeSink();
  while (!snapshot.step(sink, new Config(), performance.now() + 0.01));
  assert.deepEqual(sink.dbs, expected);
  assert.equal(snapshot.copies, 0);
});

Deno.test("snapshot: FLUSHALL during the walk leaves the old contents to it", () => {
  const ks = newKeyspace();
  fill(ks, [5000, 100]);
  const expected = contents(ks.dbs);
  const snapshot = new Snapshot(ks.dbs);
  const sink = new FakeSink();
  snapshot.step(sink, new Config(), performance.now());
  ks.flushAll();
  ks.dbs[0].set("after", "x");
  while (!snapshot.step(sink, new Config(), performance.now() + 0.01));
  assert.deepEqual(sink.dbs, expected);
  assert.equal(snapshot.copies, 0);
});
