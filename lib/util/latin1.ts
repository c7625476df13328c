/**
 * Binary strings (one char per byte, DESIGN.md §2) to and from bytes.
 *
 * Node's Buffer has fast latin1 converters that its type definitions do not
 * declare; this module declares them once so the rest of the code stays typed.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** A byte array with Node's undocumented latin1 fast paths. */
export interface Latin1View {
  /** The bytes [start, end) as a binary string. */
  latin1Slice(start: number, end: number): string;
  /** Writes a binary string at offset; returns the bytes written. */
  latin1Write(text: string, offset: number): number;
}

/** A view sharing the memory of `bytes` (which must start at offset 0 of its buffer). */
export function latin1View(bytes: Uint8Array): Latin1View {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Latin1View;
}

/** Strings up to this long are built in JS; longer ones by latin1Slice. */
const SHORT_STRING = 24;

/**
 * Builds a short string with one String.fromCharCode call whose arguments are
 * the bytes themselves, one case per length: `switch (end - start) { case 2:
 * return String.fromCharCode(b[start], b[start + 1]); ... }`. Generated, as
 * writing out 24 cases adds nothing; ~40% faster than filling an array and
 * spreading it into the call (16 bytes: 27 against 44 ns), which matters as
 * every key and most values of every request go through here.
 */
const shortStringCases = Array.from({ length: SHORT_STRING + 1 }, (_, n) => {
  const args = Array.from({ length: n }, (_, j) => `b[start + ${j}]`).join(", ");
  return `case ${n}: return String.fromCharCode(${args});`;
});
const shortString = new Function(
  "b",
  "start",
  "end",
  `switch (end - start) { ${shortStringCases.join("\n")} }`,
) as (b: Uint8Array, start: number, end: number) => string;

/** Strings up to this long are shared: one string per content, as Redis shares its small integers. */
const SHARED_STRING = 3;
const SHARED_SLOTS = 4096;
/** Per slot: the content code (length and bytes) of the string held there, -1 for none. */
const sharedCodes = new Int32Array(SHARED_SLOTS).fill(-1);
const sharedStrings: string[] = new Array(SHARED_SLOTS).fill("");

/**
 * The string of up to SHARED_STRING bytes, the same object every time its
 * bytes come again (while no other content takes its slot). Values like "1",
 * "xxx" or "OK" then cost the garbage collector nothing when they are stored:
 * a fresh copy of each would be promoted to the old generation with the
 * collection that holds it, and become old garbage when overwritten.
 */
function sharedString(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  let code = n << 24;
  for (let i = 0; i < n; i++) code |= bytes[start + i] << (8 * i);
  const slot = Math.imul(code, 0x9e3779b1) >>> 20;
  if (sharedCodes[slot] === code) return sharedStrings[slot];
  const text = shortString(bytes, start, end);
  sharedCodes[slot] = code;
  sharedStrings[slot] = text;
  return text;
}

/**
 * The bytes [start, end) of `bytes` (whose latin1 view is `view`) as a binary
 * string. Short strings, most keys and values, come from String.fromCharCode:
 * 2-4x faster than the native latin1Slice call, whose fixed cost dominates
 * below ~24 bytes.
 */
export function sliceBinary(bytes: Uint8Array, view: Latin1View, start: number, end: number): string {
  const n = end - start;
  if (n <= SHARED_STRING) return sharedString(bytes, start, end);
  return n > SHORT_STRING ? view.latin1Slice(start, end) : shortString(bytes, start, end);
}

/** Bytes to a binary string; short ones without making a Buffer view first. */
export function bytesToBinary(bytes: Uint8Array): string {
  const n = bytes.length;
  return n > SHORT_STRING ? latin1View(bytes).latin1Slice(0, n) : shortString(bytes, 0, n);
}

/**
 * A binary string to bytes. Chars above 255 are not binary strings and are
 * truncated. Short ones are copied char by char: Buffer.from's fixed cost
 * (a pooled Buffer, then a copy out of the pool) is most of theirs.
 */
export function binaryToBytes(text: string): Uint8Array {
  const n = text.length;
  if (n > SHORT_STRING) return new Uint8Array(Buffer.from(text, "latin1"));
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
