/**
 * ACL users (lib/server/acl.ts, lib/commands/acl.ts): SETUSER, GETUSER, LIST,
 * USERS, DELUSER, WHOAMI, CAT, GENPASS and their errors compared with
 * redis-server; the NOPERM checks on commands, keys (per key-spec flags: %R~ for
 * keys read, %W~ for keys written) and channels over several connections;
 * node-redis and ioredis logging in with a user name.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createClient } from "redis";
import { Redis } from "ioredis";
import {
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameAsRedis,
  sameRepliesAsRedis,
  sameStepsAsRedis,
  withServer,
} from "./helpers.ts";

const hashOf = (password: string) => createHash("sha256").update(password).digest("hex");
const HASH_A = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"; // sha256("a")

Deno.test({
  name: "ACL SETUSER, GETUSER, LIST, USERS, DELUSER, WHOAMI reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "the default user": [
      ["ACL", "LIST"],
      ["ACL", "GETUSER", "default"],
      ["ACL", "USERS"],
      ["ACL", "WHOAMI"],
      ["ACL", "GETUSER", "nosuch"],
    ],
    "passwords, flags, keys, channels": [
      ["ACL", "SETUSER", "u1", "on", ">p1", `#${HASH_A}`, ">p1", "~a*", "%R~b*", "%W~c*", "&ch*"],
      ["ACL", "GETUSER", "u1"],
      ["ACL", "LIST"],
      ["ACL", "SETUSER", "u1", "<p1", `!${HASH_A}`, "nopass", "resetkeys", "allkeys", "resetchannels"],
      ["ACL", "GETUSER", "u1"],
      ["ACL", "SETUSER", "u2", "~a", "~a", "%RW~b", "%R~*", "%W~c", "%R~c", "allchannels"],
      ["ACL", "GETUSER", "u2"],
      ["ACL", "SETUSER", "u3", "nopass", ">x", "on", "skip-sanitize-payload"],
      ["ACL", "SETUSER", "u4", "on", ">a", "reset"],
      ["ACL", "SETUSER", "u5"],
      ["ACL", "LIST"],
      ["ACL", "USERS"],
      ["ACL", "DELUSER", "u1", "nosuch", "u2", "u3", "u4", "u5"],
      ["ACL", "USERS"],
    ],
    "command rules": [
      // Redis lists single-command differences in its command dict's (seeded) order: one per user here.
      ["ACL", "SETUSER", "c1", "+get", "+@string", "-set"],
      ["ACL", "GETUSER", "c1"],
      ["ACL", "SETUSER", "c10", "+config|get"],
      ["ACL", "SETUSER", "c2", "+@all", "-get", "+get", "-@string"],
      ["ACL", "SETUSER", "c3", "-@all", "+acl", "-acl|setuser"],
      ["ACL", "SETUSER", "c4", "+acl|setuser", "+acl"],
      ["ACL", "SETUSER", "c5", "+acl|setuser", "-acl"],
      ["ACL", "SETUSER", "c6", "+@all", "-acl", "+acl|whoami"],
      ["ACL", "SETUSER", "c7", "+select|0", "+SELECT|Ab", "+select|aB"],
      ["ACL", "SETUSER", "c8", "allcommands", "-@hash"],
      ["ACL", "SETUSER", "c9", "nocommands", "+@hash"],
      ["ACL", "LIST"],
      ["ACL", "DELUSER", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"],
    ],
    "selectors": [
      ["ACL", "SETUSER", "s1", "on", "nopass", "+get", "~a*", "(+set ~b*)", "(", "+del", "~c*", ")"],
      ["ACL", "GETUSER", "s1"],
      ["ACL", "SETUSER", "s2", "(+set", "~b*"],
      ["ACL", "SETUSER", "s2", "(on)"],
      ["ACL", "SETUSER", "s2", "(+nosuch)"],
      ["ACL", "SETUSER", "s2", "(+get ~x", "resetkeys)"],
      ["ACL", "LIST"],
      ["ACL", "SETUSER", "s1", "clearselectors"],
      ["ACL", "SETUSER", "s2", "reset"],
      ["ACL", "LIST"],
      ["ACL", "DRYRUN", "s1", "set", "b", "v"],
      ["ACL", "DELUSER", "s1", "s2"],
    ],
    "errors": [
      ["ACL", "SETUSER", "x", "bogus"],
      ["ACL", "SETUSER", "x", "+nosuch"],
      ["ACL", "SETUSER", "x", "+@nosuch"],
      ["ACL", "SETUSER", "x", "-get|x"],
      ["ACL", "SETUSER", "x", "+config|get|x"],
      ["ACL", "SETUSER", "x", "+config|nosuch"],
      ["ACL", "SETUSER", "x", "+get|"],
      ["ACL", "SETUSER", "x", "#abc"],
      ["ACL", "SETUSER", "x", "!abc"],
      ["ACL", "SETUSER", "x", `!${HASH_A}`],
      ["ACL", "SETUSER", "x", "<nopw"],
      ["ACL", "SETUSER", "x", "%X~a"],
      ["ACL", "SETUSER", "x", "%~a"],
      ["ACL", "SETUSER", "x", "%R~"],
      ["ACL", "SETUSER", "x", "allkeys", "~foo"],
      ["ACL", "SETUSER", "x", "&y", "allchannels", "&z"],
      ["ACL", "SETUSER", "a b"],
      ["ACL", "USERS"],
      ["ACL", "SETUSER", "x", "on", "+get", "bogus"],
      ["ACL", "GETUSER", "x"],
      ["ACL", "DELUSER", "default"],
      ["ACL", "DELUSER", "x", "default"],
      ["ACL", "SETUSER"],
      ["ACL", "GETUSER"],
      ["ACL", "NOSUCH"],
    ],
    "CAT, GENPASS errors, HELP": [
      ["ACL", "CAT"],
      ["ACL", "CAT", "nosuch"],
      ["ACL", "CAT", "string", "hash"],
      ["ACL", "GENPASS", "0"],
      ["ACL", "GENPASS", "4097"],
      ["ACL", "GENPASS", "x"],
      ["ACL", "HELP"],
    ],
    "RESP3 GETUSER": [
      ["HELLO", "3"],
      ["ACL", "SETUSER", "r3", "on", "nopass", "~k", "+get"],
      ["ACL", "GETUSER", "r3"],
      ["ACL", "DELUSER", "r3"],
    ],
  }),
});

Deno.test({
  name: "ACL DRYRUN replies as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "dryrun": [
      ["ACL", "SETUSER", "dry", "+get", "+publish", "~k*", "&c*"],
      ["ACL", "DRYRUN", "dry", "get", "k1"],
      ["ACL", "DRYRUN", "dry", "GET", "x"],
      ["ACL", "DRYRUN", "dry", "del", "x"],
      ["ACL", "DRYRUN", "dry", "config", "set", "a", "b"],
      ["ACL", "DRYRUN", "dry", "publish", "x", "m"],
      ["ACL", "DRYRUN", "dry", "publish", "c1", "m"],
      ["ACL", "DRYRUN", "nosuch", "get", "x"],
      ["ACL", "DRYRUN", "dry", "nosuchcmd"],
      ["ACL", "DRYRUN", "dry", "get"],
      ["ACL", "DRYRUN", "dry", "config", "nosuch"],
      ["ACL", "DRYRUN", "dry", "config"],
      ["ACL", "DRYRUN", "default", "flushall"],
      ["ACL", "DRYRUN", "dry"],
      ["ACL", "DELUSER", "dry"],
    ],
  }),
});

Deno.test({
  name: "ACL LOG records denials and failed logins as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const admin = await RawConnection.open(port);
    const user = await RawConnection.open(port);
    const seen: Reply[] = [];
    /** The log without its times and connection details (age-seconds, client-info's id, addr, ages...). */
    const logged = async (...args: string[]) => {
      const entries = await admin.command("ACL", "LOG", ...args);
      if (!Array.isArray(entries)) return entries;
      return entries.map((entry) => {
        const fields = [...entry as Reply[]];
        fields[11] = typeof fields[11];
        fields[13] = String(fields[13]).match(/ cmd=\S+ user=\S+/)?.[0] ?? "";
        return fields;
      });
    };
    try {
      await admin.command("ACL", "LOG", "RESET");
      await admin.command("ACL", "SETUSER", "lim", "on", ">pw", "+get", "+publish", "+multi", "~k*", "&c*");
      seen.push(await user.command("AUTH", "lim", "bad"));
      seen.push(await user.command("AUTH", "nosuch", "pw"));
      seen.push(await user.command("AUTH", "lim", "pw"));
      seen.push(await user.command("DEL", "x"));
      seen.push(await user.command("DEL", "x"));
      seen.push(await user.command("GET", "x"));
      seen.push(await user.command("PUBLISH", "x", "m"));
      seen.push(await user.command("MULTI"));
      seen.push(await user.command("DEL", "k"));
      seen.push(await logged());
      seen.push(await logged("2"));
      seen.push(await logged("0"));
      seen.push(await logged("-1"));
      seen.push(await logged("x"));
      seen.push(await logged("1", "2"));
      seen.push(await admin.command("ACL", "LOG", "RESET"));
      seen.push(await logged());
      await admin.command("ACL", "DELUSER", "lim");
    } finally {
      admin.close();
      user.close();
    }
    return seen;
  }),
});

