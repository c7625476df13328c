/**
 * Hash commands (Redis's t_hash.c): HSET, HSETNX, HMSET, HGET, HMGET, HDEL,
 * HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT,
 * HRANDFIELD and HSCAN.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { HashValue } from "../store/hash.ts";
import { globMatch } from "../util/glob.ts";
import {
  addLongDouble,
  formatLongDouble,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
  plainDecimalSum,
} from "../util/long_double.ts";
import { addInt64, NOT_PLAIN, parseInt64, parseInteger, scanPlainDecimal } from "../util/numbers.ts";
import { FAILED, integerArg, randomCountArgs, readTyped, writeTyped } from "./access.ts";
import { arityError } from "./errors.ts";
import { parseCursor, parseScanOptions, replyScan, scanBatch } from "./keys.ts";
import type { CommandDefinition } from "./table.ts";
import { NOTIFY } from "../config.ts";

/**
 * A new hash stored at `key`, for a command about to write a field into it
 * (a key never holds an empty hash).
 */
function createHash(client: Client, key: string): HashValue {
  const hash = new HashValue();
  client.db.set(key, hash);
  return hash;
}

/** HSET and HMSET, which differ only in their reply. */
function setFields(countReply: boolean) {
  return (client: Client, argv: string[]): void => {
    if (argv.length % 2 === 1) {
      client.writer.error(arityError(argv[0].toLowerCase()));
      return;
    }
    const found = writeTyped(client, argv[1], HashValue);
    if (found === FAILED) return;
    const hash = found ?? createHash(client, argv[1]);
    const config = client.server.config;
    let created = 0;
    for (let i = 2; i < argv.length; i += 2) {
      if (hash.set(argv[i], argv[i + 1], config)) created++;
    }
    if (countReply) client.writer.integer(created);
    else client.writer.ok();
    // Even a value rewritten unchanged is a write for Redis (it counts as dirty and propagates).
    client.server.propagate(client.db, argv);
  };
}

function hsetnx(client: Client, argv: string[]): void {
  const found = writeTyped(client, argv[1], HashValue);
  if (found === FAILED) return;
  if (found?.has(argv[2])) {
    client.writer.integer(0);
    return;
  }
  (found ?? createHash(client, argv[1])).set(argv[2], argv[3], client.server.config);
  client.writer.integer(1);
  client.server.propagate(client.db, argv);
}

function hget(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1], HashValue);
  if (hash !== FAILED) client.writer.bulkOrNull(hash?.get(argv[2]));
}

function hmget(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1], HashValue);
  if (hash === FAILED) return;
  const w = client.writer;
  w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) w.bulkOrNull(hash?.get(argv[i]));
}

function hdel(client: Client, argv: string[]): void {
  const key = argv[1];
  const hash = writeTyped(client, key, HashValue);
  if (hash === FAILED) return;
  let deleted = 0;
  if (hash !== undefined) {
    for (let i = 2; i < argv.length; i++) {
      if (!hash.delete(argv[i])) continue;
      deleted++;
      if (hash.size === 0) {
        client.db.delete(key);
        break;
      }
    }
  }
  client.writer.integer(deleted);
  if (deleted > 0) client.server.propagate(client.db, argv);
}

function hlen(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1], HashValue);
  if (hash !== FAILED) client.writer.integer(hash?.size ?? 0);
}

function hstrlen(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1], HashValue);
  if (hash !== FAILED) client.writer.integer(hash?.get(argv[2])?.length ?? 0);
}

function hexists(client: Client, argv: string[]): void {
  const hash = readTyped(client, argv[1], HashValue);
  if (hash !== FAILED) client.writer.integer(hash?.has(argv[2]) ? 1 : 0);
}

/** HKEYS, HVALS and HGETALL (a map in RESP3, as is the empty reply for a missing key). */
function getAll(keys: boolean, values: boolean) {
  return (client: Client, argv: string[]): void => {
    const hash = readTyped(client, argv[1], HashValue);
    if (hash === FAILED) return;
    const w = client.writer;
    const size = hash?.size ?? 0;
    if (keys && values) w.map(size);
    else w.array(size);
    if (hash === undefined) return;
    hash.forEach((field, value) => {
      if (keys) w.bulk(field);
      if (values) w.bulk(value);
    });
  };
}

