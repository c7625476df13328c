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
import type { RedixServer } from "./server.ts";

/**
 * Once this much output is waiting, it is sent before more commands are run.
 * Together with reading only after a write completes, this bounds the memory a
 * client that pipelines without reading can make us hold (back-pressure).
 */
const OUTPUT_FLUSH_THRESHOLD = 64 * 1024;

function formatAddress(addr: Deno.Addr): string {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    return addr.hostname.includes(":") ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
  }
  return "path" in addr ? `${addr.path}:0` : "?:0";
}

export class Client {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  readonly decoder: RespDecoder;
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
  /** Resolves when the connection loop has ended. */
  readonly done: Promise<void>;

  constructor(
    readonly server: RedixServer,
    private readonly conn: Deno.TcpConn,
    id: number,
  ) {
    this.id = id;
    this.addr = formatAddress(conn.remoteAddr);
    this.laddr = formatAddress(conn.localAddr);
    this.db = server.keyspace.dbs[0];
    this.decoder = new RespDecoder(server.limits);
    conn.setNoDelay(true);
    this.done = this.run();
  }

  get protocol(): 2 | 3 {
    return this.writer.protocol;
  }

  /** Which database is selected, by number. */
  get dbIndex(): number {
    return this.db.index;
  }

  private async run(): Promise<void> {
    const server = this.server;
    const decoder = this.decoder;
    try {
      while (!this.closeAfterReply) {
        this.idle = true;
        const n = await this.conn.read(decoder.writable());
        this.idle = false;
        if (n === null) break;
        decoder.commit(n);
        server.stats.netInputBytes += n;
        if (decoder.buffered > server.limits.maxQueryBuffer) {
          // As Redis: no reply, the client is dropped and the event logged.
          server.log.warning(
            `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} ` +
              `qbuf=${decoder.buffered}`,
          );
          break;
        }
        this.lastInteraction = Date.now();
        let argv: string[] | null;
        while ((argv = decoder.next()) !== null) {
          server.execute(this, argv);
          if (this.closeAfterReply) break;
          if (this.writer.length >= OUTPUT_FLUSH_THRESHOLD) await this.flush();
        }
        await this.flush();
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

  /** Sends every pending reply. */
  async flush(): Promise<void> {
    const writer = this.writer;
    if (writer.length === 0) return;
    const data = writer.pending();
    try {
      let sent = 0;
      while (sent < data.length) {
        sent += await this.conn.write(data.subarray(sent));
      }
      this.server.stats.netOutputBytes += data.length;
    } finally {
      writer.reset();
    }
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
