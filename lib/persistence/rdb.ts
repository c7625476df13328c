/**
 * Redis's RDB serialization (rdb.c), byte compatible with Redis 7.0.15: the
 * file format SAVE / BGSAVE write and startup loads (DESIGN.md §10), and the
 * object format inside DUMP payloads.
 *
 * A file is "REDIS" and a 4-digit version, then opcodes: AUX fields, SELECTDB
 * and RESIZEDB per database, each key as [EXPIRETIME_MS] [IDLE|FREQ] type key
 * value, and EOF followed by the CRC-64 of everything before it (zero when
 * rdbchecksum is off). Numbers use Redis's length encoding (6, 14, 32 or 64
 * bits, big-endian), strings are a length and bytes, an integer in 8, 16 or 32
 * bits (for strings that are small canonical integers), or an LZF blob.
 *
 * Writing follows Redis 7.0 for the same value and encoding: lists as
 * QUICKLIST_2 of listpacks (nodes cut as RPUSH would fill them), hashes and
 * sorted sets as listpacks or as plain hash / ZSET_2, sets as intsets or plain
 * sets. Reading takes every type Redis 7.0 reads (ziplists, zipmaps, quicklist
 * v1, plus 7.2's set listpack) up to RDB version 11, and builds each value
 * through its class's normal methods, so the encoding is the one Redis would
 * give it under the current thresholds.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { RedisValue } from "../store/database.ts";
import { HashValue } from "../store/hash.ts";
import { ListValue } from "../store/list.ts";
import { RawString } from "../store/raw_string.ts";
import { SetValue } from "../store/set.ts";
import { SortedSetValue } from "../store/zset.ts";
import { type Latin1View, latin1View } from "../util/latin1.ts";
import { readBinary, writeBinary } from "./binary.ts";
import { formatDouble, strtod } from "../util/numbers.ts";
import { BlobError, decodeIntset, decodeZiplist, decodeZipmap, encodeIntset } from "./compact.ts";
import { type Crc64, crc64Matches, crc64Update, writeCrc64 } from "./crc64.ts";
import { decodeListpack, encodeListpack, int64Of, listpackEntryBytes, ListpackError } from "./listpack.ts";
import { lzfCompress, lzfDecompress } from "./lzf.ts";

/** The RDB version Redis 7.0 writes. */
export const RDB_VERSION = 10;
/** The newest version this reader accepts (Redis 7.2's). */
const RDB_MAX_READ_VERSION = 11;

