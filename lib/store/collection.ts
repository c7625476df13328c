/**
 * What every collection value (list, hash, set, sorted set, stream) offers the
 * generic key commands, so TYPE, SCAN's TYPE, OBJECT ENCODING and COPY work for
 * each type without a case per type in keys.ts.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Dict } from "./dict.ts";

export interface Collection {
  /**
   * The name TYPE reports: "list", "hash", "set", "zset", "stream". A getter on
   * the class rather than a field: one word less in each of what may be
   * millions of small values.
   */
  readonly type: string;
  /** Number of elements; a key never holds an empty collection. */
  readonly size: number;
  /**
   * The encoding OBJECT ENCODING reports, as Redis 7.0 would have chosen it for
   * the same contents and thresholds (listpack, hashtable, intset, ...).
   */
  encoding(config: Config): string;
  /** A deep copy (COPY). */
  clone(): Collection;
  /** The hash table Redis would hold the value in, if any (DEBUG HTSTATS-KEY). */
  hashtable?(): Dict<unknown> | undefined;
  /**
   * The Dict the elements are held in now, if any, which look-ahead warms.
   * Unlike {@link hashtable}, never builds one: a small set keeps its members
   * in a JS Set.
   */
  memberDict?(): Dict<unknown> | undefined;
  /**
   * Reads the objects a command on this value reads first, beyond the value
   * itself (the array or table behind it); changes nothing and returns a
   * number made of what it read. Look-ahead calls it for the keys of a
   * pipeline together, so that the CPU overlaps their cache misses (see
   * {@link Dict.warm}); small collections are where these misses are most of
   * a command's time.
   */
  warm(): number;
}
