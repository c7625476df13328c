/**
 * Bitmap commands (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO, on the same string values as the string commands.
 *
 * Writes change a {@link RawString}'s bytes in place, so setting one bit of a
 * large bitmap does not copy it. Reads work on either representation as it is
 * stored ({@link Bytes}): a RawString's live view or a binary string.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { RawString, type StringValue, toRaw } from "../store/raw_string.ts";
import { binaryToBytes } from "../util/latin1.ts";
import { parseInt64, parseInteger } from "../util/numbers.ts";
import { FAILED, integerArg, readString, writeString } from "./access.ts";
import { NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";

const BIT_OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
const BIT_VALUE_ERROR = "ERR bit is not an integer or out of range";
const BIT_ARGUMENT_ERROR = "ERR The bit argument must be 1 or 0.";
const BITOP_NOT_ERROR = "ERR BITOP NOT must be called with a single source key.";
const FIELD_TYPE_ERROR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const OVERFLOW_TYPE_ERROR = "ERR Invalid OVERFLOW type specified";
const READONLY_FIELD_ERROR = "ERR BITFIELD_RO only supports the GET subcommand";

// ---------------------------------------------------------------------------
// Bits of a byte string. Positions count from the most significant bit of the
// first byte, as Redis numbers them; bits past the end read as 0.

/** A string value's bytes as stored: a RawString's view or a binary string. */
export type Bytes = Uint8Array | string;

function bytesOf(value: StringValue): Bytes {
  return typeof value === "string" ? value : value.view();
}

function byteAt(src: Bytes, index: number): number {
  if (index >= src.length) return 0;
  return typeof src === "string" ? src.charCodeAt(index) : src[index];
}

/** The unsigned integer in the `width` (at most 32) bits from `pos`. */
export function readBits(src: Bytes, pos: number, width: number): number {
  let value = 0;
  while (width > 0) {
    const index = Math.floor(pos / 8);
    const used = pos - index * 8;
    const take = Math.min(8 - used, width);
    const chunk = (byteAt(src, index) >>> (8 - used - take)) & ((1 << take) - 1);
    // Multiplying, not shifting, keeps 32-bit values unsigned.
    value = value * (1 << take) + chunk;
    pos += take;
    width -= take;
  }
  return value;
}

