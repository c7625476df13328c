/**
 * String commands (Redis's t_string.c): SET and its relatives, GET, GETDEL,
 * GETEX, GETSET, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE, SETRANGE, the
 * INCR family, INCRBYFLOAT and LCS.
 *
 * @module
 */
import type { ReplyWriter } from "../resp/writer.ts";
import type { Client } from "../server/client.ts";
import { embeddedString, stringLength, type StringValue, toBinary, toRaw } from "../store/raw_string.ts";
import {
  addLongDouble,
  formatLongDouble,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
  plainDecimalSum,
} from "../util/long_double.ts";
import { addInt64, expireMilliseconds, INT64_MIN, parseInt64, parseInteger } from "../util/numbers.ts";
import { FAILED, integerArg, isString, readString, readValue, replyString, writeString } from "./access.ts";
import { arityError, invalidExpireError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";

type ExpiryUnit = "EX" | "PX" | "EXAT" | "PXAT";

interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expiry?: { unit: ExpiryUnit; text: string };
}

/**
 * Parses SET's (from argv[3]) or GETEX's (from argv[2]) options with Redis's
 * parseExtendedStringArgumentsOrReply rules: which options combine, and that a
 * repeated compatible option is allowed (the last one wins).
 */
function parseSetOptions(
  client: Client,
  argv: string[],
  forSet: boolean,
): SetOptions | typeof FAILED {
  const options: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false };
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const option = argv[j].toUpperCase();
    const hasNext = j + 1 < argv.length;
    const unit = options.expiry?.unit;
    if (option === "NX" && forSet && !options.xx) {
      options.nx = true;
    } else if (option === "XX" && forSet && !options.nx) {
      options.xx = true;
    } else if (option === "GET" && forSet) {
      options.get = true;
    } else if (option === "KEEPTTL" && forSet && unit === undefined) {
      options.keepTtl = true;
    } else if (option === "PERSIST" && !forSet && unit === undefined) {
      options.persist = true;
    } else if (
      (option === "EX" || option === "PX" || option === "EXAT" || option === "PXAT") &&
      !options.keepTtl && !options.persist && (unit === undefined || unit === option) && hasNext
    ) {
      options.expiry = { unit: option, text: argv[++j] };
    } else {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
  }
  return options;
}

/**
 * Converts an expiry argument to an absolute unix time in ms, refusing what Redis
 * refuses: non-integers, zero or negative values and overflow past int64.
 */
function absoluteExpiry(
  client: Client,
  unit: ExpiryUnit,
  text: string,
  commandName: string,
): number | typeof FAILED {
  const value = parseInteger(text);
  if (value === null) {
    client.writer.error(NOT_INTEGER);
    return FAILED;
  }
  const ms = value <= 0 ? null : expireMilliseconds(
    value,
    text,
    unit === "EX" || unit === "EXAT",
    unit === "EX" || unit === "PX" ? Date.now() : 0,
  );
  if (ms === null) {
    client.writer.error(invalidExpireError(commandName));
    return FAILED;
  }
  return ms;
}

/**
 * The heart of SET, SETNX, SETEX and PSETEX. Replies and propagates; an expiry is
 * propagated as an absolute PXAT so replicas and the AOF agree (DESIGN.md §6).
 */
function setGeneric(
  client: Client,
  commandName: string,
  key: string,
  value: string,
  options: SetOptions,
): void {
  const w = client.writer;
  let expireAt: number | undefined;
  if (options.expiry) {
    const at = absoluteExpiry(client, options.expiry.unit, options.expiry.text, commandName);
    if (at === FAILED) return;
    expireAt = at;
  }
  const db = client.db;
  if (options.get) {
    const old = readString(client, key);
    if (old === FAILED) return;
    replyString(w, old);
  }
  if (options.nx || options.xx) {
    const found = db.has(key);
    if ((options.nx && found) || (options.xx && !found)) {
      if (!options.get) w.null();
      return;
    }
  }
  if (options.keepTtl) db.overwrite(key, value);
  else db.set(key, value);
  if (expireAt !== undefined) db.setExpiry(key, expireAt);
  if (!options.get) w.ok();
  client.server.propagate(
    db,
    expireAt === undefined
      ? options.keepTtl ? ["SET", key, value, "KEEPTTL"] : ["SET", key, value]
      : ["SET", key, value, "PXAT", String(expireAt)],
  );
  if (expireAt !== undefined) notifyKeyspaceEvent(client, NOTIFY.GENERIC, "expire", key);
}

