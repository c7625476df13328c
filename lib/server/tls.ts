/**
 * TLS listeners (tls-port) on node:tls, with client certificates as Redis's
 * tls-auth-clients: `yes` (a client must present a certificate signed by a
 * configured CA), `optional` (none is fine, but one presented must verify)
 * and `no` (none is asked for). A refused client is disconnected as its
 * handshake ends, before anything it sent is read, and is never a client of
 * the server (see {@link TlsListener}).
 *
 * Why node:tls for every TLS listener, `no` included, and not Deno.listenTls:
 * Deno.listenTls cannot request or verify client certificates
 * (denoland/deno#26825); node:tls's server can. With one kind of listener,
 * CONFIG SET of tls-auth-clients, or of the certificate, key and CA files,
 * applies to the next connections without reopening the port, as in Redis,
 * and there is one code path to test. The price: node:tls in Deno 2.9 is
 * slower than Deno.listenTls (redis-benchmark over TLS, 50 clients: about 20%
 * fewer requests per second one at a time, 30% fewer with -P 16; the
 * difference is node's TLS layer, not the adapter). Should that matter,
 * `no` could go back to Deno.listenTls, swapping the listener when CONFIG
 * SET asks for client certificates.
 *
 * A node TLSSocket is adapted ({@link TlsConnection}) to the small part of
 * Deno.Conn the client loop uses: read into a buffer (reading no further
 * ahead than 64 KiB), write honouring back-pressure, close, the addresses.
 *
 * @module
 */
import tls from "node:tls";
import type net from "node:net";
import { createPrivateKey, X509Certificate } from "node:crypto";

/** Redis's tls-auth-clients values. */
export type TlsAuthClients = "no" | "yes" | "optional";

/** What a TLS listener serves with: PEM texts read from the configured files. */
export interface TlsSettings {
  cert: string;
  key: string;
  /** The CA certificates client certificates must chain to (PEM blocks); empty: none configured. */
  ca: string[];
  authClients: TlsAuthClients;
}

/** Hears of the TLS handshakes that fail (Redis logs them). */
export type HandshakeFailure = (reason: string) => void;

/**
 * Unread input is held up to this many bytes; past it the socket stops
 * reading until the client loop asks for more (node:tls in Deno reads the TCP
 * socket on regardless of a paused stream, see {@link TlsConnection}).
 */
const READ_AHEAD = 64 * 1024;

/** The PEM certificate blocks in `text`. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a certificate file's text is not usable (no certificate, or one that does
 * not parse), or undefined when it is. node:tls in Deno checks nothing before
 * a handshake, so this is where a bad file is caught, as OpenSSL does at load.
 */
export function certificateProblem(text: string): string | undefined {
  const certificates = pemCertificates(text);
  // OpenSSL's words.
  if (certificates.length === 0) return "no certificate or crl found";
  for (const pem of certificates) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      return reason(error);
    }
  }
  return undefined;
}

/** Why a private key does not parse or does not match the certificate (OpenSSL's "key values mismatch"), if so. */
export function privateKeyProblem(certificate: string, key: string): string | undefined {
  try {
    const privateKey = createPrivateKey(key);
    return new X509Certificate(pemCertificates(certificate)[0]).checkPrivateKey(privateKey)
      ? undefined
      : "key values mismatch";
  } catch (error) {
    return reason(error);
  }
}

/**
 * The CA certificates of tls-ca-cert-file and of every file in
 * tls-ca-cert-dir. Throws with the reason (prefixed by the file) when the file
 * cannot be read or holds no certificate, as OpenSSL's
 * SSL_CTX_load_verify_locations fails. As OpenSSL, a missing or unreadable
 * directory is no error (it is looked in lazily there): it adds no CA.
 */
