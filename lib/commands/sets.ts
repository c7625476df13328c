/**
 * Set commands (Redis's t_set.c): SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS,
 * SCARD, SMOVE, SPOP, SRANDMEMBER, SINTER, SINTERCARD, SUNION, SDIFF, their
 * STORE forms and SSCAN.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { SetValue } from "../store/set.ts";
import { globMatch } from "../util/glob.ts";
import { parseInt64, parseInteger } from "../util/numbers.ts";
import { FAILED, integerAtLeastArg, readTyped, writeTyped } from "./access.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import { parseCursor, parseScanOptions, replyScan, scanBatch } from "./keys.ts";
import { type CommandDefinition, keysAfterNumkeys } from "./table.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";

/** Read at write time, as Redis reads server.set_max_intset_entries on each add. */
function maxIntset(client: Client): number {
  return client.server.config.getNumber("set-max-intset-entries");
}

/** Replies members as a set: `~` in RESP3, an array in RESP2. */
function replySet(client: Client, members: readonly string[]): void {
  const w = client.writer;
  w.set(members.length);
  for (const member of members) w.bulk(member);
}

/** Deletes the key once its set is empty: a key never holds an empty set. */
function dropIfEmpty(client: Client, key: string, set: SetValue): void {
  if (set.size === 0) client.db.delete(key);
}

function sadd(client: Client, argv: string[]): void {
  const key = argv[1];
  let set = writeTyped(client, key, SetValue);
  if (set === FAILED) return;
  if (set === undefined) {
    set = new SetValue();
    client.db.set(key, set);
  }
  const max = maxIntset(client);
  let added = 0;
  for (let i = 2; i < argv.length; i++) {
    if (set.add(argv[i], max)) added++;
  }
  client.writer.integer(added);
  if (added > 0) client.server.propagate(client.db, argv);
}

function srem(client: Client, argv: string[]): void {
  const set = writeTyped(client, argv[1], SetValue);
  if (set === FAILED) return;
  let removed = 0;
  if (set !== undefined) {
    for (let i = 2; i < argv.length && set.size > 0; i++) {
      if (set.delete(argv[i])) removed++;
    }
    dropIfEmpty(client, argv[1], set);
  }
  client.writer.integer(removed);
  if (removed > 0) client.server.propagate(client.db, argv);
}

function sismember(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1], SetValue);
  if (set !== FAILED) client.writer.integer(set?.has(argv[2]) ? 1 : 0);
}

function smismember(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1], SetValue);
  if (set === FAILED) return;
  const w = client.writer;
  w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) w.integer(set?.has(argv[i]) ? 1 : 0);
}

function scard(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1], SetValue);
  if (set !== FAILED) client.writer.integer(set?.size ?? 0);
}

