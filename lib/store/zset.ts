/**
 * The sorted set value (Redis's t_zset.c object): members ordered by (score,
 * member bytes), as DESIGN.md §7 asks.
 *
 * - A skip list with spans, as Redis's zskiplist: insert, delete, rank and the
 *   n-th member in O(log n), and every range (by rank, score or lex) as one
 *   O(log n) descent plus a walk along the bottom level.
 * - A {@link Dict} from member to score: ZSCORE in O(1), ZSCAN with Redis's
 *   cursor guarantee and ZRANDMEMBER's random member in O(1).
 *
 * Redis 7.0 keeps a small sorted set in a listpack and converts it to a skip
 * list for good once a new member would make it longer than
 * zset-max-listpack-entries or is longer than zset-max-listpack-value bytes.
 * We keep one structure but remember which of the two Redis would use, because
 * it shows: OBJECT ENCODING reports it, ZSCAN returns a listpack whole and in
 * order, ZRANDMEMBER samples a listpack in order, and a listpack stores -0 as 0.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";

/** Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const P = 0.25;

/** One member of the skip list. */
class ZNode {
  backward: ZNode | null = null;
  /** Per level: the following node on that level. */
  readonly next: (ZNode | null)[];
  /** Per level: how many bottom-level steps `next` at that level skips. */
  readonly span: number[];

  constructor(readonly member: string, public score: number, level: number) {
    this.next = new Array(level).fill(null);
    this.span = new Array(level).fill(0);
  }
}

/** A score interval, each end open or closed (ZRANGEBYSCORE's `(` bounds); ends may be infinite. */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** The `-` and `+` lex bounds: below and above every member. */
export const LEX_MIN = Symbol("-");
export const LEX_MAX = Symbol("+");

export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;

