/**
 * SORT and SORT_RO (Redis's sort.c): sorts a list, set or sorted set
 * numerically or as strings, by the elements or by keys built from a BY
 * pattern, with LIMIT, GET patterns (`#`, `*`, `->field`) and STORE.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { HashValue } from "../store/hash.ts";
import { ListValue } from "../store/list.ts";
import { SetValue } from "../store/set.ts";
import { SortedSetValue } from "../store/zset.ts";
import { strtod } from "../util/numbers.ts";
import { FAILED, integerArg, isString, readValue } from "./access.ts";
import { SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import type { CommandDefinition, KeyFinder } from "./table.ts";
import { sortGetKeys } from "./key_specs.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  /** LIMIT offset and count as given; count -1 means all. */
  offset: number;
  count: number;
  by: string | undefined;
  gets: string[];
  store: string | undefined;
}

/** Whether the client's user may read any key, as BY and GET patterns need. */
function readsEveryKey(client: Client, argv: string[]): boolean {
  const auth = client.server.auth;
  const user = auth.restrictedUser(client);
  return user === undefined || auth.acl.readsEveryKey(user, client.server.table.lookup(argv[0])!, argv);
}

/** Parses the options after the key; replies the error and returns FAILED on bad input. */
function parseOptions(client: Client, argv: string[], readonly: boolean): SortOptions | typeof FAILED {
  const options: SortOptions = {
    desc: false,
    alpha: false,
    offset: 0,
    count: -1,
    by: undefined,
    gets: [],
    store: undefined,
  };
  for (let i = 2; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    const left = argv.length - i - 1;
    if (option === "asc") {
      options.desc = false;
    } else if (option === "desc") {
      options.desc = true;
    } else if (option === "alpha") {
      options.alpha = true;
    } else if (option === "limit" && left >= 2) {
      const offset = integerArg(client, argv[i + 1]);
      if (offset === FAILED) return FAILED;
      const count = integerArg(client, argv[i + 2]);
      if (count === FAILED) return FAILED;
      options.offset = offset;
      options.count = count;
      i += 2;
    } else if (!readonly && option === "store" && left >= 1) {
      options.store = argv[++i];
    } else if (option === "by" && left >= 1) {
      options.by = argv[++i];
      // A pattern without `*` reads no key (the elements stay unsorted), so it needs no key access.
      if (options.by.includes("*") && !readsEveryKey(client, argv)) {
        client.writer.error("ERR BY option of SORT denied due to insufficient ACL permissions.");
        return FAILED;
      }
    } else if (option === "get" && left >= 1) {
      if (!readsEveryKey(client, argv)) {
        client.writer.error("ERR GET option of SORT denied due to insufficient ACL permissions.");
        return FAILED;
      }
      options.gets.push(argv[++i]);
    } else {
      client.writer.error(SYNTAX_ERROR);
      return FAILED;
    }
  }
  return options;
}

/**
 * The value a BY or GET pattern names for `element`, as Redis's
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is
 * replaced by the element to form a key, holding a string, or a hash when the
 * pattern goes on with `->field`. Undefined when there is no such value.
 */
function lookupByPattern(client: Client, pattern: string, element: string): string | undefined {
  if (pattern === "#") return element;
  const star = pattern.indexOf("*");
  if (star === -1) return undefined;
  const arrow = pattern.indexOf("->", star + 1);
  const field = arrow !== -1 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : undefined;
  const key = pattern.slice(0, star) + element +
    pattern.slice(star + 1, field === undefined ? undefined : arrow);
  const value = readValue(client, key);
  if (value === undefined) return undefined;
  if (field !== undefined) return value instanceof HashValue ? value.get(field) : undefined;
  return isString(value) ? String(value) : undefined;
}

/** Byte order, then length: Redis's compareStringObjects. */
function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * strcoll in the C / C.UTF-8 locales Redis runs under: byte order, but C
 * strings end at the first NUL.
 */
function compareCollated(a: string, b: string): number {
  const nulA = a.indexOf("\0");
  const nulB = b.indexOf("\0");
  return compareBinary(nulA === -1 ? a : a.slice(0, nulA), nulB === -1 ? b : b.slice(0, nulB));
}

interface SortItem {
  element: string;
  score: number;
  /** What ALPHA with BY compares; undefined sorts first. */
  weight: string | undefined;
}

/**
 * The elements to sort, in the source's own order (a sorted set's by score,
 * where Redis takes its hash table's order: only ties under ALPHA with BY can
 * tell). A list or sorted set that is not going to be sorted yields just the
 * LIMIT window (`from` .. `to`, counted from the end when descending), as
 * Redis does.
 */
function loadElements(
  value: Sortable | undefined,
  window: { from: number; to: number; desc: boolean } | undefined,
): string[] {
  if (value === undefined) return [];
  // A copy: the set may hand out its cached member list, and sorting is in place.
  if (value instanceof SetValue) return [...value.members()];
  if (value instanceof SortedSetValue) {
    const members: string[] = [];
    if (window === undefined) {
      for (const [member] of value.entries()) members.push(member);
    } else if (window.to >= window.from) {
      const last = value.size - 1;
      const [from, to] = window.desc ? [last - window.to, last - window.from] : [window.from, window.to];
      value.visitRanks(from, to, window.desc, (member) => members.push(member));
    }
    return members;
  }
  if (window === undefined) return value.range(0, value.size - 1);
  if (window.to < window.from) return [];
  if (!window.desc) return value.range(window.from, window.to);
  const last = value.size - 1;
  return value.range(last - window.to, last - window.from).reverse();
}

