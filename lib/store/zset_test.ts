import assert from "node:assert/strict";
import { mulberry32 } from "../../tests/prng.ts";
import { Config } from "../config.ts";
import { LEX_MAX, LEX_MIN, type LexBound, type LexRange, type ScoreRange, SortedSetValue } from "./zset.ts";

function configWith(entries: number, value: number): Config {
  const config = new Config();
  assert.equal(
    config.configSet([
      "zset-max-listpack-entries",
      String(entries),
      "zset-max-listpack-value",
      String(value),
    ]),
    null,
  );
  return config;
}

type Entry = [member: string, score: number];

function compare([ma, sa]: Entry, [mb, sb]: Entry): number {
  return sa !== sb ? sa - sb : ma < mb ? -1 : ma > mb ? 1 : 0;
}

/** The obvious model: every member and score in a sorted array. */
class Model {
  entries: Entry[] = [];

  index(member: string): number {
    return this.entries.findIndex(([m]) => m === member);
  }

  set(member: string, score: number): void {
    const i = this.index(member);
    if (i !== -1) this.entries.splice(i, 1);
    const at = this.entries.findIndex((e) => compare(e, [member, score]) > 0);
    this.entries.splice(at === -1 ? this.entries.length : at, 0, [member, score]);
  }

  /** Ranks [start, end) of the entries for which `inRange` holds (a contiguous run). */
  ranks(inRange: (e: Entry) => boolean): [number, number] {
    const start = this.entries.findIndex(inRange);
    if (start === -1) return [0, 0];
    let end = start;
    while (end < this.entries.length && inRange(this.entries[end])) end++;
    return [start, end];
  }
}

function inScoreRange({ min, max, minExclusive, maxExclusive }: ScoreRange) {
  return ([, score]: Entry) =>
    (minExclusive ? score > min : score >= min) && (maxExclusive ? score < max : score <= max);
}

function inLexRange({ min, max, minExclusive, maxExclusive }: LexRange) {
  const aboveMin = (m: string) => min === LEX_MIN || (min !== LEX_MAX && (minExclusive ? m > min : m >= min));
  const belowMax = (m: string) => max === LEX_MAX || (max !== LEX_MIN && (maxExclusive ? m < max : m <= max));
  return ([m]: Entry) => aboveMin(m) && belowMax(m);
}

/** Empty ranges come back as [start, start] at any position; compare their lengths only. */
function assertSameRanks(actual: [number, number], expected: [number, number], what: string): void {
  if (expected[1] === expected[0]) assert.equal(actual[1] - actual[0], 0, what);
  else assert.deepEqual(actual, expected, what);
}

interface ModelRun {
  seed: number;
  /** zset-max-listpack-entries; 0 keeps -0 scores as they are from the start. */
  listpackEntries: number;
  /** Entries per tree node; small ones make the model's few hundred members a deep tree. */
  nodeSize?: number;
  /** Scores drawn now and then besides small integers. */
  scores: number[];
  /** Whether one rank range deleted in 20 may be up to 100 long rather than 5. */
  longRuns?: boolean;
}

