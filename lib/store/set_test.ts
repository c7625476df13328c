import assert from "node:assert/strict";
import { mulberry32 } from "../../tests/prng.ts";
import { isIntsetMember, SetValue } from "./set.ts";

const MAX_INTSET = 512;

function numericOrder(members: string[]): string[] {
  return [...members].sort((a, b) => {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

Deno.test("SetValue agrees with a Set model over 100,000 seeded random operations", () => {
  const random = mulberry32(20261125);
  const set = new SetValue();
  const model = new Set<string>();
  // Mostly integers, so the set often stays an intset; the rest are binary strings.
  const member = () => {
    const r = random();
    if (r < 0.7) return String(Math.floor(random() * 2000) - 1000);
    if (r < 0.72) return random() < 0.5 ? "9223372036854775807" : "-9223372036854775808";
    return String.fromCharCode(Math.floor(random() * 256), Math.floor(random() * 256));
  };
  let intset = true;
  for (let step = 0; step < 100_000; step++) {
    const r = random();
    if (r < 0.5) {
      const m = member();
      const added = set.add(m, MAX_INTSET);
      assert.equal(added, !model.has(m));
      model.add(m);
      if (added && (!isIntsetMember(m) || model.size > MAX_INTSET)) intset = false;
    } else if (r < 0.8) {
      const m = member();
      assert.equal(set.delete(m), model.delete(m));
    } else if (r < 0.9) {
      const m = member();
      assert.equal(set.has(m), model.has(m));
    } else if (r < 0.995) {
      if (model.size === 0) continue;
      const m = set.random();
      assert.ok(model.has(m));
      set.delete(m);
      model.delete(m);
    } else if (r < 0.9995) {
      assert.equal(set.encoding(), intset ? "intset" : "hashtable");
      const members = set.members();
      assert.equal(members.length, model.size);
      if (intset) assert.deepEqual(members, numericOrder([...model]));
      else assert.deepEqual([...members].sort(), [...model].sort());
    } else {
      // A full SSCAN walk returns every member at least once, whatever COUNT asks for.
      const seen = new Set<string>();
      const count = 1 + Math.floor(random() * 20);
      let cursor = 0;
      do cursor = set.scan(cursor, count, (m) => seen.add(m)); while (cursor !== 0);
      assert.deepEqual([...seen].sort(), [...model].sort());
    }
    assert.equal(set.size, model.size);
  }
});

Deno.test("SetValue encoding: intset until a non-integer or too many members, never back", () => {
  const set = new SetValue();
  assert.equal(set.encoding(), "intset");
  for (let i = 0; i < 4; i++) set.add(String(i), 4);
  assert.equal(set.encoding(), "intset");
  set.add("3", 4); // already there: no change
  assert.equal(set.encoding(), "intset");
  set.add("4", 4);
  assert.equal(set.encoding(), "hashtable");
  set.delete("4");
  assert.equal(set.encoding(), "hashtable");

  const mixed = new SetValue();
  mixed.add("1", 512);
  mixed.add("01", 512); // not string2ll's form
  assert.equal(mixed.encoding(), "hashtable");
  for (const text of ["-0", "+1", " 1", "1.0", "9223372036854775808", "-9223372036854775809", ""]) {
    assert.equal(isIntsetMember(text), false, JSON.stringify(text));
  }
  for (const text of ["0", "-1", "9223372036854775807", "-9223372036854775808"]) {
    assert.equal(isIntsetMember(text), true, text);
  }
  const none = new SetValue();
  none.add("1", 0);
  assert.equal(none.encoding(), "hashtable");

  const copy = set.clone();
  assert.equal(copy.encoding(), "hashtable");
  copy.add("x", 512);
  assert.equal(set.has("x"), false);
});

Deno.test("SetValue orders intset members numerically over the whole int64 range", () => {
  const set = new SetValue();
  const members = ["10", "-1", "9223372036854775807", "2", "-9223372036854775808", "0", "-10", "100", "-2"];
  for (const m of members) set.add(m, 512);
  assert.deepEqual(set.members(), numericOrder(members));
  const scanned: string[] = [];
  assert.equal(set.scan(0, 1, (m) => scanned.push(m)), 0);
  assert.deepEqual(scanned, numericOrder(members));
});

for (const [where, built] of [["a JS Set", 100], ["a Dict", 200]] as const) {
  Deno.test(`SetValue.random and randomDrawer are roughly uniform in ${where}`, () => {
    const set = new SetValue();
    const n = 20;
    for (let i = 0; i < built; i++) set.add(`m${i}`, 512);
    // Deleting most members leaves a dict sparse, where a biased pick would show.
    for (let i = n; i < built; i++) set.delete(`m${i}`);
    assert.equal(set.memberDict() !== undefined, built > 128);
    for (const draw of [() => set.random(), set.randomDrawer()]) {
      const draws = 200_000;
      const counts = new Map<string, number>();
      for (let i = 0; i < draws; i++) {
        const m = draw();
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      assert.equal(counts.size, n);
      const expected = draws / n;
      // Chi-square with 19 degrees of freedom: 43.8 is the 0.999 quantile.
      let chi = 0;
      for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
      assert.ok(chi < 43.8, `chi-square ${chi}`);
    }
  });
}

Deno.test("SetValue keeps up to 128 members in a JS Set, then a Dict for good", () => {
  const set = new SetValue();
  for (let i = 0; i < 128; i++) set.add(`m${i}`, 512);
  assert.equal(set.memberDict(), undefined);
  set.add("m0", 512); // already there
  assert.equal(set.memberDict(), undefined);
  set.add("m128", 512);
  const dict = set.memberDict();
  assert.ok(dict !== undefined);
  assert.equal(dict.size, 129);
  for (let i = 0; i < 120; i++) set.delete(`m${i}`);
  assert.equal(set.memberDict(), dict);
  assert.deepEqual(set.members().sort(), Array.from({ length: 9 }, (_, i) => `m${120 + i}`).sort());
  // A copy is built afresh: small again.
  const copy = set.clone();
  assert.equal(copy.memberDict(), undefined);
  assert.deepEqual(copy.members().sort(), set.members().sort());
});

Deno.test("SetValue: a small set's SSCAN is whole when COUNT covers it, else it moves to a Dict", () => {
  const set = new SetValue();
  for (const m of ["a", "b", "c", "d", "e"]) set.add(m, 512);
  const seen: string[] = [];
  assert.equal(set.scan(0, 5, (m) => seen.push(m)), 0);
  assert.deepEqual(seen.sort(), ["a", "b", "c", "d", "e"]);
  assert.equal(set.memberDict(), undefined);
  // COUNT 1: bucket by bucket, through a Dict kept from then on.
  const walked: string[] = [];
  let cursor = 0;
  let steps = 0;
  do {
    cursor = set.scan(cursor, 1, (m) => walked.push(m));
    steps++;
  } while (cursor !== 0);
  assert.ok(steps > 1);
  assert.deepEqual(walked.sort(), ["a", "b", "c", "d", "e"]);
  assert.ok(set.memberDict() !== undefined);
});

Deno.test("SetValue.hashtable builds the Dict of a small hashtable set, and none for an intset", () => {
  const intset = new SetValue();
  intset.add("1", 512);
  assert.equal(intset.hashtable(), undefined);
  assert.equal(intset.memberDict(), undefined);
  const set = new SetValue();
  set.add("a", 512);
  set.add("b", 512);
  assert.equal(set.memberDict(), undefined);
  const table = set.hashtable();
  assert.ok(table !== undefined);
  assert.deepEqual([...table.keys()].sort(), ["a", "b"]);
  assert.equal(set.memberDict(), table);
  assert.equal(set.has("a"), true);
});
