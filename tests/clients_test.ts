/**
 * End-to-end tests through real clients against an in-process Redix: node-redis
 * (its default RESP3 handshake: HELLO 3, CLIENT SETINFO), ioredis (HELLO 3 plus
 * its INFO ready check), redis-cli (skipped when it is not installed), and a
 * thousand raw connections at once.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { Redis } from "ioredis";
import {
  bytesToBinary,
  hasProgram,
  RawConnection,
  type Reply,
  startTestServer,
  waitFor,
  withServer,
} from "./helpers.ts";
import { mulberry32 } from "./prng.ts";

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ALL_BYTES_REVERSED = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));

/** A node-redis client on 127.0.0.1:port that records connection errors instead of crashing. */
async function nodeRedis(port: number, options: { RESP?: 2 | 3; name?: string } = {}) {
  const errors: unknown[] = [];
  const client = createClient({ socket: { host: "127.0.0.1", port }, ...options });
  client.on("error", (error) => errors.push(error));
  await client.connect();
  return { client, errors };
}

/** An ioredis client that has completed its connect handshake and ready check. */
async function ioredis(port: number): Promise<Redis> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  return redis;
}

/** The CLIENT LIST line of the connection whose lib-name is `libName`. */
async function clientLine(port: number, libName: string): Promise<string> {
  const admin = await RawConnection.open(port);
  try {
    const list = await admin.command("CLIENT", "LIST");
    assert.equal(typeof list, "string");
    const line = (list as string).split("\n").find((l) => l.includes(` lib-name=${libName} `));
    assert.ok(line, `no client with lib-name=${libName} in:\n${list}`);
    return line;
  } finally {
    admin.close();
  }
}

// ---------------------------------------------------------------------------
// node-redis