function agreesWithModel({ seed, listpackEntries, nodeSize, scores, longRuns }: ModelRun): void {
  const random = mulberry32(seed);
  const config = configWith(listpackEntries, 64);
  const zset = new SortedSetValue(nodeSize);
  const model = new Model();
  const int = (n: number) => Math.floor(random() * n);
  // Few distinct scores, so equal scores (ordered by member) are common.
  const SCORES = scores;
  const score = () => random() < 0.1 ? SCORES[int(SCORES.length)] : int(40) - 20;
  const member = () =>
    String.fromCharCode(int(256), int(256)).slice(0, 1 + int(2)) + (random() < 0.5 ? "" : "x");
  const bound = () => random() < 0.1 ? SCORES[int(2)] : int(44) - 22 + (random() < 0.2 ? 0.5 : 0);
  let listpack = true;
  for (let step = 0; step < 100_000; step++) {
    const r = random();
    const n = model.entries.length;
    if (r < 0.45) {
      const m = member();
      const s = score();
      if (zset.score(m) === undefined) {
        if (n + 1 > listpackEntries || m.length > 64) listpack = false;
        zset.insert(m, s, config);
      } else {
        zset.updateScore(m, s);
      }
      model.set(m, s);
    } else if (r < 0.55) {
      const m = random() < 0.7 && n > 0 ? model.entries[int(n)][0] : member();
      const i = model.index(m);
      assert.equal(zset.delete(m), i !== -1);
      if (i !== -1) model.entries.splice(i, 1);
    } else if (r < 0.65) {
      const m = random() < 0.8 && n > 0 ? model.entries[int(n)][0] : member();
      const i = model.index(m);
      assert.equal(zset.rank(m), i);
      assert.equal(zset.rank(m, true), i === -1 ? -1 : n - 1 - i);
      assert.equal(zset.score(m), i === -1 ? undefined : model.entries[i][1]);
      // A listpack has no member table: its random member comes from a rank.
      assert.equal(zset.hashtable() === undefined, listpack);
      if (n > 0) assert.notEqual(model.index(zset.random()), -1);
    } else if (r < 0.75) {
      if (n === 0) continue;
      const start = int(n);
      const end = Math.min(n - 1, start + int(6));
      const reverse = random() < 0.5;
      const seen: Entry[] = [];
      zset.visitRanks(start, end, reverse, (m, s) => seen.push([m, s]));
      const expected = model.entries.slice(start, end + 1);
      assert.deepEqual(seen, reverse ? expected.reverse() : expected);
    } else if (r < 0.9) {
      const [a, b] = [bound(), bound()];
      const range = { min: a, max: b, minExclusive: random() < 0.5, maxExclusive: random() < 0.5 };
      assertSameRanks(zset.scoreRanks(range), model.ranks(inScoreRange(range)), JSON.stringify(range));
    } else if (r < 0.97) {
      if (n === 0) continue;
      const start = int(n);
      const end = Math.min(n - 1, start + (longRuns && random() < 0.05 ? int(100) : int(4)));
      assert.deepEqual(zset.deleteRange(start, end), model.entries.splice(start, end - start + 1));
    } else {
      assert.deepEqual([...zset.entries()], model.entries);
      assert.deepEqual([...zset.reverseEntries()], [...model.entries].reverse());
      assert.equal(zset.encoding(), listpack ? "listpack" : "skiplist");
    }
    assert.equal(zset.size, model.entries.length);
  }
  assert.equal(listpack, false, "the set grew past the listpack limit");
}

Deno.test("SortedSetValue agrees with a sorted-array model over 100,000 seeded random operations", () => {
  agreesWithModel({
    seed: 0x25e7,
    listpackEntries: 128,
    scores: [-Infinity, Infinity, -2.5, 0.1, 1e-300],
  });
});

Deno.test("the same with nodes of 4 and 7: deep trees, -0 beside 0, runs deleted across many leaves", () => {
  for (const nodeSize of [4, 7]) {
    agreesWithModel({
      seed: 0x7ee + nodeSize,
      listpackEntries: 0,
      nodeSize,
      scores: [-Infinity, Infinity, -2.5, 0.1, 1e-300, -0],
      longRuns: true,
    });
  }
});

