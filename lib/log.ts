/**
 * Server log lines in Redis's format, `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`,
 * so log tooling written for Redis reads ours. Level marks: `.` debug, `-` verbose,
 * `*` notice, `#` warning.
 *
 * @module
 */

export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";

const RANK: Record<LogLevel, number> = {
  debug: 0,
  verbose: 1,
  notice: 2,
  warning: 3,
  nothing: 4,
};
const MARK: Record<Exclude<LogLevel, "nothing">, string> = {
  debug: ".",
  verbose: "-",
  notice: "*",
  warning: "#",
};
const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

function timestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.` +
    String(d.getMilliseconds()).padStart(3, "0");
}

export class Logger {
  level: LogLevel = "notice";
  /** Empty: standard output, as Redis's `logfile ""`. */
  file = "";
  /** Set to false to keep an embedded server quiet. */
  enabled = true;

  log(level: Exclude<LogLevel, "nothing">, message: string): void {
    if (!this.enabled || RANK[level] < RANK[this.level]) return;
    this.write(`${Deno.pid}:M ${timestamp(new Date())} ${MARK[level]} ${message}\n`);
  }

  private write(text: string): void {
    if (this.file === "") {
      Deno.stdout.writeSync(new TextEncoder().encode(text));
    } else {
      Deno.writeTextFileSync(this.file, text, { append: true });
    }
  }

  /** Writes `text` as it is, without the line's prefix (Redis's LL_RAW), as the start banner. */
  raw(level: Exclude<LogLevel, "nothing">, text: string): void {
    if (!this.enabled || RANK[level] < RANK[this.level]) return;
    this.write(text);
  }

  debug(message: string): void {
    this.log("debug", message);
  }
  verbose(message: string): void {
    this.log("verbose", message);
  }
  notice(message: string): void {
    this.log("notice", message);
  }
  warning(message: string): void {
    this.log("warning", message);
  }
}
