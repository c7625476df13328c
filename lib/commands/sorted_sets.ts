/**
 * Sorted set commands (Redis's t_zset.c): ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE,
 * ZMSCORE, ZRANK, ZCOUNT, the ZRANGE family and ZRANGESTORE, the ZREMRANGEBY
 * family, ZPOPMIN/MAX, ZMPOP, ZRANDMEMBER, ZUNION/ZINTER/ZDIFF and their STORE
 * forms, ZINTERCARD, ZSCAN, and the blocking BZPOPMIN/MAX and BZMPOP.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { parseTimeout } from "../server/blocking.ts";
import { SetValue } from "../store/set.ts";
import {
  LEX_MAX,
  LEX_MIN,
  type LexBound,
  type LexRange,
  type ScoreRange,
  SortedSetValue,
} from "../store/zset.ts";
import { globMatch } from "../util/glob.ts";
import { formatDouble, strtod } from "../util/numbers.ts";
import {
  FAILED,
  integerArg,
  integerAtLeastArg,
  randomCountArgs,
  readTyped,
  readValue,
  writeTyped,
} from "./access.ts";
import { SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import { parseCursor, parseScanOptions, replyScan, scanBatch } from "./keys.ts";
import { type CommandDefinition, keysAfterNumkeys } from "./table.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { NOTIFY } from "../config.ts";
import { notifyKeyspaceEvent, notifyKeyspaceWrite } from "../server/notifications.ts";

const NOT_FLOAT = "ERR value is not a valid float";
const NAN_SCORE = "ERR resulting score is not a number (NaN)";
const NOT_FLOAT_RANGE = "ERR min or max is not a float";
const NOT_LEX_RANGE = "ERR min or max not valid string range item";
const POSITIVE = "ERR value is out of range, must be positive";

/**
 * A score as Redis's getDoubleFromObject reads it: strtod over the whole
 * argument, no leading space, no NaN, nothing that overflows to infinity or
 * underflows to zero ("inf" itself is fine); null when it is not one.
 */
function parseScore(text: string): number | null {
  const first = text.charCodeAt(0);
  if (text.length === 0 || first === 32 || (first >= 9 && first <= 13)) return null;
  const { value, end, range } = strtod(text);
  if (end !== text.length || Number.isNaN(value)) return null;
  if (range && (value === 0 || !Number.isFinite(value))) return null;
  return value;
}

/** A score argument, or FAILED after replying `error`. */
function scoreArg(client: Client, text: string, error = NOT_FLOAT): number | typeof FAILED {
  const score = parseScore(text);
  if (score !== null) return score;
  client.writer.error(error);
  return FAILED;
}

/**
 * One end of a score range as Redis's zslParseRange reads it: `(` makes it
 * exclusive, then strtod, which may skip spaces, over- or underflow, and read
 * nothing (0); it must stop at the end or at a NUL byte (where C's string ends).
 */
function parseScoreBound(text: string): { value: number; exclusive: boolean } | null {
  const exclusive = text.charCodeAt(0) === 40;
  const number = exclusive ? text.slice(1) : text;
  const { value, end } = strtod(number);
  if ((end !== number.length && number.charCodeAt(end) !== 0) || Number.isNaN(value)) return null;
  return { value, exclusive };
}

function parseScoreRange(min: string, max: string): ScoreRange | null {
  const low = parseScoreBound(min);
  const high = parseScoreBound(max);
  if (low === null || high === null) return null;
  return { min: low.value, max: high.value, minExclusive: low.exclusive, maxExclusive: high.exclusive };
}

/**
 * One end of a lex range as Redis's zslParseLexRangeItem reads it: `[` or `(`
 * then the member, or `-` / `+` alone (C sees the string end at a NUL byte).
 */
function parseLexBound(text: string): { bound: LexBound; exclusive: boolean } | null {
  const alone = text.length === 1 || text.charCodeAt(1) === 0;
  switch (text[0]) {
    case "+":
      return alone ? { bound: LEX_MAX, exclusive: true } : null;
    case "-":
      return alone ? { bound: LEX_MIN, exclusive: true } : null;
    case "(":
      return { bound: text.slice(1), exclusive: true };
    case "[":
      return { bound: text.slice(1), exclusive: false };
    default:
      return null;
  }
}

function parseLexRange(min: string, max: string): LexRange | null {
  const low = parseLexBound(min);
  const high = parseLexBound(max);
  if (low === null || high === null) return null;
  return { min: low.bound, max: high.bound, minExclusive: low.exclusive, maxExclusive: high.exclusive };
}

/**
 * The length header of `n` members, with their scores when `withScores`:
 * RESP2 flattens member and score, RESP3 nests [member, double] pairs, as
 * Redis's zrangeResultBeginClient (a map would lose the order).
 */
function replyLength(w: ReplyWriter, n: number, withScores: boolean): void {
  w.array(withScores && w.protocol === 2 ? n * 2 : n);
}

function replyEntry(w: ReplyWriter, member: string, score: number, withScores: boolean): void {
  if (withScores && w.protocol === 3) w.array(2);
  w.bulk(member);
  if (withScores) w.double(score);
}