/** Stores the unsigned `value` in the `width` (at most 32) bits from `pos`, which must be in `bytes`. */
export function writeBits(bytes: Uint8Array, pos: number, width: number, value: number): void {
  while (width > 0) {
    const index = Math.floor(pos / 8);
    const used = pos - index * 8;
    const take = Math.min(8 - used, width);
    width -= take;
    const shift = 8 - used - take;
    const mask = (1 << take) - 1;
    bytes[index] = (bytes[index] & ~(mask << shift)) | (((value >>> width) & mask) << shift);
    pos += take;
  }
}

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/** Set bits in the bytes [start, end). */
function countBytes(src: Bytes, start: number, end: number): number {
  let count = 0;
  let i = start;
  if (typeof src === "string") {
    for (; i < end; i++) count += POPCOUNT[src.charCodeAt(i)];
    return count;
  }
  while (i < end && (src.byteOffset + i) % 4 !== 0) count += POPCOUNT[src[i++]];
  if (end - i >= 4) {
    // 32 bits at a time (SWAR): about four times the speed of the table on large bitmaps.
    const words = new Int32Array(src.buffer, src.byteOffset + i, Math.floor((end - i) / 4));
    for (let w = 0; w < words.length; w++) {
      let v = words[w];
      v = (v - ((v >>> 1) & 0x55555555)) | 0;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words.length * 4;
  }
  for (; i < end; i++) count += POPCOUNT[src[i]];
  return count;
}

/** Set bits among the bit positions [from, to), which lie within `src`. */
export function countBits(src: Bytes, from: number, to: number): number {
  const firstWhole = Math.ceil(from / 8);
  const endWhole = Math.floor(to / 8);
  if (firstWhole > endWhole) return countSingly(src, from, to);
  return countSingly(src, from, firstWhole * 8) + countBytes(src, firstWhole, endWhole) +
    countSingly(src, endWhole * 8, to);
}

/** The edges of a bit range, under a byte each. */
function countSingly(src: Bytes, from: number, to: number): number {
  let count = 0;
  for (let pos = from; pos < to; pos++) count += readBits(src, pos, 1);
  return count;
}

/** The first byte in [from, to) that is not `skip`, or `to`. */
function firstByteNot(src: Bytes, from: number, to: number, skip: number): number {
  let i = from;
  if (typeof src === "string") {
    while (i < to && src.charCodeAt(i) === skip) i++;
    return i;
  }
  while (i < to && (src.byteOffset + i) % 4 !== 0 && src[i] === skip) i++;
  if (i < to && src[i] === skip) {
    // Long runs of 0x00 or 0xff are what BITPOS crosses; skip them a word at a time.
    const words = new Int32Array(src.buffer, src.byteOffset + i, Math.floor((to - i) / 4));
    const skipWord = skip === 0 ? 0 : -1;
    let w = 0;
    while (w < words.length && words[w] === skipWord) w++;
    i += w * 4;
  }
  while (i < to && src[i] === skip) i++;
  return i;
}

/** The first position in [from, to) holding `bit`, or -1. */
export function findBit(src: Bytes, bit: number, from: number, to: number): number {
  let pos = from;
  for (; pos < to && pos % 8 !== 0; pos++) {
    if (readBits(src, pos, 1) === bit) return pos;
  }
  if (pos >= to) return -1;
  pos = firstByteNot(src, pos / 8, Math.floor(to / 8), bit === 1 ? 0 : 0xff) * 8;
  // Now within a byte of the answer, or in the last partial byte.
  for (; pos < to; pos++) {
    if (readBits(src, pos, 1) === bit) return pos;
  }
  return -1;
}

export type BitOperation = "and" | "or" | "xor" | "not";

/**
 * BITOP's result: the sources combined byte by byte, each read as if padded
 * with zero bytes to the longest.
 */
export function bitop(operation: BitOperation, sources: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const source of sources) length = Math.max(length, source.length);
  const result = new Uint8Array(length);
  result.set(sources[0]);
  const words = new Int32Array(result.buffer, 0, Math.floor(length / 4));
  if (operation === "not") {
    for (let w = 0; w < words.length; w++) words[w] = ~words[w];
    for (let i = words.length * 4; i < length; i++) result[i] ^= 0xff;
    return result;
  }
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s];
    let i = 0;
    if (source.byteOffset % 4 === 0) {
      const theirs = new Int32Array(source.buffer, source.byteOffset, Math.floor(source.length / 4));
      const n = theirs.length;
      switch (operation) {
        case "and":
          for (let w = 0; w < n; w++) words[w] &= theirs[w];
          break;
        case "or":
          for (let w = 0; w < n; w++) words[w] |= theirs[w];
          break;
        default:
          for (let w = 0; w < n; w++) words[w] ^= theirs[w];
      }
      i = n * 4;
    }
    for (; i < source.length; i++) {
      if (operation === "and") result[i] &= source[i];
      else if (operation === "or") result[i] |= source[i];
      else result[i] ^= source[i];
    }
    if (operation === "and") result.fill(0, source.length);
  }
  return result;
}

// ---------------------------------------------------------------------------
// BITFIELD integers. Widths up to 32 stay on plain numbers; wider ones use
// BigInt, whose asIntN/asUintN give C's int64 wrapping exactly.

export interface FieldType {
  signed: boolean;
  bits: number;
}

export type Overflow = "wrap" | "sat" | "fail";

/** The field at `pos`: a number up to 32 bits, a bigint beyond. */
export function readField(src: Bytes, pos: number, type: FieldType): number | bigint {
  const { signed, bits } = type;
  if (bits <= 32) {
    const value = readBits(src, pos, bits);
    return signed && value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
  }
  const high = readBits(src, pos, bits - 32);
  const value = (BigInt(high) << 32n) | BigInt(readBits(src, pos + bits - 32, 32));
  return signed ? BigInt.asIntN(bits, value) : value;
}

/** Stores a value that fits the field (two's complement when negative). */
export function writeField(bytes: Uint8Array, pos: number, type: FieldType, value: number | bigint): void {
  const bits = type.bits;
  if (bits <= 32) {
    const n = Number(value);
    writeBits(bytes, pos, bits, n < 0 ? n + 2 ** bits : n);
    return;
  }
  const unsigned = BigInt.asUintN(bits, BigInt(value));
  writeBits(bytes, pos, bits - 32, Number(unsigned >> 32n));
  writeBits(bytes, pos + bits - 32, 32, Number(unsigned & 0xffffffffn));
}

