import assert from "node:assert/strict";
import { decodeListpack, encodeListpack, int64Of, ListpackError } from "./listpack.ts";

const hex = (h: string) => new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16)));

Deno.test("listpack: the bytes Redis 7.0 writes for a hash of f=v, n=12", () => {
  // From DUMP of HSET h f v n 12 on redis-server 7.0.15.
  const redis = hex("120000000400816602817602816e020c01ff");
  assert.deepEqual(encodeListpack(["f", "v", "n", "12"]), redis);
  assert.deepEqual(decodeListpack(redis), ["f", "v", "n", "12"]);
});

Deno.test("listpack: every integer and string encoding round trips", () => {
  const entries = [
    "0",
    "127",
    "128",
    "-1",
    "4095",
    "-4096",
    "4096",
    "-32768",
    "32767",
    "8388607",
    "-8388608",
    "2147483647",
    "-2147483648",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "007",
    "-0",
    "+1",
    "",
    "a".repeat(63),
    "b".repeat(64),
    "c".repeat(4095),
    "d".repeat(4096),
    "e".repeat(70000),
  ];
  const lp = encodeListpack(entries);
  assert.deepEqual(decodeListpack(lp), entries);
  assert.equal(int64Of("9223372036854775808"), null);
  assert.equal(int64Of("-9223372036854775808"), -9223372036854775808n);
  assert.equal(int64Of("12"), 12);
});

Deno.test("listpack: malformed blobs are rejected", () => {
  const lp = encodeListpack(["hello", "42", "world"]);
  assert.throws(() => decodeListpack(lp.subarray(0, lp.length - 1)), ListpackError);
  const badCount = lp.slice();
  badCount[4] = 9;
  assert.throws(() => decodeListpack(badCount), ListpackError);
  const badBacklen = lp.slice();
  badBacklen[6 + 6] = 3;
  assert.throws(() => decodeListpack(badBacklen), ListpackError);
  const badEncoding = lp.slice();
  badEncoding[6] = 0xf7;
  assert.throws(() => decodeListpack(badEncoding), ListpackError);
});
