/**
 * One client connection: the read -> decode -> execute -> encode -> one write
 * loop of DESIGN.md §3, plus the per-connection state commands see (selected
 * database, protocol, name ...).
 *
 * @module
 */
import { ProtocolError, RespDecoder } from "../resp/decoder.ts";
import { ReplyWriter } from "../resp/writer.ts";
import type { Database } from "../store/database.ts";
import type { Command } from "../commands/table.ts";
import type { BlockedState } from "./blocking.ts";
import type { RedixServer } from "./server.ts";
import { TransactionState } from "./transaction.ts";
import { DEFAULT_USER } from "./auth.ts";
import { CommandLookahead } from "./lookahead.ts";

/**
 * Once this much output is waiting, it is sent before more commands are run.
 * Together with reading only after a write completes, this bounds the memory a
 * client that pipelines without reading can make us hold (back-pressure).
 */
const OUTPUT_FLUSH_THRESHOLD = 64 * 1024;

const UNBLOCKED: unique symbol = Symbol("unblocked");

/** flush()'s answer when there is nothing to send, without a new promise each time. */
const NOTHING_TO_SEND = Promise.resolve();

/** How {@link Client.runCommands} ended: all buffered commands run, stopped to wait, or the connection must end. */
const RAN_ALL = 0;
const STOPPED = 1;
const MUST_CLOSE = 2;
type RunResult = typeof RAN_ALL | typeof STOPPED | typeof MUST_CLOSE;

function formatAddress(addr: Deno.Addr): string {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    return addr.hostname.includes(":") ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
  }
  return "path" in addr ? `${addr.path}:0` : "?:0";
}

/**
 * The part of Deno.Conn the loop uses: a Deno.TcpConn, or a TLS connection
 * (lib/server/tls.ts adapts a node:tls socket to it).
 */
export type Connection = Pick<Deno.Conn, "read" | "write" | "close" | "remoteAddr" | "localAddr"> & {
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
};

export class Client {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  readonly decoder: RespDecoder;
  /** The decoder's commands, a pipeline's worth at a time (see lib/server/lookahead.ts). */
  private readonly lookahead: CommandLookahead;
  readonly writer = new ReplyWriter();
  db: Database;
  name = "";
  libName = "";
  libVersion = "";
  /** The last command run, for CLIENT LIST's `cmd`. */
  lastCommand: Command | undefined;
  /** Set by QUIT, SHUTDOWN or a kill: close once the pending replies are sent. */
  closeAfterReply = false;
  /** True while the loop waits for input, i.e. no command or write is in progress. */
  private idle = false;
  /** Set while a blocking command waits; see lib/server/blocking.ts. */
  blocked: BlockedState | undefined;
  /** MULTI's queue and the WATCHed keys; see lib/server/transaction.ts. */
  readonly transaction = new TransactionState();
  /**
   * CLIENT REPLY: "skip" drops the next command's reply only, and is
   * "skipping" while that command runs (Redis's SKIP_NEXT and SKIP flags), so
   * that CLIENT REPLY ON can turn replies back on in time for its own OK.
   */
  replyMode: "on" | "off" | "skip" | "skipping" = "on";
  /** The user the connection is authenticated as (or will be, until {@link authenticated}). */
  user = DEFAULT_USER;
  /**
   * Whether the connection is authenticated: at connection time, when the
   * default user needs no password; after AUTH or HELLO ... AUTH. As Redis, a
   * password set later does not log out connections already authenticated.
   */
  authenticated: boolean;
  /** CLIENT NO-EVICT: kept out of client eviction (shown as flag e). */
  noEvict = false;
  /** CLIENT NO-TOUCH: this client's lookups leave keys' LRU/LFU stamps as they were (except TOUCH). */
  noTouch = false;
  /** A read started while blocked and not yet consumed, into {@link blockedReadBuffer}. */
  private readWhileBlocked: Promise<number | null> | undefined;
  private blockedReadBuffer: Uint8Array | undefined;
  /**
   * The last sending loop (see {@link flush}), and whether it still runs: a
   * flag its own body sets and clears, so that a loop that ends before
   * flush() has stored its promise never looks in progress.
   */
  private flushing: Promise<void> | undefined;
  private sending = false;
  /** Bytes taken from the writer by the sending loop and not yet written to the socket. */
  private inFlight = 0;
  /** Resolves when the connection loop has ended. */
  readonly done: Promise<void>;