/** Arguments up to this size keep a narrow field's arithmetic exact on numbers. */
const NUMBER_ARGUMENT_LIMIT = 2 ** 52;

/**
 * What SET (`increment` false) or INCRBY stores in a field holding `old`:
 * Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow, including
 * their quirks (an unsigned SET of a negative value overflows upwards, so SAT
 * stores the maximum). null when OVERFLOW FAIL refuses the write.
 */
export function fieldResult(
  type: FieldType,
  old: number | bigint,
  argument: number | bigint,
  increment: boolean,
  overflow: Overflow,
): number | bigint | null {
  if (typeof old === "number" && typeof argument === "number") {
    return numberFieldResult(type, old, argument, increment, overflow);
  }
  const { signed, bits } = type;
  const value = increment ? BigInt(old) : signed ? BigInt(argument) : BigInt.asUintN(64, BigInt(argument));
  const delta = increment ? BigInt(argument) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  // Redis computes these in int64, wrapping; the wrap decides a few cases.
  const maxDelta = BigInt.asIntN(64, max - value);
  const minDelta = BigInt.asIntN(64, min - value);
  let direction = 0;
  if (signed) {
    const narrow = bits !== 64;
    if (value > max || (narrow && delta > maxDelta) || (value >= 0n && delta > 0n && delta > maxDelta)) {
      direction = 1;
    } else if (
      value < min || (narrow && delta < minDelta) || (value < 0n && delta < 0n && delta < minDelta)
    ) {
      direction = -1;
    }
  } else if (value > max || (delta > 0n && delta > maxDelta)) {
    direction = 1;
  } else if (delta < 0n && delta < minDelta) {
    direction = -1;
  }
  if (direction === 0) return value + delta;
  if (overflow === "fail") return null;
  if (overflow === "sat") return direction > 0 ? max : min;
  return signed ? BigInt.asIntN(bits, value + delta) : BigInt.asUintN(bits, value + delta);
}

/** {@link fieldResult} for widths up to 32 and small arguments, where plain arithmetic is exact. */
function numberFieldResult(
  type: FieldType,
  old: number,
  argument: number,
  increment: boolean,
  overflow: Overflow,
): number | null {
  const { signed, bits } = type;
  const sum = increment ? old + argument : argument;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  // Unsigned, a negative SET value is a huge uint64 to Redis: above the maximum.
  const above = sum > max || (!signed && !increment && argument < 0);
  if (!above && sum >= min) return sum;
  if (overflow === "fail") return null;
  if (overflow === "sat") return above ? max : min;
  const wrapped = ((sum % 2 ** bits) + 2 ** bits) % 2 ** bits;
  return signed && wrapped > max ? wrapped - 2 ** bits : wrapped;
}

// ---------------------------------------------------------------------------
// Arguments

/** The least proto-max-bulk-len there can be, in bits. */
const MIN_LIMIT_BITS = 8 * 1024 * 1024;

/**
 * A bit offset as Redis's getBitOffsetFromArgument reads it. `#n` (BITFIELD)
 * counts in field widths, multiplied in wrapping int64 as C does; the offset
 * must address a byte below proto-max-bulk-len.
 */
function bitOffsetArg(client: Client, text: string, width = 0): number | typeof FAILED {
  let offset: number | null;
  if (width > 0 && text.charCodeAt(0) === 35) {
    const units = parseInt64(text.slice(1));
    offset = units === null ? null : Number(BigInt.asIntN(64, units * BigInt(width)));
  } else {
    offset = parseInteger(text);
  }
  // proto-max-bulk-len is at least 1mb: only offsets past that need the lookup.
  if (
    offset === null || offset < 0 ||
    (offset >= MIN_LIMIT_BITS && offset / 8 >= client.server.config.getNumber("proto-max-bulk-len"))
  ) {
    client.writer.error(BIT_OFFSET_ERROR);
    return FAILED;
  }
  return offset;
}

