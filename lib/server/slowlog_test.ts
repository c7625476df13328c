import assert from "node:assert/strict";
import { SlowLog } from "./slowlog.ts";

Deno.test("SlowLog keeps the newest entries first, shortens long arguments and lists, trims to maxLen", () => {
  const log = new SlowLog();
  log.push(["SET", "k".repeat(130), "v"], 12.4, "127.0.0.1:1", "", 2);
  log.push(["RPUSH", "l", ...Array.from({ length: 40 }, (_, i) => `e${i}`)], 3, "127.0.0.1:1", "n", 2);
  log.push(["AUTH", "user", "pass"], 1, "127.0.0.1:1", "", 2);
  assert.equal(log.entries.length, 2);
  const [auth, rpush] = log.entries;
  assert.deepEqual([auth.id, rpush.id], [2, 1]);
  assert.deepEqual(auth.argv, ["AUTH", "(redacted)", "(redacted)"]);
  assert.equal(rpush.argv.length, 32);
  assert.equal(rpush.argv[31], "... (11 more arguments)");
  assert.equal(rpush.clientName, "n");
  const long = new SlowLog();
  long.push(["SET", "k".repeat(130), "v"], 12.4, "127.0.0.1:1", "", 10);
  assert.equal(long.entries[0].argv[1], `${"k".repeat(128)}... (2 more bytes)`);
  assert.equal(long.entries[0].usec, 12);
  long.reset();
  assert.equal(long.entries.length, 0);
});
