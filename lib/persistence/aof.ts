/**
 * The append-only file as Redis 7.0 keeps it (DESIGN.md §6, §10): every
 * propagated write appended in RESP to the current incr file of a multi-part
 * AOF (`<appenddirname>/` with a base, incr files and the manifest), with
 * appendfsync always|everysec|no; BGREWRITEAOF writing a new base from the
 * fork-less {@link Snapshot} while a new incr file takes the writes; loading
 * base + incrs at start, a torn tail cut when aof-load-truncated allows it.
 *
 * Hot path: with appendonly no nothing listens to the propagation stream.
 * With it on, a write appends to an in-memory string; one microtask per batch
 * writes it (and with `always` fsyncs it) before the clients' replies go out.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { RedixServer } from "../server/server.ts";
import type { Config } from "../config.ts";
import type { RedisValue } from "../store/database.ts";
import { RawString } from "../store/raw_string.ts";
import { ListValue } from "../store/list.ts";
import { HashValue } from "../store/hash.ts";
import { SetValue } from "../store/set.ts";
import { SortedSetValue } from "../store/zset.ts";
import { binaryToBytes } from "../util/latin1.ts";
import { Turns } from "../util/turns.ts";
import { pathOf, reason, writeAllSync } from "./files.ts";
import { REDIS_VERSION } from "../version.ts";
import { Client } from "../server/client.ts";
import { loadRdb, RdbEncoder, RdbError } from "./rdb.ts";
import { Snapshot, type SnapshotSink } from "./snapshot.ts";
import {
  AofReader,
  AofReadError,
  encodeCommand,
  Manifest,
  ManifestError,
  parseManifest,
} from "./aof_format.ts";
import { LoadError } from "./save.ts";

/** Milliseconds of snapshot walking per event-loop turn during a rewrite. */
const STEP_MS = 2;
/** AOF_REWRITE_ITEMS_PER_CMD: elements per command in an AOF-format base. */
const ITEMS_PER_CMD = 64;

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // Not there.
  }
}

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** A snapshot sink that writes the data set as commands (aof-use-rdb-preamble no), as rewriteAppendOnlyFileRio. */
class CommandSink implements SnapshotSink {
  private out: string[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private emit(argv: readonly string[]): void {
    const text = encodeCommand(argv);
    this.out.push(text);
    this.size += text.length;
  }

  selectDb(index: number): void {
    this.emit(["SELECT", String(index)]);
  }

  entry(key: string, value: RedisValue, expireAt: number | undefined, _config: Config): void {
    const batched = (command: string, items: string[], per: number) => {
      for (let i = 0; i < items.length; i += ITEMS_PER_CMD * per) {
        this.emit([command, key, ...items.slice(i, i + ITEMS_PER_CMD * per)]);
      }
    };
    if (typeof value === "string") this.emit(["SET", key, value]);
    else if (value instanceof RawString) this.emit(["SET", key, value.toBinary()]);
    else if (value instanceof ListValue) batched("RPUSH", value.range(0, value.size - 1), 1);
    else if (value instanceof SetValue) batched("SADD", value.members(), 1);
    else if (value instanceof HashValue) {
      const flat: string[] = [];
      for (const [field, v] of value.entries()) flat.push(field, v);
      batched("HMSET", flat, 2);
    } else if (value instanceof SortedSetValue) {
      const flat: string[] = [];
      for (const [member, score] of value.entries()) {
        flat.push(score === Infinity ? "inf" : score === -Infinity ? "-inf" : String(score), member);
      }
      batched("ZADD", flat, 2);
    } else {
      throw new Error(`cannot rewrite a ${(value as { type: string }).type} as commands`);
    }
    if (expireAt !== undefined) this.emit(["PEXPIREAT", key, String(expireAt)]);
  }

  take(): Uint8Array {
    const bytes = Buffer.from(this.out.join(""), "latin1");
    this.out = [];
    this.size = 0;
    return bytes;
  }

  end(): void {}
}

type Sink = (RdbEncoder | CommandSink) & SnapshotSink;

interface Rewrite {
  snapshot: Snapshot;
  sink: Sink;
  file: Deno.FsFile;
  tempPath: string;
  /** The base's name (decided when done, as Redis does). */
  rdb: boolean;
  startedAt: number;
  aborted: boolean;
  done: Promise<void>;
}

export type AofState = "off" | "on" | "wait_rewrite";

export class Aof {
  state: AofState = "off";
  /** Unwritten appends, a binary string. */
  private buffer = "";
  private flushQueued = false;
  private selectedDb = -1;
  private lastTimestamp = 0;
  private file: Deno.FsFile | undefined;
  private manifest = new Manifest();
  private rewrite: Rewrite | undefined;
  /** Whether the incr file has writes not yet fsynced (everysec). */
  private unsynced = false;
  private syncing = false;
  private lastFsync = Date.now();
  /** BGREWRITEAOF asked while a BGSAVE ran: started from the cron. */
  scheduled = false;
  lastRewriteTimeSec = -1;
  lastBgrewriteStatus: "ok" | "err" = "ok";
  rewrites = 0;
  consecutiveFailures = 0;
  lastWriteStatus: "ok" | "err" = "ok";
  /** Bytes of the base after the last rewrite (auto-aof-rewrite-percentage's reference). */
  baseSize = 0;
  /** Bytes of the base and incr files. */
  currentSize = 0;
  private readonly feedListener = (db: number, argv: readonly string[]) => this.feed(db, argv);
  private readonly flushCallback = () => this.flush();

