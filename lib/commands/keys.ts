/**
 * Generic key commands (Redis's db.c, expire.c and object.c): DEL, UNLINK,
 * EXISTS, TYPE, the TTL family, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, COPY,
 * MOVE, SWAPDB, TOUCH and OBJECT.
 *
 * @module
 */
import type { ReplyWriter } from "../resp/writer.ts";
import type { Client } from "../server/client.ts";
import { copyValue, type Database, type RedisValue } from "../store/database.ts";
import { RawString, type StringValue } from "../store/raw_string.ts";
import { globMatch } from "../util/glob.ts";
import { expireMilliseconds, parseInteger } from "../util/numbers.ts";
import { FAILED, int32Arg, integerArg, isString, peekValue, readValue } from "./access.ts";
import { helpReply } from "./connection.ts";
import { DB_INDEX_OUT_OF_RANGE, invalidExpireError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";

/** DEL and UNLINK: freeing is lazy either way (the garbage collector does it). */
function del(client: Client, argv: string[]): void {
  const db = client.db;
  let deleted = 0;
  db.warmKeys(1, 1, false);
  for (let i = 1; i < argv.length; i++) {
    db.primeWarmedKey(argv, i);
    if (!db.delete(argv[i])) continue;
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", argv[i]);
    deleted++;
  }
  client.writer.integer(deleted);
  if (deleted > 0) client.server.propagate(db, argv);
}

/**
 * EXISTS (a lookup that is not an access, as Redis's LOOKUP_NOTOUCH) and TOUCH
 * (an access): how many of the keys exist, each counted as a keyspace hit or miss.
 */
function countExisting(lookup: typeof readValue) {
  return (client: Client, argv: string[]): void => {
    const db = client.db;
    let count = 0;
    db.warmKeys(1, 1, false);
    for (let i = 1; i < argv.length; i++) {
      db.primeWarmedKey(argv, i);
      if (lookup(client, argv[i]) !== undefined) count++;
    }
    client.writer.integer(count);
  };
}

/** The name TYPE and SCAN's TYPE option give a value's type. */
function typeName(value: RedisValue | undefined): string {
  if (value === undefined) return "none";
  return isString(value) ? "string" : value.type;
}

function type(client: Client, argv: string[]): void {
  client.writer.simple(typeName(peekValue(client, argv[1])));
}

/** How an expire-setting command reads its time argument. */
interface ExpireForm {
  name: string;
  /** Seconds or milliseconds. */
  seconds: boolean;
  /** Relative to now (EXPIRE, PEXPIRE) or absolute (EXPIREAT, PEXPIREAT). */
  relative: boolean;
}

type Condition = { nx: boolean; xx: boolean; gt: boolean; lt: boolean };

/** Parses NX|XX|GT|LT with Redis's error texts; null after replying an error. */
function parseCondition(client: Client, argv: string[]): Condition | null {
  const condition = { nx: false, xx: false, gt: false, lt: false };
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    if (option === "nx" || option === "xx" || option === "gt" || option === "lt") {
      condition[option] = true;
    } else {
      client.writer.error(`ERR Unsupported option ${argv[j]}`);
      return null;
    }
  }
  if (condition.nx && (condition.xx || condition.gt || condition.lt)) {
    client.writer.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return null;
  }
  if (condition.gt && condition.lt) {
    client.writer.error("ERR GT and LT options at the same time are not compatible");
    return null;
  }
  return condition;
}

