/**
 * String values changed in place.
 *
 * A string value is normally an immutable binary string (DESIGN.md §2). Commands
 * that modify part of a string (APPEND, SETRANGE, SETBIT, BITFIELD) would copy
 * the whole value each time if it stayed a JS string, which makes a bitmap of
 * 100 MB cost 100 MB per SETBIT. Such values become a {@link RawString}: a
 * growable byte buffer with spare room, like Redis's sds with its greedy
 * preallocation, and the reason OBJECT ENCODING reports them as "raw".
 *
 * @module
 */
import { binaryToBytes, bytesToBinary } from "../util/latin1.ts";

/** Up to this size a buffer doubles when it grows; past it, it grows by this much (Redis's SDS_MAX_PREALLOC). */
const MAX_PREALLOC = 1024 * 1024;

export class RawString {
  /** The bytes; only the first {@link length} are the value, and the rest are zero. */
  bytes: Uint8Array;
  length: number;
  /**
   * Made whole by a command rather than changed in place, as Redis's
   * createStringObject makes INCRBYFLOAT's result: OBJECT ENCODING says
   * "embstr" up to 44 bytes (even for digits, which Redis does not turn into
   * an integer there) until APPEND, SETRANGE or a bit write changes it.
   */
  embedded = false;

  constructor(value: string | Uint8Array = "") {
    const bytes = typeof value === "string" ? binaryToBytes(value) : value;
    this.bytes = bytes;
    this.length = bytes.length;
  }

  /** Reads the bytes' view, which every command on the value reads next (see Collection.warm). */
  warm(): number {
    return this.bytes.length;
  }

  /** An independent copy (COPY, snapshots), embedded as this one is. */
  clone(): RawString {
    const copy = new RawString(this.view().slice());
    copy.embedded = this.embedded;
    return copy;
  }

  /** The value as a binary string (a copy). */
  toBinary(): string {
    return bytesToBinary(this.view());
  }

  /** The value's bytes, sharing memory with this string. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /**
   * Lengthens the value to `size` bytes, the new ones zero (SETRANGE's and
   * SETBIT's padding); never shortens it.
   */
  resize(size: number): void {
    if (size <= this.length) return;
    if (size > this.bytes.length) {
      const capacity = size < MAX_PREALLOC ? size * 2 : size + MAX_PREALLOC;
      const grown = new Uint8Array(capacity);
      grown.set(this.view());
      this.bytes = grown;
    }
    this.length = size;
  }

  /** Writes a binary string at `offset`, zero-padding any gap (SETRANGE). */
  write(offset: number, text: string): void {
    this.resize(offset + text.length);
    const bytes = this.bytes;
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  }

  append(text: string): void {
    this.write(this.length, text);
  }
}

/** What a key of type string holds: an immutable binary string or a {@link RawString}. */
export type StringValue = string | RawString;

/** The length in bytes of a string value. */
export function stringLength(value: StringValue): number {
  return typeof value === "string" ? value.length : value.length;
}

/** A string value as a binary string (copies a RawString). */
export function toBinary(value: StringValue): string {
  return typeof value === "string" ? value : value.toBinary();
}

/** A string made whole as Redis's createStringObject makes one (see {@link RawString.embedded}). */
export function embeddedString(text: string): RawString {
  const value = new RawString(text);
  value.embedded = true;
  return value;
}

/** A string value made mutable: the same RawString (no longer embedded), or a new one from a binary string. */
export function toRaw(value: StringValue | undefined): RawString {
  if (value instanceof RawString) {
    value.embedded = false;
    return value;
  }
  return new RawString(value ?? "");
}
