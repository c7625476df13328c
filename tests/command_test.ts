/**
 * COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS/GETKEYSANDFLAGS against a
 * real redis-server, byte for byte in RESP2 and RESP3: every command's entry
 * with its key specs (lib/commands/key_specs.ts), every command's docs but
 * their argument specs, and the keys and flags of calls whose flags depend on
 * their arguments. The key-spec walk is also checked against the table's
 * keysOf, which notifications and tracking use.
 */
import assert from "node:assert/strict";
import { commandDefinitions } from "../lib/commands/mod.ts";
import { KEY_SPECS, KeyFlag } from "../lib/commands/key_specs.ts";
import { CommandTable } from "../lib/commands/table.ts";
import {
  encodeCommand,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  startRedis,
  startTestServer,
} from "./helpers.ts";

if (!HAVE_REDIS) {
  console.warn("command_test: redis-server not found, skipping comparisons with real Redis");
}

const table = new CommandTable(commandDefinitions);

/** Where the raw RESP2/RESP3 reply that starts at `pos` of `text` ends. */
function replyEnd(text: string, pos: number): number {
  const end = text.indexOf("\r\n", pos);
  assert.ok(end >= 0, `truncated reply at ${pos}`);
  const type = text[pos];
  const n = Number(text.slice(pos + 1, end));
  pos = end + 2;
  if (type === "$" || type === "=" || type === "!") pos += n >= 0 ? n + 2 : 0;
  else if (type === "*" || type === "~" || type === ">") {
    for (let i = 0; i < n; i++) pos = replyEnd(text, pos);
  } else if (type === "%" || type === "|") { for (let i = 0; i < 2 * n; i++) pos = replyEnd(text, pos); }
  return pos;
}

/** Splits a stream of RESP2/RESP3 replies into the raw text of each. */
function splitReplies(text: string): string[] {
  const replies: string[] = [];
  for (let pos = 0; pos < text.length;) {
    const end = replyEnd(text, pos);
    replies.push(text.slice(pos, end));
    pos = end;
  }
  return replies;
}

/**
 * The raw map reply `text` (a RESP3 map, or a RESP2 array of pairs) with each
 * pair whose key is a bulk string in `leaveOut` removed and the length fixed;
 * the rest stays byte for byte.
 */
function withoutFields(text: string, leaveOut: ReadonlySet<string>): string {
  const headerEnd = text.indexOf("\r\n") + 2;
  const resp3 = text[0] === "%";
  assert.ok(resp3 || text[0] === "*", `not a map: ${text.slice(0, 20)}`);
  const pairs: string[] = [];
  let pos = headerEnd;
  while (pos < text.length) {
    const valueStart = replyEnd(text, pos);
    const end = replyEnd(text, valueStart);
    const key = text.slice(pos, valueStart);
    const name = key[0] === "$" ? key.slice(key.indexOf("\r\n") + 2, -2) : undefined;
    if (name === undefined || !leaveOut.has(name)) pairs.push(text.slice(pos, end));
    pos = end;
  }
  return `${resp3 ? "%" : "*"}${resp3 ? pairs.length : 2 * pairs.length}\r\n${pairs.join("")}`;
}

/** Sends `commands` pipelined (after HELLO 3 for RESP3) and returns each raw reply. */
async function rawReplies(port: number, protocol: 2 | 3, commands: string[][]): Promise<string[]> {
  const conn = await RawConnection.open(port);
  try {
    if (protocol === 3) await conn.command("HELLO", "3");
    await conn.send([...commands, ["QUIT"]].map(encodeCommand).join(""));
    const replies = splitReplies(await conn.readToEnd());
    assert.equal(replies.length, commands.length + 1);
    return replies.slice(0, -1);
  } finally {
    conn.close();
  }
}

/** Runs `fn` with a redis-server and a Redix, stopping both. */
async function withBoth(fn: (redisPort: number, redixPort: number) => Promise<void>): Promise<void> {
  const redis = await startRedis();
  const redix = await startTestServer();
  try {
    await fn(redis.port, redix.port);
  } finally {
    await redix.close();
    await redis.stop();
  }
}

