/**
 * The command table (DESIGN.md §4): one description per command, modelled on
 * Redis's JSON command specs. Everything generic — arity and unknown-command
 * errors, COMMAND INFO/DOCS/GETKEYS, later MULTI queueing, ACL and propagation —
 * reads these entries instead of special-casing names.
 *
 * @module
 */
import { CommandCounters } from "../server/command_stats.ts";
import type { Client } from "../server/client.ts";
import {
  FLAGGED_KEY_FINDERS,
  type FlaggedKeyFinder,
  KEY_SPECS,
  KeyFlag,
  type KeyReference,
  keysFromSpecs,
  type KeySpec,
} from "./key_specs.ts";

export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "no_mandatory_keys"
  | "no_async_loading"
  | "no_multi"
  | "allow_busy"
  | "movablekeys"
  | "sentinel"
  | "only_sentinel";

/** Runs a command whose name and arity were already checked. */
export type CommandHandler = (client: Client, argv: string[]) => void;

/** Indexes of a call's key arguments, or null when they cannot be found. */
export type KeyFinder = (argv: readonly string[]) => number[] | null;

/**
 * The key finder of commands that take `numkeys key [key ...]` with numkeys at
 * argv[numkeysAt] (SINTERCARD, LMPOP, ZUNION...), plus `extraKeys` fixed key
 * positions before it (ZUNIONSTORE's destination).
 */
export function keysAfterNumkeys(numkeysAt: number, ...extraKeys: number[]): KeyFinder {
  return (argv) => {
    const text = argv[numkeysAt];
    const count = text !== undefined && /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : 0;
    if (count === 0 || numkeysAt + count >= argv.length) return null;
    const keys = [...extraKeys];
    for (let i = 1; i <= count; i++) keys.push(numkeysAt + i);
    return keys;
  };
}

/** What a command file declares; the table fills in the rest. */
export interface CommandDefinition {
  /** Lower case; a subcommand is declared inside its container with its own name. */
  name: string;
  /** Redis convention: n exactly, -n at least n, counting the name (and subcommand). */
  arity: number;
  flags?: CommandFlag[];
  /** Key positions: first, last (negative counts from the end), step; 0 = no keys. */
  keys?: [first: number, last: number, step: number];
  /**
   * The argument naming the member or field the command looks up in the set,
   * hash or sorted set at its first key (2 for HGET key field), which
   * look-ahead reads in that collection's hash table ahead of running the
   * pipeline (lib/server/lookahead.ts). A hint: a wrong one costs a wasted read.
   */
  memberArg?: number;
  /**
   * Finds the key arguments of a movablekeys command (numkeys forms, SORT's
   * STORE...): their indexes in argv, or null when the call is malformed.
   */
  keyFinder?: KeyFinder;
  /** ACL categories beyond those implied by the flags (e.g. "string", "keyspace"). */
  categories?: string[];
  /** Redis's command group: "string", "generic", "server", "connection", ... */
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  /** COMMAND DOCS doc_flags: "deprecated" (GETSET, HMSET ...) or "syscmd" (DEBUG). */
  docFlags?: DocFlag[];
  /** COMMAND DOCS: the version that deprecated the command. */
  deprecatedSince?: string;
  /** COMMAND DOCS: what to use instead of a deprecated command, e.g. "`GETRANGE`". */
  replacedBy?: string;
  /** COMMAND DOCS history: the changes since the command came, oldest first. */
  history?: HistoryEntry[];
  /** COMMAND INFO tips, e.g. "nondeterministic_output". */
  tips?: string[];
  handler?: CommandHandler;
  subcommands?: CommandDefinition[];
  /**
   * The keyspace event the command sends on each of its keys when it writes:
   * a NOTIFY class and the event name, by default the command's own name
   * (see lib/server/notifications.ts).
   */
  notify?: Notify;
}

/** Redis's command doc flags (CMD_DOC_*), as COMMAND DOCS names them. */
export type DocFlag = "deprecated" | "syscmd";

/** One line of a command's COMMAND DOCS history: the version and what changed. */
export type HistoryEntry = readonly [version: string, change: string];

/** A NOTIFY class (lib/config.ts) and an event name. */
export type Notify = readonly [type: number, event?: string];

