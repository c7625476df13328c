/**
 * `redix --check-aof [--fix] FILE`, as Redis 7.0's redis-check-aof: FILE is a
 * manifest (a multi-part AOF: the base, then each incr file) or a single AOF
 * (old style, maybe with an RDB preamble). Each file is parsed as the tool
 * does, with its messages (`0x              4a: Expected to read 4 bytes, got
 * 1 bytes`, `AOF analyzed: filename=..., size=..., ok_up_to=...,
 * ok_up_to_line=..., diff=...`); a damaged last file is truncated to its last
 * complete command with --fix after a `Continue? [y/N]:` prompt.
 *
 * @module
 */
import { checkRdb } from "./check_rdb.ts";
import { Config } from "../config.ts";
import { loadRdb } from "./rdb.ts";
import { ManifestError, parseManifest } from "./aof_format.ts";

export const CHECK_AOF_USAGE = "Usage: redix --check-aof [--fix] <file.manifest|file.aof>";

const ENCODER = new TextEncoder();

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CheckAofIo {
  out(text: string): void;
  /** A line typed on standard input, null at its end. */
  readLine(): string | null;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? "." : path.slice(0, i) || "/";
}

/** process() of redis-check-aof.c over bytes: the offset up to which the file is sound, and the line count. */
export function scanAof(
  bytes: Uint8Array,
  name: string,
  start = 0,
): { pos: number; line: number; error: string } {
  let cur = start;
  let epos = 0;
  let line = 1;
  let error = "";
  let multi = 0;
  const fail = (text: string) => {
    error = `0x${epos.toString(16).padStart(16, " ")}: ${text}`;
  };
  /** fgets into a buffer of `size`: the bytes read, null at EOF. */
  const fgets = (size: number): Uint8Array | null => {
    if (cur >= bytes.length) return null;
    const limit = Math.min(bytes.length, cur + size - 1);
    let end = cur;
    while (end < limit && bytes[end] !== 0x0a) end++;
    if (end < limit) end++;
    const out = bytes.subarray(cur, end);
    cur = end;
    return out;
  };
  const consumeNewline = (buf: Uint8Array, at: number): boolean => {
    const a = buf[at] ?? 0;
    const b = a === 0 ? 0 : buf[at + 1] ?? 0;
    if (a !== 0x0d || b !== 0x0a) {
      fail(`Expected \\r\\n, got: ${a.toString(16).padStart(2, "0")}${b.toString(16).padStart(2, "0")}`);
      return false;
    }
    line++;
    return true;
  };
  const readLong = (prefix: string): number | null => {
    epos = cur;
    const buf = fgets(128);
    if (buf === null) return null;
    if (buf[0] !== prefix.charCodeAt(0)) {
      fail(`Expected prefix '${prefix}', got: '${String.fromCharCode(buf[0])}'`);
      return null;
    }
    // strtol: optional sign and digits.
    let i = 1;
    let text = "";
    if (buf[i] === 0x2d || buf[i] === 0x2b) text += String.fromCharCode(buf[i++]);
    while (i < buf.length && buf[i] >= 0x30 && buf[i] <= 0x39) text += String.fromCharCode(buf[i++]);
    const value = /\d/.test(text) ? parseInt(text, 10) : 0;
    if (!/\d/.test(text)) i = 1;
    return consumeNewline(buf, i) ? value : null;
  };
  const readString = (): Uint8Array | null => {
    const len = readLong("$");
    if (len === null) return null;
    if (len < 0) {
      fail(`Expected to read string of ${len} bytes, which is not in the suitable range`);
      return null;
    }
    epos = cur;
    const real = Math.min(len + 2, bytes.length - cur);
    const data = bytes.subarray(cur, cur + real);
    cur += real;
    if (real !== len + 2) {
      fail(`Expected to read ${len + 2} bytes, got ${real} bytes`);
      return null;
    }
    return consumeNewline(data, len) ? data.subarray(0, len) : null;
  };
  const word = (data: Uint8Array) => String.fromCharCode(...data.subarray(0, 8)).toLowerCase();
  const processResp = (): boolean => {
    const argc = readLong("*");
    if (argc === null) return false;
    for (let i = 0; i < argc; i++) {
      const str = readString();
      if (str === null) return false;
      if (i === 0) {
        const w = str.length <= 5 ? word(str) : "";
        if (w === "multi") {
          if (multi++) {
            fail(`Unexpected MULTI in AOF ${name}`);
            return false;
          }
        } else if (w === "exec") {
          if (--multi) {
            fail(`Unexpected EXEC in AOF ${name}`);
            return false;
          }
        }
      }
    }
    return true;
  };
  let pos = start;
  let formatError = false;
  while (true) {
    if (!multi) pos = cur;
    const recordStart = cur;
    if (cur >= bytes.length) break;
    const first = bytes[cur];
    if (first === 0x23) {
      // An annotation (#TS:...): one line.
      const buf = fgets(1024)!;
      if (buf[buf.length - 1] !== 0x0a) {
        cur = recordStart;
        break;
      }
      // redis-check-aof does not count annotation lines.
    } else if (first === 0x2a) {
      if (!processResp()) break;
    } else {
      formatError = true;
      break;
    }
  }
  if (formatError) return { pos, line, error: `AOF ${name} format error` };
  if (cur >= bytes.length && multi && error === "") {
    // epos is where the last read began, as in redis-check-aof.
    fail("Reached EOF before reading EXEC for MULTI");
  }
  return { pos, line, error };
}

/** Where the RDB at the start of `bytes` ends (just past its checksum). */
function rdbEnd(bytes: Uint8Array): number {
  let end = bytes.length;
  loadRdb(bytes, new Config(), () => {}, { checksum: (_status, offset) => end = offset });
  return end;
}

