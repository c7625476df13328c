import assert from "node:assert/strict";
import { mulberry32 } from "../../tests/prng.ts";
import { ListValue } from "./list.ts";

/** Every index of `value` in `model` from the chosen end, within maxlen elements (0 = all). */
function modelFind(model: string[], value: string, fromTail: boolean, maxlen: number): number[] {
  const n = maxlen > 0 ? Math.min(maxlen, model.length) : model.length;
  const found: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = fromTail ? model.length - 1 - k : k;
    if (model[i] === value) found.push(i);
  }
  return found;
}

function modelRemove(model: string[], value: string, count: number): number {
  const limit = count === 0 ? Infinity : Math.abs(count);
  const order = model.map((_, i) => i);
  if (count < 0) order.reverse();
  const drop = new Set<number>();
  for (const i of order) {
    if (drop.size < limit && model[i] === value) drop.add(i);
  }
  const kept = model.filter((_, i) => !drop.has(i));
  model.splice(0, model.length, ...kept);
  return drop.size;
}

Deno.test("ListValue agrees with an array model over 100,000 seeded random operations", () => {
  const random = mulberry32(20261126);
  const int = (n: number) => Math.floor(random() * n);
  const list = new ListValue();
  const model: string[] = [];
  // Few distinct values, so searches and removals find matches; some binary.
  const value = () => random() < 0.9 ? `v${int(12)}` : String.fromCharCode(int(256), int(256));
  for (let step = 0; step < 100_000; step++) {
    const r = random();
    // Pushes slightly outweigh pops, and bursts of each let the buffer grow and shrink.
    if (r < 0.3) {
      const left = random() < 0.5;
      const burst = random() < 0.02 ? 1 + int(200) : 1;
      for (let i = 0; i < burst; i++) {
        const v = value();
        list.push(v, left);
        if (left) model.unshift(v);
        else model.push(v);
      }
    } else if (r < 0.5) {
      const left = random() < 0.5;
      const burst = random() < 0.02 ? 1 + int(200) : 1;
      for (let i = 0; i < burst && model.length > 0; i++) {
        assert.equal(list.pop(left), left ? model.shift() : model.pop());
      }
    } else if (r < 0.6) {
      if (model.length === 0) continue;
      const i = int(model.length);
      assert.equal(list.at(i), model[i]);
      if (random() < 0.5) {
        const v = value();
        list.set(i, v);
        model[i] = v;
      }
    } else if (r < 0.7) {
      if (model.length === 0) continue;
      const start = int(model.length);
      const end = start + int(model.length - start);
      assert.deepEqual(list.range(start, end), model.slice(start, end + 1));
    } else if (r < 0.75) {
      if (model.length === 0) continue;
      // Mostly gentle trims, so the list does not stay tiny.
      const start = random() < 0.8 ? int(3) : int(model.length);
      const end = Math.max(start, model.length - 1 - (random() < 0.8 ? int(3) : int(model.length)));
      if (end >= model.length) continue;
      list.trim(start, end);
      model.splice(0, model.length, ...model.slice(start, end + 1));
    } else if (r < 0.85) {
      const i = int(model.length + 1);
      const v = value();
      list.insert(i, v);
      model.splice(i, 0, v);
    } else if (r < 0.92) {
      const v = value();
      const count = random() < 0.3 ? 0 : (int(4) + 1) * (random() < 0.5 ? -1 : 1);
      assert.equal(list.remove(v, count), modelRemove(model, v, count), `remove ${v} ${count}`);
    } else {
      const v = value();
      const fromTail = random() < 0.5;
      const maxlen = random() < 0.5 ? 0 : int(model.length + 2);
      const limit = 1 + int(4);
      const found: number[] = [];
      list.find(v, fromTail, maxlen, (i) => {
        found.push(i);
        return found.length < limit;
      });
      assert.deepEqual(found, modelFind(model, v, fromTail, maxlen).slice(0, limit));
    }
    assert.equal(list.size, model.length);
    if (step % 1000 === 0 && model.length > 0) {
      assert.deepEqual(list.range(0, model.length - 1), model);
    }
  }
});

Deno.test("ListValue grows and shrinks across the buffer's wrap point", () => {
  const list = new ListValue();
  const model: string[] = [];
  // Alternating ends make the head wrap around the buffer start repeatedly.
  for (let i = 0; i < 10_000; i++) {
    list.push(String(i), i % 2 === 0);
    if (i % 2 === 0) model.unshift(String(i));
    else model.push(String(i));
  }
  assert.deepEqual(list.range(0, list.size - 1), model);
  for (let i = 0; i < 9_990; i++) {
    assert.equal(list.pop(i % 3 === 0), i % 3 === 0 ? model.shift() : model.pop());
  }
  assert.deepEqual(list.range(0, list.size - 1), model);
  list.insert(5, "mid");
  model.splice(5, 0, "mid");
  assert.deepEqual(list.range(0, list.size - 1), model);
});

Deno.test("ListValue: encoding is always quicklist; clone is deep", () => {
  const list = new ListValue();
  assert.equal(list.type, "list");
  list.push("a", false);
  assert.equal(list.encoding(), "quicklist");
  for (let i = 0; i < 1000; i++) list.push("x".repeat(100), true);
  assert.equal(list.encoding(), "quicklist");
  const copy = list.clone();
  copy.push("b", false);
  copy.set(0, "changed");
  assert.equal(list.size, 1001);
  assert.equal(copy.size, 1002);
  assert.equal(list.at(0), "x".repeat(100));
  assert.equal(list.at(1000), "a");
  assert.deepEqual(copy.range(1000, 1001), ["a", "b"]);
});
