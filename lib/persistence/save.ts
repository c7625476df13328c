/**
 * RDB persistence as Redis 7.0 runs it: SAVE (blocking), BGSAVE (here without
 * fork: a {@link Snapshot} walked a few milliseconds per event-loop turn and
 * streamed to `<dir>/temp-<pid>.rdb`, then fsync and an atomic rename), the
 * `save` points the cron checks, the final save at shutdown, and loading the
 * file at start (DESIGN.md §10).
 *
 * @module
 */
import type { RedixServer } from "../server/server.ts";
import { Turns } from "../util/turns.ts";
import { pathOf, reason, writeAll, writeAllSync } from "./files.ts";
import { REDIS_VERSION } from "../version.ts";
import { loadRdbSteps, RdbEncoder, RdbError } from "./rdb.ts";
import { Snapshot } from "./snapshot.ts";

/** Thrown by {@link Persistence.load} when the file cannot be loaded: the server must not start. */
export class LoadError extends Error {}

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: seconds between retries after a failed BGSAVE. */
const RETRY_DELAY = 5;
/** Milliseconds of encoding per event-loop turn during BGSAVE. */
const STEP_MS = 2;
/**
 * Milliseconds of loading at start between two turns of the event loop
 * (Redis serves events every 2 MB loaded). Each turn is a setTimeout(0),
 * clamped to a few milliseconds: a MessageChannel turn, as {@link Turns},
 * would not let network events in while the loop runs only those.
 */
const LOAD_STEP_MS = 20;
/** Bytes gathered before a write during SAVE. */
const SYNC_CHUNK = 1 << 20;

interface BackgroundSave {
  snapshot: Snapshot;
  encoder: RdbEncoder;
  file: Deno.FsFile | undefined;
  /** Why the temp file could not be created, reported as the save's failure. */
  openError: unknown;
  tempPath: string;
  /** `<dir>/<dbfilename>` as they were at the start (as Redis's child has them). */
  finalPath: string;
  startedAt: number;
  dirtyBefore: number;
  aborted: boolean;
  done: Promise<void>;
}

export class Persistence {
  /** Unix seconds of the last successful save (LASTSAVE), the start time before any. */
  lastSave = Math.floor(Date.now() / 1000);
  lastBgsaveStatus: "ok" | "err" = "ok";
  /** Unix seconds of the last BGSAVE attempt, for the retry delay after a failure. */
  private lastBgsaveTry = 0;
  lastBgsaveTimeSec = -1;
  /** SAVEs and BGSAVEs started (INFO's rdb_saves). */
  saves = 0;
  /** BGSAVE SCHEDULE (or BGSAVE in EXEC) asked for one to start from the cron. */
  scheduled = false;
  /** Loading the file at start: commands without the `loading` flag are refused with -LOADING. */
  loading = false;
  /** While loading, for INFO's loading_* fields: Unix seconds, the file's size, bytes parsed, its used-mem. */
  loadStartTime = 0;
  loadTotalBytes = 0;
  loadLoadedBytes = 0;
  loadRdbUsedMem = 0;
  /** Keys parsed between two looks at the clock while loading (every slice of LOAD_STEP_MS yields a turn). */
  loadKeysPerStep = 1000;
  /**
   * Test hook: when set, awaited after every {@link loadKeysPerStep} keys
   * while loading at start, so that a test can hold the load at a known point
   * (the event loop runs while the hook's promise is pending).
   */
  loadStepHook: (() => Promise<void>) | undefined;
  loadKeysLoaded = 0;
  loadKeysExpired = 0;
  /** Values written during the last BGSAVE that it had to keep (our copy-on-write). */
  lastCopies = 0;
  private job: BackgroundSave | undefined;

  constructor(private server: RedixServer) {}

  get bgsaveInProgress(): boolean {
    return this.job !== undefined;
  }

  /** Seconds the running BGSAVE has taken so far, -1 when none runs. */
  get currentBgsaveTimeSec(): number {
    return this.job === undefined ? -1 : Math.floor((Date.now() - this.job.startedAt) / 1000);
  }

