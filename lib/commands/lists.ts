/**
 * List commands (Redis's t_list.c): LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP,
 * LLEN, LINDEX, LSET, LRANGE, LTRIM, LINSERT, LREM, LPOS, LMOVE, RPOPLPUSH,
 * LMPOP and the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
 *
 * Each pop or move is one function used three ways: by the plain command, by
 * its blocking form when a key already has elements, and by the serve callback
 * the blocking registry calls once a waited key gets some. Arguments are
 * checked in Redis's order, which decides which error a bad call gets.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { parseTimeout } from "../server/blocking.ts";
import { ListValue } from "../store/list.ts";
import { INT64_MIN, parseInt64 } from "../util/numbers.ts";
import { FAILED, integerArg, integerAtLeastArg, readTyped, writeTyped } from "./access.ts";
import { arityError, SYNTAX_ERROR } from "./errors.ts";
import { type CommandDefinition, keysAfterNumkeys } from "./table.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent, notifyKeyspaceWrite } from "../server/notifications.ts";

/** Deletes the key once its list is empty: a key never holds an empty list. */
function dropIfEmpty(client: Client, key: string, list: ListValue): void {
  if (list.size === 0) client.db.delete(key);
}

/** A new empty list stored at `key`, for a command about to push into it. */
function createList(client: Client, key: string): ListValue {
  const list = new ListValue();
  client.db.set(key, list);
  return list;
}

/** LEFT or RIGHT in any case: true for left (the head), or FAILED after a syntax error. */
function sideArg(client: Client, text: string): boolean | typeof FAILED {
  const side = text.toLowerCase();
  if (side === "left" || side === "right") return side === "left";
  client.writer.error(SYNTAX_ERROR);
  return FAILED;
}

function sideName(left: boolean): string {
  return left ? "left" : "right";
}

/** A list index made absolute: negative counts from the tail. */
function absoluteIndex(index: number, size: number): number {
  return index < 0 ? size + index : index;
}

/** LPUSH, RPUSH (creating the list) and LPUSHX, RPUSHX (only onto an existing one). */
function push(left: boolean, create: boolean) {
  return (client: Client, argv: string[]): void => {
    const key = argv[1];
    const found = writeTyped(client, key, ListValue);
    if (found === FAILED) return;
    if (found === undefined && !create) {
      client.writer.integer(0);
      return;
    }
    const list = found ?? createList(client, key);
    for (let i = 2; i < argv.length; i++) list.push(argv[i], left);
    client.writer.integer(list.size);
    client.server.propagate(client.db, argv);
  };
}

/** Pops `n` elements (at most the list's size) from one end, replying them as an array. */
function popElements(client: Client, key: string, list: ListValue, left: boolean, n: number): void {
  const w = client.writer;
  w.array(n);
  for (let i = 0; i < n; i++) w.bulk(list.pop(left));
  dropIfEmpty(client, key, list);
}

/**
 * LPOP and RPOP: one element as a bulk string, or with a count an array of up
 * to count (in popping order). A missing key is a null, a null array with a
 * count; a count of 0 on an existing list an empty array. Propagated as is.
 */
function pop(left: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    if (argv.length > 3) {
      w.error(arityError(argv[0].toLowerCase()));
      return;
    }
    const hasCount = argv.length === 3;
    let count = 1;
    if (hasCount) {
      const n = integerAtLeastArg(client, argv[2], 0, "ERR value is out of range, must be positive");
      if (n === FAILED) return;
      count = n;
    }
    const key = argv[1];
    const list = writeTyped(client, key, ListValue);
    if (list === FAILED) return;
    if (list === undefined) {
      if (hasCount) w.nullArray();
      else w.null();
      return;
    }
    if (!hasCount) {
      w.bulk(list.pop(left));
      dropIfEmpty(client, key, list);
    } else if (count === 0) {
      w.array(0);
      return;
    } else {
      popElements(client, key, list, left, Math.min(count, list.size));
    }
    client.server.propagate(client.db, argv);
  };
}

