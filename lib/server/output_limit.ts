/**
 * client-output-buffer-limit. Output a client did not ask for (pub/sub
 * messages, keyspace notifications, invalidations) is always checked: what
 * other clients publish keeps coming to a subscriber that never reads, so, as
 * Redis does, such a client is disconnected once its unsent output passes the
 * hard limit, or stays above the soft limit for the configured seconds, and our
 * memory stays bounded. Replies to a client's own commands are bounded by
 * back-pressure (the client must read before we read more from it, DESIGN.md
 * §3) and checked only when the normal class has a limit, as one huge reply
 * can still pass it.
 *
 * @module
 */
import { describeClient } from "../commands/connection.ts";
import type { Config } from "../config.ts";
import type { Client } from "./client.ts";

interface Limit {
  hard: number;
  soft: number;
  seconds: number;
}

/** Reads the `<class> <hard> <soft> <seconds>` groups as CONFIG GET prints them. */
function parseLimits(text: string): Map<string, Limit> {
  const words = text.split(" ");
  const limits = new Map<string, Limit>();
  for (let i = 0; i + 3 < words.length; i += 4) {
    limits.set(words[i], {
      hard: Number(words[i + 1]),
      soft: Number(words[i + 2]),
      seconds: Number(words[i + 3]),
    });
  }
  return limits;
}

export class OutputLimits {
  private limits: Map<string, Limit>;
  /**
   * Whether the normal class has a limit, so that a client's replies to its
   * own commands are checked too; otherwise (the default, `normal 0 0 0`)
   * back-pressure alone bounds them and each command pays one field read.
   */
  limitsReplies = false;
  /** When each client went over its soft limit, while it stays over. */
  private readonly softSince = new WeakMap<Client, number>();

  constructor(config: Config) {
    this.limits = this.parse(config);
    config.onChange("client-output-buffer-limit", () => {
      this.limits = this.parse(config);
      return undefined;
    });
  }

  private parse(config: Config): Map<string, Limit> {
    const limits = parseLimits(config.get("client-output-buffer-limit"));
    const normal = limits.get("normal")!;
    this.limitsReplies = normal.hard !== 0 || normal.soft !== 0;
    return limits;
  }

  /**
   * After output was written to `client` outside its own command: sends it,
   * or, when the client's class limit is exceeded (Redis's
   * checkClientOutputBufferLimits), logs as Redis does, drops the output,
   * closes the connection and returns false, so the caller stops writing to it.
   */
  deliver(client: Client): boolean {
    if (this.closeIfExceeded(client)) return false;
    client.flush().catch(() => {
      // The peer is gone; its connection loop cleans up.
    });
    return true;
  }

  /**
   * When `client`'s unsent output exceeds its class's limit: logs as Redis
   * does, drops the output unsent, closes the connection and returns true.
   */
  closeIfExceeded(client: Client): boolean {
    if (!this.exceeded(client)) return false;
    client.server.log.warning(
      `Client ${describeClient(client)} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    client.writer.reset();
    client.server.unregister(client);
    client.close();
    return true;
  }

  private exceeded(client: Client): boolean {
    const limit = this.limits.get(client.server.pubsub.isSubscribed(client) ? "pubsub" : "normal")!;
    const used = client.unsentOutput;
    if (limit.hard !== 0 && used >= limit.hard) return true;
    if (limit.soft === 0 || used < limit.soft) {
      this.softSince.delete(client);
      return false;
    }
    const since = this.softSince.get(client);
    const now = Date.now();
    if (since === undefined) {
      this.softSince.set(client, now);
      return false;
    }
    return now - since > limit.seconds * 1000;
  }
}
