import assert from "node:assert/strict";
import { CommandCounters, ErrorStats, LatencyHistogram } from "./command_stats.ts";

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

Deno.test("LatencyHistogram percentiles fall within 1.6% of the recorded durations", () => {
  const histogram = new LatencyHistogram();
  // 1..1000 us, once each: the p-th percentile is p * 10 us.
  for (let usec = 1; usec <= 1000; usec++) histogram.record(usec);
  for (const p of [50, 99, 99.9]) {
    const expected = Math.ceil(1000 * p / 100);
    const got = histogram.percentile(p);
    assert.ok(got >= expected && got <= expected * 1.016 + 0.001, `p${p}: ${got} for ${expected}`);
  }
  const small = new LatencyHistogram();
  small.record(0.05);
  assert.equal(small.percentile(50), 0.05, "exact below 128 ns");
  assert.equal(new LatencyHistogram().percentile(50), 0);
});

Deno.test("LatencyHistogram gives LATENCY HISTOGRAM's power-of-two buckets with Redis's keys", () => {
  const histogram = new LatencyHistogram();
  // The durations of seven LRANGE calls whose buckets redis-server 7.0.15 reported as
  // 8 1 66 2 132 3 528 4 2113 5 4227 6 8454 7 (microseconds, cumulative calls).
  for (const usec of [5, 40, 100, 380, 1500, 3700, 7600]) histogram.record(usec);
  assert.deepEqual(histogram.cumulativeByPowersOfTwo(1), [
    [8, 1],
    [66, 2],
    [132, 3],
    [528, 4],
    [2113, 5],
    [4227, 6],
    [8454, 7],
  ]);
  // A SET-like spread: 1 us and below lands in the first bucket; counts scale (one call in 64 timed).
  const fast = new LatencyHistogram();
  for (const usec of [0.3, 1, 1.5, 1.9, 3]) fast.record(usec);
  assert.deepEqual(fast.cumulativeByPowersOfTwo(64), [[1, 128], [2, 256], [4, 320]]);
  assert.deepEqual(new LatencyHistogram().cumulativeByPowersOfTwo(1), []);
});
