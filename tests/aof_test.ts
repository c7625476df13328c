/**
 * The append-only file: every write type reaches it and a restart reproduces
 * the data; MULTI/EXEC, served blocking pops and expiries as Redis writes
 * them; BGREWRITEAOF compaction; CONFIG SET appendonly yes live; Redis 7
 * loading Redix's AOF directory and the other way round; a torn tail
 * (aof-load-truncated), corruption, --check-aof against redis-check-aof; and
 * crash tests (kill -9 of the binary while 10 clients write) with appendfsync
 * always (no acknowledged write lost) and everysec (the loss reported).
 */
import assert from "node:assert/strict";
import {
  encodeCommand,
  hasProgram,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  startTestServer,
  waitFor,
} from "./helpers.ts";
import type { RunningServer } from "../lib/mod.ts";
import { AofReader, parseManifest } from "../lib/persistence/aof_format.ts";
import { checkAof } from "../lib/persistence/aof_check.ts";
import { LoadError } from "../lib/persistence/save.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const HAVE_CHECK_AOF = await hasProgram("redis-check-aof");

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "redix-aof-" });
}

function start(dir: string, config: Record<string, string | number> = {}): Promise<RunningServer> {
  return startTestServer({ config: { dir, appendonly: "yes", ...config } });
}

/** The commands of an AOF file (annotations skipped). */
function commandsOf(path: string): string[][] {
  const reader = new AofReader(Deno.readFileSync(path));
  const out: string[][] = [];
  for (let argv = reader.next(); argv !== null; argv = reader.next()) out.push(argv);
  return out;
}