function set(client: Client, argv: string[]): void {
  if (argv.length === 3) {
    // The plain form, most of all traffic: no option parsing, nothing to rewrite.
    client.db.set(argv[1], argv[2]);
    client.writer.ok();
    client.server.propagate(client.db, argv);
    return;
  }
  const options = parseSetOptions(client, argv, true);
  if (options === FAILED) return;
  setGeneric(client, "set", argv[1], argv[2], options);
}

function setnx(client: Client, argv: string[]): void {
  const db = client.db;
  if (db.has(argv[1])) {
    client.writer.integer(0);
    return;
  }
  db.set(argv[1], argv[2]);
  client.writer.integer(1);
  client.server.propagate(db, ["SET", argv[1], argv[2]]);
}

function setexGeneric(unit: ExpiryUnit, name: string) {
  return (client: Client, argv: string[]): void => {
    setGeneric(client, name, argv[1], argv[3], {
      nx: false,
      xx: false,
      get: false,
      keepTtl: false,
      persist: false,
      expiry: { unit, text: argv[2] },
    });
  };
}

function get(client: Client, argv: string[]): void {
  const value = readString(client, argv[1]);
  if (value !== FAILED) replyString(client.writer, value);
}

function getdel(client: Client, argv: string[]): void {
  const value = readString(client, argv[1]);
  if (value === FAILED) return;
  replyString(client.writer, value);
  if (value !== undefined) {
    client.db.delete(argv[1]);
    client.server.propagate(client.db, ["DEL", argv[1]]);
  }
}

function getex(client: Client, argv: string[]): void {
  const options = parseSetOptions(client, argv, false);
  if (options === FAILED) return;
  const key = argv[1];
  // As Redis's getexCommand: a missing key or a type clash is answered before the time is checked.
  const value = readString(client, key);
  if (value === FAILED) return;
  if (value === undefined) {
    client.writer.null();
    return;
  }
  let expireAt: number | undefined;
  if (options.expiry) {
    const at = absoluteExpiry(client, options.expiry.unit, options.expiry.text, "getex");
    if (at === FAILED) return;
    expireAt = at;
  }
  replyString(client.writer, value);
  const db = client.db;
  if (expireAt !== undefined && expireAt <= Date.now()) {
    db.delete(key);
    client.server.propagate(db, ["DEL", key]);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", key);
  } else if (expireAt !== undefined) {
    db.setExpiry(key, expireAt);
    client.server.propagate(db, ["PEXPIREAT", key, String(expireAt)]);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "expire", key);
  } else if (options.persist && db.persist(key)) {
    client.server.propagate(db, ["PERSIST", key]);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "persist", key);
  }
}

function mget(client: Client, argv: string[]): void {
  const w = client.writer;
  w.array(argv.length - 1);
  client.db.warmKeys(1, 1, true);
  for (let i = 1; i < argv.length; i++) {
    client.db.primeWarmedKey(argv, i);
    const value = readValue(client, argv[i]);
    // MGET never fails on a type clash: another type reads as null.
    replyString(w, value !== undefined && isString(value) ? value : null);
  }
}

/** MSET and MSETNX, which sets nothing (and replies 0) if any of the keys exists. */
function msetGeneric(nx: boolean) {
  return (client: Client, argv: string[]): void => {
    if (argv.length % 2 === 0) {
      client.writer.error(arityError(argv[0].toLowerCase()));
      return;
    }
    const db = client.db;
    db.warmKeys(1, 2, false);
    if (nx) {
      for (let i = 1; i < argv.length; i += 2) {
        db.primeWarmedKey(argv, i);
        if (db.has(argv[i])) {
          client.writer.integer(0);
          return;
        }
      }
    }
    // Each key's `set` follows its own `new`, as in Redis, so not the table's events after all of them.
    for (let i = 1; i < argv.length; i += 2) {
      db.primeWarmedKey(argv, i);
      db.set(argv[i], argv[i + 1]);
      notifyKeyspaceEvent(client, NOTIFY.STRING, "set", argv[i]);
    }
    if (nx) client.writer.integer(1);
    else client.writer.ok();
    client.server.propagate(db, argv);
  };
}