/** A file or payload that cannot be read, and where. */
export class RdbError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset ${offset})`);
    this.name = "RdbError";
  }
}

// Object types (rdb.h).
export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(RDB_TYPE).map(([name, code]) => [code, name]),
);

// Opcodes.
const OP_FUNCTION2 = 245;
const OP_FUNCTION_PRE_GA = 246;
const OP_MODULE_AUX = 247;
const OP_IDLE = 248;
const OP_FREQ = 249;
const OP_AUX = 250;
const OP_RESIZEDB = 251;
const OP_EXPIRETIME_MS = 252;
const OP_EXPIRETIME = 253;
const OP_SELECTDB = 254;
const OP_EOF = 255;

// Length encodings.
const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

const QUICKLIST_NODE_PLAIN = 1;
const QUICKLIST_NODE_PACKED = 2;

/** quicklist.c's size limits for negative list-max-listpack-size values. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c: a node of a count-limited list stays below this many bytes. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist.c's overestimate of an entry's listpack overhead. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** quicklist.c: nodes smaller than this are not compressed (list-compress-depth). */
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;

// ---------------------------------------------------------------------------
// Writing

/** Writes an RDB stream into an internal growable buffer; take() hands over the bytes produced so far. */
export class RdbEncoder {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  /** The CRC of every byte already handed over plus buf[0, crcPos). */
  private crc: Crc64 = { lo: 0, hi: 0 };
  private crcPos = 0;
  readonly compress: boolean;
  readonly checksum: boolean;

  constructor(options: { compress: boolean; checksum: boolean }) {
    this.compress = options.compress;
    this.checksum = options.checksum;
  }

  /** Bytes buffered and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** "REDIS0010", then the AUX fields in order. */
  header(aux: [string, string][]): void {
    this.raw(`REDIS${String(RDB_VERSION).padStart(4, "0")}`);
    for (const [name, value] of aux) {
      this.byte(OP_AUX);
      this.string(name);
      this.string(value);
    }
  }

  /** SELECTDB and RESIZEDB (keys, keys with a TTL). */
  selectDb(index: number, size: number, expires: number): void {
    this.byte(OP_SELECTDB);
    this.len(index);
    this.byte(OP_RESIZEDB);
    this.len(size);
    this.len(expires);
  }

  /** One key: [EXPIRETIME_MS], the type, the key and the value. */
  entry(key: string, value: RedisValue, expireAt: number | undefined, config: Config): void {
    if (expireAt !== undefined) {
      this.byte(OP_EXPIRETIME_MS);
      this.int64(expireAt);
    }
    this.byte(objectType(value));
    this.string(key);
    this.object(value, config);
  }

  /** EOF and the CRC-64 of the whole stream (8 zero bytes when checksums are off). */
  end(): void {
    this.byte(OP_EOF);
    this.ensure(8);
    if (this.checksum) {
      crc64Update(this.crc, this.buf, this.crcPos, this.pos);
      writeCrc64(this.crc, this.buf, this.pos);
    } else {
      this.buf.fill(0, this.pos, this.pos + 8);
    }
    this.pos += 8;
    this.crcPos = this.pos;
  }

  /** The bytes produced since the last take (a copy; the encoder keeps its buffer). */
  take(): Uint8Array {
    if (this.checksum && this.crcPos < this.pos) crc64Update(this.crc, this.buf, this.crcPos, this.pos);
    let out: Uint8Array;
    if (this.pos > this.buf.length >> 1) {
      // Mostly full: hand the buffer over rather than copy it.
      out = this.buf.subarray(0, this.pos);
      this.buf = new Uint8Array(this.buf.length);
      this.view = new DataView(this.buf.buffer);
    } else {
      out = this.buf.slice(0, this.pos);
    }
    this.pos = 0;
    this.crcPos = 0;
    return out;
  }

  // -- the object format (also DUMP's) --

  /** A value as DUMP's body has it: the type byte, then the object. */
  typedObject(value: RedisValue, config: Config): void {
    this.byte(objectType(value));
    this.object(value, config);
  }

  /** A value in rdbSaveObject's format, without its type byte. */
  object(value: RedisValue, config: Config): void {
    if (typeof value === "string") return this.string(value);
    if (value instanceof RawString) return this.bytesString(value.view());
    switch (value.type) {
      case "list":
        return this.list(value as ListValue, config);
      case "hash": {
        const hash = value as HashValue;
        if (hash.isListpack) {
          const flat: string[] = [];
          for (const [field, v] of hash.entries()) flat.push(field, v);
          return this.blob(encodeListpack(flat));
        }
        this.len(hash.size);
        for (const [field, v] of hash.entries()) {
          this.string(field);
          this.string(v);
        }
        return;
      }
      case "set": {
        const set = value as SetValue;
        const members = set.members();
        if (set.encoding() === "intset") return this.blob(encodeIntset(members));
        this.len(members.length);
        for (const member of members) this.string(member);
        return;
      }
      case "zset": {
        const zset = value as SortedSetValue;
        if (zset.isListpack) {
          const flat: string[] = [];
          for (const [member, score] of zset.entries()) flat.push(member, listpackScore(score));
          return this.blob(encodeListpack(flat));
        }
        // Greatest first, as Redis walks its skip list backwards.
        const members: string[] = [];
        const scores: number[] = [];
        for (const [member, score] of zset.entries()) {
          members.push(member);
          scores.push(score);
        }
        this.len(members.length);
        for (let i = members.length - 1; i >= 0; i--) {
          this.string(members[i]);
          this.ensure(8);
          this.view.setFloat64(this.pos, scores[i], true);
          this.pos += 8;
        }
        return;
      }
      default:
        throw new Error(`cannot serialize a value of type ${value.type}`);
    }
  }

  /**
   * A list as QUICKLIST_2: listpack nodes cut where pushing the elements one by
   * one at the tail would cut them (list-max-listpack-size), the nodes more than
   * list-compress-depth from either end LZF-compressed as quicklist.c does.
   */
  private list(list: ListValue, config: Config): void {
    const fill = config.getNumber("list-max-listpack-size");
    const depth = config.getNumber("list-compress-depth");
    const elements = list.range(0, list.size - 1);
    const nodes = quicklistNodes(elements, fill);
    this.len(nodes.length);
    for (let n = 0; n < nodes.length; n++) {
      const [from, to] = nodes[n];
      this.len(QUICKLIST_NODE_PACKED);
      const lp = encodeListpack(elements.slice(from, to));
      if (depth > 0 && nodes.length > depth * 2 && n >= depth && n < nodes.length - depth) {
        if (lp.length >= MIN_COMPRESS_BYTES) {
          const packed = lzfCompress(lp, lp.length);
          if (packed !== null && packed.length + MIN_COMPRESS_IMPROVE < lp.length) {
            this.lzfBlob(packed, lp.length);
            continue;
          }
        }
      }
      this.blob(lp);
    }
  }

  // -- primitives --

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  private raw(text: string): void {
    this.ensure(text.length);
    writeBinary(this.buf, this.pos, text);
    this.pos += text.length;
  }

  private rawBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private int64(value: number): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt(Math.trunc(value)), true);
    this.pos += 8;
  }

  /** rdbSaveLen. */
  private len(n: number): void {
    this.ensure(9);
    const buf = this.buf;
    if (n < 1 << 6) {
      buf[this.pos++] = n;
    } else if (n < 1 << 14) {
      buf[this.pos++] = 0x40 | (n >> 8);
      buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      buf[this.pos++] = 0x80;
      this.view.setUint32(this.pos, n, false);
      this.pos += 4;
    } else {
      buf[this.pos++] = 0x81;
      this.view.setBigUint64(this.pos, BigInt(n), false);
      this.pos += 8;
    }
  }

  /** rdbSaveRawString for a binary string: an integer encoding, LZF, or length and bytes. */
  private string(s: string): void {
    const n = s.length;
    if (n <= 11 && this.integer(s)) return;
    if (this.compress && n > 20) {
      const bytes = new Uint8Array(n);
      writeBinary(bytes, 0, s);
      if (this.lzf(bytes)) return;
    }
    this.len(n);
    this.raw(s);
  }

  /** rdbSaveRawString for bytes. */
  private bytesString(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n <= 11 && this.integer(latin1View(bytes.slice()).latin1Slice(0, n))) return;
    this.blob(bytes);
  }

  /** rdbSaveRawString for a blob that is never an integer (listpacks, intsets). */
  private blob(bytes: Uint8Array): void {
    if (this.compress && bytes.length > 20 && this.lzf(bytes)) return;
    this.len(bytes.length);
    this.rawBytes(bytes);
  }

  /** rdbTryIntegerEncoding: a canonical integer within int32 as INT8/16/32. */
  private integer(s: string): boolean {
    const value = int64Of(s);
    if (typeof value !== "number") return false;
    this.ensure(5);
    const buf = this.buf;
    if (value >= -128 && value <= 127) {
      buf[this.pos++] = 0xc0 | ENC_INT8;
      buf[this.pos++] = value & 0xff;
    } else if (value >= -32768 && value <= 32767) {
      buf[this.pos++] = 0xc0 | ENC_INT16;
      this.view.setInt16(this.pos, value, true);
      this.pos += 2;
    } else if (value >= -2147483648 && value <= 2147483647) {
      buf[this.pos++] = 0xc0 | ENC_INT32;
      this.view.setInt32(this.pos, value, true);
      this.pos += 4;
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveLzfStringObject: only when it saves at least four bytes. */
  private lzf(bytes: Uint8Array): boolean {
    if (bytes.length <= 4) return false;
    const packed = lzfCompress(bytes, bytes.length - 4);
    if (packed === null) return false;
    this.lzfBlob(packed, bytes.length);
    return true;
  }

  private lzfBlob(packed: Uint8Array, originalLength: number): void {
    this.byte(0xc0 | ENC_LZF);
    this.len(packed.length);
    this.len(originalLength);
    this.rawBytes(packed);
  }
}

/**
 * A score as Redis 7.0's d2string writes it into a listpack: integral values
 * up to 2^62 in magnitude as integers (so the listpack stores an int64),
 * anything else as printf's %.17g.
 */
function listpackScore(score: number): string {
  if (score !== 0 && Number.isInteger(score) && Math.abs(score) <= 2 ** 62) return BigInt(score).toString();
  return formatDouble(score);
}

/**
 * Where a quicklist cuts `elements` into listpack nodes when they are pushed
 * one by one at the tail with list-max-listpack-size `fill`: each node's
 * [start, end) and its listpack's size in bytes.
 */
export function quicklistNodes(
  elements: readonly string[],
  fill: number,
): [start: number, end: number, bytes: number][] {
  const nodes: [start: number, end: number, bytes: number][] = [];
  let start = 0;
  let nodeSize = 0;
  let nodeCount = 0;
  for (let i = 0; i < elements.length; i++) {
    const size = elements[i].length;
    if (nodeCount > 0 && allowInsert(nodeSize, nodeCount, fill, size)) {
      nodeSize += listpackEntryBytes(elements[i]);
      nodeCount++;
    } else {
      if (nodeCount > 0) nodes.push([start, i, nodeSize]);
      start = i;
      nodeSize = 7 + listpackEntryBytes(elements[i]);
      nodeCount = 1;
    }
  }
  if (nodeCount > 0) nodes.push([start, elements.length, nodeSize]);
  return nodes;
}

/** quicklist.c's _quicklistNodeAllowInsert for a packed node of `nodeSize` bytes and `count` entries. */
function allowInsert(nodeSize: number, count: number, fill: number, size: number): boolean {
  const newSize = nodeSize + size + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const level = OPTIMIZATION_LEVEL[-fill - 1];
    if (level !== undefined && newSize <= level) return true;
  }
  if (newSize > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

/** The RDB type byte Redis 7.0 writes for a value. */
function objectType(value: RedisValue): number {
  if (typeof value === "string" || value instanceof RawString) return RDB_TYPE.STRING;
  switch (value.type) {
    case "list":
      return RDB_TYPE.LIST_QUICKLIST_2;
    case "hash":
      return (value as HashValue).isListpack ? RDB_TYPE.HASH_LISTPACK : RDB_TYPE.HASH;
    case "set":
      return (value as SetValue).encoding() === "intset" ? RDB_TYPE.SET_INTSET : RDB_TYPE.SET;
    case "zset":
      return (value as SortedSetValue).isListpack ? RDB_TYPE.ZSET_LISTPACK : RDB_TYPE.ZSET_2;
    default:
      throw new Error(`cannot serialize a value of type ${value.type}`);
  }
}

// ---------------------------------------------------------------------------
// Reading

class Reader {
  pos = 0;
  private readonly view: DataView;
  private readonly latin1: Latin1View;

  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.latin1 = latin1View(bytes);
  }

  fail(message: string, offset = this.pos): never {
    throw new RdbError(message, offset);
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.fail("unexpected end of data");
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  uint32le(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  int64le(): number {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }

  float64le(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** rdbLoadLenByRef: the length, or -(encoding + 1) for a special string encoding. */
  lenOrEncoding(): number {
    const start = this.pos;
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.byte();
    if (kind === 3) return -((b & 0x3f) + 1);
    if (b === 0x80) {
      this.need(4);
      const v = this.view.getUint32(this.pos, false);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.view.getBigUint64(this.pos, false);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail("length too large", start);
      return Number(v);
    }
    return this.fail(`unknown length encoding ${b}`, start);
  }

  len(): number {
    const start = this.pos;
    const n = this.lenOrEncoding();
    if (n < 0) this.fail("a length was expected, found an encoded string", start);
    return n;
  }

  /** A string as raw bytes (integer encodings become their decimal text). */
  blob(): Uint8Array {
    const start = this.pos;
    const n = this.lenOrEncoding();
    if (n >= 0) {
      this.need(n);
      const out = this.bytes.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const encoding = -n - 1;
    if (encoding === ENC_LZF) {
      const clen = this.len();
      const len = this.len();
      this.need(clen);
      // A back reference of 3 bytes makes at most 264: anything claiming more is corrupt.
      if (len > clen * 88 + 64) this.fail("invalid LZF compressed string length", start);
      const out = lzfDecompress(this.bytes.subarray(this.pos, this.pos + clen), len);
      if (out === null) this.fail("invalid LZF compressed string", start);
      this.pos += clen;
      return out;
    }
    return new TextEncoder().encode(this.encodedInteger(encoding, start));
  }

  /** A string as a binary string. */
  string(): string {
    const start = this.pos;
    const n = this.lenOrEncoding();
    if (n >= 0) {
      this.need(n);
      const s = readBinary(this.bytes, this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    const encoding = -n - 1;
    if (encoding === ENC_LZF) {
      this.pos = start;
      const bytes = this.blob();
      return latin1View(bytes).latin1Slice(0, bytes.length);
    }
    return this.encodedInteger(encoding, start);
  }

  private encodedInteger(encoding: number, start: number): string {
    if (encoding === ENC_INT8) {
      this.need(1);
      return String((this.bytes[this.pos++] << 24) >> 24);
    }
    if (encoding === ENC_INT16) {
      this.need(2);
      const v = this.view.getInt16(this.pos, true);
      this.pos += 2;
      return String(v);
    }
    if (encoding === ENC_INT32) {
      this.need(4);
      const v = this.view.getInt32(this.pos, true);
      this.pos += 4;
      return String(v);
    }
    return this.fail(`unknown string encoding ${encoding}`, start);
  }

  /** rdbLoadDoubleValue: the text form of old ZSET files. */
  textDouble(): number {
    const start = this.pos;
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    this.need(n);
    const text = this.latin1.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    const parsed = strtod(text);
    if (parsed.end !== text.length) this.fail("invalid double value", start);
    return parsed.value;
  }
}

/**
 * The config a listpack or ziplist hash or sorted set is loaded with: Redis
 * 7.0 converts those by their number of entries only, not by the length of
 * their elements (unlike plain hashes, sorted sets and zipmaps).
 */
function countLimitsOnly(config: Config): Config {
  return {
    getNumber: (name: string) =>
      name === "hash-max-listpack-value" || name === "zset-max-listpack-value"
        ? Number.MAX_SAFE_INTEGER
        : config.getNumber(name),
  } as unknown as Config;
}

function blobEntries(r: Reader, start: number, decode: (bytes: Uint8Array) => string[]): string[] {
  const bytes = r.blob();
  try {
    return decode(bytes);
  } catch (error) {
    // Redis's wording ("Ziplist integrity check failed."), which tools and its tests look for in the log.
    if (error instanceof ListpackError || error instanceof BlobError) {
      r.fail(`integrity check failed: ${error.message}`, start);
    }
    throw error;
  }
}

function fillList(list: ListValue, entries: string[]): void {
  for (const e of entries) list.push(e, false);
}

// The checks of a blob's entries fail in Redis's words for a blob ("Ziplist integrity check failed.").

function fillHash(r: Reader, hash: HashValue, entries: string[], config: Config, start: number): void {
  if (entries.length % 2 !== 0) {
    r.fail("integrity check failed: hash blob with an odd number of entries", start);
  }
  for (let i = 0; i < entries.length; i += 2) {
    if (!hash.set(entries[i], entries[i + 1], config)) {
      r.fail("integrity check failed: duplicate hash fields detected", start);
    }
  }
}

function parseScore(r: Reader, text: string, start: number): number {
  const parsed = strtod(text);
  if (parsed.end !== text.length || text.length === 0 || Number.isNaN(parsed.value)) {
    r.fail("invalid sorted set score", start);
  }
  return parsed.value;
}

function fillZset(r: Reader, zset: SortedSetValue, entries: string[], config: Config, start: number): void {
  if (entries.length % 2 !== 0) {
    r.fail("integrity check failed: sorted set blob with an odd number of entries", start);
  }
  for (let i = 0; i < entries.length; i += 2) {
    if (zset.score(entries[i]) !== undefined) {
      r.fail("integrity check failed: duplicate zset fields detected", start);
    }
    zset.insert(entries[i], parseScore(r, entries[i + 1], start), config);
  }
}

function fillSet(r: Reader, set: SetValue, members: string[], config: Config, start: number): void {
  const max = config.getNumber("set-max-intset-entries");
  for (const member of members) {
    if (!set.add(member, max)) r.fail("integrity check failed: duplicate set members detected", start);
  }
}

/**
 * One value of type `type` (rdbLoadObject); null for an empty collection,
 * which Redis skips.
 */
function readObject(r: Reader, type: number, config: Config): RedisValue | null {
  const start = r.pos;
  switch (type) {
    case RDB_TYPE.STRING:
      return r.string();
    case RDB_TYPE.LIST: {
      const list = new ListValue();
      for (let n = r.len(); n > 0; n--) list.push(r.string(), false);
      return list.size === 0 ? null : list;
    }
    case RDB_TYPE.SET: {
      const set = new SetValue();
      const max = config.getNumber("set-max-intset-entries");
      for (let n = r.len(); n > 0; n--) {
        const at = r.pos;
        if (!set.add(r.string(), max)) r.fail("duplicate set members detected", at);
      }
      return set.size === 0 ? null : set;
    }
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const zset = new SortedSetValue();
      for (let n = r.len(); n > 0; n--) {
        const at = r.pos;
        const member = r.string();
        const score = type === RDB_TYPE.ZSET_2 ? r.float64le() : r.textDouble();
        if (Number.isNaN(score)) r.fail("zset with a NAN score detected", at);
        if (zset.score(member) !== undefined) r.fail("duplicate zset fields detected", at);
        zset.insert(member, score, config);
      }
      return zset.size === 0 ? null : zset;
    }
    case RDB_TYPE.HASH: {
      const hash = new HashValue();
      for (let n = r.len(); n > 0; n--) {
        const at = r.pos;
        const field = r.string();
        const value = r.string();
        if (!hash.set(field, value, config)) r.fail("duplicate hash fields detected", at);
      }
      return hash.size === 0 ? null : hash;
    }
    case RDB_TYPE.LIST_QUICKLIST:
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const list = new ListValue();
      for (let nodes = r.len(); nodes > 0; nodes--) {
        const at = r.pos;
        let container = QUICKLIST_NODE_PACKED;
        if (type === RDB_TYPE.LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== QUICKLIST_NODE_PLAIN && container !== QUICKLIST_NODE_PACKED) {
            r.fail(`quicklist integrity check failed: unknown container ${container}`, at);
          }
        }
        if (container === QUICKLIST_NODE_PLAIN) {
          const element = r.string();
          // As Redis: a node, plain or packed, is never empty (a packed one is checked below).
          if (element.length === 0) r.fail("quicklist integrity check failed: empty plain node", at);
          list.push(element, false);
          continue;
        }
        const entries = blobEntries(
          r,
          at,
          type === RDB_TYPE.LIST_QUICKLIST_2 ? decodeListpack : decodeZiplist,
        );
        // Redis skips empty nodes rather than failing on them.
        fillList(list, entries);
      }
      return list.size === 0 ? null : list;
    }
    case RDB_TYPE.LIST_ZIPLIST: {
      const list = new ListValue();
      fillList(list, blobEntries(r, start, decodeZiplist));
      return list.size === 0 ? null : list;
    }
    case RDB_TYPE.SET_INTSET:
    case RDB_TYPE.SET_LISTPACK: {
      const set = new SetValue();
      const members = blobEntries(r, start, type === RDB_TYPE.SET_INTSET ? decodeIntset : decodeListpack);
      fillSet(r, set, members, config, start);
      return set.size === 0 ? null : set;
    }
    case RDB_TYPE.HASH_ZIPMAP:
    case RDB_TYPE.HASH_ZIPLIST:
    case RDB_TYPE.HASH_LISTPACK: {
      const hash = new HashValue();
      const decode = type === RDB_TYPE.HASH_ZIPMAP
        ? decodeZipmap
        : type === RDB_TYPE.HASH_ZIPLIST
        ? decodeZiplist
        : decodeListpack;
      const limits = type === RDB_TYPE.HASH_ZIPMAP ? config : countLimitsOnly(config);
      fillHash(r, hash, blobEntries(r, start, decode), limits, start);
      return hash.size === 0 ? null : hash;
    }
    case RDB_TYPE.ZSET_ZIPLIST:
    case RDB_TYPE.ZSET_LISTPACK: {
      const zset = new SortedSetValue();
      const entries = blobEntries(r, start, type === RDB_TYPE.ZSET_ZIPLIST ? decodeZiplist : decodeListpack);
      fillZset(r, zset, entries, countLimitsOnly(config), start);
      return zset.size === 0 ? null : zset;
    }
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
    case RDB_TYPE.STREAM_LISTPACKS_3:
      return r.fail(`streams are not supported yet (RDB type ${type}, ${TYPE_NAMES[type]})`, start - 1);
    case RDB_TYPE.MODULE_PRE_GA:
    case RDB_TYPE.MODULE_2:
      return r.fail(`module values are not supported (RDB type ${type}, ${TYPE_NAMES[type]})`, start - 1);
    default:
      return r.fail(`unknown RDB object type ${type}`, start - 1);
  }
}

/** Whether `type` is an object type byte (as opposed to an opcode). */
function isObjectType(type: number): boolean {
  return (type >= 0 && type <= 7) || (type >= 9 && type <= 21);
}

/**
 * What a reader of a whole file may watch besides the keys (redis-check-rdb's
 * report): each callback gets the offset just past what it reports, as
 * redis-check-rdb prints `rio.processed_bytes`.
 */
export interface RdbObserver {
  aux?(name: string, value: string, offset: number): void;
  selectDb?(db: number, offset: number): void;
  /** Before a key's value is read: its type byte and name. */
  key?(type: number, key: string, offset: number): void;
  /** "ok", or "disabled" for a zero checksum (none is checked before RDB version 5). */
  checksum?(status: "ok" | "disabled", offset: number): void;
}

/**
 * Parses a whole RDB file; calls `visit` per key; throws RdbError naming the
 * offset on corruption or a bad checksum (unless `verifyChecksum` is false, as
 * after DEBUG SET-SKIP-CHECKSUM-VALIDATION 1).
 */
export function loadRdb(
  bytes: Uint8Array,
  config: Config,
  visit: (db: number, key: string, value: RedisValue, expireAt: number | undefined) => void,
  observer: RdbObserver = {},
  verifyChecksum = true,
): { version: number; aux: Map<string, string> } {
  const steps = loadRdbSteps(bytes, config, visit, { observer, keysPerStep: Infinity, verifyChecksum });
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link loadRdb} as a generator, for loading in slices between turns of the
 * event loop: it yields the offset reached (bytes parsed) after every
 * `keysPerStep` keys, and returns what loadRdb returns. Errors are thrown from
 * the `next()` that meets them.
 */
export function* loadRdbSteps(
  bytes: Uint8Array,
  config: Config,
  visit: (db: number, key: string, value: RedisValue, expireAt: number | undefined) => void,
  options: { keysPerStep?: number; observer?: RdbObserver; verifyChecksum?: boolean } = {},
): Generator<number, { version: number; aux: Map<string, string> }, void> {
  const keysPerStep = options.keysPerStep ?? 1024;
  const observer = options.observer ?? {};
  const r = new Reader(bytes);
  r.need(9);
  const magic = latin1View(bytes).latin1Slice(0, 9);
  if (!magic.startsWith("REDIS")) r.fail("wrong signature trying to load DB from file", 0);
  const versionText = magic.slice(5);
  if (!/^[0-9]{4}$/.test(versionText)) r.fail("wrong signature trying to load DB from file", 0);
  const version = Number(versionText);
  if (version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${version}`, 5);
  r.pos = 9;
  const aux = new Map<string, string>();
  let db = 0;
  let expireAt: number | undefined = undefined;
  let keysInStep = 0;
  for (;;) {
    const at = r.pos;
    const type = r.byte();
    if (type === OP_EXPIRETIME) {
      expireAt = r.uint32le() * 1000;
      continue;
    }
    if (type === OP_EXPIRETIME_MS) {
      expireAt = r.int64le();
      continue;
    }
    if (type === OP_FREQ) {
      r.byte();
      continue;
    }
    if (type === OP_IDLE) {
      r.len();
      continue;
    }
    if (type === OP_EOF) break;
    if (type === OP_SELECTDB) {
      db = r.len();
      observer.selectDb?.(db, r.pos);
      continue;
    }
    if (type === OP_RESIZEDB) {
      r.len();
      r.len();
      continue;
    }
    if (type === OP_AUX) {
      const name = r.string();
      const value = r.string();
      aux.set(name, value);
      observer.aux?.(name, value, r.pos);
      continue;
    }
    if (type === OP_MODULE_AUX) r.fail("module auxiliary data is not supported", at);
    if (type === OP_FUNCTION2 || type === OP_FUNCTION_PRE_GA) r.fail("functions are not supported yet", at);
    if (!isObjectType(type)) r.fail(`unknown RDB object type or opcode ${type}`, at);
    const key = r.string();
    observer.key?.(type, key, r.pos);
    const value = readObject(r, type, config);
    if (value !== null) visit(db, key, value, expireAt);
    expireAt = undefined;
    if (++keysInStep >= keysPerStep) {
      keysInStep = 0;
      yield r.pos;
    }
  }
  if (version >= 5) {
    const end = r.pos;
    r.need(8);
    let stored = false;
    for (let i = 0; i < 8; i++) if (bytes[end + i] !== 0) stored = true;
    if (stored && options.verifyChecksum !== false) {
      const crc = crc64Update({ lo: 0, hi: 0 }, bytes, 0, end);
      if (!crc64Matches(crc, bytes, end)) r.fail("wrong RDB checksum", end);
    }
    r.pos += 8;
    observer.checksum?.(stored ? "ok" : "disabled", r.pos);
  }
  return { version, aux };
}

