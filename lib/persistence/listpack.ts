/**
 * Redis's listpack (listpack.c), the blob RDB stores small hashes, sorted sets
 * and list nodes in: a 6-byte header (total bytes, uint32 LE; element count,
 * uint16 LE, 65535 meaning "count them"), the entries, and a 0xFF terminator.
 * Each entry is an encoding byte (with its length or small integer), the data,
 * and a "backlen" (the entry's size, 7 bits a byte, for walking backwards).
 *
 * A string that reads as an int64 in string2ll's syntax is stored as an
 * integer in the smallest encoding that holds it, as lpAppend does.
 *
 * @module
 */
import { readBinary, writeBinary } from "./binary.ts";

const HEADER_SIZE = 6;
const EOF = 0xff;

/** An integer-syntax string's value, exact: a number when safe, else a bigint; null when not an int64. */
export function int64Of(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  if (n < 16) return Number(s);
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/** Bytes of the backlen for an entry of `size` bytes (lpEncodeBacklen). */
function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

/** Size of an entry's encoding + data, without the backlen. */
function entrySize(s: string, value: number | bigint | null): number {
  if (value !== null) {
    if (typeof value === "bigint") return 9;
    if (value >= 0 && value <= 127) return 1;
    if (value >= -4096 && value <= 4095) return 2;
    if (value >= -32768 && value <= 32767) return 3;
    if (value >= -8388608 && value <= 8388607) return 4;
    if (value >= -2147483648 && value <= 2147483647) return 5;
    return 9;
  }
  const len = s.length;
  if (len < 64) return 1 + len;
  if (len < 4096) return 2 + len;
  return 5 + len;
}

/** Builds a listpack holding `entries` (binary strings) in order. */
export function encodeListpack(entries: readonly string[]): Uint8Array {
  const n = entries.length;
  const values: (number | bigint | null)[] = new Array(n);
  const sizes: number[] = new Array(n);
  let total = HEADER_SIZE + 1;
  for (let i = 0; i < n; i++) {
    const value = int64Of(entries[i]);
    values[i] = value;
    const size = entrySize(entries[i], value);
    sizes[i] = size;
    total += size + backlenSize(size);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint16(4, n < 65535 ? n : 65535, true);
  let p = HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    const size = sizes[i];
    if (value === null) {
      const s = entries[i];
      const len = s.length;
      if (len < 64) {
        out[p++] = 0x80 | len;
      } else if (len < 4096) {
        out[p++] = 0xe0 | (len >> 8);
        out[p++] = len & 0xff;
      } else {
        out[p++] = 0xf0;
        view.setUint32(p, len, true);
        p += 4;
      }
      writeBinary(out, p, s);
      p += len;
    } else if (typeof value === "bigint") {
      out[p++] = 0xf4;
      view.setBigInt64(p, value, true);
      p += 8;
    } else if (size === 1) {
      out[p++] = value;
    } else if (size === 2) {
      const v = value < 0 ? (1 << 13) + value : value;
      out[p++] = 0xc0 | (v >> 8);
      out[p++] = v & 0xff;
    } else if (size === 3) {
      out[p++] = 0xf1;
      view.setInt16(p, value, true);
      p += 2;
    } else if (size === 4) {
      const v = value < 0 ? (1 << 24) + value : value;
      out[p++] = 0xf2;
      out[p++] = v & 0xff;
      out[p++] = (v >> 8) & 0xff;
      out[p++] = (v >> 16) & 0xff;
    } else if (size === 5) {
      out[p++] = 0xf3;
      view.setInt32(p, value, true);
      p += 4;
    } else {
      out[p++] = 0xf4;
      view.setBigInt64(p, BigInt(value), true);
      p += 8;
    }
    // backlen, most significant group first, every byte but the first flagged
    if (size <= 127) {
      out[p++] = size;
    } else if (size < 16383) {
      out[p++] = size >> 7;
      out[p++] = (size & 127) | 128;
    } else if (size < 2097151) {
      out[p++] = size >> 14;
      out[p++] = ((size >> 7) & 127) | 128;
      out[p++] = (size & 127) | 128;
    } else if (size < 268435455) {
      out[p++] = size >> 21;
      out[p++] = ((size >> 14) & 127) | 128;
      out[p++] = ((size >> 7) & 127) | 128;
      out[p++] = (size & 127) | 128;
    } else {
      out[p++] = Math.floor(size / 2 ** 28);
      out[p++] = ((size >> 21) & 127) | 128;
      out[p++] = ((size >> 14) & 127) | 128;
      out[p++] = ((size >> 7) & 127) | 128;
      out[p++] = (size & 127) | 128;
    }
  }
  out[p++] = EOF;
  return out;
}

/** Bytes an element adds to a listpack (for cutting quicklist nodes). */
export function listpackEntryBytes(s: string): number {
  const size = entrySize(s, int64Of(s));
  return size + backlenSize(size);
}

/** A malformed listpack (the message says what is wrong). */
export class ListpackError extends Error {}

/** Reads a backlen ending at `end` (exclusive), walking backwards; -1 when malformed. */
function readBacklen(bytes: Uint8Array, end: number, start: number): number {
  let value = 0;
  let shift = 0;
  let p = end - 1;
  for (let k = 0; k < 5; k++, p--) {
    if (p < start) return -1;
    const b = bytes[p];
    value += (b & 127) * 2 ** shift;
    shift += 7;
    if ((b & 128) === 0) return value;
  }
  return -1;
}

/** Every entry of a listpack as binary strings, checking its structure as lpValidateIntegrity does. */
export function decodeListpack(bytes: Uint8Array): string[] {
  const n = bytes.length;
  if (n < HEADER_SIZE + 1) throw new ListpackError("listpack too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = view.getUint32(0, true);
  if (total !== n) throw new ListpackError(`listpack header says ${total} bytes, blob has ${n}`);
  if (bytes[n - 1] !== EOF) throw new ListpackError("listpack lacks its terminator");
  const count = view.getUint16(4, true);
  const entries: string[] = [];
  let p = HEADER_SIZE;
  const end = n - 1;
  while (p < end) {
    const start = p;
    const b = bytes[p++];
    if (b < 0x80) {
      entries.push(String(b));
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      if (p + len > end) throw new ListpackError("listpack string overruns");
      entries.push(readBinary(bytes, p, p + len));
      p += len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 1 > end) throw new ListpackError("listpack integer overruns");
      let v = ((b & 0x1f) << 8) | bytes[p++];
      if (v >= 1 << 12) v -= 1 << 13;
      entries.push(String(v));
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 1 > end) throw new ListpackError("listpack length overruns");
      const len = ((b & 0x0f) << 8) | bytes[p++];
      if (p + len > end) throw new ListpackError("listpack string overruns");
      entries.push(readBinary(bytes, p, p + len));
      p += len;
    } else if (b === 0xf0) {
      if (p + 4 > end) throw new ListpackError("listpack length overruns");
      const len = view.getUint32(p, true);
      p += 4;
      if (p + len > end) throw new ListpackError("listpack string overruns");
      entries.push(readBinary(bytes, p, p + len));
      p += len;
    } else if (b === 0xf1) {
      if (p + 2 > end) throw new ListpackError("listpack integer overruns");
      entries.push(String(view.getInt16(p, true)));
      p += 2;
    } else if (b === 0xf2) {
      if (p + 3 > end) throw new ListpackError("listpack integer overruns");
      let v = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
      if (v >= 1 << 23) v -= 1 << 24;
      entries.push(String(v));
      p += 3;
    } else if (b === 0xf3) {
      if (p + 4 > end) throw new ListpackError("listpack integer overruns");
      entries.push(String(view.getInt32(p, true)));
      p += 4;
    } else if (b === 0xf4) {
      if (p + 8 > end) throw new ListpackError("listpack integer overruns");
      entries.push(String(view.getBigInt64(p, true)));
      p += 8;
    } else {
      throw new ListpackError(`bad listpack entry encoding 0x${b.toString(16)}`);
    }
    const size = p - start;
    const blen = backlenSize(size);
    if (p + blen > end) throw new ListpackError("listpack backlen overruns");
    p += blen;
    if (readBacklen(bytes, p, p - blen) !== size) throw new ListpackError("bad listpack backlen");
  }
  if (count !== 65535 && count !== entries.length) {
    throw new ListpackError(`listpack header says ${count} entries, found ${entries.length}`);
  }
  return entries;
}