function getset(client: Client, argv: string[]): void {
  const old = readString(client, argv[1]);
  if (old === FAILED) return;
  replyString(client.writer, old);
  client.db.set(argv[1], argv[2]);
  client.server.propagate(client.db, ["SET", argv[1], argv[2]]);
}

/** Stores a command's new value: a new key has no TTL, an existing one keeps its own. */
function store(client: Client, key: string, existed: boolean, value: StringValue): void {
  if (existed) client.db.overwrite(key, value);
  else client.db.set(key, value);
}

/**
 * Redis's checkStringLength: a string may not grow past proto-max-bulk-len,
 * whatever the reply or query limits would allow.
 */
function checkStringLength(client: Client, size: number, added: number): boolean {
  if (size + added <= client.server.config.getNumber("proto-max-bulk-len")) return true;
  client.writer.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  return false;
}

function append(client: Client, argv: string[]): void {
  const [, key, suffix] = argv;
  const old = writeString(client, key);
  if (old === FAILED) return;
  let length = suffix.length;
  if (old === undefined) {
    client.db.set(key, suffix);
  } else {
    if (!checkStringLength(client, stringLength(old), suffix.length)) return;
    // In place, with spare room, so that a run of APPENDs costs what it appends.
    const raw = toRaw(old);
    raw.append(suffix);
    if (raw !== old) client.db.overwrite(key, raw);
    length = raw.length;
  }
  client.writer.integer(length);
  client.server.propagate(client.db, argv);
}

function setrange(client: Client, argv: string[]): void {
  const [, key, , value] = argv;
  const offset = integerArg(client, argv[2]);
  if (offset === FAILED) return;
  if (offset < 0) {
    client.writer.error("ERR offset is out of range");
    return;
  }
  const old = writeString(client, key);
  if (old === FAILED) return;
  if (value.length === 0) {
    client.writer.integer(old === undefined ? 0 : stringLength(old));
    return;
  }
  if (!checkStringLength(client, offset, value.length)) return;
  const raw = toRaw(old);
  raw.write(offset, value);
  if (raw !== old) store(client, key, old !== undefined, raw);
  client.writer.integer(raw.length);
  client.server.propagate(client.db, argv);
}

function strlen(client: Client, argv: string[]): void {
  const value = readString(client, argv[1]);
  if (value !== FAILED) client.writer.integer(value === undefined ? 0 : stringLength(value));
}

/**
 * An int64 argument: a Number while that is exact, a BigInt beyond 2^53 (they
 * compare with each other exactly). FAILED after replying "not an integer".
 */
function int64Arg(client: Client, text: string): number | bigint | typeof FAILED {
  const value = integerArg(client, text);
  if (value === FAILED || Number.isSafeInteger(value)) return value;
  return parseInt64(text)!;
}

/** Bytes [start, end) of a string value as a bulk reply. */
function replyRange(w: ReplyWriter, value: StringValue, start: number, end: number): void {
  if (typeof value === "string") w.bulk(value.slice(start, end));
  else w.bulkBytes(value.bytes.subarray(start, end));
}

/** GETRANGE and SUBSTR: inclusive offsets, negative ones counting from the end. */
function getrange(client: Client, argv: string[]): void {
  const start = int64Arg(client, argv[2]);
  if (start === FAILED) return;
  const end = int64Arg(client, argv[3]);
  if (end === FAILED) return;
  const value = readString(client, argv[1]);
  if (value === FAILED) return;
  const w = client.writer;
  if (value === undefined || (start < 0 && end < 0 && start > end)) {
    w.bulk("");
    return;
  }
  const length = stringLength(value);
  const from = Math.max(start < 0 ? length + Number(start) : Number(start), 0);
  const to = Math.min(Math.max(end < 0 ? length + Number(end) : Number(end), 0), length - 1);
  if (from > to) w.bulk("");
  else replyRange(w, value, from, to + 1);
}

