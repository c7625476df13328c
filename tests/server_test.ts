/**
 * End-to-end tests over raw sockets: what goes over the wire, byte for byte.
 * Binary safety, inline commands, pipelining, back-pressure, protocol errors,
 * limits, expiry, RESP3 shapes and connection lifecycle.
 */
import assert from "node:assert/strict";
import { ALL_BYTES, encodeCommand, RawConnection, type Reply, waitFor, withServer } from "./helpers.ts";

Deno.test("keys and values holding all 256 byte values come back byte for byte", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const reversed = [...ALL_BYTES].reverse().join("");
    assert.equal(await conn.command("SET", ALL_BYTES, reversed), "OK");
    assert.equal(await conn.command("GET", ALL_BYTES), reversed);
    assert.deepEqual(await conn.command("MGET", ALL_BYTES, "\xff\x00"), [reversed, null]);
    assert.equal(await conn.command("EXISTS", ALL_BYTES), 1);
    assert.equal(await conn.command("SET", "\r\n", "\x80\x9f\xff"), "OK");
    assert.equal(await conn.command("GET", "\r\n"), "\x80\x9f\xff");
    conn.close();
  });
});

Deno.test("inline commands work as typed in telnet", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    await conn.send("PING\r\nSET greeting \"hello world\"\r\nGET greeting\nECHO 'it\\'s'\r\n\r\n");
    assert.equal(await conn.reply(), "PONG");
    assert.equal(await conn.reply(), "OK");
    assert.equal(await conn.reply(), "hello world");
    assert.equal(await conn.reply(), "it's");
    await conn.send("GET\r\n");
    assert.deepEqual(await conn.reply(), { error: "ERR wrong number of arguments for 'get' command" });
    conn.close();
  });
});

Deno.test("100,000 pipelined commands sent in one burst get 100,000 replies in order", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const n = 100_000;
    let burst = "";
    for (let i = 0; i < n / 2; i++) {
      burst += encodeCommand(["SET", `key:${i}`, `value:${i}`]) + encodeCommand(["GET", `key:${i}`]);
    }
    const sending = conn.send(burst);
    for (let i = 0; i < n / 2; i++) {
      assert.equal(await conn.reply(), "OK");
      assert.equal(await conn.reply(), `value:${i}`);
    }
    await sending;
    assert.equal(await conn.command("DBSIZE"), n / 2);
    conn.close();
  });
});

Deno.test("a client that sends without reading cannot grow the server's memory without bound", async () => {
  await withServer(async ({ port, server }) => {
    const setup = await RawConnection.open(port);
    assert.equal(await setup.command("SET", "big", "x".repeat(1024 * 1024)), "OK");
    const before = Deno.memoryUsage();
    // 4,000 GETs of 1 MB ask for 4 GB of replies; the greedy client never reads them.
    const greedy = await RawConnection.open(port);
    const sending = greedy.send(encodeCommand(["GET", "big"]).repeat(4000)).catch(() => {});
    // Wait until the server has stopped writing to it: output no longer grows.
    let last = -1;
    await waitFor(() => {
      const now = server.stats.netOutputBytes;
      const stalled = now === last && now > 0;
      last = now;
      return stalled;
    }, "the server to stall on the greedy client");
    const after = Deno.memoryUsage();
    const grown = after.heapUsed + after.external - (before.heapUsed + before.external);
    assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
    assert.ok(server.stats.netOutputBytes < 1024 * 1024 * 1024, "most replies were never produced");
    // Everyone else is still served.
    assert.equal(await setup.command("PING"), "PONG");
    greedy.close();
    await sending;
    setup.close();
  });
});

/** Protocol errors: Redis's reply, then only that connection closes. */
const PROTOCOL_ERRORS: [string, string | Uint8Array, string][] = [
  ["non-numeric multibulk count", "*abc\r\n", "invalid multibulk length"],
  ["multibulk count over 2147483647", "*2147483648\r\n", "invalid multibulk length"],
  ["non-numeric bulk length", "*1\r\n$x\r\n", "invalid bulk length"],
  ["negative bulk length", "*1\r\n$-1\r\n", "invalid bulk length"],
  ["bulk over proto-max-bulk-len", "*1\r\n$600000000\r\n", "invalid bulk length"],
  ["mbulk count line over 64 KB", "*" + "1".repeat(70_000), "too big mbulk count string"],
  ["bulk count line over 64 KB", "*1\r\n$" + "1".repeat(70_000), "too big bulk count string"],
  ["inline request over 64 KB", "SET " + "a".repeat(70_000), "too big inline request"],
  ["unbalanced quotes", 'SET "a b\r\n', "unbalanced quotes in request"],
  ["something other than $", "*1\r\nx3\r\nfoo\r\n", "expected '$', got 'x'"],
];

