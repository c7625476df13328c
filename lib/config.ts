/**
 * The configuration registry (DESIGN.md §11): every parameter Redis 7.0 knows,
 * with its old aliases, validation, default, mutability and CONFIG GET/SET/REWRITE
 * behaviour, read from redis.conf files and `--name value` flags.
 *
 * Parsing, bounds, error texts and printed forms follow Redis 7.0.15 to the
 * letter (they were checked against a real redis-server), including its C
 * quirks: memory units where `k` is 1000 and `kb` 1024, strtoll-style parsing
 * for `save`, int truncation of `save` changes, 64-bit wrap-around of memory
 * values. Values are binary strings (one char per byte) like everything that
 * crosses the wire.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { basename, dirname, join, resolve } from "node:path";
import { globMatch } from "./util/glob.ts";
import { quoteArg, splitArgs } from "./util/split_args.ts";
import { parseInt64, printfFixed } from "./util/numbers.ts";

/** A configuration problem, with a one-line message meant for the user. */
export class ConfigError extends Error {}

/**
 * A value or directive refused, carrying Redis's own text and no location:
 * CONFIG SET prints it after " - ", the file loader adds the file and line.
 */
class BadValue extends ConfigError {}

/** What the command line asks for. */
export type CommandLine =
  | { action: "help" }
  | { action: "version" }
  | { action: "run"; config: Config };

/** Applies a parameter's new value at runtime; returns an error text to refuse it. */
export type ChangeHook = (config: Config) => string | undefined;

/** A redis.conf directive that is not a parameter, left for the server to act on. */
export interface Directive {
  /** `rename-command`, `user` or `loadmodule`. */
  name: string;
  args: string[];
}

export interface ConfigSetOptions {
  /** Whether the client is local, for `enable-protected-configs local`. */
  localClient?: boolean;
  /** Whether the dataset is being loaded: some parameters must wait. */
  loading?: boolean;
}

// ---------------------------------------------------------------------------
// C number parsing, as Redis's config code uses it.

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;
const LONG_MAX = LLONG_MAX;
const KB = 1024n;
const MB = 1024n * KB;
const GB = 1024n * MB;

function isSpace(c: string): boolean {
  return c === " " || (c >= "\t" && c <= "\r");
}

function isDigit(c: string, base: number): boolean {
  return c >= "0" && c <= (base === 8 ? "7" : "9");
}

/**
 * C's strtoll: leading white space, a sign, digits; clamps on overflow. `end`
 * is where parsing stopped (0 when there were no digits), so a caller can
 * demand, as Redis does, that it is the end of the string.
 */
function strtoll(s: string, base = 10): { value: bigint; end: number } {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  const negative = s[i] === "-";
  if (negative || s[i] === "+") i++;
  const start = i;
  while (i < s.length && isDigit(s[i], base)) i++;
  if (i === start) return { value: 0n, end: 0 };
  const digits = s.slice(start, i);
  let value = BigInt(base === 8 ? "0o" + digits : digits);
  if (negative) value = -value;
  if (value > LLONG_MAX) value = LLONG_MAX;
  if (value < LLONG_MIN) value = LLONG_MIN;
  return { value, end: i };
}

const MEMORY_UNITS = new Map<string, bigint>([
  ["", 1n],
  ["b", 1n],
  ["k", 1000n],
  ["kb", KB],
  ["m", 1000n * 1000n],
  ["mb", MB],
  ["g", 1000n * 1000n * 1000n],
  ["gb", GB],
]);

/**
 * Redis's memtoull: digits and a case-insensitive unit (k=1000, kb=1024, ...).
 * Overflow saturates and the unit multiplies modulo 2^64, as in C.
 */
export function memtoull(s: string): bigint | null {
  if (s[0] === "-") return null;
  let i = 0;
  while (i < s.length && isDigit(s[i], 10)) i++;
  const mul = MEMORY_UNITS.get(s.slice(i).toLowerCase());
  if (mul === undefined || i >= 128) return null;
  let value = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (value > ULLONG_MAX) value = ULLONG_MAX;
  return BigInt.asUintN(64, value * mul);
}

