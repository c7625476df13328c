import assert from "node:assert/strict";
import { CommandCounters, ErrorStats } from "./command_stats.ts";

Deno.test("ErrorStats counts by the first word, ERR when there is none in the first 32 bytes", () => {
  const stats = new ErrorStats();
  stats.record("WRONGTYPE Operation against a key holding the wrong kind of value");
  stats.record("ERR syntax error");
  stats.record("ERR value is not an integer or out of range");
  stats.record("NOSPACEATALL");
  stats.record(`${"X".repeat(40)} far`);
  assert.equal(stats.total, 5);
  assert.deepEqual([...stats.byPrefix], [["WRONGTYPE", 1], ["ERR", 4]]);
  stats.reset();
  assert.equal(stats.total, 0);
  assert.equal(stats.byPrefix.size, 0);
});

Deno.test("CommandCounters extrapolates time from the timed calls", () => {
  const counters = new CommandCounters();
  assert.equal(counters.usec, 0);
  counters.calls = 32;
  counters.sampledCalls = 2;
  counters.sampledUsec = 10;
  assert.equal(counters.usec, 160);
  counters.reset();
  assert.deepEqual([counters.calls, counters.usec, counters.rejected, counters.failed], [0, 0, 0, 0]);
});