/** BYTE or BIT, in any case: whether the range counts bits. */
function unitArg(client: Client, text: string): boolean | typeof FAILED {
  const unit = text.toLowerCase();
  if (unit === "bit" || unit === "byte") return unit === "bit";
  client.writer.error(SYNTAX_ERROR);
  return FAILED;
}

/**
 * A BITCOUNT/BITPOS range on a value of `length` bytes as bit positions
 * [from, to), with Redis's rules: negative indexes count from the end, both
 * ends are clamped into the value, and a missing end means the last byte (or
 * bit). Empty when from >= to.
 */
function bitRange(length: number, start: number, end: number | undefined, isBit: boolean): [number, number] {
  const total = isBit ? length * 8 : length;
  let last = end ?? total - 1;
  if (start < 0) start = Math.max(0, total + start);
  if (last < 0) last = Math.max(0, total + last);
  last = Math.min(last, total - 1);
  return isBit ? [start, last + 1] : [start * 8, (last + 1) * 8];
}

// ---------------------------------------------------------------------------
// Commands

/**
 * The string at `key` made writable and at least `size` bytes long, as Redis's
 * lookupStringForBitCommand: created zero-filled when missing, zero-padded when
 * shorter, its TTL kept. FAILED (after replying) for another type. Write
 * lookups do not count as keyspace hits or misses.
 */
function writableBitmap(
  client: Client,
  key: string,
  size: number,
): { raw: RawString; grown: boolean } | typeof FAILED {
  const db = client.db;
  const value = writeString(client, key);
  if (value === FAILED) return FAILED;
  if (value === undefined) {
    const raw = new RawString(new Uint8Array(size));
    db.set(key, raw);
    return { raw, grown: true };
  }
  const raw = toRaw(value);
  if (raw !== value) db.overwrite(key, raw);
  const grown = raw.length < size;
  if (grown) raw.resize(size);
  return { raw, grown };
}

function setbit(client: Client, argv: string[]): void {
  const offset = bitOffsetArg(client, argv[2]);
  if (offset === FAILED) return;
  const bit = parseInteger(argv[3]);
  if (bit !== 0 && bit !== 1) {
    client.writer.error(BIT_VALUE_ERROR);
    return;
  }
  const target = writableBitmap(client, argv[1], Math.floor(offset / 8) + 1);
  if (target === FAILED) return;
  const old = readBits(target.raw.bytes, offset, 1);
  if (target.grown || old !== bit) {
    writeBits(target.raw.bytes, offset, 1, bit);
    client.server.propagate(client.db, argv);
  }
  client.writer.integer(old);
}

function getbit(client: Client, argv: string[]): void {
  const offset = bitOffsetArg(client, argv[2]);
  if (offset === FAILED) return;
  const value = readString(client, argv[1]);
  if (value === FAILED) return;
  client.writer.integer(value === undefined ? 0 : readBits(bytesOf(value), offset, 1));
}

function bitcount(client: Client, argv: string[]): void {
  const w = client.writer;
  // Redis 7.0 looks the key up before reading any argument.
  const value = readString(client, argv[1]);
  if (value === FAILED) return;
  if (value === undefined) {
    w.integer(0);
    return;
  }
  const src = bytesOf(value);
  if (argv.length === 2) {
    w.integer(countBits(src, 0, src.length * 8));
    return;
  }
  if (argv.length !== 4 && argv.length !== 5) {
    w.error(SYNTAX_ERROR);
    return;
  }
  const start = integerArg(client, argv[2]);
  if (start === FAILED) return;
  const end = integerArg(client, argv[3]);
  if (end === FAILED) return;
  // Both negative and crossed is empty, checked before the unit; past 2^53 the order needs the exact values.
  const exact = Number.isSafeInteger(start) && Number.isSafeInteger(end);
  if (start < 0 && end < 0 && (exact ? start > end : BigInt(argv[2]) > BigInt(argv[3]))) {
    w.integer(0);
    return;
  }
  const isBit = argv.length === 5 ? unitArg(client, argv[4]) : false;
  if (isBit === FAILED) return;
  const [from, to] = bitRange(src.length, start, end, isBit);
  w.integer(from < to ? countBits(src, from, to) : 0);
}

