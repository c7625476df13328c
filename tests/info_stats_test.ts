/**
 * INFO commandstats, errorstats and total_error_replies: calls, rejected and
 * failed calls per command and error replies per prefix, compared with a real
 * redis-server (time, which is sampled here, aside), and CONFIG RESETSTAT.
 */
import assert from "node:assert/strict";
import {
  blocked,
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  sameAsRedis,
  startRedis,
  withServer,
} from "./helpers.ts";

/** Commands that run, fail (an error reply) or are refused before running, alone and inside MULTI. */
const SCRIPT: string[][] = [
  ["SET", "k", "v"],
  ["GET", "k"],
  ["GET"],
  ["LPUSH", "k", "x"],
  ["INCR", "k"],
  ["NOSUCH"],
  ["CONFIG", "NOSUCH"],
  ["CONFIG", "GET", "maxmemory"],
  ["MULTI"],
  ["SET", "a", "1"],
  ["LPUSH", "a", "x"],
  ["GET"],
  ["EXEC"],
  ["MULTI"],
  ["SET", "b", "1"],
  ["LPUSH", "b", "x"],
  ["EXEC"],
  ["GET", "b"],
  ["SUBSCRIBE"],
  ["EXEC"],
  ["DISCARD"],
  ["OBJECT", "ENCODING", "nope"],
  ["HSET", "h", "f"],
  ["ACL", "SETUSER", "u", "on", "nopass", "+get", "~*"],
  ["AUTH", "u", "x"],
  ["SET", "k", "v"],
  ["GET", "k"],
];

/** The stats sections as sorted lines, without the time fields. */
async function statsAfterScript(port: number): Promise<string[]> {
  const conn = await RawConnection.open(port);
  try {
    // A BLPOP ended by CLIENT UNBLOCK ... ERROR failed (and, as in Redis, so did the CLIENT UNBLOCK).
    const popper = await RawConnection.open(port);
    const id = String(await popper.command("CLIENT", "ID"));
    await popper.send(encodeCommand(["BLPOP", "nothing", "0"]));
    // Waiting polls INFO, whose calls are left out below.
    await blocked(conn, 1);
    await conn.command("CLIENT", "UNBLOCK", id, "ERROR");
    assert.deepEqual(await popper.reply(), { error: "UNBLOCKED client unblocked via CLIENT UNBLOCK" });
    popper.close();
    for (const argv of SCRIPT) await conn.command(...argv);
    await conn.command("AUTH", "default", "x");
    const text = [
      await conn.command("INFO", "commandstats"),
      await conn.command("INFO", "errorstats"),
      await conn.command("INFO", "stats"),
    ].join("\r\n");
    return text.split("\r\n")
      .filter((line) =>
        /^(cmdstat_|errorstat_|total_error_replies:)/.test(line) && !/^cmdstat_info:/.test(line)
      )
      .map((line) => line.replace(/usec=\d+,usec_per_call=[\d.]+,/, ""))
      .sort();
  } finally {
    conn.close();
  }
}