export interface Command {
  /** Full name as Redis reports it: "get", "config|get". */
  name: string;
  /** INFO commandstats' counters for this command. */
  readonly stats: CommandCounters;
  arity: number;
  flags: ReadonlySet<CommandFlag>;
  firstKey: number;
  lastKey: number;
  keyStep: number;
  categories: readonly string[];
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  docFlags: readonly DocFlag[];
  deprecatedSince?: string;
  replacedBy?: string;
  history: readonly HistoryEntry[];
  tips: readonly string[];
  handler?: CommandHandler;
  keyFinder?: KeyFinder;
  /** Redis 7.0.15's key specs (key_specs.ts); none for a command without keys. */
  keySpecs: readonly KeySpec[];
  /** A getkeys proc that also gives the keys' flags, where the specs cannot (SET, BITFIELD, SORT). */
  flaggedKeyFinder?: FlaggedKeyFinder;
  /** Redis's doesCommandHaveKeys: a key finder, or a spec that is not NOT_KEY. */
  hasKeys: boolean;
  /**
   * Whether SLOWLOG times every call: not for commands flagged `fast` nor those
   * documented as O(1) (SET), which a clock read would slow by a third.
   */
  mayBeSlow: boolean;
  /**
   * Whether INFO commandstats and LATENCY HISTOGRAM time every call rather
   * than a sample (see TIMING_SAMPLE): admin commands, which are rare, and of
   * which CONFIG RESETSTAT must be counted and timed after the reset it makes,
   * as Redis counts it.
   */
  timesEveryCall: boolean;
  /**
   * Whether the commands after this one in a pipeline may be decoded before it
   * runs (lib/server/lookahead.ts): not after an admin command or a subcommand
   * container, which may change how requests are decoded (CONFIG SET
   * proto-max-bulk-len).
   */
  lookaheadPast: boolean;
  /** See {@link CommandDefinition.memberArg}; 0 for none. */
  memberArg: number;
  /**
   * Whether look-ahead reads on into the value of this command's key
   * (Collection.warm): a command of a collection's group, where the misses
   * past the key space are most of a small value's time, or a string command
   * that only reads (GET: its reply copies the string, a miss of its own;
   * +21% under redis-benchmark -P 16 with 40-byte values). Not string writes,
   * which replace the value unread.
   */
  warmsValue: boolean;
  /** Whether keysWithFlags follows the specs first (some are keys and none has VARIABLE_FLAGS). */
  specsFindKeys: boolean;
  notify?: Notify;
  /** Present on container commands (CONFIG, CLIENT ...), keyed by lower-case name. */
  subcommands?: Map<string, Command>;
  /** The container of a subcommand. */
  parent?: Command;
}

const COLLECTION_GROUPS: ReadonlySet<string> = new Set(["list", "hash", "set", "sorted-set"]);

/** Redis's order of command flags, which COMMAND INFO follows. */
const FLAG_ORDER: readonly CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "fast",
  "no_auth",
  "may_replicate",
  "sentinel",
  "only_sentinel",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "allow_busy",
  // Derived in Redis from key specs that are not a plain range; printed last.
  "movablekeys",
];

/** Redis's ACL categories, in its order (its ACLCommandCategories table). */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

function byOrder<T>(order: readonly T[]): (a: T, b: T) => number {
  return (a, b) => order.indexOf(a) - order.indexOf(b);
}

/**
 * ACL categories a command gets from its flags, as Redis's
 * setImplicitACLCategories does.
 */
function impliedCategories(flags: ReadonlySet<CommandFlag>): string[] {
  const implied: string[] = [];
  if (flags.has("write")) implied.push("write");
  if (flags.has("readonly") && !flags.has("write")) implied.push("read");
  if (flags.has("admin")) implied.push("admin", "dangerous");
  if (flags.has("pubsub")) implied.push("pubsub");
  if (flags.has("fast")) implied.push("fast");
  if (flags.has("blocking")) implied.push("blocking");
  if (!flags.has("fast")) implied.push("slow");
  return implied;
}

