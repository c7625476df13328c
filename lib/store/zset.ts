/**
 * The sorted set value (Redis's t_zset.c object): members ordered by (score,
 * member bytes), as DESIGN.md §7 asks.
 *
 * - A B+ tree counted for order statistics: leaves hold up to {@link NODE_SIZE}
 *   entries in parallel score and member arrays and are linked both ways; an
 *   inner node holds its children, the number of entries under each and a key
 *   bounding each child from below. Insert, delete, rank and the n-th member
 *   cost one O(log n) descent, and every range (by rank, score or lex) is one
 *   descent plus a walk along the leaves. Redis uses a skip list here, but in
 *   JS every skip-list step loads a node, its arrays and the next node; a
 *   descent here reads a few short arrays instead.
 * - Once Redis would use a skip list, a {@link Dict} from member to score as
 *   well: ZSCORE in O(1), ZSCAN with Redis's cursor guarantee and
 *   ZRANDMEMBER's random member in O(1).
 *
 * Redis 7.0 keeps a small sorted set in a listpack and converts it to a skip
 * list for good once a new member would make it longer than
 * zset-max-listpack-entries or is longer than zset-max-listpack-value bytes.
 * We keep the one tree for every size, and the encoding Redis would use shows:
 * OBJECT ENCODING reports "listpack" or "skiplist", ZSCAN returns a listpack
 * whole and in order, ZRANDMEMBER samples a listpack in order, and a listpack
 * stores -0 as 0. A listpack has no Dict, as Redis's has none: its members are
 * found by a walk along the leaves (O(n), as Redis searches a listpack), and a
 * small sorted set takes a few hundred bytes rather than the few kilobytes of
 * an empty Dict's arrays.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";

/**
 * The most entries in a leaf and children in an inner node. 64 keeps a node's
 * arrays within a few cache lines, so shifting them on an insert is cheap,
 * and a set of a million members only three levels deep.
 */
const NODE_SIZE = 64;

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

/**
 * Every leaf's children and counts: none. One frozen array for all leaves
 * rather than two empty ones each, which small sets would pay for; frozen,
 * so that a change meant for an inner node fails loudly.
 */
const NONE: never[] = Object.freeze([]) as never[];

/**
 * A node of the tree, leaf or inner, with a key (score and member) per slot.
 * A leaf's keys are its entries, in order. An inner node's key for child i is
 * no greater than any entry under that child and, for i > 0, greater than
 * every entry under child i - 1; deleting entries leaves it a valid bound, so
 * it need not be a current entry. Slot 0's key is never compared.
 */
class Node {
  /** A leaf's neighbours, for walks along the bottom level. */
  prev: Node | null = null;
  next: Node | null = null;

  constructor(
    isLeaf: boolean,
    /** The keys; a listpack's leaves swap in copies of exact length (see {@link SortedSetValue.add}). */
    public scores: number[] = [],
    public members: string[] = [],
    /** An inner node's children; {@link NONE} for a leaf. */
    readonly children: Node[] = isLeaf ? NONE : [],
    /** How many entries are under each child; {@link NONE} for a leaf. */
    readonly counts: number[] = isLeaf ? NONE : [],
  ) {}

  /** Derived, not stored: a word less per node, and a small set is one node. */
  get isLeaf(): boolean {
    return this.children === NONE;
  }

  get size(): number {
    return this.scores.length;
  }

  /** How many entries are under slots start..end-1. */
  entriesIn(start: number, end: number): number {
    if (this.isLeaf) return end - start;
    let n = 0;
    for (let i = start; i < end; i++) n += this.counts[i];
    return n;
  }
}

/** Whether key (s1, m1) comes before key (s2, m2) in the set's order. */
function less(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** The slot of the child of an inner node that holds, or would hold, (score, member). */
function childSlot(node: Node, score: number, member: string): number {
  const { scores, members } = node;
  // The last slot whose key is not after (score, member); slot 0 when none is.
  let lo = 0;
  let hi = scores.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (less(score, member, scores[mid], members[mid])) hi = mid - 1;
    else lo = mid;
  }
  return lo;
}