/** A new sorted set under `key`. */
function createZset(client: Client, key: string): SortedSetValue {
  const zset = new SortedSetValue();
  client.db.set(key, zset);
  return zset;
}

/** Deletes the key once its sorted set is empty: a key never holds an empty one. */
function dropIfEmpty(client: Client, key: string, zset: SortedSetValue): void {
  if (zset.size === 0) client.db.delete(key);
}

/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ..., and ZINCRBY (INCR with
 * its pair at argv[2]), as Redis's zaddGenericCommand: options, then every
 * score, then the key. Propagated as is when anything was added or updated,
 * with the event `zincr` for INCR (ZINCRBY's too), else `zadd`.
 */
function zaddGeneric(client: Client, argv: string[], incrOnly: boolean): void {
  const w = client.writer;
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrOnly;
  let at = 2;
  for (; !incrOnly && at < argv.length; at++) {
    // No option is longer than four letters; a score usually is.
    if (argv[at].length > 4) break;
    const option = argv[at].toLowerCase();
    if (option === "nx") nx = true;
    else if (option === "xx") xx = true;
    else if (option === "gt") gt = true;
    else if (option === "lt") lt = true;
    else if (option === "ch") ch = true;
    else if (option === "incr") incr = true;
    else break;
  }
  const pairs = (argv.length - at) / 2;
  if (pairs === 0 || !Number.isInteger(pairs)) {
    w.error(SYNTAX_ERROR);
    return;
  }
  if (nx && xx) {
    w.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    w.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && pairs > 1) {
    w.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  const scores: number[] = [];
  for (let i = at; i < argv.length; i += 2) {
    const score = scoreArg(client, argv[i]);
    if (score === FAILED) return;
    scores.push(score);
  }
  const key = argv[1];
  let zset = writeTyped(client, key, SortedSetValue);
  if (zset === FAILED) return;
  let added = 0, updated = 0, processed = 0;
  let result = 0;
  if (zset !== undefined || !xx) {
    zset ??= createZset(client, key);
    const config = client.server.config;
    for (let j = 0; j < pairs; j++) {
      const member = argv[at + 1 + j * 2];
      let score = scores[j];
      const current = zset.score(member);
      if (current === undefined) {
        if (xx) continue;
        zset.insert(member, score, config);
        added++;
      } else {
        if (nx) continue;
        if (incr) {
          score += current;
          if (Number.isNaN(score)) {
            w.error(NAN_SCORE);
            return;
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        if (score !== current) {
          zset.updateScore(member, score);
          updated++;
        }
      }
      processed++;
      result = score;
    }
  }
  if (incr) {
    if (processed > 0) w.double(result);
    else w.null();
  } else {
    w.integer(ch ? added + updated : added);
  }
  if (added + updated === 0) return;
  notifyKeyspaceEvent(client, NOTIFY.ZSET, incr ? "zincr" : "zadd", key);
  client.server.propagate(client.db, argv);
}

function zrem(client: Client, argv: string[]): void {
  const key = argv[1];
  const zset = writeTyped(client, key, SortedSetValue);
  if (zset === FAILED) return;
  let removed = 0;
  if (zset !== undefined) {
    for (let i = 2; i < argv.length && zset.size > 0; i++) {
      if (zset.delete(argv[i])) removed++;
    }
    dropIfEmpty(client, key, zset);
  }
  client.writer.integer(removed);
  if (removed > 0) client.server.propagate(client.db, argv);
}

function zcard(client: Client, argv: string[]): void {
  const zset = readTyped(client, argv[1], SortedSetValue);
  if (zset !== FAILED) client.writer.integer(zset?.size ?? 0);
}

function zscore(client: Client, argv: string[]): void {
  const zset = readTyped(client, argv[1], SortedSetValue);
  if (zset === FAILED) return;
  const score = zset?.score(argv[2]);
  if (score === undefined) client.writer.null();
  else client.writer.double(score);
}

function zmscore(client: Client, argv: string[]): void {
  const zset = readTyped(client, argv[1], SortedSetValue);
  if (zset === FAILED) return;
  const w = client.writer;
  w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]);
    if (score === undefined) w.null();
    else w.double(score);
  }
}

function zrankGeneric(reverse: boolean) {
  return (client: Client, argv: string[]): void => {
    const zset = readTyped(client, argv[1], SortedSetValue);
    if (zset === FAILED) return;
    const rank = zset?.rank(argv[2], reverse) ?? -1;
    if (rank < 0) client.writer.null();
    else client.writer.integer(rank);
  };
}

/** ZCOUNT and ZLEXCOUNT: the range is parsed before the key is looked up. */
function zcountGeneric(lex: boolean) {
  return (client: Client, argv: string[]): void => {
    const range = lex ? parseLexRange(argv[2], argv[3]) : parseScoreRange(argv[2], argv[3]);
    if (range === null) {
      client.writer.error(lex ? NOT_LEX_RANGE : NOT_FLOAT_RANGE);
      return;
    }
    const zset = readTyped(client, argv[1], SortedSetValue);
    if (zset === FAILED) return;
    if (zset === undefined) {
      client.writer.integer(0);
      return;
    }
    const [start, end] = lex ? zset.lexRanks(range as LexRange) : zset.scoreRanks(range as ScoreRange);
    client.writer.integer(end - start);
  };
}

type RangeKind = "rank" | "score" | "lex";

/** A parsed range of any kind: ranks as given, or a score or lex interval. */
type RangeSpec =
  | { kind: "rank"; start: number; end: number }
  | { kind: "score"; range: ScoreRange }
  | { kind: "lex"; range: LexRange };

/**
 * Parses a range's two ends, replying Redis's error (and returning FAILED)
 * when they are not valid for the kind.
 */
function parseRange(client: Client, kind: RangeKind, min: string, max: string): RangeSpec | typeof FAILED {
  if (kind === "rank") {
    const start = integerArg(client, min);
    if (start === FAILED) return FAILED;
    const end = integerArg(client, max);
    if (end === FAILED) return FAILED;
    return { kind, start, end };
  }
  const range = kind === "score" ? parseScoreRange(min, max) : parseLexRange(min, max);
  if (range === null) {
    client.writer.error(kind === "score" ? NOT_FLOAT_RANGE : NOT_LEX_RANGE);
    return FAILED;
  }
  return kind === "score" ? { kind, range: range as ScoreRange } : { kind, range: range as LexRange };
}

/**
 * The 0-based ranks [low, high] (ascending) a range selects, walked from high
 * down when `reverse`; null when it selects nothing. Ranks are Redis's
 * genericZrangebyrankCommand (negatives count from the end; REV counts from
 * the top); score and lex ranges skip `offset` members from where the walk
 * starts (a negative offset skips everything, as Redis's `while (offset--)`)
 * and take at most `limit` (negative: all), as genericZrangebyscoreCommand.
 */
function selectRanks(
  zset: SortedSetValue,
  spec: RangeSpec,
  reverse: boolean,
  offset = 0,
  limit = -1,
): [number, number] | null {
  const size = zset.size;
  if (spec.kind === "rank") {
    let { start, end } = spec;
    if (start < 0) start += size;
    if (end < 0) end += size;
    if (start < 0) start = 0;
    if (start > end || start >= size) return null;
    if (end >= size) end = size - 1;
    return reverse ? [size - 1 - end, size - 1 - start] : [start, end];
  }
  if (offset < 0 || limit === 0) return null;
  const [from, to] = spec.kind === "score" ? zset.scoreRanks(spec.range) : zset.lexRanks(spec.range);
  const count = Math.min(to - from - offset, limit < 0 ? Infinity : limit);
  if (count <= 0) return null;
  return reverse ? [to - offset - count, to - 1 - offset] : [from + offset, from + offset + count - 1];
}

/**
 * The ZRANGE family and ZRANGESTORE, as Redis's zrangeGenericCommand: the
 * source key at argv[keyAt], then min and max, then options. `kind` and
 * `reverse` are fixed by the older commands (ZRANGEBYSCORE, ZREVRANGE ...) and
 * left to BYSCORE / BYLEX / REV for ZRANGE and ZRANGESTORE. Reversed score and
 * lex ranges are given max first.
 */
function zrangeGeneric(keyAt: number, store: boolean, fixedKind?: RangeKind, fixedReverse?: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    let kind = fixedKind;
    let reverse = fixedReverse;
    let withScores = false;
    let offset = 0;
    let limit = -1;
    for (let j = keyAt + 3; j < argv.length; j++) {
      const option = argv[j].toLowerCase();
      if (!store && option === "withscores") {
        withScores = true;
      } else if (option === "limit" && argv.length - j - 1 >= 2) {
        const o = integerArg(client, argv[j + 1]);
        if (o === FAILED) return;
        const l = integerArg(client, argv[j + 2]);
        if (l === FAILED) return;
        [offset, limit] = [o, l];
        j += 2;
      } else if (reverse === undefined && option === "rev") {
        reverse = true;
      } else if (kind === undefined && option === "bylex") {
        kind = "lex";
      } else if (kind === undefined && option === "byscore") {
        kind = "score";
      } else {
        w.error(SYNTAX_ERROR);
        return;
      }
    }
    kind ??= "rank";
    reverse ??= false;
    // Redis tests `limit != -1`, so an explicit LIMIT x -1 passes for ranks.
    if (limit !== -1 && kind === "rank") {
      w.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
      return;
    }
    if (withScores && kind === "lex") {
      w.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
      return;
    }
    const swap = reverse && kind !== "rank";
    const spec = parseRange(client, kind, argv[keyAt + (swap ? 2 : 1)], argv[keyAt + (swap ? 1 : 2)]);
    if (spec === FAILED) return;
    const zset = readTyped(client, argv[keyAt], SortedSetValue);
    if (zset === FAILED) return;
    const ranks = zset === undefined ? null : selectRanks(zset, spec, reverse, offset, limit);
    if (store) {
      const result = new SortedSetValue();
      if (ranks !== null) {
        const config = client.server.config;
        // As Redis's zsetTypeCreate with the result's length as a hint: too long for a listpack,
        // the destination is a skip list from its first member (keeping -0 scores).
        if (ranks[1] - ranks[0] + 1 > config.getNumber("zset-max-listpack-entries")) {
          result.convertToSkiplist();
        }
        const picked: [string, number][] = [];
        zset!.visitRanks(ranks[0], ranks[1], reverse, (member, score) => picked.push([member, score]));
        for (const [member, score] of picked) result.insert(member, score, config);
      }
      storeResult(client, argv, result);
      return;
    }
    if (ranks === null) {
      w.array(0);
      return;
    }
    replyLength(w, ranks[1] - ranks[0] + 1, withScores);
    zset!.visitRanks(
      ranks[0],
      ranks[1],
      reverse,
      (member, score) => replyEntry(w, member, score, withScores),
    );
  };
}

