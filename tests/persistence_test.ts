/**
 * RDB persistence: SAVE and loading at start, BGSAVE's point-in-time snapshot
 * while clients write, serving clients during a BGSAVE (latency and memory are
 * measured and reported), a failed save (MISCONF, the old file kept), SHUTDOWN
 * and SIGTERM, and files that real redis-server loads.
 */
import assert from "node:assert/strict";
import { HAVE_REDIS, RawConnection, type Reply, startTestServer, waitFor } from "./helpers.ts";
import type { RunningServer } from "../lib/mod.ts";
import { Config } from "../lib/config.ts";
import { loadRdb } from "../lib/persistence/rdb.ts";
import type { Database, RedisValue } from "../lib/store/database.ts";
import { RawString } from "../lib/store/raw_string.ts";
import { ListValue } from "../lib/store/list.ts";
import { HashValue } from "../lib/store/hash.ts";
import { SetValue } from "../lib/store/set.ts";
import { SortedSetValue } from "../lib/store/zset.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A value as canonical text, whatever its encoding. */
function describe(value: RedisValue): string {
  if (typeof value === "string") return JSON.stringify(["string", value]);
  if (value instanceof RawString) return JSON.stringify(["string", value.toBinary()]);
  if (value instanceof ListValue) return JSON.stringify(["list", value.range(0, value.size - 1)]);
  if (value instanceof HashValue) return JSON.stringify(["hash", [...value.entries()].sort()]);
  if (value instanceof SetValue) return JSON.stringify(["set", value.members().sort()]);
  if (value instanceof SortedSetValue) return JSON.stringify(["zset", [...value.entries()]]);
  return JSON.stringify([value.type]);
}

type Contents = Map<string, string>;

/** Every key of every database, with its value and TTL, from the server's memory. */
function contentsOf(dbs: readonly Database[]): Contents {
  const out: Contents = new Map();
  for (const db of dbs) {
    for (const [key, value] of db.data.entries()) {
      out.set(`${db.index}/${key}`, `${describe(value)} ttl=${db.expires.get(key) ?? ""}`);
    }
  }
  return out;
}

/** The contents of an RDB file, loaded with the codec. */
function contentsOfFile(path: string): Contents {
  const out: Contents = new Map();
  loadRdb(Deno.readFileSync(path), new Config(), (db, key, value, expireAt) => {
    assert.ok(!out.has(`${db}/${key}`), `key ${db}/${key} twice in the file`);
    out.set(`${db}/${key}`, `${describe(value)} ttl=${expireAt ?? ""}`);
  });
  return out;
}

