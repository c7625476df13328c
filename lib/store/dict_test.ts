import assert from "node:assert/strict";
import { Dict, hashOf, primeHash } from "./dict.ts";
import { mulberry32 } from "../../tests/prng.ts";

/** Binary strings: the empty string, every single byte, then random byte strings. */
function binaryKeys(random: () => number, count: number): string[] {
  const keys = new Set<string>([""]);
  for (let b = 0; b < 256; b++) keys.add(String.fromCharCode(b));
  while (keys.size < count) {
    const length = 1 + Math.floor(random() * 24);
    let key = "";
    for (let i = 0; i < length; i++) key += String.fromCharCode(Math.floor(random() * 256));
    keys.add(key);
  }
  return [...keys];
}

function assertSameAs(dict: Dict<number>, model: Map<string, number>): void {
  assert.equal(dict.size, model.size);
  const seen = new Map<string, number>();
  for (const [key, value] of dict.entries()) {
    assert.ok(!seen.has(key), `entries() repeated ${JSON.stringify(key)}`);
    seen.set(key, value);
  }
  assert.deepEqual(seen, model);
  assert.deepEqual(new Set(dict.keys()), new Set(model.keys()));
  for (const [key, value] of model) assert.equal(dict.get(key), value);
}

Deno.test("Dict matches a Map over 100,000 random operations", () => {
  const random = mulberry32(12345);
  const pool = binaryKeys(random, 6000);
  const dict = new Dict<number>();
  const model = new Map<string, number>();
  for (let op = 0; op < 100_000; op++) {
    // Alternate insert-heavy and delete-heavy phases so the table grows and shrinks repeatedly.
    const growing = Math.floor(op / 10_000) % 2 === 0;
    const setShare = growing ? 0.6 : 0.02;
    const deleteShare = growing ? 0.1 : 0.6;
    const key = pool[Math.floor(random() * pool.length)];
    const r = random();
    if (r < 0.0002) {
      dict.clear();
      model.clear();
    } else if (r < setShare / 4) {
      // add: inserts, but leaves a present key's value as it was.
      const slot = dict.add(key, op);
      if (!model.has(key)) model.set(key, op);
      assert.equal(dict.valueAt(slot), model.get(key));
    } else if (r < setShare) {
      dict.set(key, op);
      model.set(key, op);
    } else if (r < setShare + deleteShare) {
      assert.equal(dict.delete(key), model.delete(key));
    } else if (r < setShare + deleteShare + 0.1) {
      assert.equal(dict.has(key), model.has(key));
    } else {
      assert.equal(dict.get(key), model.get(key));
    }
    if (op % 1000 === 999) assertSameAs(dict, model);
  }
  assertSameAs(dict, model);
});

Deno.test("Dict keys may be any string, including the empty one", () => {
  const dict = new Dict<string>();
  for (const key of ["", "\0", "\xff", "a\0b", "\u20ac", "\ud800"]) dict.set(key, key);
  assert.equal(dict.size, 6);
  for (const key of ["", "\0", "\xff", "a\0b", "\u20ac", "\ud800"]) assert.equal(dict.get(key), key);
  assert.equal(dict.get("a"), undefined);
  assert.equal(dict.has("\0\0"), false);
  dict.set("", "again");
  assert.equal(dict.size, 6);
  assert.equal(dict.get(""), "again");
});

Deno.test("Dict.scan without changes returns every key exactly once", () => {
  for (const n of [0, 1, 5, 100, 4097]) {
    const dict = new Dict<number>();
    for (let i = 0; i < n; i++) dict.set(`k${i}`, i);
    const seen = new Map<string, number>();
    let cursor = 0;
    do {
      cursor = dict.scan(cursor, (key) => seen.set(key, (seen.get(key) ?? 0) + 1));
      assert.ok(cursor >= 0 && Number.isInteger(cursor));
    } while (cursor !== 0);
    assert.equal(seen.size, n);
    for (const times of seen.values()) assert.equal(times, 1);
  }
});

/**
 * Scans while the table grows and shrinks between calls; returns how many
 * entries the scan visited in all and checks that every stable key was seen.
 */