Deno.test("ACL CAT and GENPASS: contents", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      const strings = await conn.command("ACL", "CAT", "string") as string[];
      assert.ok(strings.includes("get") && strings.includes("set") && !strings.includes("hset"));
      const admin = await conn.command("ACL", "CAT", "admin") as string[];
      assert.ok(admin.includes("config|set") && admin.includes("acl|setuser"));
      assert.match(await conn.command("ACL", "GENPASS") as string, /^[0-9a-f]{64}$/);
      assert.match(await conn.command("ACL", "GENPASS", "5") as string, /^[0-9a-f]{2}$/);
      assert.match(await conn.command("ACL", "GENPASS", "4096") as string, /^[0-9a-f]{1024}$/);
    } finally {
      conn.close();
    }
  });
});

Deno.test({
  name: "NOPERM for commands, keys and channels, as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameStepsAsRedis(3, {
    "a restricted user": [
      [0, ["ACL", "SETUSER", "lim", "on", ">pw", "+get", "+set", "+subscribe", "+publish", "~k*", "&c*"]],
      [0, ["ACL", "SETUSER", "lim", "+config|get", "+acl|whoami", "+select|0", "+multi", "+exec"]],
      [1, ["AUTH", "lim", "wrong"]],
      [1, ["AUTH", "nosuch", "pw"]],
      [1, ["AUTH", "lim", "pw"]],
      [1, ["ACL", "WHOAMI"]],
      [1, ["SET", "k1", "v"]],
      [1, ["GET", "k1"]],
      [1, ["GET", "x"]],
      [1, ["SET", "x", "v"]],
      [1, ["DEL", "k1"]],
      [1, ["MGET", "k1"]],
      [1, ["CONFIG", "GET", "maxmemory"]],
      [1, ["CONFIG", "SET", "maxmemory", "0"]],
      [1, ["ACL", "USERS"]],
      [1, ["SELECT", "0"]],
      [1, ["SELECT", "1"]],
      [1, ["PING"]],
      [1, ["PUBLISH", "x", "m"]],
      [1, ["PUBLISH", "cc", "m"]],
      [1, ["MULTI"]],
      [1, ["GET", "k1"]],
      [1, ["DEL", "k1"]],
      [1, ["EXEC"]],
      [1, ["SUBSCRIBE", "x"]],
      [1, ["SUBSCRIBE", "c1"]],
      [2, ["SUBSCRIBE", "c1"]],
      [0, ["PUBLISH", "c1", "hello"]],
      [1, [], 1],
      [2, [], 1],
    ],
    "a user with selectors": [
      [0, ["ACL", "SETUSER", "s3", "on", "nopass", "+get", "~a*", "(+set ~b* &x)", "(+get ~c*)"]],
      [1, ["AUTH", "s3", "x"]],
      [1, ["SET", "a", "v"]],
      [1, ["SET", "b", "v"]],
      [1, ["GET", "b"]],
      [1, ["GET", "c"]],
      [1, ["GET", "a"]],
      [1, ["DEL", "a"]],
      [1, ["GET", "zz"]],
      [1, ["PUBLISH", "x", "y"]],
      [0, ["ACL", "DRYRUN", "s3", "get", "b"]],
    ],
    "read and write key permissions": [
      [0, ["ACL", "SETUSER", "rw", "on", ">pw", "+@all", "%R~r*", "%W~w*"]],
      [1, ["AUTH", "rw", "pw"]],
      [1, ["GET", "r1"]],
      [1, ["SET", "r1", "v"]],
      [1, ["SET", "w1", "v"]],
      [1, ["GET", "w1"]],
      [1, ["GET", "other"]],
    ],
    "pattern subscriptions and channel changes": [
      [0, ["ACL", "SETUSER", "ps", "on", "nopass", "+@all", "allkeys", "&news.*", "&a"]],
      [1, ["AUTH", "ps", "x"]],
      [1, ["PSUBSCRIBE", "news.*"]],
      [1, ["PSUBSCRIBE", "news.x*"]],
      [1, ["PSUBSCRIBE", "a"]],
      [2, ["AUTH", "ps", "x"]],
      [2, ["PUBLISH", "news.1", "m"]],
      [2, ["PUBLISH", "a", "m"]],
      [2, ["PUBLISH", "b", "m"]],
      [1, [], 1],
    ],
    "permissions changed between MULTI and EXEC": [
      [0, ["ACL", "SETUSER", "mx", "on", ">pw", "+@all", "~*"]],
      [1, ["AUTH", "mx", "pw"]],
      [1, ["MULTI"]],
      [1, ["GET", "k"]],
      [1, ["SET", "k", "v"]],
      [1, ["PUBLISH", "c", "m"]],
      [1, ["PING"]],
      [0, ["ACL", "SETUSER", "mx", "-set", "resetkeys", "~x", "resetchannels"]],
      [1, ["EXEC"]],
      [0, ["GET", "k"]],
    ],
    "a disabled user and a deleted one": [
      [0, ["ACL", "SETUSER", "d1", "on", ">pw", "+@all", "allkeys"]],
      [1, ["AUTH", "d1", "pw"]],
      [0, ["ACL", "SETUSER", "d1", "off"]],
      [1, ["ACL", "WHOAMI"]],
      [2, ["AUTH", "d1", "pw"]],
      [0, ["ACL", "DELUSER", "d1"]],
      [2, ["AUTH", "d1", "pw"]],
    ],
  }),
});