/**
 * Replies `[key, elements]` after popping up to `count` elements, or
 * `[key, element]` when count is undefined (BLPOP, BRPOP), sends the event
 * lpop or rpop (so not the command's name), and propagates Redis's
 * equivalent: LPOP key, or LPOP key n with the number actually popped. The one
 * pop behind LMPOP, BLMPOP, BLPOP and BRPOP, served at once or later.
 */
function popWithKey(
  client: Client,
  key: string,
  list: ListValue,
  left: boolean,
  count: number | undefined,
): void {
  const w = client.writer;
  const effect = [left ? "LPOP" : "RPOP", key];
  w.array(2);
  w.bulk(key);
  if (count === undefined) {
    w.bulk(list.pop(left));
    dropIfEmpty(client, key, list);
  } else {
    const n = Math.min(count, list.size);
    popElements(client, key, list, left, n);
    effect.push(String(n));
  }
  notifyKeyspaceWrite(client, NOTIFY.LIST, left ? "lpop" : "rpop", key);
  client.server.propagate(client.db, effect);
}

/**
 * Pops from the first of `keys` that holds a list, as {@link popWithKey}.
 * True if one did; false if none holds anything; FAILED after a WRONGTYPE,
 * which a wrong-typed key before the first list gets (later keys are not
 * looked at).
 */
function popFirst(
  client: Client,
  keys: readonly string[],
  left: boolean,
  count: number | undefined,
): boolean | typeof FAILED {
  for (const key of keys) {
    const list = writeTyped(client, key, ListValue);
    if (list === FAILED) return FAILED;
    if (list === undefined) continue;
    popWithKey(client, key, list, left, count);
    return true;
  }
  return false;
}

/** The blocking registry's serve callback for a pop: only a list can serve. */
function servePop(left: boolean, count: number | undefined) {
  return (client: Client, key: string): boolean => {
    const list = client.db.get(key);
    if (!(list instanceof ListValue)) return false;
    popWithKey(client, key, list, left, count);
    return true;
  };
}

/** BLPOP, BRPOP and BLMPOP time out with a null array, in RESP3 a null. */
function timedOut(client: Client): void {
  client.writer.nullArray();
}

/** Pops from the first of `keys` with elements, or blocks until one gets some. */
function blockingPop(
  client: Client,
  keys: readonly string[],
  left: boolean,
  count: number | undefined,
  deadline: number,
): void {
  if (popFirst(client, keys, left, count) !== false) return;
  client.server.blocking.block(client, keys, deadline, servePop(left, count), timedOut);
}

/** BLPOP and BRPOP key [key ...] timeout: the timeout is checked before any key. */
function blpop(left: boolean) {
  return (client: Client, argv: string[]): void => {
    const deadline = parseTimeout(client, argv[argv.length - 1]);
    if (deadline === FAILED) return;
    blockingPop(client, argv.slice(1, -1), left, undefined, deadline);
  };
}

/**
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and BLMPOP, whose
 * timeout comes first but is parsed last, after everything else is valid.
 */
function lmpop(blocking: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    const numkeysAt = blocking ? 2 : 1;
    const numkeys = integerAtLeastArg(client, argv[numkeysAt], 1, "ERR numkeys should be greater than 0");
    if (numkeys === FAILED) return;
    const sideAt = numkeysAt + numkeys + 1;
    if (sideAt >= argv.length) {
      w.error(SYNTAX_ERROR);
      return;
    }
    const left = sideArg(client, argv[sideAt]);
    if (left === FAILED) return;
    let count: number | undefined;
    for (let i = sideAt + 1; i < argv.length; i++) {
      if (count !== undefined || argv[i].toLowerCase() !== "count" || i + 1 === argv.length) {
        w.error(SYNTAX_ERROR);
        return;
      }
      const n = integerAtLeastArg(client, argv[++i], 1, "ERR count should be greater than 0");
      if (n === FAILED) return;
      count = n;
    }
    const keys = argv.slice(numkeysAt + 1, sideAt);
    if (!blocking) {
      if (popFirst(client, keys, left, count ?? 1) === false) w.nullArray();
      return;
    }
    const deadline = parseTimeout(client, argv[1]);
    if (deadline !== FAILED) blockingPop(client, keys, left, count ?? 1, deadline);
  };
}

