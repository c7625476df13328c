/**
 * Incremental RESP request decoder.
 *
 * Bytes arrive in arbitrary chunks; {@link RespDecoder.next} returns each complete
 * command as an array of binary strings (one char per byte, see DESIGN.md §2) and
 * keeps the parse state between chunks, so a command split over many reads costs
 * time linear in its size. Both multibulk (`*2\r\n$3\r\nGET\r\n...`) and inline
 * (`GET key\r\n`) requests are accepted, with Redis 7.0's limits and error texts.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { bytesToBinary, type Latin1View, latin1View, sliceBinary } from "../util/latin1.ts";
import { splitArgs } from "../util/split_args.ts";

/** Longest inline request or count line without CRLF (Redis's PROTO_INLINE_MAX_SIZE). */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Bulks at least this big are gathered piece by piece instead of in the read buffer. */
export const PROTO_MBULK_BIG_ARG = 32 * 1024;
/** V8's longest string; an argument is a string, so a longer bulk cannot be taken. */
const MAX_STRING_LENGTH = 0x1fffffe8;
const INITIAL_BUFFER = 16 * 1024;
/** Multibulks with at most this many arguments get their array at its final size at once. */
const PREALLOCATED_ARGS = 1024;
const MIN_READ_SPACE = 4 * 1024;
const CR = 13;
const LF = 10;

/** A malformed request stream. The message is Redis's, without the `ERR ` prefix. */
export class ProtocolError extends Error {}

export interface DecoderLimits {
  /** proto-max-bulk-len: the largest bulk argument accepted. */
  maxBulkLen: number;
}

/**
 * Parses an ASCII decimal as Redis's string2ll does: optional '-', no '+', no
 * leading zeros, no spaces. Returns NaN when the text is not such a number.
 * Callers that need the full int64 range check the digit count themselves;
 * request counts and lengths are far below 2^53.
 */
function parseLength(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 19) return NaN;
  let i = start;
  let negative = false;
  if (bytes[i] === 45) {
    negative = true;
    if (++i === end) return NaN;
  }
  if (bytes[i] === 48) return end - start === 1 ? 0 : NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = bytes[i] - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

export class RespDecoder {
  private bytes: Uint8Array;
  private view: Latin1View;
  /** First unparsed byte. */
  private start = 0;
  /** One past the last byte received. */
  private end = 0;
  /** Where the unparsed bytes began when the last bytes were received; see {@link readBatchLength}. */
  private batchStart = 0;
  /** Arguments still expected by the multibulk being parsed; 0 when between commands. */
  private pendingArgs = 0;
  private args: string[] = [];
  /** Arguments of {@link args} parsed so far. */
  private argCount = 0;
  /** The most recent command name, see {@link commandName}. */
  private lastName = "";
  /** Length of the bulk whose data is awaited, or -1 while its `$` line is awaited. */
  private bulkLen = -1;
  /** Pieces of a big bulk gathered so far (see PROTO_MBULK_BIG_ARG), else null. */
  private bigParts: Uint8Array[] | null = null;
  /** Bytes of the big bulk, CRLF included, still to arrive. */
  private bigRemaining = 0;
  /** Bytes held in {@link bigParts}. */
  private bigGathered = 0;

  constructor(public limits: DecoderLimits = { maxBulkLen: 512 * 1024 * 1024 }) {
    this.bytes = new Uint8Array(INITIAL_BUFFER);
    this.view = latin1View(this.bytes);
  }

  /**
   * Bytes received and held for commands not yet complete (the header lines of a
   * partly parsed multibulk excepted, which are small).
   */
  get buffered(): number {
    return this.end - this.start + this.bigGathered;
  }

  /**
   * {@link buffered} as Redis counts its query buffer while the commands of a
   * read run: with those commands, which it trims only once they all have
   * (CLIENT LIST's qbuf for the client that runs it).
   */
  get readBatchLength(): number {
    return this.end - this.batchStart + this.bigGathered;
  }

  /** Capacity of the read buffer (for memory accounting such as CLIENT LIST qbuf). */
  get capacity(): number {
    return this.bytes.length;
  }