function scanThroughResizes(seed: number, stableCount: number, churnPeak: number): number {
  const random = mulberry32(seed);
  const dict = new Dict<number>();
  const stable: string[] = [];
  for (let i = 0; i < stableCount; i++) {
    stable.push(`stable:${i}`);
    dict.set(`stable:${i}`, i);
  }
  // Present at the start, deleted during the scan: may or may not be returned.
  for (let i = 0; i < stableCount; i++) dict.set(`doomed:${i}`, i);
  const seen = new Set<string>();
  let visits = 0;
  let peak = dict.size;
  let churn = 0;
  let growing = true;
  let doomed = stableCount;
  let cursor = 0;
  let calls = 0;
  let grew = 0;
  let shrank = 0;
  do {
    cursor = dict.scan(cursor, (key) => {
      seen.add(key);
      visits++;
    });
    calls++;
    assert.ok(calls < 10_000_000, "scan does not terminate");
    if (doomed > 0 && random() < 0.5) dict.delete(`doomed:${--doomed}`);
    // Big swings: from stableCount up to churnPeak extra keys (the table grows
    // several times) and back to none (it shrinks several times), at random pace.
    const buckets = dict.bucketCount;
    const step = 1 + Math.floor(random() * 64);
    for (let i = 0; i < step; i++) {
      if (growing) {
        dict.set(`churn:${churn++}`, 0);
        if (churn === churnPeak) growing = false;
      } else {
        dict.delete(`churn:${--churn}`);
        if (churn === 0) growing = true;
      }
    }
    if (dict.size > peak) peak = dict.size;
    if (dict.bucketCount > buckets) grew++;
    if (dict.bucketCount < buckets) shrank++;
  } while (cursor !== 0);
  assert.ok(grew >= 3 && shrank >= 3, `only ${grew} growths and ${shrank} shrinks during the scan`);
  for (const key of stable) assert.ok(seen.has(key), `scan missed ${key}`);
  return visits / peak;
}

Deno.test("Dict.scan returns every key present throughout, across growth and shrinking", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const ratio = scanThroughResizes(seed, 100 + seed * 20, 5000 + seed * 1000);
    // Not a timing assert: the scan's work stays proportional to the dict's size.
    assert.ok(ratio <= 2, `seed ${seed}: ${ratio} visits per key`);
  }
});

Deno.test("Dict.scan takes any unsigned 32-bit cursor and only uses the bits its table needs", () => {
  const dict = new Dict<number>();
  for (let i = 0; i < 1000; i++) dict.set(`k${i}`, i);
  assert.equal(dict.scan(0xffffffff, () => {}), 0);
  let cursor = 0;
  do {
    const keys: string[] = [];
    const highKeys: string[] = [];
    const next = dict.scan(cursor, (key) => keys.push(key));
    assert.equal(dict.scan(cursor + 0x80000000, (key) => highKeys.push(key)), next);
    assert.deepEqual(highKeys, keys);
    assert.ok(next >= 0 && next < dict.bucketCount);
    cursor = next;
  } while (cursor !== 0);
});

Deno.test("Dict.randomKey returns present keys, every one of them", () => {
  const dict = new Dict<number>();
  assert.equal(dict.randomKey(), undefined);
  for (let i = 0; i < 100; i++) dict.set(`key:${i}`, i);
  const counts = new Map<string, number>();
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const key = dict.randomKey();
    assert.ok(key !== undefined && dict.has(key));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 100);
  // A loose chi-square: with 99 degrees of freedom a uniform draw stays near 99
  // (above 200 with odds under 1e-8); a sampler biased by bucket layout lands in the thousands.
  const expected = draws / 100;
  let chi2 = 0;
  for (const observed of counts.values()) chi2 += (observed - expected) ** 2 / expected;
  assert.ok(chi2 < 200, `chi-square ${chi2}`);

  dict.clear();
  assert.equal(dict.randomKey(), undefined);
});

Deno.test("Dict.randomKey stays correct on a dict that was large", () => {
  const dict = new Dict<number>();
  for (let i = 0; i < 100_000; i++) dict.set(`key:${i}`, i);
  for (let i = 10; i < 100_000; i++) dict.delete(`key:${i}`);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const key = dict.randomKey();
    assert.ok(key !== undefined && dict.has(key));
    seen.add(key);
  }
  assert.equal(seen.size, 10);
});

Deno.test("Dict.sample visits distinct present entries", () => {
  const dict = new Dict<number>();
  let visited = 0;
  dict.sample(5, () => visited++);
  assert.equal(visited, 0);
  for (let i = 0; i < 1000; i++) dict.set(`key:${i}`, i);
  for (let round = 0; round < 100; round++) {
    const seen = new Set<string>();
    dict.sample(20, (key, value) => {
      assert.equal(dict.get(key), value);
      seen.add(key);
      visited++;
    });
    assert.ok(seen.size >= 1 && seen.size <= 20);
    assert.equal(seen.size, visited);
    visited = 0;
  }
  const all = new Set<string>();
  dict.clear();
  dict.set("only", 1);
  dict.sample(20, (key) => all.add(key));
  assert.deepEqual(all, new Set(["only"]));
});

Deno.test("Dict shrinks its buckets after deleting almost everything from 1M entries", () => {
  const dict = new Dict<number>();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) dict.set(`key:${String(i).padStart(12, "0")}`, i);
  assert.equal(dict.size, n);
  assert.ok(dict.bucketCount >= n);
  for (let i = 0; i < n; i++) assert.equal(dict.get(`key:${String(i).padStart(12, "0")}`), i);
  for (let i = 100; i < n; i++) assert.ok(dict.delete(`key:${String(i).padStart(12, "0")}`));
  assert.equal(dict.size, 100);
  assert.ok(dict.bucketCount <= 1024, `${dict.bucketCount} buckets for 100 keys`);
  for (let i = 0; i < 100; i++) assert.equal(dict.get(`key:${String(i).padStart(12, "0")}`), i);
  assert.equal(dict.get(`key:${String(100).padStart(12, "0")}`), undefined);
  assert.equal([...dict.keys()].length, 100);
});

