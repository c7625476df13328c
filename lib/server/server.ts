/**
 * The server: listeners, the client registry, the command executor (the one place
 * every command passes through, where statistics and later ACL, MULTI, MONITOR
 * and keyspace events hang), the propagation point for writes, and the periodic
 * cron (active expiry, idle-client timeout).
 *
 * @module
 */
import { Config, NOTIFY } from "../config.ts";
import { Logger, type LogLevel } from "../log.ts";
import { CommandTable } from "../commands/table.ts";
import { ErrorStats, LatencyHistogram, TIMING_SAMPLE } from "./command_stats.ts";
import { FAST_TIMING_BELOW_USEC, SlowLog } from "./slowlog.ts";
import { LatencyMonitor } from "./latency_monitor.ts";
import { KeyFlag } from "../commands/key_specs.ts";
import { commandDefinitions } from "../commands/mod.ts";
import type { Database } from "../store/database.ts";
import { Keyspace } from "../store/keyspace.ts";
import { Eviction } from "../store/eviction.ts";
import { REDIS_VERSION, REDIX_VERSION } from "../version.ts";
import { BlockingRegistry } from "./blocking.ts";
import { Client, type Connection } from "./client.ts";
import { Notifications } from "./notifications.ts";
import { Tracking } from "./tracking.ts";
import { OutputLimits } from "./output_limit.ts";
import { allowedWhileSubscribed, PubSub } from "./pubsub.ts";
import { arityError, unknownCommandError, unknownSubcommandError } from "../commands/errors.ts";
import { queueInMulti, rejectCommand } from "../commands/transactions.ts";
import { DEBUG_NOT_ALLOWED } from "../commands/debug.ts";
import { describeClient } from "../commands/connection.ts";
import { heapMemory } from "../commands/info.ts";
import type { Command } from "../commands/table.ts";
import { Monitors } from "./monitor.ts";
import { ClientPause } from "./pause.ts";
import { MigrateLinks } from "./migrate_links.ts";
import { WatchRegistry } from "./transaction.ts";
import { Persistence } from "../persistence/save.ts";
import { Aof } from "../persistence/aof.ts";
import { Authenticator, NOAUTH, PROTECTED_MODE_DENIED } from "./auth.ts";
import {
  certificateProblem,
  privateKeyProblem,
  readCertificateAuthorities,
  type TlsAuthClients,
  TlsListener,
  type TlsSettings,
} from "./tls.ts";

export interface Stats {
  startTime: number;
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Reads from and writes to client sockets (INFO's total_reads_processed, total_writes_processed). */
  readsProcessed: number;
  writesProcessed: number;
  /** Requests per second over the last samples, for INFO's instantaneous_ops_per_sec. */
  opsPerSecond: number;
  /** KB per second read and written over the last samples (instantaneous_input_kbps, _output_kbps). */
  inputKbps: number;
  outputKbps: number;
}

function newStats(): Stats {
  return {
    startTime: Date.now(),
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    readsProcessed: 0,
    writesProcessed: 0,
    opsPerSecond: 0,
    inputKbps: 0,
    outputKbps: 0,
  };
}

/**
 * Receives each change to the data set as a deterministic command (DESIGN.md §6).
 * The AOF and replication will subscribe here.
 */
export type PropagationListener = (db: number, argv: readonly string[]) => void;

/**
 * Told which keys of `db` each write modified (WATCH, client-side caching);
 * `keys` null means all of them (FLUSHDB).
 */
export interface ModifiedKeysListener {
  /** Whether it wants telling now: while no listener does, writes skip working out their keys. */
  readonly listening: boolean;
  keysModified(db: Database, keys: readonly string[] | null): void;
}

/**
 * Thrown by {@link RedixServer.start} when a listening socket cannot be opened,
 * or TLS cannot be configured (tls-port with its certificate, key, client authentication).
 */
export class ListenError extends Error {}

const ENCODER = new TextEncoder();
/** Key-spec flags of a key a command writes (RW, OW or RM), not only reads. */
const WRITTEN_KEY = KeyFlag.RW | KeyFlag.OW | KeyFlag.RM;
const MAX_CLIENTS_REPLY = ENCODER.encode("-ERR max number of clients reached\r\n");
const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
  "Commands that may modify the data set are disabled, because this instance is configured to report errors " +
  "during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
  "for details about the RDB error.";
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

export class RedixServer {
  readonly log = new Logger();
  readonly table = new CommandTable(commandDefinitions);
  /** INFO errorstats and total_error_replies. */
  readonly errorStats = new ErrorStats();
  /**
   * The error count when the last command ended or was refused: a call that
   * adds to it failed (Redis's prev_err_count, so EXEC does not fail for the
   * errors of the commands it ran).
   */
  private errorsSeen = 0;
  /** min-replicas-to-write and min-replicas-max-lag are set, which no write can satisfy without replicas. */
  private writesNeedReplicas = false;
  /** SLOWLOG, and its threshold (slowlog-log-slower-than, microseconds; negative: off). */
  readonly slowlog = new SlowLog();
  private slowerThan = 10000;
  /** latency-tracking, read once per change rather than per timed call. */
  private latencyTracking = true;
  /**
   * Date.now() as of the last cron tick (hz times a second), as Redis's cached
   * server.unixtime: for per-request bookkeeping that needs no finer clock
   * (a client's last interaction), where reading the clock twice per request
   * would cost ~100 ns.
   */
  coarseNow = Date.now();
  /** LATENCY's spikes, and latency-monitor-threshold (milliseconds; 0: off). */
  readonly latencyMonitor = new LatencyMonitor();
  private latencyThreshold = 0;
  /**
   * The client whose pipeline is running ({@link beginRun} .. {@link endRun}),
   * and the clock as the last command timed in it ended, if the command just
   * before was timed (else -1). The next timed command of that run starts its
   * clock there rather than read it again: ~100 ns less per command timed for
   * SLOWLOG (every one that is not `fast`) in a pipeline, and the time between
   * the two is the next command's own decoding and checks. Outside a run (a
   * command released by a timer, an AOF replay) every timed call reads the
   * clock twice, as a reading kept across an await would be stale.
   */
  private runningClient: Client | undefined = undefined;
  private lastCallEnd = -1;
  readonly keyspace: Keyspace;
  readonly clients = new Map<number, Client>();
  readonly blocking = new BlockingRegistry();
  /** MIGRATE's cached connections to target servers. */
  readonly migrateLinks = new MigrateLinks();
  /** client-output-buffer-limit, for pushed output and for replies. */
  readonly outputLimits: OutputLimits;
  readonly watches: WatchRegistry;
  readonly monitors = new Monitors();
  readonly pause: ClientPause;
  readonly pubsub: PubSub;
  readonly notifications: Notifications;
  readonly tracking: Tracking;
  /** Credentials and protected mode (the default user; ACL users later). */
  readonly auth: Authenticator;
  /** maxmemory: the used memory estimate and the eviction of keys (lib/store/eviction.ts). */
  readonly eviction: Eviction;
  stats = newStats();
  /** The V8 heap when {@link start} began, before loading: Redis's used_memory_startup (MEMORY STATS). */
  startupMemory = 0;
  /** RDB: SAVE, BGSAVE, save points, loading at start. */
  readonly persistence: Persistence = new Persistence(this);
  /** The append-only file: appending, BGREWRITEAOF, loading at start. */
  readonly aof: Aof = new Aof(this);
  /** Whether {@link start} loads `<dir>/<dbfilename>` (see startServer for the library's default). */
  loadOnStart = true;
  /** Changes since the last save (INFO's rdb_changes_since_last_save). */
  dirty = 0;
  /**
   * What DEBUG switches at runtime, as Redis's server fields of the same use:
   * active expiry in the cron (DEBUG SET-ACTIVE-EXPIRE), the whole cron (DEBUG
   * PAUSE-CRON), and the CRC check of RESTORE payloads and RDB files (DEBUG
   * SET-SKIP-CHECKSUM-VALIDATION).
   */
  readonly debugFlags = { activeExpire: true, pauseCron: false, skipChecksumValidation: false };
  /**
   * Whether loading an RDB checks its CRC, as Redis's rdbLoad: under
   * `rdbchecksum yes` and not after DEBUG SET-SKIP-CHECKSUM-VALIDATION 1.
   */
  get verifyRdbChecksum(): boolean {
    return this.config.getBool("rdbchecksum") && !this.debugFlags.skipChecksumValidation;
  }
  /** The replication ID once DEBUG CHANGE-REPL-ID has changed it (INFO's master_replid). */
  replicationId: string | undefined;
  /** Shared with every client's decoder, so CONFIG SET applies to open connections. */
  readonly limits = { maxBulkLen: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 * 1024 };
  /** The TCP port actually bound (differs from the config when it asked for 0; 0 when serving TLS only). */
  port = 0;
  /** The TLS port listened on (tls-port), 0 when none. */
  tlsPort = 0;
  private listeners: (Deno.TcpListener | TlsListener)[] = [];
  /** Set once {@link start} has opened the listeners: CONFIG SET port or bind moves them from then on. */
  private listening = false;
  private nextClientId = 1;
  private cronTimer: ReturnType<typeof setInterval> | undefined;
  private propagationListeners: PropagationListener[] = [];
  private modifiedKeysListeners: ModifiedKeysListener[] = [];
  /** Writes held back while EXEC runs, see {@link propagateAsOne}. */
  /** The running command, while it has a keyspace event declared in the table and has not written yet. */
  private unnotifiedWrite: { command: Command; argv: readonly string[] } | undefined;
  private heldPropagation: { db: Database; argv: readonly string[] }[] | undefined;
  private opsSample = { time: Date.now(), commands: 0, input: 0, output: 0 };
  private shutdownPromise: Promise<void> | undefined;
  /** The signal that asked for a shutdown, until the cron carries it out (Redis's shutdown_asap). */
  private signalled: "SIGTERM" | "SIGINT" | undefined;
  private resolveClosed!: () => void;
  /** Resolves once the server has shut down (SHUTDOWN, a signal or {@link close}). */
  readonly closed = new Promise<void>((resolve) => this.resolveClosed = resolve);

