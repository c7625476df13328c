/**
 * What INFO commandstats and errorstats report, kept as Redis 7.0 keeps them:
 * per command its calls, time, rejections (refused before running: arity,
 * ACL, OOM ...) and failures (ran and replied an error); per error prefix
 * (`ERR`, `WRONGTYPE` ...) the error replies sent.
 *
 * Time is sampled: each command's first call and one in {@link TIMING_SAMPLE}
 * after it are timed and the total extrapolated, and INFO latencystats'
 * percentiles come from those calls, because a timed call costs about 300 ns
 * in Deno (two clock reads at ~90 ns, the histogram), more than a whole
 * pipelined SET; Redis times every call (its clock costs ~20 ns).
 *
 * @module
 */

/** One call in this many is timed (a power of two). */
export const TIMING_SAMPLE = 64;

/**
 * Durations in logarithmic buckets, as Redis's HdrHistogram keeps INFO
 * latencystats: a percentile is known to within 1.6%.
 */
export class LatencyHistogram {
  /** Count per bucket, by bucket number (sparse: few buckets see calls). */
  private readonly counts = new Map<number, number>();
  private total = 0;

  /** Records a duration in microseconds. */
  record(usec: number): void {
    // In nanoseconds, up to 2^31 (2 s: longer calls count as that).
    const ns = Math.min(0x7fffffff, Math.max(1, Math.round(usec * 1000)));
    // Exact below 128 ns; above, the top 7 bits of the value (1 to 1.6% wide buckets).
    const exponent = Math.max(0, 31 - Math.clz32(ns) - 6);
    const bucket = exponent * 128 + (ns >>> exponent);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
  }

  /**
   * LATENCY HISTOGRAM's buckets, as Redis reads its HdrHistogram: at each power
   * of two from 1024 ns, how many calls took at most that long (up to the
   * value's highest equivalent at 2 significant digits, which is also the key,
   * in microseconds), listed where the count grows. Counts are multiplied by
   * `scale`, which extrapolates timed calls to all calls.
   */
  cumulativeByPowersOfTwo(scale: number): [usec: number, calls: number][] {
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    const result: [number, number][] = [];
    let at = 0;
    let cumulative = 0;
    for (let level = 1024; cumulative < this.total; level *= 2) {
      const highest = level + level / 128 - 1;
      const before = cumulative;
      while (at < buckets.length && (buckets[at] % 128) * 2 ** Math.floor(buckets[at] / 128) <= highest) {
        cumulative += this.counts.get(buckets[at++])!;
      }
      if (cumulative > before) result.push([Math.floor(highest / 1000), Math.round(cumulative * scale)]);
    }
    return result;
  }

  get count(): number {
    return this.total;
  }

  /** The duration (microseconds, the top of its bucket) that `percent` of the calls took at most. */
  percentile(percent: number): number {
    const wanted = Math.max(1, Math.ceil(this.total * percent / 100));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= wanted) {
        const exponent = Math.floor(bucket / 128);
        return (((bucket % 128) + 1) * 2 ** exponent - 1) / 1000;
      }
    }
    return 0;
  }
}

/** A command's counters; they live on its table entry, as in Redis's redisCommand. */
export class CommandCounters {
  calls = 0;
  rejected = 0;
  failed = 0;
  /** Microseconds of the timed calls, and how many were timed. */
  sampledUsec = 0;
  sampledCalls = 0;
  /** The timed calls' durations, while latency-tracking is on (INFO latencystats). */
  latency: LatencyHistogram | undefined;

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
    this.latency = undefined;
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