Deno.test("Dict stamps and sizes stay with their entries through growth, shrinking and reused slots", () => {
  const random = mulberry32(99);
  const dict = new Dict<number>(true);
  const model = new Map<string, [stamp: number, size: number]>();
  assert.equal(dict.find("nope"), 0);
  assert.equal(dict.valueAt(0), undefined);
  for (let op = 0; op < 50_000; op++) {
    const key = `k${Math.floor(random() * 4000)}`;
    // Insert-heavy and delete-heavy phases, so the table grows, shrinks and reuses freed slots.
    const growing = Math.floor(op / 5000) % 2 === 0;
    if (random() < (growing ? 0.8 : 0.1)) {
      const isNew = !model.has(key);
      const slot = dict.set(key, op);
      // A new entry starts with size 0, even in a slot an old entry with a size left.
      if (isNew) assert.equal(dict.sizeAt(slot), 0);
      const stamp = (random() * 0x100000000) >>> 0;
      const size = random() < 0.5 ? op : dict.sizeAt(slot);
      dict.setStamp(slot, stamp);
      dict.setSize(slot, size);
      model.set(key, [stamp, size]);
    } else {
      dict.delete(key);
      model.delete(key);
    }
  }
  assert.equal(dict.size, model.size);
  for (const [key, [stamp, size]] of model) {
    const slot = dict.find(key);
    assert.notEqual(slot, 0);
    assert.equal(dict.stampAt(slot), stamp);
    assert.equal(dict.sizeAt(slot), size);
    assert.equal(dict.valueAt(slot), dict.get(key));
  }
});

Deno.test("Dict.chainLengths counts every bucket and every entry once", () => {
  const dict = new Dict<number>();
  assert.deepEqual(dict.chainLengths(), [4]);
  for (let i = 0; i < 1000; i++) dict.set(`k${i}`, i);
  const histogram = dict.chainLengths();
  assert.equal(histogram.reduce((a, b) => a + b, 0), dict.bucketCount);
  assert.equal(histogram.reduce((sum, buckets, length) => sum + buckets * length, 0), 1000);
  assert.ok(histogram[histogram.length - 1] > 0, "the last length is the longest chain");
  for (let i = 0; i < 990; i++) dict.delete(`k${i}`);
  const after = dict.chainLengths();
  assert.equal(after.reduce((sum, buckets, length) => sum + buckets * length, 0), 10);
  assert.equal(after.reduce((a, b) => a + b, 0), dict.bucketCount);
});

Deno.test("warm changes nothing, and a lookup primed with hashOf finds what a plain one finds", () => {
  const random = mulberry32(777);
  const pool = binaryKeys(random, 3000);
  const dict = new Dict<number>();
  const model = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const key = pool[Math.floor(random() * pool.length)];
    dict.set(key, i);
    model.set(key, i);
  }
  for (let round = 0; round < 200; round++) {
    // More than warm's scratch holds at first, so that it grows.
    const keys = Array.from(
      { length: 1 + Math.floor(random() * 100) },
      () => pool[Math.floor(random() * pool.length)],
    );
    const hashes = Int32Array.from(keys, hashOf);
    assert.equal(typeof dict.warm(hashes, keys.length), "number");
    assert.equal(typeof dict.warm(hashes, keys.length, (value) => value), "number");
    for (let i = 0; i < keys.length; i++) {
      primeHash(keys[i], hashes[i]);
      assert.equal(dict.get(keys[i]), model.get(keys[i]));
    }
  }
  assertSameAs(dict, model);
});

Deno.test("a dict's number column follows its entries through growth, shrinking and slot reuse", () => {
  const dict = new Dict<true>(false, true);
  const model = new Map<string, number>();
  const random = mulberry32(77);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(random() * 30_000)}`;
      const value = random() * 1e6 - 5e5;
      dict.setNumberAt(dict.set(key, true), value);
      model.set(key, value);
    }
    // Most deleted: the table shrinks and packs its slots, then fills freed ones again.
    for (const key of [...model.keys()]) {
      if (random() < 0.9) {
        assert.ok(dict.delete(key));
        model.delete(key);
      }
    }
    for (const [key, value] of model) assert.equal(dict.numberAt(dict.find(key)), value, key);
    const scanned = new Map<string, number>();
    let cursor = 0;
    do cursor = dict.scan(cursor, (key, _, slot) => scanned.set(key, dict.numberAt(slot))); while (
      cursor !== 0
    );
    assert.deepEqual(scanned, model);
  }
});
