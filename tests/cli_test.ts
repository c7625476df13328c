/**
 * The redix binary, run as `deno task start` runs it (the command line is read
 * from deno.json's `start` task, so the permission flags cannot drift): version
 * and help, start-up and the ready line, shutdown by SIGTERM, SIGINT and
 * SHUTDOWN, start-up errors, config files with includes and CONFIG REWRITE,
 * and the log level and log file options.
 */
import assert from "node:assert/strict";
import { RawConnection, waitFor } from "./helpers.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
/** How long a start-up may take before a test gives up (a safety net, not a timing assert). */
const START_TIMEOUT_MS = 30_000;

/** `deno run <flags> /abs/main.ts`, split from deno.json's start task. */
const START_ARGS: string[] = (() => {
  const denoJson = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const words = String(denoJson.tasks.start).trim().split(/\s+/);
  assert.equal(words[0], "deno", `unexpected start task: ${denoJson.tasks.start}`);
  assert.equal(words[words.length - 1], "main.ts", `unexpected start task: ${denoJson.tasks.start}`);
  return [...words.slice(1, -1), `${ROOT}main.ts`];
})();

const decoder = new TextDecoder();

/**
 * Where the binary runs: a directory of its own, since with Redis's default
 * save points it writes dump.rdb into its working directory on shutdown.
 */