  /** Keys written by the running BGSAVE and in it, for INFO's current_save_keys_*. */
  get currentKeys(): { processed: number; total: number } {
    const snapshot = this.job?.snapshot;
    return { processed: snapshot?.written ?? 0, total: snapshot?.keysTotal ?? 0 };
  }

  /** `<dir>/<dbfilename>`. */
  get path(): string {
    return `${this.dir}/${pathOf(this.server.config.getString("dbfilename"))}`;
  }

  private get dir(): string {
    return pathOf(this.server.config.getString("dir"));
  }

  private get tempPath(): string {
    return `${this.dir}/temp-${Deno.pid}.rdb`;
  }

  /**
   * Whether writes are refused with MISCONF: the last BGSAVE failed, save
   * points are set and stop-writes-on-bgsave-error is on (Redis's
   * writeCommandsDeniedByDiskError). Callers test lastBgsaveStatus first.
   */
  get writesDenied(): boolean {
    const config = this.server.config;
    return this.lastBgsaveStatus === "err" && config.getBool("stop-writes-on-bgsave-error") &&
      config.saveParams().length > 0;
  }

  private encoder(): RdbEncoder {
    const config = this.server.config;
    const encoder = new RdbEncoder({
      compress: config.getBool("rdbcompression"),
      checksum: config.getBool("rdbchecksum"),
    });
    const usedMem = Deno.memoryUsage().heapUsed;
    encoder.header([
      ["redis-ver", REDIS_VERSION],
      ["redis-bits", "64"],
      ["ctime", String(Math.floor(Date.now() / 1000))],
      ["used-mem", String(usedMem)],
      ["aof-base", "0"],
    ]);
    return encoder;
  }