  /**
   * The free tail of the buffer, to read the socket into directly; call
   * {@link commit} with the number of bytes read. While a big bulk is being
   * gathered it is no longer than what that bulk still needs, as Redis's
   * readQueryFromClient reads then: the next command's bytes never arrive
   * with the end of a big argument, so they never count toward the query
   * buffer limit alongside it.
   */
  writable(): Uint8Array {
    const free = this.freeSpace();
    if (this.bigParts === null) return free;
    const needed = this.bigRemaining - (this.end - this.start);
    return needed > 0 && needed < free.length ? free.subarray(0, needed) : free;
  }

  private freeSpace(): Uint8Array {
    if (this.start === this.end) {
      this.start = this.end = 0;
    }
    if (this.bytes.length - this.end < MIN_READ_SPACE) {
      const used = this.end - this.start;
      if (this.start > 0 && used + MIN_READ_SPACE <= this.bytes.length) {
        this.bytes.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(
          Math.max(this.bytes.length * 2, used + MIN_READ_SPACE),
        );
        grown.set(this.bytes.subarray(this.start, this.end));
        this.bytes = grown;
        this.view = latin1View(grown);
      }
      this.start = 0;
      this.end = used;
    }
    // Usually all was consumed: the buffer itself, without a view made per read.
    return this.end === 0 ? this.bytes : this.bytes.subarray(this.end);
  }

  commit(n: number): void {
    this.batchStart = this.start;
    this.end += n;
  }