function buildCommand(def: CommandDefinition, parent?: Command): Command {
  const flags = new Set([...(def.flags ?? [])].sort(byOrder(FLAG_ORDER)));
  const [firstKey, lastKey, keyStep] = def.keys ?? [0, 0, 0];
  const name = parent ? `${parent.name}|${def.name}` : def.name;
  const keySpecs = KEY_SPECS[name] ?? [];
  if ((firstKey !== 0 || def.keyFinder) && keySpecs.length === 0) {
    throw new Error(`command ${name} has keys but no key specs in key_specs.ts`);
  }
  const flaggedKeyFinder = FLAGGED_KEY_FINDERS[name];
  const someKeys = keySpecs.some((spec) => (spec.flags & KeyFlag.NOT_KEY) === 0);
  const categories = [...new Set([...(def.categories ?? []), ...impliedCategories(flags)])]
    .sort(byOrder(ACL_CATEGORIES));
  const command: Command = {
    name,
    stats: new CommandCounters(),
    arity: def.arity,
    flags,
    firstKey,
    lastKey,
    keyStep,
    categories,
    group: def.group,
    since: def.since,
    summary: def.summary,
    complexity: def.complexity,
    docFlags: def.docFlags ?? [],
    deprecatedSince: def.deprecatedSince,
    replacedBy: def.replacedBy,
    history: def.history ?? [],
    tips: def.tips ?? [],
    handler: def.handler,
    keyFinder: def.keyFinder,
    keySpecs,
    flaggedKeyFinder,
    hasKeys: someKeys || def.keyFinder !== undefined || flaggedKeyFinder !== undefined,
    mayBeSlow: !flags.has("fast") && def.complexity !== "O(1)",
    timesEveryCall: flags.has("admin"),
    lookaheadPast: !flags.has("admin") && def.subcommands === undefined,
    memberArg: def.memberArg ?? 0,
    warmsValue: COLLECTION_GROUPS.has(def.group) || (def.group === "string" && flags.has("readonly")),
    specsFindKeys: someKeys && !keySpecs.some((spec) => (spec.flags & KeyFlag.VARIABLE_FLAGS) !== 0),
    notify: def.notify,
    parent,
  };
  if (def.subcommands) {
    command.subcommands = new Map();
    for (const sub of def.subcommands) {
      command.subcommands.set(sub.name, buildCommand(sub, command));
    }
  }
  return command;
}

export class CommandTable {
  /** By lower-case name. */
  readonly commands = new Map<string, Command>();
  /**
   * The same commands under the exact spellings clients send most (lower and
   * upper case), so the hot path finds them without lower-casing the name.
   */
  private readonly bySpelling = new Map<string, Command>();

  constructor(definitions: Iterable<CommandDefinition>) {
    for (const def of definitions) {
      if (this.commands.has(def.name)) {
        throw new Error(`command ${def.name} is defined twice`);
      }
      const command = buildCommand(def);
      this.commands.set(def.name, command);
      this.bySpelling.set(def.name, command);
      this.bySpelling.set(def.name.toUpperCase(), command);
    }
  }

  /** The top-level command named `name` in any letter case. */
  lookup(name: string): Command | undefined {
    return this.bySpelling.get(name) ?? this.commands.get(name.toLowerCase());
  }

  /** Finds "get" or "config|get", the full names COMMAND INFO, COMMAND DOCS and LATENCY HISTOGRAM take. */
  lookupFullName(name: string): Command | undefined {
    const [container, sub] = name.toLowerCase().split("|", 2);
    const command = this.lookup(container);
    return sub === undefined ? command : command?.subcommands?.get(sub);
  }

  /** Resolves "CONFIG GET" style pairs; undefined when either part is unknown. */
  lookupFull(argv: readonly string[]): Command | undefined {
    const command = this.lookup(argv[0]);
    if (command?.subcommands === undefined || argv.length < 2) return command;
    return command.subcommands.get(argv[1].toLowerCase());
  }

  /** Every command and subcommand. */
  *all(): IterableIterator<Command> {
    for (const command of this.commands.values()) {
      yield command;
      if (command.subcommands) yield* command.subcommands.values();
    }
  }

  /**
   * The key arguments of a call, from the command's key finder or else its
   * key positions; null when malformed. Used where only the keys matter
   * (notifications, tracking, eviction); keysWithFlags gives what Redis reads
   * from the key specs.
   */
  keysOf(command: Command, argv: readonly string[]): string[] | null {
    if (command.keyFinder) return command.keyFinder(argv)?.map((i) => argv[i]) ?? null;
    if (command.firstKey === 0) return [];
    const last = command.lastKey < 0 ? argv.length + command.lastKey : command.lastKey;
    const keys: string[] = [];
    for (let i = command.firstKey; i <= last && i < argv.length; i += command.keyStep) {
      keys.push(argv[i]);
    }
    return keys;
  }

  /**
   * The keys of a call with their key-spec flags, as Redis's
   * getKeysFromCommandWithSpecs finds them for ACL and COMMAND GETKEYS: from
   * the specs when they can tell, else from the command's getkeys proc (the
   * flagged one, or the key finder with no flags); empty when none is found.
   */
  keysWithFlags(command: Command, argv: readonly string[]): KeyReference[] {
    if (command.specsFindKeys) {
      const keys = keysFromSpecs(command.keySpecs, argv);
      if (keys !== null) return keys;
    }
    if (command.flaggedKeyFinder) return command.flaggedKeyFinder(argv);
    return command.keyFinder?.(argv)?.map((index) => ({ index, flags: 0 })) ?? [];
  }
}