  /**
   * @param internal Redis's fake client of AOF loading: it has no user and
   *   none of the checks of a connection applies to what it replays (see
   *   RedixServer.dispatch), else a password, a restricted default user or
   *   maxmemory would refuse writes that were acknowledged.
   */
  constructor(
    readonly server: RedixServer,
    private readonly conn: Connection,
    id: number,
    readonly internal = false,
  ) {
    this.id = id;
    this.addr = formatAddress(conn.remoteAddr);
    this.laddr = formatAddress(conn.localAddr);
    this.db = server.keyspace.dbs[0];
    this.authenticated = server.auth.noPassword();
    this.decoder = new RespDecoder(server.limits);
    this.lookahead = new CommandLookahead(this.decoder, server.table);
    if (!internal) this.writer.onError = (text) => server.errorStats.record(text);
    conn.setNoDelay?.(true);
    this.done = this.run();
  }

  get protocol(): 2 | 3 {
    return this.writer.protocol;
  }

  /**
   * Whether a blocking command may wait: not inside EXEC, which owes one reply
   * per command now (there it acts as its non-blocking form, as in Redis).
   */
  get canBlock(): boolean {
    return !this.transaction.executing;
  }

  /** Which database is selected, by number. */
  get dbIndex(): number {
    return this.db.index;
  }

  /**
   * The connection loop. Written flat, with no async helper on the way of a
   * plain request: at -P 1 every promise and microtask per request shows.
   */
  private async run(): Promise<void> {
    const server = this.server;
    const decoder = this.decoder;
    try {
      while (!this.closeAfterReply) {
        this.idle = true;
        const sideRead = this.readWhileBlocked;
        const n = sideRead !== undefined ? await sideRead : await this.conn.read(decoder.writable());
        this.idle = false;
        if (!this.received(n, sideRead !== undefined)) break;
        let ran: RunResult;
        while ((ran = this.runCommands()) !== RAN_ALL) {
          if (ran === MUST_CLOSE) return;
          if (this.blocked !== undefined) {
            if (!(await this.waitWhileBlocked())) return;
          } else {
            await this.flush();
          }
        }
        // Reads wait for sends in progress too (someone else's flush: a PUBLISH, a MONITOR feed): back-pressure.
        if (this.writer.length !== 0 || this.sending) await this.flush();
      }
    } catch (error) {
      if (error instanceof ProtocolError) {
        server.log.verbose(`Protocol error (${error.message}) from client: id=${this.id} addr=${this.addr}`);
        this.writer.error(`ERR ${error.message}`);
        await this.flush().catch(() => {});
      } else if (!isDisconnect(error)) {
        server.log.warning(`Client id=${this.id} addr=${this.addr} failed: ${error}`);
      }
    } finally {
      this.closeConnection();
      server.unregister(this);
    }
  }

  /**
   * Hands `n` bytes just read to the decoder (from the side buffer when the
   * read was started while blocked); false when the peer has gone or sent more
   * than the query buffer limit.
   */
  private received(n: number | null, intoSideBuffer: boolean): boolean {
    if (intoSideBuffer) {
      this.readWhileBlocked = undefined;
      if (n !== null) this.decoder.push(this.blockedReadBuffer!.subarray(0, n));
    } else if (n !== null) {
      this.decoder.commit(n);
    }
    if (n === null) return false;
    const stats = this.server.stats;
    stats.netInputBytes += n;
    stats.readsProcessed++;
    this.lastInteraction = this.server.coarseNow;
    return this.withinQueryBufferLimit();
  }

  private withinQueryBufferLimit(): boolean {
    if (this.decoder.buffered <= this.server.limits.maxQueryBuffer) return true;
    // As Redis: no reply, the client is dropped and the event logged.
    this.server.log.warning(
      `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} ` +
        `qbuf=${this.decoder.buffered}`,
    );
    return false;
  }