/** HINCRBY: exact int64 arithmetic; the field keeps decimal text. */
function hincrby(client: Client, argv: string[]): void {
  const increment = integerArg(client, argv[3]);
  if (increment === FAILED) return;
  const key = argv[1];
  const field = argv[2];
  const found = writeTyped(client, key, HashValue);
  if (found === FAILED) return;
  const old = found?.get(field) ?? "0";
  if (parseInteger(old) === null) {
    client.writer.error("ERR hash value is not an integer");
    return;
  }
  const result = addInt64(old, Number.isSafeInteger(increment) ? increment : parseInt64(argv[3])!);
  if (result === null) {
    client.writer.error("ERR increment or decrement would overflow");
    return;
  }
  (found ?? createHash(client, key)).set(field, String(result), client.server.config);
  client.writer.integer(result);
  client.server.propagate(client.db, argv);
}

/**
 * HINCRBYFLOAT in C long double precision, as INCRBYFLOAT. Propagated as HSET
 * of the result, so that replicas and the AOF store the very text this reply
 * showed.
 */
function hincrbyfloat(client: Client, argv: string[]): void {
  // A plain decimal is a valid, finite increment: the checks are for other texts (before the key's type).
  const plain = scanPlainDecimal(argv[3]) !== NOT_PLAIN;
  const increment = plain ? null : parseLongDouble(argv[3]);
  if (!plain && increment === null) {
    client.writer.error("ERR value is not a valid float");
    return;
  }
  if (increment !== null && increment.kind !== "finite") {
    client.writer.error("ERR value is NaN or Infinity");
    return;
  }
  const key = argv[1];
  const field = argv[2];
  const found = writeTyped(client, key, HashValue);
  if (found === FAILED) return;
  const old = found?.get(field);
  let text = plainDecimalSum(old ?? "0", argv[3]);
  if (text === null) {
    const value = old === undefined ? LONG_DOUBLE_ZERO : parseLongDouble(old);
    if (value === null) {
      client.writer.error("ERR hash value is not a float");
      return;
    }
    const sum = addLongDouble(value, increment ?? parseLongDouble(argv[3])!);
    if (sum.kind !== "finite") {
      client.writer.error("ERR increment would produce NaN or Infinity");
      return;
    }
    text = formatLongDouble(sum);
  }
  (found ?? createHash(client, key)).set(field, text, client.server.config);
  client.writer.bulk(text);
  client.server.propagate(client.db, ["HSET", key, field, text]);
}

/**
 * HRANDFIELD key [count [WITHVALUES]]. A negative count allows repeats and
 * returns exactly -count fields; a positive one returns distinct fields, the
 * whole hash when it asks for as many as there are. With WITHVALUES, RESP3
 * pairs each field with its value in an array of two, RESP2 flattens them.
 */
function hrandfield(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length === 2) {
    const hash = readTyped(client, argv[1], HashValue);
    if (hash !== FAILED) w.bulkOrNull(hash?.randomField());
    return;
  }
  const args = randomCountArgs(client, argv, "withvalues");
  if (args === FAILED) return;
  const { count, withOption: withValues } = args;
  const hash = readTyped(client, argv[1], HashValue);
  if (hash === FAILED) return;
  if (hash === undefined || count === 0) {
    w.array(0);
    return;
  }
  const pairs = withValues && w.protocol === 3;
  const reply = (field: string, value: string) => {
    if (pairs) w.array(2);
    w.bulk(field);
    if (withValues) w.bulk(value);
  };
  const replyLength = (n: number) => w.array(withValues && !pairs ? n * 2 : n);
  if (count < 0) {
    replyLength(-count);
    hash.randomFields(-count, reply);
  } else if (count >= hash.size) {
    replyLength(hash.size);
    for (const [field, value] of hash.entries()) reply(field, value);
  } else {
    replyLength(count);
    for (const field of hash.distinctRandomFields(count)) reply(field, hash.get(field)!);
  }
}

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count], as Redis's
 * scanGenericCommand: a listpack comes back whole with cursor 0; a hashtable
 * is walked bucket by bucket (up to 10 * COUNT of them) until COUNT fields are
 * found. MATCH filters fields after collection, dropping each one's value with it.
 */
function hscan(client: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) {
    client.writer.error("ERR invalid cursor");
    return;
  }
  const w = client.writer;
  const hash = readTyped(client, argv[1], HashValue);
  if (hash === FAILED) return;
  if (hash === undefined) {
    // Redis answers a missing key before it reads the options, so bad ones go unnoticed.
    replyScan(w, 0, []);
    return;
  }
  const options = parseScanOptions(client, argv, 3, false);
  if (options === FAILED) return;
  const { count, pattern } = options;
  const items: string[] = [];
  let found = 0;
  const collect = (field: string, value: string) => {
    found++;
    if (pattern === undefined || globMatch(pattern, field)) items.push(field, value);
  };
  const next = scanBatch(cursor, count, (c) => hash.scan(c, collect), () => found);
  replyScan(w, next, items);
}

