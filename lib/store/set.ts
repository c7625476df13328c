/**
 * The set value (Redis's t_set.c object). Members live in a {@link Dict}, which
 * gives SSCAN Redis's cursor guarantee and SPOP / SRANDMEMBER a uniform random
 * member in O(1).
 *
 * Redis 7.0 keeps a set as an intset while every member is an integer and there
 * are at most set-max-intset-entries of them, and as a hashtable from then on.
 * We keep one structure but remember which of the two Redis would be using,
 * because it shows: OBJECT ENCODING reports it, and an intset replies its
 * members in numeric order, all in one SSCAN call.
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

export class SetValue implements Collection {
  readonly type = "set";
  private readonly dict = new Dict<true>();
  /** Redis would hold these members in an intset; once false it stays false. */
  private intset = true;
  /** The members in numeric order while {@link intset}, rebuilt after a change. */
  private sorted: string[] | null = null;

  get size(): number {
    return this.dict.size;
  }

  encoding(): string {
    return this.intset ? "intset" : "hashtable";
  }

  /** The hash table of a hashtable-encoded set (DEBUG HTSTATS-KEY); none while Redis would use an intset. */
  hashtable(): Dict<true> | undefined {
    return this.intset ? undefined : this.dict;
  }

  /** Adds a member; false if it was there. `maxIntset`: set-max-intset-entries. */
  add(member: string, maxIntset: number): boolean {
    const before = this.dict.size;
    this.dict.set(member, true);
    if (this.dict.size === before) return false;
    if (this.intset) {
      if (this.dict.size > maxIntset || !isIntsetMember(member)) this.intset = false;
      this.sorted = null;
    }
    return true;
  }

  delete(member: string): boolean {
    if (!this.dict.delete(member)) return false;
    this.sorted = null;
    return true;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    return this.dict.randomKey()!;
  }

  /** Every member, in numeric order for an intset (as Redis replies them). */
  members(): string[] {
    if (!this.intset) return [...this.dict.keys()];
    this.sorted ??= [...this.dict.keys()].sort(compareIntegers);
    return this.sorted;
  }

  /**
   * One step of SSCAN: {@link Dict.scan} for a hashtable; an intset is visited
   * whole, in order, and ends the walk, as Redis's scan of a small encoding does.
   */
  scan(cursor: number, visit: (member: string) => void): number {
    if (!this.intset) return this.dict.scan(cursor, visit);
    for (const member of this.members()) visit(member);
    return 0;
  }

  clone(): SetValue {
    const copy = new SetValue();
    for (const member of this.dict.keys()) copy.dict.set(member, true);
    copy.intset = this.intset;
    return copy;
  }
}