/**
 * A value's text to parse as a number, "0" for a missing key. Text longer than
 * `maxLength` cannot be a number: it comes back as "" (not one either) rather
 * than being copied out of what may be a big RawString.
 */
function numberText(value: StringValue | undefined, maxLength: number): string {
  if (value === undefined) return "0";
  return stringLength(value) > maxLength ? "" : toBinary(value);
}

/** INCR, DECR, INCRBY and DECRBY: exact int64 arithmetic, the stored value stays decimal text. */
function incrDecr(client: Client, argv: string[], increment: number | bigint): void {
  const key = argv[1];
  const old = writeString(client, key);
  if (old === FAILED) return;
  const text = numberText(old, 20);
  const value = parseInteger(text);
  if (value === null) {
    client.writer.error(NOT_INTEGER);
    return;
  }
  const result = addInt64(text, increment);
  if (result === null) {
    client.writer.error("ERR increment or decrement would overflow");
    return;
  }
  store(client, key, old !== undefined, String(result));
  client.writer.integer(result);
  client.server.propagate(client.db, argv);
}

function incrby(client: Client, argv: string[]): void {
  const increment = int64Arg(client, argv[2]);
  if (increment !== FAILED) incrDecr(client, argv, increment);
}

function decrby(client: Client, argv: string[]): void {
  const decrement = int64Arg(client, argv[2]);
  if (decrement === FAILED) return;
  if (decrement === INT64_MIN) {
    // Its negation is not an int64.
    client.writer.error("ERR decrement would overflow");
    return;
  }
  incrDecr(client, argv, -decrement);
}

/** Redis's MAX_LONG_DOUBLE_CHARS: no longer text parses as a float. */
const MAX_FLOAT_TEXT = 5 * 1024;

/**
 * INCRBYFLOAT in C long double precision (lib/util/long_double.ts). Propagated
 * as SET ... KEEPTTL of the result, so that replicas and the AOF store the very
 * text this reply showed.
 */
function incrbyfloat(client: Client, argv: string[]): void {
  const key = argv[1];
  const old = writeString(client, key);
  if (old === FAILED) return;
  const oldText = numberText(old, MAX_FLOAT_TEXT);
  let text = plainDecimalSum(oldText, argv[2]);
  if (text === null) {
    const value = old === undefined ? LONG_DOUBLE_ZERO : parseLongDouble(oldText);
    const increment = value && parseLongDouble(argv[2]);
    if (!increment) {
      client.writer.error("ERR value is not a valid float");
      return;
    }
    const sum = addLongDouble(value, increment);
    if (sum.kind !== "finite") {
      client.writer.error("ERR increment would produce NaN or Infinity");
      return;
    }
    text = formatLongDouble(sum);
  }
  // Digits stay a string object in Redis (no int encoding here), which OBJECT ENCODING shows.
  store(client, key, old !== undefined, parseInteger(text) === null ? text : embeddedString(text));
  client.writer.bulk(text);
  client.server.propagate(client.db, ["SET", key, text, "KEEPTTL"]);
}

