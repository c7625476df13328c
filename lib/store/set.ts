/**
 * The set value (Redis's t_set.c object).
 *
 * Redis 7.0 keeps a set as an intset while every member is an integer and there
 * are at most set-max-intset-entries of them, and as a hashtable from then on.
 * We remember which of the two Redis would be using, because it shows: OBJECT
 * ENCODING reports it, and an intset replies its members in numeric order, all
 * in one SSCAN call.
 *
 * The members themselves are held in one of two ways, whatever the encoding:
 * - a JS `Set` while there are at most {@link SMALL_SET_ENTRIES}: a 5-member
 *   set takes about 300 bytes of heap this way, where a {@link Dict}'s arrays take
 *   over a kilobyte (Redis: ~400 bytes for such a hashtable). A random member
 *   costs a walk of O(n) for this small n (Redis 7.2's listpack sets do the
 *   same). An SSCAN asking for fewer members than the set holds, or DEBUG
 *   HTSTATS-KEY, moves the members to a Dict, as those need its buckets;
 * - a {@link Dict} from then on, for good: SSCAN gets Redis's cursor guarantee
 *   and SPOP / SRANDMEMBER a uniform random member in O(1).
 *
 * @module
 */
import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";
import { parseInteger } from "../util/numbers.ts";

/** Whether Redis would store `member` in an intset (string2ll-parsable, int64). */
export function isIntsetMember(member: string): boolean {
  return parseInteger(member) !== null;
}

/**
 * Orders canonical int64 decimal strings numerically without converting them:
 * negatives first, then by magnitude, which for canonical digits is length and
 * then text.
 */
function compareIntegers(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  const byMagnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return negA ? -byMagnitude : byMagnitude;
}

/** The most members held in a JS `Set` (Redis 7.2's set-max-listpack-entries default). */
const SMALL_SET_ENTRIES = 128;

export class SetValue implements Collection {
  get type(): "set" {
    return "set";
  }
  private table: Set<string> | Dict<true> = new Set();
  /** Redis would hold these members in an intset; once false it stays false. */
  private intset = true;
  /** The members in numeric order while {@link intset}, rebuilt after a change. */
  private sorted: string[] | null = null;

  get size(): number {
    return this.table.size;
  }

  warm(): number {
    return this.table.size;
  }

  encoding(): string {
    return this.intset ? "intset" : "hashtable";
  }

  /**
   * The hash table of a hashtable-encoded set (DEBUG HTSTATS-KEY), built now if
   * the members are still in a JS Set; none while Redis would use an intset.
   */
  hashtable(): Dict<true> | undefined {
    return this.intset ? undefined : this.dict();
  }

  /** The Dict the members are in, if they are (look-ahead warms it); never builds one. */
  memberDict(): Dict<true> | undefined {
    return this.table instanceof Dict ? this.table : undefined;
  }

  /** Adds a member; false if it was there. `maxIntset`: set-max-intset-entries. */
  add(member: string, maxIntset: number): boolean {
    const table = this.table;
    const before = table.size;
    if (table instanceof Dict) {
      table.add(member, true);
    } else {
      table.add(member);
      if (table.size > SMALL_SET_ENTRIES) this.dict();
    }
    if (table.size === before) return false;
    if (this.intset) {
      if (table.size > maxIntset || !isIntsetMember(member)) this.intset = false;
      this.sorted = null;
    }
    return true;
  }

  delete(member: string): boolean {
    if (!this.table.delete(member)) return false;
    this.sorted = null;
    return true;
  }

  has(member: string): boolean {
    return this.table.has(member);
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    const table = this.table;
    if (table instanceof Dict) return table.randomKey()!;
    let skip = Math.floor(Math.random() * table.size);
    for (const member of table) {
      if (skip-- === 0) return member;
    }
    throw new Error("random() of an empty set");
  }

  /**
   * Draws uniformly random members in O(1) each, however many are wanted
   * (SRANDMEMBER's negative count), until the set changes.
   */
  randomDrawer(): () => string {
    const table = this.table;
    if (table instanceof Dict) return () => table.randomKey()!;
    const members = [...table];
    return () => members[Math.floor(Math.random() * members.length)];
  }

  /** Every member, in numeric order for an intset (as Redis replies them). */
  members(): string[] {
    if (this.intset) {
      this.sorted ??= [...this.table.keys()].sort(compareIntegers);
      return this.sorted;
    }
    return [...this.table.keys()];
  }

  /**
   * One step of SSCAN, which wants `count` members: an intset, or a set in a
   * JS Set that `count` covers, is visited whole, in order, and ends the walk,
   * as Redis's scan of a small encoding (or of a hashtable within 10 * COUNT
   * buckets) does; otherwise {@link Dict.scan}.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const table = this.table;
    if (this.intset || (table instanceof Set && cursor === 0 && count >= table.size)) {
      for (const member of this.members()) visit(member);
      return 0;
    }
    return this.dict().scan(cursor, visit);
  }

  clone(): SetValue {
    const copy = new SetValue();
    for (const member of this.table.keys()) copy.add(member, 0);
    copy.intset = this.intset;
    return copy;
  }

  /** The members' Dict, moving them into one first if they are in a JS Set. */
  private dict(): Dict<true> {
    const table = this.table;
    if (table instanceof Dict) return table;
    const dict = new Dict<true>();
    for (const member of table) dict.set(member, true);
    this.table = dict;
    return dict;
  }
}