type Sortable = ListValue | SetValue | SortedSetValue;

function isSortable(value: unknown): value is Sortable {
  return value instanceof ListValue || value instanceof SetValue || value instanceof SortedSetValue;
}

function sortCommand(readonly: boolean) {
  return (client: Client, argv: string[]): void => {
    const options = parseOptions(client, argv, readonly);
    if (options === FAILED) return;
    const source = readValue(client, argv[1]);
    if (source !== undefined && !isSortable(source)) {
      client.writer.error(WRONGTYPE);
      return;
    }
    // Redis converts a listpack sorted set it sorts, and OBJECT ENCODING shows it.
    if (source instanceof SortedSetValue) source.convertToSkiplist();
    let { alpha, by } = options;
    let sorting = by === undefined || by.includes("*");
    // A set has no order of its own: what is stored must not depend on it.
    if (!sorting && source instanceof SetValue && options.store !== undefined) {
      sorting = true;
      alpha = true;
      by = undefined;
    }

    const length = source?.size ?? 0;
    let start = Math.min(Math.max(options.offset, 0), length);
    const count = Math.min(Math.max(options.count, -1), length);
    let end = count < 0 ? length - 1 : start + count - 1;
    if (start >= length) {
      start = length - 1;
      end = length - 2;
    }
    if (end >= length) end = length - 1;

    const ordered = !sorting && !(source instanceof SetValue);
    const elements = loadElements(source, ordered ? { from: start, to: end, desc: options.desc } : undefined);
    if (ordered) {
      end -= start;
      start = 0;
    }

    if (sorting) {
      const items: SortItem[] = elements.map((element) => ({ element, score: 0, weight: undefined }));
      for (const item of items) {
        const weight = by === undefined ? item.element : lookupByPattern(client, by, item.element);
        if (weight === undefined) continue;
        if (alpha) {
          if (by !== undefined) item.weight = weight;
          continue;
        }
        const { value, end, range } = strtod(weight);
        if (end !== weight.length || range || Number.isNaN(value)) {
          client.writer.error("ERR One or more scores can't be converted into double");
          return;
        }
        item.score = value;
      }
      const compareStrings = options.store !== undefined ? compareBinary : compareCollated;
      const compare = !alpha
        ? (a: SortItem, b: SortItem) => a.score - b.score || compareBinary(a.element, b.element)
        : by !== undefined
        ? (a: SortItem, b: SortItem) =>
          a.weight === undefined || b.weight === undefined
            ? (a.weight === b.weight ? 0 : a.weight === undefined ? -1 : 1)
            : compareStrings(a.weight, b.weight)
        : (a: SortItem, b: SortItem) => compareStrings(a.element, b.element);
      items.sort(options.desc ? (a, b) => compare(b, a) : compare);
      for (let i = 0; i < items.length; i++) elements[i] = items[i].element;
    }

    const output: (string | undefined)[] = [];
    for (let i = start; i <= end; i++) {
      if (options.gets.length === 0) output.push(elements[i]);
      for (const pattern of options.gets) output.push(lookupByPattern(client, pattern, elements[i]));
    }
    if (options.store === undefined) {
      const w = client.writer;
      w.array(output.length);
      for (const item of output) {
        if (item === undefined) w.null();
        else w.bulk(item);
      }
      return;
    }
    // STORE's event is `sortstore`, or `del` for an empty result that deleted the destination.
    if (output.length !== 0) {
      const list = new ListValue();
      for (const item of output) list.push(item ?? "", false);
      client.db.set(options.store, list);
      notifyKeyspaceEvent(client, NOTIFY.LIST, "sortstore", options.store);
      client.server.propagate(client.db, argv);
    } else if (client.db.delete(options.store)) {
      notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", options.store);
      client.server.propagate(client.db, argv);
    }
    client.writer.integer(output.length);
  };
}

/**
 * SORT's keys: the key to sort and the last STORE destination, skipping the
 * arguments of LIMIT, GET and BY as Redis's sortGetKeys (key_specs.ts) does.
 */
const sortKeys: KeyFinder = (argv) => sortGetKeys(argv).map((key) => key.index);

const SORT = {
  group: "generic",
  arity: -2,
  keys: [1, 1, 1] as [number, number, number],
  categories: ["set", "sortedset", "list", "dangerous"],
  complexity:
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
};

export const sortCommands: CommandDefinition[] = [
  {
    ...SORT,
    name: "sort",
    flags: ["write", "denyoom", "movablekeys"],
    keyFinder: sortKeys,
    since: "1.0.0",
    summary: "Sort the elements in a list, set or sorted set",
    handler: sortCommand(false),
  },
  {
    ...SORT,
    name: "sort_ro",
    flags: ["readonly", "movablekeys"],
    since: "7.0.0",
    summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
    handler: sortCommand(true),
  },
];