function manifestOf(dir: string) {
  return parseManifest(Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.manifest`));
}

function lastIncr(dir: string): string {
  const manifest = manifestOf(dir);
  return `${dir}/appendonlydir/${manifest.incrs[manifest.incrs.length - 1].name}`;
}

/** Keys, types, values and TTL presence of every database, through commands (works on Redis too). */
async function contents(port: number, databases = 16): Promise<Map<string, Reply>> {
  const conn = await RawConnection.open(port);
  const out = new Map<string, Reply>();
  try {
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
            value = ((await conn.command("HGETALL", key)) as string[]).join(",");
            value = [...((await conn.command("HKEYS", key)) as string[])].sort().join(",") + "|" +
              (await conn.command("HLEN", key));
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
        const expireAt = await conn.command("PEXPIRETIME", key);
        out.set(`${db}/${key}`, [type, value, expireAt]);
      }
    }
  } finally {
    conn.close();
  }
  return out;
}

/** A workload touching every value type, expiries, transactions and blocking pops. */
async function writeEverything(port: number): Promise<void> {
  const conn = await RawConnection.open(port);
  const blocker = await RawConnection.open(port);
  try {
    const run = async (...argv: string[]) => {
      const reply = await conn.command(...argv);
      assert.ok(
        !(reply !== null && typeof reply === "object" && "error" in reply),
        `${argv}: ${JSON.stringify(reply)}`,
      );
      return reply;
    };
    await run("SET", "s", "hello");
    await run("APPEND", "s", " world");
    await run("SET", "bin", "\x00\xff\r\n$*");
    await run("INCR", "n");
    await run("INCRBYFLOAT", "f", "1.5");
    await run("SET", "ttl", "v", "EX", "1000");
    await run("SET", "ttl2", "v");
    await run("EXPIRE", "ttl2", "500");
    await run("RPUSH", "l", "a", "b", "c");
    await run("LPUSH", "l", "z");
    await run("LSET", "l", "1", "A");
    await run("HSET", "h", "f1", "v1", "f2", "v2");
    await run("HDEL", "h", "f2");
    await run("HINCRBY", "h", "n", "5");
    await run("SADD", "set", "x", "y", "z");
    await run("SREM", "set", "y");
    await run("SPOP", "set");
    await run("ZADD", "z", "1", "a", "2.5", "b", "-3", "c");
    await run("ZINCRBY", "z", "10", "a");
    await run("SELECT", "3");
    await run("SET", "other", "db");
    await run("SELECT", "0");
    await run("RENAME", "s", "s2");
    await run("COPY", "s2", "s3");
    await run("MSET", "m1", "1", "m2", "2");
    await run("DEL", "m2");
    await run("MULTI");
    await run("INCR", "tx");
    await run("INCR", "tx");
    await run("SET", "tx2", "y");
    const exec = await conn.command("EXEC");
    assert.deepEqual(exec, [1, 2, "OK"]);
    // A blocking pop served by a later push.
    await blocker.send(encodeCommand(["BLPOP", "queue", "0"]));
    await waitFor(async () => (await conn.command("CLIENT", "LIST")) !== null, "blocker");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await run("RPUSH", "queue", "job1", "job2");
    assert.deepEqual(await blocker.reply(), ["queue", "job1"]);
    // An expiry done by the server.
    await run("SET", "short", "x", "PX", "20");
    await waitFor(async () => (await conn.command("EXISTS", "short")) === 0, "short to expire");
  } finally {
    conn.close();
    blocker.close();
  }
}

Deno.test("every write type reaches the AOF, as Redis writes it, and a restart reproduces the data", async () => {
  const dir = tempDir();
  try {
    let redix = await start(dir);
    await writeEverything(redix.port);
    const before = await contents(redix.port);
    await redix.close();
    const commands = commandsOf(lastIncr(dir)).map((argv) =>
      argv.map((a, i) => i === 0 ? a.toUpperCase() : a)
    );
    const text = commands.map((argv) => argv.join(" "));
    // Relative TTLs are absolute, INCRBYFLOAT a SET, SPOP an SREM, the transaction wrapped.
    assert.ok(text.some((line) => /^PEXPIREAT ttl2 \d{13}$/.test(line)), "EXPIRE as PEXPIREAT");
    assert.ok(!text.some((line) => line.startsWith("EXPIRE ")));
    assert.ok(text.some((line) => line.startsWith("SET f 1.5")), "INCRBYFLOAT as SET");
    assert.ok(text.some((line) => line.startsWith("SREM set ")), "SPOP as SREM");
    const multi = text.indexOf("MULTI");
    assert.deepEqual(text.slice(multi, multi + 5), ["MULTI", "INCR tx", "INCR tx", "SET tx2 y", "EXEC"]);
    // The served BLPOP as LPOP right after the push that woke it.
    const push = text.indexOf("RPUSH queue job1 job2");
    assert.equal(text[push + 1], "LPOP queue");
    // The server's expiry as DEL.
    assert.ok(text.includes("DEL short"), "expiry as DEL");
    // SELECT when the database changes.
    const other = text.indexOf("SET other db");
    assert.equal(text[other - 1], "SELECT 3");
    assert.equal(text[0], "SELECT 0");

    redix = await start(dir);
    const after = await contents(redix.port);
    await redix.close();
    assert.deepEqual([...after], [...before]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the AOF takes precedence over dump.rdb at start", async () => {
  const dir = tempDir();
  try {
    let redix = await startTestServer({ config: { dir } });
    const conn = await RawConnection.open(redix.port);
    await conn.command("SET", "from", "rdb");
    await conn.command("SAVE");
    await conn.command("CONFIG", "SET", "appendonly", "yes");
    await waitFor(() => !redix.server.aof.rewriteInProgress, "the first rewrite");
    await conn.command("SET", "from", "aof");
    conn.close();
    await redix.close();
    redix = await start(dir);
    const c2 = await RawConnection.open(redix.port);
    assert.equal(await c2.command("GET", "from"), "aof");
    c2.close();
    await redix.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replaying the AOF is not refused by a password, a restricted default user or maxmemory", async () => {
  // As Redis's fake loading client, which has no user and skips processCommand's checks: writes
  // acknowledged to an authorised user survive a restart whatever the default user may do.
  const dir = tempDir();
  const configFile = `${dir}/redis.conf`;
  Deno.writeTextFileSync(
    configFile,
    `dir ${dir}\nappendonly yes\nuser default on >pw ~app:* +@all\nuser admin on >apw ~* +@all\n`,
  );
  try {
    let redix = await startTestServer({ configFile });
    const conn = await RawConnection.open(redix.port);
    assert.equal(await conn.command("AUTH", "admin", "apw"), "OK");
    assert.equal(await conn.command("SET", "other", "1"), "OK");
    assert.equal(await conn.command("RPUSH", "list", "a", "b"), 2);
    assert.equal(await conn.command("MULTI"), "OK");
    await conn.command("SET", "app:x", "1");
    await conn.command("SET", "y", "2");
    assert.deepEqual(await conn.command("EXEC"), ["OK", "OK"]);
    assert.equal(await conn.command("SET", "big", "v".repeat(300_000)), "OK");
    conn.close();
    await redix.close();
    redix = await startTestServer({
      configFile,
      config: { maxmemory: "100kb", "maxmemory-policy": "noeviction" },
    });
    const after = await RawConnection.open(redix.port);
    assert.equal(await after.command("AUTH", "admin", "apw"), "OK");
    assert.equal(await after.command("DBSIZE"), 5);
    assert.deepEqual(await after.command("LRANGE", "list", "0", "-1"), ["a", "b"]);
    assert.equal(await after.command("GET", "y"), "2");
    assert.equal(await after.command("STRLEN", "big"), 300_000);
    // The limit holds for clients all the same.
    assert.deepEqual(await after.command("SET", "z", "1"), {
      error: "OOM command not allowed when used memory > 'maxmemory'.",
    });
    after.close();
    await redix.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("CONFIG SET appendonly yes writes a base of the data set live, then appends", async () => {
  const dir = tempDir();
  try {
    let redix = await startTestServer({ config: { dir } });
    const conn = await RawConnection.open(redix.port);
    for (let i = 0; i < 1000; i++) await conn.send(encodeCommand(["SET", `k${i}`, String(i)]));
    for (let i = 0; i < 1000; i++) await conn.reply();
    assert.equal(await conn.command("CONFIG", "SET", "appendonly", "yes"), "OK");
    // Writes during the rewrite go to the new incr file.
    await conn.command("SET", "during", "rewrite");
    await waitFor(() => !redix.server.aof.rewriteInProgress, "the rewrite");
    await conn.command("SET", "after", "rewrite");
    const info = (await conn.command("INFO", "persistence")) as string;
    assert.match(info, /aof_enabled:1/);
    assert.match(info, /aof_rewrites:1/);
    assert.match(info, /aof_last_bgrewrite_status:ok/);
    const manifest = manifestOf(dir);
    assert.equal(manifest.base?.name, "appendonly.aof.1.base.rdb");
    assert.equal(manifest.incrs.length, 1);
    const before = await contents(redix.port);
    conn.close();
    await redix.close();
    redix = await start(dir);
    assert.deepEqual([...await contents(redix.port)], [...before]);
    assert.equal(before.size, 1002);
    await redix.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("BGREWRITEAOF: 1M INCRs on one key rewrite to a tiny base; replies as Redis", async () => {
  const dir = tempDir();
  try {
    const redix = await start(dir, { "auto-aof-rewrite-percentage": 0 });
    const conn = await RawConnection.open(redix.port);
    const batch = encodeCommand(["INCR", "counter"]).repeat(10_000);
    for (let i = 0; i < 100; i++) {
      await conn.send(batch);
      for (let j = 0; j < 10_000; j++) await conn.reply();
    }
    assert.equal(await conn.command("GET", "counter"), "1000000");
    const before = Deno.statSync(lastIncr(dir)).size;
    assert.ok(before > 20_000_000, `incr file ${before} bytes`);
    assert.equal(await conn.command("BGREWRITEAOF"), "Background append only file rewriting started");
    assert.deepEqual(await conn.command("BGREWRITEAOF"), {
      error: "ERR Background append only file rewriting already in progress",
    });
    await waitFor(() => !redix.server.aof.rewriteInProgress, "the rewrite");
    const manifest = manifestOf(dir);
    assert.equal(manifest.base?.name, "appendonly.aof.2.base.rdb");
    assert.deepEqual(manifest.incrs.map((i) => i.name), ["appendonly.aof.2.incr.aof"]);
    assert.deepEqual(manifest.history, []);
    assert.deepEqual([...Deno.readDirSync(`${dir}/appendonlydir`)].map((e) => e.name).sort(), [
      "appendonly.aof.2.base.rdb",
      "appendonly.aof.2.incr.aof",
      "appendonly.aof.manifest",
    ]);
    const base = Deno.statSync(`${dir}/appendonlydir/appendonly.aof.2.base.rdb`).size;
    assert.ok(base < 200, `base ${base} bytes`);
    // With a BGSAVE running, the rewrite is scheduled.
    await conn.command("BGSAVE");
    const reply = await conn.command("BGREWRITEAOF");
    assert.ok(
      reply === "Background append only file rewriting scheduled" ||
        reply === "Background append only file rewriting started",
      JSON.stringify(reply),
    );
    await waitFor(
      () => !redix.server.aof.rewriteInProgress && !redix.server.aof.scheduled,
      "the scheduled rewrite",
    );
    await redix.server.persistence.waitForBgsave();
    conn.close();
    await redix.close();
    const again = await start(dir);
    const c2 = await RawConnection.open(again.port);
    assert.equal(await c2.command("GET", "counter"), "1000000");
    c2.close();
    await again.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an AOF-format base (aof-use-rdb-preamble no) rewrites and reloads every type", async () => {
  const dir = tempDir();
  try {
    let redix = await start(dir, { "aof-use-rdb-preamble": "no" });
    await writeEverything(redix.port);
    const c = await RawConnection.open(redix.port);
    await c.command("BGREWRITEAOF");
    c.close();
    await waitFor(() => !redix.server.aof.rewriteInProgress, "the rewrite");
    assert.equal(manifestOf(dir).base?.name, "appendonly.aof.2.base.aof");
    const before = await contents(redix.port);
    await redix.close();
    redix = await start(dir);
    assert.deepEqual([...await contents(redix.port)], [...before]);
    await redix.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** A redis-server on a free port with its own dir and AOF on; stopped with SHUTDOWN NOSAVE. */
async function startRedisAof(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(async () => {
    try {
      const conn = await RawConnection.open(port);
      const reply = await conn.command("PING");
      conn.close();
      return reply === "PONG";
    } catch {
      return false;
    }
  }, "redis-server to listen");
  return {
    port,
    stop: async () => {
      const conn = await RawConnection.open(port);
      await conn.send(encodeCommand(["SHUTDOWN", "NOSAVE"]));
      await conn.readToEnd().catch(() => "");
      conn.close();
      await child.status;
    },
  };
}

Deno.test({
  name: "redis-server loads Redix's AOF directory, and Redix loads redis-server's, with the same contents",
  ignore: !HAVE_REDIS,
  async fn() {
    for (const preamble of ["yes", "no"]) {
      const dir = tempDir();
      try {
        // Redix writes: a base with data (after a rewrite) plus an incr file.
        const redix = await start(dir, { "aof-use-rdb-preamble": preamble });
        await writeEverything(redix.port);
        const c = await RawConnection.open(redix.port);
        await c.command("BGREWRITEAOF");
        await waitFor(() => !redix.server.aof.rewriteInProgress, "the rewrite");
        await c.command("SET", "after", "rewrite");
        await c.command("HSET", "h", "late", "field");
        c.close();
        const expected = await contents(redix.port);
        await redix.close();
        const redis = await startRedisAof(dir);
        const loaded = await contents(redis.port);
        // Redis writes in turn: then Redix loads Redis's files.
        const rc = await RawConnection.open(redis.port);
        await rc.command("SET", "by", "redis");
        await rc.command("BGREWRITEAOF");
        await new Promise((resolve) => setTimeout(resolve, 300));
        await rc.command("ZADD", "z2", "1", "m");
        await rc.command("EXPIRE", "z2", "1000");
        rc.close();
        const redisContents = await contents(redis.port);
        await redis.stop();
        assert.deepEqual([...loaded], [...expected], `preamble ${preamble}: Redis loads Redix's AOF`);
        const again = await start(dir);
        assert.deepEqual([...await contents(again.port)], [...redisContents], "Redix loads Redis's AOF");
        await again.close();
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    }
  },
});