  constructor(readonly config: Config = new Config()) {
    this.watches = new WatchRegistry();
    this.auth = new Authenticator(config, this.table);
    this.onModifiedKeys(this.watches);
    this.pause = new ClientPause(
      (client) => this.blocking.block(client, [], 0, () => false, () => {}),
      (client) => this.blocking.unblock(client),
      (client, argv) => this.execute(client, argv),
    );
    const outputLimits = this.outputLimits = new OutputLimits(config);
    this.pubsub = new PubSub(outputLimits);
    this.notifications = new Notifications(config, this.pubsub);
    this.tracking = new Tracking(this, outputLimits);
    this.keyspace = new Keyspace(config.getNumber("databases"), {
      keyExpired: (db, key) => {
        this.stats.expiredKeys++;
        this.deletedByServer(db, key, NOTIFY.EXPIRED, "expired");
      },
      keyReady: (db, key) => this.blocking.keyReady(db, key),
      mayExpire: () => !this.pause.paused,
    });
    this.notifications.watchAddedKeys(this.keyspace.dbs);
    this.eviction = new Eviction({
      keyspace: this.keyspace,
      config,
      keyEvicted: (db, key) => {
        this.stats.evictedKeys++;
        this.deletedByServer(db, key, NOTIFY.EVICTED, "evicted");
      },
      paused: () => this.pause.paused,
      keysOfWrite: (argv) => {
        const command = this.table.lookupFull(argv);
        return command === undefined ? null : this.table.keysOf(command, argv);
      },
    });
    this.applyConfig();
  }

