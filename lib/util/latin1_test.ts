import assert from "node:assert/strict";
import { binaryToBytes, bytesToBinary, latin1View, sliceBinary } from "./latin1.ts";

Deno.test("sliceBinary gives one char per byte, every byte value, at every length on both sides of the short path", () => {
  const bytes = new Uint8Array(600);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 255;
  const view = latin1View(bytes);
  for (let start = 0; start < 256; start += 17) {
    for (let length = 0; length <= 40; length++) {
      const text = sliceBinary(bytes, view, start, start + length);
      assert.equal(text.length, length);
      for (let i = 0; i < length; i++) assert.equal(text.charCodeAt(i), bytes[start + i]);
      assert.deepEqual(binaryToBytes(text), bytes.slice(start, start + length));
    }
  }
  // A short string built after a longer one of the same length class holds only its own bytes.
  assert.equal(sliceBinary(bytes, view, 0, 3), bytesToBinary(bytes.subarray(0, 3)));
});

Deno.test("sliceBinary's shared short strings hold the right bytes when many contents compete for a slot", () => {
  // Every 1- and 2-byte content and 50,000 random 3-byte ones: far more than the
  // cache's slots, so slots are taken over again and again; each read is checked.
  const bytes = new Uint8Array(3);
  const view = latin1View(bytes);
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  const check = (length: number) => {
    const text = sliceBinary(bytes, view, 0, length);
    assert.equal(text, String.fromCharCode(...bytes.subarray(0, length)));
  };
  for (let round = 0; round < 2; round++) {
    for (let a = 0; a < 256; a++) {
      bytes[0] = a;
      check(1);
      for (let b = 0; b < 256; b++) {
        bytes[1] = b;
        check(2);
      }
    }
    for (let i = 0; i < 50_000; i++) {
      bytes[0] = random();
      bytes[1] = random();
      bytes[2] = random();
      check(3);
      check(2);
      check(0);
    }
  }
});

Deno.test("bytesToBinary and binaryToBytes convert every byte value at every length on both sides of the short path", () => {
  for (let length = 0; length <= 70; length++) {
    for (let shift = 0; shift < 256; shift += 29) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 41 + shift) & 255);
      const text = bytesToBinary(bytes);
      assert.equal(text, String.fromCharCode(...bytes));
      assert.deepEqual(binaryToBytes(text), bytes);
      // A view into a larger buffer converts only its own bytes.
      const padded = new Uint8Array(length + 8).fill(7);
      padded.set(bytes, 4);
      assert.equal(bytesToBinary(padded.subarray(4, 4 + length)), text);
    }
  }
  // Chars above 255 keep their low byte, on both paths, as Buffer's latin1 does.
  assert.deepEqual(binaryToBytes("\u0141A"), Uint8Array.of(0x41, 0x41));
  assert.deepEqual(binaryToBytes("\u0141".repeat(30)), new Uint8Array(30).fill(0x41));
});