Deno.test("deep tree: every rank, both walks, removals at both ends and in bulk, emptied and refilled", () => {
  const config = new Config();
  const zset = new SortedSetValue(4);
  const random = mulberry32(0xdee9);
  const model: Entry[] = [];
  const fill = (count: number) => {
    for (let i = 0; i < count; i++) {
      const member = `m${Math.floor(random() * 1e6)}`;
      const score = Math.floor(random() * 50) - 25;
      if (zset.score(member) !== undefined) continue;
      zset.insert(member, score, config);
      model.push([member, score]);
    }
    model.sort(compare);
  };
  const agree = () => {
    assert.equal(zset.size, model.length);
    assert.deepEqual([...zset.entries()], model);
    assert.deepEqual([...zset.reverseEntries()], [...model].reverse());
    model.forEach(([member], i) => assert.equal(zset.rank(member), i));
    if (model.length === 0) return;
    const forward: Entry[] = [];
    zset.visitRanks(0, model.length - 1, false, (m, s) => forward.push([m, s]));
    assert.deepEqual(forward, model);
    const backward: Entry[] = [];
    zset.visitRanks(0, model.length - 1, true, (m, s) => backward.push([m, s]));
    assert.deepEqual(backward, [...model].reverse());
    const all = { min: -Infinity, max: Infinity, minExclusive: false, maxExclusive: false };
    assert.deepEqual(zset.scoreRanks(all), [0, model.length]);
    const zero = { min: 0, max: 0, minExclusive: false, maxExclusive: false };
    const sorted = new Model();
    sorted.entries = model;
    assertSameRanks(zset.scoreRanks(zero), sorted.ranks(inScoreRange(zero)), "score 0");
  };
  fill(3000);
  agree();
  const copy = zset.clone();
  const copied = [...zset.entries()];
  assert.deepEqual(zset.deleteRange(0, 99), model.splice(0, 100));
  assert.deepEqual(zset.deleteRange(zset.size - 100, zset.size - 1), model.splice(model.length - 100, 100));
  assert.deepEqual(zset.deleteRange(500, 1999), model.splice(500, 1500));
  agree();
  for (const [member] of model.splice(0, 300)) assert.ok(zset.delete(member));
  agree();
  assert.deepEqual(zset.deleteRange(0, zset.size - 1), model.splice(0));
  agree();
  fill(500);
  agree();
  // The copy was deep: untouched by all of that, and whole itself.
  assert.deepEqual([...copy.entries()], copied);
  assert.deepEqual([...copy.reverseEntries()], copied.reverse());
  copied.forEach(([member, score], i) => {
    assert.equal(copy.score(member), score);
    assert.equal(copy.rank(member, true), i);
  });
});

Deno.test("lex ranges over members of one score", () => {
  const random = mulberry32(0x1e4);
  const config = new Config();
  const zset = new SortedSetValue();
  const model = new Model();
  const int = (n: number) => Math.floor(random() * n);
  const text = () =>
    ["", "a", "b", "ab", "b\0", "\xff", "c", "ca", "d"][int(9)] + (random() < 0.5 ? "" : String(int(3)));
  const bound = (): LexBound => random() < 0.15 ? (random() < 0.5 ? LEX_MIN : LEX_MAX) as LexBound : text();
  for (let step = 0; step < 20_000; step++) {
    const m = text();
    if (random() < 0.6) {
      if (zset.score(m) === undefined) zset.insert(m, 7, config);
      model.set(m, 7);
    } else if (zset.delete(m)) {
      model.entries.splice(model.index(m), 1);
    }
    const range: LexRange = {
      min: bound(),
      max: bound(),
      minExclusive: random() < 0.5,
      maxExclusive: random() < 0.5,
    };
    assertSameRanks(zset.lexRanks(range), model.ranks(inLexRange(range)), String(step));
  }
});

Deno.test("convertToListpackIfNeeded: a small skip list becomes a listpack and its -0 scores 0", () => {
  const config = configWith(3, 4);
  const built = () => {
    const zset = new SortedSetValue();
    zset.convertToSkiplist();
    zset.insert("a", -0, config);
    zset.insert("b", 2, config);
    return zset;
  };
  const small = built();
  assert.ok(Object.is(small.score("a"), -0));
  small.convertToListpackIfNeeded(config);
  assert.equal(small.encoding(), "listpack");
  assert.ok(Object.is(small.score("a"), 0));
  const entries: [string, number][] = [];
  small.visitRanks(0, 1, false, (member, score) => entries.push([member, score]));
  assert.deepEqual(entries, [["a", 0], ["b", 2]]);
  // Too many members, or one too long: a skip list, -0 kept.
  const many = built();
  many.insert("c", 3, config);
  many.insert("d", 4, config);
  many.convertToListpackIfNeeded(config);
  assert.equal(many.encoding(), "skiplist");
  assert.ok(Object.is(many.score("a"), -0));
  const long = built();
  long.insert("abcde", 3, config);
  long.convertToListpackIfNeeded(config);
  assert.equal(long.encoding(), "skiplist");
  const empty = new SortedSetValue();
  empty.convertToSkiplist();
  empty.convertToListpackIfNeeded(config);
  assert.equal(empty.size, 0);
});