  /** Wires runtime-changeable parameters to what they control. */
  private applyConfig(): void {
    const config = this.config;
    /** Applies the parameters `names` now, and again after every CONFIG SET of one of them. */
    const follow = (names: string[], apply: () => void) => {
      apply();
      for (const name of names) {
        config.onChange(name, () => {
          apply();
          return undefined;
        });
      }
    };
    follow(["loglevel", "logfile"], () => {
      this.log.level = config.getString("loglevel") as LogLevel;
      this.log.file = config.getString("logfile");
    });
    follow(["proto-max-bulk-len", "client-query-buffer-limit"], () => {
      this.limits.maxBulkLen = config.getNumber("proto-max-bulk-len");
      this.limits.maxQueryBuffer = config.getNumber("client-query-buffer-limit");
    });
    follow(["slowlog-log-slower-than"], () => this.slowerThan = config.getNumber("slowlog-log-slower-than"));
    // As Redis's checkGoodReplicasStatus, with no replicas: every write is refused while both are set.
    follow(
      ["min-replicas-to-write", "min-replicas-max-lag"],
      () =>
        this.writesNeedReplicas = config.getNumber("min-replicas-to-write") > 0 &&
          config.getNumber("min-replicas-max-lag") > 0,
    );
    follow(["latency-tracking"], () => this.latencyTracking = config.getBool("latency-tracking"));
    follow(
      ["latency-monitor-threshold"],
      () => this.latencyThreshold = config.getNumber("latency-monitor-threshold"),
    );
    follow(["maxmemory-policy", "lfu-log-factor", "lfu-decay-time"], () => {
      const clock = this.keyspace.clock;
      clock.lfu = config.getString("maxmemory-policy").endsWith("-lfu");
      clock.lfuLogFactor = config.getNumber("lfu-log-factor");
      clock.lfuDecayTime = config.getNumber("lfu-decay-time");
    });
    follow(
      ["maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity"],
      () => this.eviction.configure(),
    );
    config.onChange("maxmemory", () => {
      this.eviction.configure();
      // As Redis's CONFIG SET maxmemory: evict down to a lower limit at once (in the background past
      // the tenacity's time).
      const { limit } = this.eviction;
      if (limit === 0 || this.persistence.loading) return undefined;
      const used = this.eviction.used();
      if (used > limit) {
        this.log.warning(
          `WARNING: the new maxmemory value set via CONFIG SET (${limit}) is smaller than the current memory ` +
            `usage (${used}). This will result in key eviction and/or the inability to accept new write ` +
            "commands depending on the maxmemory-policy.",
        );
        this.eviction.perform();
      }
      return undefined;
    });
    config.onChange("hz", () => {
      if (this.cronTimer !== undefined) this.startCron();
      return undefined;
    });
    this.registerListenHooks();
    this.registerTlsHooks();
    config.onChange("appendonly", () => {
      if (!config.getBool("appendonly")) {
        this.aof.stop();
        return undefined;
      }
      return this.aof.start();
    });
  }

  /**
   * Opens the listeners, then loads the data set: as Redis, clients may
   * connect during the load and get -LOADING (see {@link dispatch}) for all
   * but the commands flagged `loading`. Resolves once loaded; on a load error
   * closes what it opened and throws.
   */
  async start(): Promise<void> {
    this.startupMemory = heapMemory();
    const requested = this.config.getNumber("port");
    const tlsPort = this.config.getNumber("tls-port");
    // As Redis, TLS is configured (certificate, key and CAs read) before anything listens.
    const tls = tlsPort !== 0 ? this.tlsSettings() : undefined;
    // As Redis, port 0 with a tls-port serves TLS only (port 0 alone picks a free port here).
    if (requested !== 0 || tls === undefined) {
      this.port = await this.listenAll(
        requested,
        (hostname, port) => Deno.listen({ hostname, port, transport: "tcp" }),
      );
    }
    if (tls !== undefined) {
      this.tlsPort = await this.listenAll(
        tlsPort,
        (hostname, port) => TlsListener.listen(hostname, port, tls, this.tlsHandshakeFailed),
      );
    }
    this.listening = true;
    this.startCron();
    try {
      // As Redis, the data is loaded before any other command is served.
      // With appendonly yes the AOF is the data set (as Redis 7.0: dump.rdb is then not read).
      if (this.config.getBool("appendonly")) this.aof.load();
      else if (this.loadOnStart) await this.persistence.load();
      this.aof.openOnStart();
    } catch (error) {
      await this.closeListeners();
      if (this.cronTimer !== undefined) clearInterval(this.cronTimer);
      this.cronTimer = undefined;
      for (const client of [...this.clients.values()]) client.close();
      throw error;
    }
  }

  /**
   * Listens with `open` on every bind address (a `-` prefix: optional), the
   * first on `requested` and the others on the port it got; returns that port.
   * On failure closes every listener opened so far and throws.
   */
  private async listenAll(
    requested: number,
    open: (hostname: string, port: number) => Deno.TcpListener | Promise<TlsListener>,
  ): Promise<number> {
    const addresses = this.config.bindAddresses();
    let bound: number | undefined;
    for (const { hostname, optional } of listenTargets(addresses)) {
      const port = bound ?? requested;
      let listener: Deno.TcpListener | TlsListener;
      try {
        listener = await open(hostname, port);
      } catch (error) {
        if (optional) continue;
        await this.closeListeners();
        const reason = error instanceof Error ? error.message : String(error);
        throw new ListenError(`Could not listen on ${hostname}:${port}: ${reason}`);
      }
      this.listeners.push(listener);
      bound = (listener.addr as Deno.NetAddr).port;
      this.acceptLoop(listener);
    }
    if (bound === undefined) {
      await this.closeListeners();
      throw new ListenError(`Could not listen on any of: ${addresses.join(" ")}`);
    }
    return bound;
  }

  /**
   * What the TLS listeners serve with: the certificate, the key and the CA
   * certificates (tls-ca-cert-file, and the files in tls-ca-cert-dir), read and
   * checked as Redis's tlsConfigure, with its messages. Throws ListenError.
   */
  private tlsSettings(): TlsSettings {
    const config = this.config;
    const fail = (message: string): never => {
      throw new ListenError(`Failed to configure TLS: ${message}`);
    };
    const certFile = config.getString("tls-cert-file");
    const keyFile = config.getString("tls-key-file");
    if (certFile === "") fail("No tls-cert-file configured!");
    if (keyFile === "") fail("No tls-key-file configured!");
    const authClients = config.getString("tls-auth-clients") as TlsAuthClients;
    const caFile = config.getString("tls-ca-cert-file");
    const caDir = config.getString("tls-ca-cert-dir");
    if (authClients !== "no" && caFile === "" && caDir === "") {
      fail(
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or " +
          "tls-auth-clients are enabled!",
      );
    }
    const read = (file: string, what: string): string => {
      try {
        return Deno.readTextFileSync(file);
      } catch (error) {
        return fail(`Failed to load ${what}: ${file}: ${error instanceof Error ? error.message : error}`);
      }
    };
    const cert = read(certFile, "certificate");
    const certProblem = certificateProblem(cert);
    if (certProblem !== undefined) fail(`Failed to load certificate: ${certFile}: ${certProblem}`);
    const key = read(keyFile, "private key");
    const keyProblem = privateKeyProblem(cert, key);
    if (keyProblem !== undefined) fail(`Failed to load private key: ${keyFile}: ${keyProblem}`);
    let ca: string[] = [];
    try {
      ca = readCertificateAuthorities(caFile, caDir);
    } catch (error) {
      fail(`Failed to configure CA certificate(s) file/directory: ${(error as Error).message}`);
    }
    return { cert, key, ca, authClients };
  }

