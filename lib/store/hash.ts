/**
 * The hash value (Redis's t_hash.c object).
 *
 * Redis 7.0 keeps a new hash in a listpack and converts it to a hashtable for
 * good once it holds more than hash-max-listpack-entries fields or is written a
 * field or value longer than hash-max-listpack-value bytes. Which of the two it
 * is shows: OBJECT ENCODING reports it, and a listpack answers HGETALL, HKEYS,
 * HVALS and HRANDFIELD in insertion order and HSCAN whole in one call. So we
 * hold a hash as Redis does, each form keeping the listpack's order while
 * Redis would use one (an update keeps a field's place, a field deleted and
 * set again goes last):
 *
 * - up to {@link ARRAY_FIELDS} fields, an array of fields and values in turn,
 *   kept at its exact length: for 4 fields 80 bytes against a `Map`'s 188. A
 *   field is found by a walk, as in Redis's listpack;
 * - from there to the listpack's end, a `Map`;
 * - from the conversion on, a {@link Dict}: HSCAN gets Redis's cursor guarantee
 *   and HRANDFIELD a random field in O(1).
 *
 * A random field of a `Map` costs O(n), as Redis's lpRandomPair does; n is at
 * most hash-max-listpack-entries.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";

/**
 * The most fields a hash keeps in an array. Up to about this many, walking
 * the array finds a field as fast as a `Map` does (HGET measured in-process:
 * even at 16 fields, 20% slower at 32, 40% at 128).
 */
const ARRAY_FIELDS = 16;

export class HashValue implements Collection {
  get type(): "hash" {
    return "hash";
  }
  private fields: string[] | Map<string, string> | Dict<string> = EMPTY;

  warm(): number {
    return this.size;
  }

  get size(): number {
    const fields = this.fields;
    return Array.isArray(fields) ? fields.length >> 1 : fields.size;
  }

  /** Whether Redis would hold this hash in a listpack (ordered replies, HSCAN in one call). */
  get isListpack(): boolean {
    return !(this.fields instanceof Dict);
  }

  encoding(): string {
    return this.isListpack ? "listpack" : "hashtable";
  }

  /** The hash table behind a hashtable-encoded hash (DEBUG HTSTATS-KEY); none for a listpack. */
  hashtable(): Dict<string> | undefined {
    return this.fields instanceof Dict ? this.fields : undefined;
  }

  /** The same table, which look-ahead warms. */
  memberDict(): Dict<string> | undefined {
    return this.hashtable();
  }

  get(field: string): string | undefined {
    const fields = this.fields;
    if (!Array.isArray(fields)) return fields.get(field);
    const at = indexOfField(fields, field);
    return at === -1 ? undefined : fields[at + 1];
  }

  has(field: string): boolean {
    const fields = this.fields;
    return Array.isArray(fields) ? indexOfField(fields, field) !== -1 : fields.has(field);
  }

