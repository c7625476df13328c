/**
 * DEBUG, as Redis 7.0.15's debug.c, for the subcommands that make sense in
 * Redix (see {@link SUBCOMMANDS}); the crashing ones, the allocator's and the
 * cluster's are left out and get Redis's reply for an unknown subcommand, as
 * any other name does. The server refuses the command itself unless
 * `enable-debug-command` allows it (lib/server/server.ts).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { memtoull } from "../config.ts";
import { dumpPayload, loadRdb, quicklistNodes, RdbError } from "../persistence/rdb.ts";
import type { Client } from "../server/client.ts";
import type { Database, RedisValue } from "../store/database.ts";
import type { Dict } from "../store/dict.ts";
import { HashValue } from "../store/hash.ts";
import { ListValue } from "../store/list.ts";
import { RawString } from "../store/raw_string.ts";
import { SetValue } from "../store/set.ts";
import { SortedSetValue } from "../store/zset.ts";
import { globMatch } from "../util/glob.ts";
import { atoi, printfFixed } from "../util/numbers.ts";
import { FAILED, integerArg, integerAtLeastArg, isString, peekValue } from "./access.ts";
import { helpReply } from "./connection.ts";
import { randomId } from "./info.ts";
import { encodingOf, refcount } from "./keys.ts";
import { subcommandSyntaxError } from "./errors.ts";
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

const NO_SUCH_KEY = "ERR no such key";
const POSITIVE = "ERR value is out of range, must be positive";

/** A C string's view of an argument: what comes before its first NUL byte (printf's %s). */
function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul === -1 ? text : text.slice(0, nul);
}

/** DEBUG's switches that take a 0 or 1 read with atoi, as Redis's, replying OK. */
function flag(set: (client: Client, on: boolean) => void) {
  return (client: Client, argv: string[]): void => {
    set(client, atoi(argv[2]) !== 0);
    client.writer.ok();
  };
}