function bitpos(client: Client, argv: string[]): void {
  const w = client.writer;
  const bit = integerArg(client, argv[2]);
  if (bit === FAILED) return;
  if (bit !== 0 && bit !== 1) {
    w.error(BIT_ARGUMENT_ERROR);
    return;
  }
  const value = readString(client, argv[1]);
  if (value === FAILED) return;
  if (value === undefined) {
    // A missing key is an endless run of zeros.
    w.integer(bit === 1 ? -1 : 0);
    return;
  }
  if (argv.length > 6) {
    w.error(SYNTAX_ERROR);
    return;
  }
  let start = 0;
  let end: number | undefined;
  let isBit = false;
  if (argv.length >= 4) {
    const first = integerArg(client, argv[3]);
    if (first === FAILED) return;
    start = first;
    if (argv.length === 6) {
      const unit = unitArg(client, argv[5]);
      if (unit === FAILED) return;
      isBit = unit;
    }
    if (argv.length >= 5) {
      const last = integerArg(client, argv[4]);
      if (last === FAILED) return;
      end = last;
    }
  }
  const src = bytesOf(value);
  const [from, to] = bitRange(src.length, start, end, isBit);
  if (from >= to) {
    w.integer(-1);
    return;
  }
  const found = findBit(src, bit, from, to);
  // Without an explicit end the value counts as padded with zeros on the right.
  w.integer(found === -1 && bit === 0 && end === undefined ? to : found);
}

