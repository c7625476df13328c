/**
 * The fuzzing gate: 100,000 seeded random and mutated RESP frames (see
 * tests/fuzz.ts) over 20 concurrent connections per round against one
 * in-process Redix. The server must not crash (this process would die), hang (a
 * connection not closed after end of stream, or a control client's PING / SET /
 * GET not answered right, each within a generous safety-net deadline), throw in
 * any command (an "internal error" the executor contained), or keep the memory
 * it was given. `deno task fuzz --minutes N` runs the same generator longer.
 *
 * @module
 */
import assert from "node:assert/strict";
import { describeReport, runFuzz } from "./fuzz.ts";

/** Generous: the frames total well under 100 MiB, and the data is flushed between rounds. */
const MEMORY_GROWTH_BOUND = 512 * 1024 * 1024;

Deno.test("fuzz: 100,000 random and hostile frames crash, hang and leak nothing", async () => {
  const started = Date.now();
  const report = await runFuzz({ seed: 20240607, frames: 100_000, workers: 20, batch: 50 });
  const summary = describeReport(report, Date.now() - started);
  console.log(summary);
  if (Deno.env.get("FUZZ_COVERAGE")) console.log(report.byCommand);
  assert.equal(report.frames, 100_000);
  assert.deepEqual(report.findings, [], summary);
  assert.ok(report.commands > 50_000, `only ${report.commands} commands were run`);
  assert.ok(
    report.rssAfter - report.rssBefore < MEMORY_GROWTH_BOUND,
    `rss grew from ${report.rssBefore} to ${report.rssAfter} bytes`,
  );
});