/** How CONFIG REWRITE writes a byte count: with gb, mb or kb when exact. */
function formatMemory(bytes: bigint): string {
  if (bytes !== 0n && bytes % GB === 0n) return `${bytes / GB}gb`;
  if (bytes !== 0n && bytes % MB === 0n) return `${bytes / MB}mb`;
  if (bytes !== 0n && bytes % KB === 0n) return `${bytes / KB}kb`;
  return String(bytes);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEXADECIMAL = /^([+-]?)0[xX]([\da-fA-F]*)(?:\.([\da-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;

/** Redis's string2d (strtod over the whole string, no NaN, no over/underflow). */
function string2d(s: string): number | null {
  if (INFINITY.test(s)) return s[0] === "-" ? -Infinity : Infinity;
  if (DECIMAL.test(s)) {
    const d = Number(s);
    const mantissa = s.replace(/[eE].*/, "");
    if (!Number.isFinite(d) || (d === 0 && /[1-9]/.test(mantissa))) return null;
    return d;
  }
  const hex = HEXADECIMAL.exec(s);
  if (!hex || hex[2] + (hex[3] ?? "") === "") return null;
  const fraction = hex[3] ?? "";
  const d = parseInt(hex[2] + fraction || "0", 16) *
    2 ** (Number(hex[4] ?? 0) - 4 * fraction.length);
  return Number.isFinite(d) ? (hex[1] === "-" ? -d : d) : null;
}

/** printf's "%f" (ties to even, like glibc) without trailing zeros, as Redis prints doubles in config. */
function formatPercentile(d: number): string {
  return printfFixed(d, 6).replace(/\.?0+$/, "");
}

// ---------------------------------------------------------------------------
// redis.conf lexical rules.

/** What CONFIG SET passes to a multi-argument parameter: its value split on single spaces. */
function splitValue(value: string): string[] {
  return value === "" ? [] : value.split(" ");
}

/** A binary string (one char per byte) for a text from the OS (args, paths). */
function toBinary(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** The OS text (a path, a message) a binary string stands for. */
function fromBinary(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}

/** The text C's strerror gives for a failed file system call. */
function describeFsError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.NotADirectory) return "Not a directory";
  if (e instanceof Deno.errors.IsADirectory) return "Is a directory";
  return e instanceof Error ? e.message : String(e);
}

function readBinaryFile(path: string): string {
  const bytes = Deno.readFileSync(path);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

// ---------------------------------------------------------------------------
// Parameter kinds.

/** One line CONFIG REWRITE wants in the file; `force` adds it even if the file lacks it. */
interface RewriteLine {
  line: string;
  force: boolean;
}

/** What a parameter's value is, and how it is read, printed and rewritten. */
interface Kind<T> {
  /** Takes several arguments in the file, a space-separated list in CONFIG SET. */
  readonly multiArg?: boolean;
  /** Repeated file lines add up, the first one replacing the default (`save`). */
  readonly accumulates?: boolean;
  /** Which typed getter serves it. */
  readonly tag: "bool" | "number" | "string" | "other";
  /**
   * The new value, or throws BadValue with Redis's text. `current` is the
   * value it replaces (a `dir` is relative to it, a `client-output-buffer-limit`
   * changes one class of it), undefined when an accumulating value starts afresh.
   */
  parse(args: string[], current: T | undefined): T;
  /** The text CONFIG GET prints. */
  format(value: T): string;
  /** The file lines for `value`; none means the parameter must not appear. */
  rewrite(name: string, value: T, initial: T): RewriteLine[];
  /** The value as a number, for kinds getNumber serves. */
  number?(value: T): number;
}

const yesNo: Kind<boolean> = {
  tag: "bool",
  parse([arg]) {
    const v = arg.toLowerCase();
    if (v === "yes") return true;
    if (v === "no") return false;
    throw new BadValue("argument must be 'yes' or 'no'");
  },
  format: (v) => v ? "yes" : "no",
  rewrite: (name, v, initial) => [{ line: `${name} ${v ? "yes" : "no"}`, force: v !== initial }],
};

interface NumericOptions {
  /** Compared as C's unsigned types are (size_t, unsigned int, unsigned long long). */
  unsigned?: boolean;
  /** Accepts memory units; printed in bytes. */
  memory?: boolean;
  /** Also accepts `N%`, stored as -N as Redis does. */
  percent?: boolean;
  /** Read and printed in octal. */
  octal?: boolean;
  /** Accepted, then brought into this range (Redis treats hz as a hint). */
  clamp?: [bigint, bigint];
}

/** Integers, stored as Redis's 64-bit value (so huge unsigned values print exactly). */
function numeric(min: bigint, max: bigint, options: NumericOptions = {}): Kind<bigint> {
  const { unsigned, memory, percent, octal, clamp } = options;
  const show = (n: bigint) => octal ? n.toString(8) : String(n);
  const outOfRange = () => new BadValue(`argument must be between ${show(min)} and ${show(max)} inclusive`);
  const text = (v: bigint) => {
    if (percent && v < 0n) return `${-v}%`;
    if (memory) return String(BigInt.asUintN(64, v));
    return octal ? BigInt.asUintN(64, v).toString(8) : String(v);
  };
  return {
    tag: "number",
    parse([arg]) {
      const v = parseNumber(arg, options);
      if (unsigned) {
        const u = BigInt.asUintN(64, v);
        if (u < min || u > max) throw outOfRange();
      } else if (percent && v < 0n) {
        if (v < min) throw new BadValue(`percentage argument must be less or equal to ${-min}`);
      } else if (v < min || v > max) {
        throw outOfRange();
      }
      if (!clamp) return v;
      return v < clamp[0] ? clamp[0] : v > clamp[1] ? clamp[1] : v;
    },
    format: text,
    rewrite(name, v, initial) {
      if (percent && v < 0n) return [{ line: `${name} ${-v}%`, force: -v !== initial }];
      const shown = memory ? formatMemory(v) : octal ? text(v) : String(v);
      return [{ line: `${name} ${shown}`, force: v !== initial }];
    },
    number: (v) => memory && !percent ? Number(BigInt.asUintN(64, v)) : Number(v),
  };
}

/** Redis's numericParseString: the value as a signed 64-bit integer. */
function parseNumber(arg: string, { memory, percent, octal }: NumericOptions): bigint {
  if (memory) {
    const bytes = memtoull(arg);
    if (bytes !== null) return BigInt.asIntN(64, bytes);
  }
  if (percent && arg.length > 1 && arg.endsWith("%")) {
    const n = parseInt64(arg.slice(0, -1));
    if (n !== null && n >= 0n) return -n;
  }
  if (octal) {
    const { value, end } = strtoll(arg, 8);
    if (end === arg.length && value > LLONG_MIN && value < LLONG_MAX) return value;
  }
  if (!memory && !percent && !octal) {
    const n = parseInt64(arg);
    if (n !== null) return n;
  }
  if (memory && percent) throw new BadValue("argument must be a memory or percent value");
  if (memory) throw new BadValue("argument must be a memory value");
  if (octal) throw new BadValue("argument couldn't be parsed as an octal number");
  throw new BadValue("argument couldn't be parsed into an integer");
}

/**
 * One of a list of names (case-insensitive); with `flags`, any combination,
 * printed as Redis does (a name whose value matches exactly, else the names of
 * the bits in list order, "unknown" otherwise).
 */
function enumOf(
  values: Record<string, number>,
  options: { flags?: boolean; validate?: (value: number) => void } = {},
): Kind<number> {
  const entries = Object.entries(values);
  const refusal = "argument(s) must be one of the following: " + Object.keys(values).join(", ");
  const name = (value: number) => {
    const exact = entries.find(([, v]) => v === value);
    if (exact) return exact[0];
    if (!options.flags) return "unknown";
    const names = [];
    let unmatched = value;
    for (const [n, v] of entries) {
      if (v && (unmatched & v) === v) {
        names.push(n);
        unmatched &= ~v;
      }
    }
    return names.length && !unmatched ? names.join(" ") : "unknown";
  };
  return {
    tag: "string",
    multiArg: options.flags,
    parse(args) {
      if (args.length === 0 || (!options.flags && args.length !== 1)) throw new BadValue(refusal);
      let value = 0;
      for (const arg of args) {
        const lower = arg.toLowerCase();
        const matches = entries.filter(([n]) => n === lower);
        if (matches.length === 0) throw new BadValue(refusal);
        for (const [, v] of matches) value |= v;
      }
      options.validate?.(value);
      return value;
    },
    format: name,
    rewrite: (n, v, initial) => [{ line: `${n} ${name(v)}`, force: v !== initial }],
    number: (v) => v,
  };
}

/** Names in order, valued 0, 1, 2, ... */
function oneOf(...names: string[]): Kind<number> {
  return enumOf(Object.fromEntries(names.map((n, i) => [n, i])));
}

/**
 * A string. With `nullable`, Redis keeps "" as NULL: the parameter is then
 * left out of a rewritten file.
 */
function text(options: { nullable?: boolean; validate?: (value: string) => void } = {}): Kind<string> {
  return {
    tag: "string",
    parse([arg]) {
      options.validate?.(arg);
      return arg;
    },
    format: (v) => v,
    rewrite(name, v, initial) {
      if (options.nullable && v === "") return [];
      return [{ line: `${name} ${quoteArg(v)}`, force: v !== initial }];
    },
  };
}

function baseName(what: string, noun: string, allowEmpty = true) {
  return (v: string) => {
    if (!allowEmpty && v === "") throw new BadValue(`${what} can't be empty`);
    if (v.includes("/") || v.includes("\\")) throw new BadValue(`${what} can't be a path, just a ${noun}`);
  };
}

function validateHostname(v: string) {
  if (v.length >= 256) throw new BadValue("Hostnames must be less than 256 characters");
  if (!/^[A-Za-z0-9.-]*$/.test(v)) {
    throw new BadValue("Hostnames may only contain alphanumeric characters, hyphens or dots");
  }
}

/**
 * Redis expands the template with an empty title and refuses an unknown
 * variable, a stray `{` or an empty result.
 */
function validateProcTitle(v: string) {
  const refusal = new BadValue("template format is invalid or contains unknown variables");
  const nonEmpty = new Set(["listen-addr", "port", "tls-port"]);
  const maybeEmpty = new Set(["title", "server-mode", "config-file", "unixsocket"]);
  let expanded = "";
  for (let i = 0; i < v.length;) {
    const open = v.indexOf("{", i);
    if (open < 0) {
      expanded += v.slice(i);
      break;
    }
    expanded += v.slice(i, open);
    if (v[open + 1] === "{") {
      expanded += "{";
      i = open + 2;
      continue;
    }
    const close = v.indexOf("}", open + 1);
    const variable = close < 0 ? "" : v.slice(open + 1, close);
    if (nonEmpty.has(variable)) expanded += "x";
    else if (!maybeEmpty.has(variable)) throw refusal;
    i = close + 1;
  }
  if (expanded === "") throw refusal;
}

/** A `save` rule: snapshot after `seconds` if at least `changes` writes happened. */
interface SavePoint {
  seconds: bigint;
  changes: number;
}

const saveKind: Kind<SavePoint[]> = {
  tag: "other",
  multiArg: true,
  accumulates: true,
  parse(args, current) {
    if (args.length === 1 && args[0] === "") return [];
    const refusal = new BadValue("Invalid save parameters");
    if (args.length % 2) throw refusal;
    const numbers = args.map((arg, i) => {
      const { value, end } = strtoll(arg);
      if (end !== arg.length || value < (i % 2 ? 0n : 1n)) throw refusal;
      return value;
    });
    const points = [...current ?? []];
    for (let i = 0; i < numbers.length; i += 2) {
      points.push({ seconds: numbers[i], changes: Number(BigInt.asIntN(32, numbers[i + 1])) });
    }
    return points;
  },
  format: (points) => points.map((p) => `${p.seconds} ${p.changes}`).join(" "),
  rewrite(name, points) {
    if (points.length === 0) return [{ line: `${name} ""`, force: true }];
    return points.map((p) => ({ line: `${name} ${p.seconds} ${p.changes}`, force: true }));
  },
};

const bindKind: Kind<string[]> = {
  tag: "other",
  multiArg: true,
  parse(args) {
    if (args.length > 16) throw new BadValue("Too many bind addresses specified.");
    return args.length === 1 && args[0] === "" ? [] : [...args];
  },
  format: (addresses) => addresses.join(" "),
  rewrite(name, addresses, initial) {
    if (addresses.join(" ") === initial.join(" ")) return [];
    return [{ line: `${name} ${addresses.length ? addresses.join(" ") : '""'}`, force: true }];
  },
};

interface OutputBufferLimit {
  hard: bigint;
  soft: bigint;
  seconds: number;
}

/** Client classes in Redis's order; CONFIG GET says "slave", REWRITE "replica". */
const OBUF_CLASSES = ["normal", "slave", "pubsub"];

const outputBufferLimitKind: Kind<OutputBufferLimit[]> = {
  tag: "other",
  multiArg: true,
  parse(args, current) {
    if (args.length % 4) throw new BadValue("Wrong number of arguments in buffer limit configuration.");
    const limits = [...current ?? []];
    for (let j = 0; j < args.length; j += 4) {
      const name = args[j].toLowerCase();
      const index = OBUF_CLASSES.indexOf(name === "replica" ? "slave" : name);
      if (index < 0) throw new BadValue("Invalid client class specified in buffer limit configuration.");
      const hard = memtoull(args[j + 1]);
      const soft = memtoull(args[j + 2]);
      const { value, end } = strtoll(args[j + 3]);
      const seconds = Number(BigInt.asIntN(32, value));
      if (hard === null || soft === null || seconds < 0 || end !== args[j + 3].length) {
        throw new BadValue("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      limits[index] = { hard, soft, seconds };
    }
    return limits;
  },
  format: (limits) => limits.map((l, i) => `${OBUF_CLASSES[i]} ${l.hard} ${l.soft} ${l.seconds}`).join(" "),
  rewrite: (name, limits, initial) =>
    limits.map((l, i) => ({
      line: `${name} ${i === 1 ? "replica" : OBUF_CLASSES[i]} ` +
        `${formatMemory(BigInt.asIntN(64, l.hard))} ${formatMemory(BigInt.asIntN(64, l.soft))} ${l.seconds}`,
      force: l.hard !== initial[i].hard || l.soft !== initial[i].soft || l.seconds !== initial[i].seconds,
    })),
};

const oomScoreValuesKind: Kind<number[]> = {
  tag: "other",
  multiArg: true,
  parse(args) {
    if (args.length !== 3) throw new BadValue("wrong number of arguments");
    return args.map((arg) => {
      const { value, end } = strtoll(arg);
      if (end !== arg.length || value < -2000n || value > 2000n) {
        throw new BadValue("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
      }
      return Number(value);
    });
  },
  format: (values) => values.join(" "),
  rewrite: (name, values, initial) => [{
    line: `${name} ${values.join(" ")}`,
    force: values.join(" ") !== initial.join(" "),
  }],
};

/** Keyspace notification classes, as bits of `getNumber("notify-keyspace-events")`. */
export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m
  MODULE: 1 << 12, // d
  NEW: 1 << 13, // n
  /** "A": g$lshzxet and d, not m nor n. */
  ALL: 0x17fc,
} as const;

/** The class letters in the order Redis prints them (A, K, E and m apart). */
const NOTIFY_LETTERS: [string, number][] = [
  ["g", NOTIFY.GENERIC],
  ["$", NOTIFY.STRING],
  ["l", NOTIFY.LIST],
  ["s", NOTIFY.SET],
  ["h", NOTIFY.HASH],
  ["z", NOTIFY.ZSET],
  ["x", NOTIFY.EXPIRED],
  ["e", NOTIFY.EVICTED],
  ["t", NOTIFY.STREAM],
  ["d", NOTIFY.MODULE],
  ["n", NOTIFY.NEW],
];
const NOTIFY_INPUT = new Map<string, number>([
  ...NOTIFY_LETTERS,
  ["A", NOTIFY.ALL],
  ["K", NOTIFY.KEYSPACE],
  ["E", NOTIFY.KEYEVENT],
  ["m", NOTIFY.KEY_MISS],
]);

/** keyspaceEventsFlagsToString; note that "A" hides an "n", as in Redis 7.0. */
function notifyFlagsToString(flags: number): string {
  let s = "";
  if ((flags & NOTIFY.ALL) === NOTIFY.ALL) s = "A";
  else for (const [letter, bit] of NOTIFY_LETTERS) if (flags & bit) s += letter;
  if (flags & NOTIFY.KEYSPACE) s += "K";
  if (flags & NOTIFY.KEYEVENT) s += "E";
  if (flags & NOTIFY.KEY_MISS) s += "m";
  return s;
}

const notifyKind: Kind<number> = {
  tag: "number",
  parse([arg]) {
    let flags = 0;
    for (const c of arg) {
      const bit = NOTIFY_INPUT.get(c);
      if (bit === undefined) throw new BadValue("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      flags |= bit;
    }
    return flags;
  },
  format: notifyFlagsToString,
  rewrite: (
    name,
    flags,
    initial,
  ) => [{ line: `${name} ${quoteArg(notifyFlagsToString(flags))}`, force: flags !== initial }],
  number: (flags) => flags,
};

/**
 * The working directory. Redis chdir's into it; Redix keeps the real absolute
 * path instead, so a relative `dir` is taken relative to the previous one.
 */
const dirKind: Kind<string> = {
  tag: "string",
  parse([arg], current) {
    if (arg === "") throw new BadValue("No such file or directory");
    const path = resolve(fromBinary(current ?? "/"), fromBinary(arg));
    try {
      if (!Deno.statSync(path).isDirectory) throw new BadValue("Not a directory");
      return toBinary(Deno.realPathSync(path));
    } catch (e) {
      throw e instanceof BadValue ? e : new BadValue(describeFsError(e));
    }
  },
  format: (dir) => dir,
  rewrite: (name, dir) => [{ line: `${name} ${quoteArg(dir)}`, force: true }],
};

interface Master {
  host: string;
  port: number;
}

const replicaofKind: Kind<Master | null> = {
  tag: "other",
  multiArg: true,
  parse(args) {
    if (args.length !== 2) throw new BadValue("wrong number of arguments");
    const [host, port] = args;
    if (host.toLowerCase() === "no" && port.toLowerCase() === "one") return null;
    const { value, end } = strtoll(port);
    if (end !== port.length || value < 0n || value > 65535n) throw new BadValue("Invalid master port");
    return { host, port: Number(value) };
  },
  format: (master) => master ? `${master.host} ${master.port}` : "",
  rewrite: (name, master) => master ? [{ line: `${name} ${master.host} ${master.port}`, force: true }] : [],
};

const percentilesKind: Kind<number[]> = {
  tag: "other",
  multiArg: true,
  parse(args) {
    if (args.length === 1 && args[0] === "") return [];
    return args.map((arg) => {
      const d = string2d(arg);
      if (d === null) throw new BadValue("Invalid latency-tracking-info-percentiles parameters");
      if (d > 100 || d < 0) {
        throw new BadValue("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      return d;
    });
  },
  format: (values) => values.map(formatPercentile).join(" "),
  rewrite: (name, values) => [{
    line: `${name} ${values.length ? values.map(formatPercentile).join(" ") : '""'}`,
    force: true,
  }],
};

// ---------------------------------------------------------------------------
// The registry.

const IMMUTABLE = 1;
/** Settable only as `enable-protected-configs` allows. */
const PROTECTED = 2;
/** Refused with LOADING while the dataset loads. */
const DENY_LOADING = 4;
/** Left out of CONFIG GET patterns (Redis's test-only parameters). */
const HIDDEN = 8;
/** Its value must not show in SLOWLOG or MONITOR. */
const SENSITIVE = 16;

interface Param {
  name: string;
  alias?: string;
  kind: Kind<unknown>;
  /** The default, as CONFIG GET prints it (for `dir`, the working directory). */
  initial: string | (() => string);
  flags: number;
  /** Accepted and reported, but Redix does nothing with it. */
  noEffect: boolean;
}

/**
 * The parameters Redix acts on; every other one is accepted, validated and
 * reported, but has no effect (README lists them). A feature that starts using a
 * parameter adds it here.
 */
const EFFECTIVE = new Set([
  "slowlog-log-slower-than",
  "slowlog-max-len",
  "latency-tracking",
  "latency-tracking-info-percentiles",
  "latency-monitor-threshold",
  "port",
  "bind",
  "databases",
  "proto-max-bulk-len",
  "client-query-buffer-limit",
  "hz",
  "maxclients",
  "timeout",
  "loglevel",
  "always-show-logo",
  "min-replicas-to-write",
  "min-replicas-max-lag",
  "logfile",
  "requirepass",
  "aclfile",
  "acllog-max-len",
  "acl-pubsub-default",
  "protected-mode",
  "maxmemory",
  "maxmemory-policy",
  "maxmemory-samples",
  "maxmemory-eviction-tenacity",
  "lfu-log-factor",
  "lfu-decay-time",
  "hash-max-listpack-entries",
  "hash-max-listpack-value",
  "set-max-intset-entries",
  "zset-max-listpack-entries",
  "zset-max-listpack-value",
  "client-output-buffer-limit",
  "notify-keyspace-events",
  "save",
  "dir",
  "dbfilename",
  "rdbcompression",
  "rdbchecksum",
  "stop-writes-on-bgsave-error",
  "appendonly",
  "appendfilename",
  "appenddirname",
  "appendfsync",
  "auto-aof-rewrite-percentage",
  "auto-aof-rewrite-min-size",
  "aof-load-truncated",
  "aof-use-rdb-preamble",
  "aof-timestamp-enabled",
  "enable-debug-command",
  "tcp-keepalive",
  "tls-port",
  "tls-cert-file",
  "tls-key-file",
  "tls-auth-clients",
  "tls-ca-cert-file",
  "tls-ca-cert-dir",
]);

function param(
  name: string,
  kind: Kind<unknown>,
  initial: Param["initial"],
  flags = 0,
  alias?: string,
): Param {
  return { name, alias, kind, initial, flags, noEffect: !EFFECTIVE.has(name) };
}

const INT = numeric(0n, INT_MAX);
const PORT = numeric(0n, 65535n);
const LONG = numeric(0n, LONG_MAX);
const LLONG = numeric(0n, LLONG_MAX);
const SIZE = numeric(0n, LONG_MAX, { unsigned: true });
const SIZE_BYTES = numeric(0n, LONG_MAX, { unsigned: true, memory: true });
const STRING = text();
const NULLABLE = text({ nullable: true });
const PROTECTED_ACTION = oneOf("no", "yes", "local");
const SHUTDOWN_FLAGS = enumOf({ default: 0, save: 1, nosave: 2, now: 4, force: 8 }, {
  flags: true,
  validate(v) {
    if ((v & 3) === 3) throw new BadValue("shutdown options SAVE and NOSAVE can't be used simultaneously");
  },
});

/** Every parameter of Redis 7.0.15, in the order of its config.c. */
const PARAMS: readonly Param[] = [
  param("rdbchecksum", yesNo, "yes", IMMUTABLE),
  param("daemonize", yesNo, "no", IMMUTABLE),
  param("io-threads-do-reads", yesNo, "no", IMMUTABLE),
  param("always-show-logo", yesNo, "no", IMMUTABLE),
  param("protected-mode", yesNo, "yes"),
  param("rdbcompression", yesNo, "yes"),
  param("rdb-del-sync-files", yesNo, "no"),
  param("activerehashing", yesNo, "yes"),
  param("stop-writes-on-bgsave-error", yesNo, "yes"),
  param("set-proc-title", yesNo, "yes", IMMUTABLE),
  param("dynamic-hz", yesNo, "yes"),
  param("lazyfree-lazy-eviction", yesNo, "no"),
  param("lazyfree-lazy-expire", yesNo, "no"),
  param("lazyfree-lazy-server-del", yesNo, "no"),
  param("lazyfree-lazy-user-del", yesNo, "no"),
  param("lazyfree-lazy-user-flush", yesNo, "no"),
  param("repl-disable-tcp-nodelay", yesNo, "no"),
  param("repl-diskless-sync", yesNo, "yes"),
  param("aof-rewrite-incremental-fsync", yesNo, "yes"),
  param("no-appendfsync-on-rewrite", yesNo, "no"),
  param("cluster-require-full-coverage", yesNo, "yes"),
  param("rdb-save-incremental-fsync", yesNo, "yes"),
  param("aof-load-truncated", yesNo, "yes"),
  param("aof-use-rdb-preamble", yesNo, "yes"),
  param("aof-timestamp-enabled", yesNo, "no"),
  param("cluster-replica-no-failover", yesNo, "no", 0, "cluster-slave-no-failover"),
  param("replica-lazy-flush", yesNo, "no", 0, "slave-lazy-flush"),
  param("replica-serve-stale-data", yesNo, "yes", 0, "slave-serve-stale-data"),
  param("replica-read-only", yesNo, "yes", 0, "slave-read-only"),
  param("replica-ignore-maxmemory", yesNo, "yes", 0, "slave-ignore-maxmemory"),
  param("jemalloc-bg-thread", yesNo, "yes"),
  param("activedefrag", yesNo, "no"),
  param("syslog-enabled", yesNo, "no", IMMUTABLE),
  param("cluster-enabled", yesNo, "no", IMMUTABLE),
  param("appendonly", yesNo, "no", DENY_LOADING),
  param("cluster-allow-reads-when-down", yesNo, "no"),
  param("cluster-allow-pubsubshard-when-down", yesNo, "yes"),
  param("crash-log-enabled", yesNo, "yes"),
  param("crash-memcheck-enabled", yesNo, "yes"),
  param("use-exit-on-panic", yesNo, "no", HIDDEN),
  param("disable-thp", yesNo, "yes", IMMUTABLE),
  param("cluster-allow-replica-migration", yesNo, "yes"),
  param("replica-announced", yesNo, "yes"),
  param("latency-tracking", yesNo, "yes"),
  param("aof-disable-auto-gc", yesNo, "no"),
  param("replica-ignore-disk-write-errors", yesNo, "no"),

  param("aclfile", STRING, "", IMMUTABLE),
  param("unixsocket", NULLABLE, "", IMMUTABLE),
  param("pidfile", NULLABLE, "", IMMUTABLE),
  param("replica-announce-ip", NULLABLE, "", 0, "slave-announce-ip"),
  param("masteruser", NULLABLE, "", SENSITIVE),
  param("cluster-announce-ip", NULLABLE, ""),
  param("cluster-config-file", STRING, "nodes.conf", IMMUTABLE),
  param("cluster-announce-hostname", text({ nullable: true, validate: validateHostname }), ""),
  param("syslog-ident", STRING, "redis", IMMUTABLE),
  param("dbfilename", text({ validate: baseName("dbfilename", "filename") }), "dump.rdb", PROTECTED),
  param(
    "appendfilename",
    text({ validate: baseName("appendfilename", "filename", false) }),
    "appendonly.aof",
    IMMUTABLE,
  ),
  param(
    "appenddirname",
    text({ validate: baseName("appenddirname", "dirname", false) }),
    "appendonlydir",
    IMMUTABLE,
  ),
  param("server_cpulist", NULLABLE, "", IMMUTABLE),
  param("bio_cpulist", NULLABLE, "", IMMUTABLE),
  param("aof_rewrite_cpulist", NULLABLE, "", IMMUTABLE),
  param("bgsave_cpulist", NULLABLE, "", IMMUTABLE),
  param("ignore-warnings", STRING, ""),
  param("proc-title-template", text({ validate: validateProcTitle }), "{title} {listen-addr} {server-mode}"),
  param("bind-source-addr", NULLABLE, ""),
  param("logfile", STRING, "", IMMUTABLE),
  param("masterauth", NULLABLE, "", SENSITIVE),
  param("requirepass", NULLABLE, "", SENSITIVE),

  param("supervised", oneOf("upstart", "systemd", "auto", "no"), "no", IMMUTABLE),
  param(
    "syslog-facility",
    oneOf("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"),
    "local0",
    IMMUTABLE,
  ),
  param("repl-diskless-load", oneOf("disabled", "on-empty-db", "swapdb"), "disabled", DENY_LOADING),
  param("loglevel", oneOf("debug", "verbose", "notice", "warning"), "notice"),
  param(
    "maxmemory-policy",
    oneOf(
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ),
    "noeviction",
  ),
  param("appendfsync", oneOf("everysec", "always", "no"), "everysec"),
  param("oom-score-adj", enumOf({ no: 0, yes: 1, relative: 1, absolute: 2 }), "no"),
  param("acl-pubsub-default", oneOf("allchannels", "resetchannels"), "resetchannels"),
  param("sanitize-dump-payload", oneOf("no", "yes", "clients"), "no"),
  param("enable-protected-configs", PROTECTED_ACTION, "no", IMMUTABLE),
  param("enable-debug-command", PROTECTED_ACTION, "no", IMMUTABLE),
  param("enable-module-command", PROTECTED_ACTION, "no", IMMUTABLE),
  param("cluster-preferred-endpoint-type", oneOf("ip", "hostname", "unknown-endpoint"), "ip"),
  param("propagation-error-behavior", oneOf("ignore", "panic", "panic-on-replicas"), "ignore"),
  param("shutdown-on-sigint", SHUTDOWN_FLAGS, "default"),
  param("shutdown-on-sigterm", SHUTDOWN_FLAGS, "default"),

  param("databases", numeric(1n, INT_MAX), "16", IMMUTABLE),
  param("port", PORT, "6379"),
  param("io-threads", numeric(1n, 128n), "1", IMMUTABLE),
  param("auto-aof-rewrite-percentage", INT, "100"),
  param("cluster-replica-validity-factor", INT, "10", 0, "cluster-slave-validity-factor"),
  param("list-max-listpack-size", numeric(INT_MIN, INT_MAX), "-2", 0, "list-max-ziplist-size"),
  param("tcp-keepalive", INT, "300"),
  param("cluster-migration-barrier", INT, "1"),
  param("active-defrag-cycle-min", numeric(1n, 99n), "1"),
  param("active-defrag-cycle-max", numeric(1n, 99n), "25"),
  param("active-defrag-threshold-lower", numeric(0n, 1000n), "10"),
  param("active-defrag-threshold-upper", numeric(0n, 1000n), "100"),
  param("lfu-log-factor", INT, "10"),
  param("lfu-decay-time", INT, "1"),
  param("replica-priority", INT, "100", 0, "slave-priority"),
  param("repl-diskless-sync-delay", INT, "5"),
  param("maxmemory-samples", numeric(1n, INT_MAX), "5"),
  param("maxmemory-eviction-tenacity", numeric(0n, 100n), "10"),
  param("timeout", INT, "0"),
  param("replica-announce-port", PORT, "0", 0, "slave-announce-port"),
  param("tcp-backlog", INT, "511", IMMUTABLE),
  param("cluster-port", PORT, "0", IMMUTABLE),
  param("cluster-announce-bus-port", PORT, "0"),
  param("cluster-announce-port", PORT, "0"),
  param("cluster-announce-tls-port", PORT, "0"),
  param("repl-timeout", numeric(1n, INT_MAX), "60"),
  param("repl-ping-replica-period", numeric(1n, INT_MAX), "10", 0, "repl-ping-slave-period"),
  param("list-compress-depth", INT, "0"),
  param("rdb-key-save-delay", numeric(INT_MIN, INT_MAX), "0", HIDDEN),
  param("key-load-delay", numeric(INT_MIN, INT_MAX), "0", HIDDEN),
  param("active-expire-effort", numeric(1n, 10n), "1"),
  param("hz", numeric(0n, INT_MAX, { clamp: [1n, 500n] }), "10"),
  param("min-replicas-to-write", INT, "0", 0, "min-slaves-to-write"),
  param("min-replicas-max-lag", INT, "10", 0, "min-slaves-max-lag"),
  param("watchdog-period", INT, "0", HIDDEN),
  param("shutdown-timeout", INT, "10"),
  param("repl-diskless-sync-max-replicas", INT, "0"),
  param("socket-mark-id", numeric(0n, UINT_MAX, { unsigned: true }), "0", IMMUTABLE),

  param("maxclients", numeric(1n, UINT_MAX, { unsigned: true }), "10000"),
  param("unixsocketperm", numeric(0n, 0o777n, { unsigned: true, octal: true }), "0", IMMUTABLE),

  param("active-defrag-max-scan-fields", numeric(1n, LONG_MAX), "1000"),
  param("slowlog-max-len", LONG, "128"),
  param("acllog-max-len", LONG, "128"),

  param("busy-reply-threshold", LONG, "5000", 0, "lua-time-limit"),
  param("cluster-node-timeout", LLONG, "15000"),
  param("slowlog-log-slower-than", numeric(-1n, LLONG_MAX), "10000"),
  param("latency-monitor-threshold", LLONG, "0"),
  param("proto-max-bulk-len", numeric(MB, LONG_MAX, { memory: true }), "536870912"),
  param("stream-node-max-entries", LLONG, "100"),
  param("repl-backlog-size", numeric(1n, LLONG_MAX, { memory: true }), "1048576"),

  param("maxmemory", numeric(0n, ULLONG_MAX, { unsigned: true, memory: true }), "0"),
  param("cluster-link-sendbuf-limit", numeric(0n, ULLONG_MAX, { unsigned: true, memory: true }), "0"),

  param("hash-max-listpack-entries", SIZE, "512", 0, "hash-max-ziplist-entries"),
  param("set-max-intset-entries", SIZE, "512"),
  param("zset-max-listpack-entries", SIZE, "128", 0, "zset-max-ziplist-entries"),
  param("active-defrag-ignore-bytes", numeric(1n, LLONG_MAX, { unsigned: true, memory: true }), "104857600"),
  param("hash-max-listpack-value", SIZE_BYTES, "64", 0, "hash-max-ziplist-value"),
  param("stream-node-max-bytes", SIZE_BYTES, "4096"),
  param("zset-max-listpack-value", SIZE_BYTES, "64", 0, "zset-max-ziplist-value"),
  param("hll-sparse-max-bytes", SIZE_BYTES, "3000"),
  param("tracking-table-max-keys", SIZE, "1000000"),
  param("client-query-buffer-limit", numeric(MB, LONG_MAX, { unsigned: true, memory: true }), "1073741824"),
  param("maxmemory-clients", numeric(-100n, LLONG_MAX, { memory: true, percent: true }), "0"),

  param("repl-backlog-ttl", LONG, "3600"),
  param("auto-aof-rewrite-min-size", numeric(0n, LLONG_MAX, { memory: true }), "67108864"),
  param("loading-process-events-interval-bytes", numeric(1024n, INT_MAX), "2097152", HIDDEN),

  param("tls-port", PORT, "0"),
  param("tls-session-cache-size", INT, "20480"),
  param("tls-session-cache-timeout", INT, "300"),
  param("tls-cluster", yesNo, "no"),
  param("tls-replication", yesNo, "no"),
  param("tls-auth-clients", oneOf("no", "yes", "optional"), "yes"),
  param("tls-prefer-server-ciphers", yesNo, "no"),
  param("tls-session-caching", yesNo, "yes"),
  param("tls-cert-file", NULLABLE, ""),
  param("tls-key-file", NULLABLE, ""),
  param("tls-key-file-pass", NULLABLE, ""),
  param("tls-client-cert-file", NULLABLE, ""),
  param("tls-client-key-file", NULLABLE, ""),
  param("tls-client-key-file-pass", NULLABLE, ""),
  param("tls-dh-params-file", NULLABLE, ""),
  param("tls-ca-cert-file", NULLABLE, ""),
  param("tls-ca-cert-dir", NULLABLE, ""),
  param("tls-protocols", NULLABLE, ""),
  param("tls-ciphers", NULLABLE, ""),
  param("tls-ciphersuites", NULLABLE, ""),

  param("dir", dirKind, () => toBinary(Deno.cwd()), PROTECTED | DENY_LOADING),
  param("save", saveKind, "3600 1 300 100 60 10000"),
  param(
    "client-output-buffer-limit",
    outputBufferLimitKind,
    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
  ),
  param("oom-score-adj-values", oomScoreValuesKind, "0 200 800"),
  param("notify-keyspace-events", notifyKind, ""),
  // Redis's built-in default is "* -::*" guarded by protected mode; Redix listens on
  // loopback by default (as Redis's shipped redis.conf does) until protected mode exists.
  param("bind", bindKind, "127.0.0.1 -::1"),
  param("replicaof", replicaofKind, "no one", IMMUTABLE, "slaveof"),
  param("latency-tracking-info-percentiles", percentilesKind, "50 99 99.9"),
];

/** A name CONFIG knows: a parameter's own name or one of its aliases. */
interface Entry {
  name: string;
  param: Param;
}

/** Every name, aliases right after their parameter, for CONFIG GET patterns. */
const ENTRIES: readonly Entry[] = PARAMS.flatMap((p) =>
  p.alias ? [{ name: p.name, param: p }, { name: p.alias, param: p }] : [{ name: p.name, param: p }]
);
const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e]));

/** Names of the parameters Redix accepts but does not act on, for the README. */
export function paramsWithoutEffect(): string[] {
  return PARAMS.filter((p) => p.noEffect && !(p.flags & HIDDEN)).map((p) => p.name).sort();
}

/** Directives of the old list-* encoding that Redis 7.0 still swallows silently. */
const DEPRECATED = new Set(["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"]);
/** Directives the server acts on itself (see {@link Config.directives}), by their valid argument counts. */
const SERVER_DIRECTIVES = new Map<string, (count: number) => boolean>([
  ["rename-command", (n) => n === 2],
  ["user", (n) => n >= 1],
  ["loadmodule", (n) => n >= 1],
]);
/** Lines CONFIG REWRITE keeps even though they name no parameter. */
const KEPT_ON_REWRITE = new Set(["include", "rename-command", "user", "loadmodule", "sentinel"]);
const MAX_INCLUDE_DEPTH = 16;
const REWRITE_SIGNATURE = "# Generated by CONFIG REWRITE";

function lookup(name: string): Entry | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

/** Whether the value CONFIG SET gives parameter `name` is hidden from SLOWLOG and MONITOR (credentials). */
export function isSensitiveParam(name: string): boolean {
  return Boolean((lookup(name)?.param.flags ?? 0) & SENSITIVE);
}

/** Reads the default of a parameter as CONFIG SET would read that text. */
function initialValue(p: Param): unknown {
  const text = typeof p.initial === "string" ? p.initial : p.initial();
  return p.kind.parse(p.kind.multiArg ? splitValue(text) : [text], undefined);
}

/** A config line as the user wrote it, for an error message. */
function quoteLine(line: string): string {
  return `('${fromBinary(line)}')`;
}

// ---------------------------------------------------------------------------

/** The server's configuration: every parameter's current value. */
export class Config {
  /** The config file, absolute, when one was loaded (CONFIG REWRITE writes it). */
  configFile: string | undefined;
  /** `rename-command`, `user` and `loadmodule` lines, in order, for the server. */
  readonly directives: Directive[] = [];

  #values = new Map<Param, unknown>();
  /** getNumber's answers by name, dropped on every change: commands read their limits on every call. */
  #numbers = new Map<string, number>();
  #initial = new Map<Param, unknown>();
  #hooks = new Map<Param, ChangeHook[]>();
  /** Accumulating parameters already given in the file or flags. */
  #given = new Set<Param>();

  /** Every parameter at its default. */
  constructor() {
    for (const p of PARAMS) {
      const value = initialValue(p);
      this.#store(p, value);
      this.#initial.set(p, value);
    }
    // Redis resizes the backlog when CONFIG SET changes it (not at startup),
    // never below 16kb.
    const backlog = this.#param("repl-backlog-size");
    this.onChange("repl-backlog-size", () => {
      if ((this.#values.get(backlog) as bigint) < 16384n) {
        this.#store(backlog, 16384n);
      }
      return undefined;
    });
  }

  /** The text CONFIG GET prints for `name` (a parameter or alias). */
  get(name: string): string {
    const p = this.#param(name);
    return p.kind.format(this.#values.get(p));
  }

  /**
   * An integer, memory or percent parameter (maxmemory-clients gives a
   * percentage as a negative number, as Redis stores it), or the class bits of
   * notify-keyspace-events (see {@link NOTIFY}).
   */
  getNumber(name: string): number {
    const cached = this.#numbers.get(name);
    if (cached !== undefined) return cached;
    const p = this.#param(name);
    if (p.kind.tag !== "number" || !p.kind.number) throw new TypeError(`${name} is not a number`);
    const value = p.kind.number(this.#values.get(p));
    this.#numbers.set(name, value);
    return value;
  }

  /** A string or enum parameter (enums give their canonical name). */
  getString(name: string): string {
    const p = this.#param(name);
    if (p.kind.tag !== "string") throw new TypeError(`${name} is not a string`);
    return p.kind.format(this.#values.get(p));
  }

  getBool(name: string): boolean {
    const p = this.#param(name);
    if (p.kind !== yesNo) throw new TypeError(`${name} is not a yes/no parameter`);
    return this.#values.get(p) as boolean;
  }

  /** latency-tracking-info-percentiles, as numbers. */
  latencyPercentiles(): number[] {
    return [...this.#values.get(this.#param("latency-tracking-info-percentiles")) as number[]];
  }

  /** The addresses of `bind`. */
  bindAddresses(): string[] {
    return [...this.#values.get(this.#param("bind")) as string[]];
  }

  /** The rules of `save`, in order. */
  saveParams(): { seconds: number; changes: number }[] {
    const points = this.#values.get(this.#param("save")) as SavePoint[];
    return points.map((p) => ({ seconds: Number(p.seconds), changes: p.changes }));
  }

  /**
   * Registers what applying a parameter does at runtime. Hooks run after a
   * CONFIG SET changed the value (not when it set the same value again, nor
   * while loading the file); one returning a text refuses the new value.
   */
  onChange(name: string, hook: ChangeHook): void {
    const p = this.#param(name);
    const hooks = this.#hooks.get(p);
    if (hooks) hooks.push(hook);
    else this.#hooks.set(p, [hook]);
  }

  /**
   * CONFIG GET: name/value pairs of the parameters matching any pattern. A
   * pattern without glob characters is a case-insensitive exact name (hidden
   * parameters too) and comes back spelt as asked; a glob matches names and
   * aliases alike, case-insensitively, as Redis 7.0 does.
   */
  configGet(patterns: string[]): [string, string][] {
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    const add = (name: string, p: Param) => {
      seen.add(name.toLowerCase());
      pairs.push([name, p.kind.format(this.#values.get(p))]);
    };
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const entry = lookup(pattern);
        if (entry && !seen.has(pattern.toLowerCase())) add(pattern, entry.param);
        continue;
      }
      for (const { name, param } of ENTRIES) {
        if (param.flags & HIDDEN || seen.has(name)) continue;
        if (globMatch(pattern, name, true)) add(name, param);
      }
    }
    return pairs;
  }

  /**
   * CONFIG SET name value [name value ...], all or nothing. Returns null on
   * success, else Redis 7.0.15's error text (starting with "ERR " or "LOADING ").
   * When a hook refuses, every parameter gets its previous value back and the
   * hooks run again to apply it.
   */
  configSet(args: string[], options: ConfigSetOptions = {}): string | null {
    if (args.length < 2) return "ERR wrong number of arguments for 'config|set' command";
    if (args.length % 2) return "ERR syntax error";
    const failed = (name: string, message?: string) =>
      `ERR CONFIG SET failed (possibly related to argument '${name}')` + (message ? ` - ${message}` : "");

    const entries: { entry: Entry; value: string }[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const given = args[i];
      const entry = lookup(given);
      if (!entry) return `ERR Unknown option or number of arguments for CONFIG SET - '${given}'`;
      const { flags } = entry.param;
      if (flags & IMMUTABLE) return failed(given, "can't set immutable config");
      if (flags & PROTECTED && !this.#allows("enable-protected-configs", options.localClient)) {
        return failed(given, "can't set protected config");
      }
      if (flags & DENY_LOADING && options.loading) return "LOADING Redis is loading the dataset in memory";
      if (entries.some((e) => e.entry === entry)) return failed(given, "duplicate parameter");
      entries.push({ entry, value: args[i + 1] });
    }

    const staged = new Map<Param, unknown>();
    for (const { entry: { name, param: p }, value } of entries) {
      const values = p.kind.multiArg ? splitValue(value) : [value];
      const current = staged.has(p) ? staged.get(p) : this.#values.get(p);
      try {
        staged.set(p, p.kind.parse(values, p.kind.accumulates ? undefined : current));
      } catch (e) {
        if (e instanceof BadValue) return failed(name, e.message);
        throw e;
      }
    }

    const previous = new Map<Param, unknown>();
    const hooks = new Map<ChangeHook, string>();
    for (const [p, value] of staged) {
      const old = this.#values.get(p);
      previous.set(p, old);
      this.#store(p, value);
      // Values compare as parsed: two flag sets can print the same (notify-keyspace-events' "A" hides n).
      if (typeof value === "object" ? p.kind.format(value) === p.kind.format(old) : value === old) continue;
      const name = entries.find((e) => e.entry.param === p)!.entry.name;
      for (const hook of this.#hooks.get(p) ?? []) if (!hooks.has(hook)) hooks.set(hook, name);
    }
    for (const [hook, name] of hooks) {
      const refusal = hook(this);
      if (refusal === undefined) continue;
      for (const [p, value] of previous) this.#store(p, value);
      for (const restore of hooks.keys()) restore(this);
      return failed(name, refusal);
    }
    return null;
  }

  /**
   * Applies redis.conf text (a binary string): `#` comments, quoted arguments,
   * case-insensitive names, `include` (relative to the including file), later
   * lines overriding earlier ones and `save` lines adding up. Throws
   * ConfigError naming the source and line.
   */
  loadText(text: string, sourcePath?: string): void {
    this.#loadText(text, sourcePath, 0);
  }

  /** Loads a config file and remembers it (absolute) for CONFIG REWRITE. */
  loadFile(path: string): void {
    this.#loadFile(path, 0);
    this.configFile = resolve(path);
  }

  /**
   * Applies one directive as a config file line would (a `--name value` flag,
   * say). Throws ConfigError with the reason alone; the caller says where.
   */
  applyDirective(name: string, args: string[]): void {
    this.#directive(name.toLowerCase(), args, Deno.cwd(), 0);
  }

  /**
   * CONFIG REWRITE: rewrites the config file in place as Redis does. Lines of
   * parameters keep their place and get the current value; parameters not in
   * the file and not at their default are appended after a "# Generated by
   * CONFIG REWRITE" line; leftover lines of rewritten parameters are dropped;
   * comments and other directives stay. Unlike Redis, a line spelt with an
   * alias (hash-max-ziplist-entries) is rewritten under the canonical name, not
   * only the slave-* ones, so an old alias line cannot shadow a newer value.
   * With `forceAll` (DEBUG CONFIG-REWRITE-FORCE-ALL) parameters at their
   * default are written too.
   */
  rewrite(forceAll = false): string | null {
    const file = this.configFile;
    if (file === undefined) return "ERR The server is running without a config file";
    let old: string;
    try {
      old = readBinaryFile(file);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) return `ERR Rewriting config file: ${describeFsError(e)}`;
      old = "";
    }

    const lines: string[] = [];
    const linesOf = new Map<string, number[]>();
    let needsSignature = true;
    for (const raw of old === "" ? [] : old.split("\n")) {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (line === "" || line[0] === "#") {
        if (line === REWRITE_SIGNATURE) needsSignature = false;
        lines.push(line);
        continue;
      }
      const argv = splitArgs(line);
      const directive = argv?.[0]?.toLowerCase() ?? "";
      const option = lookup(directive)?.param.name ??
        (KEPT_ON_REWRITE.has(directive) ? directive : undefined);
      if (option === undefined) {
        lines.push("# ??? " + line);
        continue;
      }
      linesOf.set(option, [...linesOf.get(option) ?? [], lines.length]);
      lines.push(line);
    }

    for (const p of PARAMS) {
      for (const { line, force } of p.kind.rewrite(p.name, this.#values.get(p), this.#initial.get(p))) {
        const reusable = linesOf.get(p.name);
        if (reusable?.length) {
          lines[reusable.shift()!] = line;
        } else if (force || forceAll) {
          if (needsSignature) lines.push(REWRITE_SIGNATURE);
          needsSignature = false;
          lines.push(line);
        }
      }
      for (const orphan of linesOf.get(p.name) ?? []) lines[orphan] = "";
    }

    const content = lines.filter((line, i) => line !== "" || lines[i - 1] !== "")
      .map((line) => line + "\n").join("");
    try {
      writeAtomically(file, content);
    } catch (e) {
      return `ERR Rewriting config file: ${describeFsError(e)}`;
    }
    return null;
  }

  #store(p: Param, value: unknown): void {
    this.#values.set(p, value);
    this.#numbers.clear();
  }

  #param(name: string): Param {
    const entry = lookup(name);
    if (!entry) throw new Error(`Unknown config parameter '${name}'`);
    return entry.param;
  }

  /** Whether an enable-*-command / enable-protected-configs setting lets this client act. */
  #allows(name: string, localClient = false): boolean {
    const setting = this.getString(name);
    return setting === "yes" || (setting === "local" && localClient);
  }

  #loadFile(path: string, depth: number): void {
    let text: string;
    try {
      text = readBinaryFile(path);
    } catch (e) {
      throw new BadValue(`Can't open config file '${path}': ${describeFsError(e)}`);
    }
    this.#loadText(text, path, depth);
  }

  #loadText(text: string, source: string | undefined, depth: number): void {
    const baseDir = source === undefined ? Deno.cwd() : dirname(resolve(source));
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (line === "" || line[0] === "#") continue;
      const where = source === undefined ? `line ${i + 1}` : `${source}:${i + 1}`;
      const argv = splitArgs(line);
      try {
        if (argv === null) throw new BadValue("Unbalanced quotes in configuration line");
        if (argv.length === 0) continue;
        this.#directive(argv[0].toLowerCase(), argv.slice(1), baseDir, depth);
      } catch (e) {
        if (e instanceof BadValue) throw new ConfigError(`${where}: ${e.message} ${quoteLine(line)}`);
        throw e;
      }
    }
  }

  #directive(name: string, args: string[], baseDir: string, depth: number): void {
    const p = lookup(name)?.param;
    if (p) {
      if (!p.kind.multiArg && args.length !== 1) throw new BadValue("wrong number of arguments");
      // One non-empty argument may hold them all (`--save "60 100"`); Redis
      // reads unbalanced quotes in it as no argument at all.
      if (p.kind.multiArg && args.length === 1 && args[0] !== "") args = splitArgs(args[0]) ?? [];
      const fresh = p.kind.accumulates && !this.#given.has(p);
      this.#store(p, p.kind.parse(args, fresh ? undefined : this.#values.get(p)));
      if (p.kind.accumulates) this.#given.add(p);
    } else if (DEPRECATED.has(name) && args.length === 1) {
      // Ignored, as Redis 7.0 does.
    } else if (name === "include" && args.length === 1) {
      if (depth >= MAX_INCLUDE_DEPTH) {
        throw new BadValue(`include nested more than ${MAX_INCLUDE_DEPTH} levels deep`);
      }
      for (const file of includedFiles(resolve(baseDir, fromBinary(args[0])))) {
        this.#loadFile(file, depth + 1);
      }
    } else if (SERVER_DIRECTIVES.get(name)?.(args.length)) {
      this.directives.push({ name, args });
    } else {
      throw new BadValue("Bad directive or wrong number of arguments");
    }
  }
}

/**
 * The files an `include` names: the path itself, or, when it has glob
 * characters, the matching files in sorted order (none is fine, so an empty
 * conf.d directory can be included), as glob(3) gives them to Redis.
 */
function includedFiles(path: string): string[] {
  if (!/[*?[]/.test(path)) return [path];
  let candidates = ["/"];
  for (const part of path.split("/").filter((p) => p !== "")) {
    candidates = candidates.flatMap((dir) => {
      if (!/[*?[]/.test(part)) return [join(dir, part)];
      try {
        return [...Deno.readDirSync(dir)].map((e) => e.name).sort()
          .filter((name) => (part.startsWith(".") || !name.startsWith(".")) && globMatch(part, name))
          .map((name) => join(dir, name));
      } catch {
        return [];
      }
    });
  }
  return candidates.filter((file) => {
    try {
      return Deno.statSync(file).isFile;
    } catch {
      return false;
    }
  });
}

/** Replaces `path` with `content` (binary) through a temporary file and a rename. */
function writeAtomically(path: string, content: string): void {
  const temp = Deno.makeTempFileSync({ dir: dirname(path), prefix: basename(path) + "." });
  try {
    const bytes = Buffer.from(content, "latin1");
    const file = Deno.openSync(temp, { write: true, truncate: true });
    try {
      for (let written = 0; written < bytes.length;) written += file.writeSync(bytes.subarray(written));
      file.syncSync();
    } finally {
      file.close();
    }
    if (Deno.build.os !== "windows") Deno.chmodSync(temp, 0o644);
    Deno.renameSync(temp, path);
  } catch (e) {
    try {
      Deno.removeSync(temp);
    } catch {
      // Already gone: the error that matters is the one being thrown.
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------
// The command line.

/** The text for `--help`. */
export function usage(program = "redix"): string {
  return [
    `Usage: ${program} [/path/to/redis.conf] [--name value ...]`,
    `       ${program} -v or --version`,
    `       ${program} -h or --help`,
    "",
    "Options are redis.conf directives, applied after the file; a flag takes all",
    "the arguments up to the next --name.",
    "",
    "Examples:",
    `       ${program}                    (run with the default configuration)`,
    `       ${program} /etc/redis/6379.conf`,
    `       ${program} --port 7777`,
    `       ${program} --port 0               (any free port; the log says which)`,
    `       ${program} --bind 127.0.0.1 ::1 --save ""`,
    `       ${program} /etc/redis/6379.conf --loglevel verbose --save "60 100"`,
  ].join("\n");
}

/**
 * Parses `redix [path/to/redis.conf] [--name value ...]` like redis-server:
 * an optional first non-option argument is the config file; each `--name`
 * takes all following arguments up to the next `--name` as its values (the
 * first one even if it starts with "--", as in Redis; a `--save` with none
 * means `--save ""`), applied after the file. `--help`/`-h` and
 * `--version`/`-v` stand alone. Throws ConfigError with a one-line message.
 */
// deno-lint-ignore require-await -- async is the API main.ts is written against
export async function parseCommandLine(args: string[]): Promise<CommandLine> {
  const argv = args.map(toBinary);
  const isHelp = (a: string | undefined) => a === "--help" || a === "-h";
  const isVersion = (a: string | undefined) => a === "--version" || a === "-v";
  if (isHelp(argv[0])) return { action: "help" };
  if (isVersion(argv[0])) return { action: "version" };

  const config = new Config();
  let i = 0;
  if (argv.length > 0 && !argv[0].startsWith("-")) {
    config.loadFile(args[0]);
    i = 1;
  }
  const options: { name: string; values: string[] }[] = [];
  let valueDue = false;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--") && !valueDue) {
      if (isHelp(arg)) return { action: "help" };
      if (isVersion(arg)) return { action: "version" };
      // "--port 6380" as one argument carries its value, as in Redis.
      const words = splitArgs(arg.slice(2)) ?? [arg.slice(2)];
      const option = { name: words[0] ?? "", values: words.slice(1) };
      options.push(option);
      valueDue = words.length === 1;
      if (valueDue && option.name.toLowerCase() === "save" && (argv[i + 1] ?? "--").startsWith("--")) {
        option.values.push("");
        valueDue = false;
      }
    } else if (options.length > 0) {
      options[options.length - 1].values.push(arg);
      valueDue = false;
    } else {
      throw new ConfigError(
        `Unexpected argument '${fromBinary(arg)}': the config file comes first, then options as --name value`,
      );
    }
  }
  for (const { name, values } of options) {
    try {
      config.applyDirective(name, values);
    } catch (e) {
      if (!(e instanceof BadValue)) throw e;
      const shown = [`--${name}`, ...values.map((v) => /^[^\s"']+$/.test(v) ? v : quoteArg(v))].join(" ");
      throw new ConfigError(`${fromBinary(shown)}: ${e.message}`);
    }
  }
  return { action: "run", config };
}