  /**
   * A TLS handshake that failed (or a client certificate refused): logged as
   * Redis 7.0 does (at warning there), counted as Redis counts it: its client
   * existed during the handshake, with an id.
   */
  private readonly tlsHandshakeFailed = (reason: string): void => {
    this.stats.connectionsReceived++;
    this.nextClientId++;
    this.log.warning(`Error accepting a client connection: ${reason}`);
  };

  /**
   * CONFIG SET port and bind move the TCP listeners at once, as Redis's
   * changeListenPort and changeBindAddr do; connected clients stay.
   */
  private registerListenHooks(): void {
    this.config.onChange("port", () => this.relisten("Unable to listen on this port", true));
    this.config.onChange("bind", () => this.relisten("Failed to bind to specified addresses.", false));
  }

  /**
   * Listens on the configured addresses and port instead: a listener already
   * on one of them is kept (a second socket there would clash with it), the
   * others are opened before the remaining old ones close. Port 0 picks a free
   * port when `newPort` (CONFIG SET port 0), else keeps the one bound (a new
   * bind), and with a tls-port means TLS only, as at the start. `refusal`,
   * with nothing changed, when an address not marked optional cannot be had.
   */
  private relisten(refusal: string, newPort: boolean): string | undefined {
    if (!this.listening) return undefined;
    const current = this.listeners.filter((listener): listener is Deno.TcpListener =>
      !(listener instanceof TlsListener)
    );
    const configured = this.config.getNumber("port");
    const targets = configured === 0 && this.tlsPort !== 0 ? [] : listenTargets(this.config.bindAddresses());
    let port = configured !== 0 ? configured : newPort ? 0 : this.port;
    const kept: Deno.TcpListener[] = [];
    const opened: Deno.TcpListener[] = [];
    for (const { hostname, optional } of targets) {
      const same = current.find((listener) => {
        const addr = listener.addr as Deno.NetAddr;
        return port !== 0 && addr.port === port && addr.hostname === hostname;
      });
      if (same !== undefined) {
        kept.push(same);
        continue;
      }
      try {
        const listener = Deno.listen({ hostname, port, transport: "tcp" });
        opened.push(listener);
        port = (listener.addr as Deno.NetAddr).port;
      } catch (error) {
        if (optional) continue;
        for (const listener of opened) listener.close();
        this.log.warning(
          `Could not listen on ${hostname}:${port}: ${error instanceof Error ? error.message : error}`,
        );
        return refusal;
      }
    }
    if (targets.length !== 0 && kept.length + opened.length === 0) return refusal;
    for (const listener of current) if (!kept.includes(listener)) listener.close();
    this.listeners = [
      ...this.listeners.filter((listener) => listener instanceof TlsListener),
      ...kept,
      ...opened,
    ];
    for (const listener of opened) this.acceptLoop(listener);
    this.port = targets.length === 0 ? 0 : port;
    return undefined;
  }

  /**
   * CONFIG SET of the TLS files, as Redis's applyTlsCfg: while TLS is served,
   * they are read again and apply to the next connections; when that fails, the
   * reason is logged and the change refused with Redis's error. CONFIG SET
   * tls-auth-clients applies to the next connections as it is (Redis checks
   * nothing then either: with no CA, no certificate verifies).
   */
  private registerTlsHooks(): void {
    const tlsListeners = () => this.listeners.filter((listener) => listener instanceof TlsListener);
    const reconfigure = () => {
      const listeners = tlsListeners();
      if (listeners.length === 0) return undefined;
      let settings: TlsSettings;
      try {
        settings = this.tlsSettings();
      } catch (error) {
        this.log.warning((error as Error).message.replace(/^Failed to configure TLS: /, ""));
        return "Unable to update TLS configuration. Check server logs.";
      }
      for (const listener of listeners) listener.configure(settings);
      return undefined;
    };
    for (const name of ["tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-ca-cert-dir"]) {
      this.config.onChange(name, reconfigure);
    }
    this.config.onChange("tls-auth-clients", () => {
      const authClients = this.config.getString("tls-auth-clients") as TlsAuthClients;
      for (const listener of tlsListeners()) listener.configure({ ...listener.settings, authClients });
      return undefined;
    });
  }

  /** Whether the server is shutting down (a load in progress stops). */
  get shuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  private async acceptLoop(listener: Deno.TcpListener | TlsListener): Promise<void> {
    try {
      for await (const conn of listener) this.accept(conn);
    } catch {
      // The listener was closed: shutting down.
    }
  }

  private accept(conn: Connection): void {
    if (this.clients.size >= this.config.getNumber("maxclients")) {
      this.stats.rejectedConnections++;
      conn.write(MAX_CLIENTS_REPLY).catch(() => {}).finally(() => conn.close());
      return;
    }
    const remote = conn.remoteAddr as Deno.NetAddr;
    if (this.auth.refusesConnection(remote.hostname)) {
      // As Redis's clientAcceptHandler: the client (and its id) existed, but
      // counts as rejected, not received.
      this.nextClientId++;
      this.stats.rejectedConnections++;
      conn.write(ENCODER.encode(PROTECTED_MODE_DENIED)).catch(() => {}).finally(() => conn.close());
      return;
    }
    this.stats.connectionsReceived++;
    // tcp-keepalive: Deno can turn SO_KEEPALIVE on but cannot set its interval
    // (TCP_KEEPIDLE/INTVL/CNT), so the system's defaults apply, not the
    // configured seconds (a TLS connection's node socket turns it on the same way).
    if (this.config.getNumber("tcp-keepalive") > 0) conn.setKeepAlive?.(true);
    const client = new Client(this, conn, this.nextClientId++);
    this.clients.set(client.id, client);
  }

