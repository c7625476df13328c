/**
 * Small helpers handlers share for reading keys and arguments, each writing
 * Redis's error reply itself when it fails so handlers can just return.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { RedisValue } from "../store/database.ts";
import { RawString, type StringValue } from "../store/raw_string.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { INT64_MAX, parseInt64, parseInteger } from "../util/numbers.ts";
import { NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";
import { NOTIFY } from "../config.ts";

/** Signals that a helper already replied with an error. */
export const FAILED = Symbol("failed");

/**
 * Looks a key up for reading, counting INFO's keyspace_hits / keyspace_misses
 * as Redis's lookupKeyRead does.
 */
export function readValue(client: Client, key: string): RedisValue | undefined {
  return counted(client, key, client.db.get(key));
}

/**
 * Looks a key up as Redis's LOOKUP_NOTOUCH reads do (EXISTS, TYPE, TTL, OBJECT
 * ...): counted in keyspace_hits / keyspace_misses, but not an access, so the
 * key's idle time and LFU counter stay as they were.
 */
export function peekValue(client: Client, key: string): RedisValue | undefined {
  return counted(client, key, client.db.peek(key));
}

/** Counts a read as a hit or a miss; a miss is also the `keymiss` event (class m). */
function counted(client: Client, key: string, value: RedisValue | undefined): RedisValue | undefined {
  if (value === undefined) {
    client.server.stats.keyspaceMisses++;
    notifyKeyspaceEvent(client, NOTIFY.KEY_MISS, "keymiss", key);
  } else {
    client.server.stats.keyspaceHits++;
  }
  return value;
}

/** Whether a stored value is of type string. */
export function isString(value: RedisValue): value is StringValue {
  return typeof value === "string" || value instanceof RawString;
}

/** A string value for reading; FAILED (after replying WRONGTYPE) for another type. */
export function readString(
  client: Client,
  key: string,
): StringValue | undefined | typeof FAILED {
  const value = readValue(client, key);
  if (value === undefined || isString(value)) return value;
  client.writer.error(WRONGTYPE);
  return FAILED;
}

/**
 * A string value for a command that writes it. Unlike readString it counts no
 * keyspace hit or miss: Redis's lookupKeyWrite does not.
 */
export function writeString(client: Client, key: string): StringValue | undefined | typeof FAILED {
  const db = client.db;
  // The caller may change the value in place: a running snapshot keeps it first.
  if (db.cow !== undefined) db.cow.before(key, true);
  const value = db.get(key);
  if (value === undefined || isString(value)) return value;
  client.writer.error(WRONGTYPE);
  return FAILED;
}

// deno-lint-ignore no-explicit-any
type ValueClass<T> = abstract new (...args: any[]) => T;

/**
 * A collection of class `kind` for reading, counting keyspace hits and misses;
 * FAILED (after replying WRONGTYPE) when the key holds another type.
 */
export function readTyped<T>(
  client: Client,
  key: string,
  kind: ValueClass<T>,
): T | undefined | typeof FAILED {
  const value = readValue(client, key);
  if (value === undefined || value instanceof kind) return value as T | undefined;
  client.writer.error(WRONGTYPE);
  return FAILED;
}

/** Like {@link readTyped} for a command that writes the key: no hit or miss is counted. */
export function writeTyped<T>(
  client: Client,
  key: string,
  kind: ValueClass<T>,
): T | undefined | typeof FAILED {
  const db = client.db;
  // The caller may change the value in place: a running snapshot keeps it first.
  if (db.cow !== undefined) db.cow.before(key, true);
  const value = db.get(key);
  if (value === undefined || value instanceof kind) return value as T | undefined;
  client.writer.error(WRONGTYPE);
  return FAILED;
}

/** Replies a string value as a bulk string, or null when there is none. */
export function replyString(w: ReplyWriter, value: StringValue | undefined | null): void {
  if (value === undefined || value === null) w.null();
  else if (typeof value === "string") w.bulk(value);
  else w.bulkBytes(value.view());
}

/**
 * An argument Redis reads as a C int (getIntFromObjectOrReply), or FAILED after
 * replying `error`, or Redis's own texts when there is none.
 */
export function int32Arg(client: Client, text: string, error?: string): number | typeof FAILED {
  const value = parseInteger(text);
  if (value === null) {
    client.writer.error(error ?? NOT_INTEGER);
    return FAILED;
  }
  if (value < -0x80000000 || value > 0x7fffffff) {
    client.writer.error(error ?? "ERR value is out of range, value must between -2147483648 and 2147483647");
    return FAILED;
  }
  return value;
}

/** An integer argument, or FAILED after replying "value is not an integer". */
export function integerArg(client: Client, text: string): number | typeof FAILED {
  const value = parseInteger(text);
  if (value === null) {
    client.writer.error(NOT_INTEGER);
    return FAILED;
  }
  return value;
}

/**
 * An integer argument of at least `min`, or FAILED after replying `error` for
 * anything else (Redis's getRangeLongFromObjectOrReply with its own message).
 */
export function integerAtLeastArg(
  client: Client,
  text: string,
  min: number,
  error: string,
): number | typeof FAILED {
  const n = parseInteger(text);
  if (n !== null && n >= min) return n;
  client.writer.error(error);
  return FAILED;
}

/**
 * HRANDFIELD's and ZRANDMEMBER's `count [option]`, checked in Redis's order:
 * the count's range (C's long), the option word, then the halved range the
 * option needs so that twice the count (the RESP2 reply length) cannot
 * overflow. FAILED after replying the error.
 */
export function randomCountArgs(
  client: Client,
  argv: string[],
  option: string,
): { count: number; withOption: boolean } | typeof FAILED {
  const w = client.writer;
  const count = parseInt64(argv[2]);
  if (count === null) {
    w.error(NOT_INTEGER);
    return FAILED;
  }
  if (count < -INT64_MAX) {
    w.error(`ERR value is out of range, value must between ${-INT64_MAX} and ${INT64_MAX}`);
    return FAILED;
  }
  const withOption = argv.length === 4;
  if (argv.length > 4 || (withOption && argv[3].toLowerCase() !== option)) {
    w.error(SYNTAX_ERROR);
    return FAILED;
  }
  if (withOption && (count < -INT64_MAX / 2n || count > INT64_MAX / 2n)) {
    w.error("ERR value is out of range");
    return FAILED;
  }
  return { count: Number(count), withOption };
}
