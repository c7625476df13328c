/**
 * Generic key commands (Redis's db.c and expire.c): DEL, UNLINK, EXISTS, TYPE,
 * and the TTL family.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { INT64_MAX_NUMBER, parseInteger } from "../util/numbers.ts";
import { readValue } from "./access.ts";
import { invalidExpireError, NOT_INTEGER } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

/** DEL and UNLINK: freeing is lazy either way (the garbage collector does it). */
function del(client: Client, argv: string[]): void {
  const db = client.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    if (db.delete(argv[i])) deleted++;
  }
  client.writer.integer(deleted);
  if (deleted > 0) client.server.propagate(db, argv);
}

function exists(client: Client, argv: string[]): void {
  let count = 0;
  for (let i = 1; i < argv.length; i++) {
    if (client.db.has(argv[i])) count++;
  }
  client.writer.integer(count);
}

function type(client: Client, argv: string[]): void {
  const value = client.db.get(argv[1]);
  client.writer.simple(value === undefined ? "none" : "string");
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
    let when = form.seconds ? amount * 1000 : amount;
    const base = form.relative ? Date.now() : 0;
    if (Math.abs(when) > INT64_MAX_NUMBER || when > INT64_MAX_NUMBER - base) {
      client.writer.error(invalidExpireError(form.name));
      return;
    }
    when += base;
    const db = client.db;
    const key = argv[1];
    if (!db.has(key) || !conditionAllows(condition, db.expiryOf(key), when)) {
      client.writer.integer(0);
      return;
    }
    if (when <= Date.now()) {
      db.delete(key);
      client.server.propagate(db, ["DEL", key]);
    } else {
      db.setExpiry(key, when);
      client.server.propagate(db, ["PEXPIREAT", key, String(when)]);
    }
    client.writer.integer(1);
  };
}

/** TTL and PTTL: -2 for a missing key, -1 for no expiry. */
function ttlGeneric(milliseconds: boolean) {
  return (client: Client, argv: string[]): void => {
    if (readValue(client, argv[1]) === undefined) {
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
    if (readValue(client, argv[1]) === undefined) {
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
    summary: "Deletes one or more keys.",
    complexity: "O(N) where N is the number of keys that will be removed.",
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
    summary: "Asynchronously deletes one or more keys.",
    complexity: "O(1) for each key removed regardless of its size.",
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
    summary: "Determines whether one or more keys exist.",
    complexity: "O(N) where N is the number of keys to check.",
    handler: exists,
  },
  {
    ...KEYSPACE,
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Determines the type of value stored at a key.",
    complexity: "O(1)",
    handler: type,
  },
  expireDefinition("expire", true, true, "1.0.0", "Sets the expiration time of a key in seconds."),
  expireDefinition("pexpire", false, true, "2.6.0", "Sets the expiration time of a key in milliseconds."),
  expireDefinition(
    "expireat",
    true,
    false,
    "1.2.0",
    "Sets the expiration time of a key to a Unix timestamp.",
  ),
  expireDefinition(
    "pexpireat",
    false,
    false,
    "2.6.0",
    "Sets the expiration time of a key to a Unix milliseconds timestamp.",
  ),
  readTimeDefinition("ttl", "1.0.0", "Returns the expiration time in seconds of a key.", ttlGeneric(false)),
  readTimeDefinition(
    "pttl",
    "2.6.0",
    "Returns the expiration time in milliseconds of a key.",
    ttlGeneric(true),
  ),
  readTimeDefinition(
    "expiretime",
    "7.0.0",
    "Returns the expiration time of a key as a Unix timestamp.",
    expiretimeGeneric(false),
  ),
  readTimeDefinition(
    "pexpiretime",
    "7.0.0",
    "Returns the expiration time of a key as a Unix milliseconds timestamp.",
    expiretimeGeneric(true),
  ),
  {
    ...KEYSPACE,
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Removes the expiration time of a key.",
    complexity: "O(1)",
    handler: persist,
  },
];