/**
 * Moves one element from the `source` list to the `destination` one (created
 * if missing) and replies it; false, after WRONGTYPE, when the destination
 * holds another type, and then nothing moves. With source === destination the
 * list rotates: the push happens before the emptiness check, so it stays.
 * The events are Redis's, the push's before the pop's (LMOVE, RPOPLPUSH and
 * their blocking forms, served at once or later).
 */
function moveElement(
  client: Client,
  source: string,
  list: ListValue,
  destination: string,
  fromLeft: boolean,
  toLeft: boolean,
): boolean {
  const found = writeTyped(client, destination, ListValue);
  if (found === FAILED) return false;
  const value = list.pop(fromLeft);
  (found ?? createList(client, destination)).push(value, toLeft);
  notifyKeyspaceEvent(client, NOTIFY.LIST, toLeft ? "lpush" : "rpush", destination);
  dropIfEmpty(client, source, list);
  notifyKeyspaceWrite(client, NOTIFY.LIST, fromLeft ? "lpop" : "rpop", source);
  client.writer.bulk(value);
  return true;
}

/**
 * LMOVE's and RPOPLPUSH's lookup of the source: a missing one is a null
 * reply whatever the destination holds; then {@link moveElement}.
 */
function moveFrom(
  client: Client,
  source: string,
  destination: string,
  fromLeft: boolean,
  toLeft: boolean,
): boolean {
  const list = writeTyped(client, source, ListValue);
  if (list === FAILED) return false;
  if (list === undefined) {
    client.writer.null();
    return false;
  }
  return moveElement(client, source, list, destination, fromLeft, toLeft);
}

function lmove(client: Client, argv: string[]): void {
  const fromLeft = sideArg(client, argv[3]);
  if (fromLeft === FAILED) return;
  const toLeft = sideArg(client, argv[4]);
  if (toLeft === FAILED) return;
  if (moveFrom(client, argv[1], argv[2], fromLeft, toLeft)) client.server.propagate(client.db, argv);
}

function rpoplpush(client: Client, argv: string[]): void {
  if (moveFrom(client, argv[1], argv[2], false, true)) client.server.propagate(client.db, argv);
}

/**
 * BLMOVE and BRPOPLPUSH: a move at once if the source has elements, else a
 * wait on the source. `effect(sides)` is what a move propagates, given the side
 * words: LMOVE takes the caller's own when served at once and "left"/"right"
 * when served later, as Redis 7.0 writes them; RPOPLPUSH has none. A
 * destination of another type answers the waiter WRONGTYPE and ends its wait,
 * leaving the element where it was.
 */
function blockingMove(
  client: Client,
  argv: string[],
  fromLeft: boolean,
  toLeft: boolean,
  timeout: string,
  effect: (sides: string[]) => string[],
): void {
  const deadline = parseTimeout(client, timeout);
  if (deadline === FAILED) return;
  const [, source, destination] = argv;
  const list = writeTyped(client, source, ListValue);
  if (list === FAILED) return;
  if (list !== undefined) {
    if (moveElement(client, source, list, destination, fromLeft, toLeft)) {
      client.server.propagate(client.db, effect([argv[3], argv[4]]));
    }
    return;
  }
  const serve = (waiter: Client, key: string): boolean => {
    const ready = waiter.db.get(key);
    if (!(ready instanceof ListValue)) return false;
    if (moveElement(waiter, key, ready, destination, fromLeft, toLeft)) {
      waiter.server.propagate(waiter.db, effect([sideName(fromLeft), sideName(toLeft)]));
    }
    return true;
  };
  // Inside MULTI Redis answers a null bulk here, though a timeout is a null array.
  if (!client.canBlock) client.writer.null();
  else client.server.blocking.block(client, [source], deadline, serve, timedOut);
}