  /** Copies a chunk in (for callers that do not read into {@link writable}). */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const space = this.freeSpace();
      const n = Math.min(space.length, chunk.length - offset);
      space.set(chunk.subarray(offset, offset + n));
      this.commit(n);
      offset += n;
    }
  }

  /**
   * Returns the next complete command, or null when more bytes are needed.
   * Empty requests (`*0`, blank inline lines) are skipped. Throws ProtocolError;
   * the stream cannot be resumed after that.
   */
  next(): string[] | null {
    while (true) {
      if (this.pendingArgs === 0) {
        if (this.start === this.end) return null;
        if (this.bytes[this.start] !== 42 /* '*' */) {
          const inline = this.nextInline();
          if (inline === null) return null;
          if (inline.length === 0) continue;
          return inline;
        }
        const count = this.readCountLine(
          42,
          "too big mbulk count string",
          "invalid multibulk length",
        );
        if (count === undefined) return null;
        if (count <= 0) continue;
        this.pendingArgs = count;
        // Sized as arguments arrive when many are announced, so a huge count costs nothing up front.
        this.args = count <= PREALLOCATED_ARGS ? new Array(count) : [];
        this.argCount = 0;
      }
      if (!this.readArgs()) return null;
      return this.args;
    }
  }

  /**
   * The first `byte` at or after the cursor among the received bytes, or -1.
   * Count lines and most inline requests are short, so a plain loop beats a
   * native indexOf call for them.
   */
  private find(byte: number): number {
    const bytes = this.bytes;
    const end = this.end;
    const shortEnd = Math.min(end, this.start + 32);
    for (let i = this.start; i < shortEnd; i++) {
      if (bytes[i] === byte) return i;
    }
    if (shortEnd === end) return -1;
    // What lies beyond `end` is stale.
    const at = bytes.indexOf(byte, shortEnd);
    return at === -1 || at >= end ? -1 : at;
  }

  /**
   * Reads the `*<n>` or `$<n>` line at the cursor, checking that it starts with
   * `type`. undefined: the line is incomplete.
   */
  private readCountLine(
    type: number,
    tooBig: string,
    invalid: string,
  ): number | undefined {
    const bytes = this.bytes;
    const cr = this.find(CR);
    if (cr === -1) {
      if (this.end - this.start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError(`Protocol error: ${tooBig}`);
      }
      return undefined;
    }
    if (cr + 1 >= this.end) return undefined; // the LF has not arrived yet
    if (bytes[this.start] !== type) {
      throw new ProtocolError(
        `Protocol error: expected '$', got '${String.fromCharCode(bytes[this.start])}'`,
      );
    }
    const value = parseLength(bytes, this.start + 1, cr);
    if (Number.isNaN(value) || value > 2147483647) {
      throw new ProtocolError(`Protocol error: ${invalid}`);
    }
    this.start = cr + 2;
    return value;
  }

  private readArgs(): boolean {
    while (this.pendingArgs > 0) {
      if (this.bigParts !== null) {
        if (!this.readBigBulk()) return false;
        continue;
      }
      if (this.bulkLen === -1) {
        const len = this.readCountLine(
          36,
          "too big bulk count string",
          "invalid bulk length",
        );
        if (len === undefined) return false;
        if (len < 0 || len > this.limits.maxBulkLen || len > MAX_STRING_LENGTH) {
          throw new ProtocolError("Protocol error: invalid bulk length");
        }
        this.bulkLen = len;
      }
      const len = this.bulkLen;
      if (this.end - this.start >= len + 2) {
        // Like Redis, the two bytes after the data are taken as CRLF unchecked.
        this.args[this.argCount] = this.argCount === 0
          ? this.commandName(this.start, len)
          : sliceBinary(this.bytes, this.view, this.start, this.start + len);
        this.argCount++;
        this.start += len + 2;
        this.bulkLen = -1;
        this.pendingArgs--;
      } else if (len >= PROTO_MBULK_BIG_ARG) {
        this.bigParts = [];
        this.bigRemaining = len + 2;
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * The command name at the cursor. Clients repeat the same few names, so the
   * previous name's string is reused when the bytes match: no allocation, and
   * the command table lookup then finds an already-hashed string.
   */
  private commandName(start: number, len: number): string {
    const last = this.lastName;
    if (last.length === len) {
      const bytes = this.bytes;
      let i = 0;
      while (i < len && bytes[start + i] === last.charCodeAt(i)) i++;
      if (i === len) return last;
    }
    const name = sliceBinary(this.bytes, this.view, start, start + len);
    if (len <= 32) this.lastName = name;
    return name;
  }

  /** Moves what has arrived of a big bulk out of the read buffer. */
  private readBigBulk(): boolean {
    const available = this.end - this.start;
    if (available === 0) return false;
    const take = Math.min(available, this.bigRemaining);
    const dataTake = Math.min(take, this.bigRemaining - 2);
    if (dataTake > 0) {
      this.bigParts!.push(this.bytes.slice(this.start, this.start + dataTake));
      this.bigGathered += dataTake;
    }
    this.start += take;
    this.bigRemaining -= take;
    if (this.bigRemaining > 0) return false;
    const parts = this.bigParts!;
    this.bigParts = null;
    this.bigGathered = 0;
    const whole = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.args[this.argCount++] = bytesToBinary(whole);
    this.bulkLen = -1;
    this.pendingArgs--;
    return true;
  }

  /**
   * Splits [start, end) at spaces and tabs straight from the bytes, the common
   * inline case (`PING`, `GET key`); null when the line has anything that needs
   * splitArgs' full rules (quotes, NUL, \v, \f, a stray CR).
   */
  private plainWords(start: number, end: number): string[] | null {
    const bytes = this.bytes;
    const words: string[] = [];
    let wordStart = -1;
    for (let i = start; i <= end; i++) {
      const c = i === end ? 32 : bytes[i];
      if (c === 32 || c === 9) {
        if (wordStart !== -1) {
          words.push(
            words.length === 0
              ? this.commandName(wordStart, i - wordStart)
              : sliceBinary(bytes, this.view, wordStart, i),
          );
          wordStart = -1;
        }
      } else if (c === 34 || c === 39 || c === 0 || c === 11 || c === 12 || c === CR) {
        return null;
      } else if (wordStart === -1) {
        wordStart = i;
      }
    }
    return words;
  }

  /** Parses one inline request; null when its newline has not arrived. */
  private nextInline(): string[] | null {
    const lf = this.find(LF);
    if (lf === -1) {
      if (this.end - this.start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError("Protocol error: too big inline request");
      }
      return null;
    }
    let lineEnd = lf;
    if (lineEnd > this.start && this.bytes[lineEnd - 1] === CR) lineEnd--;
    const plain = this.plainWords(this.start, lineEnd);
    if (plain !== null) {
      this.start = lf + 1;
      return plain;
    }
    const line = this.view.latin1Slice(this.start, lineEnd);
    this.start = lf + 1;
    const args = splitArgs(line);
    if (args === null) {
      throw new ProtocolError("Protocol error: unbalanced quotes in request");
    }
    return args;
  }
}