  constructor(private server: RedixServer) {}

  private get config(): Config {
    return this.server.config;
  }

  get dir(): string {
    return `${pathOf(this.config.getString("dir"))}/${pathOf(this.config.getString("appenddirname"))}`;
  }

  private get fileName(): string {
    return pathOf(this.config.getString("appendfilename"));
  }

  private get manifestPath(): string {
    return `${this.dir}/${this.fileName}.manifest`;
  }

  get rewriteInProgress(): boolean {
    return this.rewrite !== undefined;
  }

  get currentRewriteTimeSec(): number {
    return this.rewrite === undefined ? -1 : Math.floor((Date.now() - this.rewrite.startedAt) / 1000);
  }

  get bufferLength(): number {
    return this.buffer.length;
  }

  // ---- appending -------------------------------------------------------------

  /** feedAppendOnlyFile: a propagated write, RESP-encoded into the buffer. */
  private feed(db: number, argv: readonly string[]): void {
    // Waiting for the first rewrite to start (a BGSAVE ran): its snapshot will hold these writes.
    if (this.state === "off" || (this.state === "wait_rewrite" && this.rewrite === undefined)) return;
    if (this.server.config.getBool("aof-timestamp-enabled")) {
      const now = Math.floor(Date.now() / 1000);
      if (now > this.lastTimestamp) {
        this.buffer += `#TS:${now}\r\n`;
        this.lastTimestamp = now;
      }
    }
    if (db !== this.selectedDb) {
      this.buffer += encodeCommand(["SELECT", String(db)]);
      this.selectedDb = db;
    }
    this.buffer += encodeCommand(argv);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushCallback);
    }
  }

  /**
   * flushAppendOnlyFile: writes the buffer to the incr file, and with
   * appendfsync always fsyncs it, synchronously, so that a reply sent after
   * this names a write that is on disk.
   */
  flush(): void {
    this.flushQueued = false;
    if (this.buffer.length === 0 || this.file === undefined) return;
    const bytes = Buffer.from(this.buffer, "latin1");
    try {
      writeAllSync(this.file, bytes);
      if (this.config.getString("appendfsync") === "always") {
        this.file.syncDataSync();
        this.lastFsync = Date.now();
      } else {
        this.unsynced = true;
      }
    } catch (error) {
      this.server.log.warning(`Error writing to the AOF file: ${reason(error)}`);
      this.lastWriteStatus = "err";
      if (this.config.getString("appendfsync") === "always") {
        this.server.log.warning(
          "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
        );
        Deno.exit(1);
      }
      // Kept to retry from the cron.
      return;
    }
    if (this.lastWriteStatus === "err") {
      this.server.log.warning("AOF write error looks solved, Redis can write again.");
    }
    this.lastWriteStatus = "ok";
    this.currentSize += bytes.length;
    this.buffer = "";
  }

  /**
   * Called before a client's replies are written to its socket: the writes
   * they acknowledge go to the file first (fsynced with always), as Redis
   * writes the AOF in beforeSleep, before it sends replies.
   */
  beforeReply(): void {
    if (this.buffer.length !== 0) this.flush();
  }

  /** From the server cron: retry a failed write, fsync once a second (everysec), auto rewrite. */
  cron(now: number): void {
    if (this.state !== "off") {
      if (this.buffer.length !== 0 && !this.flushQueued) this.flush();
      if (
        this.unsynced && !this.syncing && now - this.lastFsync >= 1000 &&
        this.config.getString("appendfsync") === "everysec"
      ) {
        this.syncEverysec();
      }
    }
    if (this.rewrite !== undefined || this.server.persistence.bgsaveInProgress) return;
    if (this.scheduled) {
      this.scheduled = false;
      this.startRewrite();
      return;
    }
    const percentage = this.config.getNumber("auto-aof-rewrite-percentage");
    if (
      this.state === "on" && percentage > 0 &&
      this.currentSize > this.config.getNumber("auto-aof-rewrite-min-size")
    ) {
      const base = this.baseSize === 0 ? 1 : this.baseSize;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= percentage) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  /** The background fsync of everysec (Redis's bio thread): Deno runs it off the loop. */
  private syncEverysec(): void {
    const file = this.file;
    if (file === undefined) return;
    this.syncing = true;
    this.unsynced = false;
    this.lastFsync = Date.now();
    file.syncData().catch(() => {}).finally(() => this.syncing = false);
  }

  // ---- files -------------------------------------------------------------------

  private ensureDir(): void {
    Deno.mkdirSync(this.dir, { recursive: true });
  }

  /** Writes the manifest atomically: temp file, fsync, rename, fsync of the directory. */
  private persistManifest(manifest: Manifest): void {
    const temp = `${this.dir}/temp-${this.fileName}.manifest`;
    const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    try {
      writeAllSync(file, binaryToBytes(manifest.format()));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, this.manifestPath);
    this.syncDir();
  }

  private syncDir(): void {
    try {
      const dir = Deno.openSync(this.dir, { read: true });
      try {
        dir.syncSync();
      } finally {
        dir.close();
      }
    } catch {
      // Not every platform lets a directory be fsynced.
    }
  }

  /** The manifest on disk, if any (read at start even with appendonly no, as Redis). */
  readManifest(): Manifest | undefined {
    let text: string;
    try {
      text = new TextDecoder("latin1").decode(Deno.readFileSync(this.manifestPath));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw new LoadError(`Can't open the AOF manifest ${this.manifestPath} for reading: ${reason(error)}`);
    }
    try {
      return parseManifest(text);
    } catch (error) {
      if (error instanceof ManifestError) {
        throw new LoadError(`Bad AOF manifest ${this.manifestPath}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Opens a new incr file (seq + 1) for the writes from now on; the manifest is persisted when on. */
  private openNewIncr(persist: boolean): void {
    this.flush();
    const manifest = this.manifest.clone();
    const seq = ++manifest.incrSeq;
    const name = `${this.fileName}.${seq}.incr.aof`;
    const file = Deno.openSync(`${this.dir}/${name}`, { write: true, create: true, append: true });
    manifest.incrs.push({ name, seq, type: "i" });
    if (persist) {
      try {
        this.persistManifest(manifest);
      } catch (error) {
        file.close();
        throw error;
      }
    }
    this.file?.close();
    this.file = file;
    this.manifest = manifest;
    this.selectedDb = -1;
    this.lastTimestamp = 0;
    this.server.log.notice(
      `Creating AOF incr file ${name} on ${persist ? "background rewrite" : "server start"}`,
    );
  }

  private newSink(rdb: boolean): Sink {
    if (!rdb) return new CommandSink();
    const config = this.config;
    const encoder = new RdbEncoder({
      compress: config.getBool("rdbcompression"),
      checksum: config.getBool("rdbchecksum"),
    });
    encoder.header([
      ["redis-ver", REDIS_VERSION],
      ["redis-bits", "64"],
      ["ctime", String(Math.floor(Date.now() / 1000))],
      ["used-mem", String(Deno.memoryUsage().heapUsed)],
      ["aof-base", "1"],
    ]);
    return encoder;
  }

  /** Writes the whole data set to `path` now, blocking (the base at start). */
  private writeBaseSync(path: string, rdb: boolean): void {
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    try {
      const sink = this.newSink(rdb);
      const snapshot = new Snapshot(this.server.keyspace.dbs);
      try {
        while (!snapshot.step(sink, this.config, performance.now() + 50)) writeAllSync(file, sink.take());
      } finally {
        snapshot.finish();
      }
      sink.end();
      writeAllSync(file, sink.take());
      file.syncSync();
    } finally {
      file.close();
    }
  }

  // ---- start, stop -------------------------------------------------------------

  /**
   * At start, after loading: with appendonly yes, creates the base if there
   * is none and opens the incr file to append to (aofOpenIfNeededOnServerStart).
   */
  openOnStart(): void {
    this.manifest = this.readManifest() ?? new Manifest();
    if (!this.config.getBool("appendonly")) return;
    this.ensureDir();
    const manifest = this.manifest;
    if (manifest.history.length !== 0) {
      // A rewrite's history a crash left behind: deleted now, as Redis does at start.
      for (const info of manifest.history) {
        this.server.log.notice(`Removing the history file ${info.name} in the background`);
        removeQuietly(`${this.dir}/${info.name}`);
      }
      manifest.history = [];
      this.persistManifest(manifest);
    }
    if (manifest.base === undefined && manifest.incrs.length === 0) {
      const rdb = this.config.getBool("aof-use-rdb-preamble");
      const seq = ++manifest.baseSeq;
      const name = `${this.fileName}.${seq}.base.${rdb ? "rdb" : "aof"}`;
      this.writeBaseSync(`${this.dir}/${name}`, rdb);
      manifest.base = { name, seq, type: "b" };
      this.server.log.notice(`Creating AOF base file ${name} on server start`);
    }
    if (manifest.incrs.length === 0) {
      const seq = ++manifest.incrSeq;
      const name = `${this.fileName}.${seq}.incr.aof`;
      this.file = Deno.openSync(`${this.dir}/${name}`, { write: true, create: true, append: true });
      manifest.incrs.push({ name, seq, type: "i" });
      this.server.log.notice(`Creating AOF incr file ${name} on server start`);
      this.persistManifest(manifest);
    } else {
      const last = manifest.incrs[manifest.incrs.length - 1];
      this.file = Deno.openSync(`${this.dir}/${last.name}`, { write: true, create: true, append: true });
    }
    this.recomputeSizes();
    this.state = "on";
    this.selectedDb = -1;
    this.server.onPropagate(this.feedListener);
  }

  private recomputeSizes(): void {
    const manifest = this.manifest;
    this.baseSize = manifest.base ? fileSize(`${this.dir}/${manifest.base.name}`) : 0;
    this.currentSize = this.baseSize;
    for (const incr of manifest.incrs) this.currentSize += fileSize(`${this.dir}/${incr.name}`);
  }

  /**
   * CONFIG SET appendonly yes (startAppendOnly): a rewrite writes the base;
   * writes from now on go to the incr file it opens. An error text when it
   * cannot start.
   */
  start(): string | undefined {
    if (this.state !== "off") return undefined;
    try {
      this.ensureDir();
    } catch (error) {
      this.server.log.warning(`Can't open or create append-only dir ${this.dir}: ${reason(error)}`);
      return "Unable to turn on AOF. Check server logs.";
    }
    if (this.rewrite !== undefined) {
      this.abortRewrite(
        "AOF was enabled but there is already another background operation. An AOF background was killed to start a new one.",
      );
    }
    this.state = "wait_rewrite";
    this.server.onPropagate(this.feedListener);
    if (this.server.persistence.bgsaveInProgress) {
      // As Redis: the rewrite starts once the running save ends.
      this.scheduled = true;
      this.server.log.warning(
        "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
      );
      return undefined;
    }
    if (!this.startRewrite()) {
      this.state = "off";
      this.server.offPropagate(this.feedListener);
      this.server.log.warning(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
      );
      return "Unable to turn on AOF. Check server logs.";
    }
    return undefined;
  }

  /** CONFIG SET appendonly no (stopAppendOnly): flush, fsync, close; the files stay. */
  stop(): void {
    if (this.state === "off") return;
    this.flush();
    try {
      this.file?.syncSync();
    } catch {
      // Reported by the write path.
    }
    this.file?.close();
    this.file = undefined;
    if (this.rewrite !== undefined) this.abortRewrite("Killing running AOF rewrite child");
    this.scheduled = false;
    this.state = "off";
    this.buffer = "";
    this.server.offPropagate(this.feedListener);
  }

  /** At shutdown: the buffer written and fsynced, a rewrite abandoned. */
  shutdown(): void {
    if (this.rewrite !== undefined) this.abortRewrite("There is a child rewriting the AOF. Killing it!");
    if (this.state === "off") return;
    this.flush();
    if (this.file !== undefined) {
      this.server.log.notice("Calling fsync() on the AOF file.");
      try {
        this.file.syncSync();
      } catch {
        // Nothing more to do at exit.
      }
      this.file.close();
      this.file = undefined;
    }
    this.state = "off";
    this.server.offPropagate(this.feedListener);
  }

  // ---- rewrite -----------------------------------------------------------------

  /**
   * BGREWRITEAOF (rewriteAppendOnlyFileBackground): opens a new incr file for
   * the writes from now on, then writes a point-in-time base in the
   * background. False (logged) when it could not start.
   */
  startRewrite(): boolean {
    if (this.rewrite !== undefined) return false;
    const server = this.server;
    const rdb = this.config.getBool("aof-use-rdb-preamble");
    const tempPath = `${pathOf(this.config.getString("dir"))}/temp-rewriteaof-bg-${Deno.pid}.aof`;
    let file: Deno.FsFile;
    try {
      this.ensureDir();
      if (this.state !== "off") this.openNewIncr(this.state === "on");
      file = Deno.openSync(tempPath, { write: true, create: true, truncate: true });
    } catch (error) {
      server.log.warning(`Can't rewrite append only file in background: ${reason(error)}`);
      this.lastBgrewriteStatus = "err";
      this.consecutiveFailures++;
      return false;
    }
    this.scheduled = false;
    const job: Rewrite = {
      snapshot: new Snapshot(server.keyspace.dbs),
      sink: this.newSink(rdb),
      file,
      tempPath,
      rdb,
      startedAt: Date.now(),
      aborted: false,
      done: Promise.resolve(),
    };
    this.rewrite = job;
    server.log.notice(`Background append only file rewriting started by pid ${Deno.pid}`);
    job.done = this.runRewrite(job);
    return true;
  }

  private async runRewrite(job: Rewrite): Promise<void> {
    const server = this.server;
    let failure: unknown;
    const turns = new Turns();
    try {
      while (true) {
        if (job.aborted) return;
        const complete = job.snapshot.step(job.sink, this.config, performance.now() + STEP_MS);
        if (complete) job.sink.end();
        const bytes = job.sink.take();
        let written = 0;
        while (written < bytes.length) written += await job.file.write(bytes.subarray(written));
        await turns.next();
        if (complete) break;
      }
      if (job.aborted) return;
      await job.file.sync();
      job.file.close();
    } catch (error) {
      if (job.aborted) return;
      failure = error;
      try {
        job.file.close();
      } catch {
        // Closed already.
      }
    } finally {
      turns.close();
      job.snapshot.finish();
    }
    if (job.aborted || this.rewrite !== job) return;
    this.rewrite = undefined;
    this.lastRewriteTimeSec = Math.floor((Date.now() - job.startedAt) / 1000);
    if (failure === undefined) failure = this.rewriteDone(job);
    if (failure === undefined) {
      this.lastBgrewriteStatus = "ok";
      this.consecutiveFailures = 0;
      this.rewrites++;
      server.log.notice("Background AOF rewrite finished successfully");
    } else {
      removeQuietly(job.tempPath);
      server.log.warning(`Background AOF rewrite failed: ${reason(failure)}`);
      this.lastBgrewriteStatus = "err";
      this.consecutiveFailures++;
      if (this.state === "wait_rewrite") {
        // startAppendOnly's rewrite failed: AOF stays off, as in Redis.
        this.file?.close();
        this.file = undefined;
        this.state = "off";
        this.buffer = "";
        server.offPropagate(this.feedListener);
      }
    }
  }

  /** backgroundRewriteDoneHandler: the base renamed in, history marked, manifest persisted, history deleted. */
  private rewriteDone(job: Rewrite): unknown {
    const server = this.server;
    server.log.notice("Background AOF rewrite terminated with success");
    const manifest = this.manifest.clone();
    const seq = ++manifest.baseSeq;
    const name = `${this.fileName}.${seq}.base.${job.rdb ? "rdb" : "aof"}`;
    if (manifest.base) manifest.history.push({ ...manifest.base, type: "h" });
    manifest.base = { name, seq, type: "b" };
    // Every incr file but the one opened at the start of the rewrite (none when AOF is off) is history.
    const keep = this.state === "off" ? 0 : 1;
    const old = manifest.incrs.splice(0, manifest.incrs.length - keep);
    for (const incr of old) manifest.history.push({ ...incr, type: "h" });
    try {
      Deno.renameSync(job.tempPath, `${this.dir}/${name}`);
      server.log.notice(
        `Successfully renamed the temporary AOF base file temp-rewriteaof-bg-${Deno.pid}.aof into ${name}`,
      );
      this.persistManifest(manifest);
    } catch (error) {
      removeQuietly(`${this.dir}/${name}`);
      return error;
    }
    const history = manifest.history;
    manifest.history = [];
    this.manifest = manifest;
    for (const info of history) {
      server.log.notice(`Removing the history file ${info.name} in the background`);
      removeQuietly(`${this.dir}/${info.name}`);
    }
    // aofDelHistoryFiles: the manifest without the history, persisted again.
    if (history.length !== 0) {
      try {
        this.persistManifest(manifest);
      } catch (error) {
        server.log.warning(`Error persisting the AOF manifest without history: ${reason(error)}`);
      }
    }
    if (this.state === "wait_rewrite") this.state = "on";
    this.flush();
    this.recomputeSizes();
    return undefined;
  }

  abortRewrite(message?: string): void {
    const job = this.rewrite;
    if (job === undefined) return;
    if (message !== undefined) this.server.log.warning(message);
    job.aborted = true;
    this.rewrite = undefined;
    job.snapshot.finish();
    try {
      job.file.close();
    } catch {
      // Closed by the job meanwhile.
    }
    removeQuietly(job.tempPath);
  }

  /** Waits for the running rewrite, if any (tests). */
  async waitForRewrite(): Promise<void> {
    while (this.rewrite !== undefined) await this.rewrite.done;
  }

  // ---- loading -----------------------------------------------------------------

  /**
   * aofUpgradePrepare: a Redis < 7 AOF (`<dir>/<appendfilename>`, no
   * manifest) is moved into the AOF directory as the base of a new manifest.
   */
  private upgradeOldStyle(): void {
    const old = `${pathOf(this.config.getString("dir"))}/${this.fileName}`;
    try {
      if (!Deno.statSync(old).isFile) return;
    } catch {
      return;
    }
    if (this.readManifest() !== undefined) return;
    this.ensureDir();
    const manifest = new Manifest();
    manifest.base = { name: this.fileName, seq: 1, type: "b" };
    manifest.baseSeq = 1;
    Deno.renameSync(old, `${this.dir}/${this.fileName}`);
    this.persistManifest(manifest);
    this.server.log.notice("Successfully migrated an old-style AOF into the AOF directory");
  }

  /**
   * loadAppendOnlyFiles: the base, then each incr file, per the manifest.
   * False when there is no AOF (then nothing is loaded, as in Redis 7.0).
   * Throws {@link LoadError} when the server must not start.
   */
  load(): boolean {
    this.upgradeOldStyle();
    const manifest = this.readManifest();
    if (manifest === undefined || (manifest.base === undefined && manifest.incrs.length === 0)) return false;
    const server = this.server;
    const start = performance.now();
    const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
    // Loaded in one go, before any client is served (so not flagged as loading:
    // the fake client's commands must not meet -LOADING).
    let client: Client | undefined;
    {
      for (let i = 0; i < files.length; i++) {
        const info = files[i];
        const last = i === files.length - 1;
        const path = `${this.dir}/${info.name}`;
        let bytes: Uint8Array;
        try {
          bytes = Deno.readFileSync(path);
        } catch (error) {
          throw new LoadError(
            `Fatal error: can't open the append log file ${info.name} for reading: ${reason(error)}`,
          );
        }
        if (bytes.length === 0) continue;
        let from = 0;
        if (bytes.length >= 5 && String.fromCharCode(...bytes.subarray(0, 5)) === "REDIS") {
          // An RDB base, or an old-style AOF's RDB preamble followed by commands.
          server.log.notice("Reading RDB base file on AOF loading...");
          from = this.loadRdbBase(bytes, info.name);
          if (from >= bytes.length) {
            server.log.notice(
              `DB loaded from base file ${info.name}: ${
                ((performance.now() - start) / 1000).toFixed(3)
              } seconds`,
            );
            continue;
          }
        }
        client ??= this.loadingClient();
        this.loadCommands(client, bytes, path, info.name, last, from);
        server.log.notice(
          `DB loaded from ${info.type === "b" ? "base" : "incr"} file ${info.name}: ${
            ((performance.now() - start) / 1000).toFixed(3)
          } seconds`,
        );
      }
    }
    server.log.notice(
      `DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`,
    );
    server.dirty = 0;
    return true;
  }

  /** Loads the RDB at the start of `bytes`; returns where it ends (the AOF tail, if any, follows). */
  private loadRdbBase(bytes: Uint8Array, name: string): number {
    let end = bytes.length;
    const observer = { checksum: (_status: string, offset: number) => end = offset };
    try {
      const loadKey = this.server.keyspace.rdbKeyLoader((message) => new LoadError(`${message}. Exiting`));
      loadRdb(bytes, this.config, loadKey, observer, this.server.verifyRdbChecksum);
    } catch (error) {
      if (error instanceof LoadError) throw error;
      const at = error instanceof RdbError ? ` at offset ${error.offset}` : "";
      throw new LoadError(`Bad file format reading the append only file ${name}${at}: ${reason(error)}`);
    }
    return end;
  }

  /** Redis's fake client (CLIENT_ID_AOF): runs the file's commands, its replies dropped. */
  private loadingClient(): Client {
    const addr = { transport: "tcp" as const, hostname: "127.0.0.1", port: 0 };
    const conn = {
      remoteAddr: addr,
      localAddr: addr,
      setNoDelay() {},
      read: () => new Promise<number | null>(() => {}),
      write: (data: Uint8Array) => Promise.resolve(data.length),
      close() {},
    } as unknown as Deno.TcpConn;
    return new Client(this.server, conn, Number.MAX_SAFE_INTEGER, true);
  }

  private loadCommands(
    client: Client,
    bytes: Uint8Array,
    path: string,
    name: string,
    last: boolean,
    from = 0,
  ): void {
    const server = this.server;
    const reader = new AofReader(bytes, from);
    let validBeforeMulti = -1;
    let inMulti = false;
    const truncatedTail = (validUpTo: number) => {
      if (!last) {
        throw new LoadError(
          `Unexpected end of file reading the append only file ${name} at offset ${reader.pos}: ` +
            "it is not the last file of the AOF, so it cannot be truncated.",
        );
      }
      if (!this.config.getBool("aof-load-truncated")) {
        throw new LoadError(
          `Unexpected end of file reading the append only file ${name} (valid up to offset ${validUpTo}). ` +
            "You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. " +
            "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
        );
      }
      server.log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
      server.log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
      try {
        Deno.truncateSync(path, validUpTo);
      } catch (error) {
        throw new LoadError(`Error truncating the AOF file ${name}: ${reason(error)}`);
      }
      server.log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    };
    try {
      while (true) {
        const argv = reader.next();
        if (argv === null) break;
        const command = server.table.lookup(argv[0]);
        if (command === undefined) {
          throw new LoadError(
            `Unknown command '${argv[0]}' reading the append only file ${name} at offset ${reader.validUpTo}`,
          );
        }
        const name0 = argv[0].toLowerCase();
        if (name0 === "multi") {
          validBeforeMulti = reader.validUpTo;
          inMulti = true;
        } else if (name0 === "exec") inMulti = false;
        server.execute(client, argv);
        client.writer.reset();
        reader.commit();
      }
      if (inMulti) {
        server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
        client.transaction.queued = undefined;
        truncatedTail(validBeforeMulti);
      }
    } catch (error) {
      if (!(error instanceof AofReadError)) throw error;
      if (error.kind === "format") {
        throw new LoadError(
          `Bad file format reading the append only file ${name} at offset ${error.offset}: ` +
            "make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>",
        );
      }
      if (inMulti) {
        server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
        client.transaction.queued = undefined;
        truncatedTail(validBeforeMulti);
      } else {
        truncatedTail(reader.validUpTo);
      }
    }
  }
}