function blmove(client: Client, argv: string[]): void {
  const fromLeft = sideArg(client, argv[3]);
  if (fromLeft === FAILED) return;
  const toLeft = sideArg(client, argv[4]);
  if (toLeft === FAILED) return;
  blockingMove(client, argv, fromLeft, toLeft, argv[5], (sides) => ["LMOVE", argv[1], argv[2], ...sides]);
}

function brpoplpush(client: Client, argv: string[]): void {
  blockingMove(client, argv, false, true, argv[3], () => ["RPOPLPUSH", argv[1], argv[2]]);
}

function llen(client: Client, argv: string[]): void {
  const list = readTyped(client, argv[1], ListValue);
  if (list !== FAILED) client.writer.integer(list?.size ?? 0);
}

/** LINDEX: the key is looked up before the index is parsed, so a missing key is null whatever the index. */
function lindex(client: Client, argv: string[]): void {
  const list = readTyped(client, argv[1], ListValue);
  if (list === FAILED) return;
  if (list === undefined) {
    client.writer.null();
    return;
  }
  const index = integerArg(client, argv[2]);
  if (index === FAILED) return;
  const i = absoluteIndex(index, list.size);
  client.writer.bulkOrNull(i >= 0 && i < list.size ? list.at(i) : null);
}

function lset(client: Client, argv: string[]): void {
  const w = client.writer;
  const list = writeTyped(client, argv[1], ListValue);
  if (list === FAILED) return;
  if (list === undefined) {
    w.error("ERR no such key");
    return;
  }
  const index = integerArg(client, argv[2]);
  if (index === FAILED) return;
  const i = absoluteIndex(index, list.size);
  if (i < 0 || i >= list.size) {
    w.error("ERR index out of range");
    return;
  }
  list.set(i, argv[3]);
  w.ok();
  client.server.propagate(client.db, argv);
}

/**
 * LRANGE's and LTRIM's start and stop as Redis clamps them: the inclusive
 * range [start, end] within a list of `size`, or null when it is empty.
 */
function clampRange(start: number, stop: number, size: number): [number, number] | null {
  const from = Math.max(0, absoluteIndex(start, size));
  const to = Math.min(size - 1, absoluteIndex(stop, size));
  return from > to || from >= size ? null : [from, to];
}

/** LRANGE and LTRIM parse both indexes before looking the key up. */
function rangeArgs(client: Client, argv: string[]): [number, number] | typeof FAILED {
  const start = integerArg(client, argv[2]);
  if (start === FAILED) return FAILED;
  const stop = integerArg(client, argv[3]);
  if (stop === FAILED) return FAILED;
  return [start, stop];
}

function lrange(client: Client, argv: string[]): void {
  const args = rangeArgs(client, argv);
  if (args === FAILED) return;
  const list = readTyped(client, argv[1], ListValue);
  if (list === FAILED) return;
  const range = list && clampRange(args[0], args[1], list.size);
  client.writer.bulkArray(range ? list.range(range[0], range[1]) : []);
}

/** LTRIM: OK even for a missing key; propagated only when something was removed. */
function ltrim(client: Client, argv: string[]): void {
  const args = rangeArgs(client, argv);
  if (args === FAILED) return;
  const key = argv[1];
  const list = writeTyped(client, key, ListValue);
  if (list === FAILED) return;
  client.writer.ok();
  if (list === undefined) return;
  const range = clampRange(args[0], args[1], list.size);
  if (range === null) {
    client.db.delete(key);
  } else if (range[1] - range[0] + 1 < list.size) {
    list.trim(range[0], range[1]);
  } else {
    return;
  }
  client.server.propagate(client.db, argv);
}

