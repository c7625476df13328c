/**
 * MIGRATE's connections to target servers, cached by "host:port" as Redis's
 * migrateCachedSocket: a run of MIGRATEs to one target (redis-cli --cluster
 * moves a slot key by key) connects once. A link is closed after 10 s
 * unused, on any I/O error or timeout, and when the cache would grow past 64
 * (a random one goes). Each remembers the database it last selected, so that
 * SELECT is sent only when it changes.
 *
 * Every operation has a deadline, as Redis's syncWrite / syncReadLine: the
 * MIGRATE timeout applies to the connect, to each 64 KB written and to each
 * reply line read.
 *
 * @module
 */

import { bytesToBinary } from "../util/latin1.ts";

const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;
/** Redis writes the request in chunks of this size, each within the timeout. */
const WRITE_CHUNK = 64 * 1024;

/** Why a link failed: Redis's replies name the step ("connecting", "writing", "reading") and retry unless it timed out. */
export class LinkError extends Error {
  constructor(readonly step: "connecting" | "writing" | "reading", readonly timedOut: boolean) {
    super(`${step} failed`);
  }
}

/** Rejects with a timed-out LinkError if `promise` has not settled within `ms`; `onTimeout` cleans up. */
function within<T>(
  promise: Promise<T>,
  ms: number,
  step: LinkError["step"],
  onTimeout: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new LinkError(step, true));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class MigrateLink {
  /** The database the target has selected on this link; -1 when unknown (SELECT next time). */
  lastDb = -1;
  lastUse = Date.now();
  /** Bytes read past the last line returned. */
  private input = new Uint8Array(0);
  private closed = false;

  constructor(private readonly conn: Deno.TcpConn) {}

  async write(data: Uint8Array, timeoutMs: number): Promise<void> {
    for (let at = 0; at < data.length; at += WRITE_CHUNK) {
      const chunk = data.subarray(at, Math.min(at + WRITE_CHUNK, data.length));
      let sent = 0;
      while (sent < chunk.length) {
        const write = this.conn.write(chunk.subarray(sent)).catch(() => {
          throw new LinkError("writing", false);
        });
        sent += await within(write, timeoutMs, "writing", () => this.close());
      }
    }
  }

  /** The next reply line, without its CRLF, as a binary string. */
  async readLine(timeoutMs: number): Promise<string> {
    for (;;) {
      const end = this.input.indexOf(10);
      if (end !== -1) {
        const line = this.input.subarray(0, end > 0 && this.input[end - 1] === 13 ? end - 1 : end);
        this.input = this.input.subarray(end + 1);
        return bytesToBinary(line);
      }
      const chunk = new Uint8Array(16 * 1024);
      const read = this.conn.read(chunk).catch(() => null);
      const n = await within(read, timeoutMs, "reading", () => this.close());
      if (n === null) throw new LinkError("reading", false);
      const merged = new Uint8Array(this.input.length + n);
      merged.set(this.input);
      merged.set(chunk.subarray(0, n), this.input.length);
      this.input = merged;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

export class MigrateLinks {
  private readonly links = new Map<string, MigrateLink>();

  /** How many links are open (INFO's migrate_cached_sockets). */
  get size(): number {
    return this.links.size;
  }

  /**
   * The cached link to host:port, or a new one. A name that does not resolve
   * (or a negative port) or a connect that times out is a "connecting" error,
   * as in Redis; a refused connection (or a port of 0 or above 65535) shows, as
   * in Redis, only when the request is written.
   */
  async get(host: string, port: number, timeoutMs: number): Promise<MigrateLink> {
    const name = `${host}:${port}`;
    const cached = this.links.get(name);
    if (cached !== undefined) {
      cached.lastUse = Date.now();
      return cached;
    }
    if (this.links.size >= CACHE_ITEMS) {
      const names = [...this.links.keys()];
      this.close(names[Math.floor(Math.random() * names.length)]);
    }
    // As Redis's resolver, which refuses a negative port, and its connect, which fails later on the others.
    if (port < 0) throw new LinkError("connecting", false);
    if (port === 0 || port > 65535) throw new LinkError("writing", false);
    let conn: Deno.TcpConn | undefined;
    let gaveUp = false;
    const connecting = Deno.connect({ hostname: host, port }).then((opened) => {
      if (gaveUp) opened.close();
      return conn = opened;
    }, (error) => {
      throw new LinkError(error instanceof Deno.errors.ConnectionRefused ? "writing" : "connecting", false);
    });
    await within(connecting, timeoutMs, "connecting", () => gaveUp = true);
    conn!.setNoDelay(true);
    const link = new MigrateLink(conn!);
    this.links.set(name, link);
    return link;
  }

  /** Closes and forgets the link to `name` ("host:port"), if any. */
  close(name: string): void {
    this.links.get(name)?.close();
    this.links.delete(name);
  }

  /** Closes the links unused for longer than the cache's TTL (from the server's cron). */
  closeIdle(now: number): void {
    for (const [name, link] of this.links) {
      if (now - link.lastUse > CACHE_TTL_MS) this.close(name);
    }
  }

  closeAll(): void {
    for (const name of [...this.links.keys()]) this.close(name);
  }
}