const WORK_DIR = Deno.makeTempDirSync({ prefix: "redix-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(WORK_DIR, { recursive: true }));

/** Runs redix to completion. */
async function runRedix(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [...START_ARGS, ...args],
    cwd: WORK_DIR,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** A running redix whose standard output and error are collected as they come. */
class RedixProcess {
  stdout = "";
  stderr = "";
  private readonly child: Deno.ChildProcess;
  private readonly readers: Promise<void>[];
  private exit: Deno.CommandStatus | undefined;
  readonly status: Promise<Deno.CommandStatus>;

  constructor(args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: [...START_ARGS, ...args],
      cwd: WORK_DIR,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.readers = [
      this.collect(this.child.stdout, (text) => this.stdout += text),
      this.collect(this.child.stderr, (text) => this.stderr += text),
    ];
    this.status = this.child.status.then(async (status) => {
      await Promise.all(this.readers);
      this.exit = status;
      return status;
    });
  }

  private async collect(stream: ReadableStream<Uint8Array>, add: (text: string) => void): Promise<void> {
    const textDecoder = new TextDecoder();
    for await (const chunk of stream) add(textDecoder.decode(chunk, { stream: true }));
    add(textDecoder.decode());
  }

  /** Waits until standard output matches `pattern` (or the process ends, which fails). */
  async waitForStdout(pattern: RegExp): Promise<RegExpMatchArray> {
    await waitFor(
      () => {
        if (this.exit !== undefined) {
          throw new Error(
            `redix exited (${this.exit.code}) before printing ${pattern}:\n${this.stdout}\n${this.stderr}`,
          );
        }
        return pattern.test(this.stdout);
      },
      `redix to print ${pattern}; output so far:\n${this.stdout}`,
      START_TIMEOUT_MS,
    );
    return this.stdout.match(pattern)!;
  }

  /** Waits for the ready line and returns the port it reports. */
  async ready(): Promise<number> {
    await this.waitForStdout(/Ready to accept connections/);
    const [, port] = await this.waitForStdout(/port=(\d+)/);
    return Number(port);
  }

  kill(signal: Deno.Signal): void {
    this.child.kill(signal);
  }

  /** Whatever happened, make sure the process is gone and its pipes are drained. */
  async cleanup(): Promise<void> {
    if (this.exit === undefined) {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }
    await this.status;
  }
}

/** Starts redix, runs `fn`, and always ends the process. */
async function withRedix(args: string[], fn: (redix: RedixProcess) => Promise<void>): Promise<void> {
  const redix = new RedixProcess(args);
  try {
    await fn(redix);
  } finally {
    await redix.cleanup();
  }
}

/** Sends one command on a fresh connection and returns the reply. */
async function command(port: number, ...args: string[]) {
  const conn = await RawConnection.open(port);
  try {
    return await conn.command(...args);
  } finally {
    conn.close();
  }
}

/** A port that was free a moment ago (for tests where redix cannot report the one it got). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Lines of log output at notice level (Redis's `*` mark). */
const NOTICE_LINE = /^\d+:M \d{2} \w{3} \d{4} [\d:.]+ \* /m;

// ---------------------------------------------------------------------------

Deno.test("deno task compile grants the binary exactly the permissions deno task start runs with", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const flags = (task: string) => task.split(/\s+/).filter((word) => word.startsWith("--allow-")).sort();
  assert.deepEqual(flags(tasks.compile), flags(tasks.start));
  assert.match(tasks.compile, /--output dist\/redix main\.ts$/);
});

Deno.test("the start task's command line is what these tests run", () => {
  assert.deepEqual(START_ARGS.slice(0, 1), ["run"]);
  for (const flag of ["--allow-net", "--allow-read", "--allow-write", "--allow-sys"]) {
    assert.ok(START_ARGS.includes(flag), `${flag} missing from ${START_ARGS.join(" ")}`);
  }
  assert.ok(START_ARGS[START_ARGS.length - 1].endsWith("/main.ts"));
});

Deno.test("--version prints Redix's and Redis's versions and exits 0", async () => {
  for (const flag of ["--version", "-v"]) {
    const { code, stdout, stderr } = await runRedix([flag]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 1, stdout);
    assert.match(lines[0], /Redix/);
    assert.match(lines[0], /7\.0\.15/);
  }
});

Deno.test("--help prints usage and exits 0", async () => {
  for (const flag of ["--help", "-h"]) {
    const { code, stdout, stderr } = await runRedix([flag]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    assert.match(stdout, /^Usage: redix /m);
    assert.match(stdout, /--version/);
    assert.match(stdout, /redis\.conf/);
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`--port 0 starts, reports the port it listens on, and ${signal} shuts it down with exit 0`, async () => {
    await withRedix(["--port", "0"], async (redix) => {
      const port = await redix.ready();
      assert.ok(port > 0 && port < 65536, `port=${port}`);
      assert.equal(await command(port, "PING"), "PONG");
      const conn = await RawConnection.open(port);
      assert.equal(await conn.command("SET", "k", "v"), "OK");

      redix.kill(signal);
      const status = await redix.status;
      assert.equal(status.code, 0, redix.stderr);
      assert.equal(status.success, true);
      // The open connection was closed by the server.
      assert.equal(await conn.readToEnd(), "");
      conn.close();
      assert.match(redix.stdout, new RegExp(`Received ${signal} scheduling shutdown`));
      assert.match(redix.stdout, /ready to exit, bye bye/);
      assert.equal(redix.stderr, "");
      // Nothing listens on the port any more.
      await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
    });
  });
}

Deno.test("--always-show-logo yes puts a banner with the port and the PID in place of the mode line", async () => {
  await withRedix(["--port", "0", "--always-show-logo", "yes"], async (redix) => {
    await redix.waitForStdout(/Ready to accept connections/);
    const [, pid] = await redix.waitForStdout(/pid=(\d+), just started/);
    const [, port] = await redix.waitForStdout(/ Port: (\d+)\n/);
    // Redis's test suite waits for this line of its logo.
    assert.match(redix.stdout, new RegExp(` PID: ${pid}\n`));
    assert.doesNotMatch(redix.stdout, /Running mode=/);
    assert.equal(await command(Number(port), "PING"), "PONG");
    redix.kill("SIGTERM");
    assert.equal((await redix.status).code, 0);
  });
});

Deno.test("a SIGTERM shutdown waits for the next cron tick: DEBUG PAUSE-CRON holds it, SHUTDOWN ABORT cancels it", async () => {
  await withRedix(["--port", "0", "--enable-debug-command", "yes"], async (redix) => {
    const port = await redix.ready();
    const conn = await RawConnection.open(port);
    assert.deepEqual(await conn.command("SHUTDOWN", "ABORT"), { error: "ERR No shutdown in progress." });
    assert.equal(await conn.command("DEBUG", "PAUSE-CRON", "1"), "OK");
    redix.kill("SIGTERM");
    await redix.waitForStdout(/Received SIGTERM scheduling shutdown/);
    assert.equal(await conn.command("PING"), "PONG");
    assert.equal(await conn.command("SHUTDOWN", "ABORT"), "OK");
    assert.match(redix.stdout, /Shutdown manually aborted/);
    assert.equal(await conn.command("DEBUG", "PAUSE-CRON", "0"), "OK");
    assert.equal(await conn.command("PING"), "PONG");
    // Not aborted this time: the cron carries it out.
    redix.kill("SIGTERM");
    assert.equal((await redix.status).code, 0);
    assert.equal(await conn.readToEnd(), "");
    conn.close();
  });
});

Deno.test("SHUTDOWN from a client ends the process with exit 0 and no reply", async () => {
  await withRedix(["--port", "0"], async (redix) => {
    const port = await redix.ready();
    const conn = await RawConnection.open(port);
    try {
      await conn.send("*1\r\n$8\r\nSHUTDOWN\r\n");
      assert.equal(await conn.readToEnd(), "");
    } finally {
      conn.close();
    }
    const status = await redix.status;
    assert.equal(status.code, 0, redix.stderr);
    assert.match(redix.stdout, /User requested shutdown/);
    assert.match(redix.stdout, /ready to exit, bye bye/);
  });
});

Deno.test("SHUTDOWN at the end of a pipeline: the earlier replies arrive, later commands are not run", async () => {
  await withRedix(["--port", "0"], async (redix) => {
    const port = await redix.ready();
    const conn = await RawConnection.open(port);
    try {
      // One small write, so the server reads all of it, SHUTDOWN and what follows, at once.
      await conn.send(
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n" +
          "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" +
          "PING\r\n" +
          "*1\r\n$8\r\nSHUTDOWN\r\n" +
          "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
      );
      assert.equal(await conn.readToEnd(), "+OK\r\n$5\r\nvalue\r\n+PONG\r\n");
    } finally {
      conn.close();
    }
    const status = await redix.status;
    assert.equal(status.code, 0, redix.stderr);
  });
});

Deno.test("SHUTDOWN after 40,000 pipelined commands: every reply arrives, in order, before the close", async () => {
  await withRedix(["--port", "0"], async (redix) => {
    const port = await redix.ready();
    const conn = await RawConnection.open(port);
    try {
      // Enough commands that they span many reads and many writes on the server.
      const n = 20_000;
      let burst = "";
      let expected = "";
      for (let i = 0; i < n; i++) {
        const value = `value:${i}`;
        burst +=
          `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n${value}\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`;
        expected += `+OK\r\n$${value.length}\r\n${value}\r\n`;
      }
      // Nothing after SHUTDOWN here: unread input at close would make the kernel reset the connection.
      burst += "PING\r\n*1\r\n$8\r\nSHUTDOWN\r\n";
      expected += "+PONG\r\n";
      const [, received] = await Promise.all([conn.send(burst), conn.readToEnd()]);
      assert.equal(received.length, expected.length);
      assert.ok(received === expected, "the replies before SHUTDOWN differ from what was expected");
    } finally {
      conn.close();
    }
    const status = await redix.status;
    assert.equal(status.code, 0, redix.stderr);
  });
});

Deno.test("start-up errors print exactly one line on stderr and exit non-zero", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "redix-cli-" });
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const takenPort = (taken.addr as Deno.NetAddr).port;
  try {
    const cases: { name: string; args: string[]; mentions: string }[] = [
      { name: "an unknown flag", args: ["--nosuchflag", "1"], mentions: "nosuchflag" },
      { name: "a bad value", args: ["--port", "abc"], mentions: "abc" },
      { name: "a missing config file", args: [`${dir}/missing.conf`], mentions: `${dir}/missing.conf` },
      {
        name: "a port already taken",
        args: ["--port", String(takenPort), "--bind", "127.0.0.1"],
        mentions: String(takenPort),
      },
    ];
    for (const { name, args, mentions } of cases) {
      await t.step(name, async () => {
        const { code, stdout, stderr } = await runRedix(args);
        assert.notEqual(code, 0, `exit code for ${args.join(" ")}`);
        const lines = stderr.split("\n").filter((line) => line !== "");
        assert.equal(lines.length, 1, `stderr:\n${stderr}`);
        assert.ok(stderr.endsWith("\n"), `stderr should end its line: ${JSON.stringify(stderr)}`);
        assert.ok(lines[0].includes(mentions), `"${lines[0]}" should mention ${mentions}`);
        assert.doesNotMatch(stdout, /Ready to accept connections/);
      });
    }
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config file with comments, quoting and an include is loaded, and CONFIG REWRITE rewrites it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-cli-" });
  try {
    const main = `${dir}/redis.conf`;
    const extra = `${dir}/extra.conf`;
    await Deno.writeTextFile(
      extra,
      // CRLF line endings, as a file edited on Windows has.
      ["# included file", "databases 4", "timeout 120", ""].join("\r\n"),
    );
    await Deno.writeTextFile(
      main,
      [
        "# Main config for the test",
        "   # an indented comment",
        "",
        "HZ 20",
        'dbfilename "my\\x20dump.rdb"',
        "maxmemory-policy 'allkeys-lru'",
        `include ${extra}`,
        'save ""',
        "",
      ].join("\n"),
    );
    await withRedix([main, "--port", "0"], async (redix) => {
      const port = await redix.ready();
      const conn = await RawConnection.open(port);
      try {
        // From the file itself: names are case-insensitive, quotes and escapes are decoded.
        assert.deepEqual(await conn.command("CONFIG", "GET", "hz"), ["hz", "20"]);
        assert.deepEqual(await conn.command("CONFIG", "GET", "dbfilename"), ["dbfilename", "my dump.rdb"]);
        assert.deepEqual(await conn.command("CONFIG", "GET", "maxmemory-policy"), [
          "maxmemory-policy",
          "allkeys-lru",
        ]);
        assert.deepEqual(await conn.command("CONFIG", "GET", "save"), ["save", ""]);
        // From the included file.
        assert.deepEqual(await conn.command("CONFIG", "GET", "databases"), ["databases", "4"]);
        assert.deepEqual(await conn.command("CONFIG", "GET", "timeout"), ["timeout", "120"]);
        assert.deepEqual(await conn.command("SELECT", "3"), "OK");
        assert.deepEqual(await conn.command("SELECT", "4"), { error: "ERR DB index is out of range" });
        // From the command line, after the file.
        assert.deepEqual(await conn.command("CONFIG", "GET", "port"), ["port", "0"]);

        assert.equal(await conn.command("CONFIG", "SET", "hz", "30"), "OK");
        assert.equal(await conn.command("CONFIG", "SET", "maxmemory", "1mb"), "OK");
        assert.equal(await conn.command("CONFIG", "REWRITE"), "OK");
      } finally {
        conn.close();
      }
      const rewritten = await Deno.readTextFile(main);
      const lines = rewritten.split("\n");
      // The changed value replaces its line in place; comments and the include stay.
      assert.ok(lines.includes("hz 30"), rewritten);
      assert.ok(!/^hz 20$/im.test(rewritten), rewritten);
      assert.ok(lines.indexOf("hz 30") < lines.indexOf('dbfilename "my dump.rdb"'), rewritten);
      assert.ok(lines.includes("# Main config for the test"), rewritten);
      assert.ok(lines.includes("# an indented comment"), rewritten);
      assert.ok(lines.includes(`include ${extra}`), rewritten);
      assert.ok(lines.includes("maxmemory-policy allkeys-lru"), rewritten);
      // A parameter not in the file is appended after Redis's marker line.
      const marker = lines.indexOf("# Generated by CONFIG REWRITE");
      assert.ok(marker > lines.indexOf(`include ${extra}`), rewritten);
      assert.ok(lines.indexOf("maxmemory 1mb") > marker, rewritten);
      // The included file is left alone.
      assert.equal(await Deno.readTextFile(extra), "# included file\r\ndatabases 4\r\ntimeout 120\r\n");

      redix.kill("SIGTERM");
      assert.equal((await redix.status).code, 0, redix.stderr);
      assert.match(redix.stdout, /CONFIG REWRITE executed with success/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--loglevel warning suppresses the notice lines", async () => {
  const port = freePort();
  await withRedix(["--port", String(port), "--bind", "127.0.0.1", "--loglevel", "warning"], async (redix) => {
    // Nothing is printed at start-up, so wait until it answers.
    await waitFor(
      async () => {
        try {
          return await command(port, "PING") === "PONG";
        } catch {
          return false;
        }
      },
      `redix to answer on port ${port}`,
      START_TIMEOUT_MS,
    );
    assert.deepEqual(await command(port, "CONFIG", "GET", "loglevel"), ["loglevel", "warning"]);
    redix.kill("SIGTERM");
    assert.equal((await redix.status).code, 0, redix.stderr);
    assert.doesNotMatch(redix.stdout, NOTICE_LINE);
    assert.doesNotMatch(redix.stdout, /Ready to accept connections/);
    // Warnings still are logged.
    assert.match(redix.stdout, /# Received SIGTERM scheduling shutdown/);
  });
});

Deno.test("--logfile writes the log to that file instead of standard output", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redix-cli-" });
  try {
    const logfile = `${dir}/redix.log`;
    const readLog = async () => {
      try {
        return await Deno.readTextFile(logfile);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return "";
        throw error;
      }
    };
    await withRedix(["--port", "0", "--logfile", logfile], async (redix) => {
      await waitFor(
        async () => /Ready to accept connections/.test(await readLog()),
        "the ready line in the log file",
        START_TIMEOUT_MS,
      );
      const port = Number((await readLog()).match(/port=(\d+)/)?.[1]);
      assert.ok(port > 0, await readLog());
      assert.equal(await command(port, "PING"), "PONG");
      assert.deepEqual(await command(port, "CONFIG", "GET", "logfile"), ["logfile", logfile]);
      redix.kill("SIGTERM");
      assert.equal((await redix.status).code, 0, redix.stderr);
      assert.equal(redix.stdout, "");
      const log = await readLog();
      assert.match(log, NOTICE_LINE);
      assert.match(log, /Received SIGTERM scheduling shutdown/);
      assert.match(log, /ready to exit, bye bye/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--check-rdb reports a sound file as redis-check-rdb does and exits 0, a corrupt one 1", async () => {
  const { Config } = await import("../lib/config.ts");
  const { RdbEncoder } = await import("../lib/persistence/rdb.ts");
  const encoder = new RdbEncoder({ compress: true, checksum: true });
  encoder.header([["redis-ver", "7.0.15"], ["redis-bits", "64"]]);
  encoder.selectDb(0, 2, 1);
  encoder.entry("k", "v", undefined, new Config());
  encoder.entry("t", "v", Date.now() + 100_000, new Config());
  encoder.end();
  const bytes = encoder.take();
  Deno.writeFileSync(`${WORK_DIR}/check.rdb`, bytes);
  Deno.writeFileSync(`${WORK_DIR}/check-bad.rdb`, bytes.subarray(0, bytes.length - 12));

  const good = await runRedix(["--check-rdb", "check.rdb"]);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.equal(good.stderr, "");
  assert.deepEqual(good.stdout.split("\n"), [
    "[offset 0] Checking RDB file check.rdb",
    "[offset 27] AUX FIELD redis-ver = '7.0.15'",
    "[offset 41] AUX FIELD redis-bits = '64'",
    "[offset 43] Selecting DB ID 0",
    `[offset ${bytes.length}] Checksum OK`,
    `[offset ${bytes.length}] \\o/ RDB looks OK! \\o/`,
    "[info] 2 keys read",
    "[info] 1 expires",
    "[info] 0 already expired",
    "",
  ]);

  const bad = await runRedix(["--check-rdb", "check-bad.rdb"]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /^--- RDB ERROR DETECTED ---\n\[offset \d+\] Unexpected EOF reading RDB file$/m);
  assert.doesNotMatch(bad.stdout, /looks OK/);

  const missing = await runRedix(["--check-rdb", "no-such.rdb"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /can't open the RDB file no-such\.rdb/);

  const usage = await runRedix(["--check-rdb"]);
  assert.equal(usage.code, 1);
  assert.equal(usage.stderr, "Usage: redix --check-rdb <rdb-file-name>\n");
});
