/**
 * Authentication with the default user (requirepass; AUTH, HELLO ... AUTH,
 * NOAUTH, RESET) and protected mode, compared with redis-server where it is
 * installed, and through node-redis, ioredis and redis-cli.
 */
import assert from "node:assert/strict";
import { withIoredis, withNodeRedis } from "./clients.ts";
import { Redis } from "ioredis";
import {
  hasProgram,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  sameRepliesAsRedis,
  waitFor,
  withServer,
} from "./helpers.ts";

const NOAUTH = { error: "NOAUTH Authentication required." };
const WRONGPASS = { error: "WRONGPASS invalid username-password pair or user is disabled." };

Deno.test({
  name: "AUTH, HELLO AUTH and NOAUTH reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "no password configured": [
      ["AUTH", "x"],
      ["AUTH", "default", "x"],
      ["AUTH", "nobody", "x"],
      ["AUTH", "a", "b", "c"],
      ["AUTH"],
      ["HELLO", "2", "AUTH", "default", "anything"],
      ["HELLO", "2", "AUTH", "nobody", "x"],
      ["HELLO", "2", "AUTH", "default"],
      ["CLIENT", "SETNAME", "me"],
      ["RESET"],
      ["GET", "k"],
    ],
    "a password set by CONFIG SET": [
      ["CONFIG", "SET", "requirepass", "s3cret"],
      // Authenticated before the password was set: stays so.
      ["SET", "k", "v"],
      ["AUTH", "wrong"],
      ["GET", "k"],
      ["AUTH", "s3cret"],
      ["AUTH", "default", "s3cret"],
      ["AUTH", "nobody", "s3cret"],
      ["AUTH", "default", "wrong"],
      ["RESET"],
      ["GET", "k"],
      ["PING"],
      ["CONFIG", "GET", "requirepass"],
      ["MULTI"],
      ["NOSUCHCOMMAND"],
      ["GET"],
      ["HELLO", "3"],
      ["HELLO", "2", "AUTH", "default", "wrong"],
      ["HELLO", "4", "AUTH", "default", "s3cret"],
      ["HELLO", "2", "SETNAME"],
      ["AUTH", "wrong"],
      ["GET", "k"],
      ["AUTH", "s3cret"],
      ["GET", "k"],
      ["RESET"],
      ["HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "named"],
      ["CLIENT", "GETNAME"],
      ["MULTI"],
      ["GET", "k"],
      ["RESET"],
      ["EXEC"],
      ["AUTH", "default", "s3cret"],
      ["MULTI"],
      ["AUTH", "s3cret"],
      ["EXEC"],
      ["CONFIG", "SET", "requirepass", ""],
      ["AUTH", "s3cret"],
    ],
  }),
});

/** What a client sees across CONFIG SET requirepass, on connections old and new. */
async function passwordChanges(port: number): Promise<Reply[]> {
  const seen: Reply[] = [];
  const admin = await RawConnection.open(port);
  const before = await RawConnection.open(port);
  const conns = [admin, before];
  const open = async () => {
    const conn = await RawConnection.open(port);
    conns.push(conn);
    return conn;
  };
  try {
    await admin.command("SET", "k", "v");
    seen.push(await admin.command("CONFIG", "SET", "requirepass", "pw"));
    const after = await open();
    seen.push(await after.command("GET", "k"));
    seen.push(await after.command("CLIENT", "ID"));
    seen.push(await before.command("GET", "k"), await admin.command("GET", "k"));
    seen.push(await after.command("AUTH", "pw"));
    seen.push(await after.command("GET", "k"));
    const info = await after.command("CLIENT", "INFO") as string;
    seen.push(/ user=(\S+)/.exec(info)![1]);
    seen.push(await after.command("RESET"), await after.command("GET", "k"));
    const stranded = await open();
    // The password changes: the authenticated connections stay so.
    seen.push(await admin.command("CONFIG", "SET", "requirepass", "other"));
    seen.push(await before.command("GET", "k"));
    seen.push(await after.command("AUTH", "pw"), await after.command("AUTH", "other"));
    // Removed: no one needs to authenticate, but HELLO without AUTH still
    // refuses a connection that never authenticated.
    seen.push(await admin.command("CONFIG", "SET", "requirepass", ""));
    seen.push(await stranded.command("GET", "k"));
    const hello = await stranded.command("HELLO", "2");
    seen.push(typeof hello === "object" && hello !== null && "error" in hello ? hello : "HELLO map");
    const fresh = await open();
    seen.push(await fresh.command("GET", "k"));
    seen.push(await fresh.command("AUTH", "anything"));
    seen.push(await fresh.command("AUTH", "default", "anything"));
  } finally {
    for (const conn of conns) conn.close();
  }
  return seen;
}

Deno.test({
  name:
    "CONFIG SET requirepass: new connections must authenticate, existing ones stay authenticated, as Redis",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(passwordChanges),
});

Deno.test("NOAUTH until AUTH on a password-protected server; QUIT is allowed", async () => {
  await withServer(async ({ port, server }) => {
    const conn = await RawConnection.open(port);
    try {
      assert.deepEqual(await conn.command("PING"), NOAUTH);
      assert.deepEqual(await conn.command("CLIENT", "LIST"), NOAUTH);
      assert.deepEqual(await conn.command("AUTH", "nope"), WRONGPASS);
      assert.deepEqual(await conn.command("AUTH", "default", "nope"), WRONGPASS);
      assert.deepEqual(await conn.command("AUTH", "pass word"), "OK");
      assert.deepEqual(await conn.command("PING"), "PONG");
      assert.match(await conn.command("CLIENT", "LIST") as string, / user=default /);
      assert.equal([...server.clients.values()][0].user, "default");
      assert.deepEqual(await conn.command("RESET"), "RESET");
      assert.deepEqual(await conn.command("PING"), NOAUTH);
      assert.deepEqual(await conn.command("QUIT"), "OK");
    } finally {
      conn.close();
    }
  }, { config: { requirepass: "pass word" } });
});