  /**
   * Runs the complete commands buffered, stopping early when one blocks (or is
   * held by a client pause) or enough output has piled up to send first.
   */
  private runCommands(): RunResult {
    const server = this.server;
    const lookahead = this.lookahead;
    let argv: string[] | null;
    server.beginRun(this);
    try {
      while ((argv = lookahead.take(this.db)) !== null) {
        server.execute(this, argv, lookahead.taken);
        if (server.outputLimits.limitsReplies && server.outputLimits.closeIfExceeded(this)) return MUST_CLOSE;
        if (this.blocked !== undefined) return STOPPED;
        if (this.closeAfterReply) return RAN_ALL;
        if (this.writer.length >= OUTPUT_FLUSH_THRESHOLD) return STOPPED;
      }
      return RAN_ALL;
    } finally {
      server.endRun();
    }
  }

  /**
   * Holds the rest of the pipeline while a blocking command waits (DESIGN.md
   * §8), still reading so that a disconnect is noticed and the client leaves
   * its queues: an element must never be served to a peer that is gone.
   * Input is read into a side buffer, as the decoder is in use. False when the
   * connection must end.
   */
  private async waitWhileBlocked(): Promise<boolean> {
    await this.flush();
    // The wait may have ended while the replies were sent (a timeout, a push, CLIENT UNBLOCK).
    if (this.blocked === undefined) return !this.closeAfterReply;
    const unblocked = this.blocked.unblocked.then((): typeof UNBLOCKED => UNBLOCKED);
    this.idle = true;
    try {
      while (this.blocked !== undefined) {
        this.blockedReadBuffer ??= new Uint8Array(16 * 1024);
        this.readWhileBlocked ??= this.conn.read(this.blockedReadBuffer);
        const n = await Promise.race([unblocked, this.readWhileBlocked]);
        if (n === UNBLOCKED) break;
        this.readWhileBlocked = undefined;
        if (n === null) return false;
        this.decoder.push(this.blockedReadBuffer.subarray(0, n));
        this.server.stats.netInputBytes += n;
        this.server.stats.readsProcessed++;
        if (!this.withinQueryBufferLimit()) return false;
      }
    } finally {
      this.idle = false;
    }
    this.lastInteraction = this.server.coarseNow;
    return !this.closeAfterReply;
  }

  /**
   * Sends every pending reply; concurrent calls share one sending loop, so
   * replies go out in order whoever produced them.
   */
  flush(): Promise<void> {
    if (!this.sending) {
      if (this.writer.length === 0) return NOTHING_TO_SEND;
      this.flushing = this.send();
    }
    return this.flushing!;
  }

  private async send(): Promise<void> {
    const writer = this.writer;
    this.sending = true;
    try {
      while (writer.length !== 0) {
        // The writes these replies acknowledge reach the AOF first (fsynced with appendfsync always).
        this.server.aof.beforeReply();
        const data = writer.take();
        let sent = 0;
        while (sent < data.length) {
          this.inFlight = data.length - sent;
          sent += await this.conn.write(sent === 0 ? data : data.subarray(sent));
          this.server.stats.writesProcessed++;
        }
        this.server.stats.netOutputBytes += data.length;
        // As Redis's writeToClient, output sent counts as interaction for `timeout`.
        this.lastInteraction = this.server.coarseNow;
      }
    } finally {
      this.inFlight = 0;
      this.sending = false;
    }
  }

  /** Output not yet written to the socket, for client-output-buffer-limit. */
  get unsentOutput(): number {
    return this.writer.length + this.inFlight;
  }

  /**
   * Ends the connection once the replies in flight are written: at once if the
   * loop is waiting for input, else when the current batch has been sent.
   */
  close(): void {
    this.closeAfterReply = true;
    if (this.idle) this.closeConnection();
  }

  private closed = false;
  private closeConnection(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/** Errors that only mean the peer went away. */
function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.Interrupted;
}