const HASH = { group: "hash", categories: ["hash"], keys: [1, 1, 1] as [number, number, number] };

export const hashCommands: CommandDefinition[] = [
  {
    ...HASH,
    name: "hset",
    memberArg: 2,
    notify: [NOTIFY.HASH],
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Set the string value of a hash field",
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    handler: setFields(true),
  },
  {
    ...HASH,
    name: "hsetnx",
    memberArg: 2,
    notify: [NOTIFY.HASH, "hset"],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Set the value of a hash field, only if the field does not exist",
    complexity: "O(1)",
    handler: hsetnx,
  },
  {
    ...HASH,
    name: "hmset",
    memberArg: 2,
    notify: [NOTIFY.HASH, "hset"],
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Set multiple hash fields to multiple values",
    complexity: "O(N) where N is the number of fields being set.",
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    handler: setFields(false),
  },
  {
    ...HASH,
    name: "hget",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Get the value of a hash field",
    complexity: "O(1)",
    handler: hget,
  },
  {
    ...HASH,
    name: "hmget",
    memberArg: 2,
    arity: -3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Get the values of all the given hash fields",
    complexity: "O(N) where N is the number of fields being requested.",
    handler: hmget,
  },
  {
    ...HASH,
    name: "hdel",
    memberArg: 2,
    notify: [NOTIFY.HASH],
    arity: -3,
    flags: ["write", "fast"],
    since: "2.0.0",
    summary: "Delete one or more hash fields",
    complexity: "O(N) where N is the number of fields to be removed.",
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    handler: hdel,
  },
  {
    ...HASH,
    name: "hlen",
    arity: 2,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Get the number of fields in a hash",
    complexity: "O(1)",
    handler: hlen,
  },
  {
    ...HASH,
    name: "hstrlen",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    since: "3.2.0",
    summary: "Get the length of the value of a hash field",
    complexity: "O(1)",
    handler: hstrlen,
  },
  {
    ...HASH,
    name: "hexists",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Determine if a hash field exists",
    complexity: "O(1)",
    handler: hexists,
  },
  {
    ...HASH,
    name: "hkeys",
    arity: 2,
    flags: ["readonly"],
    tips: ["nondeterministic_output_order"],
    since: "2.0.0",
    summary: "Get all the fields in a hash",
    complexity: "O(N) where N is the size of the hash.",
    handler: getAll(true, false),
  },
  {
    ...HASH,
    name: "hvals",
    arity: 2,
    flags: ["readonly"],
    tips: ["nondeterministic_output_order"],
    since: "2.0.0",
    summary: "Get all the values in a hash",
    complexity: "O(N) where N is the size of the hash.",
    handler: getAll(false, true),
  },
  {
    ...HASH,
    name: "hgetall",
    arity: 2,
    flags: ["readonly"],
    tips: ["nondeterministic_output_order"],
    since: "2.0.0",
    summary: "Get all the fields and values in a hash",
    complexity: "O(N) where N is the size of the hash.",
    handler: getAll(true, true),
  },
  {
    ...HASH,
    name: "hincrby",
    memberArg: 2,
    notify: [NOTIFY.HASH],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Increment the integer value of a hash field by the given number",
    complexity: "O(1)",
    handler: hincrby,
  },
  {
    ...HASH,
    name: "hincrbyfloat",
    memberArg: 2,
    notify: [NOTIFY.HASH],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.6.0",
    summary: "Increment the float value of a hash field by the given amount",
    complexity: "O(1)",
    handler: hincrbyfloat,
  },
  {
    ...HASH,
    name: "hrandfield",
    arity: -2,
    flags: ["readonly"],
    tips: ["nondeterministic_output"],
    since: "6.2.0",
    summary: "Get one or multiple random fields from a hash",
    complexity: "O(N) where N is the number of fields returned",
    handler: hrandfield,
  },
  {
    ...HASH,
    name: "hscan",
    arity: -3,
    flags: ["readonly"],
    tips: ["nondeterministic_output"],
    since: "2.8.0",
    summary: "Incrementally iterate hash fields and associated values",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    handler: hscan,
  },
];