for (const [name, input, message] of PROTOCOL_ERRORS) {
  Deno.test(`protocol error (${name}) gets Redis's error and closes only that connection`, async () => {
    await withServer(async ({ port }) => {
      const control = await RawConnection.open(port);
      const bad = await RawConnection.open(port);
      // A command ahead of the bad bytes in the same write is still answered.
      await bad.send(typeof input === "string" ? "PING\r\n" + input : input);
      const output = await bad.readToEnd();
      assert.equal(output, `+PONG\r\n-ERR Protocol error: ${message}\r\n`);
      assert.equal(await control.command("PING"), "PONG");
      control.close();
      bad.close();
    });
  });
}

Deno.test("writes pipelined ahead of a broken frame take effect and are answered before the error", async () => {
  await withServer(async ({ port }) => {
    const control = await RawConnection.open(port);
    const bad = await RawConnection.open(port);
    const good = [["SET", "a", "1"], ["SET", "b", "2"], ["INCR", "a"], ["GET", "a"]];
    await bad.send(good.map(encodeCommand).join("") + "*1\r\n$x\r\n" + encodeCommand(["SET", "c", "3"]));
    assert.equal(
      await bad.readToEnd(),
      "+OK\r\n+OK\r\n:2\r\n$1\r\n2\r\n-ERR Protocol error: invalid bulk length\r\n",
    );
    assert.deepEqual(await control.command("MGET", "a", "b", "c"), ["2", "2", null]);
    control.close();
    bad.close();
  });
});

Deno.test("a CONFIG SET proto-max-bulk-len applies to the very next command of its pipeline, as in Redis", async () => {
  await withServer(async ({ port }) => {
    const client = await RawConnection.open(port);
    await client.send(
      encodeCommand(["SET", "a", "1"]) + encodeCommand(["CONFIG", "SET", "proto-max-bulk-len", "1mb"]) +
        encodeCommand(["SET", "k", "v".repeat(1024 * 1024 + 1)]) + encodeCommand(["QUIT"]),
    );
    // Byte for byte what redis-server 7.0.15 answers to the same write.
    assert.equal(await client.readToEnd(), "+OK\r\n+OK\r\n-ERR Protocol error: invalid bulk length\r\n");
    client.close();
  });
});

Deno.test("proto-max-bulk-len is a configured limit, applied to open connections by CONFIG SET", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const client = await RawConnection.open(port);
    const value = "x".repeat(1024 * 1024 + 1);
    assert.equal(await client.command("SET", "k", value), "OK");
    assert.equal(await admin.command("CONFIG", "SET", "proto-max-bulk-len", "1mb"), "OK");
    // At the edge: exactly the limit is accepted, one byte more is refused.
    assert.equal(await client.command("SET", "edge", "e".repeat(1024 * 1024)), "OK");
    await client.send(encodeCommand(["SET", "k", "y".repeat(1024 * 1024 + 1)]));
    assert.equal(await client.readToEnd(), "-ERR Protocol error: invalid bulk length\r\n");
    assert.equal(await admin.command("GET", "k"), value);
    admin.close();
    client.close();
  });
});

Deno.test("a huge announced multibulk count costs nothing up front", async () => {
  await withServer(async ({ port, server }) => {
    const before = Deno.memoryUsage();
    const conns = await Promise.all(Array.from({ length: 20 }, () => RawConnection.open(port)));
    for (const conn of conns) await conn.send("*2000000000\r\n$3\r\nSET\r\n");
    await waitFor(() => server.stats.netInputBytes >= 20 * 22, "the counts to arrive");
    const after = Deno.memoryUsage();
    assert.ok(after.heapUsed + after.external - before.heapUsed - before.external < 32 * 1024 * 1024);
    const control = await RawConnection.open(port);
    assert.equal(await control.command("PING"), "PONG");
    for (const conn of [...conns, control]) conn.close();
  });
});

Deno.test("a 16 MB value arriving in small chunks is stored intact", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const value = ALL_BYTES.repeat(16 * 4096);
    const request = encodeCommand(["SET", "big", value]);
    for (let i = 0; i < request.length; i += 65536) await conn.send(request.slice(i, i + 65536));
    assert.equal(await conn.reply(), "OK");
    assert.equal(await conn.command("GET", "big"), value);
    conn.close();
  });
});

