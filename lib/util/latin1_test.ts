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