/** Differences between two contents, for a readable failure. */
function assertSameContents(actual: Contents, expected: Contents): void {
  const problems: string[] = [];
  for (const [key, value] of expected) {
    if (!actual.has(key)) problems.push(`missing ${key}`);
    else if (actual.get(key) !== value) problems.push(`${key}: ${actual.get(key)} != ${value}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`extra ${key}`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences`);
}

/** Keys, types, values and absolute expiry of each database through commands (works on Redis too). */
async function contentsViaCommands(conn: RawConnection, databases: number): Promise<Map<string, Reply>> {
  const out = new Map<string, Reply>();
  for (let db = 0; db < databases; db++) {
    await conn.command("SELECT", String(db));
    const keys = (await conn.command("KEYS", "*")) as string[];
    for (const key of keys.sort()) {
      const type = await conn.command("TYPE", key);
      let value: Reply;
      switch (type) {
        case "string":
          value = await conn.command("GET", key);
          break;
        case "list":
          value = await conn.command("LRANGE", key, "0", "-1");
          break;
        case "hash":
          value = pairs(await conn.command("HGETALL", key)).sort();
          break;
        case "set":
          value = ((await conn.command("SMEMBERS", key)) as string[]).sort();
          break;
        case "zset":
          value = await conn.command("ZRANGE", key, "0", "-1", "WITHSCORES");
          break;
        default:
          value = null;
      }
      out.set(`${db}/${key}`, [type, value, await conn.command("PEXPIRETIME", key)]);
    }
  }
  return out;
}

function pairs(reply: Reply): Reply[] {
  const flat = reply as string[];
  const out: Reply[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** Fills databases 0, 3 and 9 with every type and encoding, some keys with a TTL. */
async function fillEveryType(conn: RawConnection): Promise<void> {
  const later = String(Date.now() + 3_600_000);
  for (const db of ["0", "3", "9"]) {
    await conn.command("SELECT", db);
    await conn.command("SET", "str", `text in ${db}`);
    await conn.command("SET", "int", "12345");
    await conn.command("SET", "neg", "-9007199254740993");
    await conn.command("SET", "bin", "\x00\x01\xff\r\n");
    await conn.command("SET", "big", "x".repeat(20_000) + "y".repeat(20_000));
    await conn.command("APPEND", "raw", "appended");
    await conn.command("SETRANGE", "raw", "20", "tail");
    await conn.command("SET", "ttl", "v", "PXAT", later);
    await conn.command("RPUSH", "list", "a", "b", "1", "2", "");
    await conn.command("RPUSH", "biglist", ...Array.from({ length: 600 }, (_, i) => `item${i}`));
    await conn.command("HSET", "hash", "f1", "v1", "f2", "2");
    await conn.command(
      "HSET",
      "bighash",
      ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat(),
    );
    await conn.command("SADD", "intset", "1", "2", "-3", "100000");
    await conn.command("SADD", "set", "a", "b", "c");
    await conn.command("SADD", "bigset", ...Array.from({ length: 600 }, (_, i) => `m${i}`));
    await conn.command("ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c", "inf", "d");
    await conn.command(
      "ZADD",
      "bigzset",
      ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `z${i}`]).flat(),
    );
    await conn.command("PEXPIREAT", "hash", later);
    await conn.command("PEXPIREAT", "bigzset", later);
  }
}

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "redix-persistence-" });
}

function startIn(dir: string, config: Record<string, string | number> = {}): Promise<RunningServer> {
  return startTestServer({ config: { dir, save: "", ...config } });
}

function info(text: Reply, field: string): string | undefined {
  return String(text).match(new RegExp(`^${field}:(.*)\r?$`, "m"))?.[1];
}