function linsert(client: Client, argv: string[]): void {
  const w = client.writer;
  const where = argv[2].toLowerCase();
  if (where !== "before" && where !== "after") {
    w.error(SYNTAX_ERROR);
    return;
  }
  const list = writeTyped(client, argv[1], ListValue);
  if (list === FAILED) return;
  if (list === undefined) {
    w.integer(0);
    return;
  }
  let pivot = -1;
  list.find(argv[3], false, 0, (i) => {
    pivot = i;
    return false;
  });
  if (pivot === -1) {
    w.integer(-1);
    return;
  }
  list.insert(where === "after" ? pivot + 1 : pivot, argv[4]);
  w.integer(list.size);
  client.server.propagate(client.db, argv);
}

function lrem(client: Client, argv: string[]): void {
  const count = integerArg(client, argv[2]);
  if (count === FAILED) return;
  const key = argv[1];
  const list = writeTyped(client, key, ListValue);
  if (list === FAILED) return;
  const removed = list?.remove(argv[3], count) ?? 0;
  if (list !== undefined) dropIfEmpty(client, key, list);
  client.writer.integer(removed);
  if (removed > 0) client.server.propagate(client.db, argv);
}

/**
 * LPOS key element [RANK rank] [COUNT num] [MAXLEN len]. The options are all
 * parsed before the key is looked up. RANK -9223372036854775808 is accepted
 * and, because Redis's negation of it overflows, means "from the tail, every
 * match", COUNT included: that is what 7.0 replies.
 */
function lpos(client: Client, argv: string[]): void {
  const w = client.writer;
  let rank = 1n;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (i + 1 === argv.length) {
      w.error(SYNTAX_ERROR);
      return;
    }
    const text = argv[++i];
    if (option === "rank") {
      const n = parseInt64(text);
      if (n === null) {
        w.error("ERR value is not an integer or out of range");
        return;
      }
      if (n === 0n) {
        w.error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
        return;
      }
      rank = n;
    } else if (option === "count") {
      const n = integerAtLeastArg(client, text, 0, "ERR COUNT can't be negative");
      if (n === FAILED) return;
      count = n;
    } else if (option === "maxlen") {
      const n = integerAtLeastArg(client, text, 0, "ERR MAXLEN can't be negative");
      if (n === FAILED) return;
      maxlen = n;
    } else {
      w.error(SYNTAX_ERROR);
      return;
    }
  }
  const list = readTyped(client, argv[1], ListValue);
  if (list === FAILED) return;
  const overflowed = rank === INT64_MIN;
  const skip = overflowed ? 0 : Number(rank < 0n ? -rank : rank) - 1;
  const limit = count === -1 ? 1 : count === 0 || overflowed ? Infinity : count;
  const found: number[] = [];
  let matches = 0;
  list?.find(argv[2], rank < 0n, maxlen, (i) => {
    if (matches++ < skip) return true;
    found.push(i);
    return found.length < limit;
  });
  if (count === -1) {
    if (found.length === 0) w.null();
    else w.integer(found[0]);
    return;
  }
  w.array(found.length);
  for (const i of found) w.integer(i);
}

/** The ACL category and command group every list command shares. */
const LIST = { group: "list", categories: ["list"] };
const PUSH_COMPLEXITY =
  "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
const POP_COMPLEXITY = "O(N) where N is the number of elements returned";
const MPOP_COMPLEXITY =
  "O(N+M) where N is the number of provided keys and M is the number of elements returned.";

