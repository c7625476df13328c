/**
 * DEBUG, as Redis 7.0's debug.c, for the subcommands Redix implements fully:
 * DIGEST, DIGEST-VALUE, RELOAD, SLEEP and HELP. Any other subcommand gets
 * Redis's reply for an unknown one. The server refuses the command itself
 * unless `enable-debug-command` allows it (lib/server/server.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { loadRdb, RdbError } from "../persistence/rdb.ts";
import type { Client } from "../server/client.ts";
import type { Database, RedisValue } from "../store/database.ts";
import { HashValue } from "../store/hash.ts";
import { ListValue } from "../store/list.ts";
import { RawString } from "../store/raw_string.ts";
import { SetValue } from "../store/set.ts";
import { SortedSetValue } from "../store/zset.ts";
import { helpReply } from "./connection.ts";
import type { CommandDefinition } from "./table.ts";

/** The refusal of DEBUG when `enable-debug-command` does not allow it, as Redis 7.0 words it. */
export const DEBUG_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", ' +
  "you can run it from a local connection, otherwise you need to set this option in the configuration file, " +
  "and then restart the server.";

// ---------------------------------------------------------------------------
// Digests, computed as debug.c's xorDigest / mixDigest / xorObjectDigest.

type Digest = Uint8Array;

function sha1(data: Uint8Array): Uint8Array {
  return createHash("sha1").update(data).digest();
}

/** A binary string's bytes (each char code is one byte). */
function bytesOf(binary: string): Uint8Array {
  return Buffer.from(binary, "latin1");
}

/** digest ^= SHA1(data): order-independent accumulation. */
function xorDigest(digest: Digest, data: Uint8Array): void {
  const hash = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] ^= hash[i];
}

/** digest = SHA1(digest ^ SHA1(data)): order-dependent accumulation. */
function mixDigest(digest: Digest, data: Uint8Array): void {
  xorDigest(digest, data);
  digest.set(sha1(digest));
}

/** An htonl'd 32-bit integer, as debug.c mixes type codes and db numbers. */
function uint32be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

const EXPIRE_MARK = bytesOf("!!expire!!");

/**
 * C's printf("%.17g", x), which Redis 7.0's debug.c uses for sorted-set
 * scores: 17 significant digits, trailing zeros dropped, exponent form below
 * 1e-4 and from 1e17.
 */
export function formatG17(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponentText] = x.toExponential(16).split("e");
  const exponent = Number(exponentText);
  const strip = (digits: string) => digits.includes(".") ? digits.replace(/\.?0+$/, "") : digits;
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return strip(x.toFixed(16 - exponent));
}

/** Redis's object type codes (OBJ_STRING ...), mixed into each key's digest. */
function typeCode(value: RedisValue): number {
  if (typeof value === "string" || value instanceof RawString) return 0;
  if (value instanceof ListValue) return 1;
  if (value instanceof SetValue) return 2;
  if (value instanceof SortedSetValue) return 3;
  if (value instanceof HashValue) return 4;
  throw new Error(`no digest for values of type ${value.type}`);
}

/** xorObjectDigest: mixes a value (and whether its key has a TTL) into `digest`. */
function xorObjectDigest(db: Database, key: string, digest: Digest, value: RedisValue): void {
  mixDigest(digest, uint32be(typeCode(value)));
  if (typeof value === "string") {
    mixDigest(digest, bytesOf(value));
  } else if (value instanceof RawString) {
    mixDigest(digest, value.view());
  } else if (value instanceof ListValue) {
    if (value.size !== 0) {
      for (const element of value.range(0, value.size - 1)) mixDigest(digest, bytesOf(element));
    }
  } else if (value instanceof SetValue) {
    for (const member of value.members()) xorDigest(digest, bytesOf(member));
  } else if (value instanceof SortedSetValue) {
    for (const [member, score] of value.entries()) {
      const element = new Uint8Array(20);
      mixDigest(element, bytesOf(member));
      mixDigest(element, bytesOf(formatG17(score)));
      xorDigest(digest, element);
    }
  } else if (value instanceof HashValue) {
    for (const [field, fieldValue] of value.entries()) {
      const element = new Uint8Array(20);
      mixDigest(element, bytesOf(field));
      mixDigest(element, bytesOf(fieldValue));
      xorDigest(digest, element);
    }
  }
  if (db.expires.size !== 0 && db.expires.has(key)) xorDigest(digest, EXPIRE_MARK);
}

