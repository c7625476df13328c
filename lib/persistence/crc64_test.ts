import assert from "node:assert/strict";
import { crc64, crc64Matches, crc64Update, writeCrc64 } from "./crc64.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Bit-at-a-time reference, straight from the definition. */
function reference(bytes: Uint8Array): bigint {
  let crc = 0n;
  for (const byte of bytes) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  return crc;
}

Deno.test("crc64: Redis's test vectors", () => {
  assert.equal(crc64(text("123456789")), 0xe9c6d914c4b8d9can);
  assert.equal(crc64(new Uint8Array(0)), 0n);
});

Deno.test("crc64: slicing matches the bitwise definition at every length and split", () => {
  const bytes = new Uint8Array(300);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >>> 16;
  for (let n = 0; n < 40; n++) assert.equal(crc64(bytes.subarray(0, n)), reference(bytes.subarray(0, n)));
  assert.equal(crc64(bytes), reference(bytes));
  const crc = { lo: 0, hi: 0 };
  crc64Update(crc, bytes, 0, 13);
  crc64Update(crc, bytes, 13, 300);
  assert.equal((BigInt(crc.hi) << 32n) | BigInt(crc.lo), reference(bytes));
  const out = new Uint8Array(8);
  writeCrc64(crc, out, 0);
  assert.ok(crc64Matches(crc, out, 0));
});