/** ACL DRYRUN of `user` for each call. */
const dryruns = (user: string, calls: string[][]) => calls.map((call) => ["ACL", "DRYRUN", user, ...call]);

Deno.test({
  name: "key permissions follow each key's spec flags, as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({
    "%R~src* %W~dst*": [
      ["ACL", "SETUSER", "ks", "on", "+@all", "%R~src*", "%W~dst*"],
      ...dryruns("ks", [
        ["COPY", "src1", "dst1"],
        ["COPY", "dst1", "src1"],
        ["LMOVE", "src1", "dst1", "LEFT", "RIGHT"],
        ["RPOPLPUSH", "src1", "dst1"],
        ["BLMOVE", "src1", "dst1", "LEFT", "RIGHT", "0"],
        ["SMOVE", "src1", "dst1", "m"],
        ["RENAME", "src1", "dst1"],
        ["SET", "dst1", "v"],
        ["SET", "dst1", "v", "GET"],
        ["SET", "dst1", "v", "EX", "10", "get"],
        ["SETNX", "dst1", "v"],
        ["MSET", "dst1", "1", "dst2", "2"],
        ["APPEND", "dst1", "x"],
        ["INCR", "dst1"],
        ["GETSET", "dst1", "v"],
        ["GET", "dst1"],
        ["GET", "src1"],
        ["BITFIELD", "src1", "GET", "u8", "0"],
        ["BITFIELD", "src1", "GET", "u8", "0", "OVERFLOW", "WRAP", "GET", "u8", "8"],
        ["BITFIELD", "src1", "SET", "u8", "0", "1"],
        ["BITFIELD", "dst1", "SET", "u8", "0", "1"],
        ["BITFIELD_RO", "src1", "GET", "u8", "0"],
        ["SORT", "src1", "STORE", "dst1"],
        ["SORT", "src1", "LIMIT", "0", "1", "STORE", "dst1"],
        ["SORT", "src1", "STORE", "src2"],
        ["SORT", "dst1"],
        ["SORT_RO", "src1"],
        ["ZUNIONSTORE", "dst1", "2", "src1", "src2"],
        ["ZINTERSTORE", "dst1", "2", "src1", "dst2"],
        ["ZRANGESTORE", "dst1", "src1", "0", "-1"],
        ["SUNIONSTORE", "dst1", "src1", "src2"],
        ["SINTERSTORE", "dst1", "src1"],
        ["SDIFFSTORE", "dst1", "src1"],
        ["BITOP", "AND", "dst1", "src1", "src2"],
        ["DEL", "dst1"],
        ["DEL", "src1"],
        ["UNLINK", "dst1", "src1"],
        ["EXISTS", "dst1", "src1"],
        ["EXISTS", "other"],
        ["TYPE", "dst1"],
        ["TOUCH", "dst1"],
        ["OBJECT", "ENCODING", "dst1"],
        ["STRLEN", "dst1"],
        ["LLEN", "dst1"],
        ["SCARD", "dst1"],
        ["TTL", "dst1"],
        ["EXPIRE", "src1", "10"],
        ["EXPIRE", "dst1", "10"],
        ["GETDEL", "src1"],
        ["LPOP", "src1"],
        ["LPUSH", "dst1", "x"],
        ["LMPOP", "2", "dst1", "src1", "LEFT"],
        ["SINTERCARD", "2", "src1", "src2"],
        ["ZUNION", "2", "src1", "dst1"],
        ["LCS", "src1", "src2"],
        ["DUMP", "src1"],
        ["RESTORE", "dst1", "0", "x"],
        ["SPUBLISH", "c", "m"],
      ]),
      ["ACL", "DELUSER", "ks"],
    ],
    "the refusal reported among selectors": [
      // Root and selector refuse different keys: Redis names the later argument.
      ["ACL", "SETUSER", "sel", "on", "+@all", "%W~b*", "(+@all %R~a*)"],
      ...dryruns("sel", [
        ["COPY", "a1", "b1"],
        ["COPY", "b1", "a1"],
        ["MSET", "a1", "1", "b1", "2"],
        ["MSET", "b1", "1", "a1", "2"],
        ["GET", "a1"],
        ["SET", "b1", "v"],
      ]),
      ["ACL", "SETUSER", "sel2", "on", "+@all", "%R~a*", "(+@all %W~b*)"],
      ...dryruns("sel2", [["COPY", "a1", "b1"], ["COPY", "b1", "a1"], ["MSET", "a1", "1", "b1", "2"]]),
      ["ACL", "SETUSER", "sel3", "on", "+@all", "~x", "(-@all +get ~*)"],
      ...dryruns("sel3", [["SET", "y", "v"], ["GET", "y"], ["MGET", "x", "y"]]),
      ["ACL", "DELUSER", "sel", "sel2", "sel3"],
    ],
  }),
});