/**
 * What the STORE forms end with: the result replaces the destination (and its
 * TTL), its event being the command's name, or an empty one deletes it, the
 * event `del` (so not the table's); propagated as is when anything changed.
 */
function storeResult(client: Client, argv: string[], result: SortedSetValue): void {
  const db = client.db;
  const destination = argv[1];
  client.writer.integer(result.size);
  if (result.size > 0) {
    db.set(destination, result);
    notifyKeyspaceEvent(client, NOTIFY.ZSET, argv[0].toLowerCase(), destination);
  } else if (db.delete(destination)) {
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", destination);
  } else {
    return;
  }
  client.server.propagate(db, argv);
}

/** ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX: the range first, then the key. */
function zremrangeGeneric(kind: RangeKind) {
  return (client: Client, argv: string[]): void => {
    const spec = parseRange(client, kind, argv[2], argv[3]);
    if (spec === FAILED) return;
    const key = argv[1];
    const zset = writeTyped(client, key, SortedSetValue);
    if (zset === FAILED) return;
    const ranks = zset === undefined ? null : selectRanks(zset, spec, false);
    if (ranks === null) {
      client.writer.integer(0);
      return;
    }
    const removed = zset!.deleteRange(ranks[0], ranks[1]).length;
    dropIfEmpty(client, key, zset!);
    client.writer.integer(removed);
    client.server.propagate(client.db, argv);
  };
}

