/**
 * MONITOR: every command run is streamed to the monitoring clients as a status
 * line, `+1700000000.123456 [0 127.0.0.1:54321] "set" "k" "v"`, from the one
 * place commands run (the executor), as Redis's replicationFeedMonitors.
 *
 * @module
 */
import { isSensitiveParam } from "../config.ts";
import { quoteArg } from "../util/split_args.ts";
import type { Command } from "../commands/table.ts";
import type { Client } from "./client.ts";

/**
 * Arguments Redis 7.0 shows as "(redacted)" (in MONITOR and SLOWLOG):
 * credentials. AUTH's all (unless it has too many to run), HELLO's two after
 * AUTH, MIGRATE's after AUTH and AUTH2, ACL SETUSER's all from the user name
 * on, and the values CONFIG SET gives to masterauth, masteruser and requirepass.
 */
export function redacted(argv: readonly string[]): readonly string[] {
  switch (argv[0].toLowerCase()) {
    case "auth":
      return argv.length <= 3 ? hide(argv, (i) => i >= 1) : argv;
    case "migrate":
      return migrateRedacted(argv);
    case "hello": {
      const auth = argv.findIndex((arg, i) => i >= 2 && arg.toLowerCase() === "auth");
      return auth === -1 ? argv : hide(argv, (i) => i === auth + 1 || i === auth + 2);
    }
    case "acl":
      return argv.length >= 3 && argv[1].toLowerCase() === "setuser" ? hide(argv, (i) => i >= 2) : argv;
    case "config":
      // Only a CONFIG SET that gets as far as reading its pairs: an odd count is refused before.
      if (argv.length < 4 || argv.length % 2 !== 0 || argv[1].toLowerCase() !== "set") return argv;
      return hide(argv, (i) => i >= 3 && i % 2 === 1 && isSensitiveParam(argv[i - 1]));
    default:
      return argv;
  }
}

/** `argv` with the arguments at the positions `hidden` picks replaced by "(redacted)". */
function hide(argv: readonly string[], hidden: (i: number) => boolean): readonly string[] {
  return argv.map((arg, i) => hidden(i) ? "(redacted)" : arg);
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
  return hidden.size === 0 ? argv : hide(argv, (i) => hidden.has(i));
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