Deno.test("keys that expire are reclaimed actively even if never read", async () => {
  await withServer(async ({ port, server }) => {
    const conn = await RawConnection.open(port);
    let burst = "";
    for (let i = 0; i < 100_000; i++) burst += encodeCommand(["SET", `temp:${i}`, "v", "PX", "100"]);
    burst += encodeCommand(["SET", "keeper", "v"]);
    const sending = conn.send(burst);
    for (let i = 0; i <= 100_000; i++) assert.equal(await conn.reply(), "OK");
    await sending;
    await waitFor(async () => await conn.command("DBSIZE") === 1, "expired keys to be reclaimed");
    assert.equal(server.stats.expiredKeys, 100_000);
    const info = await conn.command("INFO", "stats") as string;
    assert.match(info, /\r\nexpired_keys:100000\r\n/);
    assert.equal(await conn.command("GET", "keeper"), "v");
    conn.close();
  });
});

Deno.test("an expired key is never returned, even before the active cycle runs", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    assert.equal(await conn.command("SET", "k", "v", "PX", "30"), "OK");
    await waitFor(async () => await conn.command("GET", "k") === null, "k to expire");
    assert.equal(await conn.command("EXISTS", "k"), 0);
    assert.equal(await conn.command("TTL", "k"), -2);
    conn.close();
  }, { config: { hz: 1 } });
});

Deno.test("HELLO 3 switches the connection to RESP3 shapes", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    const hello = await conn.command("HELLO", "3", "SETNAME", "tester") as { map: [Reply, Reply][] };
    assert.deepEqual(hello.map.slice(0, 3), [["server", "redis"], ["version", "7.0.15"], ["proto", 3]]);
    assert.deepEqual(hello.map.slice(4), [["mode", "standalone"], ["role", "master"], ["modules", []]]);
    assert.equal(await conn.command("GET", "missing"), null);
    assert.deepEqual(await conn.command("CONFIG", "GET", "databases"), { map: [["databases", "16"]] });
    const info = await conn.command("CLIENT", "INFO") as { verbatim: string; format: string };
    assert.equal(info.format, "txt");
    assert.match(info.verbatim, /name=tester .*resp=3/);
    assert.deepEqual(await conn.command("HELLO", "4"), { error: "NOPROTO unsupported protocol version" });
    await conn.command("HELLO", "2");
    assert.deepEqual(await conn.command("CONFIG", "GET", "databases"), ["databases", "16"]);
    conn.close();
  });
});

Deno.test("maxclients refuses the connection over the limit with Redis's error", async () => {
  await withServer(async ({ port, server }) => {
    const first = await RawConnection.open(port);
    const second = await RawConnection.open(port);
    assert.equal(await first.command("PING"), "PONG");
    assert.equal(await second.command("PING"), "PONG");
    const third = await RawConnection.open(port);
    assert.equal(await third.readToEnd(), "-ERR max number of clients reached\r\n");
    assert.equal(server.stats.rejectedConnections, 1);
    assert.equal(await first.command("PING"), "PONG");
    // Once one leaves, the next one in is at the limit again, and accepted.
    second.close();
    await waitFor(() => server.clients.size === 1, "the second client to be gone");
    const fourth = await RawConnection.open(port);
    assert.equal(await fourth.command("PING"), "PONG");
    for (const conn of [first, third, fourth]) conn.close();
  }, { config: { maxclients: 2 } });
});

Deno.test("QUIT replies OK and closes", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    await conn.send("PING\r\nQUIT\r\nPING\r\n");
    assert.equal(await conn.readToEnd(), "+PONG\r\n+OK\r\n");
    conn.close();
  });
});

Deno.test("timeout closes idle clients", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    assert.equal(await conn.command("CONFIG", "SET", "timeout", "1"), "OK");
    assert.equal(await conn.readToEnd(), "");
    conn.close();
  });
});

Deno.test("SHUTDOWN closes every connection after the replies in flight and resolves `closed`", async () => {
  await withServer(async ({ port, closed }) => {
    const other = await RawConnection.open(port);
    const conn = await RawConnection.open(port);
    assert.equal(await other.command("SET", "k", "v"), "OK");
    await conn.send("SET a 1\r\nGET a\r\nSHUTDOWN NOSAVE\r\nPING\r\n");
    assert.equal(await conn.readToEnd(), "+OK\r\n$1\r\n1\r\n");
    await closed;
    assert.equal(await other.readToEnd(), "");
    for (const c of [conn, other]) c.close();
  });
});