/** Whether the condition lets a new expiry `when` replace `current` (undefined: none). */
function conditionAllows(condition: Condition, current: number | undefined, when: number): boolean {
  if (condition.nx && current !== undefined) return false;
  if (condition.xx && current === undefined) return false;
  // No TTL counts as an infinite one: GT never beats it, LT always does.
  if (condition.gt && (current === undefined || when <= current)) return false;
  if (condition.lt && current !== undefined && when >= current) return false;
  return true;
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, as Redis's expireGenericCommand: a time
 * already past deletes the key (propagated as DEL); otherwise the expiry is
 * propagated as an absolute PEXPIREAT.
 */
function expireGeneric(form: ExpireForm) {
  return (client: Client, argv: string[]): void => {
    const condition = parseCondition(client, argv);
    if (condition === null) return;
    const amount = parseInteger(argv[2]);
    if (amount === null) {
      client.writer.error(NOT_INTEGER);
      return;
    }
    const when = expireMilliseconds(amount, argv[2], form.seconds, form.relative ? Date.now() : 0);
    if (when === null) {
      client.writer.error(invalidExpireError(form.name));
      return;
    }
    const db = client.db;
    const key = argv[1];
    if (!db.has(key) || !conditionAllows(condition, db.expiryOf(key), when)) {
      client.writer.integer(0);
      return;
    }
    if (when <= Date.now()) {
      db.delete(key);
      client.server.propagate(db, ["DEL", key]);
      notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", key);
    } else {
      db.setExpiry(key, when);
      client.server.propagate(db, ["PEXPIREAT", key, String(when)]);
      notifyKeyspaceEvent(client, NOTIFY.GENERIC, "expire", key);
    }
    client.writer.integer(1);
  };
}

/** TTL and PTTL: -2 for a missing key, -1 for no expiry. */
function ttlGeneric(milliseconds: boolean) {
  return (client: Client, argv: string[]): void => {
    if (peekValue(client, argv[1]) === undefined) {
      client.writer.integer(-2);
      return;
    }
    const at = client.db.expiryOf(argv[1]);
    if (at === undefined) {
      client.writer.integer(-1);
      return;
    }
    const ttl = Math.max(0, at - Date.now());
    client.writer.integer(milliseconds ? ttl : Math.floor((ttl + 500) / 1000));
  };
}

/** EXPIRETIME and PEXPIRETIME: the absolute expiry, -2 missing, -1 none. */
function expiretimeGeneric(milliseconds: boolean) {
  return (client: Client, argv: string[]): void => {
    if (peekValue(client, argv[1]) === undefined) {
      client.writer.integer(-2);
      return;
    }
    const at = client.db.expiryOf(argv[1]);
    if (at === undefined) client.writer.integer(-1);
    else client.writer.integer(milliseconds ? at : Math.floor(at / 1000));
  };
}

function persist(client: Client, argv: string[]): void {
  const db = client.db;
  const removed = db.has(argv[1]) && db.persist(argv[1]);
  client.writer.integer(removed ? 1 : 0);
  if (removed) client.server.propagate(db, argv);
}

/**
 * KEYS. Like Redis, it walks the whole database in one go: the work is what the
 * user asked for. Expired keys are left out but not deleted, as Redis does.
 */
function keys(client: Client, argv: string[]): void {
  const pattern = argv[1];
  // As in Redis, "*" alone takes every key, the empty one too, which globMatch's "*" does not match.
  const all = pattern === "*";
  const db = client.db;
  const volatile = db.expires.size !== 0;
  const now = Date.now();
  const found: string[] = [];
  for (const key of db.data.keys()) {
    if (!all && !globMatch(pattern, key)) continue;
    if (volatile) {
      const at = db.expiryOf(key);
      if (at !== undefined && at < now) continue;
    }
    found.push(key);
  }
  client.writer.bulkArray(found);
}

const MAX_CURSOR = (1n << 64n) - 1n;

/**
 * A SCAN cursor read as Redis reads it, with C's strtoul: an optional sign then
 * decimal digits, up to the first NUL, a negative value wrapping around, and no
 * leading space; null means "invalid cursor". Redis's cursors are unsigned
 * 64-bit and ours, from Dict, 32-bit: in both only the bits below the table size
 * count, so any 64-bit cursor is accepted and its low 32 bits are kept, and the
 * cursors we return always fit in 32 bits.
 */
export function parseCursor(text: string): number | null {
  const nul = text.indexOf("\0");
  const digits = /^([+-]?)(\d*)$/.exec(nul === -1 ? text : text.slice(0, nul));
  if (digits === null) return null;
  // An empty string converts nothing and ends at once, which Redis takes as 0; a lone sign does not end.
  if (digits[2] === "") return digits[1] === "" ? 0 : null;
  const value = BigInt(digits[2]);
  if (value > MAX_CURSOR) return null;
  return Number(BigInt.asUintN(32, digits[1] === "-" ? -value : value));
}

/** The options of SCAN and of HSCAN / SSCAN / ZSCAN. */
export interface ScanOptions {
  count: number;
  /** Absent when there is no filter ("*" alone is none, as in KEYS). */
  pattern?: string;
  /** Lower case; SCAN only. */
  type?: string;
}

/**
 * [MATCH pattern] [COUNT count] from `argv[from]` on, and [TYPE type] when
 * `withType` (SCAN itself), as Redis's scanGenericCommand reads them; FAILED
 * after replying the error.
 */
export function parseScanOptions(
  client: Client,
  argv: string[],
  from: number,
  withType: boolean,
): ScanOptions | typeof FAILED {
  const options: ScanOptions = { count: 10 };
  for (let i = from; i < argv.length; i += 2) {
    const option = argv[i].toLowerCase();
    if (i + 1 === argv.length) {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
    if (option === "count") {
      const n = integerArg(client, argv[i + 1]);
      if (n === FAILED) return FAILED;
      if (n < 1) {
        client.writer.error(SYNTAX_ERROR);
        return FAILED;
      }
      options.count = n;
    } else if (option === "match") {
      options.pattern = argv[i + 1] === "*" ? undefined : argv[i + 1];
    } else if (option === "type" && withType) {
      // Redis compares with strcasecmp, so an unknown type matches nothing and is no error.
      options.type = argv[i + 1].toLowerCase();
    } else {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
  }
  return options;
}

/**
 * Redis's scan loop, shared by SCAN, HSCAN and SSCAN: steps bucket by bucket
 * from `cursor` until `count` entries were visited, the walk ended, or 10 *
 * count buckets were looked at (so sparse tables still answer quickly).
 * Returns the next cursor.
 */
export function scanBatch(
  cursor: number,
  count: number,
  step: (cursor: number) => number,
  visited: () => number,
): number {
  let next = cursor;
  let buckets = count * 10;
  do next = step(next); while (next !== 0 && buckets-- > 0 && visited() < count);
  return next;
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], as Redis's
 * scanGenericCommand: collect the keys of up to 10 * COUNT buckets, stopping
 * once COUNT are found, then filter them. Dict.scan's cursor gives the
 * guarantee (every key present throughout is returned) and bounds the work of
 * a whole iteration to O(n).
 */
function scan(client: Client, argv: string[]): void {
  const cursor = parseCursor(argv[1]);
  if (cursor === null) {
    client.writer.error("ERR invalid cursor");
    return;
  }
  const options = parseScanOptions(client, argv, 2, true);
  if (options === FAILED) return;
  const { count, pattern, type } = options;
  const db = client.db;
  const found: string[] = [];
  const collect = (key: string) => {
    found.push(key);
  };
  const next = scanBatch(cursor, count, (c) => db.data.scan(c, collect), () => found.length);
  const keys: string[] = [];
  for (const key of found) {
    if (pattern !== undefined && !globMatch(pattern, key)) continue;
    // Redis looks each key up for its type, which counts as a keyspace hit or miss.
    if (type !== undefined && typeName(peekValue(client, key)) !== type) continue;
    if (db.expireIfNeeded(key)) continue;
    keys.push(key);
  }
  replyScan(client.writer, next, keys);
}

/** The reply of SCAN, HSCAN and SSCAN: the next cursor and the items found. */
export function replyScan(w: ReplyWriter, cursor: number, items: readonly string[]): void {
  w.array(2);
  w.bulk(String(cursor));
  w.bulkArray(items);
}

function randomkey(client: Client): void {
  client.writer.bulkOrNull(client.db.randomKey());
}

/** RENAME and RENAMENX; the TTL and the access stamp move with the value. */
function renameGeneric(nx: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    const db = client.db;
    const from = argv[1];
    const to = argv[2];
    if (!db.has(from)) {
      w.error("ERR no such key");
      return;
    }
    if (from === to) {
      if (nx) w.integer(0);
      else w.ok();
      return;
    }
    if (db.has(to)) {
      if (nx) {
        w.integer(0);
        return;
      }
      db.delete(to);
    }
    db.transfer(from, db, to);
    if (nx) w.integer(1);
    else w.ok();
    client.server.propagate(db, argv);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "rename_from", from);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "rename_to", to);
  };
}