Deno.test({
  name: "per-key permissions on real calls and in ACL LOG, as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameAsRedis(async (port) => {
    const admin = await RawConnection.open(port);
    const user = await RawConnection.open(port);
    const seen: Reply[] = [];
    try {
      await admin.command("FLUSHALL");
      await admin.command("ACL", "LOG", "RESET");
      await admin.command(
        "ACL",
        "SETUSER",
        "kr",
        "on",
        ">pw",
        "+@all",
        "%R~src*",
        "%W~dst*",
        "(+@all ~sel*)",
      );
      await admin.command("RPUSH", "src1", "3", "1", "2");
      await admin.command("SET", "src2", "v");
      await user.command("AUTH", "kr", "pw");
      for (
        const call of [
          ["COPY", "src2", "dst1"],
          ["SORT", "src1", "STORE", "dst2"],
          ["SET", "dst3", "v"],
          ["SET", "dst3", "w", "GET"],
          ["EXISTS", "dst1", "dst2", "dst3", "sel1"],
          ["TYPE", "dst2"],
          ["GET", "dst1"],
          ["LMOVE", "src1", "dst4", "LEFT", "RIGHT"],
          ["COPY", "dst1", "src3"],
          ["COPY", "sel1", "src3"],
          ["DEL", "dst1"],
        ]
      ) seen.push(await user.command(...call));
      seen.push(await admin.command("MGET", "dst1", "dst2", "dst3", "dst4"));
      seen.push(await admin.command("LRANGE", "dst2", "0", "-1"));
      // Which key each refusal names (the rest of an entry is times and connection details).
      const log = await admin.command("ACL", "LOG") as Reply[][];
      seen.push(log.map((entry) => [entry[1], entry[3], entry[5], entry[7]]));
      await admin.command("ACL", "DELUSER", "kr");
    } finally {
      admin.close();
      user.close();
    }
    return seen;
  }),
});