type SingleResult = "ok" | "empty" | "truncated";

function checkSingle(
  io: CheckAofIo,
  path: string,
  name: string,
  lastFile: boolean,
  fix: boolean,
  preamble: boolean,
): SingleResult {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (error) {
    io.out(`Cannot open file ${path}: ${error instanceof Error ? error.message : error}, aborting...\n`);
    throw new Exit(1);
  }
  const size = bytes.length;
  if (size === 0) return "empty";
  let start = 0;
  if (preamble) {
    const result = checkRdb(bytes, name);
    io.out(result.lines.join("\n") + "\n");
    if (!result.ok) {
      io.out("RDB preamble of AOF file is not sane, aborting.\n");
      throw new Exit(1);
    }
    io.out("RDB preamble is OK, proceeding with AOF tail...\n");
    start = rdbEnd(bytes);
  }
  const { pos, line, error } = scanAof(bytes, name, start);
  if (error !== "") io.out(`${error}\n`);
  const diff = size - pos;
  io.out(
    `AOF analyzed: filename=${name}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${line}, diff=${diff}\n`,
  );
  if (diff > 0) {
    if (!fix) {
      io.out(`AOF ${name} is not valid. Use the --fix option to try fixing it.\n`);
      throw new Exit(1);
    }
    if (!lastFile) {
      io.out(`Failed to truncate AOF ${name} because it is not the last file\n`);
      throw new Exit(1);
    }
    io.out(`This will shrink the AOF ${name} from ${size} bytes, with ${diff} bytes, to ${pos} bytes\n`);
    io.out("Continue? [y/N]: ");
    const answer = io.readLine();
    if (answer === null || !answer.toLowerCase().startsWith("y")) {
      io.out("Aborting...\n");
      throw new Exit(1);
    }
    try {
      Deno.truncateSync(path, pos);
    } catch {
      io.out(`Failed to truncate AOF ${name}\n`);
      throw new Exit(1);
    }
    return "truncated";
  }
  return "ok";
}

function isRdb(path: string): boolean {
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      const head = new Uint8Array(5);
      const n = file.readSync(head);
      return n === 5 && String.fromCharCode(...head) === "REDIS";
    } finally {
      file.close();
    }
  } catch {
    return false;
  }
}

function isManifest(path: string): boolean {
  let text: string;
  try {
    text = new TextDecoder("latin1").decode(Deno.readFileSync(path).subarray(0, 1 << 16));
  } catch {
    return false;
  }
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    return line.startsWith("file ");
  }
  return false;
}

function printStyle(io: CheckAofIo, result: SingleResult, name: string, type: string): void {
  if (result === "ok") io.out(`${type} AOF ${name} is valid\n`);
  else if (result === "empty") io.out(`${type} AOF ${name} is empty\n`);
  else io.out(`Successfully truncated AOF ${name}\n`);
}

/** The checker proper; returns the exit code. */
export function checkAof(args: string[], io: CheckAofIo): number {
  try {
    let fix = false;
    let path: string;
    if (args.length === 1) path = args[0];
    else if (args.length === 2 && args[0] === "--fix") {
      fix = true;
      path = args[1];
    } else {
      io.out(`${CHECK_AOF_USAGE}\n`);
      return 1;
    }
    if (isManifest(path)) {
      io.out("Start checking Multi Part AOF\n");
      let manifest;
      try {
        manifest = parseManifest(new TextDecoder("latin1").decode(Deno.readFileSync(path)));
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        io.out(`${error.message}\n`);
        return 1;
      }
      const dir = dirname(path);
      const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
      for (const info of files) {
        try {
          Deno.statSync(`${dir}/${info.name}`);
        } catch {
          io.out(`AOF ${info.name} does not exist\n`);
          return 1;
        }
      }
      if (manifest.base) {
        const basePath = `${dir}/${manifest.base.name}`;
        const preamble = isRdb(basePath);
        io.out(`Start to check BASE AOF (${preamble ? "RDB" : "RESP"} format).\n`);
        const result = checkSingle(
          io,
          basePath,
          manifest.base.name,
          manifest.incrs.length === 0,
          fix,
          preamble,
        );
        printStyle(io, result, manifest.base.name, "BASE");
      }
      if (manifest.incrs.length > 0) {
        io.out("Start to check INCR files.\n");
        manifest.incrs.forEach((info, i) => {
          const last = i === manifest!.incrs.length - 1;
          const result = checkSingle(io, `${dir}/${info.name}`, info.name, last, fix, false);
          printStyle(io, result, info.name, "INCR");
        });
      }
      io.out("All AOF files and manifest are valid\n");
      return 0;
    }
    const preamble = isRdb(path);
    io.out(`Start checking ${preamble ? "RDB-preamble AOF" : "Old-Style AOF"}\n`);
    const name = path;
    const result = checkSingle(io, path, name, true, fix, preamble);
    if (result === "ok") io.out(`AOF ${name} is valid\n`);
    else if (result === "empty") io.out(`AOF ${name} is empty\n`);
    else io.out(`Successfully truncated AOF ${name}\n`);
    return 0;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    throw error;
  }
}

/** `redix --check-aof ...` (`args` after the flag), on standard output and input. */
export function checkAofMain(args: string[]): number {
  return checkAof(args, {
    out(text) {
      const bytes = ENCODER.encode(text);
      let written = 0;
      while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
    },
    readLine() {
      const buf = new Uint8Array(1024);
      let line = "";
      while (true) {
        const n = Deno.stdin.readSync(buf);
        if (n === null || n === 0) return line === "" ? null : line;
        line += new TextDecoder().decode(buf.subarray(0, n));
        const nl = line.indexOf("\n");
        if (nl !== -1) return line.slice(0, nl);
      }
    },
  });
}