export function readCertificateAuthorities(file: string, dir: string): string[] {
  const found: string[] = [];
  if (file !== "") {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch (error) {
      throw new Error(`${file}: ${reason(error)}`);
    }
    const problem = certificateProblem(text);
    if (problem !== undefined) throw new Error(`${file}: ${problem}`);
    found.push(...pemCertificates(text));
  }
  if (dir !== "") {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      // As OpenSSL's lookup directory: nothing to be found there.
    }
    // c_rehash's <hash>.0 links and the files they point at: each certificate once.
    for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
      try {
        const text = Deno.readTextFileSync(`${dir}/${entry.name}`);
        // A file that is no good certificate is passed over, as OpenSSL's lookup does.
        if (certificateProblem(text) !== undefined) continue;
        for (const pem of pemCertificates(text)) if (!found.includes(pem)) found.push(pem);
      } catch {
        // Not a readable file (a subdirectory, say): OpenSSL would not use it either.
      }
    }
  }
  return found;
}

/** The node:tls secure context options of `settings`. */
function contextOptions(settings: TlsSettings): tls.SecureContextOptions {
  // Without CAs, no `ca`: then no client certificate verifies (see TlsListener.#refusal).
  return settings.ca.length === 0
    ? { cert: settings.cert, key: settings.key }
    : { cert: settings.cert, key: settings.key, ca: settings.ca };
}

/** Whether a peer certificate was presented (node returns {} or null when none). */
function presentedCertificate(socket: tls.TLSSocket): boolean {
  const peer = socket.getPeerCertificate();
  return peer !== null && peer !== undefined && Object.keys(peer).length !== 0;
}

/** A node error as the Deno.errors the client loop takes for a disconnect, when it is one. */
function asDenoError(error: Error): Error {
  const code = (error as { code?: string }).code;
  if (code === "ECONNRESET") return new Deno.errors.ConnectionReset(error.message);
  if (code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END") {
    return new Deno.errors.BrokenPipe(error.message);
  }
  if (code === "ECONNABORTED") return new Deno.errors.ConnectionAborted(error.message);
  return error;
}

/** The raw TCP handle under a node TLSSocket, when the runtime exposes it. */
interface RawHandle {
  readStop(): unknown;
  readStart(): unknown;
}

/**
 * A node TLSSocket, after its handshake, as the part of Deno.Conn the client
 * loop uses. Input is taken as it arrives and handed out by {@link read}; once
 * {@link READ_AHEAD} bytes wait unread the TCP socket stops reading (its
 * handle's readStop: in Deno, pausing the TLSSocket's stream does not stop
 * the TCP reads beneath, so a client that sends without the server reading
 * would otherwise fill memory) and starts again when the loop has taken them.
 * Writes resolve once node has handed the data to the socket, so a peer that
 * does not read holds the writer back.
 */
export class TlsConnection {
  readonly remoteAddr: Deno.NetAddr;
  readonly localAddr: Deno.NetAddr;
  /** Input received and not yet read, oldest first; {@link offset} into the first. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #buffered = 0;
  #ended = false;
  #error: Error | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #raw: RawHandle | undefined;
  /** Whether the TCP reads are stopped because input waits unread. */
  #stopped = false;
  /** The most input held unread at once (for tests of the back-pressure). */
  maxBuffered = 0;