Deno.test("key permissions by key-spec flags: reading one key and writing another", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    try {
      await conn.command("ACL", "SETUSER", "u", "on", "+@all", "%R~src*", "%W~dst*");
      const dryrun = async (...call: string[]) => await conn.command("ACL", "DRYRUN", "u", ...call);
      const denied = (key: string) => `This user has no permissions to access the '${key}' key`;
      // Expected values as redis-server 7.0.15 replies.
      assert.equal(await dryrun("COPY", "src1", "dst1"), "OK");
      assert.equal(await dryrun("SORT", "src1", "STORE", "dst1"), "OK");
      assert.equal(await dryrun("ZUNIONSTORE", "dst1", "2", "src1", "src2"), "OK");
      assert.equal(await dryrun("SET", "dst1", "v"), "OK");
      assert.equal(await dryrun("SET", "dst1", "v", "GET"), denied("dst1"));
      assert.equal(await dryrun("BITFIELD", "src1", "GET", "u8", "0"), "OK");
      assert.equal(await dryrun("BITFIELD", "src1", "SET", "u8", "0", "1"), denied("src1"));
      assert.equal(await dryrun("LMOVE", "src1", "dst1", "LEFT", "RIGHT"), denied("src1"));
      assert.equal(await dryrun("EXISTS", "dst1"), "OK");
      assert.equal(await dryrun("EXISTS", "other"), denied("other"));
      assert.equal(await dryrun("DEL", "src1"), denied("src1"));
      assert.equal(
        await dryrun("SPUBLISH", "c", "m"),
        "This user has no permissions to access the 'c' channel",
      );
    } finally {
      conn.close();
    }
  });
});

