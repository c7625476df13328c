/**
 * SLOWLOG: what is logged (arguments shortened past 32 and 128 bytes,
 * credentials redacted, the client's address and name), GET's count, LEN,
 * RESET and slowlog-max-len, compared with a real redis-server (times and
 * ports aside); and the threshold.
 */
import assert from "node:assert/strict";
import {
  blockedClients,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  startRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

const SCRIPT: string[][] = [
  ["CONFIG", "SET", "slowlog-log-slower-than", "0"],
  ["CLIENT", "SETNAME", "tester"],
  ["SET", "k".repeat(200), "v"],
  ["RPUSH", "list", ...Array.from({ length: 40 }, (_, i) => `e${i}`)],
  ["AUTH", "default", "secret"],
  ["AUTH", "too", "many", "arguments"],
  ["HELLO", "2", "AUTH", "default", "secret"],
  ["ACL", "SETUSER", "slowlog test user", "+get", "+set"],
  ["ACL", "SETUSER", "slowlog-test-user", "+get", "+set"],
  ["ACL", "DELUSER", "slowlog-test-user"],
  ["CONFIG", "SET", "maxmemory-samples", "5", "MasterAuth", "", "requirepass", ""],
  ["CONFIG", "SET", "masterauth", "x", "nosuchparam"],
  ["CONFIG", "SET", "masteruser", ""],
  ["SLOWLOG", "GET", "8"],
  ["MULTI"],
  ["INCR", "n"],
  ["GET", "n"],
  ["EXEC"],
  ["SLOWLOG", "GET", "-1"],
  ["SLOWLOG", "GET", "2"],
  ["SLOWLOG", "GET", "0"],
  ["SLOWLOG", "GET", "-2"],
  ["SLOWLOG", "GET", "x"],
  ["SLOWLOG", "LEN"],
  ["CONFIG", "SET", "slowlog-max-len", "3"],
  ["PING"],
  ["SLOWLOG", "LEN"],
  ["SLOWLOG", "GET"],
  ["SLOWLOG", "RESET"],
  ["SLOWLOG", "LEN"],
  ["SLOWLOG", "HELP"],
];

/** Replies with each SLOWLOG entry's time, duration and port blanked (they differ by nature). */
async function run(port: number): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    const replies: Reply[] = [];
    for (const argv of SCRIPT) {
      const reply = await conn.command(...argv);
      const isEntries = argv[0] === "SLOWLOG" && argv[1] === "GET" && Array.isArray(reply);
      // HELLO's reply holds the connection's id, which differs between the servers.
      if (argv[0] === "HELLO") {
        replies.push(Array.isArray(reply) ? "hello" : reply);
        continue;
      }
      replies.push(
        isEntries
          ? (reply as Reply[][]).map(([id, , , args, peer, name]) => [
            id,
            "time",
            "usec",
            args,
            String(peer).replace(/:\d+$/, ":port"),
            name,
          ])
          : reply,
      );
    }
    return replies;
  } finally {
    conn.close();
  }
}

Deno.test({
  name: "SLOWLOG logs, shortens, redacts and trims as redis-server",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const redis = await startRedis();
    let expected: Reply[];
    try {
      expected = await run(redis.port);
    } finally {
      await redis.stop();
    }
    await withServer(async ({ port }) => {
      const actual = await run(port);
      for (let i = 0; i < SCRIPT.length; i++) assert.deepEqual(actual[i], expected[i], SCRIPT[i].join(" "));
    });
  },
});

Deno.test("SLOWLOG logs a command over the threshold; a negative threshold logs nothing", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      assert.equal(await conn.command("SLOWLOG", "LEN"), 0);
      // 1 us, which an intersection of 2,000 members exceeds on any machine.
      assert.equal(await conn.command("CONFIG", "SET", "slowlog-log-slower-than", "1"), "OK");
      await conn.command("SADD", "s", ...Array.from({ length: 2000 }, (_, i) => String(i)));
      await conn.command("SINTERSTORE", "d", "s", "s");
      const entries = await conn.command("SLOWLOG", "GET", "-1") as Reply[][];
      assert.ok(
        entries.some((entry) => (entry[3] as string[])[0] === "SINTERSTORE"),
        JSON.stringify(entries),
      );
      assert.equal(await conn.command("CONFIG", "SET", "slowlog-log-slower-than", "-1"), "OK");
      assert.equal(await conn.command("SLOWLOG", "RESET"), "OK");
      await conn.command("SINTERSTORE", "d", "s", "s");
      assert.equal(await conn.command("SLOWLOG", "LEN"), 0, "a negative threshold logs nothing");
    } finally {
      conn.close();
    }
  });
});

Deno.test("SLOWLOG: a command released by a client pause's timer is timed afresh, not from a pipeline's clock", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const admin = await RawConnection.open(port);
    try {
      // 1 s: no DEL of a missing key takes that long, but one timed from a clock reading kept since
      // the pipeline below would (the pause outlasts it by about that).
      assert.equal(await admin.command("CONFIG", "SET", "slowlog-log-slower-than", "1000000"), "OK");
      assert.equal(await admin.command("CLIENT", "PAUSE", "1500", "WRITE"), "OK");
      // Held, to run from the pause's timer, outside any client's run of commands.
      const held = conn.command("DEL", "k");
      await waitFor(async () => await blockedClients(admin) === 1, "the DEL held");
      // Commands timed for SLOWLOG (not `fast`), pipelined: each starts its clock where the one before
      // ended, and the last one's reading is the last any command leaves before the DEL runs.
      await admin.send("*2\r\n$7\r\nHGETALL\r\n$1\r\nh\r\n".repeat(3));
      for (let i = 0; i < 3; i++) assert.deepEqual(await admin.reply(), []);
      assert.equal(await held, 0);
      assert.deepEqual(await admin.command("SLOWLOG", "GET", "-1"), []);
    } finally {
      conn.close();
      admin.close();
    }
  });
});