Deno.test("requirepass from a config file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/redis.conf`;
    await Deno.writeTextFile(file, 'requirepass "from file"\n');
    await withServer(async ({ port }) => {
      const conn = await RawConnection.open(port);
      try {
        assert.deepEqual(await conn.command("GET", "k"), NOAUTH);
        assert.deepEqual(await conn.command("AUTH", "from file"), "OK");
        assert.deepEqual(await conn.command("GET", "k"), null);
      } finally {
        conn.close();
      }
    }, { configFile: file, load: false });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("node-redis and ioredis connect to a password-protected server", async () => {
  await withServer(async ({ port }) => {
    await withNodeRedis(port, { password: "pw" }, async (client) => {
      assert.equal(await client.set("k", "v"), "OK");
      assert.equal(await client.get("k"), "v");
    });
    await withNodeRedis(port, { password: "pw", RESP: 3 }, async (client) => {
      assert.equal(await client.get("k"), "v");
    });
    await withIoredis(port, { password: "pw" }, async (redis) => {
      assert.equal(await redis.get("k"), "v");
    });

    const wrong = new Redis({
      host: "127.0.0.1",
      port,
      password: "bad",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const wrongErrors: string[] = [];
    wrong.on("error", (error: Error) => wrongErrors.push(error.message));
    await assert.rejects(wrong.connect());
    wrong.disconnect();
    assert.ok(wrongErrors.some((message) => message.startsWith("WRONGPASS")), String(wrongErrors));
  }, { config: { requirepass: "pw" } });
});

const HAVE_CLI = await hasProgram("redis-cli");

Deno.test({
  name: "redis-cli -a authenticates",
  ignore: !HAVE_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      const run = async (...args: string[]) => {
        const out = await new Deno.Command("redis-cli", { args: ["-p", String(port), ...args] }).output();
        return new TextDecoder().decode(out.stdout).trim();
      };
      assert.equal(await run("-a", "pw", "--no-auth-warning", "PING"), "PONG");
      assert.equal(await run("PING"), "NOAUTH Authentication required.");
      assert.match(await run("-a", "bad", "--no-auth-warning", "PING"), /WRONGPASS|NOAUTH/);
    }, { config: { requirepass: "pw" } });
  },
});

/** A non-loopback IPv4 address of this machine, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))?.address;
}

const LOCAL_ADDRESS = nonLoopbackAddress();

/** Everything the server sends to a new connection from `hostname` before it closes (or 2 s pass). */
async function greeting(hostname: string, port: number, send = "PING\r\n"): Promise<string> {
  const conn = await Deno.connect({ hostname, port });
  try {
    await conn.write(new TextEncoder().encode(send));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(4096);
    const deadline = setTimeout(() => conn.close(), 2000);
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        chunks.push(buffer.slice(0, n));
        if (!new TextDecoder().decode(chunks.at(-1)).startsWith("-DENIED") && chunks.length === 1) break;
      }
    } catch {
      // Closed by the deadline.
    } finally {
      clearTimeout(deadline);
    }
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** What a client from the local non-loopback address sees, then one from 127.0.0.1, then with a password. */
async function protectedModeReplies(port: number, admin: RawConnection): Promise<string[]> {
  const seen = [await greeting(LOCAL_ADDRESS!, port), await greeting("127.0.0.1", port)];
  await admin.command("CONFIG", "SET", "requirepass", "pw");
  seen.push(await greeting(LOCAL_ADDRESS!, port));
  await admin.command("CONFIG", "SET", "requirepass", "");
  await admin.command("CONFIG", "SET", "protected-mode", "no");
  seen.push(await greeting(LOCAL_ADDRESS!, port));
  await admin.command("CONFIG", "SET", "protected-mode", "yes");
  const info = await admin.command("INFO", "stats") as string;
  seen.push(/rejected_connections:(\d+)/.exec(info)![1]);
  return seen;
}

if (LOCAL_ADDRESS === undefined) {
  console.log("protected mode tests skipped: this machine has no non-loopback IPv4 interface address");
}

Deno.test({
  name: "protected mode: DENIED and closed for a non-loopback client without a password, as Redis",
  ignore: LOCAL_ADDRESS === undefined,
  fn: async () => {
    const bind = `127.0.0.1 ${LOCAL_ADDRESS}`;
    let redixSeen: string[] = [];
    await withServer(async ({ port }) => {
      const admin = await RawConnection.open(port);
      try {
        redixSeen = await protectedModeReplies(port, admin);
      } finally {
        admin.close();
      }
    }, { bind });
    assert.ok(redixSeen[0].startsWith("-DENIED Redis is running in protected mode"), redixSeen[0]);
    assert.ok(redixSeen[0].endsWith("accepting connections from the outside.\r\n"));
    assert.equal(redixSeen[1], "+PONG\r\n");
    assert.equal(redixSeen[2], "-NOAUTH Authentication required.\r\n");
    assert.equal(redixSeen[3], "+PONG\r\n");
    assert.equal(redixSeen[4], "1");
    if (!HAVE_REDIS) return;
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        LOCAL_ADDRESS!,
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await waitFor(async () => {
        try {
          (await Deno.connect({ hostname: "127.0.0.1", port })).close();
          return true;
        } catch {
          return false;
        }
      }, "redis-server to listen");
      const admin = await RawConnection.open(port);
      try {
        assert.deepEqual(redixSeen, await protectedModeReplies(port, admin));
      } finally {
        admin.close();
      }
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
});