Deno.test("INFO commandstats and errorstats count calls, rejections, failures and errors as Redis", async () => {
  await withServer(async ({ port }) => {
    const lines = await statsAfterScript(port);
    assert.ok(lines.includes("cmdstat_get:calls=3,rejected_calls=2,failed_calls=0"), lines.join("\n"));
    assert.ok(lines.includes("cmdstat_set:calls=2,rejected_calls=1,failed_calls=0"), lines.join("\n"));
    assert.ok(lines.includes("cmdstat_lpush:calls=2,rejected_calls=0,failed_calls=2"), lines.join("\n"));
    assert.ok(lines.includes("cmdstat_exec:calls=3,rejected_calls=0,failed_calls=2"), lines.join("\n"));
    assert.ok(lines.includes("errorstat_WRONGTYPE:count=2"), lines.join("\n"));
    assert.ok(lines.includes("errorstat_NOPERM:count=1"), lines.join("\n"));
    const conn = await RawConnection.open(port);
    const all = await conn.command("INFO", "all") as string;
    assert.match(all, /# Commandstats\r\ncmdstat_/);
    assert.doesNotMatch(await conn.command("INFO") as string, /# Commandstats/);
    assert.match(
      all,
      /\r\ncmdstat_set:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0\r\n/,
    );
    assert.equal(await conn.command("CONFIG", "RESETSTAT"), "OK");
    // As in Redis, CONFIG RESETSTAT is counted once it has run, after the reset; INFO does not count itself.
    assert.match(
      await conn.command("INFO", "commandstats") as string,
      /^# Commandstats\r\ncmdstat_config\|resetstat:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r\n$/,
    );
    assert.equal(await conn.command("INFO", "errorstats"), "# Errorstats\r\n");
    assert.match(await conn.command("INFO", "stats") as string, /\r\ntotal_error_replies:0\r\n/);
    conn.close();
  });
});

Deno.test("INFO latencystats gives the configured percentiles of the timed calls", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    for (let i = 0; i < 64; i++) await conn.command("SET", "k", String(i));
    const number = String.raw`\d+\.\d{3}`;
    assert.match(
      await conn.command("INFO", "latencystats") as string,
      new RegExp(
        String
          .raw`^# Latencystats\r\n(.*\r\n)*latency_percentiles_usec_set:p50=${number},p99=${number},p99\.9=${number}\r\n`,
      ),
    );
    assert.match(await conn.command("INFO", "all") as string, /\r\n# Latencystats\r\n/);
    assert.doesNotMatch(await conn.command("INFO") as string, /# Latencystats/);
    assert.equal(await conn.command("CONFIG", "SET", "latency-tracking-info-percentiles", "50 90"), "OK");
    assert.match(
      await conn.command("INFO", "latencystats") as string,
      new RegExp(String.raw`\r\nlatency_percentiles_usec_set:p50=${number},p90=${number}\r\n`),
    );
    assert.equal(await conn.command("CONFIG", "SET", "latency-tracking", "no"), "OK");
    assert.equal(await conn.command("INFO", "latencystats"), "# Latencystats\r\n");
    assert.equal(await conn.command("CONFIG", "SET", "latency-tracking", "yes"), "OK");
    assert.equal(await conn.command("CONFIG", "RESETSTAT"), "OK");
    assert.doesNotMatch(await conn.command("INFO", "latencystats") as string, /usec_set:/);
    // The first call once tracking is on is timed, whatever the count of calls before it.
    assert.equal(await conn.command("CONFIG", "SET", "latency-tracking", "no"), "OK");
    assert.equal(await conn.command("SET", "k", "v"), "OK");
    assert.equal(await conn.command("CONFIG", "SET", "latency-tracking", "yes"), "OK");
    assert.equal(await conn.command("SET", "k", "v"), "OK");
    assert.match(
      await conn.command("INFO", "latencystats") as string,
      /\r\nlatency_percentiles_usec_set:p50=/,
    );
    conn.close();
  });
});

Deno.test({
  name: "INFO commandstats and errorstats match redis-server's after the same commands",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    try {
      const expected = await statsAfterScript(redis.port);
      await withServer(async ({ port }) => {
        assert.deepEqual(await statsAfterScript(port), expected);
      });
    } finally {
      await redis.stop();
    }
  },
});

Deno.test({
  name: "INFO's sections list Redis 7.0's fields in its order (Redix's two version fields aside)",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const sections = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster"];
    const conn = await RawConnection.open(port);
    try {
      const names: Record<string, string[]> = {};
      for (const section of sections) {
        const text = await conn.command("INFO", section) as string;
        // The title line too: "# CPU", not "# Cpu".
        const lines = text.split("\r\n").filter((line) => line.includes(":") || line.startsWith("#"));
        const fields = lines.map((line) => line.split(":")[0]);
        names[section] = fields.filter((name) => name !== "redix_version" && name !== "deno_version");
      }
      return names;
    } finally {
      conn.close();
    }
  }),
});