/** Calls whose keys or flags depend on their arguments, and the errors around them. */
const GETKEYS_CALLS: string[][] = [
  ["SET", "k", "v"],
  ["SET", "k", "v", "GET"],
  ["SET", "k", "v", "get"],
  ["SET", "k", "v", "EX", "10", "GET"],
  ["SET", "k", "get"],
  ["SET", "k", "v", "GETX"],
  ["BITFIELD", "k", "GET", "u8", "0"],
  ["BITFIELD", "k", "GET", "u8", "0", "OVERFLOW", "SAT", "get", "i4", "1"],
  ["BITFIELD", "k", "SET", "u8", "0", "1"],
  ["BITFIELD", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1"],
  ["BITFIELD", "k", "GET", "u8"],
  ["BITFIELD", "k"],
  ["BITFIELD_RO", "k", "GET", "u8", "0"],
  ["SORT", "k"],
  ["MIGRATE", "h", "1", "k", "0", "5"],
  ["MIGRATE", "h", "1", "", "0", "5", "COPY", "KEYS", "a", "b"],
  ["MIGRATE", "h", "1", "", "0", "5", "AUTH", "keys", "KEYS", "a"],
  ["MIGRATE", "h", "1", "k", "0", "5", "AUTH", "keys"],
  ["MIGRATE", "h", "1", "", "0", "5", "AUTH2", "u", "keys", "REPLACE", "KEYS", "a", "b", "c"],
  ["MIGRATE", "h", "1", "k", "0", "5", "KEYS", "a"],
  ["MIGRATE", "h", "1", "", "0", "5", "KEYS"],
  ["SORT", "k", "STORE", "d"],
  ["SORT", "k", "BY", "w_*", "GET", "#", "LIMIT", "0", "10", "STORE", "d"],
  ["SORT", "k", "STORE", "d1", "STORE", "d2"],
  ["SORT", "k", "GET", "store", "STORE"],
  ["SORT", "k", "LIMIT", "store", "d", "ALPHA"],
  ["SORT_RO", "k", "BY", "w_*", "GET", "#"],
  ["LMOVE", "a", "b", "LEFT", "RIGHT"],
  ["BLMOVE", "a", "b", "LEFT", "RIGHT", "0"],
  ["RPOPLPUSH", "a", "b"],
  ["BRPOPLPUSH", "a", "b", "0"],
  ["SMOVE", "a", "b", "m"],
  ["COPY", "a", "b"],
  ["COPY", "a", "b", "DB", "1", "REPLACE"],
  ["RENAME", "a", "b"],
  ["RENAMENX", "a", "b"],
  ["ZUNIONSTORE", "d", "2", "a", "b"],
  ["ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
  ["ZDIFFSTORE", "d", "1", "a"],
  ["ZUNIONSTORE", "d", "0", "a"],
  ["ZUNIONSTORE", "d", "3", "a", "b"],
  ["ZUNIONSTORE", "d", "-1", "a"],
  ["ZUNIONSTORE", "d", "x", "a"],
  ["ZUNION", "2", "a", "b", "WITHSCORES"],
  ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
  ["ZRANGESTORE", "d", "s", "0", "-1"],
  ["SINTERSTORE", "d", "a", "b"],
  ["SUNIONSTORE", "d", "a", "b"],
  ["SDIFFSTORE", "d", "a"],
  ["SINTERCARD", "2", "a", "b"],
  ["LMPOP", "2", "a", "b", "LEFT"],
  ["BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "3"],
  ["ZMPOP", "1", "a", "MIN"],
  ["BZMPOP", "0", "1", "a", "MIN"],
  ["BLPOP", "a", "b", "0"],
  ["BZPOPMIN", "a", "b", "0"],
  ["BITOP", "AND", "d", "a", "b"],
  ["BITOP", "NOT", "d", "a"],
  ["MSET", "a", "1", "b", "2"],
  ["MSETNX", "a", "1", "b", "2"],
  ["MGET", "a", "b"],
  ["DEL", "a", "b"],
  ["UNLINK", "a"],
  ["EXISTS", "a", "b"],
  ["TOUCH", "a"],
  ["TYPE", "a"],
  ["WATCH", "a", "b"],
  ["OBJECT", "ENCODING", "a"],
  ["OBJECT", "FREQ", "a"],
  ["GETEX", "a", "PERSIST"],
  ["GETDEL", "a"],
  ["STRLEN", "a"],
  ["LCS", "a", "b"],
  ["RESTORE", "a", "0", "x"],
  ["DUMP", "a"],
  ["EXPIRE", "a", "10"],
  ["MOVE", "a", "1"],
  ["HSET", "h", "f", "v"],
  ["SPUBLISH", "c", "m"],
  ["SSUBSCRIBE", "c"],
  ["PING"],
  ["GET"],
  ["NOSUCH", "a"],
  ["OBJECT", "NOSUCH", "a"],
];

Deno.test({
  name: "COMMAND INFO of every command matches redis-server byte for byte, key specs included",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      const conn = await RawConnection.open(redisPort);
      const known = new Set(await conn.command("COMMAND", "LIST") as string[]);
      conn.close();
      const all = [...table.all()].filter((command) => known.has(command.name)); // not CLIENT SETINFO (7.2)
      // A container's subcommands come in each server's own dict order; each is compared on its own.
      const leaves = all.filter((command) => command.subcommands === undefined).map((c) => c.name);
      assert.ok(leaves.length > 200);
      for (const protocol of [2, 3] as const) {
        const calls = leaves.map((name) => ["COMMAND", "INFO", name]);
        const ours = await rawReplies(redixPort, protocol, calls);
        const theirs = await rawReplies(redisPort, protocol, calls);
        for (let i = 0; i < calls.length; i++) {
          assert.equal(ours[i], theirs[i], `RESP${protocol} ${leaves[i]}`);
        }
      }
      const redix = await RawConnection.open(redixPort);
      const redis = await RawConnection.open(redisPort);
      try {
        for (const command of all.filter((c) => c.subcommands !== undefined)) {
          const [ourEntry] = await redix.command("COMMAND", "INFO", command.name) as Reply[][];
          const [theirEntry] = await redis.command("COMMAND", "INFO", command.name) as Reply[][];
          assert.deepEqual(ourEntry.slice(0, 9), theirEntry.slice(0, 9), command.name);
        }
      } finally {
        redix.close();
        redis.close();
      }
    }),
});

Deno.test({
  name: "COMMAND DOCS of every command matches redis-server byte for byte, all but the argument specs",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      const redis = await RawConnection.open(redisPort);
      const redix = await RawConnection.open(redixPort);
      try {
        const known = new Set(await redis.command("COMMAND", "LIST") as string[]);
        const all = [...table.all()].filter((command) => known.has(command.name)); // not CLIENT SETINFO (7.2)
        assert.ok(all.length > 200);
        // Redix gives no argument specs. A container's subcommands come in each
        // server's own dict order: each subcommand's entry is compared on its
        // own (it is in `all`), and here the container's list of them.
        const leaveOut = new Set(["arguments", "subcommands"]);
        const entry = (reply: string): string => {
          const nameStart = reply.indexOf("\r\n") + 2;
          const docsStart = replyEnd(reply, nameStart);
          assert.equal(replyEnd(reply, docsStart), reply.length);
          return reply.slice(0, docsStart) + withoutFields(reply.slice(docsStart), leaveOut);
        };
        for (const protocol of [2, 3] as const) {
          const calls = all.map((command) => ["COMMAND", "DOCS", command.name]);
          const ours = await rawReplies(redixPort, protocol, calls);
          const theirs = await rawReplies(redisPort, protocol, calls);
          for (let i = 0; i < calls.length; i++) {
            assert.equal(entry(ours[i]), entry(theirs[i]), `RESP${protocol} ${all[i].name}`);
          }
        }
        const subcommandNames = async (conn: RawConnection, name: string): Promise<string[]> => {
          const [, docs] = await conn.command("COMMAND", "DOCS", name) as Reply[][];
          const fields = docs as Reply[];
          const subcommands = fields[fields.indexOf("subcommands") + 1] as Reply[];
          return subcommands.filter((_, i) => i % 2 === 0) as string[];
        };
        for (const command of all.filter((c) => c.subcommands !== undefined)) {
          const ours = [...command.subcommands!.keys()].map((sub) => `${command.name}|${sub}`);
          assert.deepEqual(await subcommandNames(redix, command.name), ours);
          const theirs = (await subcommandNames(redis, command.name)).filter((name) => ours.includes(name));
          assert.deepEqual(theirs.sort(), ours.filter((name) => known.has(name)).sort(), command.name);
        }
      } finally {
        redix.close();
        redis.close();
      }
    }),
});

