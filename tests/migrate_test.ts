/**
 * MIGRATE against real targets: the same script run with redis-server and
 * with Redix as the source, moving keys of every type to a redis-server
 * target, must give the same replies and leave both sides the same; Redix as
 * a target of redis-server too. With a scripted fake target: the server holds
 * every other client's commands until the target has answered, a silent
 * target times out, a cached link the target dropped is retried, and what is
 * moved is propagated as one DEL.
 */
import assert from "node:assert/strict";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  startRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

/** Every key of the database `db` with its type, content and whether it has a TTL, sorted by key. */
async function contents(conn: RawConnection, db: number): Promise<Reply[]> {
  await conn.command("SELECT", String(db));
  const keys = (await conn.command("KEYS", "*") as string[]).sort();
  const out: Reply[] = [];
  for (const key of keys) {
    const type = await conn.command("TYPE", key) as string;
    const read: Record<string, string[]> = {
      string: ["GET", key],
      list: ["LRANGE", key, "0", "-1"],
      hash: ["HGETALL", key],
      set: ["SMEMBERS", key],
      zset: ["ZRANGE", key, "0", "-1", "WITHSCORES"],
    };
    let value = await conn.command(...read[type]);
    if (type === "set" || type === "hash") value = (value as string[]).sort();
    const ttl = await conn.command("PTTL", key) as number;
    // Seconds to tens of seconds: the TTL moved with the key, not reset or shifted.
    out.push([key, type, value, ttl > 0 ? `${Math.ceil(ttl / 10_000)}0s` : String(ttl)]);
  }
  await conn.command("SELECT", "0");
  return out;
}

/** Fills the source with a key of each type, big and small encodings, one with a TTL. */
async function fill(source: RawConnection): Promise<void> {
  await source.command("FLUSHALL");
  await source.command("SET", "s", "value");
  await source.command("SET", "n", "12345");
  await source.command("SET", "bin", "\x00\xff\r\n");
  await source.command("RPUSH", "l", "a", "b", "c");
  await source.command("RPUSH", "biglist", ...Array.from({ length: 300 }, (_, i) => `item-${i}`));
  await source.command("HSET", "h", "f1", "v1", "f2", "v2");
  await source.command("SADD", "si", "1", "2", "3");
  await source.command("SADD", "ss", "x", "y");
  await source.command("ZADD", "z", "1.5", "a", "-2", "b");
  await source.command("ZADD", "bigz", ...Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat());
  await source.command("SET", "t", "v", "PX", "100000");
}

const SCRIPT = (target: number): string[][] => {
  const to = ["127.0.0.1", String(target)];
  return [
    ["MIGRATE", ...to, "nokey", "0", "1000"],
    ["MIGRATE", ...to, "s", "0", "1000", "FOO"],
    ["MIGRATE", ...to, "s", "0", "1000", "AUTH"],
    ["MIGRATE", ...to, "s", "0", "1000", "AUTH2", "u"],
    ["MIGRATE", ...to, "s", "0", "1000", "KEYS", "n"],
    ["MIGRATE", ...to, "s", "x", "1000"],
    ["MIGRATE", ...to, "s", "0", "x"],
    ["MIGRATE", "127.0.0.1", "1", "s", "0", "1000"],
    ["MIGRATE", "127.0.0.1", "-1", "s", "0", "1000"],
    ["MIGRATE", "127.0.0.1", "x", "s", "0", "1000"],
    ["MIGRATE", "no.such.host.invalid", String(target), "s", "0", "1000"],
    ["MIGRATE", ...to, "s", "99", "1000"],
    ["MIGRATE", ...to, "s", "9223372036854775807", "1000"],
    ["MIGRATE", ...to, "s", "0", "1000"],
    ["MIGRATE", ...to, "n", "0", "1000", "COPY"],
    ["MIGRATE", ...to, "n", "0", "1000", "COPY"],
    ["MIGRATE", ...to, "n", "0", "1000", "COPY", "REPLACE"],
    [
      "MIGRATE",
      ...to,
      "",
      "3",
      "0",
      "KEYS",
      "bin",
      "l",
      "biglist",
      "nope",
      "h",
      "si",
      "ss",
      "z",
      "bigz",
      "t",
    ],
    // t is in db 3 already (BUSYKEY): the keys before and after it move all the same.
    ["SET", "k1", "1"],
    ["SET", "t", "again"],
    ["SET", "k2", "2"],
    ["MIGRATE", ...to, "", "3", "1000", "KEYS", "k1", "t", "k2"],
    ["MIGRATE", ...to, "n", "0", "1000", "AUTH", "secret"],
    ["MIGRATE", ...to, "n", "3", "1000", "AUTH2", "default", "secret"],
    ["DBSIZE"],
    ["INFO", "keyspace"],
  ];
};

