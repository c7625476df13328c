/**
 * CLIENT KILL, PAUSE/UNPAUSE, REPLY, NO-EVICT, UNBLOCK, LIST and HELP: error
 * texts and replies compared with a real redis-server, and their effects
 * across connections.
 */
import assert from "node:assert/strict";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  sameRepliesAsRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

const SCRIPTS: Record<string, string[][]> = {
  "kill errors": [
    ["CLIENT", "KILL", "1.2.3.4:5"],
    ["CLIENT", "KILL", "ID", "x"],
    ["CLIENT", "KILL", "ID", "0"],
    ["CLIENT", "KILL", "id", "-5"],
    ["CLIENT", "KILL", "ID", "99999"],
    ["CLIENT", "KILL", "TYPE", "foo"],
    ["CLIENT", "KILL", "TYPE", "master"],
    ["CLIENT", "KILL", "TYPE", "pubsub"],
    ["CLIENT", "KILL", "USER", "nobody"],
    ["CLIENT", "KILL", "USER", "default", "SKIPME", "maybe"],
    ["CLIENT", "KILL", "FOO", "bar"],
    ["CLIENT", "KILL", "ID", "1", "ID"],
    ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "x"],
    ["CLIENT", "KILL", "a", "b", "c", "d", "e"],
    ["CLIENT", "KILL"],
  ],
  "pause, reply, no-evict and unblock errors": [
    ["CLIENT", "PAUSE", "10", "FOO"],
    ["CLIENT", "PAUSE", "x"],
    ["CLIENT", "PAUSE", "-1"],
    ["CLIENT", "PAUSE", "1.5"],
    ["CLIENT", "PAUSE", "10", "WRITE", "x"],
    ["CLIENT", "PAUSE"],
    ["CLIENT", "UNPAUSE", "x"],
    ["CLIENT", "UNPAUSE"],
    ["CLIENT", "REPLY", "maybe"],
    ["CLIENT", "REPLY", "ON"],
    ["CLIENT", "REPLY"],
    ["CLIENT", "NO-EVICT", "maybe"],
    ["CLIENT", "NO-EVICT", "ON"],
    ["CLIENT", "NO-EVICT", "off"],
    ["CLIENT", "UNBLOCK", "x"],
    ["CLIENT", "UNBLOCK", "99999"],
    ["CLIENT", "UNBLOCK", "1", "FOO"],
    ["CLIENT", "UNBLOCK", "x", "FOO"],
    ["CLIENT", "UNBLOCK", "1", "TIMEOUT", "x"],
    ["CLIENT", "UNBLOCK", "-1"],
    ["CLIENT", "UNBLOCK", "0", "error"],
  ],
  "list options": [
    ["CLIENT", "LIST", "ID"],
    ["CLIENT", "LIST", "TYPE"],
    ["CLIENT", "LIST", "ID", "1", "2", "x"],
    ["CLIENT", "LIST", "ID", "0"],
    ["CLIENT", "LIST", "ID", "-1", "99999"],
    ["CLIENT", "LIST", "TYPE", "normal", "ID", "99999"],
    ["CLIENT", "LIST", "TYPE", "pubsub"],
    ["CLIENT", "LIST", "TYPE", "master"],
    ["CLIENT", "LIST", "TYPE", "replica"],
    ["CLIENT", "LIST", "TYPE", "slave"],
    ["CLIENT", "LIST", "TYPE", "foo"],
    ["CLIENT", "INFO", "x"],
    ["CLIENT", "HELP"],
    ["CLIENT", "HELP", "x"],
  ],
};

