/**
 * The hash value (Redis's t_hash.c object).
 *
 * Redis 7.0 keeps a new hash in a listpack and converts it to a hashtable for
 * good once it holds more than hash-max-listpack-entries fields or is written a
 * field or value longer than hash-max-listpack-value bytes. Which of the two it
 * is shows: OBJECT ENCODING reports it, and a listpack answers HGETALL, HKEYS,
 * HVALS and HRANDFIELD in insertion order and HSCAN whole in one call. So we
 * hold a hash as Redis does, in two forms:
 *
 * - while Redis would use a listpack, a `Map`, whose order is the listpack's
 *   (an update keeps a field's place, a field deleted and set again goes last)
 *   and which is the cheapest map for small hashes;
 * - from the conversion on, a {@link Dict}: HSCAN gets Redis's cursor guarantee
 *   and HRANDFIELD a random field in O(1).
 *
 * A random field of a listpack costs O(n), as Redis's lpRandomPair does; n is
 * at most hash-max-listpack-entries.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";

export class HashValue implements Collection {
  get type(): "hash" {
    return "hash";
  }
  private fields: Map<string, string> | Dict<string> = new Map();

  get size(): number {
    return this.fields.size;
  }

  /** Whether Redis would hold this hash in a listpack (ordered replies, HSCAN in one call). */
  get isListpack(): boolean {
    return this.fields instanceof Map;
  }

  encoding(): string {
    return this.fields instanceof Map ? "listpack" : "hashtable";
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
    return this.fields.get(field);
  }

  has(field: string): boolean {
    return this.fields.has(field);
  }

  /**
   * Sets a field; true if it is new. A listpack is converted as Redis's
   * hashTypeSet does, with the thresholds configured at the time of the write.
   */
  set(field: string, value: string, config: Config): boolean {
    let fields = this.fields;
    const before = fields.size;
    if (fields instanceof Map) {
      const maxValue = config.getNumber("hash-max-listpack-value");
      if (field.length > maxValue || value.length > maxValue) fields = this.toHashtable();
    }
    fields.set(field, value);
    if (fields.size === before) return false;
    if (fields instanceof Map && fields.size > config.getNumber("hash-max-listpack-entries")) {
      this.toHashtable();
    }
    return true;
  }

  delete(field: string): boolean {
    return this.fields.delete(field);
  }

  /** Every field and value, a listpack's in insertion order. Do not modify the hash meanwhile. */
  entries(): IterableIterator<[string, string]> {
    return this.fields.entries();
  }

  /** A uniformly random field; the hash must not be empty. */
  randomField(): string {
    const fields = this.fields;
    if (fields instanceof Dict) return fields.randomKey()!;
    let skip = Math.floor(Math.random() * fields.size);
    for (const field of fields.keys()) {
      if (skip-- === 0) return field;
    }
    throw new Error("unreachable: the hash is empty");
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
    const all = [...fields];
    for (let i = 0; i < count; i++) {
      const [field, value] = all[Math.floor(Math.random() * all.length)];
      visit(field, value);
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
    if (fields instanceof Map) {
      let left = fields.size;
      for (const field of fields.keys()) {
        if (Math.random() * left-- < count - picked.length) picked.push(field);
        if (picked.length === count) break;
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
    fields.forEach((value, field) => visit(field, value));
    return 0;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const fields = this.fields;
    copy.fields = fields instanceof Map ? new Map(fields) : this.copyToDict();
    return copy;
  }

  private copyToDict(): Dict<string> {
    const dict = new Dict<string>();
    for (const [field, value] of this.fields.entries()) dict.set(field, value);
    return dict;
  }

  private toHashtable(): Dict<string> {
    const dict = this.copyToDict();
    this.fields = dict;
    return dict;
  }
}