Deno.test("a torn final command: dropped and the file truncated with aof-load-truncated yes, fatal with no", async () => {
  const dir = tempDir();
  try {
    let redix = await start(dir);
    const conn = await RawConnection.open(redix.port);
    await conn.command("SET", "a", "1");
    await conn.command("SET", "b", "2");
    conn.close();
    await redix.close();
    const incr = lastIncr(dir);
    const good = Deno.statSync(incr).size;
    const torn = encodeCommand(["SET", "c", "333"]).slice(0, 20);
    Deno.writeTextFileSync(incr, torn, { append: true });
    await assert.rejects(
      () => start(dir, { "aof-load-truncated": "no" }),
      (error: Error) => {
        assert.ok(error instanceof LoadError);
        assert.match(
          error.message,
          /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/,
        );
        return true;
      },
    );
    redix = await start(dir);
    const c2 = await RawConnection.open(redix.port);
    assert.equal(await c2.command("GET", "b"), "2");
    assert.equal(await c2.command("EXISTS", "c"), 0);
    c2.close();
    await redix.close();
    assert.equal(Deno.statSync(incr).size, good, "truncated to the last complete command");
    // A transaction without its EXEC is reverted, as Redis does.
    Deno.writeTextFileSync(incr, encodeCommand(["MULTI"]) + encodeCommand(["SET", "t", "1"]), {
      append: true,
    });
    redix = await start(dir);
    const c3 = await RawConnection.open(redix.port);
    assert.equal(await c3.command("EXISTS", "t"), 0);
    c3.close();
    await redix.close();
    assert.equal(Deno.statSync(incr).size, good);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("corruption stops the start with a message naming the file and the offset", async () => {
  const dir = tempDir();
  try {
    const redix = await start(dir);
    const conn = await RawConnection.open(redix.port);
    await conn.command("SET", "a", "1");
    conn.close();
    await redix.close();
    const incr = lastIncr(dir);
    const size = Deno.statSync(incr).size;
    Deno.writeTextFileSync(incr, "garbage\r\n" + encodeCommand(["SET", "b", "2"]), { append: true });
    await assert.rejects(() => start(dir), (error: Error) => {
      assert.ok(error instanceof LoadError);
      assert.match(
        error.message,
        new RegExp(
          `^Bad file format reading the append only file appendonly\\.aof\\.1\\.incr\\.aof at offset ${size}:`,
        ),
      );
      return true;
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Runs the checker in-process, answering the prompt with `answer`. */
function runCheck(args: string[], answer: string | null = null): { code: number; out: string } {
  let out = "";
  const code = checkAof(args, { out: (text) => out += text, readLine: () => answer });
  return { code, out };
}

async function redisCheckAof(args: string[], answer = ""): Promise<{ code: number; out: string }> {
  const child = new Deno.Command("redis-check-aof", { args, stdin: "piped", stdout: "piped", stderr: "null" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(answer));
  await writer.close();
  const { code, stdout } = await child.output();
  return { code, out: new TextDecoder().decode(stdout) };
}

Deno.test({
  name: "--check-aof reports as redis-check-aof does, and --fix truncates a torn AOF",
  ignore: !HAVE_CHECK_AOF,
  async fn() {
    const dir = tempDir();
    try {
      const body = encodeCommand(["SELECT", "0"]) + encodeCommand(["SET", "a", "1"]);
      const cases: Record<string, string> = {
        "ok.aof": body,
        "torn.aof": body + encodeCommand(["SET", "b", "12"]).slice(0, -3),
        "bad.aof": body + "xx3\r\n",
        "badlen.aof": body + "*2\r\n$3\r\nDEL\r\n#1\r\nx\r\n",
        "multi.aof": body + encodeCommand(["MULTI"]) + encodeCommand(["SET", "a", "2"]),
        "empty.aof": "",
        "ts.aof": "#TS:1700000000\r\n" + body,
      };
      for (const [name, text] of Object.entries(cases)) {
        Deno.writeTextFileSync(`${dir}/${name}`, text);
        const ours = runCheck([`${dir}/${name}`]);
        const theirs = await redisCheckAof([`${dir}/${name}`]);
        assert.deepEqual(ours, theirs, name);
      }
      // --fix, answering yes, leaves the same file as redis-check-aof's.
      Deno.writeTextFileSync(`${dir}/mine.aof`, cases["torn.aof"]);
      Deno.writeTextFileSync(`${dir}/theirs.aof`, cases["torn.aof"]);
      const ours = runCheck(["--fix", `${dir}/mine.aof`], "y");
      const theirs = await redisCheckAof(["--fix", `${dir}/theirs.aof`], "y\n");
      assert.deepEqual(ours, { ...theirs, out: theirs.out.replaceAll("theirs.aof", "mine.aof") });
      assert.deepEqual(Deno.readFileSync(`${dir}/mine.aof`), Deno.readFileSync(`${dir}/theirs.aof`));
      assert.equal(runCheck([`${dir}/mine.aof`]).code, 0);
      // A manifest: the multi-part report of a Redix directory.
      const redix = await start(dir);
      const c = await RawConnection.open(redix.port);
      await c.command("SET", "k", "v");
      c.close();
      await redix.close();
      const manifest = `${dir}/appendonlydir/appendonly.aof.manifest`;
      const mine = runCheck([manifest]);
      const real = await redisCheckAof([manifest]);
      const noUsedMem = (text: string) => text.replace(/used-mem = '\d+'/, "").replace(/ctime = '\d+'/, "");
      assert.equal(mine.code, real.code);
      assert.equal(noUsedMem(mine.out), noUsedMem(real.out));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

// ---- crash tests: the binary, killed with SIGKILL while clients write --------

const START_ARGS: string[] = (() => {
  const denoJson = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const words = String(denoJson.tasks.start).trim().split(/\s+/);
  return [...words.slice(1, -1), `${ROOT}main.ts`];
})();

async function spawnRedix(dir: string, args: string[]): Promise<{ child: Deno.ChildProcess; port: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...START_ARGS, "--port", "0", "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...args],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let out = "";
  const decoder = new TextDecoder();
  while (!/Ready to accept connections/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`redix exited: ${out}`);
    out += decoder.decode(value);
  }
  // Keep draining standard output so the child never blocks on it.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* killed */ }
  })();
  return { child, port: Number(/port=(\d+)/.exec(out)![1]) };
}

/**
 * 10 clients each write `c<i>:<n>` keys one at a time; after `runMs` the
 * server is killed with SIGKILL. Returns the acknowledged keys and the count
 * found after a restart.
 */
async function crashRun(
  fsync: string,
  runMs: number,
): Promise<{ acked: string[]; missing: string[]; sent: number }> {
  const dir = tempDir();
  try {
    const first = await spawnRedix(dir, ["--appendonly", "yes", "--appendfsync", fsync]);
    const acked: string[] = [];
    let stop = false;
    let sent = 0;
    const writers = Array.from({ length: 10 }, async (_, i) => {
      const conn = await RawConnection.open(first.port);
      try {
        for (let n = 0; !stop; n++) {
          const key = `c${i}:${n}`;
          sent++;
          const reply = await conn.command("SET", key, String(n));
          if (reply === "OK") acked.push(key);
        }
      } catch {
        // The server is gone.
      } finally {
        try {
          conn.close();
        } catch { /* closed */ }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, runMs));
    first.child.kill("SIGKILL");
    await first.child.status;
    stop = true;
    await Promise.all(writers);
    const second = await spawnRedix(dir, ["--appendonly", "yes"]);
    const conn = await RawConnection.open(second.port);
    const missing: string[] = [];
    for (let i = 0; i < acked.length; i += 1000) {
      const keys = acked.slice(i, i + 1000);
      const values = (await conn.command("MGET", ...keys)) as (string | null)[];
      values.forEach((value, j) => {
        if (value === null) missing.push(keys[j]);
      });
    }
    conn.close();
    second.child.kill("SIGKILL");
    await second.child.status;
    return { acked, missing, sent };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("crash: appendfsync always, kill -9 while 10 clients write, every acknowledged write survives", async () => {
  const { acked, missing } = await crashRun("always", 1500);
  assert.ok(acked.length > 100, `only ${acked.length} writes acknowledged`);
  console.log(`always kill -9: ${missing.length} of ${acked.length} acknowledged writes lost`);
  assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged writes lost`);
});

Deno.test("crash: appendfsync everysec, kill -9 while 10 clients write, at most about a second's writes lost", async () => {
  const { acked, missing, sent } = await crashRun("everysec", 1500);
  const perSecond = acked.length / 1.5;
  console.log(
    `everysec kill -9: ${missing.length} of ${acked.length} acknowledged writes lost ` +
      `(${sent} sent, ~${Math.round(perSecond)} acknowledged/s)`,
  );
  assert.ok(missing.length <= perSecond * 1.5, `${missing.length} lost at ${perSecond}/s`);
});

Deno.test({
  name:
    "an old-style AOF (RDB preamble + commands in <dir>/appendonly.aof) is migrated and loaded as Redis 7 does",
  ignore: !HAVE_REDIS || !HAVE_CHECK_AOF,
  async fn() {
    const dir = tempDir();
    const redisDir = tempDir();
    try {
      // The preamble: an RDB written by Redix's SAVE.
      const redix = await startTestServer({ config: { dir } });
      const c = await RawConnection.open(redix.port);
      await c.command("SET", "k1", "rdb");
      await c.command("RPUSH", "l", "a", "b");
      await c.command("SAVE");
      c.close();
      await redix.close();
      const rdb = Deno.readFileSync(`${dir}/dump.rdb`);
      Deno.removeSync(`${dir}/dump.rdb`);
      const tail = encodeCommand(["SELECT", "0"]) + encodeCommand(["SET", "k2", "tail"]) +
        encodeCommand(["RPUSH", "l", "c"]);
      const file = new Uint8Array([...rdb, ...Uint8Array.from(tail, (ch) => ch.charCodeAt(0))]);
      Deno.writeFileSync(`${dir}/appendonly.aof`, file);
      Deno.writeFileSync(`${redisDir}/appendonly.aof`, file);
      // --check-aof reports it as redis-check-aof does.
      const ours = runCheck([`${dir}/appendonly.aof`]);
      const theirs = await redisCheckAof([`${dir}/appendonly.aof`]);
      assert.equal(ours.code, theirs.code);
      assert.equal(ours.out.split("\n").at(-2), theirs.out.split("\n").at(-2));
      assert.ok(ours.out.includes("RDB preamble is OK, proceeding with AOF tail..."));
      const redis = await startRedisAof(redisDir);
      const expected = await contents(redis.port);
      await redis.stop();
      const again = await start(dir);
      assert.deepEqual([...await contents(again.port)], [...expected]);
      assert.equal(expected.size, 3);
      await again.close();
      assert.deepEqual(manifestOf(dir).base, { name: "appendonly.aof", seq: 1, type: "b" });
    } finally {
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(redisDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "INFO persistence has Redis 7.0.15's aof_* fields in its order, with AOF on and off",
  ignore: !HAVE_REDIS,
  async fn() {
    const dir = tempDir();
    const redisDir = tempDir();
    try {
      const fields = (info: string) =>
        info.split("\r\n").filter((line) => line.includes(":")).map((line) => line.split(":")[0]);
      const redis = await startRedisAof(redisDir);
      const rc = await RawConnection.open(redis.port);
      const redisOn = fields((await rc.command("INFO", "persistence")) as string);
      await rc.command("CONFIG", "SET", "appendonly", "no");
      const redisOff = fields((await rc.command("INFO", "persistence")) as string);
      rc.close();
      await redis.stop();
      const redix = await start(dir);
      const c = await RawConnection.open(redix.port);
      const on = fields((await c.command("INFO", "persistence")) as string);
      await c.command("CONFIG", "SET", "appendonly", "no");
      const off = fields((await c.command("INFO", "persistence")) as string);
      const info = (await c.command("INFO", "persistence")) as string;
      assert.match(info, /aof_enabled:0/);
      c.close();
      await redix.close();
      const aof = (list: string[]) => list.filter((name) => name.startsWith("aof_"));
      assert.deepEqual(aof(on), aof(redisOn));
      assert.deepEqual(aof(off), aof(redisOff));
    } finally {
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(redisDir, { recursive: true });
    }
  },
});

Deno.test("CONFIG SET appendonly yes during a BGSAVE: the rewrite waits for it, and no write counts twice", async () => {
  const dir = tempDir();
  try {
    let redix = await startTestServer({ config: { dir } });
    const conn = await RawConnection.open(redix.port);
    let batch = "";
    for (let i = 0; i < 200_000; i++) batch += encodeCommand(["SET", `key:${i}`, "x".repeat(20)]);
    await conn.send(batch);
    for (let i = 0; i < 200_000; i++) await conn.reply();
    await conn.command("BGSAVE");
    const during = redix.server.persistence.bgsaveInProgress;
    assert.equal(await conn.command("CONFIG", "SET", "appendonly", "yes"), "OK");
    if (during) assert.equal(redix.server.aof.scheduled, true);
    console.log(`BGSAVE running when the AOF was turned on: ${during}`);
    for (let i = 0; i < 3; i++) await conn.command("INCR", "counter");
    await waitFor(() => redix.server.aof.state === "on", "the AOF to be on", 30_000);
    await conn.command("INCR", "counter");
    conn.close();
    await redix.server.persistence.waitForBgsave();
    await redix.close();
    redix = await start(dir);
    const c2 = await RawConnection.open(redix.port);
    assert.equal(await c2.command("GET", "counter"), "4");
    assert.equal(await c2.command("DBSIZE"), 200_001);
    c2.close();
    await redix.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