/** A DB index argument (MOVE, COPY ... DB): the database, or FAILED after Redis's error. */
function databaseArg(client: Client, text: string): Database | typeof FAILED {
  const index = int32Arg(client, text);
  if (index === FAILED) return FAILED;
  const dbs = client.server.keyspace.dbs;
  if (index < 0 || index >= dbs.length) {
    client.writer.error(DB_INDEX_OUT_OF_RANGE);
    return FAILED;
  }
  return dbs[index];
}

function move(client: Client, argv: string[]): void {
  const source = client.db;
  const target = databaseArg(client, argv[2]);
  if (target === FAILED) return;
  if (target === source) {
    client.writer.error(SAME_OBJECT);
    return;
  }
  const key = argv[1];
  if (!source.has(key) || target.has(key)) {
    client.writer.integer(0);
    return;
  }
  source.transfer(key, target, key);
  client.writer.integer(1);
  client.server.propagate(source, argv);
  notifyKeyspaceEvent(client, NOTIFY.GENERIC, "move_from", key);
  notifyKeyspaceEvent(client, NOTIFY.GENERIC, "move_to", key, target);
}

/** COPY source destination [DB index] [REPLACE]: the copy keeps the TTL but is a new value, freshly stamped. */
function copy(client: Client, argv: string[]): void {
  const source = client.db;
  let target = source;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    if (option === "replace") {
      replace = true;
    } else if (option === "db" && j + 1 < argv.length) {
      const db = databaseArg(client, argv[++j]);
      if (db === FAILED) return;
      target = db;
    } else {
      client.writer.error(SYNTAX_ERROR);
      return;
    }
  }
  const from = argv[1];
  const to = argv[2];
  if (source === target && from === to) {
    client.writer.error(SAME_OBJECT);
    return;
  }
  const value = readValue(client, from);
  if (value === undefined) {
    client.writer.integer(0);
    return;
  }
  const at = source.expiryOf(from);
  if (target.has(to)) {
    if (!replace) {
      client.writer.integer(0);
      return;
    }
    target.delete(to);
  }
  target.set(to, copyValue(value));
  if (at !== undefined) target.setExpiry(to, at);
  client.writer.integer(1);
  client.server.propagate(source, argv);
  notifyKeyspaceEvent(client, NOTIFY.GENERIC, "copy_to", to, target);
}

