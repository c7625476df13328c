/**
 * Small helpers handlers share for reading keys and arguments, each writing
 * Redis's error reply itself when it fails so handlers can just return.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { RedisValue } from "../store/database.ts";
import { parseInteger } from "../util/numbers.ts";
import { NOT_INTEGER, WRONGTYPE } from "./errors.ts";

/** Signals that a helper already replied with an error. */
export const FAILED = Symbol("failed");

/**
 * Looks a key up for reading, counting INFO's keyspace_hits / keyspace_misses
 * as Redis's lookupKeyRead does.
 */
export function readValue(client: Client, key: string): RedisValue | undefined {
  const value = client.db.get(key);
  if (value === undefined) client.server.stats.keyspaceMisses++;
  else client.server.stats.keyspaceHits++;
  return value;
}

/** A string value for reading; FAILED (after replying WRONGTYPE) for another type. */
export function readString(
  client: Client,
  key: string,
): string | undefined | typeof FAILED {
  const value = readValue(client, key);
  if (value === undefined || typeof value === "string") return value;
  client.writer.error(WRONGTYPE);
  return FAILED;
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