Deno.test("ACL SETUSER closes the user's subscribers whose channels it revokes, as Redis 7.0", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const sub = await RawConnection.open(port);
    const psub = await RawConnection.open(port);
    try {
      assert.equal(await admin.command("ACL", "SETUSER", "sub", "on", ">pw", "+@all", "&c*", "&n.*"), "OK");
      assert.equal(await sub.command("AUTH", "sub", "pw"), "OK");
      assert.deepEqual(await sub.command("SUBSCRIBE", "c1"), ["subscribe", "c1", 1]);
      assert.equal(await psub.command("AUTH", "sub", "pw"), "OK");
      assert.deepEqual(await psub.command("PSUBSCRIBE", "n.*"), ["psubscribe", "n.*", 1]);
      // Adding a pattern revokes nothing.
      assert.equal(await admin.command("ACL", "SETUSER", "sub", "&d*"), "OK");
      assert.deepEqual(await sub.command("PING"), ["pong", ""]);
      assert.deepEqual(await psub.command("PING"), ["pong", ""]);
      // n.* is still allowed literally; c1 is not.
      assert.equal(await admin.command("ACL", "SETUSER", "sub", "resetchannels", "&n.*"), "OK");
      assert.equal(await sub.readToEnd(), "");
      assert.deepEqual(await psub.command("PING"), ["pong", ""]);
      assert.equal(await admin.command("ACL", "SETUSER", "sub", "resetchannels", "&n.x"), "OK");
      assert.equal(await psub.readToEnd(), "");
    } finally {
      admin.close();
      sub.close();
      psub.close();
    }
  });
});