/** A member interval (ZRANGEBYLEX's `[`, `(`, `-` and `+` bounds), by byte order. */
export interface LexRange {
  min: LexBound;
  max: LexBound;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** Redis's zslRandomLevel: level k with probability P^(k-1)(1-P). */
function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

/** Whether `node` comes before (score, member) in the set's order. */
function before(node: ZNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

/**
 * Scratch arrays for one descent: the last node before the target on each
 * level and its rank. Commands run one at a time, so one pair serves them all
 * and an insert allocates nothing but its node.
 */
const update: ZNode[] = new Array(MAX_LEVEL);
const rankAt: number[] = new Array(MAX_LEVEL).fill(0);

export class SortedSetValue implements Collection {
  readonly type = "zset";
  private readonly scores = new Dict<number>();
  private readonly header = new ZNode("", 0, MAX_LEVEL);
  private tail: ZNode | null = null;
  private level = 1;
  /** Redis would hold this set in a listpack; once false it stays false. */
  private listpack = true;

  get size(): number {
    return this.scores.size;
  }

  encoding(): string {
    return this.listpack ? "listpack" : "skiplist";
  }

  /** Redis's encoding becomes a skip list for good, as SORT makes it (zsetConvert). */
  convertToSkiplist(): void {
    this.listpack = false;
  }

  /** Whether Redis would hold this set in a listpack (ZSCAN whole, ZRANDMEMBER in order). */
  get isListpack(): boolean {
    return this.listpack;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /**
   * Adds a member that is not in the set. A listpack is converted first, as
   * Redis's zsetAdd does, when the new member would make it longer than
   * zset-max-listpack-entries or is longer than zset-max-listpack-value.
   */
  insert(member: string, score: number, config: Config): void {
    if (
      this.listpack &&
      (this.scores.size + 1 > config.getNumber("zset-max-listpack-entries") ||
        member.length > config.getNumber("zset-max-listpack-value"))
    ) {
      this.listpack = false;
    }
    score = this.stored(score);
    this.scores.set(member, score);
    this.link(member, score);
  }

  /** Changes the score of a member that is in the set. */
  updateScore(member: string, score: number): void {
    const old = this.scores.get(member)!;
    score = this.stored(score);
    this.scores.set(member, score);
    // Redis's zslUpdateScore: a node that keeps its place is updated in place.
    const x = this.descend(old, member);
    const node = x.next[0]!;
    const prev = node.backward;
    const next = node.next[0];
    if ((prev === null || prev.score < score) && (next === null || next.score > score)) {
      node.score = score;
      return;
    }
    this.unlink(node);
    this.link(member, score);
  }

  /** Removes a member; false when it is not in the set. */
  delete(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.scores.delete(member);
    this.unlink(this.descend(score, member).next[0]!);
    return true;
  }

  /** The 0-based rank of a member counted from the lowest (or the highest), or -1. */
  rank(member: string, reverse = false): number {
    const score = this.scores.get(member);
    if (score === undefined) return -1;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && (before(next, score, member) || next.member === member)) {
        rank += x.span[i];
        x = next;
        next = x.next[i];
      }
    }
    return reverse ? this.size - rank : rank - 1;
  }

  /**
   * Visits the members of 0-based ranks start..end (0 <= start <= end < size),
   * from start up, or from end down when `reverse`: one O(log n) descent, then
   * a walk along the bottom level.
   */
  visitRanks(
    start: number,
    end: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    let x: ZNode | null = this.nodeAt(reverse ? end : start);
    for (let n = end - start; n >= 0 && x !== null; n--) {
      visit(x.member, x.score);
      x = reverse ? x.backward : x.next[0];
    }
  }

  /**
   * The 0-based ranks [start, end) of the members whose scores are within
   * `range`: two O(log n) descents; empty (start = end) when nothing is.
   */
  scoreRanks(range: ScoreRange): [number, number] {
    const { min, max, minExclusive, maxExclusive } = range;
    const start = this.countBefore((x) => minExclusive ? x.score <= min : x.score < min);
    const end = this.countBefore((x) => maxExclusive ? x.score < max : x.score <= max);
    return [start, Math.max(start, end)];
  }

  /**
   * Like {@link scoreRanks} for members within a lex range. As in Redis, this
   * is meant for sets whose members all have the same score; with mixed
   * scores the answer is some prefix boundary, not a meaningful range.
   */
  lexRanks(range: LexRange): [number, number] {
    const { min, max, minExclusive, maxExclusive } = range;
    const start = this.countBefore((x) =>
      min === LEX_MAX || (min !== LEX_MIN && (minExclusive ? x.member <= min : x.member < min))
    );
    const end = this.countBefore((x) =>
      max === LEX_MAX || (max !== LEX_MIN && (maxExclusive ? x.member < max : x.member <= max))
    );
    return [start, Math.max(start, end)];
  }

  /**
   * Removes the members of 0-based ranks start..end (within the set) and
   * returns them lowest first, as zslDeleteRangeByRank walks them.
   */
  deleteRange(start: number, end: number): [member: string, score: number][] {
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && traversed + x.span[i] <= start) {
        traversed += x.span[i];
        x = x.next[i]!;
      }
      update[i] = x;
    }
    const removed: [string, number][] = [];
    let node = x.next[0];
    for (let rank = start; node !== null && rank <= end; rank++) {
      const next = node.next[0];
      this.unlink(node);
      this.scores.delete(node.member);
      removed.push([node.member, node.score]);
      node = next;
    }
    return removed;
  }

  /** Every member and score, lowest first. Do not modify the set meanwhile. */
  *entries(): IterableIterator<[string, number]> {
    for (let x = this.header.next[0]; x !== null; x = x.next[0]) yield [x.member, x.score];
  }

  /** Every member and score, highest first. Do not modify the set meanwhile. */
  *reverseEntries(): IterableIterator<[string, number]> {
    for (let x = this.tail; x !== null; x = x.backward) yield [x.member, x.score];
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    return this.scores.randomKey()!;
  }

  /**
   * `count` distinct random members, 0 < count < size. A listpack gives them
   * in its (sorted) order, as Redis's lpRandomPairsUnique does (selection
   * sampling in one pass); a skip list in no particular order: a random
   * subset of all members when most are wanted, else random members until
   * enough distinct ones are found, O(count) expected, as Redis's
   * zrandmemberWithCountCommand.
   */
  distinctRandom(count: number): string[] {
    const picked: string[] = [];
    if (this.listpack) {
      let left = this.size;
      for (let x = this.header.next[0]; x !== null && picked.length < count; x = x.next[0]) {
        if (Math.random() * left-- < count - picked.length) picked.push(x.member);
      }
      return picked;
    }
    if (count * 3 > this.size) {
      const all = [...this.scores.keys()];
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(Math.random() * (all.length - i));
        [all[i], all[j]] = [all[j], all[i]];
      }
      all.length = count;
      return all;
    }
    const seen = new Set<string>();
    while (seen.size < count) seen.add(this.scores.randomKey()!);
    return [...seen];
  }

  /**
   * One step of ZSCAN: {@link Dict.scan} for a skip list; a listpack is
   * visited whole, in order, and ends the walk, as Redis does for it.
   */
  scan(cursor: number, visit: (member: string, score: number) => void): number {
    if (!this.listpack) return this.scores.scan(cursor, visit);
    for (let x = this.header.next[0]; x !== null; x = x.next[0]) visit(x.member, x.score);
    return 0;
  }

  clone(): SortedSetValue {
    const copy = new SortedSetValue();
    copy.listpack = this.listpack;
    for (let x = this.tail; x !== null; x = x.backward) {
      copy.scores.set(x.member, x.score);
      copy.link(x.member, x.score);
    }
    return copy;
  }

  /**
   * How many members, from the lowest on, satisfy `isBefore`, which must hold
   * for a prefix of the order (below a bound); in O(log n). A range by score
   * or by lex is two such counts: the members below it and those not above it.
   */
  private countBefore(isBefore: (node: ZNode) => boolean): number {
    let x = this.header;
    let count = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && isBefore(next)) {
        count += x.span[i];
        x = next;
        next = x.next[i];
      }
    }
    return count;
  }

  /** The node at a 0-based rank within the set (zslGetElementByRank). */
  private nodeAt(rank: number): ZNode | null {
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && traversed + x.span[i] <= rank + 1) {
        traversed += x.span[i];
        x = x.next[i]!;
      }
      if (traversed === rank + 1) return x;
    }
    return null;
  }

  /** A listpack stores a score as text, and "-0" reads back as the integer 0. */
  private stored(score: number): number {
    return this.listpack && score === 0 ? 0 : score;
  }

  /**
   * Walks down to the last node before (score, member) on every level,
   * filling {@link update}; returns the bottom-level one.
   */
  private descend(score: number, member: string): ZNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && before(next, score, member)) {
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    return x;
  }

  /** Redis's zslInsert: links a new node, keeping every span right. */
  private link(member: string, score: number): void {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      let next = x.next[i];
      while (next !== null && before(next, score, member)) {
        rankAt[i] += x.span[i];
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    const length = this.scores.size - 1;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        this.header.span[i] = length;
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const prev = update[i];
      node.next[i] = prev.next[i];
      prev.next[i] = node;
      node.span[i] = prev.span[i] - (rankAt[0] - rankAt[i]);
      prev.span[i] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.header ? null : update[0];
    if (node.next[0] !== null) node.next[0].backward = node;
    else this.tail = node;
  }

  /**
   * Redis's zslDeleteNode: unlinks a node whose predecessor on every level is
   * in {@link update}, as a descent to it left them.
   */
  private unlink(node: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const prev = update[i];
      if (prev.next[i] === node) {
        prev.span[i] += node.span[i] - 1;
        prev.next[i] = node.next[i];
      } else {
        prev.span[i]--;
      }
    }
    if (node.next[0] !== null) node.next[0].backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.next[this.level - 1] === null) this.level--;
  }
}