  unregister(client: Client): void {
    this.blocking.unblock(client);
    this.watches.unwatchAll(client);
    this.monitors.clients.delete(client);
    this.pause.forget(client);
    this.pubsub.removeClient(client);
    this.tracking.disable(client);
    this.clients.delete(client.id);
  }

  /**
   * Runs one command for a client, and drops its reply when the client asked
   * for none (CLIENT REPLY OFF, or SKIP before this command); CLIENT REPLY ON
   * is answered, as it turns replies back on before replying. `found`: the
   * table's entry for argv[0], when the caller has looked it up already.
   */
  execute(client: Client, argv: string[], found = this.table.lookup(argv[0])): void {
    const replyStart = client.writer.length;
    const wasOff = client.replyMode === "off";
    if (client.replyMode === "skip") client.replyMode = "skipping";
    this.dispatch(client, argv, found);
    if (client.replyMode === "skipping") {
      client.replyMode = "on";
      client.writer.truncate(replyStart);
    } else if (wasOff && client.replyMode === "off") {
      client.writer.truncate(replyStart);
    }
  }

  /**
   * Resolves a command (and its subcommand) in the table, checks arity and
   * where it may run with Redis's errors, holds it during a client pause,
   * queues it inside MULTI, else calls it; then serves the blocked clients its
   * writes woke.
   */
  private dispatch(client: Client, argv: string[], found: Command | undefined): void {
    const command = found?.subcommands !== undefined && argv.length >= 2
      ? found.subcommands.get(argv[1].toLowerCase())
      : found;
    // As in Redis, CLIENT LIST's cmd shows a command even when it is then refused.
    client.lastCommand = command;
    if (command === undefined) {
      const error = found === undefined ? unknownCommandError(argv) : unknownSubcommandError(argv);
      rejectCommand(client, argv, undefined, error);
      return;
    }
    const arity = command.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      rejectCommand(client, argv, command, arityError(command.name));
      return;
    }
    if (client.internal) {
      // As Redis's AOF loading, which calls the command's proc directly: authentication, ACL,
      // memory, disk-error and pause checks are for connections, not for replaying saved writes.
      if (!queueInMulti(client, command, argv)) this.call(client, command, argv);
      return;
    }
    if (command.name === "debug" && !this.debugAllowed(client)) {
      rejectCommand(client, argv, command, DEBUG_NOT_ALLOWED);
      return;
    }
    if (!client.authenticated && !command.flags.has("no_auth") && !this.auth.noPassword()) {
      rejectCommand(client, argv, command, NOAUTH);
      return;
    }
    if (client.transaction.queued !== undefined && command.flags.has("no_multi")) {
      rejectCommand(client, argv, command, "ERR Command not allowed inside a transaction");
      return;
    }
    const user = this.auth.restrictedUser(client);
    if (user !== undefined) {
      const denied = this.auth.acl.denial(user, command, argv);
      if (denied !== undefined) {
        this.auth.acl.addLog({
          reason: denied.reason,
          context: client.transaction.queued !== undefined ? "multi" : "toplevel",
          object: denied.object,
          username: client.user,
          clientInfo: describeClient(client),
        });
        rejectCommand(client, argv, command, denied.error);
        return;
      }
    }
    if (this.eviction.limit !== 0 && this.refusedForMemory(client, command)) {
      rejectCommand(client, argv, command, OOM);
      return;
    }
    if (this.persistence.lastBgsaveStatus !== "ok" && this.refusedForDiskError(client, command)) {
      rejectCommand(client, argv, command, MISCONF);
      return;
    }
    if (this.writesNeedReplicas && writes(client, command)) {
      rejectCommand(client, argv, command, NOREPLICAS);
      return;
    }
    if (client.protocol === 2 && this.pubsub.isSubscribed(client) && !allowedWhileSubscribed(command)) {
      rejectCommand(
        client,
        argv,
        command,
        `ERR Can't execute '${command.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET ` +
          "are allowed in this context",
      );
      return;
    }
    if (this.persistence.loading && this.refusedWhileLoading(client, command)) {
      rejectCommand(client, argv, command, "LOADING Redis is loading the dataset in memory");
      return;
    }
    const isMonitor = this.monitors.clients.size !== 0 && this.monitors.clients.has(client);
    if (isMonitor && !Monitors.mayRun(command)) {
      rejectCommand(client, argv, command, "ERR Replica can't interact with the keyspace");
      return;
    }
    if (this.pause.hold(client, command, argv, isMonitor)) return;
    if (queueInMulti(client, command, argv)) return;
    this.call(client, command, argv);
    if (this.blocking.hasReady) this.blocking.serveReady();
  }

  /**
   * Whether `enable-debug-command` lets this client run DEBUG, as Redis's
   * allowProtectedAction: "yes", or "local" for a loopback client.
   */
  private debugAllowed(client: Client): boolean {
    const setting = this.config.getString("enable-debug-command");
    if (setting === "yes") return true;
    return setting === "local" && (client.addr.startsWith("127.0.0.1:") || client.addr.startsWith("[::1]:"));
  }

  /**
   * Whether Redis refuses this command while it loads: any without the
   * `loading` flag, and an EXEC of such commands.
   */
  private refusedWhileLoading(client: Client, command: Command): boolean {
    if (!command.flags.has("loading")) return true;
    return command.name === "exec" &&
      (client.transaction.queued?.some((queued) => !queued.command.flags.has("loading")) ?? false);
  }

  /**
   * Redis's maxmemory step of processCommand: evicts keys if the used memory
   * is over maxmemory, and when that fails refuses a denyoom command, an EXEC
   * that queued one, or any command to queue in MULTI (but EXEC, DISCARD, QUIT
   * and RESET); the others run.
   */
  private refusedForMemory(client: Client, command: Command): boolean {
    // As a loading Redis, which refuses the clients' commands anyway, no eviction of a half-loaded data set.
    if (this.persistence.loading || this.eviction.perform() !== "fail") return false;
    if (command.flags.has("denyoom")) return true;
    const queued = client.transaction.queued;
    if (queued === undefined) return false;
    if (command.name === "exec") return queued.some((entry) => entry.command.flags.has("denyoom"));
    return command.name !== "discard" && command.name !== "quit" && command.name !== "reset";
  }

  /**
   * Whether a failed BGSAVE makes Redis refuse this command with MISCONF: a
   * write, an EXEC of writes, or PING (so that monitoring notices).
   */
  private refusedForDiskError(client: Client, command: Command): boolean {
    return this.persistence.writesDenied && (command.name === "ping" || writes(client, command));
  }