/** The position in a leaf of (score, member), or where it would go. */
function leafSlot(leaf: Node, score: number, member: string): number {
  const { scores, members } = leaf;
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (less(scores[mid], members[mid], score, member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The position in a leaf of (score, member), which is there: found by score,
 * comparing members only among entries of equal score, so a member whose
 * score is unique in the leaf is found without reading a string.
 */
function entrySlot(leaf: Node, score: number, member: string): number {
  const { scores, members } = leaf;
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scores[mid] < score) lo = mid + 1;
    else hi = mid;
  }
  while (lo + 1 < scores.length && scores[lo + 1] === score && members[lo] !== member) lo++;
  return lo;
}

/**
 * A bound of a score or lex range, as the point in the set's order that a
 * prefix of the members lies before: the scores below `score` (and equal to
 * it, with `orEqual`), or the members below `member`. One object, rewritten
 * by each range query (commands run one at a time): the search compares
 * directly, where a closure per bound made its calls megamorphic.
 */
const cut = { byScore: true, score: 0, member: "" as LexBound, orEqual: false };

/** Moves {@link cut} to `bound` (a score or a lex bound), before it or (`orEqual`) just after it. */
function setCut(bound: number | LexBound, orEqual: boolean): void {
  if (typeof bound === "number") cut.score = bound;
  else cut.member = bound;
  cut.orEqual = orEqual;
}

/** Whether the key (score, member) lies before {@link cut}. */
function isBeforeCut(score: number, member: string): boolean {
  if (cut.byScore) return score < cut.score || (cut.orEqual && score === cut.score);
  const bound = cut.member;
  if (bound === LEX_MAX) return true;
  if (bound === LEX_MIN) return false;
  return member < bound || (cut.orEqual && member === bound);
}

/** The first slot from `from` on whose key is not before {@link cut}. */
function firstNotBefore(node: Node, from: number): number {
  let lo = from;
  let hi = node.size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isBeforeCut(node.scores[mid], node.members[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/*
 * Array.prototype.splice(at, 0, value) and splice(at, 1) without allocating
 * the result, in two pairs: one for scores and counts, one for members and
 * children. A store in V8 that has met both a double array and an object
 * array turns every double array it meets after into an object array, which
 * boxes each score (16 bytes more, and an allocation per new score).
 */

function insertNumber(array: number[], at: number, value: number): void {
  for (let i = array.length; i > at; i--) array[i] = array[i - 1];
  array[at] = value;
}

function insertObject<T>(array: T[], at: number, value: T): void {
  for (let i = array.length; i > at; i--) array[i] = array[i - 1];
  array[at] = value;
}

function removeNumber(array: number[], at: number): void {
  if (shiftIsCheaper(array, at)) {
    array.shift();
    return;
  }
  for (let i = at + 1; i < array.length; i++) array[i - 1] = array[i];
  array.pop();
}

function removeObject<T>(array: T[], at: number): void {
  if (shiftIsCheaper(array, at)) {
    array.shift();
    return;
  }
  for (let i = at + 1; i < array.length; i++) array[i - 1] = array[i];
  array.pop();
}

/**
 * Whether to drop the first entry with shift, for which V8 moves the array's
 * start rather than every entry (ZPOPMIN takes the first entry of a leaf each
 * time); below {@link SHIFT_FROM} entries, moving them by hand costs less than the call.
 */
function shiftIsCheaper(array: unknown[], at: number): boolean {
  return at === 0 && array.length > SHIFT_FROM;
}

const SHIFT_FROM = 16;

/**
 * The path of the last descent: the inner nodes from the root down and the
 * child slot taken in each; the leaf reached is returned. Commands run one at
 * a time, so one path serves every set and a descent allocates nothing.
 */
const path: Node[] = [];
const slots: number[] = [];
let depth = 0;
/** Where in its leaf {@link SortedSetValue.descendToRank} found the rank. */
let rankInLeaf = 0;

/** A skip list's member table: member -> score, the scores in the table's number column (unboxed). */
function newScoreTable(): Dict<true> {
  return new Dict<true>(false, true);
}

function setScore(scores: Dict<true>, member: string, score: number): void {
  scores.setNumberAt(scores.add(member, true), score);
}

export class SortedSetValue implements Collection {
  get type(): "zset" {
    return "zset";
  }
  /**
   * Member -> score, from the moment Redis would hold this set in a skip list;
   * null while it would be a listpack. Once set it stays, but for a set built
   * as a skip list and then compacted ({@link convertToListpackIfNeeded}).
   */
  private scores: Dict<true> | null = null;
  private root = new Node(true);

  /**
   * @param nodeSize the most entries per leaf and children per inner node, at
   * least 4; tests pass a small one to make small sets deep trees.
   */
  constructor(private readonly nodeSize = NODE_SIZE) {}

  /**
   * Below this many slots a node other than the root is merged or refilled
   * from a sibling. Splitting or evening out nodes leaves each at least half
   * full, so a quarter gives deletes room before a node needs repair. At
   * least 2, so that every inner node has two children and every node but the
   * root a sibling to merge with. Derived, not stored: a word less per set.
   */
  private get minSize(): number {
    return Math.max(2, this.nodeSize >> 2);
  }

  warm(): number {
    return this.root.members.length;
  }

  get size(): number {
    if (this.scores !== null) return this.scores.size;
    const root = this.root;
    return root.entriesIn(0, root.size);
  }

  encoding(): string {
    return this.scores === null ? "listpack" : "skiplist";
  }

  /** The member -> score table of a skiplist-encoded set, Redis's zset dict (DEBUG HTSTATS-KEY); none for a listpack. */
  hashtable(): Dict<true> | undefined {
    return this.scores ?? undefined;
  }

  /** The same table, which look-ahead warms. */
  memberDict(): Dict<true> | undefined {
    return this.hashtable();
  }

  /** Redis's encoding becomes a skip list for good, as SORT makes it (zsetConvert). */
  convertToSkiplist(): void {
    if (this.scores !== null) return;
    const scores = newScoreTable();
    for (const [member, score] of this.entries()) setScore(scores, member, score);
    this.scores = scores;
  }

  /**
   * Redis's zsetConvertToListpackIfNeeded, which ends ZUNIONSTORE, ZINTERSTORE
   * and ZDIFFSTORE (their result is built as a skip list): a set small enough
   * becomes a listpack, where a score of -0 reads back as 0. A big result
   * keeps its -0 scores.
   */
  convertToListpackIfNeeded(config: Config): void {
    if (
      this.scores === null || this.size === 0 || this.size > config.getNumber("zset-max-listpack-entries")
    ) {
      return;
    }
    const maxValue = config.getNumber("zset-max-listpack-value");
    const negativeZeros: string[] = [];
    let fits = true;
    this.visitRanks(0, this.size - 1, false, (member, score) => {
      if (member.length > maxValue) fits = false;
      if (Object.is(score, -0)) negativeZeros.push(member);
    });
    if (!fits) return;
    this.scores = null;
    for (const member of negativeZeros) this.updateScore(member, 0);
  }

  /** Whether Redis would hold this set in a listpack (ZSCAN whole, ZRANDMEMBER in order). */
  get isListpack(): boolean {
    return this.scores === null;
  }

  score(member: string): number | undefined {
    const scores = this.scores;
    if (scores !== null) {
      const slot = scores.find(member);
      return slot === 0 ? undefined : scores.numberAt(slot);
    }
    for (let leaf: Node | null = this.edgeLeaf(false); leaf !== null; leaf = leaf.next) {
      const at = leaf.members.indexOf(member);
      if (at !== -1) return leaf.scores[at];
    }
    return undefined;
  }

  /**
   * Adds a member that is not in the set. A listpack is converted first, as
   * Redis's zsetAdd does, when the new member would make it longer than
   * zset-max-listpack-entries or is longer than zset-max-listpack-value.
   */
  insert(member: string, score: number, config: Config): void {
    if (
      this.scores === null &&
      (this.size + 1 > config.getNumber("zset-max-listpack-entries") ||
        member.length > config.getNumber("zset-max-listpack-value"))
    ) {
      this.convertToSkiplist();
    }
    score = this.stored(score);
    if (this.scores !== null) setScore(this.scores, member, score);
    this.add(score, member);
  }

  /** Changes the score of a member that is in the set. */
  updateScore(member: string, score: number): void {
    const scores = this.scores;
    let old: number;
    score = this.stored(score);
    if (scores !== null) {
      const slot = scores.find(member);
      old = scores.numberAt(slot);
      scores.setNumberAt(slot, score);
    } else {
      old = this.score(member)!;
    }
    const leaf = this.descend(old, member);
    const at = entrySlot(leaf, old, member);
    // The string the set already holds stays, so the caller's copy can be collected young.
    member = leaf.members[at];
    if (moveWithinLeaf(leaf, at, score, member)) return;
    this.removeFrom(leaf, at, 1);
    this.add(score, member);
  }

  /** Removes a member; false when it is not in the set. */
  delete(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.scores?.delete(member);
    const leaf = this.descend(score, member);
    this.removeFrom(leaf, entrySlot(leaf, score, member), 1);
    return true;
  }

  /** The 0-based rank of a member counted from the lowest (or the highest), or -1. */
  rank(member: string, reverse = false): number {
    const score = this.score(member);
    if (score === undefined) return -1;
    let node = this.root;
    let rank = 0;
    while (!node.isLeaf) {
      const slot = childSlot(node, score, member);
      rank += node.entriesIn(0, slot);
      node = node.children[slot];
    }
    rank += entrySlot(node, score, member);
    return reverse ? this.size - 1 - rank : rank;
  }

  /**
   * Visits the members of 0-based ranks start..end (0 <= start <= end < size),
   * from start up, or from end down when `reverse`: one O(log n) descent, then
   * a walk along the leaves.
   */
  visitRanks(
    start: number,
    end: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    let leaf = this.descendToRank(reverse ? end : start);
    let i = rankInLeaf;
    for (let left = end - start + 1;;) {
      visit(leaf.members[i], leaf.scores[i]);
      if (--left === 0) return;
      // Only the root leaf of an empty set is empty, so a neighbour has entries.
      if (reverse) {
        if (i === 0) {
          leaf = leaf.prev!;
          i = leaf.size;
        }
        i--;
      } else if (++i === leaf.size) {
        leaf = leaf.next!;
        i = 0;
      }
    }
  }

  /**
   * The 0-based ranks [start, end) of the members whose scores are within
   * `range`: two O(log n) descents; empty (start = end) when nothing is.
   */
  scoreRanks(range: ScoreRange): [number, number] {
    return this.ranksWithin(range, true);
  }

  /**
   * Like {@link scoreRanks} for members within a lex range. As in Redis, this
   * is meant for sets whose members all have the same score; with mixed
   * scores the answer is some prefix boundary, not a meaningful range.
   */
  lexRanks(range: LexRange): [number, number] {
    return this.ranksWithin(range, false);
  }

  /** {@link scoreRanks} or {@link lexRanks}: the members before min's cut, then those before max's. */
  private ranksWithin(range: ScoreRange | LexRange, byScore: boolean): [number, number] {
    cut.byScore = byScore;
    setCut(range.min, range.minExclusive);
    const start = this.countBefore();
    setCut(range.max, !range.maxExclusive);
    return [start, Math.max(start, this.countBefore())];
  }

  /**
   * Removes the members of 0-based ranks start..end (within the set) and
   * returns them lowest first, as zslDeleteRangeByRank walks them: a leaf's
   * run at a time, one descent each.
   */
  deleteRange(start: number, end: number): [member: string, score: number][] {
    const removed: [string, number][] = [];
    const scores = this.scores;
    for (let left = end - start + 1; left > 0;) {
      const leaf = this.descendToRank(start);
      const at = rankInLeaf;
      const count = Math.min(left, leaf.size - at);
      for (let i = at; i < at + count; i++) {
        removed.push([leaf.members[i], leaf.scores[i]]);
        scores?.delete(leaf.members[i]);
      }
      this.removeFrom(leaf, at, count);
      left -= count;
    }
    return removed;
  }

  /** Every member and score, lowest first. Do not modify the set meanwhile. */
  *entries(): IterableIterator<[string, number]> {
    for (let leaf: Node | null = this.edgeLeaf(false); leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.size; i++) yield [leaf.members[i], leaf.scores[i]];
    }
  }

  /** Every member and score, highest first. Do not modify the set meanwhile. */
  *reverseEntries(): IterableIterator<[string, number]> {
    for (let leaf: Node | null = this.edgeLeaf(true); leaf !== null; leaf = leaf.prev) {
      for (let i = leaf.size - 1; i >= 0; i--) yield [leaf.members[i], leaf.scores[i]];
    }
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    if (this.scores !== null) return this.scores.randomKey()!;
    const leaf = this.descendToRank(Math.floor(Math.random() * this.size));
    return leaf.members[rankInLeaf];
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
    const scores = this.scores;
    if (scores === null) {
      let left = this.size;
      for (const [member] of this.entries()) {
        if (picked.length === count) break;
        if (Math.random() * left-- < count - picked.length) picked.push(member);
      }
      return picked;
    }
    if (count * 3 > this.size) {
      const all = [...scores.keys()];
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(Math.random() * (all.length - i));
        [all[i], all[j]] = [all[j], all[i]];
      }
      all.length = count;
      return all;
    }
    const seen = new Set<string>();
    while (seen.size < count) seen.add(scores.randomKey()!);
    return [...seen];
  }

  /**
   * One step of ZSCAN: {@link Dict.scan} for a skip list; a listpack is
   * visited whole, in order, and ends the walk, as Redis does for it.
   */
  scan(cursor: number, visit: (member: string, score: number) => void): number {
    const scores = this.scores;
    if (scores !== null) {
      return scores.scan(cursor, (member, _, slot) => visit(member, scores.numberAt(slot)));
    }
    for (const [member, score] of this.entries()) visit(member, score);
    return 0;
  }

  /** A deep copy: the tree node for node, in O(n). */
  clone(): SortedSetValue {
    const copy = new SortedSetValue(this.nodeSize);
    const scores = copy.scores = this.scores === null ? null : newScoreTable();
    let lastLeaf: Node | null = null;
    const copyNode = (node: Node): Node => {
      const twin = node.isLeaf ? new Node(true, node.scores.slice(), node.members.slice()) : new Node(
        false,
        node.scores.slice(),
        node.members.slice(),
        node.children.map(copyNode),
        node.counts.slice(),
      );
      if (node.isLeaf) {
        if (scores !== null) {
          for (let i = 0; i < node.size; i++) setScore(scores, node.members[i], node.scores[i]);
        }
        twin.prev = lastLeaf;
        if (lastLeaf !== null) lastLeaf.next = twin;
        lastLeaf = twin;
      }
      return twin;
    };
    copy.root = copyNode(this.root);
    return copy;
  }

  /** A listpack stores a score as text, and "-0" reads back as the integer 0. */
  private stored(score: number): number {
    return this.scores === null && score === 0 ? 0 : score;
  }

  /** The first (or, when `last`, the last) leaf. */
  private edgeLeaf(last: boolean): Node {
    let node = this.root;
    while (!node.isLeaf) node = node.children[last ? node.size - 1 : 0];
    return node;
  }

  /**
   * How many members lie before {@link cut}; in O(log n). A range by score or
   * by lex is two such counts: the members below it and those not above it.
   */
  private countBefore(): number {
    let node = this.root;
    let count = 0;
    while (!node.isLeaf) {
      // Children before the last one whose key is before the bound lie wholly
      // before it; children after it wholly after.
      const slot = firstNotBefore(node, 1) - 1;
      count += node.entriesIn(0, slot);
      node = node.children[slot];
    }
    return count + firstNotBefore(node, 0);
  }

  /** Walks to the leaf that holds, or would hold, (score, member), recording the path. */
  private descend(score: number, member: string): Node {
    let node = this.root;
    depth = 0;
    while (!node.isLeaf) {
      const slot = childSlot(node, score, member);
      path[depth] = node;
      slots[depth++] = slot;
      node = node.children[slot];
    }
    return node;
  }

  /**
   * Walks to the leaf holding the member of 0-based `rank` (< size), recording
   * the path; leaves the position in that leaf in {@link rankInLeaf}.
   */
  private descendToRank(rank: number): Node {
    let node = this.root;
    depth = 0;
    while (!node.isLeaf) {
      let slot = 0;
      while (rank >= node.counts[slot]) rank -= node.counts[slot++];
      path[depth] = node;
      slots[depth++] = slot;
      node = node.children[slot];
    }
    rankInLeaf = rank;
    return node;
  }

  /** Adds `delta` to the entry count of every subtree on the recorded path. */
  private countOnPath(delta: number): void {
    for (let d = 0; d < depth; d++) path[d].counts[slots[d]] += delta;
  }

  /** Puts a new entry in its leaf, splitting nodes that overflow. */
  private add(score: number, member: string): void {
    const leaf = this.descend(score, member);
    this.countOnPath(1);
    const at = leafSlot(leaf, score, member);
    insertNumber(leaf.scores, at, score);
    insertObject(leaf.members, at, member);
    if (leaf.size > this.nodeSize) {
      this.split(leaf);
    } else if (this.scores === null) {
      // A growing array keeps room for half as many entries again and 16 more, which for a small
      // set is most of its memory (5 members: 512 bytes with it, 320 without); Redis's listpack
      // is reallocated on every insert too. Updates move entries within the arrays and keep them.
      leaf.scores = leaf.scores.slice();
      leaf.members = leaf.members.slice();
    }
  }

  /**
   * Splits an overflowing node at the end of the recorded path in two, the
   * upper half going to a new right sibling; repeats for the parent, which
   * gained a child, and grows a new root when the root splits.
   */
  private split(node: Node): void {
    for (let d = depth - 1; node.size > this.nodeSize; d--) {
      const half = node.size >> 1;
      const moved = node.entriesIn(half, node.size);
      const right = node.isLeaf
        ? new Node(true, node.scores.splice(half), node.members.splice(half))
        : new Node(
          false,
          node.scores.splice(half),
          node.members.splice(half),
          node.children.splice(half),
          node.counts.splice(half),
        );
      if (node.isLeaf) {
        right.prev = node;
        right.next = node.next;
        if (node.next !== null) node.next.prev = right;
        node.next = right;
      }
      if (d < 0) {
        // Slot 0's key is never compared; the right half's first key bounds it.
        this.root = new Node(
          false,
          [node.scores[0], right.scores[0]],
          [node.members[0], right.members[0]],
          [node, right],
          [node.entriesIn(0, node.size), moved],
        );
        return;
      }
      const parent = path[d];
      const slot = slots[d];
      parent.counts[slot] -= moved;
      insertNumber(parent.scores, slot + 1, right.scores[0]);
      insertObject(parent.members, slot + 1, right.members[0]);
      insertObject(parent.children, slot + 1, right);
      insertNumber(parent.counts, slot + 1, moved);
      node = parent;
    }
  }

  /**
   * Removes `count` entries from position `at` of the leaf the last descent
   * reached (the Dict is the caller's), then repairs nodes left too small.
   */
  private removeFrom(leaf: Node, at: number, count: number): void {
    if (count === 1) {
      removeNumber(leaf.scores, at);
      removeObject(leaf.members, at);
    } else {
      leaf.scores.splice(at, count);
      leaf.members.splice(at, count);
    }
    this.countOnPath(-count);
    let node = leaf;
    for (let d = depth - 1; d >= 0 && node.size < this.minSize; d--) {
      const parent = path[d];
      // Every inner node has at least two children, so there is a sibling;
      // `right` is the slot of the right one of the pair.
      const right = slots[d] + 1 < parent.size ? slots[d] + 1 : slots[d];
      if (parent.children[right - 1].size + parent.children[right].size <= this.nodeSize) {
        merge(parent, right);
      } else {
        share(parent, right);
      }
      node = parent;
    }
    while (!this.root.isLeaf && this.root.size === 1) this.root = this.root.children[0];
  }
}

/**
 * Moves the entry at `at` of a leaf to its new score when that keeps it
 * strictly between two other entries of the leaf, so that no count or key
 * above changes (ZINCRBY by a little, for one); false, touching nothing,
 * otherwise.
 */
function moveWithinLeaf(leaf: Node, at: number, score: number, member: string): boolean {
  const { scores, members } = leaf;
  const lo = at === 0 ? 1 : 0;
  const hi = at === leaf.size - 1 ? leaf.size - 2 : leaf.size - 1;
  if (
    lo >= hi || !less(scores[lo], members[lo], score, member) ||
    !less(score, member, scores[hi], members[hi])
  ) {
    return false;
  }
  removeNumber(scores, at);
  removeObject(members, at);
  const to = leafSlot(leaf, score, member);
  insertNumber(scores, to, score);
  insertObject(members, to, member);
  return true;
}

/**
 * Before slots move between inner siblings: the right one's slot-0 key may be
 * stale, but the parent's key for it is a true bound between the two, so it
 * takes that one wherever the slot goes.
 */
function adoptParentKey(parent: Node, right: number): void {
  const node = parent.children[right];
  if (node.isLeaf) return;
  node.scores[0] = parent.scores[right];
  node.members[0] = parent.members[right];
}

/** Moves every slot of child `right` of `parent` into the child before it and drops child `right`. */
function merge(parent: Node, right: number): void {
  adoptParentKey(parent, right);
  const into = parent.children[right - 1];
  const from = parent.children[right];
  into.scores.push(...from.scores);
  into.members.push(...from.members);
  if (!from.isLeaf) {
    into.children.push(...from.children);
    into.counts.push(...from.counts);
  } else {
    into.next = from.next;
    if (from.next !== null) from.next.prev = into;
  }
  parent.counts[right - 1] += parent.counts[right];
  removeNumber(parent.scores, right);
  removeObject(parent.members, right);
  removeObject(parent.children, right);
  removeNumber(parent.counts, right);
}

/** Evens out the slots of child `right` of `parent` and the child before it, which together overflow one node. */
function share(parent: Node, right: number): void {
  adoptParentKey(parent, right);
  const a = parent.children[right - 1];
  const b = parent.children[right];
  const target = (a.size + b.size) >> 1;
  let moved: number;
  if (a.size > target) {
    moved = -a.entriesIn(target, a.size);
    b.scores.unshift(...a.scores.splice(target));
    b.members.unshift(...a.members.splice(target));
    if (!a.isLeaf) {
      b.children.unshift(...a.children.splice(target));
      b.counts.unshift(...a.counts.splice(target));
    }
  } else {
    const n = target - a.size;
    moved = b.entriesIn(0, n);
    a.scores.push(...b.scores.splice(0, n));
    a.members.push(...b.members.splice(0, n));
    if (!a.isLeaf) {
      a.children.push(...b.children.splice(0, n));
      a.counts.push(...b.counts.splice(0, n));
    }
  }
  parent.counts[right - 1] += moved;
  parent.counts[right] -= moved;
  // The right node's first key separates the pair now.
  parent.scores[right] = b.scores[0];
  parent.members[right] = b.members[0];
}