/**
 * How a pop replies, as Redis's genericZpopCommand: ZPOPMIN/MAX flat (RESP2,
 * or without a count) or as pairs (RESP3 with a count), BZPOPMIN/MAX flat
 * after the key, ZMPOP/BZMPOP as [key, pairs].
 */
type PopShape = "flat" | "pairs" | "keyed" | "keyedPairs";

/**
 * Pops up to `count` members from the lowest (or highest) end of a non-empty
 * sorted set, replies them in `shape`, and deletes the key if it emptied.
 * Returns how many were popped.
 */
function popFrom(
  client: Client,
  key: string,
  zset: SortedSetValue,
  max: boolean,
  count: number,
  shape: PopShape,
): number {
  const w = client.writer;
  const n = Math.min(count, zset.size);
  const popped = max ? zset.deleteRange(zset.size - n, zset.size - 1).reverse() : zset.deleteRange(0, n - 1);
  const pairs = shape === "pairs" || shape === "keyedPairs";
  if (shape === "flat") w.array(n * 2);
  else if (shape === "pairs") w.array(n);
  else if (shape === "keyed") w.array(n * 2 + 1);
  else w.array(2);
  if (shape !== "flat" && shape !== "pairs") w.bulk(key);
  if (shape === "keyedPairs") w.array(n);
  for (const [member, score] of popped) {
    if (pairs) w.array(2);
    w.bulk(member);
    w.double(score);
  }
  dropIfEmpty(client, key, zset);
  return n;
}

/** ZPOPMIN / ZPOPMAX key [count]: propagated as is when anything was popped. */
function zpop(max: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    if (argv.length > 3) {
      w.error(SYNTAX_ERROR);
      return;
    }
    let count = -1;
    if (argv.length === 3) {
      const n = integerAtLeastArg(client, argv[2], 0, POSITIVE);
      if (n === FAILED) return;
      count = n;
    }
    const zset = writeTyped(client, argv[1], SortedSetValue);
    if (zset === FAILED) return;
    if (zset === undefined || count === 0) {
      w.array(0);
      return;
    }
    popFrom(
      client,
      argv[1],
      zset,
      max,
      count === -1 ? 1 : count,
      count !== -1 && w.protocol === 3 ? "pairs" : "flat",
    );
    client.server.propagate(client.db, argv);
  };
}

/**
 * What a ZMPOP, BZMPOP or BZPOPMIN/MAX (served at once or later) sends after
 * its pop: ZPOPMIN/MAX's events, and that non-blocking form propagated.
 */
function propagatePop(client: Client, key: string, max: boolean, count?: number): void {
  notifyKeyspaceWrite(client, NOTIFY.ZSET, max ? "zpopmax" : "zpopmin", key);
  const argv = [max ? "ZPOPMAX" : "ZPOPMIN", key];
  if (count !== undefined) argv.push(String(count));
  client.server.propagate(client.db, argv);
}