  /**
   * Sets a field; true if it is new. A listpack is converted as Redis's
   * hashTypeSet does, with the thresholds configured at the time of the write.
   */
  set(field: string, value: string, config: Config): boolean {
    const fields = this.fields;
    if (fields instanceof Dict) return setInMap(fields, field, value);
    const maxValue = config.getNumber("hash-max-listpack-value");
    if (field.length > maxValue || value.length > maxValue) return setInMap(this.toHashtable(), field, value);
    if (Array.isArray(fields)) {
      const at = indexOfField(fields, field);
      if (at !== -1) {
        fields[at + 1] = value;
        return false;
      }
      if (fields.length < 2 * ARRAY_FIELDS) {
        // A new array of the exact length (push would leave room for ~16 more), as a listpack is reallocated.
        this.fields = fields.concat(field, value);
      } else {
        const map = new Map<string, string>();
        for (let i = 0; i < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
        this.fields = map.set(field, value);
      }
    } else if (!setInMap(fields, field, value)) {
      return false;
    }
    if (this.size > config.getNumber("hash-max-listpack-entries")) this.toHashtable();
    return true;
  }

  delete(field: string): boolean {
    const fields = this.fields;
    if (!Array.isArray(fields)) return fields.delete(field);
    const at = indexOfField(fields, field);
    if (at === -1) return false;
    fields.splice(at, 2);
    return true;
  }

  /** Every field and value, a listpack's in insertion order. Do not modify the hash meanwhile. */
  *entries(): IterableIterator<[string, string]> {
    const fields = this.fields;
    if (!Array.isArray(fields)) {
      yield* fields.entries();
      return;
    }
    for (let i = 0; i < fields.length; i += 2) yield [fields[i], fields[i + 1]];
  }

  /** Visits every field and value, a listpack's in insertion order; without an iterator's allocations. */
  forEach(visit: (field: string, value: string) => void): void {
    const fields = this.fields;
    if (!Array.isArray(fields)) {
      for (const [field, value] of fields.entries()) visit(field, value);
      return;
    }
    for (let i = 0; i < fields.length; i += 2) visit(fields[i], fields[i + 1]);
  }

  /** A uniformly random field; the hash must not be empty. */
  randomField(): string {
    const fields = this.fields;
    if (fields instanceof Dict) return fields.randomKey()!;
    const pairs = listpackPairs(fields);
    return pairs[randomPair(pairs)];
  }

  /**
   * Visits `count` uniformly random fields, repeats allowed (HRANDFIELD with a
   * negative count), without collecting them: the count is the client's and
   * may be far larger than the hash.
   */
  randomFields(count: number, visit: (field: string, value: string) => void): void {
    const fields = this.fields;
    if (fields instanceof Dict) {
      for (let i = 0; i < count; i++) {
        const field = fields.randomKey()!;
        visit(field, fields.get(field)!);
      }
      return;
    }
    const pairs = listpackPairs(fields);
    for (let i = 0; i < count; i++) {
      const at = randomPair(pairs);
      visit(pairs[at], pairs[at + 1]);
    }
  }

  /**
   * `count` distinct random fields, 0 < count < size. A listpack gives them in
   * its own order, as Redis's lpRandomPairsUnique does (selection sampling in
   * one pass). A hashtable, as Redis's hrandfield: when most fields are wanted,
   * a random subset of all of them; otherwise random fields until enough
   * distinct ones are found, O(count) expected.
   */
  distinctRandomFields(count: number): string[] {
    const fields = this.fields;
    const picked: string[] = [];
    if (!(fields instanceof Dict)) {
      const pairs = listpackPairs(fields);
      let left = pairs.length >> 1;
      for (let i = 0; picked.length < count; i += 2) {
        if (Math.random() * left-- < count - picked.length) picked.push(pairs[i]);
      }
      return picked;
    }
    if (count * 3 > fields.size) {
      const all = [...fields.keys()];
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(Math.random() * (all.length - i));
        [all[i], all[j]] = [all[j], all[i]];
      }
      all.length = count;
      return all;
    }
    const seen = new Set<string>();
    while (seen.size < count) seen.add(fields.randomKey()!);
    return [...seen];
  }

  /**
   * One step of HSCAN: {@link Dict.scan} for a hashtable; a listpack is
   * visited whole, in order, and ends the walk, as Redis does for it.
   */
  scan(cursor: number, visit: (field: string, value: string) => void): number {
    const fields = this.fields;
    if (fields instanceof Dict) return fields.scan(cursor, visit);
    this.forEach(visit);
    return 0;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const fields = this.fields;
    if (Array.isArray(fields)) copy.fields = fields.slice();
    else copy.fields = fields instanceof Map ? new Map(fields) : this.copyToDict();
    return copy;
  }

  private copyToDict(): Dict<string> {
    const dict = new Dict<string>();
    this.forEach((field, value) => dict.set(field, value));
    return dict;
  }

  private toHashtable(): Dict<string> {
    const dict = this.copyToDict();
    this.fields = dict;
    return dict;
  }
}

/** Every hash starts from this one, for the field it is created to hold. */
const EMPTY: string[] = Object.freeze([]) as unknown as string[];

/** Sets a field of a `Map` or {@link Dict}; true if it is new. */
function setInMap(fields: Map<string, string> | Dict<string>, field: string, value: string): boolean {
  const before = fields.size;
  fields.set(field, value);
  return fields.size !== before;
}

/** A listpack's fields and values in turn: its array, or a copy of its `Map`'s (O(n)). */
function listpackPairs(fields: string[] | Map<string, string>): string[] {
  if (Array.isArray(fields)) return fields;
  const pairs: string[] = [];
  fields.forEach((value, field) => pairs.push(field, value));
  return pairs;
}

/** Where `field` is in a listpack's array (an even index), or -1. */
function indexOfField(fields: string[], field: string): number {
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === field) return i;
  }
  return -1;
}

/** A uniformly random field's index in a listpack's array, which must not be empty. */
function randomPair(fields: string[]): number {
  return Math.floor(Math.random() * (fields.length >> 1)) * 2;
}
