import assert from "node:assert/strict";
import { lzfCompress, lzfDecompress } from "./lzf.ts";

const text = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16)));

/** What Redis 7.0.15 stored for this value (DUMP of a SET, rdbcompression yes). */
const ORIGINAL = "abcabcabcabcabcabcabcabcabcabc hello hello hello hello world 0123456789 0123456789";
const FROM_REDIS = "03616263" + "61e01102" + "05206865" + "6c6c6fe0" + "0a050f77" + "6f726c64" +
  "20303132" + "33343536" + "373839e0" + "000a0138" + "39";

Deno.test("lzf: decompresses what Redis compressed, and compresses to the same bytes", () => {
  const original = text(ORIGINAL);
  assert.deepEqual(lzfDecompress(hex(FROM_REDIS), original.length), original);
  assert.deepEqual(lzfCompress(original, original.length - 4), hex(FROM_REDIS));
});

Deno.test("lzf: round trips of random, repetitive and edge-sized data", () => {
  let x = 7;
  const rand = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >>> 16;
  for (const size of [1, 2, 3, 4, 5, 31, 32, 33, 100, 1000, 9000, 70000, 300000]) {
    for (const alphabet of [256, 4, 1]) {
      const input = new Uint8Array(size);
      for (let i = 0; i < size; i++) input[i] = alphabet === 1 ? 97 : rand() % alphabet;
      const packed = lzfCompress(input, size + (size >> 4) + 64);
      assert.ok(packed, `size ${size} alphabet ${alphabet}`);
      assert.deepEqual(lzfDecompress(packed, size), input);
      if (alphabet === 1 && size > 100) assert.ok(packed.length < size / 20);
    }
  }
});

Deno.test("lzf: no room, and corrupt input", () => {
  const random = new Uint8Array(100).map((_, i) => (i * 7919) % 251);
  assert.equal(lzfCompress(random, 96), null);
  assert.equal(lzfCompress(new Uint8Array(0), 10), null);
  const packed = lzfCompress(text("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 44)!;
  assert.equal(lzfDecompress(packed, 47), null); // wrong length
  assert.equal(lzfDecompress(packed.subarray(0, packed.length - 1), 48), null); // truncated
  assert.equal(lzfDecompress(hex("20ff"), 10), null); // reference before the start
});
