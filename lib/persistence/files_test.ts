import assert from "node:assert/strict";
import { pathOf, reason, writeAll, writeAllSync } from "./files.ts";
import { bytesToBinary } from "../util/latin1.ts";

Deno.test("pathOf decodes a binary string's bytes as UTF-8", () => {
  const binary = bytesToBinary(new TextEncoder().encode("/tmp/données/dump.rdb"));
  assert.notEqual(binary, "/tmp/données/dump.rdb");
  assert.equal(pathOf(binary), "/tmp/données/dump.rdb");
});

Deno.test("reason gives an Error's message, else the value as text", () => {
  assert.equal(reason(new Error("disk full")), "disk full");
  assert.equal(reason("plain"), "plain");
});

Deno.test("writeAllSync and writeAll write every byte", async () => {
  const path = await Deno.makeTempFile();
  try {
    const bytes = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const file = await Deno.open(path, { write: true, truncate: true });
    writeAllSync(file, bytes.subarray(0, 1 << 20));
    await writeAll(file, bytes.subarray(1 << 20));
    file.close();
    assert.deepEqual(await Deno.readFile(path), bytes);
  } finally {
    await Deno.remove(path);
  }
});
