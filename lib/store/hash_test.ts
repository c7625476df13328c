import assert from "node:assert/strict";
import { mulberry32 } from "../../tests/prng.ts";
import { Config } from "../config.ts";
import { HashValue } from "./hash.ts";

function configWith(entries: number, value: number): Config {
  const config = new Config();
  assert.equal(
    config.configSet([
      "hash-max-listpack-entries",
      String(entries),
      "hash-max-listpack-value",
      String(value),
    ]),
    null,
  );
  return config;
}

/** Every field and value a full HSCAN-style walk returns, in the order returned. */
function scanAll(hash: HashValue): [string, string][] {
  const seen: [string, string][] = [];
  let cursor = 0;
  do cursor = hash.scan(cursor, (field, value) => seen.push([field, value])); while (cursor !== 0);
  return seen;
}

function sorted(entries: Iterable<[string, string]>): [string, string][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether `part` appears in `whole` in the same relative order. */
function isSubsequence(part: string[], whole: string[]): boolean {
  let i = 0;
  for (const item of whole) if (i < part.length && part[i] === item) i++;
  return i === part.length;
}

Deno.test("HashValue matches a Map model over 100,000 seeded random operations", () => {
  const random = mulberry32(0x4a5b);
  const pick = (n: number) => Math.floor(random() * n);
  const configs = [configWith(512, 64), configWith(16, 8), configWith(0, 64), configWith(64, 0)];
  let config = configs[0];
  let hash = new HashValue();
  // Insertion order, as a listpack keeps it: an update keeps the place, delete then set goes last.
  let model = new Map<string, string>();
  let listpack = true;
  const fieldOf = () => {
    const n = pick(400);
    // Bytes 0-255, including ones UTF-8 would mangle.
    return n % 7 === 0 ? `f\x00\xff${n}` : `field:${n}`;
  };
  const valueOf =
    () => (pick(50) === 0 ? "v".repeat(1 + pick(100)) : String.fromCharCode(pick(256)) + pick(1000));

  for (let op = 0; op < 100_000; op++) {
    if (op % 5000 === 0) {
      config = configs[pick(configs.length)];
      hash = new HashValue();
      model = new Map();
      listpack = true;
    }
    const roll = pick(100);
    if (roll < 45) {
      const field = fieldOf();
      const value = valueOf();
      const isNew = !model.has(field);
      assert.equal(hash.set(field, value, config), isNew);
      model.set(field, value);
      const maxValue = config.getNumber("hash-max-listpack-value");
      if (field.length > maxValue || value.length > maxValue) listpack = false;
      if (model.size > config.getNumber("hash-max-listpack-entries")) listpack = false;
    } else if (roll < 75) {
      const field = fieldOf();
      assert.equal(hash.delete(field), model.delete(field));
    } else if (roll < 90) {
      const field = fieldOf();
      assert.equal(hash.get(field), model.get(field));
      assert.equal(hash.has(field), model.has(field));
    } else if (roll < 94 && model.size > 0) {
      assert.ok(model.has(hash.randomField()));
      const repeats: string[] = [];
      hash.randomFields(1 + pick(20), (field, value) => {
        assert.equal(value, model.get(field));
        repeats.push(field);
      });
      assert.ok(repeats.length >= 1);
    } else if (roll < 98 && model.size > 1) {
      const count = 1 + pick(model.size - 1);
      const picked = hash.distinctRandomFields(count);
      assert.equal(picked.length, count);
      assert.equal(new Set(picked).size, count);
      for (const field of picked) assert.ok(model.has(field));
      if (listpack) assert.ok(isSubsequence(picked, [...model.keys()]), "a listpack samples in its order");
    } else {
      const copy = hash.clone();
      assert.equal(copy.encoding(), hash.encoding());
      assert.deepEqual([...copy.entries()], [...hash.entries()]);
      if (model.size > 0) {
        const [field] = model.keys().next().value!;
        copy.set(field, "changed in the copy only", config);
        assert.equal(hash.get(field), model.get(field));
      }
    }
    assert.equal(hash.size, model.size);
    assert.equal(hash.encoding(), listpack ? "listpack" : "hashtable");
    assert.equal(hash.isListpack, listpack);
    if (op % 500 === 0) {
      if (listpack) {
        assert.deepEqual([...hash.entries()], [...model.entries()]);
        assert.deepEqual(scanAll(hash), [...model.entries()]);
      } else {
        assert.deepEqual(sorted(hash.entries()), sorted(model.entries()));
        assert.deepEqual(sorted(new Map(scanAll(hash))), sorted(model.entries()));
      }
    }
  }
});

Deno.test("encoding: listpack up to the thresholds, hashtable past them, never back", () => {
  const config = configWith(4, 8);
  const hash = new HashValue();
  for (let i = 0; i < 4; i++) hash.set(`f${i}`, "12345678", config);
  assert.equal(hash.encoding(), "listpack");
  hash.set("f0", "new", config);
  assert.equal(hash.encoding(), "listpack", "an update adds no field");
  hash.set("f4", "x", config);
  assert.equal(hash.encoding(), "hashtable");
  for (let i = 0; i < 4; i++) hash.delete(`f${i}`);
  assert.equal(hash.size, 1);
  assert.equal(hash.encoding(), "hashtable", "deleting fields does not convert back");

  const long = new HashValue();
  long.set("12345678", "12345678", config);
  assert.equal(long.encoding(), "listpack", "the limit itself still fits");
  long.set("f", "123456789", config);
  assert.equal(long.encoding(), "hashtable");
  const longField = new HashValue();
  longField.set("123456789", "", config);
  assert.equal(longField.encoding(), "hashtable");

  // The thresholds are read at each write: a lower one converts on the next write only.
  const later = new HashValue();
  for (let i = 0; i < 4; i++) later.set(`f${i}`, "v", config);
  const lower = configWith(2, 8);
  assert.equal(later.encoding(), "listpack");
  later.set("f0", "v", lower);
  assert.equal(later.encoding(), "listpack", "an update does not check the entry count");
  later.set("f9", "v", lower);
  assert.equal(later.encoding(), "hashtable");
});

Deno.test("a listpack keeps insertion order: updates keep their place, re-added fields go last", () => {
  const config = new Config();
  const hash = new HashValue();
  for (const field of ["a", "b", "c", "d"]) hash.set(field, field, config);
  hash.set("b", "B", config);
  hash.delete("a");
  hash.set("a", "A", config);
  assert.deepEqual([...hash.entries()], [["b", "B"], ["c", "c"], ["d", "d"], ["a", "A"]]);
  const scanned: string[] = [];
  assert.equal(hash.scan(12345, (field) => scanned.push(field)), 0, "one call, whatever the cursor");
  assert.deepEqual(scanned, ["b", "c", "d", "a"]);
});

Deno.test("hashtable scan returns every field present throughout, despite changes in between", () => {
  const config = configWith(0, 64);
  const random = mulberry32(7);
  const hash = new HashValue();
  for (let i = 0; i < 2000; i++) hash.set(`stay${i}`, "v", config);
  const seen = new Set<string>();
  let cursor = 0;
  let step = 0;
  do {
    cursor = hash.scan(cursor, (field) => seen.add(field));
    // Grow and shrink the table while the walk is under way.
    if (step++ % 2 === 0) {
      for (let i = 0; i < 50; i++) hash.set(`tmp${Math.floor(random() * 1e6)}`, "v", config);
    } else {
      for (const [field] of [...hash.entries()].filter(([f]) => f.startsWith("tmp"))) hash.delete(field);
    }
  } while (cursor !== 0);
  for (let i = 0; i < 2000; i++) assert.ok(seen.has(`stay${i}`), `stay${i}`);
});

Deno.test("random fields are spread over the whole hash in each form", () => {
  // A listpack of up to 16 fields (an array), a longer listpack (a Map), a hashtable.
  for (const [config, size] of [[new Config(), 10], [new Config(), 50], [configWith(0, 64), 50]] as const) {
    const hash = new HashValue();
    for (let i = 0; i < size; i++) hash.set(`f${i}`, `v${i}`, config);
    const draws = 1000 * size;
    const counts = new Map<string, number>();
    hash.randomFields(draws, (field, value) => {
      assert.equal(value, `v${field.slice(1)}`);
      counts.set(field, (counts.get(field) ?? 0) + 1);
    });
    const single = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const field = hash.randomField();
      single.set(field, (single.get(field) ?? 0) + 1);
    }
    for (const drawn of [counts, single]) {
      assert.equal(drawn.size, size);
      for (const n of drawn.values()) {
        assert.ok(n > 700 && n < 1300, `${n} of ${draws} for one of ${size} fields`);
      }
    }
    // Both of Redis's strategies for distinct fields: a subset of all, and sampling until enough.
    for (const count of [size - 5, 5]) assert.equal(new Set(hash.distinctRandomFields(count)).size, count);
  }
});