/** Prints what Redis's DEBUG LISTPACK, QUICKLIST and STRINGMATCH-TEST print on stdout, unless the server is quiet (embedded). */
function printRepresentation(client: Client, lines: string[]): void {
  if (!client.server.log.enabled) return;
  Deno.stdout.writeSync(Buffer.from(lines.join("\n") + "\n", "latin1"));
}

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
  try {
    const loadKey = server.keyspace.rdbKeyLoader((message) => new Error(message), !merge);
    loadRdb(bytes, server.config, loadKey, {}, server.verifyRdbChecksum);
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

/** DEBUG LOG message: a warning line in the server log, as Redis's. */
function log(client: Client, argv: string[]): void {
  client.server.log.warning(`DEBUG LOG: ${cString(argv[2])}`);
  client.writer.ok();
}

/** DEBUG ERROR text: the text as an error reply, as is (Redis writes it raw, so errorstats does not count it). */
function error(client: Client, argv: string[]): void {
  client.writer.error(argv[2], false);
}

/**
 * DEBUG POPULATE count [prefix] [size]: string keys `<prefix>:<n>` holding
 * `value:<n>` (cut or zero-padded to `size` when given), skipping keys that
 * exist. Not propagated and not counted as changes, as in Redis, but watched
 * keys are touched. Key names are cut at 127 bytes and the prefix at a NUL,
 * as Redis's snprintf into a 128-byte buffer does.
 */
function populate(client: Client, argv: string[]): void {
  const count = integerAtLeastArg(client, argv[2], 0, POSITIVE);
  if (count === FAILED) return;
  const size = argv.length === 5 ? integerAtLeastArg(client, argv[4], 0, POSITIVE) : 0;
  if (size === FAILED) return;
  const prefix = argv.length === 3 ? "key" : cString(argv[3]);
  const db = client.db;
  const added: string[] = [];
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`.slice(0, 127);
    if (db.get(key) !== undefined) continue;
    const value = `value:${j}`;
    db.set(key, size === 0 ? value : value.slice(0, size).padEnd(size, "\0"));
    added.push(key);
  }
  if (added.length !== 0) client.server.keysModified(db, added);
  client.writer.ok();
}

/**
 * DEBUG OBJECT key: Redis's line about the value, from what Redix knows of it:
 * OBJECT ENCODING's encoding and REFCOUNT's count, the DUMP payload's object
 * length as serializedlength (the RDB object without its type byte, version
 * and CRC), the key's access stamp and idle seconds, and for a list the
 * quicklist Redis would have built by pushing its elements at the tail. The
 * address is the key's slot in Redix's table, which says nothing of memory.
 * A logically expired key is still shown, as Redis's dictFind does.
 */
function object(client: Client, argv: string[]): void {
  const data = client.db.data;
  const slot = data.find(argv[2]);
  const value = data.valueAt(slot);
  if (value === undefined) return client.writer.error(NO_SUCH_KEY);
  const config = client.server.config;
  const stamp = data.stampAt(slot);
  const idle = client.server.keyspace.clock.idleSeconds(stamp);
  const address = (0x7f0000000000 + slot * 16).toString(16);
  client.writer.simple(
    `Value at:0x${address} refcount:${refcount(client, value)} encoding:${encodingOf(client, value)} ` +
      `serializedlength:${dumpPayload(value, config).length - 11} lru:${stamp} lru_seconds_idle:${idle}` +
      (value instanceof ListValue ? quicklistFields(client, value) : ""),
  );
}

/** DEBUG OBJECT's ql_* fields of a list. */
function quicklistFields(client: Client, list: ListValue): string {
  const config = client.server.config;
  const fill = config.getNumber("list-max-listpack-size");
  const nodes = quicklistNodes(list.range(0, list.size - 1), fill);
  let bytes = 0;
  for (const [, , size] of nodes) bytes += size;
  return ` ql_nodes:${nodes.length} ql_avg_node:${printfFixed(list.size / nodes.length, 2)}` +
    ` ql_listpack_max:${fill} ql_compressed:${config.getNumber("list-compress-depth") !== 0 ? 1 : 0}` +
    ` ql_uncompressed_size:${bytes}`;
}

/** jemalloc's size class for an allocation of `n` bytes (8, 16, 32, 48, ... 128, 160, 192, ...). */
function mallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / step) * step;
}

/**
 * An sds string of `length` bytes with room for `capacity`, as Redis 7.0
 * allocates it: the header of the type the capacity needs (sdsReqType; type 5,
 * which has no room to record free space, only for short strings never grown
 * and never empty), and the size class's slack counted as free space, as
 * s_malloc_usable makes it.
 */
function sds(length: number, capacity: number, grown: boolean): { avail: number; zmalloc: number } {
  const type5 = !grown && capacity > 0 && capacity < 32;
  const header = type5 ? 1 : capacity < 256 ? 3 : capacity < 65536 ? 5 : capacity < 2 ** 32 ? 9 : 17;
  const zmalloc = mallocSize(header + capacity + 1);
  return { avail: type5 ? 0 : zmalloc - header - 1 - length, zmalloc };
}

/**
 * DEBUG SDSLEN key: the key's and the value's sds lengths, free space and
 * allocation sizes, as Redis would have allocated them with jemalloc: the key
 * fitted to its length, an embstr in one block with its object, a string
 * grown in place (APPEND, SETRANGE ...) with the room Redix grew it by, any
 * other raw string as SET leaves it (trimmed when the slack passes a tenth).
 */
function sdslen(client: Client, argv: string[]): void {
  const key = argv[2];
  const value = client.db.data.get(key);
  if (value === undefined) return client.writer.error(NO_SUCH_KEY);
  const encoding = encodingOf(client, value);
  if (!isString(value) || encoding === "int") return client.writer.error("ERR Not an sds encoded string.");
  const length = value.length;
  let val: { avail: number; zmalloc: number };
  if (encoding === "embstr") {
    val = { avail: 0, zmalloc: mallocSize(16 + 3 + length + 1) - 16 };
  } else if (value instanceof RawString) {
    val = sds(length, value.bytes.length, true);
  } else {
    val = sds(length, length, false);
    if (val.avail > Math.floor(length / 10)) val.avail = 0;
  }
  const keySds = sds(key.length, key.length, false);
  client.writer.simple(
    `key_sds_len:${key.length}, key_sds_avail:${keySds.avail}, key_zmalloc: ${keySds.zmalloc}, ` +
      `val_sds_len:${length}, val_sds_avail:${val.avail}, val_zmalloc: ${val.zmalloc}`,
  );
}

/** The value at argv[2] for DEBUG LISTPACK / QUICKLIST / HTSTATS-KEY, as OBJECT looks it up; replied "no such key" if none. */
function lookupForObject(client: Client, argv: string[]): RedisValue | undefined {
  const value = peekValue(client, argv[2]);
  if (value === undefined) client.writer.error(NO_SUCH_KEY);
  return value;
}

/** DEBUG LISTPACK key: Redis prints the listpack on stdout; Redix prints its entries. */
function listpack(client: Client, argv: string[]): void {
  const value = lookupForObject(client, argv);
  if (value === undefined) return;
  if (encodingOf(client, value) !== "listpack") {
    return client.writer.error("ERR Not a listpack encoded object.");
  }
  const entries: string[] = [];
  if (value instanceof HashValue) { for (const pair of value.entries()) entries.push(...pair); }
  else if (value instanceof SortedSetValue) {
    for (const [member, score] of value.entries()) entries.push(member, `${score}`);
  }
  printRepresentation(client, [
    `{listpack} {num entries ${entries.length}}`,
    ...entries.map((e) => `  ${e}`),
  ]);
  client.writer.simple("Listpack structure printed on stdout");
}

/** DEBUG QUICKLIST key [0|1]: Redis prints the quicklist on stdout; Redix prints its nodes (and entries with 1). */
function quicklist(client: Client, argv: string[]): void {
  const value = lookupForObject(client, argv);
  if (value === undefined) return;
  if (!(value instanceof ListValue)) return client.writer.error("ERR Not a quicklist encoded object.");
  const full = argv.length === 4 && atoi(argv[3]) !== 0;
  const elements = value.range(0, value.size - 1);
  const nodes = quicklistNodes(elements, client.server.config.getNumber("list-max-listpack-size"));
  const lines = [`{quicklist} {count ${value.size}} {nodes ${nodes.length}}`];
  for (const [start, end, bytes] of nodes) {
    lines.push(`  {node} {count ${end - start}} {sz ${bytes}}`);
    if (full) { for (let i = start; i < end; i++) lines.push(`    ${elements[i]}`); }
  }
  printRepresentation(client, lines);
  client.writer.simple("Quicklist structure printed on stdout");
}

/** Redis's dictGetStats text for one table (Redix rehashes at once, so there is never a second). */
function dictStats(dict: Dict<unknown>): string {
  let text = "Hash table 0 stats (main hash table):\n";
  if (dict.size === 0) return text + "No stats available for empty dictionaries\n";
  const chains = dict.chainLengths();
  const buckets = dict.bucketCount;
  const slots = buckets - chains[0];
  // Redis computes the averages and shares as C floats.
  const average = printfFixed(Math.fround(dict.size / slots), 2);
  text += ` table size: ${buckets}\n number of elements: ${dict.size}\n different slots: ${slots}\n` +
    ` max chain length: ${chains.length - 1}\n avg chain length (counted): ${average}\n` +
    ` avg chain length (computed): ${average}\n Chain length distribution:\n`;
  // Redis counts chains of 49 and more together and does not print that count.
  for (let length = 0; length < Math.min(chains.length, 49); length++) {
    if (chains[length] === 0) continue;
    const share = printfFixed(Math.fround(Math.fround(chains[length] / buckets) * 100), 2);
    text += `   ${length}: ${chains[length]} (${share}%)\n`;
  }
  return text;
}

/** DEBUG HTSTATS dbid: the stats of a database's key table and expiry table. */
function htstats(client: Client, argv: string[]): void {
  const index = integerArg(client, argv[2]);
  if (index === FAILED) return;
  const db = client.server.keyspace.dbs[index];
  if (db === undefined || index < 0) return client.writer.error("ERR Out of range database");
  client.writer.verbatim(`[Dictionary HT]\n${dictStats(db.data)}[Expires HT]\n${dictStats(db.expires)}`);
}

/** DEBUG HTSTATS-KEY key: the stats of the hash table of a hash, set or sorted set that has one. */
function htstatsKey(client: Client, argv: string[]): void {
  const value = lookupForObject(client, argv);
  if (value === undefined) return;
  const dict = isString(value) ? undefined : value.hashtable?.();
  if (dict === undefined) {
    return client.writer.error(
      "ERR The value stored at the specified key is not represented using an hash table",
    );
  }
  client.writer.verbatim(dictStats(dict));
}

/** DEBUG PROTOCOL type: a sample reply of each RESP type, as Redis's. */
const PROTOCOL_SAMPLES: Record<string, (client: Client) => void> = {
  string: (client) => client.writer.bulk("Hello World"),
  integer: (client) => client.writer.integer(12345),
  double: (client) => client.writer.double(3.141),
  bignum: (client) => client.writer.bigNumber("1234567999999999999999999999999999999"),
  null: (client) => client.writer.null(),
  array: (client) => {
    client.writer.array(3);
    zeroOneTwo(client);
  },
  set: (client) => {
    client.writer.set(3);
    zeroOneTwo(client);
  },
  map: (client) => {
    client.writer.map(3);
    for (let j = 0; j < 3; j++) {
      client.writer.integer(j);
      client.writer.boolean(j === 1);
    }
  },
  attrib: (client) => {
    const w = client.writer;
    if (client.protocol === 3) {
      w.attribute(1);
      w.bulk("key-popularity");
      w.array(2);
      w.bulk("key:123");
      w.integer(90);
    }
    w.bulk("Some real reply following the attribute");
  },
  push: (client) => {
    const w = client.writer;
    if (client.protocol !== 3) return w.error("ERR RESP2 is not supported by this command");
    w.push(2);
    w.bulk("server-cpu-usage");
    w.integer(42);
    w.bulk("Some real reply following the push reply");
  },
  verbatim: (client) => client.writer.verbatim("This is a verbatim\nstring"),
  true: (client) => client.writer.boolean(true),
  false: (client) => client.writer.boolean(false),
};

/** The elements of DEBUG PROTOCOL's array and set. */
function zeroOneTwo(client: Client): void {
  for (let j = 0; j < 3; j++) client.writer.integer(j);
}

function protocol(client: Client, argv: string[]): void {
  const sample = PROTOCOL_SAMPLES[argv[2].toLowerCase()];
  if (sample !== undefined) return sample(client);
  client.writer.error(
    "ERR Wrong protocol type name. Please use one of the following: " +
      "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
  );
}

/** DEBUG QUICKLIST-PACKED-THRESHOLD size: checked as Redis checks it; Redix's lists have no plain nodes to apply it to. */
function quicklistPackedThreshold(client: Client, argv: string[]): void {
  const size = memtoull(argv[2]);
  if (size === null || size > 2n ** 32n - 2n ** 20n) {
    return client.writer.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
  }
  client.writer.ok();
}

/** DEBUG CHANGE-REPL-ID: a new replication ID, and the second one cleared (INFO replication shows them). */
function changeReplId(client: Client): void {
  client.server.log.warning("Changing replication IDs after receiving DEBUG change-repl-id");
  client.server.replicationId = randomId();
  client.writer.ok();
}

/**
 * DEBUG STRINGMATCH-TEST: Redis's stringmatchlen_fuzz_test on Redix's glob
 * matcher, random patterns against random strings of up to 31 ASCII bytes,
 * which must not throw; the number of matches goes to stdout, as Redis's.
 */
function stringmatchTest(client: Client): void {
  const random = () => {
    let s = "";
    for (let i = Math.floor(Math.random() * 32); i > 0; i--) {
      s += String.fromCharCode(Math.floor(Math.random() * 128));
    }
    return s;
  };
  let matches = 0;
  for (let i = 0; i < STRINGMATCH_CYCLES; i++) if (globMatch(random(), random())) matches++;
  printRepresentation(client, [`total matches: ${matches}`]);
  client.writer.simple("Apparently Redis did not crash: test passed");
}

/** Redis runs ten million; Redix a quarter of a million, which keeps the server stopped for a fraction of a second. */
const STRINGMATCH_CYCLES = 250_000;

/**
 * DEBUG REPLYBUFFER PEAK-RESET-TIME never|reset|ms / RESIZING 0|1: Redix's
 * reply buffers are not resized by a cron, so the settings are checked and
 * have no effect.
 */
function replyBuffer(client: Client, argv: string[]): void {
  const setting = argv[2].toLowerCase();
  if (setting === "peak-reset-time") {
    const time = argv[3].toLowerCase();
    if (time !== "never" && time !== "reset" && integerArg(client, argv[3]) === FAILED) return;
  } else if (setting !== "resizing") {
    return client.writer.error(subcommandSyntaxError(argv));
  }
  client.writer.ok();
}

/** DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every parameter, defaults included. */
function configRewriteForceAll(client: Client): void {
  const config = client.server.config;
  // Redis's rewriteConfig of no file fails with EFAULT.
  const failure = config.configFile === undefined
    ? "Bad address"
    : config.rewrite(true)?.replace(/^ERR Rewriting config file: /, "");
  if (failure === undefined) client.writer.ok();
  else client.writer.error(`ERR CONFIG-REWRITE-FORCE-ALL failed: ${failure}`);
}

interface Subcommand {
  /** Whether it takes this many arguments (DEBUG and the subcommand counted); else the unknown-subcommand error. */
  argc: (argc: number) => boolean;
  run: (client: Client, argv: string[]) => void;
  /** Its lines in DEBUG HELP, Redis's words. */
  help: string[];
}

const exactly = (n: number) => (argc: number) => argc === n;
const between = (min: number, max: number) => (argc: number) => argc >= min && argc <= max;
const any = () => true;

/**
 * The subcommands, in the order of Redis 7.0.15's DEBUG HELP, which lists
 * these with Redis's text. Left out, so unknown here and not in HELP:
 * AOF-FLUSH-SLEEP, ASSERT, CRASH-AND-RECOVER, LEAK, LOADAOF, REPLICATE,
 * MALLCTL, MALLCTL-STR, DROP-CLUSTER-PACKET-FILTER, OOM, PANIC, RESTART,
 * SEGFAULT, STRUCTSIZE, CLIENT-EVICTION, CLUSTERLINK (README says why).
 */
const SUBCOMMANDS: Record<string, Subcommand> = {
  "change-repl-id": {
    argc: exactly(2),
    run: changeReplId,
    help: [
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
    ],
  },
  "config-rewrite-force-all": {
    argc: exactly(2),
    run: configRewriteForceAll,
    help: [
      "CONFIG-REWRITE-FORCE-ALL",
      "    Like CONFIG REWRITE but writes all configuration options, including",
      "    keywords not listed in original configuration file or default values.",
    ],
  },
  "digest": {
    argc: exactly(2),
    run: digest,
    help: ["DIGEST", "    Output a hex signature representing the current DB content."],
  },
  "digest-value": {
    argc: any,
    run: digestValue,
    help: [
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
    ],
  },
  "error": {
    argc: exactly(3),
    run: error,
    help: [
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
    ],
  },
  "log": { argc: exactly(3), run: log, help: ["LOG <message>", "    Write <message> to the server log."] },
  "htstats": {
    argc: exactly(3),
    run: htstats,
    help: ["HTSTATS <dbid>", "    Return hash table statistics of the specified Redis database."],
  },
  "htstats-key": {
    argc: exactly(3),
    run: htstatsKey,
    help: ["HTSTATS-KEY <key>", "    Like HTSTATS but for the hash table stored at <key>'s value."],
  },
  "object": {
    argc: exactly(3),
    run: object,
    help: ["OBJECT <key>", "    Show low level info about `key` and associated value."],
  },
  "populate": {
    argc: between(3, 5),
    run: populate,
    help: [
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
    ],
  },
  "protocol": {
    argc: exactly(3),
    run: protocol,
    help: [
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
    ],
  },
  "reload": {
    argc: any,
    run: reload,
    help: [
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
    ],
  },
  "sdslen": {
    argc: exactly(3),
    run: sdslen,
    help: ["SDSLEN <key>", "    Show low level SDS string info representing `key` and value."],
  },
  "set-active-expire": {
    argc: exactly(3),
    run: flag((client, on) => client.server.debugFlags.activeExpire = on),
    help: [
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
    ],
  },
  "quicklist-packed-threshold": {
    argc: exactly(3),
    run: quicklistPackedThreshold,
    help: [
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    ],
  },
  "set-skip-checksum-validation": {
    argc: exactly(3),
    run: flag((client, on) => client.server.debugFlags.skipChecksumValidation = on),
    help: [
      "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
      "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    ],
  },
  "sleep": {
    argc: exactly(3),
    run: sleep,
    help: ["SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."],
  },
  "stringmatch-test": {
    argc: exactly(2),
    run: stringmatchTest,
    help: ["STRINGMATCH-TEST", "    Run a fuzz tester against the stringmatchlen() function."],
  },
  "listpack": {
    argc: exactly(3),
    run: listpack,
    help: ["LISTPACK <key>", "    Show low level info about the listpack encoding of <key>."],
  },
  "quicklist": {
    argc: between(3, 4),
    run: quicklist,
    help: [
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
    ],
  },
  "pause-cron": {
    argc: exactly(3),
    run: flag((client, on) => client.server.debugFlags.pauseCron = on),
    help: ["PAUSE-CRON <0|1>", "    Stop periodic cron job processing."],
  },
  "replybuffer": {
    argc: exactly(4),
    run: replyBuffer,
    help: [
      "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
      "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
      "    In case NEVER is provided the last observed peak will never be reset",
      "    In case RESET is provided the peak reset time will be restored to the default value",
      "REPLYBUFFER RESIZING <0|1>",
      "    Enable or disable the reply buffer resize cron job",
    ],
  },
};

function help(client: Client): void {
  helpReply(client.writer, "DEBUG", Object.values(SUBCOMMANDS).flatMap((subcommand) => subcommand.help));
}

function debug(client: Client, argv: string[]): void {
  const name = argv[1].toLowerCase();
  if (name === "help" && argv.length === 2) return help(client);
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (subcommand === undefined || !subcommand.argc(argv.length)) {
    return client.writer.error(subcommandSyntaxError(argv));
  }
  subcommand.run(client, argv);
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