  /** Whether `client` is running the commands it has read (see {@link beginRun}). */
  isRunning(client: Client): boolean {
    return this.runningClient === client;
  }

  /** A client starts running the commands it has read; see {@link lastCallEnd}. */
  beginRun(client: Client): void {
    this.runningClient = client;
    this.lastCallEnd = -1;
  }

  /** The run {@link beginRun} began is over: control goes back to the event loop. */
  endRun(): void {
    this.runningClient = undefined;
    this.lastCallEnd = -1;
  }

  /**
   * Runs a resolved and checked command: the handler, then the monitors. EXEC
   * calls this for each queued command.
   */
  call(client: Client, command: Command, argv: string[]): void {
    // As Redis's AOF loading, which calls commands directly, a replay counts in no statistics.
    const counted = !client.internal;
    const counters = command.stats;
    // Counted per command, so that each command's first call is timed: a rare one gets a time too.
    // Also the first call since latency tracking went on, so that a command has its percentiles at once.
    const sampled = counted &&
      (command.timesEveryCall || (counters.calls & (TIMING_SAMPLE - 1)) === 0 ||
        (this.latencyTracking && counters.latency === undefined));
    const slowerThan = this.slowerThan;
    const forSlowlog = counted && slowerThan >= 0 &&
      (command.mayBeSlow || slowerThan < FAST_TIMING_BELOW_USEC);
    const forLatencyMonitor = counted && this.latencyThreshold > 0;
    const timed = sampled || forSlowlog || forLatencyMonitor;
    const started = !timed
      ? -1
      : this.lastCallEnd >= 0 && this.runningClient === client
      ? this.lastCallEnd
      : performance.now();
    this.lastCallEnd = -1;
    const replyStart = client.writer.length;
    // A CLIENT REPLY OFF earlier in the same EXEC silences the rest of it.
    const wasOff = client.replyMode === "off";
    this.unnotifiedWrite = command.notify !== undefined && this.notifications.flags !== 0
      ? { command, argv }
      : undefined;
    // Only a CLIENT NO-TOUCH client freezes the clock: no store for everyone else.
    const noTouch = client.noTouch;
    if (noTouch) this.keyspace.clock.frozen = command.name !== "touch";
    const tracking = this.tracking.count !== 0;
    if (tracking) this.tracking.begin(client);
    try {
      command.handler!(client, argv);
    } catch (error) {
      // A bug or an allocation failure in one command must not take the
      // connection, let alone the server, down with it; a half-written reply
      // is dropped so the stream stays well formed.
      client.writer.truncate(replyStart);
      this.log.warning(`Command ${command.name} failed: ${error instanceof Error ? error.stack : error}`);
      client.writer.error(`ERR internal error while running '${command.name}': ${error}`);
    }
    if (noTouch) this.keyspace.clock.frozen = false;
    if (started >= 0) {
      const ended = performance.now();
      const usec = (ended - started) * 1000;
      this.lastCallEnd = ended;
      if (sampled) {
        counters.sampledUsec += usec;
        counters.sampledCalls++;
        if (this.latencyTracking) {
          (counters.latency ??= new LatencyHistogram()).record(usec);
        }
      }
      if ((forSlowlog || forLatencyMonitor) && client.blocked === undefined) {
        this.recordDuration(client, command, argv, usec);
      }
    }
    // Counted once it has run, as Redis does: INFO does not see its own call.
    if (counted) {
      this.stats.commandsProcessed++;
      counters.calls++;
      if (this.errorStats.total !== this.errorsSeen) {
        counters.failed++;
        this.errorsSeen = this.errorStats.total;
      }
    }
    if (wasOff && client.replyMode === "off") client.writer.truncate(replyStart);
    this.unnotifiedWrite = undefined;
    if (tracking) this.tracking.end(client, command, argv);
    if (this.monitors.clients.size !== 0 && Monitors.shows(command)) this.monitors.feed(client, argv);
  }

  /**
   * Records a command's duration in SLOWLOG and the latency monitor where it
   * passes their thresholds: for call(), and for MIGRATE once its round trip
   * is over (Redis times it whole, as it stops the server meanwhile).
   */
  recordDuration(client: Client, command: Command, argv: readonly string[], usec: number): void {
    // The thresholds as they are now: a CONFIG SET of one applies to itself, as in Redis.
    if (this.slowerThan >= 0 && usec >= this.slowerThan && !command.flags.has("skip_slowlog")) {
      this.slowlog.push(argv, usec, client.addr, client.name, this.config.getNumber("slowlog-max-len"));
    }
    if (this.latencyThreshold > 0 && usec >= this.latencyThreshold * 1000) {
      this.latencyMonitor.add(
        command.flags.has("fast") ? "fast-command" : "command",
        Math.floor(usec / 1000),
      );
    }
  }

  /**
   * Hands a change to the data set to the AOF / replication stream, and tells
   * those who watch keys (WATCH, client-side caching) which keys it modified:
   * the keys it writes, or `modifiedKeys` when the command changed fewer of
   * them than it names (SMOVE of a member the destination already holds).
   */
  propagate(db: Database, argv: readonly string[], modifiedKeys?: readonly string[]): void {
    const write = this.unnotifiedWrite;
    if (write !== undefined) {
      this.unnotifiedWrite = undefined;
      this.notifications.commandWrote(db, write.command, this.table.keysOf(write.command, write.argv) ?? []);
    }
    this.dirty++;
    if (this.eviction.limit !== 0) this.eviction.wrote(db, argv);
    if (this.heldPropagation !== undefined) {
      this.heldPropagation.push({ db, argv });
    } else {
      // Indexed loops: this runs for every write, and for-of and some() with a closure cost ~8 ns more.
      const listeners = this.propagationListeners;
      for (let i = 0; i < listeners.length; i++) listeners[i](db.index, argv);
    }
    const watchers = this.modifiedKeysListeners;
    for (let i = 0; i < watchers.length; i++) {
      if (watchers[i].listening) {
        if (modifiedKeys !== undefined) this.keysModified(db, modifiedKeys);
        else this.signalModifiedKeys(db, argv);
        break;
      }
    }
  }