// ---------------------------------------------------------------------------
// DUMP / RESTORE

/** DUMP's payload: the value's RDB object + 2-byte RDB version + CRC64, as Redis's createDumpPayload. */
export function dumpPayload(value: RedisValue, config: Config): Uint8Array {
  const encoder = new RdbEncoder({ compress: config.get("rdbcompression") === "yes", checksum: false });
  encoder.typedObject(value, config);
  const body = encoder.take();
  const out = new Uint8Array(body.length + 10);
  out.set(body);
  out[body.length] = RDB_VERSION & 0xff;
  out[body.length + 1] = RDB_VERSION >> 8;
  const crc = crc64Update({ lo: 0, hi: 0 }, out, 0, body.length + 2);
  writeCrc64(crc, out, body.length + 2);
  return out;
}

/**
 * RESTORE's check and parse: null when the version or checksum is wrong
 * ("ERR DUMP payload version or checksum are wrong"); throws {@link RdbError}
 * when they are right but the object is malformed, or is an empty collection
 * ("ERR Bad data format"). With `verifyChecksum` false (DEBUG
 * SET-SKIP-CHECKSUM-VALIDATION 1) only the version is checked, as Redis's
 * verifyDumpPayload.
 */
export function restorePayload(
  payload: Uint8Array,
  config: Config,
  verifyChecksum = true,
): RedisValue | null {
  const n = payload.length;
  if (n < 10) return null;
  const version = payload[n - 10] | (payload[n - 9] << 8);
  if (version > RDB_VERSION) return null;
  if (verifyChecksum && !crc64Matches(crc64Update({ lo: 0, hi: 0 }, payload, 0, n - 8), payload, n - 8)) {
    return null;
  }
  // Redis reads the object from the whole payload, footer included.
  const r = new Reader(payload);
  const type = r.byte();
  if (!isObjectType(type)) r.fail(`unknown RDB object type ${type}`, 0);
  const value = readObject(r, type, config);
  if (value === null) r.fail("empty keys are not allowed", 0);
  return value;
}