Deno.test({
  name: "CLIENT subcommands reply as a real redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/** Sends `commands` pipelined, then QUIT, and returns every byte the server wrote back. */
async function pipelineBytes(port: number, commands: string[][]): Promise<string> {
  const conn = await RawConnection.open(port);
  await conn.send([...commands, ["QUIT"]].map(encodeCommand).join(""));
  const bytes = await conn.readToEnd();
  conn.close();
  return bytes;
}

const REPLY_PIPELINE = [
  ["CLIENT", "REPLY", "OFF"],
  ["PING", "unseen"],
  ["FOO"],
  ["CLIENT", "REPLY", "SKIP"],
  ["ECHO", "still off"],
  ["CLIENT", "REPLY", "ON"],
  ["ECHO", "seen"],
  ["CLIENT", "REPLY", "SKIP"],
  ["ECHO", "skipped"],
  ["ECHO", "seen again"],
  ["CLIENT", "REPLY", "SKIP"],
  ["CLIENT", "REPLY", "SKIP"],
  ["ECHO", "skipped too"],
  ["MULTI"],
  ["CLIENT", "REPLY", "OFF"],
  ["EXEC"],
  ["ECHO", "off since EXEC"],
  ["CLIENT", "REPLY", "ON"],
  ["CLIENT", "REPLY", "OFF"],
  ["RESET"],
  ["ECHO", "on again after RESET"],
  // ON turns a SKIP off in time to answer itself; RESET does not, and is silenced.
  ["CLIENT", "REPLY", "SKIP"],
  ["CLIENT", "REPLY", "ON"],
  ["ECHO", "seen after ON"],
  ["CLIENT", "REPLY", "SKIP"],
  ["RESET"],
  ["ECHO", "seen after RESET"],
];

Deno.test({
  name: "CLIENT REPLY OFF and SKIP silence exactly the replies Redis silences",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis((port) => pipelineBytes(port, REPLY_PIPELINE)),
});

Deno.test({
  name: "CLIENT INFO's qbuf counts the read's commands while they run, as Redis's query buffer does",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const pipelined = [["PING"], ["CLIENT", "INFO"], ["ECHO", "after"]];
    const text = await pipelineBytes(port, pipelined) + await pipelineBytes(port, [["CLIENT", "INFO"]]);
    return text.match(/qbuf=\d+/g);
  }),
});

/** The names of CLIENT INFO's fields, in order, but for 7.2's lib-name and lib-ver that Redix adds. */
async function clientInfoFields(port: number): Promise<string[]> {
  const conn = await RawConnection.open(port);
  const line = String(await conn.command("CLIENT", "INFO")).trim();
  conn.close();
  return line.split(" ").map((field) => field.slice(0, field.indexOf("="))).filter((name) =>
    name !== "lib-name" && name !== "lib-ver"
  );
}

Deno.test({
  name: "CLIENT LIST has Redis 7.0's fields in its order (plus 7.2's lib-name and lib-ver)",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(clientInfoFields),
});

/** CLIENT LIST's line for the client `id`, as another connection sees it. */
async function lineOf(admin: RawConnection, id: Reply): Promise<string> {
  return String(await admin.command("CLIENT", "LIST", "ID", String(id)));
}

Deno.test("CLIENT KILL closes the matching connections at once, by ID, ADDR, old form, LADDR, USER, TYPE and SKIPME", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const victims = await Promise.all([1, 2, 3].map(() => RawConnection.open(port)));
    const ids = await Promise.all(victims.map((victim) => victim.command("CLIENT", "ID")));
    const addrOf = async (id: Reply) => /addr=(\S+)/.exec(await lineOf(admin, id))![1];

    assert.equal(await admin.command("CLIENT", "KILL", "ID", String(ids[0])), 1);
    assert.equal(await lineOf(admin, ids[0]), "");
    assert.equal(await victims[0].readToEnd(), "");

    assert.equal(await admin.command("CLIENT", "KILL", "ADDR", await addrOf(ids[1]), "SKIPME", "yes"), 1);
    assert.equal(await victims[1].readToEnd(), "");

    const addr = await addrOf(ids[2]);
    assert.equal(await admin.command("CLIENT", "KILL", addr), "OK");
    assert.equal(await victims[2].readToEnd(), "");
    assert.deepEqual(await admin.command("CLIENT", "KILL", addr), {
      error: "ERR No such client",
    });

    // Every connection has the server's address as laddr, and the default user.
    const byLaddr = await RawConnection.open(port);
    assert.equal(await admin.command("CLIENT", "KILL", "LADDR", `127.0.0.1:${port}`, "USER", "default"), 1);
    assert.equal(await byLaddr.readToEnd(), "");

    // TYPE normal spares the caller unless SKIPME no, and then it is closed after its reply.
    const other = await RawConnection.open(port);
    assert.equal(await admin.command("CLIENT", "KILL", "TYPE", "normal"), 1);
    assert.equal(await other.readToEnd(), "");
    assert.equal(await admin.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"), 1);
    assert.equal(await admin.readToEnd(), "");
    for (const conn of [...victims, byLaddr, other, admin]) conn.close();
  });
});