Deno.test("SAVE, then a restart loads every type, TTLs and several databases", async () => {
  const dir = tempDir();
  let before: Map<string, Reply>;
  const first = await startIn(dir);
  try {
    const conn = await RawConnection.open(first.port);
    await fillEveryType(conn);
    before = await contentsViaCommands(conn, 16);
    assert.equal(await conn.command("SAVE"), "OK");
    const persistence = info(await conn.command("INFO", "persistence"), "rdb_changes_since_last_save");
    assert.equal(persistence, "0");
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_saves"), "1");
    const lastsave = await conn.command("LASTSAVE") as number;
    assert.ok(Math.abs(lastsave - Date.now() / 1000) < 5);
    conn.close();
  } finally {
    await first.close();
  }
  assert.ok(Deno.statSync(`${dir}/dump.rdb`).isFile);
  const second = await startIn(dir);
  try {
    const conn = await RawConnection.open(second.port);
    assert.deepEqual(await contentsViaCommands(conn, 16), before);
    assert.equal(
      info(await conn.command("INFO", "persistence"), "rdb_last_load_keys_loaded"),
      String(before.size),
    );
    conn.close();
  } finally {
    await second.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Random writes of every kind on keys k0..k(n-1) of databases 0 and 1, until stopped. */
async function writeContinuously(port: number, n: number, stop: () => boolean): Promise<number> {
  const conn = await RawConnection.open(port);
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000;
  let count = 0;
  try {
    while (!stop()) {
      const key = `k${Math.floor(random() * n * 1.1)}`;
      const commands: string[][] = [
        ["SET", key, `w${count}`],
        ["DEL", key],
        ["APPEND", key, "+"],
        ["SETRANGE", key, "1", "zz"],
        ["INCR", `counter${Math.floor(random() * 10)}`],
        ["LPUSH", `list${Math.floor(random() * 50)}`, "x"],
        ["LPOP", `list${Math.floor(random() * 50)}`],
        ["HSET", `hash${Math.floor(random() * 50)}`, `f${count % 7}`, "v"],
        ["SADD", `set${Math.floor(random() * 50)}`, String(count % 100)],
        ["ZADD", `zset${Math.floor(random() * 50)}`, String(count), `m${count % 9}`],
        ["EXPIRE", key, "1000"],
        ["PERSIST", key],
        ["RENAME", key, `renamed${Math.floor(random() * 100)}`],
        ["MOVE", key, "1"],
        ["SELECT", random() < 0.5 ? "0" : "1"],
        ["COPY", key, `copy${Math.floor(random() * 100)}`, "REPLACE"],
      ];
      const command = random() < 0.002
        ? ["SWAPDB", "0", "1"]
        : commands[Math.floor(random() * commands.length)];
      await conn.command(...command);
      count++;
    }
  } finally {
    conn.close();
  }
  return count;
}

Deno.test("BGSAVE while a client writes: the file holds the data as of the start", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const server = redix.server;
    const n = 100_000;
    const conn = await RawConnection.open(redix.port);
    await fillEveryType(conn);
    for (const db of server.keyspace.dbs.slice(0, 2)) {
      for (let i = 0; i < n; i++) db.set(`k${i}`, i % 2 === 0 ? `value${i}` : new RawString(`raw${i}`));
      for (let i = 0; i < 50; i++) {
        const list = new ListValue();
        list.push(`e${i}`, false);
        db.set(`list${i}`, list);
        db.set(`counter${i % 10}`, String(i));
        if (i % 3 === 0) db.setExpiry(`list${i}`, Date.now() + 3_600_000 + i);
      }
    }
    let stopped = false;
    let writesDuringSave = 0;
    const writer = writeContinuously(redix.port, n, () => stopped);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The copy and the start of the BGSAVE in one turn: nothing runs in between.
    const expected = contentsOf(server.keyspace.dbs);
    const processedBefore = server.stats.commandsProcessed;
    assert.ok(server.persistence.bgsave());
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_bgsave_in_progress"), "1");
    assert.deepEqual(await conn.command("BGSAVE"), { error: "ERR Background save already in progress" });
    assert.deepEqual(await conn.command("SAVE"), { error: "ERR Background save already in progress" });
    await server.persistence.waitForBgsave();
    writesDuringSave = server.stats.commandsProcessed - processedBefore;
    stopped = true;
    const writes = await writer;
    console.log(
      `BGSAVE of ${contentsOf(server.keyspace.dbs).size} keys: ${writesDuringSave} commands ran during it`,
    );
    assert.ok(
      writes > 100 && writesDuringSave > 100,
      `only ${writesDuringSave} commands ran during the BGSAVE`,
    );
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_last_bgsave_status"), "ok");
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_bgsave_in_progress"), "0");
    assertSameContents(contentsOfFile(`${dir}/dump.rdb`), expected);
    // And the data did change meanwhile: the file is not simply the current state.
    assert.notDeepEqual(contentsOf(server.keyspace.dbs), expected);
    conn.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/** The q-quantile of a list of numbers. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** GETs one at a time for `ms` (or while `more()`), returning each round trip's latency. */
async function measureGets(conn: RawConnection, n: number, more: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  let i = 0;
  while (more()) {
    const start = performance.now();
    await conn.command("GET", `key:${(i++ * 7919) % n}`);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

Deno.test("clients are served during a BGSAVE of 1M keys: p99 GET latency and memory, measured", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const server = redix.server;
    const n = 1_000_000;
    const db = server.keyspace.dbs[0];
    for (let i = 0; i < n; i++) db.set(`key:${i}`, `value:${i}:${"x".repeat(i % 32)}`);
    const conn = await RawConnection.open(redix.port);
    const writer = await RawConnection.open(redix.port);
    const baselineUntil = performance.now() + 2000;
    const idle = await measureGets(conn, n, () => performance.now() < baselineUntil);
    const memoryBefore = Deno.memoryUsage();
    const started = performance.now();
    assert.equal(await conn.command("BGSAVE"), "Background saving started");
    let peakHeap = memoryBefore.heapUsed;
    let peakRss = memoryBefore.rss;
    let writes = 0;
    // A light writer alongside, so some keys are copied.
    const writing = (async () => {
      while (server.persistence.bgsaveInProgress) {
        await writer.command("SET", `key:${(writes++ * 104729) % n}`, "changed");
      }
    })();
    const during = await measureGets(conn, n, () => {
      const memory = Deno.memoryUsage();
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      peakRss = Math.max(peakRss, memory.rss);
      return server.persistence.bgsaveInProgress;
    });
    await writing;
    const seconds = (performance.now() - started) / 1000;
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_last_bgsave_status"), "ok");
    const fileSize = Deno.statSync(`${dir}/dump.rdb`).size;
    const heapRatio = peakHeap / memoryBefore.heapUsed;
    const rssRatio = peakRss / memoryBefore.rss;
    console.log(
      `GET latency without BGSAVE: p50 ${quantile(idle, 0.5).toFixed(3)} ms, p99 ${
        quantile(idle, 0.99).toFixed(3)
      } ms, max ${Math.max(...idle).toFixed(3)} ms (${idle.length} GETs)\n` +
        `GET latency during BGSAVE of 1M keys (${seconds.toFixed(2)} s, ${fileSize} bytes, ${writes} SETs, ` +
        `${server.persistence.lastCopies} values copied): p50 ${quantile(during, 0.5).toFixed(3)} ms, p99 ${
          quantile(during, 0.99).toFixed(3)
        } ms, max ${Math.max(...during).toFixed(3)} ms (${during.length} GETs)\n` +
        `memory during BGSAVE: heap peak ${heapRatio.toFixed(3)}x (${
          (memoryBefore.heapUsed / 1e6).toFixed(0)
        } MB before), rss peak ${rssRatio.toFixed(3)}x (${(memoryBefore.rss / 1e6).toFixed(0)} MB before)`,
    );
    assert.ok(during.length > 100, "clients were served during the BGSAVE");
    // The process's resident memory, as Redis's fork would count its copy-on-write pages: the
    // snapshot adds its frozen key and value arrays (16 bytes a key), the copies of the values
    // written meanwhile and the encoder's output in flight. Measured 1.05-1.13x; the heap
    // (1.22-1.28x, garbage included until the collector runs) is reported, not asserted.
    assert.ok(rssRatio < 1.3, `resident memory grew ${rssRatio.toFixed(3)}x during the BGSAVE`);
    conn.close();
    writer.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a failed BGSAVE keeps the old file, sets status err and refuses writes with MISCONF", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const conn = await RawConnection.open(redix.port);
    await conn.command("SET", "k", "before");
    assert.equal(await conn.command("SAVE"), "OK");
    const good = Deno.readFileSync(`${dir}/dump.rdb`);
    await conn.command("SET", "k", "after");
    // Writing the temp file fails: a directory stands where it goes (root ignores permissions).
    const obstacle = `${dir}/temp-${Deno.pid}.rdb`;
    Deno.mkdirSync(obstacle);
    Deno.writeFileSync(`${obstacle}/in-the-way`, new Uint8Array(1));
    assert.deepEqual(await conn.command("SAVE"), { error: "ERR" });
    assert.equal(await conn.command("BGSAVE"), "Background saving started");
    await waitFor(() => !redix.server.persistence.bgsaveInProgress, "the BGSAVE to end");
    const persistence = await conn.command("INFO", "persistence");
    assert.equal(info(persistence, "rdb_last_bgsave_status"), "err");
    assert.deepEqual(Deno.readFileSync(`${dir}/dump.rdb`), good);
    // Without save points writes go on, as in Redis.
    assert.equal(await conn.command("SET", "k", "1"), "OK");
    assert.equal(await conn.command("CONFIG", "SET", "save", "3600 1"), "OK");
    const misconf = {
      error:
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
        "Commands that may modify the data set are disabled, because this instance is configured to report " +
        "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the " +
        "Redis logs for details about the RDB error.",
    };
    assert.deepEqual(await conn.command("SET", "k", "2"), misconf);
    assert.deepEqual(await conn.command("PING"), misconf);
    assert.equal(await conn.command("GET", "k"), "1");
    assert.equal(await conn.command("MULTI"), "OK");
    assert.deepEqual(await conn.command("INCR", "k"), misconf);
    assert.deepEqual(await conn.command("EXEC"), {
      error: "EXECABORT Transaction discarded because of previous errors.",
    });
    assert.equal(await conn.command("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"), "OK");
    assert.equal(await conn.command("SET", "k", "3"), "OK");
    assert.equal(await conn.command("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"), "OK");
    assert.deepEqual(await conn.command("SET", "k", "4"), misconf);
    // Once a save succeeds, writes are accepted again.
    Deno.removeSync(obstacle, { recursive: true });
    assert.equal(await conn.command("BGSAVE"), "Background saving started");
    await waitFor(() => !redix.server.persistence.bgsaveInProgress, "the BGSAVE to end");
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_last_bgsave_status"), "ok");
    assert.equal(await conn.command("SET", "k", "5"), "OK");
    assert.deepEqual(await conn.command("BGSAVE", "NOW"), { error: "ERR syntax error" });
    assert.equal(await conn.command("BGSAVE", "SCHEDULE"), "Background saving started");
    await redix.server.persistence.waitForBgsave();
    conn.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("BGSAVE inside MULTI is scheduled and runs from the cron; save points trigger a BGSAVE", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const conn = await RawConnection.open(redix.port);
    await conn.command("MULTI");
    await conn.command("BGSAVE");
    assert.deepEqual(await conn.command("EXEC"), ["Background saving scheduled"]);
    await waitFor(
      () => redix.server.persistence.saves === 1 && !redix.server.persistence.bgsaveInProgress,
      "BGSAVE",
    );
    assert.ok(Deno.statSync(`${dir}/dump.rdb`).isFile);
    Deno.removeSync(`${dir}/dump.rdb`);
    // A save point of 2 changes in 1 second (more than a second after the last save).
    assert.equal(await conn.command("CONFIG", "SET", "save", "1 2"), "OK");
    await conn.command("SET", "a", "1");
    await new Promise((resolve) => setTimeout(resolve, 2200));
    assert.equal(redix.server.persistence.saves, 1, "one change does not reach the save point");
    await conn.command("SET", "b", "1");
    await waitFor(
      () => redix.server.persistence.saves === 2 && !redix.server.persistence.bgsaveInProgress,
      "BGSAVE",
    );
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_changes_since_last_save"), "0");
    assert.ok(Deno.statSync(`${dir}/dump.rdb`).isFile);
    conn.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("SHUTDOWN saves with save points, NOSAVE does not, SAVE does without; a failed save refuses unless FORCE", async () => {
  const cases: { save: string; args: string[]; saves: boolean }[] = [
    { save: "", args: [], saves: false },
    { save: "", args: ["SAVE"], saves: true },
    { save: "3600 1", args: [], saves: true },
    { save: "3600 1", args: ["NOSAVE"], saves: false },
    { save: "3600 1", args: ["NOW", "FORCE"], saves: true },
  ];
  for (const { save, args, saves } of cases) {
    const dir = tempDir();
    const redix = await startIn(dir, { save });
    const conn = await RawConnection.open(redix.port);
    await conn.command("SET", "k", "v");
    await conn.send(
      `*${args.length + 1}\r\n$8\r\nSHUTDOWN\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`,
    );
    await redix.closed;
    conn.close();
    let exists = true;
    try {
      Deno.statSync(`${dir}/dump.rdb`);
    } catch {
      exists = false;
    }
    assert.equal(exists, saves, `save "${save}", SHUTDOWN ${args.join(" ")}`);
    Deno.removeSync(dir, { recursive: true });
  }
  const dir = tempDir();
  const redix = await startIn(dir, { save: "3600 1" });
  try {
    Deno.mkdirSync(`${dir}/temp-${Deno.pid}.rdb`);
    Deno.writeFileSync(`${dir}/temp-${Deno.pid}.rdb/in-the-way`, new Uint8Array(1));
    const conn = await RawConnection.open(redix.port);
    assert.deepEqual(await conn.command("SHUTDOWN"), { error: "ERR Errors trying to SHUTDOWN. Check logs." });
    assert.deepEqual(await conn.command("SHUTDOWN", "SAVE"), {
      error: "ERR Errors trying to SHUTDOWN. Check logs.",
    });
    assert.equal(await conn.command("GET", "nothing"), null, "still serving");
    await conn.send("*2\r\n$8\r\nSHUTDOWN\r\n$5\r\nFORCE\r\n");
    await redix.closed;
    conn.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Runs the binary in `dir`; resolves once it listens. */
function spawnRedix(dir: string, extra: string[] = []) {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}main.ts`,
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      ...extra,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  return { port, child, output };
}

async function listening(port: number): Promise<void> {
  await waitFor(
    async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return false;
      }
    },
    "redix to listen",
    20_000,
  );
}

Deno.test("the binary: SIGTERM saves, the next start loads it; a corrupt file stops the start", async () => {
  const dir = tempDir();
  try {
    const first = spawnRedix(dir);
    await listening(first.port);
    const conn = await RawConnection.open(first.port);
    await conn.command("SET", "k", "v");
    await conn.command("RPUSH", "l", "a", "b");
    conn.close();
    first.child.kill("SIGTERM");
    const firstOut = await first.output;
    assert.equal(firstOut.code, 0);
    const firstLog = new TextDecoder().decode(firstOut.stdout);
    assert.match(firstLog, /Saving the final RDB snapshot before exiting\./);
    assert.match(firstLog, /DB saved on disk/);

    const second = spawnRedix(dir);
    await listening(second.port);
    const conn2 = await RawConnection.open(second.port);
    assert.equal(await conn2.command("GET", "k"), "v");
    assert.deepEqual(await conn2.command("LRANGE", "l", "0", "-1"), ["a", "b"]);
    conn2.close();
    second.child.kill("SIGINT");
    const secondLog = new TextDecoder().decode((await second.output).stdout);
    assert.match(secondLog, /DB loaded from disk: \d+\.\d{3} seconds/);

    // Corrupt the file: the start fails naming the file and the offset.
    const bytes = Deno.readFileSync(`${dir}/dump.rdb`);
    Deno.writeFileSync(`${dir}/dump.rdb`, bytes.subarray(0, bytes.length - 12));
    const third = spawnRedix(dir);
    const thirdOut = await third.output;
    assert.equal(thirdOut.code, 1);
    const stderr = new TextDecoder().decode(thirdOut.stderr);
    assert.match(stderr, new RegExp(`${dir}/dump\\.rdb.*offset \\d+`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "a Redix dump.rdb loads into redis-server with the same contents (redis-check-rdb accepts it), and back",
  ignore: !HAVE_REDIS,
  async fn() {
    const dir = tempDir();
    const redix = await startIn(dir);
    let expected: Map<string, Reply>;
    try {
      const conn = await RawConnection.open(redix.port);
      await fillEveryType(conn);
      expected = await contentsViaCommands(conn, 16);
      assert.equal(await conn.command("SAVE"), "OK");
      conn.close();
    } finally {
      await redix.close();
    }
    try {
      const check = await new Deno.Command("redis-check-rdb", { args: [`${dir}/dump.rdb`] }).output();
      assert.equal(check.code, 0, new TextDecoder().decode(check.stdout));
      const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (probe.addr as Deno.NetAddr).port;
      probe.close();
      const child = new Deno.Command("redis-server", {
        args: [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "no",
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        await listening(port);
        const conn = await RawConnection.open(port);
        await waitFor(
          async () => info(await conn.command("INFO", "persistence"), "loading") === "0",
          "loading",
        );
        assert.deepEqual(await contentsViaCommands(conn, 16), expected);
        // And back: redis-server's own file loads into Redix at start.
        Deno.removeSync(`${dir}/dump.rdb`);
        assert.equal(await conn.command("SAVE"), "OK");
        conn.close();
      } finally {
        child.kill("SIGKILL");
        await child.status;
      }
      const again = await startIn(dir);
      try {
        const conn = await RawConnection.open(again.port);
        assert.deepEqual(await contentsViaCommands(conn, 16), expected);
        conn.close();
      } finally {
        await again.close();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("FLUSHALL drops a running BGSAVE, and with save points saves the empty data set", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const server = redix.server;
    const db = server.keyspace.dbs[0];
    for (let i = 0; i < 300_000; i++) db.set(`key:${i}`, `value:${i}`);
    const conn = await RawConnection.open(redix.port);
    assert.equal(await conn.command("BGSAVE"), "Background saving started");
    assert.equal(await conn.command("FLUSHALL"), "OK");
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_bgsave_in_progress"), "0");
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_last_bgsave_status"), "ok");
    assert.throws(() => Deno.statSync(`${dir}/dump.rdb`));
    assert.throws(() => Deno.statSync(`${dir}/temp-${Deno.pid}.rdb`));
    await conn.command("SET", "k", "v");
    assert.equal(await conn.command("CONFIG", "SET", "save", "3600 1"), "OK");
    assert.equal(await conn.command("FLUSHALL"), "OK");
    assert.equal(contentsOfFile(`${dir}/dump.rdb`).size, 0);
    // The save came after the FLUSHALL counted as a change: none is left unsaved (Redis 7.0.15 says 0 too).
    assert.equal(info(await conn.command("INFO", "persistence"), "rdb_changes_since_last_save"), "0");
    conn.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("BGSAVE: a blocked client served after SWAPDB changes a value the file still has as of the start", async () => {
  const dir = tempDir();
  const redix = await startIn(dir);
  try {
    const server = redix.server;
    for (let i = 0; i < 300_000; i++) server.keyspace.dbs[0].set(`key:${i}`, `v${i}`);
    const admin = await RawConnection.open(redix.port);
    await admin.command("SELECT", "1");
    await admin.command("RPUSH", "q", "a", "b");
    const waiter = await RawConnection.open(redix.port);
    await waiter.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n");
    await waitFor(() => server.blocking.count === 1, "the BLPOP to block");
    const expected = contentsOf(server.keyspace.dbs);
    assert.ok(server.persistence.bgsave());
    // Database 1's list moves to database 0, where the waiter pops from it in place.
    assert.equal(await admin.command("SWAPDB", "0", "1"), "OK");
    assert.deepEqual(await waiter.reply(), ["q", "a"]);
    assert.deepEqual(await admin.command("LRANGE", "q", "0", "-1"), []);
    await admin.command("SELECT", "0");
    assert.deepEqual(await admin.command("LRANGE", "q", "0", "-1"), ["b"]);
    await server.persistence.waitForBgsave();
    assertSameContents(contentsOfFile(`${dir}/dump.rdb`), expected);
    admin.close();
    waiter.close();
  } finally {
    await redix.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a file with a database past `databases` stops the start with Redis's message", async () => {
  const dir = tempDir();
  try {
    const first = await startIn(dir);
    const conn = await RawConnection.open(first.port);
    await conn.command("SELECT", "5");
    await conn.command("SET", "k", "v");
    assert.equal(await conn.command("SAVE"), "OK");
    conn.close();
    await first.close();
    await assert.rejects(() => startIn(dir, { databases: 2 }), (error: Error) => {
      assert.equal(
        error.message,
        "FATAL: Data file was created with a Redis server configured to handle more than 2 databases. Exiting",
      );
      return true;
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
