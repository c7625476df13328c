/**
 * The latency monitor, as Redis's latency.c: while latency-monitor-threshold
 * (milliseconds) is above 0, an event that lasts at least that long is a
 * spike, and each event class keeps its latest {@link SERIES_LENGTH} spikes,
 * one per second (the worst of that second), and its all-time high. LATENCY
 * LATEST, HISTORY, GRAPH, RESET and DOCTOR report them.
 *
 * The events recorded are Redis's `command` and `fast-command`: a command's
 * own run, by whether it is flagged `fast`. Redis's other classes (fork, AOF
 * writes and fsyncs, expire and eviction cycles) are not recorded.
 *
 * @module
 */

/** Redis's LATENCY_TS_LEN: spikes kept per event class. */
const SERIES_LENGTH = 160;
/** Redis's LATENCY_GRAPH_COLS: samples per row of LATENCY GRAPH. */
const GRAPH_COLUMNS = 80;
/** Rows of bars in LATENCY GRAPH, and the three heights a row's char can show. */
const GRAPH_ROWS = 4;
const GRAPH_CHARS = "_o#";

/** One event class's spikes: a ring of (unix second, milliseconds), time 0 where unused. */
class Series {
  readonly times = new Array<number>(SERIES_LENGTH).fill(0);
  readonly latencies = new Array<number>(SERIES_LENGTH).fill(0);
  /** Where the next new second's spike goes. */
  next = 0;
  max = 0;

  /** The slots in use, oldest first. */
  *used(): IterableIterator<number> {
    for (let j = 0; j < SERIES_LENGTH; j++) {
      const i = (this.next + j) % SERIES_LENGTH;
      if (this.times[i] !== 0) yield i;
    }
  }
}

export interface LatestSpike {
  event: string;
  time: number;
  latency: number;
  max: number;
}

/** Settings DOCTOR's advice depends on. */
export interface DoctorContext {
  threshold: number;
  slowlogSlowerThan: number;
  /** Bytes of transparent huge pages the process uses. */
  anonHugePages: number;
}

export class LatencyMonitor {
  private readonly events = new Map<string, Series>();

  /** Records a spike of `ms` milliseconds of `event` at unix second `now` (Redis's latencyAddSample). */
  add(event: string, ms: number, now = Math.floor(Date.now() / 1000)): void {
    let series = this.events.get(event);
    if (series === undefined) this.events.set(event, series = new Series());
    if (ms > series.max) series.max = ms;
    const previous = (series.next + SERIES_LENGTH - 1) % SERIES_LENGTH;
    if (series.times[previous] === now) {
      if (ms > series.latencies[previous]) series.latencies[previous] = ms;
      return;
    }
    series.times[series.next] = now;
    series.latencies[series.next] = ms;
    series.next = (series.next + 1) % SERIES_LENGTH;
  }

  /** LATENCY LATEST: each event's newest spike and all-time high. */
  latest(): LatestSpike[] {
    return [...this.events].map(([event, series]) => {
      const last = (series.next + SERIES_LENGTH - 1) % SERIES_LENGTH;
      return { event, time: series.times[last], latency: series.latencies[last], max: series.max };
    });
  }

  /** LATENCY HISTORY: an event's spikes, oldest first, as [unix second, milliseconds]. */
  history(event: string): [number, number][] {
    const series = this.events.get(event);
    if (series === undefined) return [];
    return [...series.used()].map((i) => [series.times[i], series.latencies[i]]);
  }

  /** Forgets every event, or the ones named `event` (compared without case); how many went. */
  reset(event?: string): number {
    let resets = 0;
    for (const name of [...this.events.keys()]) {
      if (event === undefined || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        resets++;
      }
    }
    return resets;
  }

  /**
   * LATENCY GRAPH's text: a header, then the spikes as a sparkline with, under
   * each, how long ago it was; undefined when the event has none.
   */
  graph(event: string, now = Math.floor(Date.now() / 1000)): string | undefined {
    const series = this.events.get(event);
    if (series === undefined) return undefined;
    const values: number[] = [];
    const labels: string[] = [];
    for (const i of series.used()) {
      values.push(series.latencies[i]);
      labels.push(ago(now - series.times[i]));
    }
    const high = values.length === 0 ? 0 : Math.max(...values);
    const low = values.length === 0 ? 0 : Math.min(...values);
    let graph = `${event} - high ${high} ms, low ${low} ms (all time high ${series.max} ms)\n` +
      "-".repeat(GRAPH_COLUMNS) + "\n";
    for (let start = 0; start < values.length; start += GRAPH_COLUMNS) {
      if (start !== 0) graph += "\n";
      graph += sparkline(values, labels, start, Math.min(GRAPH_COLUMNS, values.length - start), low, high);
    }
    return graph;
  }