/**
 * SWAPDB: the databases' contents change places, so every client that selected
 * one of them sees the other's keys from its next command on.
 */
function swapdb(client: Client, argv: string[]): void {
  const first = int32Arg(client, argv[1], "ERR invalid first DB index");
  if (first === FAILED) return;
  const second = int32Arg(client, argv[2], "ERR invalid second DB index");
  if (second === FAILED) return;
  const dbs = client.server.keyspace.dbs;
  if (first < 0 || first >= dbs.length || second < 0 || second >= dbs.length) {
    client.writer.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  if (first !== second) dbs[first].swapWith(dbs[second]);
  client.writer.ok();
  client.server.propagate(client.db, argv);
}

/** Redis's OBJ_SHARED_INTEGERS: the values 0 to 9999 are shared objects. */
const SHARED_INTEGERS = 10000;
/** The refcount Redis reports for a shared object (OBJ_SHARED_REFCOUNT, INT_MAX). */
const SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

/**
 * The encoding Redis's tryObjectEncoding gives a string: "int" for what string2l
 * parses (so no leading zero, "+" or space, at most 20 chars), "embstr" up to
 * 44 bytes, "raw" beyond; a RawString is raw whatever its content, like a Redis
 * string modified in place, unless made whole as an embedded string (INCRBYFLOAT).
 */
function stringEncoding(value: StringValue): string {
  if (value instanceof RawString) {
    return value.embedded && value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
  }
  if (parseInteger(value) !== null) return "int";
  return value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

/**
 * Redis shares the objects for 0..9999, unless maxmemory is set with an LRU
 * or LFU policy, which needs a stamp of each key's own.
 */
export function refcount(client: Client, value: RedisValue): number {
  if (typeof value !== "string") return 1;
  const n = parseInteger(value);
  if (n === null || n < 0 || n >= SHARED_INTEGERS) return 1;
  const config = client.server.config;
  const policy = config.getString("maxmemory-policy");
  const sharing = config.getNumber("maxmemory") === 0 || !/-(lru|lfu)$/.test(policy);
  return sharing ? SHARED_REFCOUNT : 1;
}

/**
 * An OBJECT subcommand on a key: looked up as Redis's objectCommandLookup does
 * (a keyspace hit or miss, but not an access), null when missing.
 */
function objectSubcommand(reply: (client: Client, key: string, value: RedisValue) => void) {
  return (client: Client, argv: string[]): void => {
    const value = peekValue(client, argv[2]);
    if (value === undefined) client.writer.null();
    else reply(client, argv[2], value);
  };
}

const LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. " +
  "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. " +
  "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/** OBJECT ENCODING's name for a value's representation. */
export function encodingOf(client: Client, value: RedisValue): string {
  return isString(value) ? stringEncoding(value) : value.encoding(client.server.config);
}

const objectEncoding = objectSubcommand((client, _key, value) =>
  client.writer.bulk(encodingOf(client, value))
);

const objectRefcount = objectSubcommand((client, _key, value) =>
  client.writer.integer(refcount(client, value))
);

const objectIdletime = objectSubcommand((client, key) => {
  if (client.server.keyspace.clock.lfu) client.writer.error(LFU_SELECTED);
  else client.writer.integer(client.db.idleSeconds(key));
});

const objectFreq = objectSubcommand((client, key) => {
  if (client.server.keyspace.clock.lfu) client.writer.integer(client.db.frequency(key));
  else client.writer.error(LFU_NOT_SELECTED);
});

function objectHelp(client: Client): void {
  helpReply(client.writer, "OBJECT", [
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
  ]);
}

const KEYSPACE = { group: "generic", categories: ["keyspace"] };

function expireDefinition(
  name: string,
  seconds: boolean,
  relative: boolean,
  since: string,
  summary: string,
): CommandDefinition {
  return {
    ...KEYSPACE,
    name,
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since,
    summary,
    complexity: "O(1)",
    // All four got the options in 7.0.
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    handler: expireGeneric({ name, seconds, relative }),
  };
}

function readTimeDefinition(
  name: string,
  since: string,
  summary: string,
  handler: (client: Client, argv: string[]) => void,
): CommandDefinition {
  return {
    ...KEYSPACE,
    name,
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since,
    summary,
    complexity: "O(1)",
    tips: name.endsWith("ttl") ? ["nondeterministic_output"] : [],
    history: name.endsWith("ttl") ? [["2.8.0", "Added the -2 reply."]] : undefined,
    handler,
  };
}

function objectKeyDefinition(
  name: string,
  since: string,
  summary: string,
  handler: (client: Client, argv: string[]) => void,
): CommandDefinition {
  return {
    ...KEYSPACE,
    name,
    arity: 3,
    flags: ["readonly"],
    keys: [2, 2, 1],
    tips: ["nondeterministic_output"],
    since,
    summary,
    complexity: "O(1)",
    handler,
  };
}

export const keyCommands: CommandDefinition[] = [
  {
    ...KEYSPACE,
    name: "del",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    arity: -2,
    flags: ["write"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Delete a key",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    handler: del,
  },
  {
    ...KEYSPACE,
    name: "unlink",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, -1, 1],
    since: "4.0.0",
    summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    handler: del,
  },
  {
    ...KEYSPACE,
    name: "exists",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Determine if a key exists",
    complexity: "O(N) where N is the number of keys to check.",
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    handler: countExisting(peekValue),
  },
  {
    ...KEYSPACE,
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Determine the type stored at key",
    complexity: "O(1)",
    handler: type,
  },
  expireDefinition("expire", true, true, "1.0.0", "Set a key's time to live in seconds"),
  expireDefinition("pexpire", false, true, "2.6.0", "Set a key's time to live in milliseconds"),
  expireDefinition(
    "expireat",
    true,
    false,
    "1.2.0",
    "Set the expiration for a key as a UNIX timestamp",
  ),
  expireDefinition(
    "pexpireat",
    false,
    false,
    "2.6.0",
    "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
  ),
  readTimeDefinition("ttl", "1.0.0", "Get the time to live for a key in seconds", ttlGeneric(false)),
  readTimeDefinition(
    "pttl",
    "2.6.0",
    "Get the time to live for a key in milliseconds",
    ttlGeneric(true),
  ),
  readTimeDefinition(
    "expiretime",
    "7.0.0",
    "Get the expiration Unix timestamp for a key",
    expiretimeGeneric(false),
  ),
  readTimeDefinition(
    "pexpiretime",
    "7.0.0",
    "Get the expiration Unix timestamp for a key in milliseconds",
    expiretimeGeneric(true),
  ),
  {
    ...KEYSPACE,
    name: "persist",
    notify: [NOTIFY.GENERIC],
    arity: 2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Remove the expiration from a key",
    complexity: "O(1)",
    handler: persist,
  },
  {
    ...KEYSPACE,
    name: "keys",
    categories: ["keyspace", "dangerous"],
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    arity: 2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Find all keys matching the given pattern",
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    handler: keys,
  },
  {
    ...KEYSPACE,
    name: "scan",
    tips: ["nondeterministic_output", "request_policy:special"],
    arity: -2,
    flags: ["readonly"],
    since: "2.8.0",
    summary: "Incrementally iterate the keys space",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    handler: scan,
  },
  {
    ...KEYSPACE,
    name: "randomkey",
    tips: ["request_policy:all_shards", "nondeterministic_output"],
    arity: 1,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Return a random key from the keyspace",
    complexity: "O(1)",
    handler: randomkey,
  },
  {
    ...KEYSPACE,
    name: "rename",
    arity: 3,
    flags: ["write"],
    keys: [1, 2, 1],
    since: "1.0.0",
    summary: "Rename a key",
    complexity: "O(1)",
    handler: renameGeneric(false),
  },
  {
    ...KEYSPACE,
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    keys: [1, 2, 1],
    since: "1.0.0",
    summary: "Rename a key, only if the new key does not exist",
    complexity: "O(1)",
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
    handler: renameGeneric(true),
  },
  {
    ...KEYSPACE,
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    since: "6.2.0",
    summary: "Copy a key",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    handler: copy,
  },
  {
    ...KEYSPACE,
    name: "move",
    arity: 3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Move a key to another database",
    complexity: "O(1)",
    handler: move,
  },
  {
    name: "swapdb",
    group: "server",
    categories: ["keyspace", "dangerous"],
    arity: 3,
    flags: ["write", "fast"],
    since: "4.0.0",
    summary: "Swaps two Redis databases",
    complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    handler: swapdb,
  },
  {
    ...KEYSPACE,
    name: "touch",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [1, -1, 1],
    since: "3.2.1",
    summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    handler: countExisting(readValue),
  },
  {
    name: "object",
    group: "generic",
    arity: -2,
    since: "2.2.3",
    summary: "A container for object introspection commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      objectKeyDefinition(
        "encoding",
        "2.2.3",
        "Inspect the internal encoding of a Redis object",
        objectEncoding,
      ),
      objectKeyDefinition(
        "freq",
        "4.0.0",
        "Get the logarithmic access frequency counter of a Redis object",
        objectFreq,
      ),
      objectKeyDefinition(
        "idletime",
        "2.2.3",
        "Get the time since a Redis object was last accessed",
        objectIdletime,
      ),
      objectKeyDefinition(
        "refcount",
        "2.2.3",
        "Get the number of references to the value of the key",
        objectRefcount,
      ),
      {
        ...KEYSPACE,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: objectHelp,
      },
    ],
  },
];