function bitopCommand(client: Client, argv: string[]): void {
  const operation = argv[1].toLowerCase();
  if (operation !== "and" && operation !== "or" && operation !== "xor" && operation !== "not") {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  if (operation === "not" && argv.length !== 4) {
    client.writer.error(BITOP_NOT_ERROR);
    return;
  }
  const sources: Uint8Array[] = [];
  for (let i = 3; i < argv.length; i++) {
    const value = readString(client, argv[i]);
    if (value === FAILED) return;
    if (value === undefined) sources.push(new Uint8Array(0));
    // A binary string is copied with one native call, faster than reading it char by char.
    else if (typeof value === "string") sources.push(binaryToBytes(value));
    else sources.push(value.view());
  }
  const result = bitop(operation, sources);
  const db = client.db;
  const dest = argv[2];
  if (result.length > 0) {
    db.set(dest, new RawString(result));
    client.server.propagate(db, argv);
    notifyKeyspaceEvent(client, NOTIFY.STRING, "set", dest);
  } else if (db.delete(dest)) {
    client.server.propagate(db, argv);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", dest);
  }
  client.writer.integer(result.length);
}

interface FieldOp {
  type: FieldType;
  offset: number;
  /** null for GET, otherwise SET's value or INCRBY's increment. */
  argument: number | bigint | null;
  increment: boolean;
  overflow: Overflow;
}

/** `u8`, `i64`: lower case only, and read up to a NUL byte, as Redis does. */
function fieldTypeArg(client: Client, text: string): FieldType | typeof FAILED {
  const sign = text[0];
  const nul = text.indexOf("\0");
  const bits = parseInteger(text.slice(1, nul === -1 ? undefined : nul));
  if ((sign === "i" || sign === "u") && bits !== null && bits >= 1 && bits <= (sign === "i" ? 64 : 63)) {
    return { signed: sign === "i", bits };
  }
  client.writer.error(FIELD_TYPE_ERROR);
  return FAILED;
}

/** A SET value or INCRBY increment: a number where that keeps the arithmetic exact. */
function fieldArgument(client: Client, text: string): number | bigint | typeof FAILED {
  const value = parseInt64(text);
  if (value === null) {
    client.writer.error(NOT_INTEGER);
    return FAILED;
  }
  const small = value <= NUMBER_ARGUMENT_LIMIT && value >= -NUMBER_ARGUMENT_LIMIT;
  return small ? Number(value) : value;
}

/** Parses BITFIELD's operations, replying with the first error. */
function parseFieldOps(client: Client, argv: string[]): FieldOp[] | typeof FAILED {
  const ops: FieldOp[] = [];
  let overflow: Overflow = "wrap";
  for (let j = 2; j < argv.length; j++) {
    const name = argv[j].toLowerCase();
    const remaining = argv.length - j - 1;
    if (name === "overflow" && remaining >= 1) {
      const mode = argv[++j].toLowerCase();
      if (mode !== "wrap" && mode !== "sat" && mode !== "fail") {
        client.writer.error(OVERFLOW_TYPE_ERROR);
        return FAILED;
      }
      overflow = mode;
      continue;
    }
    const get = name === "get" && remaining >= 2;
    if (!get && !((name === "set" || name === "incrby") && remaining >= 3)) {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
    const type = fieldTypeArg(client, argv[j + 1]);
    if (type === FAILED) return FAILED;
    const offset = bitOffsetArg(client, argv[j + 2], type.bits);
    if (offset === FAILED) return FAILED;
    let argument: number | bigint | null = null;
    if (!get) {
      const parsed = fieldArgument(client, argv[j + 3]);
      if (parsed === FAILED) return FAILED;
      argument = parsed;
    }
    ops.push({ type, offset, argument, increment: name === "incrby", overflow });
    j += get ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(readonly: boolean) {
  return (client: Client, argv: string[]): void => {
    const ops = parseFieldOps(client, argv);
    if (ops === FAILED) return;
    let lastWritten = -1;
    for (const op of ops) {
      if (op.argument !== null) lastWritten = Math.max(lastWritten, op.offset + op.type.bits - 1);
    }
    const w = client.writer;
    if (lastWritten === -1) {
      const value = readString(client, argv[1]);
      if (value === FAILED) return;
      const src = value === undefined ? "" : bytesOf(value);
      w.array(ops.length);
      for (const op of ops) w.integer(readField(src, op.offset, op.type));
      return;
    }
    if (readonly) {
      w.error(READONLY_FIELD_ERROR);
      return;
    }
    const target = writableBitmap(client, argv[1], Math.floor(lastWritten / 8) + 1);
    if (target === FAILED) return;
    const bytes = target.raw.view();
    // Redis 7.0 propagates only changed values, so a key created or padded by writes that
    // OVERFLOW FAIL refused never reaches its replicas; here it does.
    let changed = target.grown;
    w.array(ops.length);
    for (const op of ops) {
      const old = readField(bytes, op.offset, op.type);
      if (op.argument === null) {
        w.integer(old);
        continue;
      }
      const stored = fieldResult(op.type, old, op.argument, op.increment, op.overflow);
      if (stored === null) {
        w.null();
        continue;
      }
      writeField(bytes, op.offset, op.type, stored);
      // Loosely: a narrow field's new value is a bigint when its argument was a large one.
      changed ||= stored != old;
      w.integer(op.increment ? stored : old);
    }
    if (changed) client.server.propagate(client.db, argv);
  };
}

const BITMAP = { group: "bitmap", categories: ["bitmap"] };

export const bitmapCommands: CommandDefinition[] = [
  {
    ...BITMAP,
    name: "setbit",
    notify: [NOTIFY.STRING],
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Sets or clears the bit at offset in the string value stored at key",
    complexity: "O(1)",
    handler: setbit,
  },
  {
    ...BITMAP,
    name: "getbit",
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Returns the bit value at offset in the string value stored at key",
    complexity: "O(1)",
    handler: getbit,
  },
  {
    ...BITMAP,
    name: "bitcount",
    arity: -2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "2.6.0",
    summary: "Count set bits in a string",
    complexity: "O(N)",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    handler: bitcount,
  },
  {
    ...BITMAP,
    name: "bitpos",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "2.8.7",
    summary: "Find first bit set or clear in a string",
    complexity: "O(N)",
    history: [["7.0.0", "Added the `BYTE|BIT` option."]],
    handler: bitpos,
  },
  {
    ...BITMAP,
    name: "bitop",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: [2, -1, 1],
    since: "2.6.0",
    summary: "Perform bitwise operations between strings",
    complexity: "O(N)",
    handler: bitopCommand,
  },
  {
    ...BITMAP,
    name: "bitfield",
    notify: [NOTIFY.STRING, "setbit"],
    arity: -2,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "3.2.0",
    summary: "Perform arbitrary bitfield integer operations on strings",
    complexity: "O(1) for each subcommand specified",
    handler: bitfieldGeneric(false),
  },
  {
    ...BITMAP,
    name: "bitfield_ro",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "6.0.0",
    summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    complexity: "O(1) for each subcommand specified",
    handler: bitfieldGeneric(true),
  },
];
