import assert from "node:assert/strict";
import { globMatch } from "./glob.ts";

/** [pattern, text, expected], each checked against Redis 7.0.15 with KEYS. */
const CASES: [string, string, boolean][] = [
  ["hello", "hello", true],
  ["hello", "hell", false],
  ["hello", "Hello", false],
  ["h?llo", "hallo", true],
  ["h?llo", "hllo", false],
  ["h*llo", "hllo", true],
  ["h*llo", "heeeello", true],
  ["h*", "h", true],
  ["*o", "hello", true],
  ["*", "anything", true],
  ["**", "x", true],
  ["**", "", false],
  // Not checkable with KEYS, which special-cases a lone "*".
  ["*", "", false],
  ["", "", true],
  ["a**b", "ab", true],
  ["a*b*c", "aXbYc", true],
  ["a*b*c", "aXbY", false],
  ["h[ae]llo", "hello", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["h[a-b]llo", "hbllo", true],
  ["h[a-b]llo", "hcllo", false],
  ["h[b-a]llo", "hallo", true],
  ["[z-a]", "m", true],
  ["[a-]", "]", true],
  ["[a-]", "_", true],
  ["[a-]", "-", false],
  ["[a-]x", "ax", false],
  ["[-a]", "-", true],
  ["[]a]", "]", false],
  ["[]", "]", false],
  ["[", "[", false],
  ["[abc", "b", true],
  ["[abc", "bc", false],
  ["ab[", "ab", false],
  ["a[^", "ab", true],
  ["a[^", "a^", true],
  ["[^]", "x", true],
  ["[\\]]", "]", true],
  ["[\\", "\\", true],
  ["[a\\-z]", "-", true],
  ["[a\\-z]", "m", false],
  ["\\*", "*", true],
  ["\\*", "x", false],
  ["a\\", "a\\", true],
  ["\\", "\\", true],
  ["h\\?llo", "h?llo", true],
  ["h\\?llo", "hallo", false],
  ["*\\", "ab\\", true],
  ["\x80", "\x80", true],
  ["[\x80-\xff]", "\x90", true],
  ["[a-\xff]", "b", false],
  ["[a-\xff]", "\xff", true],
  ["[a-\xff]", "0", true],
  ["[\xff-a]", "a", true],
  ["[\x80-a]", "\x90", true],
  ["?", "\xff", true],
  ["*a*b", "aab", true],
  ["*?", "a", true],
  ["?*?", "a", false],
  ["a*?b", "ab", false],
];

Deno.test("globMatch follows Redis stringmatchlen", () => {
  for (const [pattern, text, expected] of CASES) {
    assert.equal(
      globMatch(pattern, text),
      expected,
      `globMatch(${JSON.stringify(pattern)}, ${JSON.stringify(text)})`,
    );
  }
});

Deno.test("globMatch nocase, as CONFIG GET uses it", () => {
  assert.equal(globMatch("MAXMEM*", "maxmemory-policy", true), true);
  assert.equal(globMatch("maxmemory?POLICY", "maxmemory-policy", true), true);
  assert.equal(globMatch("[L-N]axmemory", "maxmemory", true), true);
  assert.equal(globMatch("[m-M]axmemory", "maxmemory", true), true);
  // The range bounds are lowered after being ordered: Z-a becomes z..a.
  assert.equal(globMatch("[Z-a]axmemory", "maxmemory", true), false);
  // An escaped char in a set is compared exactly, even with nocase.
  assert.equal(globMatch("[\\M]axmemory", "maxmemory", true), false);
  assert.equal(globMatch("HELLO", "hello", false), false);
  // High bytes in nocase ranges: glibc's tolower turns -128..-2 back into
  // 128..254 but keeps 0xff as -1 (EOF).
  assert.equal(globMatch("[\x80-z]axmemory", "maxmemory", true), false);
  assert.equal(globMatch("[z-\xfe]axmemory", "maxmemory", true), false);
  assert.equal(globMatch("[z-\xff]axmemory", "maxmemory", true), true);
  assert.equal(globMatch("[\xff-z]axmemory", "maxmemory", true), true);
  assert.equal(globMatch("[\x80-z]axmemory", "maxmemory", false), true);
});

Deno.test("globMatch is not exponential", () => {
  const start = performance.now();
  assert.equal(globMatch("a*".repeat(30) + "b", "a".repeat(10000)), false);
  assert.equal(globMatch("*?".repeat(500) + "b", "a".repeat(20000)), false);
  assert.equal(globMatch("*".repeat(100000) + "b", "a".repeat(100000)), false);
  assert.ok(performance.now() - start < 2000);
});

Deno.test("globMatch gives up beyond 1000 nested stars, as Redis", () => {
  const text = "a".repeat(1100);
  assert.equal(globMatch("*a".repeat(1000), text), true);
  assert.equal(globMatch("*a".repeat(1001), text), false);
});
