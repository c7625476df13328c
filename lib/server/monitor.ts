/**
 * MONITOR: every command run is streamed to the monitoring clients as a status
 * line, `+1700000000.123456 [0 127.0.0.1:54321] "set" "k" "v"`, from the one
 * place commands run (the executor), as Redis's replicationFeedMonitors.
 *
 * @module
 */
import { quoteArg } from "../util/split_args.ts";
import type { Command } from "../commands/table.ts";
import type { Client } from "./client.ts";

/**
 * Arguments Redis 7.0 shows as "(redacted)" (in MONITOR and SLOWLOG):
 * credentials. AUTH's all, HELLO's two after AUTH, MIGRATE's after AUTH and AUTH2.
 */
export function redacted(argv: readonly string[]): readonly string[] {
  const name = argv[0].toLowerCase();
  if (name === "auth") return argv.map((arg, i) => i === 0 ? arg : "(redacted)");
  if (name === "migrate") return migrateRedacted(argv);
  if (name !== "hello") return argv;
  const auth = argv.findIndex((arg, i) => i >= 2 && arg.toLowerCase() === "auth");
  if (auth === -1) return argv;
  return argv.map((arg, i) => i === auth + 1 || i === auth + 2 ? "(redacted)" : arg);
}

/** MIGRATE's options as its parsing goes, which stops at KEYS or anything unknown. */
function migrateRedacted(argv: readonly string[]): readonly string[] {
  const hidden = new Set<number>();
  for (let j = 6; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    if (option === "auth" && j + 1 < argv.length) hidden.add(++j);
    else if (option === "auth2" && j + 2 < argv.length) {
      hidden.add(++j);
      hidden.add(++j);
    } else if (option !== "copy" && option !== "replace") break;
  }
  return hidden.size === 0 ? argv : argv.map((arg, i) => hidden.has(i) ? "(redacted)" : arg);
}

export class Monitors {
  readonly clients = new Set<Client>();

  /** Whether Redis shows the command to monitors: not admin ones, nor those it hides. */
  static shows(command: Command): boolean {
    return !command.flags.has("admin") && !command.flags.has("skip_monitor");
  }

  /**
   * Whether a monitor may run the command: a monitor counts as a replica in
   * Redis, and replicas are kept off the keyspace.
   */
  static mayRun(command: Command): boolean {
    const flags = command.flags;
    return !flags.has("write") && !flags.has("readonly") && !flags.has("may_replicate");
  }

  /**
   * Sends one command line to every monitor, with the database the client has
   * selected after running it, as Redis does.
   */
  feed(client: Client, argv: readonly string[]): void {
    if (this.clients.size === 0) return;
    const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
    const seconds = micros / 1_000_000n;
    const fraction = String(micros % 1_000_000n).padStart(6, "0");
    const line = `${seconds}.${fraction} [${client.dbIndex} ${client.addr}] ${
      redacted(argv).map(quoteArg).join(" ")
    }`;
    for (const monitor of this.clients) {
      if (monitor.replyMode === "off") continue;
      monitor.writer.simple(line);
      // The client running the command sends its output after it, in order.
      if (monitor !== client) monitor.flush().catch(() => {});
    }
  }
}