Deno.test({
  name: "COMMAND GETKEYS and GETKEYSANDFLAGS match redis-server byte for byte",
  ignore: !HAVE_REDIS,
  fn: () =>
    withBoth(async (redisPort, redixPort) => {
      for (const protocol of [2, 3] as const) {
        for (const subcommand of ["GETKEYS", "GETKEYSANDFLAGS"]) {
          const calls = GETKEYS_CALLS.map((call) => ["COMMAND", subcommand, ...call]);
          const ours = await rawReplies(redixPort, protocol, calls);
          const theirs = await rawReplies(redisPort, protocol, calls);
          for (let i = 0; i < calls.length; i++) {
            assert.equal(ours[i], theirs[i], `RESP${protocol} ${calls[i].join(" ")}`);
          }
        }
      }
    }),
});

Deno.test("COMMAND GETKEYSANDFLAGS: flags per key where a command reads one key and writes another", async () => {
  const redix = await startTestServer();
  const conn = await RawConnection.open(redix.port);
  try {
    const flags = async (...call: string[]) => await conn.command("COMMAND", "GETKEYSANDFLAGS", ...call);
    // Expected values as redis-server 7.0.15 replies.
    assert.deepEqual(await flags("COPY", "a", "b"), [["a", ["RO", "access"]], ["b", ["OW", "update"]]]);
    assert.deepEqual(await flags("LMOVE", "a", "b", "LEFT", "RIGHT"), [
      ["a", ["RW", "access", "delete"]],
      ["b", ["RW", "insert"]],
    ]);
    assert.deepEqual(await flags("SET", "k", "v"), [["k", ["OW", "update"]]]);
    assert.deepEqual(await flags("SET", "k", "v", "GET"), [["k", ["RW", "access", "update"]]]);
    assert.deepEqual(await flags("BITFIELD", "k", "GET", "u8", "0"), [["k", ["RO", "access"]]]);
    assert.deepEqual(await flags("SORT", "k", "STORE", "d"), [["k", ["RO", "access"]], ["d", [
      "OW",
      "update",
    ]]]);
    assert.deepEqual(await flags("EXISTS", "a"), [["a", ["RO"]]]);
    assert.deepEqual(await flags("DEL", "a"), [["a", ["RM", "delete"]]]);
    assert.deepEqual(await flags("SSUBSCRIBE", "c"), { error: "ERR The command has no key arguments" });
  } finally {
    conn.close();
    await redix.close();
  }
});