Deno.test({
  name: "MIGRATE from Redix does what MIGRATE from redis-server does, to a redis-server target",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const target = await startRedis();
    try {
      await sameAsRedis(async (port) => {
        const source = await RawConnection.open(port);
        const dest = await RawConnection.open(target.port);
        try {
          await dest.command("FLUSHALL");
          await fill(source);
          const replies: Reply[] = [];
          for (const command of SCRIPT(target.port)) replies.push(await source.command(...command));
          return {
            replies,
            source: await contents(source, 0),
            db0: await contents(dest, 0),
            db3: await contents(dest, 3),
          };
        } finally {
          source.close();
          dest.close();
        }
      })();
    } finally {
      await target.stop();
    }
  },
});

Deno.test({
  name:
    "MIGRATE from redis-server into Redix leaves what it leaves in redis-server, with AUTH to a protected target",
  ignore: !HAVE_REDIS,
  fn: async () => {
    const source = await startRedis();
    try {
      await sameAsRedis(async (port) => {
        const src = await RawConnection.open(source.port);
        const dest = await RawConnection.open(port);
        try {
          await dest.command("FLUSHALL");
          await dest.command("CONFIG", "SET", "requirepass", "secret");
          await fill(src);
          const to = ["127.0.0.1", String(port)];
          const replies = [
            await src.command("MIGRATE", ...to, "s", "0", "1000"),
            await src.command("MIGRATE", ...to, "s", "0", "1000", "AUTH", "wrong"),
            await src.command("MIGRATE", ...to, "s", "0", "1000", "AUTH", "secret"),
          ];
          for (const keys of [["l", "h", "z"], ["si", "bigz"]]) {
            replies.push(
              await src.command(
                "MIGRATE",
                ...to,
                "",
                "2",
                "1000",
                "AUTH2",
                "default",
                "secret",
                "KEYS",
                ...keys,
              ),
            );
          }
          await dest.command("AUTH", "secret");
          await dest.command("CONFIG", "SET", "requirepass", "");
          return { replies, db0: await contents(dest, 0), db2: await contents(dest, 2) };
        } finally {
          src.close();
          dest.close();
        }
      })();
    } finally {
      await source.stop();
    }
  },
});

/**
 * A target that reads requests and answers each command with +OK, but only
 * when told: `answer()` releases what has been received so far.
 */
class FakeTarget {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly received: string[] = [];
  readonly conns: Deno.Conn[] = [];
  private pending = 0;

  constructor(private readonly reply = "+OK\r\n") {
    this.accept();
  }

  get port(): number {
    return this.listener.addr.port;
  }

  private async accept(): Promise<void> {
    for await (const conn of this.listener) {
      this.conns.push(conn);
      this.read(conn);
    }
  }

  private async read(conn: Deno.Conn): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) return;
        const text = new TextDecoder("latin1").decode(buffer.subarray(0, n));
        this.received.push(text);
        this.pending += (text.match(/^\*/gm) ?? []).length;
      }
    } catch {
      // Closed by the test.
    }
  }

  /** Answers every command received so far on the newest connection. */
  async answer(): Promise<void> {
    const conn = this.conns[this.conns.length - 1];
    await conn.write(new TextEncoder().encode(this.reply.repeat(this.pending)));
    this.pending = 0;
  }

  close(): void {
    for (const conn of this.conns) {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
    this.listener.close();
  }
}

Deno.test("while MIGRATE waits for its target, every other client's commands wait, and see the keys moved", async () => {
  const target = new FakeTarget();
  try {
    await withServer(async ({ port, server }) => {
      const effects: string[][] = [];
      server.onPropagate((db, argv) => effects.push([String(db), ...argv]));
      const migrating = await RawConnection.open(port);
      const other = await RawConnection.open(port);
      await migrating.command("MSET", "a", "1", "b", "2");
      await migrating.send(
        encodeCommand(["MIGRATE", "127.0.0.1", String(target.port), "", "0", "5000", "KEYS", "a", "b"]) +
          encodeCommand(["EXISTS", "a", "b"]),
      );
      await waitFor(() => target.received.join("").includes("RESTORE"), "the RESTOREs to reach the target");
      await other.send(encodeCommand(["GET", "a"]) + encodeCommand(["SET", "a", "new"]));
      // The migrating client and the other one, held: both parked.
      await waitFor(() => server.blocking.count === 2, "the other client's commands to be held");
      await target.answer();
      assert.equal(await migrating.reply(), "OK");
      assert.equal(await migrating.reply(), 0);
      assert.equal(await other.reply(), null);
      assert.equal(await other.reply(), "OK");
      const sent = target.received.join("");
      assert.ok(
        sent.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$7\r\nRESTORE\r\n$1\r\na\r\n$1\r\n0\r\n"),
      );
      assert.deepEqual(effects.slice(1), [["0", "DEL", "a", "b"], ["0", "SET", "a", "new"]]);
      migrating.close();
      other.close();
    });
  } finally {
    target.close();
  }
});