  /** SAVE: writes the whole key space now, blocking. False (logged) when it failed. */
  save(): boolean {
    const server = this.server;
    const log = server.log;
    const config = server.config;
    this.saves++;
    const temp = this.tempPath;
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    } catch (error) {
      log.warning(
        `Failed opening the temp RDB file temp-${Deno.pid}.rdb (in server root dir ${this.dir}) for saving: ` +
          reason(error),
      );
      return false;
    }
    try {
      const encoder = this.encoder();
      for (const db of server.keyspace.dbs) {
        if (db.size === 0) continue;
        encoder.selectDb(db.index, db.size, db.expires.size);
        const expires = db.expires;
        const volatile = expires.size !== 0;
        for (const [key, value] of db.data.entries()) {
          encoder.entry(key, value, volatile ? expires.get(key) : undefined, config);
          if (encoder.length >= SYNC_CHUNK) writeAllSync(file, encoder.take());
        }
      }
      encoder.end();
      writeAllSync(file, encoder.take());
      file.syncSync();
      file.close();
    } catch (error) {
      log.warning(`Write error saving DB on disk: ${reason(error)}`);
      try {
        file.close();
      } catch {
        // Already closed.
      }
      this.removeTemp(temp);
      return false;
    }
    try {
      Deno.renameSync(temp, this.path);
    } catch (error) {
      log.warning(
        `Error moving temp DB file temp-${Deno.pid}.rdb on the final destination ${
          pathOf(config.getString("dbfilename"))
        } (in server root dir ${this.dir}): ${reason(error)}`,
      );
      this.removeTemp(temp);
      return false;
    }
    log.notice("DB saved on disk");
    server.dirty = 0;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveStatus = "ok";
    return true;
  }

  private removeTemp(path: string): void {
    try {
      Deno.removeSync(path);
    } catch {
      // Not there.
    }
  }

  /**
   * BGSAVE: freezes the key space's contents as of now and writes them in the
   * background. False when one is already running.
   */
  bgsave(): boolean {
    if (this.job !== undefined) return false;
    const server = this.server;
    this.saves++;
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    // Opened here, in this turn, as every step that touches the path is
    // synchronous: an abandoned save has no open or rename still in flight
    // that could touch the next save's file.
    const tempPath = this.tempPath;
    let file: Deno.FsFile | undefined;
    let openError: unknown;
    try {
      file = Deno.openSync(tempPath, { write: true, create: true, truncate: true });
    } catch (error) {
      openError = error;
    }
    const job: BackgroundSave = {
      snapshot: new Snapshot(server.keyspace.dbs),
      encoder: this.encoder(),
      file,
      openError,
      tempPath,
      finalPath: this.path,
      startedAt: Date.now(),
      dirtyBefore: server.dirty,
      aborted: false,
      done: Promise.resolve(),
    };
    this.job = job;
    server.log.notice(`Background saving started by pid ${Deno.pid}`);
    job.done = this.runBackground(job);
    return true;
  }

  private async runBackground(job: BackgroundSave): Promise<void> {
    const server = this.server;
    const config = server.config;
    let failure: unknown;
    const turns = new Turns();
    try {
      if (job.file === undefined) throw job.openError;
      while (true) {
        if (job.aborted) return;
        const complete = job.snapshot.step(job.encoder, config, performance.now() + STEP_MS);
        if (complete) job.encoder.end();
        const bytes = job.encoder.take();
        if (bytes.length !== 0) await writeAll(job.file, bytes);
        // A file write can complete without a turn of the event loop: yield
        // one explicitly, so that clients are served between steps.
        await turns.next();
        if (complete) break;
      }
      if (job.aborted) return;
      await job.file.sync();
      job.file.close();
      job.file = undefined;
      if (job.aborted) return;
      Deno.renameSync(job.tempPath, job.finalPath);
    } catch (error) {
      if (job.aborted) return;
      failure = error;
    } finally {
      turns.close();
      job.snapshot.finish();
    }
    if (job.aborted || this.job !== job) return;
    this.job = undefined;
    this.lastCopies = job.snapshot.copies;
    this.lastBgsaveTimeSec = Math.floor((Date.now() - job.startedAt) / 1000);
    if (failure === undefined) {
      server.log.notice("DB saved on disk");
      server.log.notice("Background saving terminated with success");
      server.dirty -= job.dirtyBefore;
      this.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveStatus = "ok";
    } else {
      server.log.warning(
        job.file === undefined && job.openError !== undefined
          ? `Failed opening the temp RDB file temp-${Deno.pid}.rdb (in server root dir ${this.dir}) for saving: ` +
            reason(failure)
          : `Write error saving DB on disk: ${reason(failure)}`,
      );
      server.log.warning("Background saving error");
      if (job.file !== undefined) {
        try {
          job.file.close();
        } catch {
          // Already closed.
        }
      }
      this.removeTemp(job.tempPath);
      this.lastBgsaveStatus = "err";
    }
  }

  /** Waits for the running BGSAVE, if any, to end (tests, tools). */
  async waitForBgsave(): Promise<void> {
    while (this.job !== undefined) await this.job.done;
  }

  /**
   * Abandons a running BGSAVE and removes its temp file, as Redis kills its
   * child (shutdown, FLUSHALL); the status of the last BGSAVE stays as it was.
   */
  abortBgsave(reason?: string): void {
    const job = this.job;
    if (job === undefined) return;
    if (reason !== undefined) this.server.log.warning(reason);
    this.server.log.notice("Background saving terminated by signal 10");
    job.aborted = true;
    this.job = undefined;
    job.snapshot.finish();
    if (job.file !== undefined) {
      try {
        job.file.close();
      } catch {
        // Closed by the job meanwhile.
      }
    }
    this.removeTemp(job.tempPath);
  }

  /**
   * From the server cron: starts a scheduled BGSAVE, or one a save point
   * calls for, as serverCron does.
   */
  cron(now: number): void {
    if (this.job !== undefined) return;
    const unix = Math.floor(now / 1000);
    const retryAllowed = this.lastBgsaveStatus === "ok" || unix - this.lastBgsaveTry > RETRY_DELAY;
    if (this.scheduled && retryAllowed) {
      this.scheduled = false;
      this.bgsave();
      return;
    }
    const dirty = this.server.dirty;
    if (dirty === 0) return;
    for (const { seconds, changes } of this.server.config.saveParams()) {
      if (dirty >= changes && unix - this.lastSave > seconds && retryAllowed) {
        this.server.log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /**
   * The final save of a shutdown, as Redis's prepareForShutdown: when save
   * points are set (unless NOSAVE) or SAVE was asked. False when it failed and
   * the shutdown must not go on (without FORCE).
   */
  saveBeforeShutdown(options: { save?: boolean; nosave?: boolean; force?: boolean }): boolean {
    this.abortBgsave("There is a child saving an .rdb. Killing it!");
    // As Redis: never overwrite the file with a half-loaded data set.
    if (this.loading) return true;
    const wanted = options.save || (!options.nosave && this.server.config.saveParams().length > 0);
    if (!wanted) return true;
    this.server.log.notice("Saving the final RDB snapshot before exiting.");
    if (this.save()) return true;
    if (options.force) {
      this.server.log.warning("Error trying to save the DB. Exit anyway.");
      return true;
    }
    this.server.log.warning("Error trying to save the DB, can't exit.");
    return false;
  }

  /**
   * Loads `<dir>/<dbfilename>` if it exists, in slices of a few milliseconds
   * between turns of the event loop, as Redis serves events while it loads:
   * clients may connect meanwhile, and get -LOADING for every command but
   * those flagged `loading` (INFO shows the progress). Throws
   * {@link LoadError} when it cannot; stops quietly when the server shuts
   * down meanwhile.
   */
  async load(): Promise<void> {
    const server = this.server;
    const path = this.path;
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw new LoadError(`Fatal error loading the DB from ${path}: ${reason(error)}. Exiting.`);
    }
    const start = performance.now();
    const now = Date.now();
    let loaded = 0;
    let expired = 0;
    this.loading = true;
    this.loadStartTime = Math.floor(now / 1000);
    this.loadTotalBytes = bytes.length;
    this.loadLoadedBytes = 0;
    this.loadRdbUsedMem = 0;
    try {
      const loadKey = server.keyspace.rdbKeyLoader((message) => new LoadError(`${message}. Exiting`));
      const steps = loadRdbSteps(bytes, server.config, (index, key, value, expireAt) => {
        if (loadKey(index, key, value, expireAt)) loaded++;
        else expired++;
      }, {
        keysPerStep: this.loadKeysPerStep,
        verifyChecksum: server.verifyRdbChecksum,
        observer: {
          aux: (name, value) => {
            if (name === "used-mem") this.loadRdbUsedMem = Number(value) || 0;
          },
        },
      });
      let sliceEnd = performance.now() + LOAD_STEP_MS;
      let step = steps.next();
      while (!step.done) {
        this.loadLoadedBytes = step.value;
        if (this.loadStepHook !== undefined) await this.loadStepHook();
        if (performance.now() >= sliceEnd) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          // SHUTDOWN (or a signal) while loading: Redis exits without saving the half-loaded set.
          if (server.shuttingDown) return;
          sliceEnd = performance.now() + LOAD_STEP_MS;
        }
        step = steps.next();
      }
      const { aux } = step.value;
      this.loadLoadedBytes = bytes.length;
      const version = aux.get("redis-ver");
      if (version !== undefined) server.log.notice(`Loading RDB produced by version ${version}`);
      const ctime = Number(aux.get("ctime"));
      if (Number.isFinite(ctime)) server.log.notice(`RDB age ${Math.floor(now / 1000) - ctime} seconds`);
    } catch (error) {
      if (error instanceof LoadError) throw error;
      const at = error instanceof RdbError ? ` at offset ${error.offset}` : "";
      throw new LoadError(`Bad RDB file ${path}${at}: ${reason(error)}. Exiting.`);
    } finally {
      this.loading = false;
    }
    server.log.notice(`Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`);
    server.log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    this.loadKeysLoaded = loaded;
    this.loadKeysExpired = expired;
    this.lastSave = Math.floor(Date.now() / 1000);
    server.dirty = 0;
  }
}