/** SMOVE, with Redis's order of checks: a missing source is 0 whatever the destination holds. */
function smove(client: Client, argv: string[]): void {
  const [, from, to, member] = argv;
  const w = client.writer;
  const db = client.db;
  const src = writeTyped(client, from, SetValue);
  if (src === FAILED) return;
  if (src === undefined) {
    w.integer(0);
    return;
  }
  const dst = writeTyped(client, to, SetValue);
  if (dst === FAILED) return;
  if (src === dst) {
    w.integer(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.delete(member)) {
    w.integer(0);
    return;
  }
  dropIfEmpty(client, from, src);
  notifyKeyspaceEvent(client, NOTIFY.SET, "srem", from);
  if (src.size === 0) notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", from);
  let target = dst;
  if (target === undefined) {
    target = new SetValue();
    db.set(to, target);
  }
  const added = target.add(member, maxIntset(client));
  if (added) notifyKeyspaceEvent(client, NOTIFY.SET, "sadd", to);
  w.integer(1);
  // As Redis: the destination counts as modified (WATCH, tracking) only when the member was added to it.
  client.server.propagate(db, argv, added ? undefined : [from]);
}

/**
 * SPOP's and SRANDMEMBER's count. Redis's getRangeLongFromObjectOrReply bounds
 * SRANDMEMBER's to ±LONG_MAX, so of int64 only the minimum is refused.
 */
function countArg(client: Client, text: string, spop: boolean): number | typeof FAILED {
  if (spop) return integerAtLeastArg(client, text, 0, "ERR value is out of range, must be positive");
  const n = parseInt64(text);
  if (n === null) {
    client.writer.error("ERR value is not an integer or out of range");
    return FAILED;
  }
  if (n < -0x7fffffffffffffffn) {
    client.writer.error(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    return FAILED;
  }
  return Number(n);
}

/**
 * Redis's SPOP_MOVE_STRATEGY_MUL: when few members would remain, it keeps a
 * random few in a new set instead of popping many one at a time.
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spop(client: Client, argv: string[]): void {
  if (argv.length > 3) {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  const key = argv[1];
  if (argv.length === 2) {
    const set = writeTyped(client, key, SetValue);
    if (set === FAILED) return;
    if (set === undefined) {
      client.writer.null();
      return;
    }
    const member = set.random();
    set.delete(member);
    dropIfEmpty(client, key, set);
    client.writer.bulk(member);
    client.server.propagate(client.db, ["SREM", key, member]);
    return;
  }
  const count = countArg(client, argv[2], true);
  if (count === FAILED) return;
  const set = writeTyped(client, key, SetValue);
  if (set === FAILED) return;
  if (set === undefined || count === 0) {
    replySet(client, []);
    return;
  }
  const db = client.db;
  if (count >= set.size) {
    replySet(client, set.members());
    db.delete(key);
    client.server.propagate(db, ["DEL", key]);
    return;
  }
  let popped: string[];
  const remaining = set.size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    popped = [];
    for (let i = 0; i < count; i++) {
      const member = set.random();
      set.delete(member);
      popped.push(member);
    }
  } else {
    // The kept members make a new set, whose encoding Redis works out afresh:
    // a hashtable of integers can become an intset again here.
    const kept = new SetValue();
    const max = maxIntset(client);
    for (let i = 0; i < remaining; i++) {
      const member = set.random();
      set.delete(member);
      kept.add(member, max);
    }
    popped = set.members();
    db.overwrite(key, kept);
  }
  replySet(client, popped);
  // Redis 7.0 propagates one SREM per member (7.2 batches them).
  for (const member of popped) client.server.propagate(db, ["SREM", key, member]);
}

/** Redis's SRANDMEMBER_SUB_STRATEGY_MUL: past size / 3 members, copy and remove instead of sampling. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

function srandmember(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length > 3) {
    w.error(SYNTAX_ERROR);
    return;
  }
  if (argv.length === 2) {
    const set = readTyped(client, argv[1], SetValue);
    if (set !== FAILED) w.bulkOrNull(set?.random());
    return;
  }
  const count = countArg(client, argv[2], false);
  if (count === FAILED) return;
  const set = readTyped(client, argv[1], SetValue);
  if (set === FAILED) return;
  if (set === undefined || count === 0) {
    w.array(0);
    return;
  }
  if (count < 0) {
    w.array(-count);
    const draw = set.randomDrawer();
    for (let i = 0; i < -count; i++) w.bulk(draw());
    return;
  }
  if (count >= set.size) {
    w.bulkArray(set.members());
    return;
  }
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > set.size) {
    // A partial Fisher-Yates shuffle: O(size), which is O(count) here.
    const members = [...set.members()];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
    }
    members.length = count;
    w.bulkArray(members);
    return;
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(set.random());
  w.bulkArray([...picked]);
}

/**
 * The sets named by `keys`, undefined for a missing key, or FAILED after a
 * WRONGTYPE. Every key is checked, so a wrong type after a missing key still
 * errs, as in Redis 7.0. The STORE forms look up for writing (no hit or miss).
 */
function lookupSets(
  client: Client,
  keys: readonly string[],
  forStore: boolean,
): (SetValue | undefined)[] | typeof FAILED {
  const sets: (SetValue | undefined)[] = [];
  for (const key of keys) {
    const set = forStore ? writeTyped(client, key, SetValue) : readTyped(client, key, SetValue);
    if (set === FAILED) return FAILED;
    sets.push(set);
  }
  return sets;
}

/**
 * The members in every set, walking the smallest (so an intset's numeric order
 * shows, as in Redis); at most `limit` of them when limit > 0.
 */
function intersect(sets: (SetValue | undefined)[], limit = 0): string[] {
  if (sets.some((set) => set === undefined)) return [];
  const bySize = (sets as SetValue[]).toSorted((a, b) => a.size - b.size);
  const [smallest, ...others] = bySize;
  const found: string[] = [];
  for (const member of smallest.members()) {
    if (!others.every((set) => set.has(member))) continue;
    found.push(member);
    if (found.length === limit) break;
  }
  return found;
}

/** SUNION's or SDIFF's result as a new set, so it gets the encoding (and order) Redis's would. */
function unionOrDiff(client: Client, sets: (SetValue | undefined)[], diff: boolean): SetValue {
  const result = new SetValue();
  const max = maxIntset(client);
  if (diff) {
    const [first, ...others] = sets;
    for (const member of first?.members() ?? []) {
      if (!others.some((set) => set?.has(member))) result.add(member, max);
    }
  } else {
    for (const set of sets) {
      for (const member of set?.members() ?? []) result.add(member, max);
    }
  }
  return result;
}

type SetOperation = "inter" | "union" | "diff";

function combine(client: Client, sets: (SetValue | undefined)[], op: SetOperation): string[] {
  return op === "inter" ? intersect(sets) : unionOrDiff(client, sets, op === "diff").members();
}

function setOperation(op: SetOperation) {
  return (client: Client, argv: string[]): void => {
    const sets = lookupSets(client, argv.slice(1), false);
    if (sets !== FAILED) replySet(client, combine(client, sets, op));
  };
}

/**
 * SINTERSTORE, SUNIONSTORE and SDIFFSTORE: the result replaces the destination
 * (and its TTL); an empty one deletes it. Propagated as is when anything changed.
 */
function setOperationStore(op: SetOperation) {
  return (client: Client, argv: string[]): void => {
    const sets = lookupSets(client, argv.slice(2), true);
    if (sets === FAILED) return;
    const dest = argv[1];
    const db = client.db;
    let result: SetValue;
    if (op === "inter") {
      result = new SetValue();
      const max = maxIntset(client);
      for (const member of intersect(sets)) result.add(member, max);
    } else {
      result = unionOrDiff(client, sets, op === "diff");
    }
    client.writer.integer(result.size);
    if (result.size > 0) db.set(dest, result);
    else if (!db.delete(dest)) return;
    client.server.propagate(db, argv);
    if (result.size > 0) notifyKeyspaceEvent(client, NOTIFY.SET, `s${op}store`, dest);
    else notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", dest);
  };
}

function sintercard(client: Client, argv: string[]): void {
  const w = client.writer;
  const numkeys = parseInteger(argv[1]);
  if (numkeys === null || numkeys < 1) {
    w.error("ERR numkeys should be greater than 0");
    return;
  }
  if (numkeys > argv.length - 2) {
    w.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (argv[i].toUpperCase() !== "LIMIT" || i + 1 === argv.length) {
      w.error(SYNTAX_ERROR);
      return;
    }
    const n = parseInteger(argv[++i]);
    if (n === null || n < 0) {
      w.error("ERR LIMIT can't be negative");
      return;
    }
    limit = n;
  }
  const sets = lookupSets(client, argv.slice(2, 2 + numkeys), false);
  if (sets !== FAILED) w.integer(intersect(sets, limit).length);
}

function smembers(client: Client, argv: string[]): void {
  const set = readTyped(client, argv[1], SetValue);
  if (set !== FAILED) replySet(client, set?.members() ?? []);
}

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count], as Redis's scanGenericCommand:
 * the options are read only once the key is found (a missing key ends the walk
 * whatever follows), and a hashtable is walked bucket by bucket, at most
 * 10 * COUNT of them, until COUNT members are collected.
 */
function sscan(client: Client, argv: string[]): void {
  const w = client.writer;
  const cursor = parseCursor(argv[2]);
  if (cursor === null) {
    w.error("ERR invalid cursor");
    return;
  }
  const set = readTyped(client, argv[1], SetValue);
  if (set === FAILED) return;
  if (set === undefined) {
    replyScan(w, 0, []);
    return;
  }
  const options = parseScanOptions(client, argv, 3, false);
  if (options === FAILED) return;
  const { count, pattern } = options;
  const found: string[] = [];
  const collect = (member: string) => {
    found.push(member);
  };
  const next = scanBatch(cursor, count, (c) => set.scan(c, count, collect), () => found.length);
  replyScan(w, next, pattern === undefined ? found : found.filter((member) => globMatch(pattern, member)));
}

const SET = { group: "set", categories: ["set"] };
const SET_OP_COMPLEXITY = "O(N) where N is the total number of elements in all given sets.";

export const setCommands: CommandDefinition[] = [
  {
    ...SET,
    name: "sadd",
    memberArg: 2,
    notify: [NOTIFY.SET],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Add one or more members to a set",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler: sadd,
  },
  {
    ...SET,
    name: "srem",
    memberArg: 2,
    notify: [NOTIFY.SET],
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Remove one or more members from a set",
    complexity: "O(N) where N is the number of members to be removed.",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler: srem,
  },
  {
    ...SET,
    name: "sismember",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Determine if a given value is a member of a set",
    complexity: "O(1)",
    handler: sismember,
  },
  {
    ...SET,
    name: "smismember",
    memberArg: 2,
    arity: -3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "6.2.0",
    summary: "Returns the membership associated with the given elements for a set",
    complexity: "O(N) where N is the number of elements being checked for membership",
    handler: smismember,
  },
  {
    ...SET,
    name: "smembers",
    arity: 2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output_order"],
    since: "1.0.0",
    summary: "Get all the members in a set",
    complexity: "O(N) where N is the set cardinality.",
    handler: smembers,
  },
  {
    ...SET,
    name: "scard",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Get the number of members in a set",
    complexity: "O(1)",
    handler: scard,
  },
  {
    ...SET,
    name: "smove",
    arity: 4,
    flags: ["write", "fast"],
    keys: [1, 2, 1],
    since: "1.0.0",
    summary: "Move a member from one set to another",
    complexity: "O(1)",
    handler: smove,
  },
  {
    ...SET,
    name: "spop",
    notify: [NOTIFY.SET],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "1.0.0",
    summary: "Remove and return one or multiple random members from a set",
    complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    history: [["3.2.0", "Added the `count` argument."]],
    handler: spop,
  },
  {
    ...SET,
    name: "srandmember",
    arity: -2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "1.0.0",
    summary: "Get one or multiple random members from a set",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    history: [["2.6.0", "Added the optional `count` argument."]],
    handler: srandmember,
  },
  {
    ...SET,
    name: "sinter",
    arity: -2,
    flags: ["readonly"],
    keys: [1, -1, 1],
    tips: ["nondeterministic_output_order"],
    since: "1.0.0",
    summary: "Intersect multiple sets",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: setOperation("inter"),
  },
  {
    ...SET,
    name: "sintercard",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "7.0.0",
    summary: "Intersect multiple sets and return the cardinality of the result",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: sintercard,
  },
  {
    ...SET,
    name: "sunion",
    arity: -2,
    flags: ["readonly"],
    keys: [1, -1, 1],
    tips: ["nondeterministic_output_order"],
    since: "1.0.0",
    summary: "Add multiple sets",
    complexity: SET_OP_COMPLEXITY,
    handler: setOperation("union"),
  },
  {
    ...SET,
    name: "sdiff",
    arity: -2,
    flags: ["readonly"],
    keys: [1, -1, 1],
    tips: ["nondeterministic_output_order"],
    since: "1.0.0",
    summary: "Subtract multiple sets",
    complexity: SET_OP_COMPLEXITY,
    handler: setOperation("diff"),
  },
  {
    ...SET,
    name: "sinterstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Intersect multiple sets and store the resulting set in a key",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: setOperationStore("inter"),
  },
  {
    ...SET,
    name: "sunionstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Add multiple sets and store the resulting set in a key",
    complexity: SET_OP_COMPLEXITY,
    handler: setOperationStore("union"),
  },
  {
    ...SET,
    name: "sdiffstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 1],
    since: "1.0.0",
    summary: "Subtract multiple sets and store the resulting set in a key",
    complexity: SET_OP_COMPLEXITY,
    handler: setOperationStore("diff"),
  },
  {
    ...SET,
    name: "sscan",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "2.8.0",
    summary: "Incrementally iterate Set elements",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    handler: sscan,
  },
];