Deno.test("MIGRATE to a target that does not answer times out and keeps the key; a dropped cached link is retried", async () => {
  const silent = new FakeTarget();
  const target = new FakeTarget();
  try {
    await withServer(async ({ port }) => {
      const conn = await RawConnection.open(port);
      await conn.command("SET", "k", "v");
      assert.deepEqual(await conn.command("MIGRATE", "127.0.0.1", String(silent.port), "k", "0", "50"), {
        error: "IOERR error or timeout reading to target instance",
      });
      assert.equal(await conn.command("GET", "k"), "v");
      const info = async () =>
        /migrate_cached_sockets:(\d+)/.exec(await conn.command("INFO", "stats") as string)![1];
      assert.equal(await info(), "0");

      const to = ["127.0.0.1", String(target.port)];
      await conn.send(encodeCommand(["MIGRATE", ...to, "k", "0", "5000", "COPY"]));
      await waitFor(() => target.received.length === 1, "the first request");
      await target.answer();
      assert.equal(await conn.reply(), "OK");
      assert.equal(await info(), "1");
      // The target drops the cached link: the next MIGRATE fails on it, then succeeds on a new one.
      target.conns[0].close();
      await conn.send(encodeCommand(["MIGRATE", ...to, "k", "0", "5000"]));
      await waitFor(() => target.conns.length === 2 && target.received.length === 2, "the retried request");
      await target.answer();
      assert.equal(await conn.reply(), "OK");
      // A new link selects its database again.
      assert.ok(target.received[1].startsWith("*2\r\n$6\r\nSELECT\r\n"));
      assert.equal(await conn.command("EXISTS", "k"), 0);
      conn.close();
    });
  } finally {
    silent.close();
    target.close();
  }
});

Deno.test("MIGRATE is redacted for monitors and in SLOWLOG; the first target error is the reply", async () => {
  const target = new FakeTarget("-ERR nope\r\n");
  try {
    await withServer(async ({ port }) => {
      const conn = await RawConnection.open(port);
      const monitor = await RawConnection.open(port);
      assert.equal(await monitor.command("MONITOR"), "OK");
      await conn.command("SET", "k", "v");
      await conn.command("CONFIG", "SET", "slowlog-log-slower-than", "0");
      await conn.send(
        encodeCommand(["MIGRATE", "127.0.0.1", String(target.port), "k", "0", "5000", "AUTH2", "u", "p"]),
      );
      await waitFor(() => target.received.length === 1, "the request");
      await target.answer();
      assert.deepEqual(await conn.reply(), { error: "ERR Target instance replied with error: ERR nope" });
      assert.equal(await conn.command("GET", "k"), "v");
      // The whole round trip is timed, as Redis times it.
      const entries = await conn.command("SLOWLOG", "GET", "-1") as Reply[][];
      const logged = entries.find((entry) => (entry[3] as string[])[0] === "MIGRATE")!;
      assert.deepEqual((logged[3] as string[]).slice(6), ["AUTH2", "(redacted)", "(redacted)"]);
      assert.match(await monitor.reply() as string, /"SET" "k" "v"$/);
      assert.match(await monitor.reply() as string, /"k" "0" "5000" "AUTH2" "\(redacted\)" "\(redacted\)"$/);
      conn.close();
      monitor.close();
    });
  } finally {
    target.close();
  }
});

Deno.test("MIGRATE inside MULTI/EXEC is refused with a clear error rather than half done", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    await conn.command("SET", "k", "v");
    await conn.command("MULTI");
    await conn.command("MIGRATE", "127.0.0.1", "1", "k", "0", "1000");
    assert.deepEqual(await conn.command("EXEC"), [{
      error: "ERR MIGRATE is not supported inside MULTI/EXEC by Redix",
    }]);
    assert.equal(await conn.command("GET", "k"), "v");
    conn.close();
  });
});
