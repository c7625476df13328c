/**
 * What INFO commandstats and errorstats report, kept as Redis 7.0 keeps them:
 * per command its calls, time, rejections (refused before running: arity,
 * ACL, OOM ...) and failures (ran and replied an error); per error prefix
 * (`ERR`, `WRONGTYPE` ...) the error replies sent.
 *
 * Time is sampled: one call in {@link TIMING_SAMPLE} is timed and the total
 * extrapolated, because reading the clock costs about 90 ns in Deno, a fifth
 * of a pipelined SET; Redis times every call (its clock costs ~20 ns).
 *
 * @module
 */

/** One call in this many is timed (a power of two). */
export const TIMING_SAMPLE = 16;

/** A command's counters; they live on its table entry, as in Redis's redisCommand. */
export class CommandCounters {
  calls = 0;
  rejected = 0;
  failed = 0;
  /** Microseconds of the timed calls, and how many were timed. */
  sampledUsec = 0;
  sampledCalls = 0;

  /** Total time, extrapolated from the timed calls. */
  get usec(): number {
    return this.sampledCalls === 0 ? 0 : Math.round(this.sampledUsec * this.calls / this.sampledCalls);
  }

  reset(): void {
    this.calls =
      this.rejected =
      this.failed =
      this.sampledUsec =
      this.sampledCalls =
        0;
  }
}

export class ErrorStats {
  /** INFO stats' total_error_replies. */
  total = 0;
  /** Error replies by prefix, in first-seen order. */
  readonly byPrefix = new Map<string, number>();

  /**
   * Counts an error reply, by its first word as Redis's afterErrorReply does
   * (looked for in the first 32 bytes; "ERR" when there is none).
   */
  record(text: string): void {
    this.total++;
    const space = text.indexOf(" ");
    const prefix = space > 0 && space < 32 ? text.slice(0, space) : "ERR";
    this.byPrefix.set(prefix, (this.byPrefix.get(prefix) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byPrefix.clear();
  }
}
