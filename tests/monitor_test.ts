/**
 * MONITOR: the stream of executed commands compared line for line with a real
 * redis-server (timestamps and client ports aside), what a monitoring client
 * may still run, and `redis-cli monitor` end to end.
 */
import assert from "node:assert/strict";
import { hasProgram, HAVE_REDIS, RawConnection, type Reply, sameAsRedis, withServer } from "./helpers.ts";

/** The monitor line with its time and client port made comparable. */
function normalized(line: Reply): string {
  return String(line).replace(/^\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, "TIME [$1 CLIENT]");
}

/**
 * Runs `commands` on one connection while another monitors; returns the lines
 * the monitor got, up to the ECHO that ends the run.
 */
async function monitorLines(port: number, commands: string[][]): Promise<string[]> {
  const monitor = await RawConnection.open(port);
  const conn = await RawConnection.open(port);
  try {
    await conn.command("FLUSHALL");
    assert.equal(await monitor.command("MONITOR"), "OK");
    for (const command of commands) await conn.command(...command);
    await conn.command("ECHO", "the end");
    const lines: string[] = [];
    while (true) {
      const line = normalized(await monitor.reply());
      lines.push(line);
      if (line.endsWith('"ECHO" "the end"')) return lines;
    }
  } finally {
    monitor.close();
    conn.close();
  }
}

const COMMANDS = [
  ["SET", "k", "v"],
  ["set", "a b", 'x"y\n\x01\xff\\'],
  ["SELECT", "2"],
  ["GET", "k"],
  ["SELECT", "0"],
  ["FOO", "unknown"],
  ["GET"],
  ["CONFIG", "GET", "hz"],
  ["CLIENT", "LIST"],
  ["CLIENT", "ID"],
  ["HELLO", "2", "AUTH", "default", "secret"],
  ["HELLO", "2", "SETNAME", "x", "AUTH", "user", "pass"],
  ["MULTI"],
  ["SET", "a", "1"],
  ["INCR", "a"],
  ["EXEC"],
  ["MULTI"],
  ["SET", "a"],
  ["EXEC"],
  ["MULTI"],
  ["GET", "a"],
  ["DISCARD"],
  ["EXEC", "extra"],
  ["WATCH", "a"],
  ["UNWATCH"],
  ["BLPOP", "nothing", "0.01"],
  ["PING"],
];

Deno.test({
  name: "MONITOR streams the same lines as a real redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis((port) => monitorLines(port, COMMANDS)),
});

Deno.test("a monitoring client sees its own commands and may not touch the keyspace", async () => {
  await withServer(async ({ port }) => {
    const monitor = await RawConnection.open(port);
    assert.equal(await monitor.command("MONITOR"), "OK");
    // A second MONITOR is ignored without a reply: the PING's reply comes next.
    await monitor.send("*1\r\n$7\r\nMONITOR\r\n");
    assert.equal(await monitor.command("PING"), "PONG");
    assert.match(normalized(await monitor.reply()), /^TIME \[0 CLIENT\] "PING"$/);
    const refused = { error: "ERR Replica can't interact with the keyspace" };
    assert.deepEqual(await monitor.command("SET", "k", "v"), refused);
    assert.deepEqual(await monitor.command("DBSIZE"), refused);
    assert.equal(typeof await monitor.command("CLIENT", "ID"), "number");
    assert.match(normalized(await monitor.reply()), /"CLIENT" "ID"$/);
    assert.match(String(await monitor.command("CLIENT", "LIST")), / flags=O /);
    // RESET ends monitoring.
    assert.equal(await monitor.command("RESET"), "RESET");
    assert.equal(await monitor.command("SET", "k", "v"), "OK");
    monitor.close();
  });
});

Deno.test("redis-cli monitor shows the commands of other clients", async (t) => {
  if (!await hasProgram("redis-cli")) {
    console.warn("monitor_test: redis-cli not found, skipping the redis-cli monitor test");
    return;
  }
  await withServer(async ({ port }) => {
    const cli = new Deno.Command("redis-cli", {
      args: ["-p", String(port), "monitor"],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = cli.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    const nextLine = async () => {
      while (!buffered.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("redis-cli exited");
        buffered += value;
      }
      const line = buffered.slice(0, buffered.indexOf("\n"));
      buffered = buffered.slice(line.length + 1);
      return line;
    };
    try {
      assert.equal(await nextLine(), "OK");
      const conn = await RawConnection.open(port);
      await conn.command("SET", "greeting", "hello world");
      await conn.command("SELECT", "5");
      await conn.command("LPUSH", "list", "a\tb");
      conn.close();
      await t.step("lines as Redis formats them", async () => {
        assert.match(await nextLine(), /^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "greeting" "hello world"$/);
        assert.match(await nextLine(), /^\d+\.\d{6} \[5 127\.0\.0\.1:\d+\] "SELECT" "5"$/);
        assert.match(await nextLine(), /^\d+\.\d{6} \[5 127\.0\.0\.1:\d+\] "LPUSH" "list" "a\\tb"$/);
      });
    } finally {
      await reader.cancel();
      cli.kill();
      await cli.status;
    }
  });
});
