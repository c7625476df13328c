/**
 * Binary strings (DESIGN.md §2) into and out of byte buffers, at the speeds
 * RDB needs. Node's latin1 Buffer paths are slow for short strings under
 * Deno (a JS loop behind a call), so short strings are copied by hand, and long
 * ones go through the native UTF-8 encoder when they are pure ASCII, where
 * UTF-8 and latin1 agree.
 *
 * @module
 */
import { type Latin1View, latin1View, sliceBinary } from "../util/latin1.ts";

const utf8 = new TextEncoder();

/** Writes binary string `s` at `out[pos]` (room for s.length bytes must be there). */
export function writeBinary(out: Uint8Array, pos: number, s: string): void {
  const n = s.length;
  if (n >= 64) {
    // Into exactly n bytes: all of s fits only when every char took one byte.
    const { read } = utf8.encodeInto(s, out.subarray(pos, pos + n));
    if (read === n) return;
  }
  for (let i = 0; i < n; i++) out[pos + i] = s.charCodeAt(i);
}

/** The bytes [start, end) as a binary string. */
export function readBinary(bytes: Uint8Array, start: number, end: number): string {
  if (bytes !== lastBytes) {
    lastBytes = bytes;
    lastView = latin1View(bytes);
  }
  return sliceBinary(bytes, lastView!, start, end);
}

/** The view of the buffer read last: a file is read a string at a time. */
let lastBytes: Uint8Array | undefined;
let lastView: Latin1View | undefined;