/** [B]ZMPOP's arguments after numkeys's position: the keys, MIN|MAX and COUNT. */
interface MpopArgs {
  keys: string[];
  max: boolean;
  count: number;
}

/** Parses `numkeys key ... MIN|MAX [COUNT count]` from argv[at], as Redis's zmpopGenericCommand. */
function parseMpop(client: Client, argv: string[], at: number): MpopArgs | typeof FAILED {
  const w = client.writer;
  const numkeys = integerAtLeastArg(client, argv[at], 1, "ERR numkeys should be greater than 0");
  if (numkeys === FAILED) return FAILED;
  const whereAt = at + numkeys + 1;
  const where = argv[whereAt]?.toLowerCase();
  if (whereAt >= argv.length || (where !== "min" && where !== "max")) {
    w.error(SYNTAX_ERROR);
    return FAILED;
  }
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === "count" && j + 1 < argv.length) {
      const n = integerAtLeastArg(client, argv[++j], 1, "ERR count should be greater than 0");
      if (n === FAILED) return FAILED;
      count = n;
    } else {
      w.error(SYNTAX_ERROR);
      return FAILED;
    }
  }
  return { keys: argv.slice(at + 1, whereAt), max: where === "max", count: count === -1 ? 1 : count };
}

/**
 * The first key holding a sorted set, checking types up to it (Redis's pop
 * loop): undefined when none does, FAILED after WRONGTYPE.
 */
function firstZset(
  client: Client,
  keys: readonly string[],
): [string, SortedSetValue] | undefined | typeof FAILED {
  for (const key of keys) {
    const zset = writeTyped(client, key, SortedSetValue);
    if (zset === FAILED) return FAILED;
    if (zset !== undefined) return [key, zset];
  }
  return undefined;
}

/** ZMPOP numkeys key ... MIN|MAX [COUNT count], propagated as ZPOPMIN/MAX key popped. */
function zmpop(client: Client, argv: string[]): void {
  const args = parseMpop(client, argv, 1);
  if (args === FAILED) return;
  const found = firstZset(client, args.keys);
  if (found === FAILED) return;
  if (found === undefined) {
    client.writer.nullArray();
    return;
  }
  const [key, zset] = found;
  propagatePop(client, key, args.max, popFrom(client, key, zset, args.max, args.count, "keyedPairs"));
}

/**
 * The blocking pops: pop from the first key holding a sorted set, or block
 * until one gets one (or the deadline passes: a null array). A served
 * BZPOPMIN/MAX propagates as ZPOPMIN/MAX key, a BZMPOP as ZPOPMIN/MAX key count.
 */
function blockingPop(
  client: Client,
  keys: string[],
  timeoutText: string,
  max: boolean,
  count: number | undefined,
): void {
  const deadline = parseTimeout(client, timeoutText);
  if (deadline === FAILED) return;
  const shape: PopShape = count === undefined ? "keyed" : "keyedPairs";
  const pop = (client: Client, key: string, zset: SortedSetValue) => {
    const popped = popFrom(client, key, zset, max, count ?? 1, shape);
    propagatePop(client, key, max, count === undefined ? undefined : popped);
  };
  const found = firstZset(client, keys);
  if (found === FAILED) return;
  if (found !== undefined) {
    pop(client, ...found);
    return;
  }
  client.server.blocking.block(client, keys, deadline, (client, key) => {
    const zset = client.db.get(key);
    if (!(zset instanceof SortedSetValue)) return false;
    pop(client, key, zset);
    return true;
  }, (client) => client.writer.nullArray());
}

function bzpop(max: boolean) {
  return (client: Client, argv: string[]): void => {
    blockingPop(client, argv.slice(1, -1), argv[argv.length - 1], max, undefined);
  };
}

/** BZMPOP timeout numkeys key ... MIN|MAX [COUNT count]: the timeout is read after the rest. */
function bzmpop(client: Client, argv: string[]): void {
  const args = parseMpop(client, argv, 2);
  if (args !== FAILED) blockingPop(client, args.keys, argv[1], args.max, args.count);
}

/**
 * ZRANDMEMBER key [count [WITHSCORES]], as Redis's zrandmemberWithCountCommand:
 * a negative count allows repeats and returns exactly -count members (as does
 * a count of 1); a count past the size returns the whole set, highest first
 * (Redis's set iterators walk backwards); else distinct random members, a
 * listpack's in its order.
 */
function zrandmember(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length === 2) {
    const zset = readTyped(client, argv[1], SortedSetValue);
    if (zset !== FAILED) w.bulkOrNull(zset?.random());
    return;
  }
  const args = randomCountArgs(client, argv, "withscores");
  if (args === FAILED) return;
  const { count, withOption: withScores } = args;
  const zset = readTyped(client, argv[1], SortedSetValue);
  if (zset === FAILED) return;
  if (zset === undefined || count === 0) {
    w.array(0);
    return;
  }
  if (count < 0 || count === 1) {
    const n = Math.abs(count);
    replyLength(w, n, withScores);
    for (let i = 0; i < n; i++) {
      const member = zset.random();
      replyEntry(w, member, zset.score(member)!, withScores);
    }
    return;
  }
  if (count >= zset.size) {
    replyLength(w, zset.size, withScores);
    zset.visitRanks(0, zset.size - 1, true, (member, score) => replyEntry(w, member, score, withScores));
    return;
  }
  replyLength(w, count, withScores);
  for (const member of zset.distinctRandom(count)) replyEntry(w, member, zset.score(member)!, withScores);
}

