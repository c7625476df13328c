/**
 * The append-only file's formats, without the server: commands in RESP as
 * Redis writes them, Redis 7's multi-part manifest, and the reader that
 * parses an AOF as Redis's loadSingleAppendOnlyFile does (annotations skipped,
 * a torn tail told apart from corruption, with offsets).
 *
 * @module
 */
import { bytesToBinary, latin1View } from "../util/latin1.ts";

/** One command as RESP, a binary string (argv are binary strings). */
export function encodeCommand(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

export type AofFileType = "b" | "h" | "i";

export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

/** Thrown by {@link parseManifest}. */
export class ManifestError extends Error {}

/** Whether Redis's sdsneedsrepr holds: the name must be written quoted. */
function needsRepr(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c === 0x27 || c <= 0x20 || c >= 0x7f) return true;
  }
  return name.length === 0;
}

/** sdscatrepr: "..." with C escapes. */
function repr(name: string): string {
  let out = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** Splits a manifest line as sdssplitargs does (quotes and escapes). */
function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (true) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) return out;
    let word = "";
    if (line[i] === '"' || line[i] === "'") {
      const quote = line[i++];
      let closed = false;
      while (i < line.length) {
        const ch = line[i];
        if (quote === '"' && ch === "\\" && i + 1 < line.length) {
          const next = line[i + 1];
          if (next === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += ({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" } as Record<string, string>)[next] ?? next;
          i += 2;
          continue;
        }
        if (quote === "'" && ch === "\\" && line[i + 1] === "'") {
          word += "'";
          i += 2;
          continue;
        }
        if (ch === quote) {
          closed = true;
          i++;
          break;
        }
        word += ch;
        i++;
      }
      if (!closed || (i < line.length && !/\s/.test(line[i]))) return null;
    } else {
      while (i < line.length && !/\s/.test(line[i])) word += line[i++];
    }
    out.push(word);
  }
}

/** The manifest: the base, the history files to delete, the incr files in order. */
export class Manifest {
  base: AofInfo | undefined;
  incrs: AofInfo[] = [];
  history: AofInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;

  clone(): Manifest {
    const copy = new Manifest();
    copy.base = this.base && { ...this.base };
    copy.incrs = this.incrs.map((info) => ({ ...info }));
    copy.history = this.history.map((info) => ({ ...info }));
    copy.baseSeq = this.baseSeq;
    copy.incrSeq = this.incrSeq;
    return copy;
  }

  /** getAofManifestAsString: base, history, then incrs. */
  format(): string {
    let out = "";
    const line = (info: AofInfo) =>
      `file ${needsRepr(info.name) ? repr(info.name) : info.name} seq ${info.seq} type ${info.type}\n`;
    if (this.base) out += line(this.base);
    for (const info of this.history) out += line(info);
    for (const info of this.incrs) out += line(info);
    return out;
  }

  get empty(): boolean {
    return this.base === undefined && this.incrs.length === 0 && this.history.length === 0;
  }
}

/** aofLoadManifestFromFile's parsing, with its error texts. */
export function parseManifest(text: string): Manifest {
  const manifest = new Manifest();
  let maxIncrSeq = 0;
  const lines = text.split("\n");
  if (text.length > 0 && !text.endsWith("\n")) {
    throw new ManifestError("The AOF manifest file is invalid format");
  }
  for (const raw of lines) {
    if (raw === "" || raw.startsWith("#")) continue;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const args = splitArgs(line);
    if (args === null || args.length < 6 || args.length % 2 !== 0) {
      throw new ManifestError("Invalid AOF manifest file format");
    }
    let name: string | undefined;
    let seq: number | undefined;
    let type: string | undefined;
    for (let i = 0; i < args.length; i += 2) {
      const key = args[i].toLowerCase();
      if (key === "file") name = args[i + 1];
      else if (key === "seq") seq = Number(args[i + 1]);
      else if (key === "type") type = args[i + 1];
    }
    if (name === undefined || seq === undefined || !Number.isInteger(seq) || type === undefined) {
      throw new ManifestError("Invalid AOF manifest file format");
    }
    if (type === "b") {
      if (manifest.base !== undefined) throw new ManifestError("Found duplicate base file information");
      manifest.base = { name, seq, type: "b" };
      manifest.baseSeq = seq;
    } else if (type === "h") {
      manifest.history.push({ name, seq, type: "h" });
    } else if (type === "i") {
      if (seq <= maxIncrSeq) throw new ManifestError("Found a non-monotonic sequence number");
      manifest.incrs.push({ name, seq, type: "i" });
      manifest.incrSeq = seq;
      maxIncrSeq = seq;
    } else {
      throw new ManifestError("Unknown AOF file type");
    }
  }
  if (manifest.empty) throw new ManifestError("Found an empty AOF manifest");
  return manifest;
}

/** Why a file could not be read to its end: a torn tail, or bytes that are no AOF. */
export class AofReadError extends Error {
  constructor(readonly kind: "truncated" | "format", message: string, readonly offset: number) {
    super(message);
  }
}

/**
 * Reads commands one at a time from a whole AOF in memory, as Redis's loader
 * does with fgets/fread. {@link validUpTo} is the end of the last complete
 * command (where a torn tail is cut).
 */
export class AofReader {
  pos = 0;
  validUpTo = 0;
  private view;

  constructor(private bytes: Uint8Array, start = 0) {
    this.view = latin1View(bytes);
    this.pos = start;
    this.validUpTo = start;
  }

  /** fgets with Redis's 128-byte buffer: a line (with its \n) or at most 127 bytes; null at EOF. */
  private line(): string | null {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) return null;
    const limit = Math.min(bytes.length, this.pos + 127);
    let end = this.pos;
    while (end < limit && bytes[end] !== 0x0a) end++;
    if (end < limit) end++;
    const text = this.view.latin1Slice(this.pos, end);
    this.pos = end;
    return text;
  }

  private truncated(): never {
    throw new AofReadError("truncated", "Unexpected end of file", this.pos);
  }

  private format(at: number): never {
    throw new AofReadError("format", "Bad file format", at);
  }

  /** The next command; null at a clean end of file. Throws {@link AofReadError}. */
  next(): string[] | null {
    while (true) {
      const start = this.pos;
      const header = this.line();
      if (header === null) return null;
      if (header[0] === "#") {
        if (!header.endsWith("\n")) this.truncated();
        this.validUpTo = this.pos;
        continue;
      }
      if (header[0] !== "*") this.format(start);
      if (header.length === 1) this.truncated();
      const argc = parseInt(header.slice(1), 10);
      if (!(argc >= 1)) this.format(start);
      if (!header.endsWith("\n")) this.truncated();
      const argv: string[] = new Array(argc);
      for (let i = 0; i < argc; i++) {
        const at = this.pos;
        const lenLine = this.line();
        if (lenLine === null || !lenLine.endsWith("\n")) this.truncated();
        if (lenLine[0] !== "$") this.format(at);
        const len = parseInt(lenLine.slice(1), 10);
        if (!(len >= 0)) this.format(at);
        if (this.pos + len + 2 > this.bytes.length) {
          this.pos = this.bytes.length;
          this.truncated();
        }
        argv[i] = bytesToBinary(this.bytes.subarray(this.pos, this.pos + len));
        this.pos += len + 2;
      }
      return argv;
    }
  }

  /** Marks the command just read as complete. */
  commit(): void {
    this.validUpTo = this.pos;
  }
}
