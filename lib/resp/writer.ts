/**
 * The reply writer: every reply a handler produces goes through here, encoded for
 * the connection's protocol (RESP2, or RESP3 after `HELLO 3`) into one output
 * buffer that the connection sends with a single write per batch (DESIGN.md §3, §5).
 *
 * Handlers say what a reply *is* (a map, a set, a null, a double); the writer
 * decides how it looks on the wire, so no handler writes raw protocol.
 *
 * @module
 */
import { type Latin1View, latin1View } from "../util/latin1.ts";
import { formatDouble } from "../util/numbers.ts";

const INITIAL_CAPACITY = 16 * 1024;
/** Strings up to this length are copied byte by byte: cheaper than latin1Write's call. */
const SHORT_STRING = 64;

const ASCII = new TextEncoder();

export type Protocol = 2 | 3;

export class ReplyWriter {
  private bytes: Uint8Array;
  private view: Latin1View;
  /** The buffer {@link take} switches to, and its view; allocated on first use. */
  private spare: Uint8Array | undefined;
  private spareView: Latin1View | undefined;
  /** Bytes written and not yet taken by {@link take}. */
  length = 0;
  /** Told of every error reply (the server counts them for INFO errorstats). */
  onError: ((text: string) => void) | undefined;

  constructor(public protocol: Protocol = 2) {
    this.bytes = new Uint8Array(INITIAL_CAPACITY);
    this.view = latin1View(this.bytes);
  }

  /** The encoded replies so far. Valid until the next write. */
  pending(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /**
   * Hands over the encoded replies and goes on writing into a second buffer, so
   * replies produced while the returned bytes are being sent (a pub/sub
   * message, a served blocking pop) cannot overwrite them. The bytes stay valid
   * until the next take(), which is why the connection sends one batch at a time.
   */
  take(): Uint8Array {
    const taken = this.bytes.subarray(0, this.length);
    const next = this.spare ?? new Uint8Array(INITIAL_CAPACITY);
    const nextView = this.spareView ?? latin1View(next);
    if (this.bytes.length > 1024 * 1024) {
      // A big reply grew this buffer; don't keep it around as the spare.
      this.spare = undefined;
      this.spareView = undefined;
    } else {
      this.spare = this.bytes;
      this.spareView = this.view;
    }
    this.bytes = next;
    this.view = nextView;
    this.length = 0;
    return taken;
  }

  /** Forgets what was written; shrinks the buffer back if a big reply grew it. */
  reset(): void {
    this.length = 0;
    if (this.bytes.length > 1024 * 1024) {
      this.bytes = new Uint8Array(INITIAL_CAPACITY);
      this.view = latin1View(this.bytes);
    }
  }

  /** Drops everything written after `mark` (a previous {@link length}). */
  truncate(mark: number): void {
    this.length = mark;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = latin1View(grown);
  }

  /** Appends a binary string (one byte per char). Caller has ensured room. */
  private put(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      const bytes = this.bytes;
      let pos = this.length;
      for (let i = 0; i < n; i++) bytes[pos++] = s.charCodeAt(i);
      this.length = pos;
    } else {
      this.length += this.view.latin1Write(s, this.length);
    }
  }

  private crlf(): void {
    this.bytes[this.length++] = 13;
    this.bytes[this.length++] = 10;
  }

  /** Writes `<type><n>\r\n` for a non-negative or negative safe integer. */
  private header(type: number, n: number): void {
    this.ensure(24);
    const bytes = this.bytes;
    bytes[this.length++] = type;
    if (n >= 0 && n < 10) {
      bytes[this.length++] = 48 + n;
    } else if (Number.isSafeInteger(n)) {
      let v = n;
      if (v < 0) {
        bytes[this.length++] = 45;
        v = -v;
      }
      let digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      let pos = this.length + digits;
      this.length = pos;
      do {
        bytes[--pos] = 48 + (v % 10);
        v = Math.floor(v / 10);
      } while (v > 0);
    } else {
      this.put(String(n));
    }
    bytes[this.length++] = 13;
    bytes[this.length++] = 10;
  }

  /** Appends bytes that are already RESP (shared constant replies). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `+text`: text must not contain CR or LF. */
  simple(text: string): void {
    this.ensure(text.length + 3);
    this.bytes[this.length++] = 43;
    this.put(text);
    this.crlf();
  }

  ok(): void {
    this.raw(OK);
  }

