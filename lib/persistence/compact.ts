/**
 * The other compact blobs RDB files carry: intsets (still written by Redis 7.0
 * for small integer sets), and, for files and DUMP payloads from older Redis
 * versions, ziplists (lists, hashes and sorted sets before 7.0, quicklist v1
 * nodes) and zipmaps (hashes before 2.6).
 *
 * @module
 */
import { readBinary } from "./binary.ts";
import { int64Of } from "./listpack.ts";

/** A malformed blob (the message says what is wrong). */
export class BlobError extends Error {}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function latin1Of(bytes: Uint8Array) {
  return { latin1Slice: (start: number, end: number) => readBinary(bytes, start, end) };
}

/**
 * An intset of decimal members (each an int64 string): a header of the width
 * (2, 4 or 8 bytes; the smallest that holds every member, as a set built by
 * SADD would have unless it once held larger members) and the count, both
 * uint32 LE, then the members sorted ascending, little-endian.
 */
export function encodeIntset(members: readonly string[]): Uint8Array {
  const values = members.map((m) => {
    const v = int64Of(m);
    if (v === null) throw new BlobError(`intset member ${m} is not an integer`);
    return BigInt(v);
  });
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) {
      width = 8;
      break;
    }
    if (v < -32768n || v > 32767n) width = 4;
  }
  const out = new Uint8Array(8 + width * values.length);
  const view = viewOf(out);
  view.setUint32(0, width, true);
  view.setUint32(4, values.length, true);
  let p = 8;
  for (const v of values) {
    if (width === 2) view.setInt16(p, Number(v), true);
    else if (width === 4) view.setInt32(p, Number(v), true);
    else view.setBigInt64(p, v, true);
    p += width;
  }
  return out;
}

/** The members of an intset as decimal strings, checked as intsetValidateIntegrity does. */
export function decodeIntset(bytes: Uint8Array): string[] {
  if (bytes.length < 8) throw new BlobError("intset too short");
  const view = viewOf(bytes);
  const width = view.getUint32(0, true);
  if (width !== 2 && width !== 4 && width !== 8) throw new BlobError(`bad intset encoding ${width}`);
  const count = view.getUint32(4, true);
  if (8 + count * width !== bytes.length) throw new BlobError("intset length does not match its size");
  if (count === 0) throw new BlobError("empty intset");
  const members: string[] = [];
  let previous: bigint | undefined;
  for (let i = 0, p = 8; i < count; i++, p += width) {
    const v = width === 2
      ? BigInt(view.getInt16(p, true))
      : width === 4
      ? BigInt(view.getInt32(p, true))
      : view.getBigInt64(p, true);
    if (previous !== undefined && v <= previous) throw new BlobError("intset not sorted or has duplicates");
    previous = v;
    members.push(String(v));
  }
  return members;
}

/** Every entry of a ziplist (ziplist.c) as binary strings. */
export function decodeZiplist(bytes: Uint8Array): string[] {
  const n = bytes.length;
  if (n < 11) throw new BlobError("ziplist too short");
  const view = viewOf(bytes);
  if (view.getUint32(0, true) !== n) throw new BlobError("ziplist header size does not match");
  const tail = view.getUint32(4, true);
  const count = view.getUint16(8, true);
  if (bytes[n - 1] !== 0xff) throw new BlobError("ziplist lacks its terminator");
  const latin1 = latin1Of(bytes);
  const entries: string[] = [];
  let p = 10;
  let prevSize = 0;
  let lastStart = 10;
  const end = n - 1;
  while (p < end) {
    const start = p;
    lastStart = start;
    let prevlen = bytes[p++];
    if (prevlen === 254) {
      if (p + 4 > end) throw new BlobError("ziplist entry overruns");
      prevlen = view.getUint32(p, true);
      p += 4;
    } else if (prevlen === 255) {
      throw new BlobError("bad ziplist prevlen");
    }
    if (prevlen !== prevSize) throw new BlobError("ziplist prevlen does not match the previous entry");
    if (p >= end) throw new BlobError("ziplist entry overruns");
    const enc = bytes[p++];
    const kind = enc >> 6;
    let len = -1;
    if (kind === 0) {
      len = enc & 0x3f;
    } else if (kind === 1) {
      if (p + 1 > end) throw new BlobError("ziplist entry overruns");
      len = ((enc & 0x3f) << 8) | bytes[p++];
    } else if (enc === 0x80) {
      if (p + 4 > end) throw new BlobError("ziplist entry overruns");
      len = view.getUint32(p, false);
      p += 4;
    } else if (kind === 2) {
      throw new BlobError(`bad ziplist string encoding 0x${enc.toString(16)}`);
    }
    if (len >= 0) {
      if (p + len > end) throw new BlobError("ziplist string overruns");
      entries.push(latin1.latin1Slice(p, p + len));
      p += len;
    } else {
      let width: number;
      let value: string;
      if (enc === 0xc0) {
        width = 2;
        value = p + 2 <= end ? String(view.getInt16(p, true)) : "";
      } else if (enc === 0xd0) {
        width = 4;
        value = p + 4 <= end ? String(view.getInt32(p, true)) : "";
      } else if (enc === 0xe0) {
        width = 8;
        value = p + 8 <= end ? String(view.getBigInt64(p, true)) : "";
      } else if (enc === 0xf0) {
        width = 3;
        if (p + 3 <= end) {
          let v = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
          if (v >= 1 << 23) v -= 1 << 24;
          value = String(v);
        } else value = "";
      } else if (enc === 0xfe) {
        width = 1;
        value = p + 1 <= end ? String((bytes[p] << 24) >> 24) : "";
      } else if (enc >= 0xf1 && enc <= 0xfd) {
        width = 0;
        value = String((enc & 0x0f) - 1);
      } else {
        throw new BlobError(`bad ziplist encoding 0x${enc.toString(16)}`);
      }
      if (p + width > end) throw new BlobError("ziplist integer overruns");
      entries.push(value);
      p += width;
    }
    prevSize = p - start;
  }
  if (p !== end) throw new BlobError("ziplist entries overrun the terminator");
  if (entries.length > 0 && tail !== lastStart) throw new BlobError("ziplist tail offset is wrong");
  if (count !== 65535 && count !== entries.length) throw new BlobError("ziplist entry count is wrong");
  return entries;
}

/** The fields and values of a zipmap (zipmap.c), alternating, as binary strings. */
export function decodeZipmap(bytes: Uint8Array): string[] {
  const n = bytes.length;
  if (n < 2) throw new BlobError("zipmap too short");
  const view = viewOf(bytes);
  const latin1 = latin1Of(bytes);
  const entries: string[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= n) throw new BlobError("zipmap overruns");
    const b = bytes[p++];
    if (b < 254) return b;
    if (b === 254) {
      if (p + 4 > n) throw new BlobError("zipmap overruns");
      const len = view.getUint32(p, true);
      p += 4;
      return len;
    }
    return -1; // end
  };
  for (;;) {
    const keyLen = readLen();
    if (keyLen === -1) break;
    if (p + keyLen > n) throw new BlobError("zipmap key overruns");
    entries.push(latin1.latin1Slice(p, p + keyLen));
    p += keyLen;
    const valueLen = readLen();
    if (valueLen === -1) throw new BlobError("zipmap key without a value");
    if (p >= n) throw new BlobError("zipmap overruns");
    const free = bytes[p++];
    if (p + valueLen + free > n) throw new BlobError("zipmap value overruns");
    entries.push(latin1.latin1Slice(p, p + valueLen));
    p += valueLen + free;
  }
  if (p !== n) throw new BlobError("zipmap has bytes after its end");
  return entries;
}