  /**
   * Runs `body` (EXEC's commands) holding back what it propagates, then sends
   * it as one unit, wrapped in MULTI ... EXEC when it is more than one write,
   * as Redis 7.0's propagatePendingCommands: a replica or the AOF never sees
   * half a transaction, and a transaction that wrote nothing sends nothing.
   */
  propagateAsOne(body: () => void): void {
    const held: { db: Database; argv: readonly string[] }[] = [];
    this.heldPropagation = held;
    try {
      body();
    } finally {
      this.heldPropagation = undefined;
    }
    const emit = (db: Database, argv: readonly string[]) => {
      for (const listener of this.propagationListeners) listener(db.index, argv);
    };
    const wrap = held.length > 1;
    if (wrap) emit(held[0].db, ["MULTI"]);
    for (const { db, argv } of held) emit(db, argv);
    if (wrap) emit(held[held.length - 1].db, ["EXEC"]);
  }

  /**
   * A key the server deleted on its own (expiry, eviction): its event,
   * then a DEL propagated as no command's write, so that it does not count as
   * the running command's change for that command's notification.
   */
  deletedByServer(db: Database, key: string, type: number, event: string): void {
    this.notifications.notify(db, type, event, key);
    const write = this.unnotifiedWrite;
    this.unnotifiedWrite = undefined;
    this.propagate(db, ["DEL", key]);
    this.unnotifiedWrite = write;
  }

  /**
   * Tells the listeners that keys of `db` changed (null: all of them) where no
   * propagated write says so, as DEBUG RELOAD's flush.
   */
  keysModified(db: Database, keys: readonly string[] | null): void {
    for (const listener of this.modifiedKeysListeners) {
      if (listener.listening) listener.keysModified(db, keys);
    }
  }

  onModifiedKeys(listener: ModifiedKeysListener): void {
    this.modifiedKeysListeners.push(listener);
  }

  /**
   * The keys a propagated write modified, from the command table's key
   * positions: every write is propagated, so this one place stands for Redis's
   * signalModifiedKey calls in each command. Only the commands that reach
   * beyond their key arguments need a case here.
   */
  private signalModifiedKeys(db: Database, argv: readonly string[]): void {
    const dbs = this.keyspace.dbs;
    const modified = (target: Database | undefined, keys: readonly string[] | null) => {
      if (target !== undefined) this.keysModified(target, keys);
    };
    switch (argv[0].toLowerCase()) {
      case "flushall":
        for (const each of dbs) modified(each, null);
        return;
      case "flushdb":
        modified(db, null);
        return;
      case "swapdb":
        // As Redis's dbSwapDatabases, a database swapped with itself is left alone (no watcher is dirtied).
        if (Number(argv[1]) === Number(argv[2])) return;
        modified(dbs[Number(argv[1])], null);
        modified(dbs[Number(argv[2])], null);
        return;
      case "move":
        modified(db, [argv[1]]);
        modified(dbs[Number(argv[2])], [argv[1]]);
        return;
      case "copy": {
        const dbOption = argv.findIndex((arg, i) => i > 2 && arg.toLowerCase() === "db");
        modified(dbOption === -1 ? db : dbs[Number(argv[dbOption + 1])], [argv[2]]);
        return;
      }
    }
    const command = this.table.lookupFull(argv);
    if (command === undefined) return;
    // Only the keys it writes, as Redis signals them: ZINTERSTORE's or COPY's sources stay as they were.
    const written = this.table.keysWithFlags(command, argv)
      .filter((key) => (key.flags & WRITTEN_KEY) !== 0)
      .map((key) => argv[key.index]);
    if (written.length !== 0) modified(db, written);
  }

  onPropagate(listener: PropagationListener): void {
    this.propagationListeners.push(listener);
  }

  offPropagate(listener: PropagationListener): void {
    const i = this.propagationListeners.indexOf(listener);
    if (i !== -1) this.propagationListeners.splice(i, 1);
  }

  resetStats(): void {
    const startTime = this.stats.startTime;
    this.stats = newStats();
    this.opsSample = { time: Date.now(), commands: 0, input: 0, output: 0 };
    this.stats.startTime = startTime;
    for (const command of this.table.all()) command.stats.reset();
    this.errorStats.reset();
    this.errorsSeen = 0;
  }

  /**
   * Ends a blocked client's command with `error` (CLIENT UNBLOCK ... ERROR):
   * a failed call of that command, as Redis's updateStatsOnUnblock counts it
   * (and, as in Redis, of the command running now too, which saw an error
   * reply go out).
   */
  failBlockedCommand(target: Client, error: string): void {
    target.writer.error(error);
    if (target.lastCommand !== undefined) target.lastCommand.stats.failed++;
  }

  /** A command refused before it ran (rejectCommand): counted as Redis counts rejected_calls. */
  commandRejected(command: Command | undefined): void {
    if (command !== undefined) command.stats.rejected++;
    this.errorsSeen = this.errorStats.total;
  }

  private startCron(): void {
    if (this.cronTimer !== undefined) clearInterval(this.cronTimer);
    const hz = this.config.getNumber("hz");
    this.cronTimer = setInterval(() => this.cron(hz), Math.max(1, Math.floor(1000 / hz)));
  }

  private cron(hz: number): void {
    this.coarseNow = Date.now();
    // DEBUG PAUSE-CRON 1 stops it all, a signal's shutdown too.
    if (this.debugFlags.pauseCron) return;
    if (this.signalled !== undefined) this.shutdownOnSignal(this.signalled);
    // As Redis, no expiry, save points or timeouts on a half-loaded data set.
    if (this.persistence.loading) return;
    // As Redis 7.0, a client pause keeps the data set still: no expiry (nor eviction) until it ends.
    if (!this.pause.paused && this.debugFlags.activeExpire) this.keyspace.activeExpireCycle(hz);
    const now = Date.now();
    // One background job at a time, as Redis's one child: no save point fires during an AOF rewrite.
    if (!this.aof.rewriteInProgress) this.persistence.cron(now);
    this.aof.cron(now);
    this.migrateLinks.closeIdle(now);
    this.keyspace.clock.update(now);
    const timeout = this.config.getNumber("timeout");
    // lastInteraction is read from coarseNow, up to a cron period older than the truth.
    if (timeout > 0) this.closeIdleClients(now, timeout * 1000 + Math.ceil(1000 / hz));
    // As Redis's clientsCron: a client over its soft output limit is closed when its seconds are up,
    // though no more output comes to it to be checked on.
    for (const client of this.clients.values()) {
      if (client.unsentOutput !== 0) this.outputLimits.closeIfExceeded(client);
    }
    const sample = this.opsSample;
    const elapsed = now - sample.time;
    if (elapsed >= 1000) {
      const stats = this.stats;
      stats.opsPerSecond = Math.round(((stats.commandsProcessed - sample.commands) * 1000) / elapsed);
      stats.inputKbps = (stats.netInputBytes - sample.input) / 1.024 / elapsed;
      stats.outputKbps = (stats.netOutputBytes - sample.output) / 1.024 / elapsed;
      this.opsSample = {
        time: now,
        commands: stats.commandsProcessed,
        input: stats.netInputBytes,
        output: stats.netOutputBytes,
      };
    }
  }