  /**
   * `-text`, where text starts with the error code (`ERR ...`, `WRONGTYPE ...`).
   * CR and LF are replaced by spaces, as Redis does, so the reply stays one line.
   * `counted` false: not told to {@link onError}, for an error Redis writes as
   * raw protocol (DEBUG ERROR), which INFO errorstats does not count.
   */
  error(text: string, counted = true): void {
    if (counted) this.onError?.(text);
    const safe = /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, " ") : text;
    this.ensure(safe.length + 3);
    this.bytes[this.length++] = 45;
    this.put(safe);
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (typeof n === "bigint") {
      this.simpleLine(58, n.toString());
    } else {
      this.header(58, n);
    }
  }

  private simpleLine(type: number, text: string): void {
    this.ensure(text.length + 3);
    this.bytes[this.length++] = type;
    this.put(text);
    this.crlf();
  }

  /** A bulk string (binary string: one byte per char). */
  bulk(s: string): void {
    this.header(36, s.length);
    this.ensure(s.length + 2);
    this.put(s);
    this.crlf();
  }

  /** A bulk string from raw bytes. */
  bulkBytes(b: Uint8Array): void {
    this.header(36, b.length);
    this.ensure(b.length + 2);
    this.bytes.set(b, this.length);
    this.length += b.length;
    this.crlf();
  }

  /** A bulk string that may be absent. */
  bulkOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.null();
    else this.bulk(s);
  }

  /** The decimal text of a number as a bulk string (RESP2 style numbers-as-text). */
  bulkNumber(n: number | bigint): void {
    this.bulk(String(n));
  }

  /** The null reply: `$-1` in RESP2, `_` in RESP3. */
  null(): void {
    this.raw(this.protocol === 3 ? NULL3 : NULL_BULK);
  }

  /** A null where an array is expected: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.protocol === 3 ? NULL3 : NULL_ARRAY);
  }

  array(n: number): void {
    this.header(42, n);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n items in RESP2. */
  map(n: number): void {
    if (this.protocol === 3) this.header(37, n);
    else this.header(42, n * 2);
  }

  /** A set: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    this.header(this.protocol === 3 ? 126 : 42, n);
  }

  /** An out-of-band push (`>n`); an array in RESP2, where pub/sub uses arrays. */
  push(n: number): void {
    this.header(this.protocol === 3 ? 62 : 42, n);
  }

  /** A double: `,text` in RESP3, a bulk string in RESP2 (Redis 7.0's %.17g). */
  double(d: number): void {
    const text = formatDouble(d);
    if (this.protocol === 3) this.simpleLine(44, text);
    else this.bulk(text);
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  boolean(b: boolean): void {
    if (this.protocol === 3) this.raw(b ? TRUE3 : FALSE3);
    else this.raw(b ? ONE : ZERO);
  }

  /** A big number (`(digits` in RESP3), a bulk string in RESP2 (Redis's addReplyBigNum). */
  bigNumber(digits: string): void {
    if (this.protocol === 3) this.simpleLine(40, digits);
    else this.bulk(digits);
  }

  /**
   * The header of n attribute pairs (`|n`), which precede a reply in RESP3.
   * RESP2 has no attributes: callers write them (header and pairs) only for
   * RESP3 clients, as Redis's addReplyAttributeLen is only called for those.
   */
  attribute(n: number): void {
    this.header(124, n);
  }

  /** Verbatim text (`=len\r\ntxt:...` in RESP3), a bulk string in RESP2. */
  verbatim(text: string, format = "txt"): void {
    if (this.protocol !== 3) {
      this.bulk(text);
      return;
    }
    this.header(61, text.length + 4);
    this.ensure(text.length + 6);
    this.put(format);
    this.bytes[this.length++] = 58;
    this.put(text);
    this.crlf();
  }

  /** An array of bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.array(items.length);
    for (const item of items) this.bulk(item);
  }
}

const OK = ASCII.encode("+OK\r\n");
const NULL_BULK = ASCII.encode("$-1\r\n");
const NULL_ARRAY = ASCII.encode("*-1\r\n");
const NULL3 = ASCII.encode("_\r\n");
const TRUE3 = ASCII.encode("#t\r\n");
const FALSE3 = ASCII.encode("#f\r\n");
const ONE = ASCII.encode(":1\r\n");
const ZERO = ASCII.encode(":0\r\n");