Deno.test("node-redis: default handshake, then strings, expiry, SET options, MSET/MGET, DEL/EXISTS", async () => {
  await withServer(async ({ port }) => {
    const { client, errors } = await nodeRedis(port);
    try {
      assert.equal(client.isReady, true);
      assert.equal(await client.ping(), "PONG");
      assert.equal(await client.set("greeting", "hello"), "OK");
      assert.equal(await client.get("greeting"), "hello");
      assert.equal(await client.get("missing"), null);

      // EXPIRE / TTL / PERSIST
      assert.equal(await client.ttl("greeting"), -1);
      assert.equal(await client.ttl("missing"), -2);
      assert.equal(await client.expire("greeting", 100), 1);
      const ttl = await client.ttl("greeting");
      assert.ok(ttl > 0 && ttl <= 100, `TTL ${ttl}`);
      assert.equal(await client.expire("missing", 100), 0);
      assert.equal(await client.persist("greeting"), 1);
      assert.equal(await client.ttl("greeting"), -1);

      // SET with EX, NX, XX, GET
      assert.equal(await client.set("session", "s1", { expiration: { type: "EX", value: 50 } }), "OK");
      const sessionTtl = await client.ttl("session");
      assert.ok(sessionTtl > 0 && sessionTtl <= 50, `TTL ${sessionTtl}`);
      assert.equal(await client.set("session", "s2", { condition: "NX" }), null);
      assert.equal(await client.get("session"), "s1");
      assert.equal(await client.set("fresh", "f1", { condition: "NX" }), "OK");
      assert.equal(await client.set("absent", "a1", { condition: "XX" }), null);
      assert.equal(await client.exists("absent"), 0);
      assert.equal(await client.set("session", "s3", { GET: true }), "s1");
      assert.equal(await client.get("session"), "s3");
      // A plain SET (without KEEPTTL) drops the TTL.
      assert.equal(await client.ttl("session"), -1);
      assert.equal(await client.set("fresh", "f2", { condition: "NX", GET: true }), "f1");
      assert.equal(await client.get("fresh"), "f1");

      // MSET / MGET
      assert.equal(await client.mSet({ a: "1", b: "2", c: "3" }), "OK");
      assert.deepEqual(await client.mGet(["a", "b", "nope", "c"]), ["1", "2", null, "3"]);

      // DEL / EXISTS
      assert.equal(await client.exists(["a", "b", "nope", "a"]), 3);
      assert.equal(await client.del(["a", "b", "nope"]), 2);
      assert.equal(await client.exists(["a", "b", "c"]), 1);
      assert.equal(await client.dbSize(), 4);
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});

Deno.test("node-redis: values and keys with all 256 byte values round trip byte for byte", async () => {
  await withServer(async ({ port }) => {
    const { client, errors } = await nodeRedis(port);
    try {
      const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      assert.equal(await client.set("bin", ALL_BYTES), "OK");
      const value = await buffers.get("bin");
      assert.ok(Buffer.isBuffer(value), `expected a Buffer, got ${typeof value}`);
      assert.equal(value.length, 256);
      assert.ok(value.equals(ALL_BYTES), `got ${value.toString("hex")}`);

      // A binary key too, read back through MGET and the raw protocol.
      assert.equal(await client.set(ALL_BYTES, ALL_BYTES_REVERSED), "OK");
      const [fromMget, none] = await buffers.mGet([ALL_BYTES, Buffer.from([0xff, 0x00])]);
      assert.ok(Buffer.isBuffer(fromMget) && fromMget.equals(ALL_BYTES_REVERSED));
      assert.equal(none, null);
      const raw = await RawConnection.open(port);
      try {
        assert.equal(await raw.command("GET", bytesToBinary(ALL_BYTES)), bytesToBinary(ALL_BYTES_REVERSED));
      } finally {
        raw.close();
      }

      // Bytes that are not valid UTF-8 must not be altered on the way in.
      const invalidUtf8 = Buffer.from([0xc3, 0x28, 0x80, 0x9f, 0xfe, 0xff, 0x00, 0x0d, 0x0a]);
      await client.set("odd", invalidUtf8);
      const odd = await buffers.get("odd");
      assert.ok(Buffer.isBuffer(odd) && odd.equals(invalidUtf8), `got ${odd?.toString("hex")}`);
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});

Deno.test("node-redis: error replies reject with Redis's exact text and the connection stays usable", async () => {
  await withServer(async ({ port }) => {
    const { client, errors } = await nodeRedis(port);
    try {
      await assert.rejects(
        client.sendCommand(["FOO"]),
        (error: Error) => error.message === "ERR unknown command 'FOO', with args beginning with: ",
      );
      await assert.rejects(
        client.sendCommand(["FOO", "bar", "baz"]),
        (error: Error) =>
          error.message === "ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' ",
      );
      await assert.rejects(
        client.sendCommand(["GET"]),
        (error: Error) => error.message === "ERR wrong number of arguments for 'get' command",
      );
      await assert.rejects(
        client.set("k", "v", { expiration: { type: "EX", value: 0 } }),
        (error: Error) => error.message === "ERR invalid expire time in 'set' command",
      );
      assert.equal(await client.ping(), "PONG");
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});

Deno.test("node-redis: RESP2 and RESP3 connections get their protocol's reply shapes", async () => {
  await withServer(async ({ port }) => {
    const resp3 = await nodeRedis(port, { RESP: 3 });
    const resp2 = await nodeRedis(port, { RESP: 2 });
    try {
      // CONFIG GET is a map in RESP3 (node-redis decodes it to an object), a flat array in RESP2.
      const map = await resp3.client.sendCommand(["CONFIG", "GET", "maxclients"]);
      assert.deepEqual(map, { maxclients: "10000" });
      const flat = await resp2.client.sendCommand(["CONFIG", "GET", "maxclients"]);
      assert.deepEqual(flat, ["maxclients", "10000"]);

      // The same high-level calls work over both.
      for (const { client } of [resp3, resp2]) {
        assert.equal(await client.set("shared", "value"), "OK");
        assert.equal(await client.get("shared"), "value");
        assert.equal(await client.get("nothing"), null);
        assert.deepEqual(await client.configGet("databases"), { databases: "16" });
      }

      // HELLO without a version reports the connection's protocol.
      const hello3 = await resp3.client.sendCommand(["HELLO"]) as Record<string, unknown>;
      assert.equal(hello3.proto, 3);
      assert.equal(hello3.version, "7.0.15");
      const hello2 = await resp2.client.sendCommand(["HELLO"]) as unknown[];
      assert.ok(Array.isArray(hello2), "HELLO over RESP2 is a flat array");
      assert.equal(hello2[hello2.indexOf("proto") + 1], 2);

      const id3 = await resp3.client.clientId();
      const id2 = await resp2.client.clientId();
      const list = String(await resp3.client.sendCommand(["CLIENT", "LIST"]));
      assert.match(list, new RegExp(`^id=${id3} .* resp=3 `, "m"));
      assert.match(list, new RegExp(`^id=${id2} .* resp=2 `, "m"));
      assert.deepEqual([...resp3.errors, ...resp2.errors], []);
    } finally {
      await resp3.client.close();
      await resp2.client.close();
    }
  });
});

Deno.test("node-redis: CLIENT LIST shows the lib-name and lib-ver it set, and the name from HELLO", async () => {
  await withServer(async ({ port }) => {
    const { client, errors } = await nodeRedis(port, { name: "worker-1" });
    try {
      const line = await clientLine(port, "node-redis");
      assert.match(line, / lib-ver=\d+\.\d+\.\d+/);
      assert.match(line, / name=worker-1 /);
      assert.match(line, / resp=3 /);
      assert.equal(await client.clientGetName(), "worker-1");
      // Its own view agrees.
      const info = await client.clientInfo();
      assert.equal(info.libName, "node-redis");
      assert.deepEqual(errors, []);
    } finally {
      await client.close();
    }
  });
});

// ---------------------------------------------------------------------------
// ioredis

Deno.test("ioredis: default connect (HELLO, INFO ready check), SET/GET/EXPIRE/TTL, SELECT", async () => {
  await withServer(async ({ port }) => {
    const redis = await ioredis(port);
    try {
      assert.equal(redis.status, "ready");
      // The ready check reads `loading` from INFO: it must be there and 0.
      assert.match(await redis.info("persistence"), /^loading:0\r$/m);
      assert.match(await clientLine(port, "ioredis"), / lib-ver=\d+\.\d+\.\d+$/);

      assert.equal(await redis.set("k", "v"), "OK");
      assert.equal(await redis.get("k"), "v");
      assert.equal(await redis.get("nope"), null);
      assert.equal(await redis.ttl("k"), -1);
      assert.equal(await redis.expire("k", 60), 1);
      const ttl = await redis.ttl("k");
      assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
      const pttl = await redis.pttl("k");
      assert.ok(pttl > 0 && pttl <= 60_000, `PTTL ${pttl}`);
      assert.equal(await redis.set("k2", "v2", "EX", 30, "NX"), "OK");
      assert.equal(await redis.set("k2", "other", "NX"), null);

      // Another database is another key space.
      assert.equal(await redis.select(3), "OK");
      assert.equal(await redis.get("k"), null);
      assert.equal(await redis.set("k", "in db 3"), "OK");
      assert.equal(await redis.dbsize(), 1);
      assert.match(await clientLine(port, "ioredis"), / db=3 /);
      assert.equal(await redis.select(0), "OK");
      assert.equal(await redis.get("k"), "v");
      await assert.rejects(redis.select(16), (e: Error) => e.message === "ERR DB index is out of range");
    } finally {
      assert.equal(await redis.quit(), "OK");
    }
  });
});

Deno.test("ioredis: pipelines on one big set, hash and sorted set (member look-ahead) reply as a model says", async () => {
  await withServer(async ({ port }) => {
    const redis = await ioredis(port);
    try {
      const random = mulberry32(2024);
      const set = new Set<string>();
      const hash = new Map<string, string>();
      const zset = new Map<string, number>();
      for (let round = 0; round < 60; round++) {
        const pipeline = redis.pipeline();
        const expected: [Error | null, unknown][] = [];
        for (let i = 0; i < 16; i++) {
          // Past the listpack and intset sizes after a few rounds, so the members live in hash tables.
          const member = `member:${Math.floor(random() * 1500)}`;
          pipeline.sadd("s", member);
          expected.push([null, set.has(member) ? 0 : 1]);
          set.add(member);
          const probe = `member:${Math.floor(random() * 1500)}`;
          pipeline.sismember("s", probe);
          expected.push([null, set.has(probe) ? 1 : 0]);
          pipeline.hset("h", member, `v${round}`);
          expected.push([null, hash.has(member) ? 0 : 1]);
          hash.set(member, `v${round}`);
          pipeline.zadd("z", round, member);
          expected.push([null, zset.has(member) ? 0 : 1]);
          zset.set(member, round);
          pipeline.zscore("z", member);
          expected.push([null, String(round)]);
        }
        assert.deepEqual(await pipeline.exec(), expected, `round ${round}`);
      }
      assert.equal(await redis.scard("s"), set.size);
      assert.equal(await redis.object("ENCODING", "s"), "hashtable");
      assert.equal(await redis.object("ENCODING", "h"), "hashtable");
      assert.equal(await redis.object("ENCODING", "z"), "skiplist");
      for (const [member, value] of hash) assert.equal(await redis.hget("h", member), value);
      for (const [member, score] of zset) assert.equal(await redis.zscore("z", member), String(score));
      for (const member of set) assert.equal(await redis.sismember("s", member), 1);
    } finally {
      await redis.quit();
    }
  });
});

Deno.test("ioredis: a pipeline of 1,000 commands returns every reply in order", async () => {
  await withServer(async ({ port }) => {
    const redis = await ioredis(port);
    try {
      const pipeline = redis.pipeline();
      const expected: [Error | null, unknown][] = [];
      for (let i = 0; i < 250; i++) {
        pipeline.set(`p:${i}`, `value:${i}`);
        expected.push([null, "OK"]);
        pipeline.get(`p:${i}`);
        expected.push([null, `value:${i}`]);
        pipeline.exists(`p:${i}`, `p:${i + 1}`);
        expected.push([null, 1]);
        pipeline.echo(`echo:${i}`);
        expected.push([null, `echo:${i}`]);
      }
      assert.equal(pipeline.length, 1000);
      assert.deepEqual(await pipeline.exec(), expected);
      assert.equal(await redis.dbsize(), 250);

      // An error inside a pipeline is reported at its own position only.
      const results = await redis.pipeline().set("a", "1").call("FOO").get("a").exec();
      assert.ok(results);
      assert.deepEqual(results[0], [null, "OK"]);
      assert.equal(results[1][0]?.message, "ERR unknown command 'FOO', with args beginning with: ");
      assert.deepEqual(results[2], [null, "1"]);
    } finally {
      await redis.quit();
    }
  });
});

Deno.test("ioredis: binary values through getBuffer, binary keys, and error replies", async () => {
  await withServer(async ({ port }) => {
    const redis = await ioredis(port);
    try {
      assert.equal(await redis.set("bin", ALL_BYTES), "OK");
      const value = await redis.getBuffer("bin");
      assert.ok(value !== null && value.equals(ALL_BYTES), `got ${value?.toString("hex")}`);
      assert.equal(await redis.set(ALL_BYTES_REVERSED, ALL_BYTES_REVERSED), "OK");
      const byKey = await redis.getBuffer(ALL_BYTES_REVERSED);
      assert.ok(byKey !== null && byKey.equals(ALL_BYTES_REVERSED));
      assert.equal(await redis.exists(ALL_BYTES_REVERSED), 1);

      await assert.rejects(
        redis.call("FOO", "x"),
        (e: Error) => e.message === "ERR unknown command 'FOO', with args beginning with: 'x' ",
      );
      await assert.rejects(
        redis.call("SET", "k"),
        (e: Error) => e.message === "ERR wrong number of arguments for 'set' command",
      );
      assert.equal(await redis.ping(), "PONG");
    } finally {
      await redis.quit();
    }
  });
});

Deno.test("node-redis and ioredis: MIGRATE between two servers both ways, WAIT, MEMORY STATS and LOLWUT", async () => {
  const source = await startTestServer({ config: { save: "" } });
  const target = await startTestServer({ config: { save: "" } });
  const { client, errors } = await nodeRedis(source.port);
  const redis = await ioredis(target.port);
  try {
    await client.set("k", "v", { PX: 100_000 });
    await client.rPush("l", ["a", "b"]);
    assert.equal(await client.migrate("127.0.0.1", target.port, ["k", "l"], 0, 1000), "OK");
    assert.equal(await client.exists(["k", "l"]), 0);
    assert.equal(await redis.get("k"), "v");
    assert.ok(await redis.pttl("k") > 0);
    assert.deepEqual(await redis.lrange("l", 0, -1), ["a", "b"]);
    assert.equal(await redis.migrate("127.0.0.1", source.port, "", 0, 1000, "COPY", "KEYS", "k", "l"), "OK");
    assert.equal(await client.get("k"), "v");
    assert.equal(await redis.exists("k", "l"), 2);

    assert.equal(await client.wait(0, 0), 0);
    assert.equal(await redis.wait(1, 10), 0);
    const stats = await client.memoryStats() as Record<string, unknown>;
    assert.equal(stats["keys.count"], 2);
    const flat = await redis.memory("STATS") as unknown[];
    assert.equal(flat[flat.indexOf("keys.count") + 1], 2);
    assert.match(String(await redis.lolwut()), /^Redis ver\. 7\.0\.15\n$/);
  } finally {
    await client.quit();
    await redis.quit();
    await source.close();
    await target.close();
  }
  assert.deepEqual(errors, []);
});

// ---------------------------------------------------------------------------
// redis-cli

const HAS_REDIS_CLI = await hasProgram("redis-cli");
if (!HAS_REDIS_CLI) {
  console.log("clients_test.ts: redis-cli is not installed, skipping the redis-cli tests");
}

interface CliResult {
  code: number;
  stdout: Uint8Array;
  text: string;
  stderr: string;
}

const decoder = new TextDecoder();

function result({ code, stdout, stderr }: Deno.CommandOutput): CliResult {
  return { code, stdout, text: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** Runs `redis-cli -p PORT ...args`, writing `input` (if any) to its standard input. */
async function redisCli(port: number, args: string[], input?: string | Uint8Array): Promise<CliResult> {
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(typeof input === "string" ? new TextEncoder().encode(input) : input);
    await writer.close();
  }
  return result(await child.output());
}

/** Runs `redis-cli -p PORT ...args < file` through the shell, as a user would type it. */
async function redisCliFromFile(port: number, args: string[], file: string): Promise<CliResult> {
  return result(
    await new Deno.Command("sh", {
      args: [
        "-c",
        'port="$1"; file="$2"; shift 2; exec redis-cli -p "$port" "$@" < "$file"',
        "sh",
        String(port),
        file,
        ...args,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output(),
  );
}

Deno.test({
  name: "redis-cli: SET, GET, --raw and --no-raw output, INFO server",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      let out = await redisCli(port, ["SET", "k", "v"]);
      assert.deepEqual([out.code, out.text, out.stderr], [0, "OK\n", ""]);
      out = await redisCli(port, ["GET", "k"]);
      assert.deepEqual([out.code, out.text], [0, "v\n"]);
      out = await redisCli(port, ["GET", "missing"]);
      assert.deepEqual([out.code, out.text], [0, "\n"]);

      // A value with a newline, a tab and a control byte: --raw prints it as is,
      // --no-raw quotes and escapes it as redis-cli does on a terminal.
      out = await redisCli(port, ["SET", "multi", "line1\nline2\t\x01"]);
      assert.equal(out.text, "OK\n");
      out = await redisCli(port, ["--raw", "GET", "multi"]);
      assert.equal(out.text, "line1\nline2\t\x01\n");
      out = await redisCli(port, ["--no-raw", "GET", "multi"]);
      assert.equal(out.text, '"line1\\nline2\\t\\x01"\n');
      out = await redisCli(port, ["--no-raw", "MGET", "k", "missing"]);
      assert.equal(out.text, '1) "v"\n2) (nil)\n');
      out = await redisCli(port, ["--no-raw", "EXISTS", "k", "multi"]);
      assert.equal(out.text, "(integer) 2\n");

      out = await redisCli(port, ["INFO", "server"]);
      assert.equal(out.code, 0);
      assert.match(out.text, /^# Server\r?$/m);
      assert.match(out.text, /^redis_version:7\.0\.15\r?$/m);
      assert.match(out.text, /^redix_version:\S+\r?$/m);
      assert.match(out.text, new RegExp(`^tcp_port:${port}\\r?$`, "m"));
    });
  },
});

Deno.test({
  name: "redis-cli: a script of commands from a file on standard input",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      const dir = await Deno.makeTempDir({ prefix: "redix-cli-" });
      try {
        const script = `${dir}/script.txt`;
        await Deno.writeTextFile(
          script,
          [
            'SET greeting "hello world"',
            "GET greeting",
            "MSET a 1 b 2",
            "MGET a b nosuchkey",
            "EXISTS a b nosuchkey",
            "DEL a",
            "GET a",
            "FOO bar",
            "DBSIZE",
            "",
          ].join("\n"),
        );
        // The exact output of redis-cli 7.0.15 against redis-server 7.0.15 for this script.
        const out = await redisCliFromFile(port, [], script);
        assert.equal(out.code, 0);
        assert.equal(
          out.text,
          "OK\nhello world\nOK\n1\n2\n\n2\n1\n\n" +
            "ERR unknown command 'FOO', with args beginning with: 'bar' \n\n2\n",
        );
        const raw = await RawConnection.open(port);
        try {
          assert.equal(await raw.command("GET", "greeting"), "hello world");
        } finally {
          raw.close();
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "redis-cli: lines piped in as a user would type them, formatted as on a terminal",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      const out = await redisCli(
        port,
        ["--no-raw"],
        'PING\nSET k "a b"\nGET k\nMSET x 1 y 2\nMGET x y z\nEXISTS x y z\nSELECT 2\nGET k\nSELECT 0\nDEL k x\nGET k\n',
      );
      assert.equal(out.code, 0);
      assert.equal(
        out.text,
        [
          "PONG",
          "OK",
          '"a b"',
          "OK",
          '1) "1"',
          '2) "2"',
          "3) (nil)",
          "(integer) 2",
          "OK",
          "(nil)",
          "OK",
          "(integer) 2",
          "(nil)",
          "",
        ].join("\n"),
      );
    });
  },
});

Deno.test({
  name: "redis-cli: -x SET of a file holding all 256 byte values, read back with --raw GET",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      const dir = await Deno.makeTempDir({ prefix: "redix-cli-" });
      try {
        const file = `${dir}/bytes.bin`;
        await Deno.writeFile(file, ALL_BYTES);
        const set = await redisCliFromFile(port, ["-x", "SET", "k"], file);
        assert.deepEqual([set.code, set.text, set.stderr], [0, "OK\n", ""]);

        // The server holds exactly the file's bytes ...
        const raw = await RawConnection.open(port);
        try {
          assert.equal(await raw.command("GET", "k"), bytesToBinary(ALL_BYTES));
        } finally {
          raw.close();
        }
        // ... and redis-cli --raw prints them back followed by its newline.
        const get = await redisCli(port, ["--raw", "GET", "k"]);
        assert.equal(get.code, 0);
        assert.deepEqual(get.stdout, new Uint8Array([...ALL_BYTES, 10]));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "redis-cli: an unknown command prints Redis's error text",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      // --no-raw: the format redis-cli uses on a terminal, "(error) ..." (stdout is a pipe here).
      let out = await redisCli(port, ["--no-raw", "foo"]);
      assert.equal(out.text, "(error) ERR unknown command 'foo', with args beginning with: \n");
      out = await redisCli(port, ["--no-raw", "foo", "a", "b"]);
      assert.equal(out.text, "(error) ERR unknown command 'foo', with args beginning with: 'a' 'b' \n");
      out = await redisCli(port, ["foo"]);
      assert.match(out.text, /^ERR unknown command 'foo', with args beginning with: \n/);
    });
  },
});

Deno.test({
  name: "redis-cli: -3 speaks RESP3 and -n selects a database",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      // redis-cli shows a RESP3 map as "1# key => value" (a RESP2 reply would be "1) ... 2) ...").
      let out = await redisCli(port, ["-3", "--no-raw", "CONFIG", "GET", "maxclients"]);
      assert.equal(out.text, '1# "maxclients" => "10000"\n');
      out = await redisCli(port, ["-3", "--no-raw", "GET", "nothing"]);
      assert.equal(out.text, "(nil)\n");
      out = await redisCli(port, ["-3", "--no-raw", "CLIENT", "INFO"]);
      assert.match(out.text, / resp=3 /);

      out = await redisCli(port, ["-n", "2", "SET", "dbkey", "in db 2"]);
      assert.equal(out.text, "OK\n");
      out = await redisCli(port, ["-n", "2", "GET", "dbkey"]);
      assert.equal(out.text, "in db 2\n");
      out = await redisCli(port, ["GET", "dbkey"]);
      assert.equal(out.text, "\n");
      out = await redisCli(port, ["-n", "2", "--no-raw", "CLIENT", "INFO"]);
      assert.match(out.text, / db=2 /);
    });
  },
});

Deno.test({
  name: "redis-cli: --pipe mass insertion of 10,000 commands, and its error count",
  ignore: !HAS_REDIS_CLI,
  fn: async () => {
    await withServer(async ({ port }) => {
      const n = 10_000;
      let protocol = "";
      for (let i = 0; i < n; i++) {
        const key = `mass:${i}`;
        const value = `value:${i}`;
        protocol += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
      }
      let out = await redisCli(port, ["--pipe"], protocol);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.text, /^errors: 0, replies: 10000$/m);
      const raw = await RawConnection.open(port);
      try {
        assert.equal(await raw.command("DBSIZE"), n);
        assert.deepEqual(await raw.command("MGET", "mass:0", "mass:9999"), ["value:0", "value:9999"]);
      } finally {
        raw.close();
      }

      // Inline commands work too; an error reply is counted and printed on stderr.
      out = await redisCli(port, ["--pipe"], "SET a 1\r\nFOO\r\nGET a\r\n");
      assert.equal(out.code, 1);
      assert.match(out.text, /^errors: 1, replies: 3$/m);
      assert.equal(out.stderr, "ERR unknown command 'FOO', with args beginning with: \n");
    });
  },
});

// ---------------------------------------------------------------------------
// Many clients at once

Deno.test("1,000 simultaneous clients each run 20 SET/GET rounds on their own keys", async () => {
  const redix = await startTestServer();
  const clients = 1000;
  const rounds = 20;
  const connections: RawConnection[] = [];
  try {
    // Pushed as each opens, so the finally block closes them even if one open fails.
    await Promise.all(
      Array.from({ length: clients }, async () => connections.push(await RawConnection.open(redix.port))),
    );
    await waitFor(() => redix.server.clients.size === clients, "all 1,000 connections to be registered");

    const failures: string[] = [];
    await Promise.all(connections.map(async (conn, c) => {
      for (let r = 0; r < rounds; r++) {
        const key = `client:${c}:key:${r}`;
        const value = `value:${c}:${r}:${"x".repeat(c % 50)}`;
        const set: Reply = await conn.command("SET", key, value);
        const get: Reply = await conn.command("GET", key);
        if (set !== "OK" || get !== value) {
          failures.push(
            `client ${c} round ${r}: SET -> ${JSON.stringify(set)}, GET -> ${JSON.stringify(get)}`,
          );
        }
      }
      // Each client's keys are all still there, and no one else's leaked into them.
      const all = await conn.command(
        "MGET",
        ...Array.from({ length: rounds }, (_, r) => `client:${c}:key:${r}`),
      );
      const expected = Array.from({ length: rounds }, (_, r) => `value:${c}:${r}:${"x".repeat(c % 50)}`);
      if (JSON.stringify(all) !== JSON.stringify(expected)) {
        failures.push(`client ${c}: MGET -> ${JSON.stringify(all)}`);
      }
    }));
    assert.deepEqual(failures.slice(0, 10), []);
    assert.equal(await connections[0].command("DBSIZE"), clients * rounds);
    const info = await connections[0].command("INFO", "clients");
    assert.match(String(info), new RegExp(`^connected_clients:${clients}\\r$`, "m"));
  } finally {
    for (const conn of connections) conn.close();
    await redix.close();
  }
});