  /**
   * `timeout`, as Redis 7.0's clientsCronHandleTimeout: a client that has
   * neither sent a command nor been written to for longer is closed, except a
   * blocked one (BLPOP ..., or held by CLIENT PAUSE: it waits on the server and
   * its own timeout applies), a Pub/Sub one (any subscription, in RESP2 or
   * RESP3) and a monitor. `idleMs`: the timeout plus the clock's coarseness.
   */
  private closeIdleClients(now: number, idleMs: number): void {
    for (const client of this.clients.values()) {
      if (now - client.lastInteraction <= idleMs) continue;
      if (
        client.blocked !== undefined || this.pubsub.isSubscribed(client) || this.monitors.clients.has(client)
      ) {
        continue;
      }
      this.log.verbose(`Closing idle client id=${client.id} addr=${client.addr}`);
      client.close();
    }
  }

  /** Logs the start lines Redis prints, with our version beside Redis's. */
  logStartup(): void {
    this.log.notice("oO0OoO0OoO0Oo Redix is starting oO0OoO0OoO0Oo");
    this.log.notice(
      `Redix version=${REDIX_VERSION} (Redis ${REDIS_VERSION} compatible), bits=64, pid=${Deno.pid}, just started`,
    );
    // As Redis, the TCP port, or the TLS port when serving TLS only.
    const port = this.port !== 0 ? this.port : this.tlsPort;
    // As Redis's redisAsciiArt: a banner in place of the mode line when asked for, or on a terminal.
    const banner = this.config.getBool("always-show-logo") ||
      (this.log.file === "" && Deno.stdout.isTerminal());
    if (banner) this.log.raw("notice", startBanner(port));
    else this.log.notice(`Running mode=standalone, port=${port}.`);
    this.log.notice("Server initialized");
    if (this.port !== 0) this.log.notice("Ready to accept connections tcp");
    if (this.tlsPort !== 0) this.log.notice("Ready to accept connections tls");
  }

  /**
   * SIGTERM or SIGINT, as Redis's sigShutdownHandler: the shutdown happens at
   * the next cron tick (so SHUTDOWN ABORT can still cancel it, and DEBUG
   * PAUSE-CRON holds it); a second SIGINT meanwhile exits at once.
   */
  signal(signal: "SIGTERM" | "SIGINT"): void {
    if (this.signalled !== undefined && signal === "SIGINT") {
      this.log.warning("You insist... exiting now.");
      Deno.exit(1);
    }
    this.log.warning(`Received ${signal} scheduling shutdown...`);
    this.signalled = signal;
  }

  /** SHUTDOWN ABORT: cancels a shutdown a signal asked for; false when there is none. */
  abortShutdown(): boolean {
    if (this.signalled === undefined) return false;
    this.signalled = undefined;
    this.log.notice("Shutdown manually aborted.");
    return true;
  }

  private shutdownOnSignal(signal: string): void {
    this.signalled = undefined;
    // As Redis: the final save when save points are set; if it fails, keep running.
    if (this.persistence.saveBeforeShutdown({})) {
      this.shutdown();
    } else {
      this.log.warning(
        `${signal} received but errors trying to shut down the server, check the logs for more information`,
      );
    }
  }

  /**
   * Stops accepting, lets the replies in flight reach their clients, closes every
   * connection and the cron. Safe to call more than once.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.persistence.abortBgsave();
    this.aof.abortRewrite();
    this.eviction.stop();
    await this.closeListeners();
    if (this.cronTimer !== undefined) clearInterval(this.cronTimer);
    this.cronTimer = undefined;
    const clients = [...this.clients.values()];
    for (const client of clients) client.close();
    await Promise.all(clients.map((client) => client.done));
    this.migrateLinks.closeAll();
    this.aof.shutdown();
    this.log.warning("Redix is now ready to exit, bye bye...");
    this.resolveClosed();
  }

  private async closeListeners(): Promise<void> {
    for (const listener of this.listeners) {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
    }
    this.listeners = [];
    // Let the accept loops observe the close before we report being down.
    await Promise.resolve();
  }
}

/**
 * The addresses of a `bind` list as Deno listens on them: `*` and `::*` are
 * every IPv4 and IPv6 address; a leading `-` marks one that may be missing.
 */
function listenTargets(addresses: readonly string[]): { hostname: string; optional: boolean }[] {
  return addresses.map((address) => {
    const optional = address.startsWith("-");
    const host = optional ? address.slice(1) : address;
    return { hostname: host === "*" ? "0.0.0.0" : host === "::*" ? "::" : host, optional };
  });
}

/** The start banner, which like Redis's logo gives the version, mode, port and PID (tools wait for "PID:"). */
function startBanner(port: number): string {
  return [
    "",
    " ____          _ _        " + `Redix ${REDIX_VERSION} (Redis ${REDIS_VERSION} compatible) 64 bit`,
    "|  _ \\ ___  __| (_)_  __",
    "| |_) / _ \\/ _` | \\ \\/ /  Running in standalone mode",
    `|  _ <  __/ (_| | |>  <   Port: ${port}`,
    `|_| \\_\\___|\\__,_|_/_/\\_\\  PID: ${Deno.pid}`,
    "",
    "",
  ].join("\n");
}

/** Redis's is_write_command: a write, or an EXEC with a write queued. */
function writes(client: Client, command: Command): boolean {
  if (command.flags.has("write")) return true;
  return command.name === "exec" &&
    (client.transaction.queued?.some((queued) => queued.command.flags.has("write")) ?? false);
}
