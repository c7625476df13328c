/**
 * check_rdb.ts: the report on files written by RdbEncoder (counts, AUX
 * fields, DB selection, checksum) and on corrupt ones (truncated, flipped
 * checksum, bad type, bad signature); and, where redis-check-rdb is
 * installed, the very same report as it gives on the same files.
 */
import assert from "node:assert/strict";
import { Config } from "../config.ts";
import { ListValue } from "../store/list.ts";
import { checkRdb } from "./check_rdb.ts";
import { RdbEncoder } from "./rdb.ts";

const NOW = Date.now();

/** A file with keys in DBs 0 and 3, two with a TTL, one of them past. */
function sampleFile(checksum = true): Uint8Array {
  const config = new Config();
  const encoder = new RdbEncoder({ compress: true, checksum });
  encoder.header([["redis-ver", "7.0.15"], ["redis-bits", "64"], ["aof-base", "0"]]);
  encoder.selectDb(0, 3, 2);
  encoder.entry("a", "1", undefined, config);
  encoder.entry("b", "hello", NOW + 1_000_000, config);
  encoder.entry("gone", "x", NOW - 1_000_000, config);
  encoder.selectDb(3, 1, 0);
  const list = new ListValue();
  for (const e of ["x", "y", "z"]) list.push(e, false);
  encoder.entry("l", list, undefined, config);
  encoder.end();
  return encoder.take();
}

Deno.test("check-rdb: a sound file is reported with its fields, DBs and counts, and passes", () => {
  const bytes = sampleFile();
  const result = checkRdb(bytes, "dump.rdb", NOW);
  assert.equal(result.ok, true);
  assert.deepEqual([result.keys, result.expires, result.alreadyExpired], [4, 2, 1]);
  assert.deepEqual(result.lines, [
    "[offset 0] Checking RDB file dump.rdb",
    "[offset 27] AUX FIELD redis-ver = '7.0.15'",
    "[offset 41] AUX FIELD redis-bits = '64'",
    "[offset 53] AUX FIELD aof-base = '0'",
    "[offset 55] Selecting DB ID 0",
    result.lines[5],
    `[offset ${bytes.length}] Checksum OK`,
    `[offset ${bytes.length}] \\o/ RDB looks OK! \\o/`,
    "[info] 4 keys read",
    "[info] 2 expires",
    "[info] 1 already expired",
  ]);
  assert.match(result.lines[5], /^\[offset \d+\] Selecting DB ID 3$/);
});

Deno.test("check-rdb: a zero checksum is reported as not checked", () => {
  const bytes = sampleFile(false);
  const result = checkRdb(bytes, "dump.rdb", NOW);
  assert.equal(result.ok, true);
  assert.ok(
    result.lines.includes(
      `[offset ${bytes.length}] RDB file was saved with checksum disabled: no check performed.`,
    ),
  );
});

Deno.test("check-rdb: corruption is reported with its offset, what was being read, and fails", async (t) => {
  const good = sampleFile();
  await t.step("truncated inside a value", () => {
    const bytes = good.subarray(0, good.length - 14);
    const result = checkRdb(bytes, "t.rdb", NOW);
    assert.equal(result.ok, false);
    const at = result.lines.indexOf("--- RDB ERROR DETECTED ---");
    assert.ok(at > 0, result.lines.join("\n"));
    // Where the value that runs past the end starts, as redis-check-rdb reports it.
    assert.match(result.lines[at + 1], /^\[offset \d+\] Unexpected EOF reading RDB file$/);
    assert.equal(result.lines[at + 2], "[additional info] While doing: read-object-value");
    assert.equal(result.lines[at + 3], "[additional info] Reading key 'l'");
    assert.equal(result.lines[at + 4], "[additional info] Reading type 18 (quicklist-v2)");
    assert.deepEqual(result.lines.slice(-3), [
      "[info] 4 keys read",
      "[info] 2 expires",
      "[info] 1 already expired",
    ]);
    assert.ok(!result.lines.some((line) => line.includes("looks OK")));
  });
  await t.step("a flipped checksum byte", () => {
    const bytes = good.slice();
    bytes[bytes.length - 1] ^= 1;
    const result = checkRdb(bytes, "c.rdb", NOW);
    assert.equal(result.ok, false);
    assert.ok(result.lines.includes(`[offset ${bytes.length}] RDB CRC error`));
    assert.ok(result.lines.includes("[additional info] While doing: check-sum"));
  });
  await t.step("an unknown type byte", () => {
    const bytes = good.slice();
    bytes[58] = 0x77; // the first key's type, after SELECTDB 0 and RESIZEDB 3 2
    const result = checkRdb(bytes, "b.rdb", NOW);
    assert.equal(result.ok, false);
    assert.ok(result.lines.includes("[offset 59] Invalid object type: 119"), result.lines.join("\n"));
    assert.equal(result.keys, 0);
  });
  await t.step("a bad signature", () => {
    const bytes = good.slice();
    bytes[1] = 0x58;
    const result = checkRdb(bytes, "s.rdb", NOW);
    assert.equal(result.ok, false);
    assert.deepEqual(result.lines.slice(0, 5), [
      "[offset 0] Checking RDB file s.rdb",
      "--- RDB ERROR DETECTED ---",
      "[offset 9] Wrong signature trying to load DB from file",
      "[additional info] While doing: start",
      "[additional info] Reading type 0 (string)",
    ]);
  });
});

const HAVE_CHECKER = await (async () => {
  try {
    await new Deno.Command("redis-check-rdb", { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "check-rdb: the same report as redis-check-rdb on sound and corrupt files",
  ignore: !HAVE_CHECKER,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "redix-check-rdb-" });
    try {
      const good = sampleFile();
      const crc = good.slice();
      crc[crc.length - 2] ^= 0x10;
      const type = good.slice();
      type[58] = 0x77;
      const files: Record<string, Uint8Array> = {
        "good.rdb": good,
        "nocrc.rdb": sampleFile(false),
        "trunc.rdb": good.subarray(0, good.length - 14),
        "crc.rdb": crc,
        "type.rdb": type,
        "magic.rdb": Uint8Array.from([..."RXDIS0010"].map((c) => c.charCodeAt(0))),
      };
      for (const [name, bytes] of Object.entries(files)) {
        Deno.writeFileSync(`${dir}/${name}`, bytes);
        const real = await new Deno.Command("redis-check-rdb", { args: [name], cwd: dir, stdout: "piped" })
          .output();
        const ours = checkRdb(bytes, name);
        assert.equal(ours.ok, real.code === 0, name);
        assert.equal(ours.lines.join("\n") + "\n", new TextDecoder().decode(real.stdout), name);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