Deno.test("SELECT isolates the 16 databases; FLUSHALL empties them all", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    for (let db = 0; db < 16; db++) {
      assert.equal(await conn.command("SELECT", String(db)), "OK");
      assert.equal(await conn.command("SET", "k", `db${db}`), "OK");
    }
    assert.equal(await conn.command("SELECT", "3"), "OK");
    assert.equal(await conn.command("GET", "k"), "db3");
    const keyspace = await conn.command("INFO", "keyspace") as string;
    assert.match(keyspace, /db15:keys=1,expires=0,avg_ttl=0/);
    assert.equal(await conn.command("FLUSHALL"), "OK");
    assert.equal(await conn.command("DBSIZE"), 0);
    assert.equal(await conn.command("SELECT", "0"), "OK");
    assert.equal(await conn.command("DBSIZE"), 0);
    conn.close();
  });
});

Deno.test("INFO reports Redis's sections and field names", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    await conn.command("SET", "hit", "1");
    await conn.command("GET", "hit");
    await conn.command("GET", "miss");
    const info = await conn.command("INFO") as string;
    for (
      const section of [
        "Server",
        "Clients",
        "Memory",
        "Persistence",
        "Stats",
        "Replication",
        "CPU",
        "Keyspace",
      ]
    ) {
      assert.match(info, new RegExp(`# ${section}\r\n`, "i"));
    }
    assert.match(info, /\r\nredis_version:7\.0\.15\r\n/);
    assert.match(info, /\r\nredix_version:\d+\.\d+\.\d+\r\n/);
    assert.match(info, /\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n/);
    assert.match(info, /\r\nloading:0\r\n/);
    assert.match(info, /\r\nconnected_clients:1\r\n/);
    const server = await conn.command("INFO", "server") as string;
    assert.ok(!server.includes("# Clients"));
    assert.equal(await conn.command("CONFIG", "RESETSTAT"), "OK");
    assert.match(await conn.command("INFO", "stats") as string, /\r\nkeyspace_hits:0\r\n/);
    conn.close();
  });
});

Deno.test("client-query-buffer-limit drops a client whose pending request outgrows it", async () => {
  await withServer(async ({ port, server }) => {
    const control = await RawConnection.open(port);
    const hog = await RawConnection.open(port);
    // A 4 MB bulk that never completes: the limit (1mb) is reached while it arrives.
    await hog.send("*2\r\n$3\r\nGET\r\n$4000000\r\n");
    const sending = hog.send("x".repeat(2 * 1024 * 1024)).catch(() => {});
    assert.equal(await hog.readToEnd(), "");
    await sending;
    assert.equal(await control.command("PING"), "PONG");
    assert.equal(server.clients.size, 1);
    control.close();
    hog.close();
  }, { config: { "client-query-buffer-limit": "1mb" } });
});

Deno.test("a command that throws gets an error reply; the connection and server go on", async () => {
  await withServer(async ({ port, server }) => {
    const conn = await RawConnection.open(port);
    const command = server.table.lookup("echo")!;
    const original = command.handler;
    command.handler = (client) => {
      client.writer.array(2); // a reply half written ...
      throw new RangeError("boom"); // ... then a failure
    };
    try {
      assert.deepEqual(await conn.command("ECHO", "x"), {
        error: "ERR internal error while running 'echo': RangeError: boom",
      });
    } finally {
      command.handler = original;
    }
    assert.equal(await conn.command("ECHO", "x"), "x");
    conn.close();
  });
});

Deno.test("CONFIG SET port and bind move the listener at once, keep connected clients, and refuse what cannot be bound", async () => {
  await withServer(async (redix) => {
    const client = await RawConnection.open(redix.port);
    try {
      // A port in use is refused with Redis's text, and nothing changes.
      const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const takenPort = (taken.addr as Deno.NetAddr).port;
      assert.deepEqual(await client.command("CONFIG", "SET", "port", String(takenPort)), {
        error: "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port",
      });
      taken.close();
      assert.deepEqual(await client.command("CONFIG", "GET", "port"), ["port", "0"]);
      const before = redix.port;
      // A free port: one the system just handed out and took back.
      const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const next = (probe.addr as Deno.NetAddr).port;
      probe.close();
      assert.equal(await client.command("CONFIG", "SET", "port", String(next)), "OK");
      assert.equal(redix.server.port, next);
      const moved = await RawConnection.open(next);
      assert.equal(await moved.command("PING"), "PONG");
      moved.close();
      await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: before }));
      // The client connected before the move is still served.
      assert.equal(await client.command("PING"), "PONG");
      // An address that is not this machine's cannot be bound: refused, the listener stays.
      assert.deepEqual(await client.command("CONFIG", "SET", "bind", "192.0.2.1"), {
        error:
          "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
      });
      assert.deepEqual(await client.command("CONFIG", "GET", "bind"), ["bind", "127.0.0.1"]);
      const still = await RawConnection.open(next);
      assert.equal(await still.command("PING"), "PONG");
      still.close();
    } finally {
      client.close();
    }
  });
});