/** An input of ZUNION and friends: a sorted set, a plain set (every score 1) or a missing key. */
interface Source {
  size: number;
  weight: number;
  value: SortedSetValue | SetValue | undefined;
}

function sourceScore(source: Source, member: string): number | undefined {
  const value = source.value;
  if (value instanceof SortedSetValue) return value.score(member);
  return value?.has(member) ? 1 : undefined;
}

function* sourceEntries(source: Source): IterableIterator<[string, number]> {
  const value = source.value;
  if (value instanceof SortedSetValue) yield* value.entries();
  else if (value !== undefined) { for (const member of value.members()) yield [member, 1]; }
}

type Aggregate = "sum" | "min" | "max";

/** Redis's zunionInterAggregate: a sum of opposite infinities is 0, not NaN. */
function aggregate(a: number, b: number, how: Aggregate): number {
  if (how === "min") return b < a ? b : a;
  if (how === "max") return b > a ? b : a;
  const sum = a + b;
  return Number.isNaN(sum) ? 0 : sum;
}

/** A weighted score; 0 × ±inf is NaN, which Redis takes as 0. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

type ZsetOperation = "union" | "inter" | "diff";

/**
 * ZUNION, ZINTER, ZDIFF (numkeys at argv[1]), their STORE forms (destination
 * at argv[1], numkeys at argv[2]) and ZINTERCARD, as Redis's
 * zunionInterDiffGenericCommand: numkeys, every key's type (sets count as
 * sorted sets with score 1), then the options, which depend on the command.
 */
function zsetOperation(op: ZsetOperation, form: "reply" | "store" | "card") {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    const numkeysAt = form === "store" ? 2 : 1;
    const numkeys = integerArg(client, argv[numkeysAt]);
    if (numkeys === FAILED) return;
    if (numkeys < 1) {
      w.error(`ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`);
      return;
    }
    if (numkeys > argv.length - numkeysAt - 1) {
      w.error(SYNTAX_ERROR);
      return;
    }
    const sources: Source[] = [];
    for (let i = 0; i < numkeys; i++) {
      const key = argv[numkeysAt + 1 + i];
      const value = form === "store" ? client.db.get(key) : readValue(client, key);
      if (value !== undefined && !(value instanceof SortedSetValue) && !(value instanceof SetValue)) {
        w.error(WRONGTYPE);
        return;
      }
      sources.push({ size: value?.size ?? 0, weight: 1, value });
    }
    let how: Aggregate = "sum";
    let withScores = false;
    let limit = 0;
    const full = op !== "diff" && form !== "card";
    for (let j = numkeysAt + 1 + numkeys; j < argv.length;) {
      const option = argv[j].toLowerCase();
      const remaining = argv.length - j;
      if (full && remaining >= numkeys + 1 && option === "weights") {
        for (let i = 0; i < numkeys; i++) {
          const weight = scoreArg(client, argv[j + 1 + i], "ERR weight value is not a float");
          if (weight === FAILED) return;
          sources[i].weight = weight;
        }
        j += numkeys + 1;
      } else if (full && remaining >= 2 && option === "aggregate") {
        const value = argv[j + 1].toLowerCase();
        if (value !== "sum" && value !== "min" && value !== "max") {
          w.error(SYNTAX_ERROR);
          return;
        }
        how = value;
        j += 2;
      } else if (form === "reply" && option === "withscores") {
        withScores = true;
        j++;
      } else if (form === "card" && remaining >= 2 && option === "limit") {
        const n = integerAtLeastArg(client, argv[j + 1], 0, "ERR LIMIT can't be negative");
        if (n === FAILED) return;
        limit = n;
        j += 2;
      } else {
        w.error(SYNTAX_ERROR);
        return;
      }
    }
    // Smallest first, as Redis sorts its inputs (a stable sort: glibc's qsort merges).
    if (op !== "diff") sources.sort((a, b) => a.size - b.size);
    if (form === "card") {
      w.integer(intersect(sources, how, limit).length);
      return;
    }
    const entries = op === "inter"
      ? intersect(sources, how, 0)
      : op === "union"
      ? union(sources, how)
      : difference(sources);
    // Built as a skip list, as Redis builds it: a reply shows -0 scores as they are.
    const result = new SortedSetValue();
    result.convertToSkiplist();
    const config = client.server.config;
    for (const [member, score] of entries) result.insert(member, score, config);
    if (form === "store") {
      result.convertToListpackIfNeeded(config);
      storeResult(client, argv, result);
      return;
    }
    replyLength(w, result.size, withScores);
    for (const [member, score] of result.entries()) replyEntry(w, member, score, withScores);
  };
}

