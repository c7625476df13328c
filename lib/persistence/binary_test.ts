import assert from "node:assert/strict";
import { readBinary, writeBinary } from "./binary.ts";

Deno.test("binary strings round trip through bytes, short and long, ASCII or not", () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  for (
    const s of [
      "",
      "a",
      "abcd",
      "x".repeat(63),
      "y".repeat(64),
      "z".repeat(1000),
      all,
      all.repeat(5),
      "é" + "a".repeat(100),
    ]
  ) {
    const out = new Uint8Array(s.length + 4).fill(7);
    writeBinary(out, 2, s);
    for (let i = 0; i < s.length; i++) assert.equal(out[2 + i], s.charCodeAt(i));
    assert.equal(out[0], 7);
    assert.equal(out[s.length + 3], 7);
    assert.equal(readBinary(out, 2, 2 + s.length), s);
  }
});
