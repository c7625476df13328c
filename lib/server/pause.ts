/**
 * CLIENT PAUSE: while a pause lasts, the commands it covers wait (they are not
 * refused): every command under ALL, under WRITE those that write or may
 * propagate (EVAL, PUBLISH ...) and an EXEC that queued one. As in Redis a
 * monitor, a replica in Redis's eyes, is never paused.
 *
 * A held command parks its client in the blocking registry, so the connection
 * loop waits as for a blocking command (noticing a disconnect, showing flag b),
 * and runs again, in arrival order, when the pause ends.
 *
 * The same holding serves MIGRATE, which Redis runs with the whole server
 * stopped while it talks to the target: while one client has the server to
 * itself ({@link ClientPause.beginExclusive}), every other client's commands
 * wait, and the data set stays still as under a pause.
 *
 * @module
 */
import type { Command } from "../commands/table.ts";
import type { Client } from "./client.ts";

/** setTimeout fires at once for delays beyond a signed 32-bit number of ms. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

function writes(command: Command): boolean {
  return command.flags.has("write") || command.flags.has("may_replicate");
}

export class ClientPause {
  private mode: "write" | "all" | undefined;
  /** Absolute ms at which the pause ends. */
  private end = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The client that has the server to itself, if any. */
  private exclusive: Client | undefined;
  /** The clients whose commands wait, in arrival order, with the command to run again. */
  private readonly held = new Map<Client, string[]>();

  /**
   * @param resume Runs a held command again once the pause is over; its
   * client has been unblocked.
   * @param park Parks a client until {@link release} unblocks it.
   */
  constructor(
    private readonly park: (client: Client) => void,
    private readonly release: (client: Client) => void,
    private readonly resume: (client: Client, argv: string[]) => void,
  ) {}

  /**
   * Whether a pause (WRITE or ALL) is in effect: as Redis 7.0's
   * checkClientPauseTimeoutAndReturnIfPaused, it suspends active and lazy
   * expiry and eviction, so the data set stays still; a pause whose end has
   * passed no longer counts, even before its timer runs.
   */
  get paused(): boolean {
    return this.exclusive !== undefined || (this.mode !== undefined && Date.now() < this.end);
  }

  /** Holds every command but `client`'s until {@link endExclusive}. */
  beginExclusive(client: Client): void {
    this.exclusive = client;
  }

  /** Runs the commands held meanwhile, unless a CLIENT PAUSE still holds them. */
  endExclusive(): void {
    this.exclusive = undefined;
    if (this.mode === undefined) this.resumeHeld();
  }

  /**
   * Pauses until `end` (absolute ms). A pause already in effect keeps the later
   * end and the stronger mode, as Redis's pauseClients.
   */
  pause(end: number, mode: "write" | "all"): void {
    if (this.mode !== "all") this.mode = mode;
    this.end = Math.max(this.end, end);
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() < this.end) this.arm();
      else this.unpause();
    }, Math.min(Math.max(0, this.end - Date.now()), MAX_TIMER_DELAY));
  }

  /**
   * Ends the pause; the held commands run in the order they came, once the
   * command running now (CLIENT UNPAUSE, maybe inside EXEC) is over.
   */
  unpause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.mode = undefined;
    this.end = 0;
    if (this.exclusive === undefined) this.resumeHeld();
  }

  private resumeHeld(): void {
    const held = [...this.held];
    this.held.clear();
    queueMicrotask(() => {
      for (const [client, argv] of held) {
        // Not blocked any more: it went away meanwhile.
        if (client.blocked === undefined) continue;
        this.release(client);
        this.resume(client, argv);
      }
    });
  }

  /** Whether `client` waits for the pause to end (CLIENT UNBLOCK leaves it waiting). */
  holds(client: Client): boolean {
    return this.held.has(client);
  }

  /**
   * Whether the pause holds this command; if so the client is parked and the
   * command will run when the pause ends. `isMonitor` exempts monitors.
   */
  hold(client: Client, command: Command, argv: string[], isMonitor: boolean): boolean {
    if (this.exclusive !== undefined) {
      if (client === this.exclusive) return false;
    } else if (this.mode === undefined || isMonitor) {
      return false;
    } else if (this.mode === "write" && !writes(command) && !this.execWrites(client, command)) {
      return false;
    }
    this.held.set(client, argv);
    this.park(client);
    return true;
  }

  private execWrites(client: Client, command: Command): boolean {
    return command.name === "exec" &&
      client.transaction.queued?.some((queued) => writes(queued.command)) === true;
  }

  /** A held client went away: its command is dropped. */
  forget(client: Client): void {
    this.held.delete(client);
  }
}