  constructor(readonly socket: tls.TLSSocket) {
    this.remoteAddr = netAddr(socket.remoteAddress, socket.remotePort);
    this.localAddr = netAddr(socket.localAddress, socket.localPort);
    const handle = (socket as unknown as { _parent?: { _handle?: Partial<RawHandle> } })._parent?._handle;
    this.#raw = typeof handle?.readStop === "function" && typeof handle.readStart === "function"
      ? handle as RawHandle
      : undefined;
    socket.on("data", (chunk: Uint8Array) => {
      if (this.#closed) return;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered > this.maxBuffered) this.maxBuffered = this.#buffered;
      if (this.#buffered >= READ_AHEAD) this.#stopReading();
      this.#wakeReader();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#wakeReader();
    });
    socket.on("error", (error: Error) => {
      this.#error ??= asDenoError(error);
      this.#wakeReader();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wakeReader();
    });
  }

  /** Input held unread now. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Whether the TCP reads are stopped for unread input. */
  get readingStopped(): boolean {
    return this.#stopped;
  }

  /** As Deno.Conn's read: up to `buffer.length` bytes, null at the end of input or once closed. */
  async read(buffer: Uint8Array): Promise<number | null> {
    for (;;) {
      if (this.#closed) return null;
      if (this.#buffered !== 0) return this.#take(buffer);
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      this.#startReading();
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  #take(buffer: Uint8Array): number {
    let n = 0;
    while (n < buffer.length && this.#chunks.length !== 0) {
      const chunk = this.#chunks[0];
      const part = chunk.subarray(this.#offset, this.#offset + buffer.length - n);
      buffer.set(part, n);
      n += part.length;
      this.#offset += part.length;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#buffered -= n;
    if (this.#buffered < READ_AHEAD) this.#startReading();
    return n;
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #stopReading(): void {
    if (this.#stopped || this.#raw === undefined) return;
    this.#stopped = true;
    this.#raw.readStop();
  }

  #startReading(): void {
    if (!this.#stopped || this.#closed) return;
    this.#stopped = false;
    this.#raw!.readStart();
  }

  /** As Deno.Conn's write: resolves with the length once node has written it all to the socket. */
  write(data: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(new Deno.errors.BadResource("connection closed"));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error?: Error | null) => {
        if (error) reject(asDenoError(error));
        else resolve(data.length);
      });
    });
  }

  /**
   * Ends the connection: a pending read gets null, TLS's close_notify goes out
   * after what was written, then the socket is destroyed (at once if that
   * cannot be flushed soon, as a peer that does not read would hold it).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    this.#buffered = 0;
    this.#wakeReader();
    const socket = this.socket;
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), 1000);
    Deno.unrefTimer(timer);
    socket.once("close", () => clearTimeout(timer));
    socket.once("finish", () => socket.destroy());
    socket.once("error", () => socket.destroy());
    socket.end();
  }

  setNoDelay(noDelay = true): void {
    this.socket.setNoDelay(noDelay);
  }

  setKeepAlive(keepAlive = true): void {
    this.socket.setKeepAlive(keepAlive);
  }
}

function netAddr(hostname: string | undefined, port: number | undefined): Deno.NetAddr {
  return { transport: "tcp", hostname: hostname ?? "?", port: port ?? 0 };
}

/**
 * A TLS listener as the server's accept loop uses a Deno.Listener: iterating
 * yields each connection whose handshake succeeded (and whose certificate
 * verified, as tls-auth-clients asks); close() stops accepting. Handshakes
 * that fail are reported to `onHandshakeFailure` and never reach the server.
 */
export class TlsListener implements AsyncIterable<TlsConnection> {
  readonly addr: Deno.NetAddr;
  #settings: TlsSettings;
  #accepted: TlsConnection[] = [];
  #waiting: ((result: IteratorResult<TlsConnection>) => void) | undefined;
  #closed = false;
  /** TCP connections whose handshake has not ended: destroyed when the listener closes. */
  #handshaking = new Set<net.Socket>();

  private constructor(
    readonly server: tls.Server,
    settings: TlsSettings,
    readonly onHandshakeFailure: HandshakeFailure,
  ) {
    this.#settings = settings;
    const address = server.address() as net.AddressInfo;
    this.addr = { transport: "tcp", hostname: address.address, port: address.port };
    server.on("connection", (raw: net.Socket) => {
      if (this.#closed) {
        raw.destroy();
        return;
      }
      this.#handshaking.add(raw);
      raw.once("close", () => this.#handshaking.delete(raw));
    });
    server.on("secureConnection", (socket: tls.TLSSocket) => this.#secured(socket));
    server.on("tlsClientError", (error: Error) => {
      if (!this.#closed) this.onHandshakeFailure(error.message);
    });
    // A listening error after the start (there is none to expect) must not crash the process.
    server.on("error", () => {});
  }

  /** Listens on hostname:port (0: any free port); rejects as Deno.listen throws when it cannot. */
  static listen(
    hostname: string,
    port: number,
    settings: TlsSettings,
    onHandshakeFailure: HandshakeFailure,
  ): Promise<TlsListener> {
    const server = tls.createServer({
      ...contextOptions(settings),
      ...TlsListener.#verifyOptions(settings),
    });
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      server.once("error", failed);
      server.listen({ host: hostname, port }, () => {
        server.off("error", failed);
        resolve(new TlsListener(server, settings, onHandshakeFailure));
      });
    });
  }

  /**
   * node:tls options per mode: a certificate is asked for unless `no`, and the
   * handshake is let end whatever came: {@link #refusal} then decides, before
   * anything is read from the client, for `yes` and `optional` alike. So every
   * refusal is logged with its reason ("peer did not return a certificate",
   * "certificate verify failed: DEPTH_ZERO_SELF_SIGNED_CERT", ...), where
   * node:tls refusing during the handshake itself only says "socket hang up";
   * and without a CA no certificate is trusted, as in Redis, where node would
   * verify against its default roots. The client sees the same either way:
   * the connection closed before any reply.
   */
  static #verifyOptions(settings: TlsSettings): { requestCert: boolean; rejectUnauthorized: boolean } {
    return { requestCert: settings.authClients !== "no", rejectUnauthorized: false };
  }

  /** The settings the next connections get. */
  get settings(): TlsSettings {
    return this.#settings;
  }

  /**
   * New settings for the next connections (those accepted stay as they are):
   * the certificate, key and CAs, and tls-auth-clients.
   */
  configure(settings: TlsSettings): void {
    const previous = this.#settings;
    const same = previous.cert === settings.cert && previous.key === settings.key &&
      previous.ca.join("\n") === settings.ca.join("\n");
    if (!same) {
      this.server.setSecureContext(contextOptions(settings));
    }
    // tls.Server reads these per connection, when it wraps the TCP socket.
    const options = TlsListener.#verifyOptions(settings);
    const server = this.server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
    server.requestCert = options.requestCert;
    server.rejectUnauthorized = options.rejectUnauthorized;
    this.#settings = settings;
  }

  /** Why a client's certificate is refused under the current settings, or undefined when it is fine. */
  #refusal(socket: tls.TLSSocket): string | undefined {
    const { authClients, ca } = this.#settings;
    if (authClients === "no") return undefined;
    const presented = presentedCertificate(socket);
    if (!presented) return authClients === "yes" ? "peer did not return a certificate" : undefined;
    if (ca.length === 0) return "certificate verify failed: no CA certificate configured";
    if (!socket.authorized) {
      return `certificate verify failed: ${socket.authorizationError ?? "not authorized"}`;
    }
    return undefined;
  }

  #secured(socket: tls.TLSSocket): void {
    const raw = (socket as unknown as { _parent?: net.Socket })._parent;
    if (raw !== undefined) this.#handshaking.delete(raw);
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const refusal = this.#refusal(socket);
    if (refusal !== undefined) {
      socket.destroy();
      this.onHandshakeFailure(refusal);
      return;
    }
    const connection = new TlsConnection(socket);
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ value: connection, done: false });
    } else {
      this.#accepted.push(connection);
    }
  }

  /** Stops accepting; handshakes in progress are cut, connections already yielded stay open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.server.close();
    for (const raw of this.#handshaking) raw.destroy();
    this.#handshaking.clear();
    for (const connection of this.#accepted) connection.close();
    this.#accepted = [];
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<TlsConnection> {
    return {
      next: () => {
        const connection = this.#accepted.shift();
        if (connection !== undefined) return Promise.resolve({ value: connection, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiting = resolve);
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