Deno.test("encoding: listpack until an entry or member limit is passed, never back; -0 in a listpack", () => {
  const config = configWith(3, 4);
  const small = new SortedSetValue();
  for (const m of ["a", "b", "c"]) small.insert(m, 1, config);
  assert.equal(small.encoding(), "listpack");
  small.insert("d", 1, config);
  assert.equal(small.encoding(), "skiplist");
  small.delete("d");
  small.delete("c");
  assert.equal(small.encoding(), "skiplist");
  const long = new SortedSetValue();
  long.insert("abcde", 1, config);
  assert.equal(long.encoding(), "skiplist");
  const none = new SortedSetValue();
  none.insert("a", 1, configWith(0, 64));
  assert.equal(none.encoding(), "skiplist");
  // A listpack keeps a score as text, where -0 reads back as 0; a skip list keeps the double.
  const lp = new SortedSetValue();
  lp.insert("z", -0, config);
  assert.ok(Object.is(lp.score("z"), 0));
  assert.ok(Object.is(none.score("a"), 1));
  none.updateScore("a", -0);
  assert.ok(Object.is(none.score("a"), -0));
});

Deno.test("clone is deep and keeps the encoding; random members and scans cover the set", () => {
  const config = configWith(16, 64);
  for (const size of [10, 500]) {
    const zset = new SortedSetValue();
    for (let i = 0; i < size; i++) zset.insert(`m${i}`, i % 7, config);
    const copy = zset.clone();
    assert.equal(copy.encoding(), zset.encoding());
    assert.deepEqual([...copy.entries()], [...zset.entries()]);
    copy.delete("m1");
    assert.equal(zset.score("m1"), 1);
    const seen = new Set<string>();
    let cursor = 0;
    do cursor = zset.scan(cursor, (m) => seen.add(m)); while (cursor !== 0);
    assert.equal(seen.size, size);
    for (const count of [1, 3, size - 1]) {
      const picked = zset.distinctRandom(count);
      assert.equal(new Set(picked).size, count);
      if (zset.isListpack) {
        assert.deepEqual(picked, [...picked].sort((a, b) => zset.rank(a) - zset.rank(b)));
      }
    }
    assert.ok(zset.score(zset.random()) !== undefined);
  }
});

Deno.test("1,000,000 ZADD-style inserts stay O(log n)", () => {
  const config = new Config();
  const zset = new SortedSetValue();
  const random = mulberry32(1);
  const started = performance.now();
  for (let i = 0; i < 1_000_000; i++) zset.insert(`member:${i}`, Math.floor(random() * 1e6), config);
  const elapsed = performance.now() - started;
  console.log(`1M inserts: ${elapsed.toFixed(0)} ms`);
  assert.equal(zset.size, 1_000_000);
  zset.visitRanks(500_000, 500_000, false, (member) => assert.equal(zset.rank(member), 500_000));
  // Generous: the point is catching an O(n) insert, which would take minutes.
  assert.ok(elapsed < 20_000, `${elapsed} ms`);
});

Deno.test("a listpack's random member is any of its members, each about as often", () => {
  const config = new Config();
  const zset = new SortedSetValue(4);
  for (let i = 0; i < 10; i++) zset.insert(`m${i}`, i % 3, config);
  assert.equal(zset.encoding(), "listpack");
  const seen = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const member = zset.random();
    seen.set(member, (seen.get(member) ?? 0) + 1);
  }
  assert.equal(seen.size, 10);
  for (const count of seen.values()) assert.ok(count > 700 && count < 1300, `${count} of 10,000 draws`);
});
