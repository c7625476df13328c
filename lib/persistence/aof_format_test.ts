import assert from "node:assert/strict";
import { AofReader, AofReadError, encodeCommand, ManifestError, parseManifest } from "./aof_format.ts";

Deno.test("encodeCommand writes RESP multibulk, binary safe", () => {
  assert.equal(encodeCommand(["SET", "k", "a\r\nb"]), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n");
  assert.equal(encodeCommand(["SET", "", "\xff"]), "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$1\r\n\xff\r\n");
});

Deno.test("the manifest round-trips in Redis's line format; names needing quotes are quoted", () => {
  const text = "file appendonly.aof.2.base.rdb seq 2 type b\n" +
    "file appendonly.aof.1.incr.aof seq 1 type h\n" +
    "file appendonly.aof.2.incr.aof seq 2 type i\n" +
    "file appendonly.aof.3.incr.aof seq 3 type i\n";
  const manifest = parseManifest(text);
  assert.equal(manifest.base?.name, "appendonly.aof.2.base.rdb");
  assert.equal(manifest.baseSeq, 2);
  assert.equal(manifest.incrSeq, 3);
  assert.deepEqual(manifest.history.map((h) => h.name), ["appendonly.aof.1.incr.aof"]);
  assert.equal(manifest.format(), text);
  manifest.base!.name = "my file.aof.2.base.rdb";
  const quoted = manifest.format();
  assert.ok(quoted.startsWith('file "my file.aof.2.base.rdb" seq 2 type b\n'));
  assert.equal(parseManifest(quoted).base?.name, "my file.aof.2.base.rdb");
  assert.throws(() => parseManifest(""), ManifestError);
  assert.throws(() => parseManifest("file a seq 1 type x\n"), ManifestError);
  assert.throws(() => parseManifest("file a seq 2 type i\nfile b seq 1 type i\n"), ManifestError);
  assert.throws(() => parseManifest("file a seq 1 type b"), ManifestError);
});

Deno.test("AofReader reads commands, skips annotations, and tells a torn tail from corruption", () => {
  const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const good = "#TS:1700000000\r\n" + encodeCommand(["SELECT", "0"]) + encodeCommand(["SET", "a", "1"]);
  const reader = new AofReader(bytes(good));
  assert.deepEqual(reader.next(), ["SELECT", "0"]);
  reader.commit();
  assert.deepEqual(reader.next(), ["SET", "a", "1"]);
  reader.commit();
  assert.equal(reader.next(), null);
  assert.equal(reader.validUpTo, good.length);

  const torn = new AofReader(bytes(good + encodeCommand(["SET", "b", "22"]).slice(0, -3)));
  torn.next(), torn.commit(), torn.next(), torn.commit();
  assert.throws(() => torn.next(), (e: AofReadError) => e.kind === "truncated");
  assert.equal(torn.validUpTo, good.length);

  const bad = new AofReader(bytes(good + "xx\r\n"));
  bad.next(), bad.commit(), bad.next(), bad.commit();
  assert.throws(() => bad.next(), (e: AofReadError) => e.kind === "format" && e.offset === good.length);
});