function hex(digest: Digest): string {
  let out = "";
  for (const byte of digest) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** computeDatasetDigest: every database's keys, values and TTL marks, order-independent. */
export function datasetDigest(dbs: readonly Database[]): string {
  const final = new Uint8Array(20);
  for (const db of dbs) {
    if (db.size === 0) continue;
    mixDigest(final, uint32be(db.index));
    for (const [key, value] of db.data.entries()) {
      const digest = new Uint8Array(20);
      mixDigest(digest, bytesOf(key));
      xorObjectDigest(db, key, digest, value);
      xorDigest(final, digest);
    }
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE's digest of one key: zeros when it does not exist (expired keys count). */
export function valueDigest(db: Database, key: string): string {
  const digest = new Uint8Array(20);
  const value = db.data.get(key);
  if (value !== undefined) xorObjectDigest(db, key, digest, value);
  return hex(digest);
}

// ---------------------------------------------------------------------------
// Subcommands

function digest(client: Client): void {
  client.writer.simple(datasetDigest(client.server.keyspace.dbs));
}

function digestValue(client: Client, argv: string[]): void {
  client.writer.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) client.writer.simple(valueDigest(client.db, argv[i]));
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the RDB (unless NOSAVE),
 * empties the data set (unless NOFLUSH) and loads the file back, blocking.
 */
function reload(client: Client, argv: string[]): void {
  let flush = true;
  let save = true;
  let merge = false;
  for (let i = 2; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === "merge") merge = true;
    else if (option === "noflush") flush = false;
    else if (option === "nosave") save = false;
    else {
      client.writer.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  const server = client.server;
  const persistence = server.persistence;
  if (save && !persistence.save()) {
    client.writer.error("ERR");
    return;
  }
  if (flush) {
    // As Redis's flush: watched transactions fail and tracking clients are told.
    for (const db of server.keyspace.dbs) server.keysModified(db, null);
    server.keyspace.flushAll();
  }
  const error = loadBack(client, merge);
  if (error !== undefined) {
    server.log.warning(error);
    client.writer.error("ERR Error trying to load the RDB dump, check server logs.");
    return;
  }
  server.log.notice("DB reloaded by DEBUG RELOAD");
  client.writer.ok();
}

/** Loads `<dir>/<dbfilename>` into the key space now, as rdbLoad; the reason it failed, if it did. */
function loadBack(client: Client, merge: boolean): string | undefined {
  const server = client.server;
  const path = server.persistence.path;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    return `Fatal error loading the DB from ${path}: ${error instanceof Error ? error.message : error}`;
  }
  const dbs = server.keyspace.dbs;
  const now = Date.now();
  try {
    loadRdb(bytes, server.config, (index, key, value, expireAt) => {
      const db = dbs[index];
      if (db === undefined) {
        throw new Error(
          `FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases`,
        );
      }
      if (expireAt !== undefined && expireAt < now) return;
      if (!merge && db.data.has(key)) throw new Error(`RDB has duplicated key '${key}' in DB ${index}`);
      db.set(key, value);
      if (expireAt !== undefined) db.setExpiry(key, expireAt);
    });
  } catch (error) {
    const at = error instanceof RdbError ? ` at offset ${error.offset}` : "";
    return `Bad RDB file ${path}${at}: ${error instanceof Error ? error.message : error}`;
  }
  return undefined;
}

/**
 * DEBUG SLEEP seconds: stops the whole server (as Redis's usleep), decimals
 * allowed; the argument is read as C's strtod reads it (0 when not a number).
 */
function sleep(client: Client, argv: string[]): void {
  const match = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(argv[2]);
  const seconds = match === null ? 0 : Number(match[0]);
  const ms = Math.floor(seconds * 1_000_000) / 1000;
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  client.writer.ok();
}

/**
 * Redis's DEBUG HELP lists its many subcommands; Redix lists only those it
 * implements, in Redis's wording.
 */
function help(client: Client): void {
  helpReply(client.writer, "DEBUG", [
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
  ]);
}

function debug(client: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  if (sub === "help" && argc === 2) help(client);
  else if (sub === "reload") reload(client, argv);
  else if (sub === "digest" && argc === 2) digest(client);
  else if (sub === "digest-value") digestValue(client, argv);
  else if (sub === "sleep" && argc === 3) sleep(client, argv);
  else {
    client.writer.error(
      `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try DEBUG HELP.`,
    );
  }
}

export const debugCommands: CommandDefinition[] = [
  {
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands",
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
    handler: debug,
  },
];