export const listCommands: CommandDefinition[] = [
  {
    ...LIST,
    name: "lpush",
    notify: [NOTIFY.LIST],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Prepend one or multiple elements to a list",
    complexity: PUSH_COMPLEXITY,
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    handler: push(true, true),
  },
  {
    ...LIST,
    name: "rpush",
    notify: [NOTIFY.LIST],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Append one or multiple elements to a list",
    complexity: PUSH_COMPLEXITY,
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    handler: push(false, true),
  },
  {
    ...LIST,
    name: "lpushx",
    notify: [NOTIFY.LIST, "lpush"],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Prepend an element to a list, only if the list exists",
    complexity: PUSH_COMPLEXITY,
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    handler: push(true, false),
  },
  {
    ...LIST,
    name: "rpushx",
    notify: [NOTIFY.LIST, "rpush"],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Append an element to a list, only if the list exists",
    complexity: PUSH_COMPLEXITY,
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    handler: push(false, false),
  },
  {
    ...LIST,
    name: "lpop",
    notify: [NOTIFY.LIST],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Remove and get the first elements in a list",
    complexity: POP_COMPLEXITY,
    history: [["6.2.0", "Added the `count` argument."]],
    handler: pop(true),
  },
  {
    ...LIST,
    name: "rpop",
    notify: [NOTIFY.LIST],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Remove and get the last elements in a list",
    complexity: POP_COMPLEXITY,
    history: [["6.2.0", "Added the `count` argument."]],
    handler: pop(false),
  },
  {
    ...LIST,
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Get the length of a list",
    complexity: "O(1)",
    handler: llen,
  },
  {
    ...LIST,
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Get an element from a list by its index",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    handler: lindex,
  },
  {
    ...LIST,
    name: "lset",
    notify: [NOTIFY.LIST],
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Set the value of an element in a list by its index",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    handler: lset,
  },
  {
    ...LIST,
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Get a range of elements from a list",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    handler: lrange,
  },
  {
    ...LIST,
    name: "ltrim",
    notify: [NOTIFY.LIST],
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Trim a list to the specified range",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    handler: ltrim,
  },
  {
    ...LIST,
    name: "linsert",
    notify: [NOTIFY.LIST],
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Insert an element before or after another element in a list",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    handler: linsert,
  },
  {
    ...LIST,
    name: "lrem",
    notify: [NOTIFY.LIST],
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    since: "1.0.0",
    summary: "Remove elements from a list",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    handler: lrem,
  },
  {
    ...LIST,
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "6.0.6",
    summary: "Return the index of matching elements on a list",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    handler: lpos,
  },
  {
    ...LIST,
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    since: "6.2.0",
    summary: "Pop an element from a list, push it to another list and return it",
    complexity: "O(1)",
    handler: lmove,
  },
  {
    ...LIST,
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    since: "1.2.0",
    summary: "Remove the last element in a list, prepend it to another list and return it",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    handler: rpoplpush,
  },
  {
    ...LIST,
    name: "lmpop",
    arity: -4,
    flags: ["write", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "7.0.0",
    summary: "Pop elements from a list",
    complexity: MPOP_COMPLEXITY,
    handler: lmpop(false),
  },
  {
    ...LIST,
    name: "blpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keys: [1, -2, 1],
    since: "2.0.0",
    summary: "Remove and get the first element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: blpop(true),
  },
  {
    ...LIST,
    name: "brpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keys: [1, -2, 1],
    since: "2.0.0",
    summary: "Remove and get the last element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: blpop(false),
  },
  {
    ...LIST,
    name: "blmove",
    arity: 6,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keys: [1, 2, 1],
    since: "6.2.0",
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    handler: blmove,
  },
  {
    ...LIST,
    name: "brpoplpush",
    arity: 4,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keys: [1, 2, 1],
    since: "2.2.0",
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: brpoplpush,
  },
  {
    ...LIST,
    name: "blmpop",
    arity: -5,
    flags: ["write", "blocking", "movablekeys"],
    keyFinder: keysAfterNumkeys(2),
    since: "7.0.0",
    summary: "Pop elements from a list, or block until one is available",
    complexity: MPOP_COMPLEXITY,
    handler: lmpop(true),
  },
];
