/**
 * String commands (Redis's t_string.c): SET and its relatives, GET, GETDEL,
 * GETEX, MGET, MSET.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { INT64_MAX_NUMBER, parseInteger } from "../util/numbers.ts";
import { FAILED, isString, readString, readValue, replyString } from "./access.ts";
import { arityError, invalidExpireError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

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
  const seconds = unit === "EX" || unit === "EXAT";
  if (value <= 0 || (seconds && value > INT64_MAX_NUMBER / 1000)) {
    client.writer.error(invalidExpireError(commandName));
    return FAILED;
  }
  let ms = seconds ? value * 1000 : value;
  if (unit === "EX" || unit === "PX") ms += Date.now();
  if (ms > INT64_MAX_NUMBER) {
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
  let expireAt: number | undefined;
  if (options.expiry) {
    const at = absoluteExpiry(client, options.expiry.unit, options.expiry.text, "getex");
    if (at === FAILED) return;
    expireAt = at;
  }
  const value = readString(client, key);
  if (value === FAILED) return;
  replyString(client.writer, value);
  if (value === undefined) return;
  const db = client.db;
  if (expireAt !== undefined && expireAt <= Date.now()) {
    db.delete(key);
    client.server.propagate(db, ["DEL", key]);
  } else if (expireAt !== undefined) {
    db.setExpiry(key, expireAt);
    client.server.propagate(db, ["PEXPIREAT", key, String(expireAt)]);
  } else if (options.persist && db.persist(key)) {
    client.server.propagate(db, ["PERSIST", key]);
  }
}

function mget(client: Client, argv: string[]): void {
  const w = client.writer;
  w.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const value = readValue(client, argv[i]);
    // MGET never fails on a type clash: another type reads as null.
    replyString(w, value !== undefined && isString(value) ? value : null);
  }
}

function mset(client: Client, argv: string[]): void {
  if (argv.length % 2 === 0) {
    client.writer.error(arityError("mset"));
    return;
  }
  const db = client.db;
  for (let i = 1; i < argv.length; i += 2) db.set(argv[i], argv[i + 1]);
  client.writer.ok();
  client.server.propagate(db, argv);
}

const STRING = { group: "string", categories: ["string"] };

export const stringCommands: CommandDefinition[] = [
  {
    ...STRING,
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    handler: set,
  },
  {
    ...STRING,
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Set the string value of a key only when the key doesn't exist.",
    complexity: "O(1)",
    handler: setnx,
  },
  {
    ...STRING,
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
    complexity: "O(1)",
    handler: setexGeneric("EX", "setex"),
  },
  {
    ...STRING,
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.6.0",
    summary:
      "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
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
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    handler: get,
  },
  {
    ...STRING,
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "6.2.0",
    summary: "Returns the string value of a key after deleting the key.",
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
    summary: "Returns the string value of a key after setting its expiration time.",
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
    summary: "Atomically returns the string values of one or more keys.",
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
    summary: "Atomically creates or modifies the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to set.",
    handler: mset,
  },
];