Deno.test("the key-spec walk finds the keys keysOf finds (notifications and tracking use keysOf)", () => {
  let compared = 0;
  for (const call of GETKEYS_CALLS) {
    const command = table.lookupFull(call);
    if (command === undefined || !command.hasKeys) continue;
    if ((command.arity > 0 && command.arity !== call.length) || call.length < -command.arity) continue;
    const withFlags = table.keysWithFlags(command, call);
    if (withFlags.length === 0) continue; // a malformed call: GETKEYS errs, keysOf may still see keys
    assert.deepEqual(table.keysOf(command, call), withFlags.map(({ index }) => call[index]), call.join(" "));
    compared++;
  }
  assert.ok(compared > 60);
});

Deno.test("every key spec belongs to a command of the table, and a command with keys needs specs", () => {
  const names = new Set([...table.all()].map((command) => command.name));
  assert.deepEqual(Object.keys(KEY_SPECS).filter((name) => !names.has(name)), []);
  for (const command of table.all()) {
    const hasRange = command.firstKey !== 0 || command.keyFinder !== undefined;
    assert.equal(command.keySpecs.length > 0, hasRange, command.name);
  }
  assert.throws(
    () =>
      new CommandTable([{
        name: "nokeyspec",
        arity: 2,
        keys: [1, 1, 1],
        group: "x",
        since: "0",
        summary: "",
      }]),
    /nokeyspec has keys but no key specs/,
  );
  // Shard channels are NOT_KEY specs: no keys for ACL and COMMAND GETKEYS.
  const spublish = table.lookup("spublish")!;
  assert.equal(spublish.keySpecs[0].flags, KeyFlag.NOT_KEY);
  assert.equal(spublish.hasKeys, false);
});
