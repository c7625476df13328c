/**
 * SLOWLOG: the newest commands that ran longer than slowlog-log-slower-than
 * microseconds, at most slowlog-max-len of them, as Redis's slowlog.c keeps
 * them (arguments shortened, credentials redacted).
 *
 * What is timed: every command that may be slow (Command.mayBeSlow: neither
 * flagged `fast` nor documented as O(1)); the others (GET, SET, INCR ..., most
 * of all traffic) only while the threshold is below
 * {@link FAST_TIMING_BELOW_USEC}, because reading the clock twice costs about
 * 180 ns in Deno, a third of a pipelined SET. So with the default threshold
 * (10 ms) a GET that stalls is not logged, where Redis would log it.
 *
 * @module
 */
import { redacted } from "./monitor.ts";

/** A fast command is timed only while slowlog-log-slower-than is below this (microseconds). */
export const FAST_TIMING_BELOW_USEC = 1000;
/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowLogEntry {
  id: number;
  /** Unix time in seconds when the command ran. */
  time: number;
  usec: number;
  argv: string[];
  peer: string;
  clientName: string;
}

export class SlowLog {
  /** Newest first. */
  readonly entries: SlowLogEntry[] = [];
  private nextId = 0;

  /** Logs a command (as Redis's slowlogPushEntryIfNeeded), keeping at most `maxLen` entries. */
  push(argv: readonly string[], usec: number, peer: string, clientName: string, maxLen: number): void {
    const shown = redacted(argv);
    const count = Math.min(shown.length, MAX_ARGC);
    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i === MAX_ARGC - 1 && shown.length > MAX_ARGC) {
        args.push(`... (${shown.length - MAX_ARGC + 1} more arguments)`);
      } else {
        const arg = shown[i];
        args.push(
          arg.length > MAX_STRING
            ? `${arg.slice(0, MAX_STRING)}... (${arg.length - MAX_STRING} more bytes)`
            : arg,
        );
      }
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      usec: Math.round(usec),
      argv: args,
      peer,
      clientName,
    });
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  reset(): void {
    this.entries.length = 0;
  }
}