Deno.test("ACL DELUSER closes the user's connections; requirepass sets the default user's password", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    const user = await RawConnection.open(port);
    try {
      assert.equal(await admin.command("ACL", "SETUSER", "gone", "on", ">pw", "+@all"), "OK");
      assert.equal(await user.command("AUTH", "gone", "pw"), "OK");
      assert.equal(await admin.command("ACL", "DELUSER", "gone"), 1);
      assert.equal(await user.readToEnd(), "");
      assert.equal(await admin.command("CONFIG", "SET", "requirepass", "s3cret"), "OK");
      const list = await admin.command("ACL", "LIST") as string[];
      assert.match(list[0], /^user default on #[0-9a-f]{64} ~\* &\* \+@all$/);
      assert.equal(await admin.command("AUTH", "default", "s3cret"), "OK");
      assert.equal(await admin.command("CONFIG", "SET", "requirepass", ""), "OK");
      assert.deepEqual(await admin.command("ACL", "LIST"), ["user default on nopass ~* &* +@all"]);
    } finally {
      admin.close();
      user.close();
    }
  });
});

Deno.test("node-redis and ioredis log in with a user name and password", async () => {
  await withServer(async ({ port }) => {
    const admin = await RawConnection.open(port);
    try {
      await admin.command("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@all", "-flushall");
    } finally {
      admin.close();
    }
    const client = createClient({ socket: { host: "127.0.0.1", port }, username: "app", password: "apppw" });
    const errors: unknown[] = [];
    client.on("error", (error) => errors.push(error));
    await client.connect();
    try {
      assert.equal(await client.set("app:k", "v"), "OK");
      assert.equal(await client.get("app:k"), "v");
      await assert.rejects(
        client.get("other"),
        /NOPERM this user has no permissions to access one of the keys/,
      );
      await assert.rejects(
        client.flushAll(),
        /NOPERM this user has no permissions to run the 'flushall' command/,
      );
      assert.equal(await client.sendCommand(["ACL", "WHOAMI"]), "app");
    } finally {
      await client.quit();
    }
    assert.deepEqual(errors, []);

    const redis = new Redis({
      host: "127.0.0.1",
      port,
      username: "app",
      password: "apppw",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    await redis.connect();
    try {
      assert.equal(await redis.get("app:k"), "v");
      await assert.rejects(redis.get("other"), /NOPERM/);
      assert.equal(await redis.call("ACL", "WHOAMI"), "app");
    } finally {
      redis.disconnect();
    }

    const wrong = new Redis({
      host: "127.0.0.1",
      port,
      username: "app",
      password: "nope",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const wrongErrors: string[] = [];
    wrong.on("error", (error: Error) => wrongErrors.push(error.message));
    await assert.rejects(wrong.connect());
    wrong.disconnect();
    assert.ok(wrongErrors.some((message) => message.startsWith("WRONGPASS")), String(wrongErrors));
  });
});

const HASH_X = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"; // sha256("x")
const HASH_Y = "a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa"; // sha256("y")

Deno.test({
  name: "ACL SAVE and LOAD without an aclfile reply as redis-server",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis({ "no aclfile": [["ACL", "SAVE"], ["ACL", "LOAD"]] }),
});

Deno.test("aclfile: loaded at start, ACL SAVE writes it, ACL LOAD is all or nothing (texts from redis-server)", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/users.acl`;
  await Deno.writeTextFile(file, "user default on nopass ~* &* +@all\nuser a on >x ~k* +get\n\n");
  try {
    await withServer(async ({ port }) => {
      const admin = await RawConnection.open(port);
      const asA = await RawConnection.open(port);
      try {
        assert.deepEqual(await admin.command("ACL", "LIST"), [
          `user a on #${HASH_X} ~k* resetchannels -@all +get`,
          "user default on nopass ~* &* +@all",
        ]);
        assert.equal(await asA.command("AUTH", "a", "x"), "OK");
        assert.equal(await admin.command("ACL", "SETUSER", "b", "on", "nopass"), "OK");
        assert.equal(await admin.command("ACL", "SAVE"), "OK");
        assert.equal(
          await Deno.readTextFile(file),
          `user a on #${HASH_X} ~k* resetchannels -@all +get\nuser b on nopass resetchannels -@all\n` +
            "user default on nopass ~* &* +@all\n",
        );
        await Deno.writeTextFile(
          file,
          'user a on >x bogus +nosuch\nfoo bar\nuser\nuser "a b"\nuser c\nuser c\nuser d "unbalanced\n',
        );
        assert.deepEqual(await admin.command("ACL", "LOAD"), {
          error:
            `ERR ${file}:1: Syntax error. ${file}:1: Error in applying operation '+nosuch': Unknown command ` +
            `or category name in ACL. ${file}:2 should start with user keyword followed by the username. ${file}:3 ` +
            `should start with user keyword followed by the username. ${file}:4: Syntax error. WARNING: Duplicate ` +
            `user 'c' found on line 6. ${file}:7: Syntax error. WARNING: ACL errors detected, no change to the ` +
            "previously active ACL rules was performed",
        });
        assert.equal((await admin.command("ACL", "USERS") as string[]).length, 3);
        await Deno.writeTextFile(file, "user a on >y\n");
        assert.equal(await admin.command("ACL", "LOAD"), "OK");
        assert.deepEqual(await admin.command("ACL", "LIST"), [
          `user a on #${HASH_Y} resetchannels -@all`,
          "user default on nopass ~* &* +@all",
        ]);
        // Users are replaced: connections of any but the default user are closed.
        assert.equal(await asA.readToEnd(), "");
        assert.equal(await admin.command("PING"), "PONG");
      } finally {
        admin.close();
        asA.close();
      }
    }, { config: { aclfile: file } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("user directives in the configuration file", async () => {
  const dir = await Deno.makeTempDir();
  const conf = `${dir}/redis.conf`;
  await Deno.writeTextFile(
    conf,
    "user app on >pw ~app:* +@all -flushall\nuser default on >adminpw ~* &* +@all\n",
  );
  try {
    await withServer(async ({ port }) => {
      const conn = await RawConnection.open(port);
      try {
        assert.deepEqual(await conn.command("PING"), { error: "NOAUTH Authentication required." });
        assert.equal(await conn.command("AUTH", "app", "pw"), "OK");
        assert.deepEqual(await conn.command("FLUSHALL"), {
          error: "NOPERM this user has no permissions to run the 'flushall' command",
        });
        assert.equal(await conn.command("AUTH", "adminpw"), "OK");
        assert.deepEqual(await conn.command("ACL", "LIST"), [
          `user app on #${hashOf("pw")} ~app:* resetchannels +@all -flushall`,
          // As redis-server: "user default" starts from reset, which sets sanitize-payload.
          `user default on sanitize-payload #${hashOf("adminpw")} ~* &* +@all`,
        ]);
      } finally {
        conn.close();
      }
    }, { configFile: conf });
    await Deno.writeTextFile(conf, "user app on +nosuch\n");
    await assert.rejects(
      withServer(() => Promise.resolve(), { configFile: conf }),
      /Error loading ACL rule '\+nosuch' for the user named 'app': Unknown command or category name in ACL/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