interface LcsOptions {
  idx: boolean;
  len: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseLcsOptions(client: Client, argv: string[]): LcsOptions | typeof FAILED {
  const options: LcsOptions = { idx: false, len: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j].toUpperCase();
    if (option === "IDX") {
      options.idx = true;
    } else if (option === "LEN") {
      options.len = true;
    } else if (option === "WITHMATCHLEN") {
      options.withMatchLen = true;
    } else if (option === "MINMATCHLEN" && j + 1 < argv.length) {
      const min = integerArg(client, argv[++j]);
      if (min === FAILED) return FAILED;
      options.minMatchLen = Math.max(min, 0);
    } else {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
  }
  if (options.idx && options.len) {
    client.writer.error("ERR If you want both the length and indexes, please just use IDX.");
    return FAILED;
  }
  return options;
}

/**
 * LCS(a[0..i), b[0..j)) for every i, j, in a row-major (a.length+1) x
 * (b.length+1) table, or FAILED after replying when Redis would refuse the
 * memory.
 */
function lcsTable(client: Client, a: string, b: string): Uint32Array | typeof FAILED {
  const width = b.length + 1;
  const cells = (a.length + 1) * width;
  if (cells * 4 > client.server.config.getNumber("proto-max-bulk-len")) {
    client.writer.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return FAILED;
  }
  let table: Uint32Array;
  try {
    table = new Uint32Array(cells);
  } catch {
    client.writer.error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return FAILED;
  }
  for (let i = 1; i <= a.length; i++) {
    const c = a.charCodeAt(i - 1);
    const row = i * width;
    const above = row - width;
    for (let j = 1; j <= b.length; j++) {
      table[row + j] = c === b.charCodeAt(j - 1)
        ? table[above + j - 1] + 1
        : Math.max(table[above + j], table[row + j - 1]);
    }
  }
  return table;
}

/**
 * LCS [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], walking the table back from
 * the end as Redis's lcsCommand does, so that ties pick the same subsequence and
 * the matches come in the same order (last first).
 */
function lcs(client: Client, argv: string[]): void {
  const w = client.writer;
  const first = readValue(client, argv[1]);
  const second = readValue(client, argv[2]);
  if ((first !== undefined && !isString(first)) || (second !== undefined && !isString(second))) {
    w.error("ERR The specified keys must contain string values");
    return;
  }
  const options = parseLcsOptions(client, argv);
  if (options === FAILED) return;
  const a = first === undefined ? "" : toBinary(first);
  const b = second === undefined ? "" : toBinary(second);
  const table = lcsTable(client, a, b);
  if (table === FAILED) return;
  const width = b.length + 1;
  const total = table[a.length * width + b.length];
  if (options.len) {
    w.integer(total);
    return;
  }
  const common = new Uint8Array(total);
  // Each match: a start, a end, b start, b end (inclusive).
  const matches: [number, number, number, number][] = [];
  let match: [number, number, number, number] | undefined;
  let k = total;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let ended: boolean;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      common[--k] = a.charCodeAt(i - 1);
      // A match in progress always ends at the previous step: it grows backwards.
      if (match) {
        match[0]--;
        match[2]--;
      } else {
        match = [i - 1, i - 1, j - 1, j - 1];
      }
      ended = i === 1 || j === 1;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      ended = true;
    }
    if (ended && match) {
      const length = match[1] - match[0] + 1;
      if (options.minMatchLen === 0 || length >= options.minMatchLen) matches.push(match);
      match = undefined;
    }
  }
  if (!options.idx) {
    w.bulkBytes(common);
    return;
  }
  w.map(2);
  w.bulk("matches");
  w.array(matches.length);
  for (const [aStart, aEnd, bStart, bEnd] of matches) {
    w.array(options.withMatchLen ? 3 : 2);
    w.array(2);
    w.integer(aStart);
    w.integer(aEnd);
    w.array(2);
    w.integer(bStart);
    w.integer(bEnd);
    if (options.withMatchLen) w.integer(aEnd - aStart + 1);
  }
  w.bulk("len");
  w.integer(total);
}

const STRING = { group: "string", categories: ["string"] };

const GETRANGE = {
  ...STRING,
  arity: 4,
  flags: ["readonly"],
  keys: [1, 1, 1],
  summary: "Get a substring of the string stored at a key",
  complexity:
    "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
  handler: getrange,
} satisfies Partial<CommandDefinition>;

/** The INCR family: same flags and keys, arity 3 unless overridden. */
const COUNTER = {
  ...STRING,
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: [1, 1, 1],
  since: "1.0.0",
  complexity: "O(1)",
} satisfies Partial<CommandDefinition>;