  /** LATENCY DOCTOR's report: each event's statistics, then advice (Redis's createLatencyReport). */
  doctor(context: DoctorContext): string {
    if (this.events.size === 0 && context.threshold === 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
        'You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. ' +
        "If we weren't in a deep space mission I'd suggest to take a look at " +
        "https://redis.io/topics/latency-monitor.\n";
    }
    let report = "";
    const advice = new Set<string>();
    let eventNumber = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const [event, series] of this.events) {
      if (++eventNumber === 1) {
        report += "Dave, I have observed latency spikes in this Redis instance. " +
          "You don't mind talking about it, do you Dave?\n\n";
      }
      const stats = analyze(series, now);
      report += `${eventNumber}. ${event}: ${stats.samples} latency spikes (average ${stats.average}ms, ` +
        `mean deviation ${stats.meanDeviation}ms, period ${
          (stats.period / stats.samples).toFixed(2)
        } sec). ` +
        `Worst all time event ${series.max}ms.\n`;
      if (event === "command") {
        if (context.slowlogSlowerThan < 0) advice.add("slowlog-enable");
        else if (Math.trunc(context.slowlogSlowerThan / 1000) > context.threshold) advice.add("slowlog-tune");
        advice.add("slowlog-inspect");
        advice.add("large-objects");
      } else if (event === "fast-command") {
        advice.add("scheduler");
      }
    }
    if (context.anonHugePages > 0) advice.add("thp");
    if (eventNumber === 0 && advice.size === 0) {
      return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the " +
        "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things " +
        "over.\n";
    }
    report += "\nI have a few advices for you:\n\n";
    // In Redis's order.
    const suggested = context.threshold * 1000;
    if (advice.has("slowlog-enable")) {
      report +=
        "- There are latency issues with potentially slow commands you are using. Try to enable the " +
        `Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${suggested}'. If the ` +
        "Slow log is disabled Redis is not able to log slow commands execution for you.\n";
    }
    if (advice.has("slowlog-tune")) {
      report +=
        "- Your current Slow Log configuration only logs events that are slower than your configured " +
        `latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${suggested}'.\n`;
    }
    if (advice.has("slowlog-inspect")) {
      report +=
        "- Check your Slow Log to understand what are the commands you are running which are too slow " +
        "to execute. Please check https://redis.io/commands/slowlog for more information.\n";
    }
    if (advice.has("scheduler")) {
      report +=
        "- The system is slow to execute Redis code paths not containing system calls. This usually " +
        "means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
        "  1) Lower the system load.\n" +
        "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are " +
        "using Jemalloc. However this may create fragmentation problems.\n";
    }
    if (advice.has("large-objects")) {
      report +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking " +
        "operation. If you have very large objects that are often deleted, expired, or evicted, try to " +
        "fragment those objects into multiple smaller objects.\n";
    }
    if (advice.has("thp")) {
      report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates " +
        "very serious latency events in different conditions, especially when Redis is persisting on disk. " +
        "To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', " +
        "make sure to also add it into /etc/rc.local so that the command will be executed again after a " +
        "reboot. Note that even if you have already disabled THP, you still need to restart the Redis " +
        "process to get rid of the huge pages already created.\n";
    }
    return report;
  }
}

/** How long ago, as LATENCY GRAPH labels it: seconds, minutes, hours or days. */
function ago(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.trunc(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.trunc(seconds / 3600)}h`;
  return `${Math.trunc(seconds / 86400)}d`;
}

/** Redis's analyzeLatencyForEvent: count, integer average and mean deviation, seconds covered. */
function analyze(series: Series, now: number) {
  let samples = 0, sum = 0, oldest = 0;
  for (let i = 0; i < SERIES_LENGTH; i++) {
    if (series.times[i] === 0) continue;
    samples++;
    sum += series.latencies[i];
    if (oldest === 0 || series.times[i] < oldest) oldest = series.times[i];
  }
  const average = samples === 0 ? 0 : Math.trunc(sum / samples);
  let deviations = 0;
  for (let i = 0; i < SERIES_LENGTH; i++) {
    if (series.times[i] !== 0) deviations += Math.abs(average - series.latencies[i]);
  }
  return {
    samples,
    average,
    meanDeviation: samples === 0 ? 0 : Math.trunc(deviations / samples),
    period: samples === 0 ? 0 : Math.max(1, now - oldest),
  };
}

/**
 * Redis's sparklineRenderRange with SPARKLINE_FILL: GRAPH_ROWS rows of bars
 * scaled between the lowest and highest value, then the labels written
 * downwards one char per row, after a blank row.
 */
function sparkline(
  values: number[],
  labels: string[],
  offset: number,
  length: number,
  low: number,
  high: number,
): string {
  const range = high - low === 0 ? 1 : high - low;
  const steps = GRAPH_CHARS.length * GRAPH_ROWS;
  let out = "";
  for (let row = 0;; row++) {
    const chars = new Array<string>(length).fill(" ");
    let more = false;
    for (let j = 0; j < length; j++) {
      if (row < GRAPH_ROWS) {
        more = true;
        let step = Math.trunc(Math.trunc((values[offset + j] - low) * steps) / range);
        step = Math.min(Math.max(step, 0), steps - 1);
        const at = step - (GRAPH_ROWS - row - 1) * GRAPH_CHARS.length;
        if (at >= 0 && at < GRAPH_CHARS.length) chars[j] = GRAPH_CHARS[at];
        else if (at >= GRAPH_CHARS.length) chars[j] = "|";
      } else if (row === GRAPH_ROWS) {
        // The blank row between the bars and the labels.
        more = true;
        break;
      } else {
        const label = labels[offset + j];
        const at = row - GRAPH_ROWS - 1;
        if (at < label.length) {
          more = true;
          chars[j] = label[at];
        }
      }
    }
    if (!more) return out;
    out += chars.join("") + "\n";
  }
}