/** The members in every source, walking the smallest; at most `limit` when limit > 0. */
function intersect(sources: Source[], how: Aggregate, limit: number): [string, number][] {
  const found: [string, number][] = [];
  const [smallest, ...others] = sources;
  if (smallest.size === 0) return found;
  for (const [member, score] of sourceEntries(smallest)) {
    let total = weighted(score, smallest.weight);
    let inAll = true;
    for (const other of others) {
      const value = sourceScore(other, member);
      if (value === undefined) {
        inAll = false;
        break;
      }
      total = aggregate(total, value * other.weight, how);
    }
    if (!inAll) continue;
    found.push([member, total]);
    if (found.length === limit) break;
  }
  return found;
}

function union(sources: Source[], how: Aggregate): Map<string, number> {
  const totals = new Map<string, number>();
  for (const source of sources) {
    for (const [member, score] of sourceEntries(source)) {
      const value = weighted(score, source.weight);
      const total = totals.get(member);
      totals.set(member, total === undefined ? value : aggregate(total, value, how));
    }
  }
  return totals;
}

/** The first source's members (and scores) that no other source holds. */
function difference(sources: Source[]): [string, number][] {
  const [first, ...others] = sources;
  const found: [string, number][] = [];
  for (const [member, score] of sourceEntries(first)) {
    if (!others.some((other) => sourceScore(other, member) !== undefined)) found.push([member, score]);
  }
  return found;
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count], as Redis's
 * scanGenericCommand: a listpack comes back whole, in order, with cursor 0; a
 * skip list's dict is walked bucket by bucket. Scores print as %.17g.
 */
function zscan(client: Client, argv: string[]): void {
  const w = client.writer;
  const cursor = parseCursor(argv[2]);
  if (cursor === null) {
    w.error("ERR invalid cursor");
    return;
  }
  const zset = readTyped(client, argv[1], SortedSetValue);
  if (zset === FAILED) return;
  if (zset === undefined) {
    replyScan(w, 0, []);
    return;
  }
  const options = parseScanOptions(client, argv, 3, false);
  if (options === FAILED) return;
  const { count, pattern } = options;
  const items: string[] = [];
  let found = 0;
  const collect = (member: string, score: number) => {
    found++;
    if (pattern === undefined || globMatch(pattern, member)) items.push(member, formatDouble(score));
  };
  const next = scanBatch(cursor, count, (c) => zset.scan(c, collect), () => found);
  replyScan(w, next, items);
}

const ZSET = { group: "sorted-set", categories: ["sortedset"] };