export const stringCommands: CommandDefinition[] = [
  {
    ...STRING,
    name: "set",
    notify: [NOTIFY.STRING],
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Set the string value of a key",
    complexity: "O(1)",
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    handler: set,
  },
  {
    ...STRING,
    name: "setnx",
    notify: [NOTIFY.STRING, "set"],
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Set the value of a key, only if the key does not exist",
    complexity: "O(1)",
    handler: setnx,
  },
  {
    ...STRING,
    name: "setex",
    notify: [NOTIFY.STRING, "set"],
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Set the value and expiration of a key",
    complexity: "O(1)",
    handler: setexGeneric("EX", "setex"),
  },
  {
    ...STRING,
    name: "psetex",
    notify: [NOTIFY.STRING, "set"],
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.6.0",
    summary: "Set the value and expiration in milliseconds of a key",
    complexity: "O(1)",
    handler: setexGeneric("PX", "psetex"),
  },
  {
    ...STRING,
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Get the value of a key",
    complexity: "O(1)",
    handler: get,
  },
  {
    ...STRING,
    name: "getdel",
    notify: [NOTIFY.GENERIC, "del"],
    arity: 2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "6.2.0",
    summary: "Get the value of a key and delete the key",
    complexity: "O(1)",
    handler: getdel,
  },
  {
    ...STRING,
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "6.2.0",
    summary: "Get the value of a key and optionally set its expiration",
    complexity: "O(1)",
    handler: getex,
  },
  {
    ...STRING,
    name: "mget",
    tips: ["request_policy:multi_shard"],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Get the values of all the given keys",
    complexity: "O(N) where N is the number of keys to retrieve.",
    handler: mget,
  },
  {
    ...STRING,
    name: "mset",
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 2],
    since: "1.0.1",
    summary: "Set multiple keys to multiple values",
    complexity: "O(N) where N is the number of keys to set.",
    handler: msetGeneric(false),
  },
  {
    ...STRING,
    name: "msetnx",
    tips: ["request_policy:multi_shard", "response_policy:agg_min"],
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 2],
    since: "1.0.1",
    summary: "Set multiple keys to multiple values, only if none of the keys exist",
    complexity: "O(N) where N is the number of keys to set.",
    handler: msetGeneric(true),
  },
  {
    ...STRING,
    name: "getset",
    notify: [NOTIFY.STRING, "set"],
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Set the string value of a key and return its old value",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    handler: getset,
  },
  {
    ...STRING,
    name: "append",
    notify: [NOTIFY.STRING],
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Append a value to a key",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    handler: append,
  },
  {
    ...STRING,
    name: "strlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Get the length of the value stored in a key",
    complexity: "O(1)",
    handler: strlen,
  },
  {
    ...GETRANGE,
    name: "getrange",
    since: "2.4.0",
  },
  {
    ...GETRANGE,
    name: "substr",
    since: "1.0.0",
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
  },
  {
    ...STRING,
    name: "setrange",
    notify: [NOTIFY.STRING],
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Overwrite part of a string at key starting at the specified offset",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    handler: setrange,
  },
  {
    ...COUNTER,
    name: "incr",
    notify: [NOTIFY.STRING, "incrby"],
    arity: 2,
    summary: "Increment the integer value of a key by one",
    handler: (client, argv) => incrDecr(client, argv, 1),
  },
  {
    ...COUNTER,
    name: "decr",
    notify: [NOTIFY.STRING, "incrby"],
    arity: 2,
    summary: "Decrement the integer value of a key by one",
    handler: (client, argv) => incrDecr(client, argv, -1),
  },
  {
    ...COUNTER,
    name: "incrby",
    notify: [NOTIFY.STRING],
    summary: "Increment the integer value of a key by the given amount",
    handler: incrby,
  },
  {
    ...COUNTER,
    name: "decrby",
    notify: [NOTIFY.STRING, "incrby"],
    summary: "Decrement the integer value of a key by the given number",
    handler: decrby,
  },
  {
    ...COUNTER,
    name: "incrbyfloat",
    notify: [NOTIFY.STRING],
    since: "2.6.0",
    summary: "Increment the float value of a key by the given amount",
    handler: incrbyfloat,
  },
  {
    ...STRING,
    name: "lcs",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 2, 1],
    since: "7.0.0",
    summary: "Find longest common substring",
    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    handler: lcs,
  },
];