Deno.test("CLIENT PAUSE WRITE holds writes (shown blocked) until CLIENT UNPAUSE, then runs them in order", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const writer = await RawConnection.open(port);
    const writerId = await writer.command("CLIENT", "ID");
    assert.equal(await admin.command("CLIENT", "PAUSE", "100000", "WRITE"), "OK");
    await writer.send(encodeCommand(["SET", "k", "1"]) + encodeCommand(["INCR", "k"]));
    await waitFor(
      async () => / flags=b .* cmd=set /.test(await lineOf(admin, writerId)),
      "the SET to be held",
    );
    // Reads go on, and see no write yet.
    assert.equal(await admin.command("GET", "k"), null);
    assert.equal(await admin.command("CLIENT", "UNPAUSE"), "OK");
    assert.equal(await writer.reply(), "OK");
    assert.equal(await writer.reply(), 2);
    assert.equal(await admin.command("GET", "k"), "2");
    admin.close();
    writer.close();
  });
});

Deno.test("CLIENT PAUSE ALL holds every command, the pausing client's too, until the timeout", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const started = Date.now();
    assert.equal(await conn.command("CLIENT", "PAUSE", "100", "ALL"), "OK");
    assert.equal(await conn.command("PING"), "PONG");
    assert.ok(Date.now() - started >= 100, "the PING waited for the pause");
    conn.close();
  });
});

Deno.test("CLIENT UNBLOCK ends a blocking command as a timeout (RESP2 and RESP3) or with an error", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const waiter = await RawConnection.open(port);
    const id = await waiter.command("CLIENT", "ID");
    const blockAndUnblock = async (...reason: string[]) => {
      await waiter.send(encodeCommand(["BLPOP", "nothing", "0"]));
      await waitFor(async () => / flags=b /.test(await lineOf(admin, id)), "the BLPOP to block");
      assert.equal(await admin.command("CLIENT", "UNBLOCK", String(id), ...reason), 1);
      return await waiter.reply();
    };
    assert.equal(await blockAndUnblock(), null);
    assert.deepEqual(await blockAndUnblock("ERROR"), {
      error: "UNBLOCKED client unblocked via CLIENT UNBLOCK",
    });
    await waiter.command("HELLO", "3");
    assert.equal(await blockAndUnblock("TIMEOUT"), null);
    // Not blocked: nothing to do.
    assert.equal(await admin.command("CLIENT", "UNBLOCK", String(id)), 0);
    assert.equal(await waiter.command("PING"), "PONG");
    admin.close();
    waiter.close();
  });
});

Deno.test("CLIENT NO-EVICT shows as flag e, and outlives RESET", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    assert.equal(await conn.command("CLIENT", "NO-EVICT", "on"), "OK");
    assert.match(String(await conn.command("CLIENT", "INFO")), / flags=e /);
    // RESET keeps it, as in Redis 7.0.
    assert.equal(await conn.command("RESET"), "RESET");
    assert.match(String(await conn.command("CLIENT", "INFO")), / flags=e /);
    assert.equal(await conn.command("CLIENT", "NO-EVICT", "off"), "OK");
    assert.match(String(await conn.command("CLIENT", "INFO")), / flags=N /);
    conn.close();
  });
});

Deno.test("CLIENT NO-TOUCH (7.2): lookups leave a key's LFU counter alone, except TOUCH; flag T; RESET clears it", async () => {
  await withServer(async ({ port }) => {
    const quiet = await RawConnection.open(port);
    const normal = await RawConnection.open(port);
    // With lfu-log-factor 0 every access increments the counter, so counts are exact.
    await normal.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0");
    await normal.command("SET", "k", "v");
    const freq = async () => await normal.command("OBJECT", "FREQ", "k");
    const start = await freq() as number;
    assert.equal(await quiet.command("CLIENT", "NO-TOUCH", "ON"), "OK");
    assert.match(String(await quiet.command("CLIENT", "INFO")), / flags=T /);
    for (let i = 0; i < 5; i++) assert.equal(await quiet.command("GET", "k"), "v");
    assert.equal(await quiet.command("EXISTS", "k"), 1);
    assert.equal(await freq(), start);
    assert.equal(await quiet.command("TOUCH", "k"), 1);
    assert.equal(await freq(), start + 1);
    assert.equal(await normal.command("GET", "k"), "v");
    assert.equal(await freq(), start + 2);
    assert.deepEqual(await quiet.command("CLIENT", "NO-TOUCH", "maybe"), { error: "ERR syntax error" });
    assert.equal(await quiet.command("RESET"), "RESET");
    assert.match(String(await quiet.command("CLIENT", "INFO")), / flags=N /);
    assert.equal(await quiet.command("GET", "k"), "v");
    assert.equal(await freq(), start + 3);
    quiet.close();
    normal.close();
  });
});
