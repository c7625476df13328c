/**
 * Sends the same commands to Redix and to a real redis-server and compares the
 * replies. Redis's documented behaviour is the spec; this test asks Redis.
 * Skipped, with a message, where redis-server is not installed.
 */
import assert from "node:assert/strict";
import {
  ALL_BYTES,
  HAVE_REDIS,
  RawConnection,
  sameRepliesAsRedis,
  startRedis,
  startTestServer,
} from "./helpers.ts";

if (!HAVE_REDIS) {
  console.warn("redis_compat_test: redis-server not found, skipping comparisons with real Redis");
}

/**
 * Command scripts whose replies are deterministic. Each script runs on a fresh
 * connection after FLUSHALL, in order, on both servers.
 */
const SCRIPTS: Record<string, string[][]> = {
  "unknown commands and arity": [
    ["FOO"],
    ["foo", "a", "b"],
    ["FOO", "x".repeat(200), "y"],
    ["GET"],
    ["GET", "a", "b"],
    ["set", "k"],
    ["CONFIG"],
    ["CONFIG", "nope"],
    ["client", "nope", "x"],
    ["COMMAND", "nope"],
    ["PING", "a", "b"],
  ],
  "ping echo": [["PING"], ["ping", "hello"], ["ECHO", "x y"], ["ECHO", ""], ["ECHO", ALL_BYTES]],
  "set and get": [
    ["SET", "k", "v"],
    ["GET", "k"],
    ["GET", "missing"],
    ["SET", ALL_BYTES, ALL_BYTES],
    ["GET", ALL_BYTES],
    ["SET", "k", "v2", "NX"],
    ["SET", "k", "v2", "XX"],
    ["SET", "new", "v", "XX"],
    ["SET", "new", "v", "NX"],
    ["SET", "k", "v3", "GET"],
    ["SET", "nokey", "v", "GET"],
    ["SET", "k", "v", "NX", "GET"],
    ["SET", "k", "v", "NX", "XX"],
    ["SET", "k", "v", "EX", "10", "PX", "100"],
    ["SET", "k", "v", "EX", "10", "EX", "20"],
    ["TTL", "k"],
    ["SET", "k", "v", "EX"],
    ["SET", "k", "v", "EX", "0"],
    ["SET", "k", "v", "EX", "-1"],
    ["SET", "k", "v", "EX", "abc"],
    ["SET", "k", "v", "PX", "1.5"],
    ["SET", "k", "v", "EX", "9223372036854775807"],
    ["SET", "k", "v", "EXAT", "9223372036854775"],
    ["SET", "k", "v", "KEEPTTL", "EX", "5"],
    ["SET", "k", "v", "EX", "100"],
    ["SET", "k", "w", "KEEPTTL"],
    ["TTL", "k"],
    ["SET", "k", "x"],
    ["TTL", "k"],
    ["SET", "k", "v", "FOO"],
    ["SET", "k", "v", "PERSIST"],
    ["SETNX", "k", "1"],
    ["SETNX", "fresh", "1"],
    ["SETEX", "se", "100", "v"],
    ["TTL", "se"],
    ["SETEX", "se", "0", "v"],
    ["SETEX", "se", "x", "v"],
    ["PSETEX", "pse", "100000", "v"],
    ["TTL", "pse"],
    ["PSETEX", "pse", "-5", "v"],
    ["MSET", "a", "1", "b", "2"],
    ["MSET", "a", "1", "b"],
    ["MGET", "a", "b", "nope"],
    ["GETDEL", "a"],
    ["GETDEL", "a"],
    ["EXISTS", "a"],
  ],
  "getex": [
    ["SET", "k", "v"],
    ["GETEX", "k"],
    ["GETEX", "k", "EX", "100"],
    ["TTL", "k"],
    ["GETEX", "k", "PERSIST"],
    ["TTL", "k"],
    ["GETEX", "k", "PX", "100000"],
    ["TTL", "k"],
    ["GETEX", "k", "EX", "10", "PERSIST"],
    ["GETEX", "k", "NX"],
    ["GETEX", "k", "EX"],
    ["GETEX", "k", "EX", "0"],
    ["GETEX", "missing", "EX", "10"],
    ["GETEX", "k", "EXAT", "1"],
    ["EXISTS", "k"],
    // The key is looked up (and its type checked) before the time is.
    ["GETEX", "missing", "EX", "abc"],
    ["GETEX", "missing", "PX", "-5"],
    ["RPUSH", "list", "a"],
    ["GETEX", "list", "EX", "abc"],
    ["GETEX", "list", "EX", "10", "PERSIST"],
  ],
  "keys and ttl": [
    ["SET", "a", "1"],
    ["SET", "b", "2"],
    ["EXISTS", "a", "a", "b", "c"],
    ["TYPE", "a"],
    ["TYPE", "nope"],
    ["DEL", "a", "a", "nope"],
    ["UNLINK", "b"],
    ["SET", "k", "v"],
    ["TTL", "k"],
    ["PTTL", "k"],
    ["TTL", "nope"],
    ["EXPIRETIME", "k"],
    ["EXPIRETIME", "nope"],
    ["EXPIRE", "k", "100"],
    ["TTL", "k"],
    ["EXPIRE", "k", "200", "NX"],
    ["EXPIRE", "k", "200", "XX"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100", "GT"],
    ["EXPIRE", "k", "300", "GT"],
    ["EXPIRE", "k", "400", "LT"],
    ["EXPIRE", "k", "100", "LT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100", "NX", "XX"],
    ["EXPIRE", "k", "100", "GT", "LT"],
    ["EXPIRE", "k", "100", "FOO"],
    ["EXPIRE", "k", "abc"],
    ["EXPIRE", "k", "9223372036854775807"],
    ["PEXPIRE", "k", "9223372036854775807"],
    ["EXPIRE", "nope", "100"],
    ["PERSIST", "k"],
    ["PERSIST", "k"],
    ["PERSIST", "nope"],
    ["EXPIRE", "k", "100", "LT"],
    ["SET", "k2", "v"],
    ["EXPIRE", "k2", "100", "GT"],
    ["EXPIREAT", "k2", "4102444800"],
    ["EXPIRETIME", "k2"],
    ["PEXPIRETIME", "k2"],
    ["PEXPIREAT", "k2", "4102444800123"],
    ["PEXPIRETIME", "k2"],
    ["EXPIRETIME", "k2"],
    ["EXPIRE", "k2", "-1"],
    ["EXISTS", "k2"],
    ["SET", "k3", "v"],
    ["PEXPIREAT", "k3", "1"],
    ["GET", "k3"],
    // Seconds beyond (2^63 - 1) / 1000 either way are refused exactly, where doubles cannot tell them apart.
    ...["9223372036854775", "9223372036854776", "-9223372036854775", "-9223372036854776"].flatMap((time) => [
      ["SET", "k4", "v"],
      ["EXPIRE", "k4", time],
      ["EXPIREAT", "k4", time],
      ["PEXPIRE", "k4", time],
      ["PEXPIREAT", "k4", time],
      ["SET", "k4", "v", "EX", time],
      ["SET", "k4", "v", "EXAT", time],
      ["GETEX", "k4", "EXAT", time],
      ["SETEX", "k4", time, "v"],
      ["EXISTS", "k4"],
    ]),
  ],
  "databases": [
    ["SET", "k", "0"],
    ["SELECT", "1"],
    ["GET", "k"],
    ["SET", "k", "1"],
    ["DBSIZE"],
    ["SELECT", "16"],
    ["SELECT", "-1"],
    ["SELECT", "x"],
    ["SELECT", "2147483648"],
    ["SELECT", "0"],
    ["GET", "k"],
    ["FLUSHDB", "ASYNC"],
    ["FLUSHDB", "foo"],
    ["FLUSHDB", "SYNC", "x"],
    ["DBSIZE"],
    ["SELECT", "1"],
    ["DBSIZE"],
    ["FLUSHALL", "SYNC"],
    ["DBSIZE"],
  ],
  "hello and client": [
    ["HELLO", "4"],
    ["HELLO", "x"],
    ["HELLO", "3", "FOO"],
    ["HELLO", "2", "SETNAME", "a b"],
    ["HELLO", "2", "AUTH", "default"],
    ["CLIENT", "SETNAME", "my name"],
    ["CLIENT", "SETNAME", "myname"],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME", ""],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "LIST", "TYPE", "foo"],
    ["CLIENT", "LIST", "FOO"],
    ["CLIENT", "LIST", "ID", "abc"],
    ["CLIENT"],
    ["CLIENT", "ID", "x"],
  ],
  "config errors": [
    ["CONFIG", "SET", "port", "abc"],
    ["CONFIG", "SET", "foo", "1"],
    ["CONFIG", "SET", "daemonize", "yes"],
    ["CONFIG", "SET", "maxmemory", "10mb", "maxmemory", "20mb"],
    ["CONFIG", "SET", "maxmemory-policy", "foo"],
    ["CONFIG", "SET", "appendonly", "maybe"],
    ["CONFIG", "SET", "hz"],
    ["CONFIG", "SET", "hz", "20", "foo"],
    ["CONFIG", "SET", "hz", "20"],
    ["CONFIG", "GET", "hz"],
    ["CONFIG", "GET", "maxmemory-policy"],
    ["CONFIG", "GET", "proto-max-bulk-len", "databases"],
    ["CONFIG", "GET", "nosuchparam*"],
    ["CONFIG", "SET", "maxmemory", "1gb"],
    ["CONFIG", "GET", "maxmemory"],
    ["CONFIG", "SET", "maxmemory", "0"],
    ["CONFIG", "GET"],
  ],
  "command introspection": [
    ["COMMAND", "INFO", "nosuchcommand"],
    ["COMMAND", "GETKEYS", "GET", "k"],
    ["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
    ["COMMAND", "GETKEYS", "PING"],
    ["COMMAND", "GETKEYS", "NOPE"],
    ["COMMAND", "GETKEYS", "GET"],
    ["COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"],
    ["COMMAND", "GETKEYS", "SINTERCARD", "3", "a", "b"],
    ["COMMAND", "GETKEYS", "SINTERCARD", "0", "a"],
    ["COMMAND", "GETKEYS", "SINTERCARD", "-1", "a"],
    ["COMMAND", "GETKEYS", "SINTERCARD", "x", "a"],
    ["COMMAND", "GETKEYSANDFLAGS", "GET", "k"],
  ],
  "shutdown option errors": [
    ["SHUTDOWN", "FOO"],
    ["SHUTDOWN", "SAVE", "NOSAVE"],
    ["SHUTDOWN", "ABORT", "NOW"],
    ["SHUTDOWN", "ABORT"],
  ],
};

Deno.test({
  name: "replies match a real redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

Deno.test({
  name: "introspection matches a real redis-server",
  ignore: !HAVE_REDIS,
  fn: async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer();
    try {
      await t.step("CONFIG GET * lists the same parameters with the same defaults", async () => {
        const pairs = async (port: number) => {
          const conn = await RawConnection.open(port);
          const reply = await conn.command("CONFIG", "GET", "*") as string[];
          conn.close();
          const map = new Map<string, string>();
          for (let i = 0; i < reply.length; i += 2) map.set(reply[i], reply[i + 1]);
          return map;
        };
        const [ours, theirs] = [await pairs(redix.port), await pairs(redis.port)];
        assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
        // What differs by how each was started, or on purpose (bind: see README).
        const startupDependent = new Set(["port", "bind", "save", "dir", "pidfile", "logfile", "daemonize"]);
        const differences = [...theirs].filter(([name, value]) =>
          !startupDependent.has(name) && ours.get(name) !== value
        );
        assert.deepEqual(differences, []);
      });
    } finally {
      await redix.close();
      await redis.stop();
    }
  },
});