export const sortedSetCommands: CommandDefinition[] = [
  {
    ...ZSET,
    name: "zadd",
    memberArg: 3,
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Add one or more members to a sorted set, or update its score if it already exists",
    complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [
      ["2.4.0", "Accepts multiple elements."],
      ["3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."],
      ["6.2.0", "Added the `GT` and `LT` options."],
    ],
    handler: (client, argv) => zaddGeneric(client, argv, false),
  },
  {
    ...ZSET,
    name: "zincrby",
    memberArg: 3,
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Increment the score of a member in a sorted set",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    handler: (client, argv) => zaddGeneric(client, argv, true),
  },
  {
    ...ZSET,
    name: "zcard",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Get the number of members in a sorted set",
    complexity: "O(1)",
    handler: zcard,
  },
  {
    ...ZSET,
    name: "zcount",
    arity: 4,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Count the members in a sorted set with scores within the given values",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    handler: zcountGeneric(false),
  },
  {
    ...ZSET,
    name: "zlexcount",
    arity: 4,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.8.9",
    summary: "Count the number of members in a sorted set between a given lexicographical range",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    handler: zcountGeneric(true),
  },
  {
    ...ZSET,
    name: "zscore",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Get the score associated with the given member in a sorted set",
    complexity: "O(1)",
    handler: zscore,
  },
  {
    ...ZSET,
    name: "zmscore",
    memberArg: 2,
    arity: -3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "6.2.0",
    summary: "Get the score associated with the given members in a sorted set",
    complexity: "O(N) where N is the number of members being requested.",
    handler: zmscore,
  },
  {
    ...ZSET,
    name: "zrank",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Determine the index of a member in a sorted set",
    complexity: "O(log(N))",
    handler: zrankGeneric(false),
  },
  {
    ...ZSET,
    name: "zrevrank",
    memberArg: 2,
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Determine the index of a member in a sorted set, with scores ordered from high to low",
    complexity: "O(log(N))",
    handler: zrankGeneric(true),
  },
  {
    ...ZSET,
    name: "zrange",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Return a range of members in a sorted set",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    handler: zrangeGeneric(1, false),
  },
  {
    ...ZSET,
    name: "zrangestore",
    arity: -5,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    since: "6.2.0",
    summary: "Store a range of members from sorted set into another key",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    handler: zrangeGeneric(2, true),
  },
  {
    ...ZSET,
    name: "zrevrange",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    handler: zrangeGeneric(1, false, "rank", true),
  },
  {
    ...ZSET,
    name: "zrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "1.0.5",
    summary: "Return a range of members in a sorted set, by score",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
    handler: zrangeGeneric(1, false, "score", false),
  },
  {
    ...ZSET,
    name: "zrevrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "2.2.0",
    summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
    handler: zrangeGeneric(1, false, "score", true),
  },
  {
    ...ZSET,
    name: "zrangebylex",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "2.8.9",
    summary: "Return a range of members in a sorted set, by lexicographical range",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    handler: zrangeGeneric(1, false, "lex", false),
  },
  {
    ...ZSET,
    name: "zrevrangebylex",
    arity: -4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    since: "2.8.9",
    summary:
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    handler: zrangeGeneric(1, false, "lex", true),
  },
  {
    ...ZSET,
    name: "zrem",
    memberArg: 2,
    notify: [NOTIFY.ZSET],
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Remove one or more members from a sorted set",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    history: [["2.4.0", "Accepts multiple elements."]],
    handler: zrem,
  },
  {
    ...ZSET,
    name: "zremrangebyrank",
    notify: [NOTIFY.ZSET],
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    since: "2.0.0",
    summary: "Remove all members in a sorted set within the given indexes",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    handler: zremrangeGeneric("rank"),
  },
  {
    ...ZSET,
    name: "zremrangebyscore",
    notify: [NOTIFY.ZSET],
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    since: "1.2.0",
    summary: "Remove all members in a sorted set within the given scores",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    handler: zremrangeGeneric("score"),
  },
  {
    ...ZSET,
    name: "zremrangebylex",
    notify: [NOTIFY.ZSET],
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    since: "2.8.9",
    summary: "Remove all members in a sorted set between the given lexicographical range",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    handler: zremrangeGeneric("lex"),
  },
  {
    ...ZSET,
    name: "zpopmin",
    notify: [NOTIFY.ZSET],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "5.0.0",
    summary: "Remove and return members with the lowest scores in a sorted set",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zpop(false),
  },
  {
    ...ZSET,
    name: "zpopmax",
    notify: [NOTIFY.ZSET],
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "5.0.0",
    summary: "Remove and return members with the highest scores in a sorted set",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zpop(true),
  },
  {
    ...ZSET,
    name: "zmpop",
    arity: -4,
    flags: ["write", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "7.0.0",
    summary: "Remove and return members with scores in a sorted set",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zmpop,
  },
  {
    ...ZSET,
    name: "zrandmember",
    arity: -2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "6.2.0",
    summary: "Get one or multiple random elements from a sorted set",
    complexity: "O(N) where N is the number of elements returned",
    handler: zrandmember,
  },
  {
    ...ZSET,
    name: "zunion",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "6.2.0",
    summary: "Add multiple sorted sets",
    complexity:
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    handler: zsetOperation("union", "reply"),
  },
  {
    ...ZSET,
    name: "zinter",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "6.2.0",
    summary: "Intersect multiple sorted sets",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    handler: zsetOperation("inter", "reply"),
  },
  {
    ...ZSET,
    name: "zdiff",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "6.2.0",
    summary: "Subtract multiple sorted sets",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    handler: zsetOperation("diff", "reply"),
  },
  {
    ...ZSET,
    name: "zunionstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    keys: [1, 1, 1],
    keyFinder: keysAfterNumkeys(2, 1),
    since: "2.0.0",
    summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
    complexity:
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    handler: zsetOperation("union", "store"),
  },
  {
    ...ZSET,
    name: "zinterstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    keys: [1, 1, 1],
    keyFinder: keysAfterNumkeys(2, 1),
    since: "2.0.0",
    summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    handler: zsetOperation("inter", "store"),
  },
  {
    ...ZSET,
    name: "zdiffstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    keys: [1, 1, 1],
    keyFinder: keysAfterNumkeys(2, 1),
    since: "6.2.0",
    summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    handler: zsetOperation("diff", "store"),
  },
  {
    ...ZSET,
    name: "zintercard",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    keyFinder: keysAfterNumkeys(1),
    since: "7.0.0",
    summary: "Intersect multiple sorted sets and return the cardinality of the result",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    handler: zsetOperation("inter", "card"),
  },
  {
    ...ZSET,
    name: "zscan",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "2.8.0",
    summary: "Incrementally iterate sorted sets elements and associated scores",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    handler: zscan,
  },
  {
    ...ZSET,
    name: "bzpopmin",
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    keys: [1, -2, 1],
    since: "5.0.0",
    summary:
      "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: bzpop(false),
  },
  {
    ...ZSET,
    name: "bzpopmax",
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    keys: [1, -2, 1],
    since: "5.0.0",
    summary:
      "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    handler: bzpop(true),
  },
  {
    ...ZSET,
    name: "bzmpop",
    arity: -5,
    flags: ["write", "blocking", "movablekeys"],
    keyFinder: keysAfterNumkeys(2),
    since: "7.0.0",
    summary: "Remove and return members with scores in a sorted set or block until one is available",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: bzmpop,
  },
];
