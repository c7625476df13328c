/**
 * Sorted set commands: replies compared with a real redis-server (skipped
 * where it is not installed), which is exact for everything but the random
 * picks of ZRANDMEMBER and a skip list's ZSCAN order; those are checked by
 * their properties. Also what the writes propagate, the blocking pops across
 * clients, and node-redis / ioredis end to end.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Redis } from "ioredis";
import {
  ALL_BYTES,
  blocked,
  blockedClients,
  HAVE_REDIS,
  RawConnection,
  type Reply,
  sameRepliesAsRedis,
  type Scenario,
  scenarioTests,
  waiter,
  waitFor,
  withServer,
} from "./helpers.ts";

/** score member pairs: s0 m0 s1 m1 ... */
const pairs = (n: number, score = (i: number) => String(i)) =>
  Array.from({ length: n }, (_, i) => [score(i), `m${i}`]).flat();

const SCRIPTS: Record<string, string[][]> = {
  "ZADD options, replies and errors": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["ZADD", "z", "1", "a", "5", "b"],
    ["ZADD", "z", "CH", "1", "a", "6", "b", "7", "new"],
    ["ZADD", "z", "NX", "10", "a", "8", "nx"],
    ["ZSCORE", "z", "a"],
    ["ZADD", "z", "XX", "10", "a", "9", "xxnew"],
    ["ZSCORE", "z", "xxnew"],
    ["ZADD", "z", "XX", "CH", "11", "a", "9", "xxnew"],
    ["ZADD", "z", "GT", "CH", "5", "a", "20", "b", "1", "gtnew"],
    ["ZADD", "z", "LT", "CH", "5", "a", "30", "b"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZADD", "z", "INCR", "2.5", "a"],
    ["ZADD", "z", "incr", "gt", "-1", "a"],
    ["ZADD", "z", "INCR", "LT", "-1", "a"],
    ["ZADD", "z", "NX", "INCR", "1", "a"],
    ["ZADD", "z", "XX", "INCR", "1", "missing"],
    ["ZADD", "nokey", "XX", "1", "a"],
    ["ZADD", "nokey", "XX", "INCR", "1", "a"],
    ["EXISTS", "nokey"],
    ["ZADD", "z", "NX", "XX", "1", "a"],
    ["ZADD", "z", "GT", "LT", "1", "a"],
    ["ZADD", "z", "GT", "NX", "1", "a"],
    ["ZADD", "z", "LT", "NX", "1", "a"],
    ["ZADD", "z", "INCR", "1", "a", "2", "b"],
    ["ZADD", "z", "1"],
    ["ZADD", "z", "1", "a", "2"],
    ["ZADD", "z", "NX"],
    ["ZADD", "z", "NX", "XX"],
    ["ZADD", "z", "x", "a"],
    ["ZADD", "z", "1", "a", "nan", "b"],
    ["ZADD", "z", " 1", "a"],
    ["ZADD", "z", "1 ", "a"],
    ["ZADD", "z", "", "a"],
    ["ZADD", "z", "1e400", "a"],
    ["ZADD", "z", "1e-400", "a"],
    ["ZADD", "z", "1\0", "a"],
    ["ZADD", "z", "NX", "XX", "x", "a"],
    ["ZADD", "z", "INCR", "x", "a", "1", "b"],
    ["ZADD", "z"],
    ["ZADD", "z", "a"],
  ],
  "scores: parsing and %.17g": [
    ["ZADD", "s", "1.1", "a", "0.1", "b", "inf", "c", "-inf", "d", "+inf", "e", "-INFINITY", "f"],
    ["ZADD", "s", "0x10", "g", "1e3", "h", "0x1p-3", "i", ".5", "j", "5.", "k", "+3", "l", "1E2", "m"],
    ["ZADD", "s", "1e-320", "n", "-0", "o", "123456789012345678", "p", "3.0000000000000004", "q"],
    // Zero-padded, as redis-benchmark sends them; and the edges of the short-integer fast path.
    ["ZADD", "s", "000000012345", "r", "-007", "t", "-", "w"],
    ["ZADD", "s", "000000012345", "r", "-007", "t"],
    ["ZADD", "s", "999999999999999", "u", "9999999999999999", "v"],
    ["ZRANGE", "s", "0", "-1", "WITHSCORES"],
    ["ZSCORE", "s", "a"],
    ["ZMSCORE", "s", "a", "c", "d", "missing", "o"],
    ["ZMSCORE", "missing", "a"],
    ["ZSCORE", "missing", "a"],
    ["ZSCORE", "s", "missing"],
    ["ZINCRBY", "s", "1", "c"],
    ["ZINCRBY", "s", "-inf", "c"],
    ["ZINCRBY", "s", "inf", "d"],
    ["ZADD", "s", "INCR", "+inf", "d"],
    ["ZINCRBY", "s", "0.1", "b"],
    ["ZINCRBY", "s", "x", "b"],
    ["ZINCRBY", "s", "nan", "b"],
    ["ZINCRBY", "new", "-0", "m"],
    ["ZSCORE", "new", "m"],
    ["ZINCRBY", "new", "5", "m"],
    ["ZINCRBY", "s", "1"],
  ],
  "ZCARD, ZREM, ZRANK, ZREVRANK; empty keys are deleted": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "3", "d"],
    ["ZCARD", "z"],
    ["ZCARD", "missing"],
    ["ZRANK", "z", "a"],
    ["ZRANK", "z", "d"],
    ["ZREVRANK", "z", "a"],
    ["ZREVRANK", "z", "c"],
    ["ZRANK", "z", "missing"],
    ["ZRANK", "missing", "a"],
    ["ZREVRANK", "missing", "a"],
    ["ZRANK", "z", "a", "WITHSCORE"],
    ["ZREVRANK", "z", "a", "WITHSCORE"],
    ["ZREM", "z", "a", "x", "a"],
    ["ZREM", "missing", "a"],
    ["ZREM", "z", "b", "c", "d", "e"],
    ["EXISTS", "z"],
    ["ZREM", "z"],
    ["ZCARD"],
  ],
  "ZRANGE by rank, REV, WITHSCORES": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZRANGE", "z", "1", "3", "WITHSCORES"],
    ["ZRANGE", "z", "-2", "-1", "withscores"],
    ["ZRANGE", "z", "-100", "100"],
    ["ZRANGE", "z", "3", "1"],
    ["ZRANGE", "z", "5", "10"],
    ["ZRANGE", "z", "0", "0", "REV"],
    ["ZRANGE", "z", "0", "-2", "REV", "WITHSCORES"],
    ["ZREVRANGE", "z", "0", "-1"],
    ["ZREVRANGE", "z", "1", "2", "WITHSCORES"],
    ["ZREVRANGE", "z", "-1", "-1"],
    ["ZRANGE", "missing", "0", "-1"],
    ["ZRANGE", "z", "a", "1"],
    ["ZRANGE", "z", "0", "1.5"],
    ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
    ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"],
    ["ZRANGE", "z", "0", "-1", "LIMIT", "0"],
    ["ZRANGE", "z", "0", "-1", "REV", "REV"],
    ["ZRANGE", "z", "0", "-1", "FOO"],
    ["ZREVRANGE", "z", "0", "-1", "REV"],
    ["ZREVRANGE", "z", "0", "-1", "BYSCORE"],
    ["ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
    ["ZRANGE", "z", "0"],
  ],
  "ZRANGE BYSCORE, ZRANGEBYSCORE, ZREVRANGEBYSCORE: bounds, LIMIT": [
    ["ZADD", "z", "1", "a", "2", "b", "2", "bb", "3", "c", "4", "d", "5", "e", "-inf", "ninf", "inf", "pinf"],
    ["ZRANGE", "z", "2", "4", "BYSCORE"],
    ["ZRANGE", "z", "(2", "4", "BYSCORE", "WITHSCORES"],
    ["ZRANGE", "z", "2", "(4", "BYSCORE"],
    ["ZRANGE", "z", "(2", "(3", "BYSCORE"],
    ["ZRANGE", "z", "(2", "(2", "BYSCORE"],
    ["ZRANGE", "z", "2", "2", "BYSCORE"],
    ["ZRANGE", "z", "-inf", "+inf", "BYSCORE"],
    ["ZRANGE", "z", "(-inf", "(+inf", "BYSCORE"],
    ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"],
    ["ZRANGE", "z", "4", "2", "BYSCORE", "REV"],
    ["ZRANGE", "z", "2", "4", "BYSCORE", "REV"],
    ["ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", "2", "3"],
    ["ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", "2", "-1"],
    ["ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", "-1", "3"],
    ["ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", "0", "0"],
    ["ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", "100", "1"],
    ["ZRANGE", "z", "inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"],
    ["ZRANGE", "z", "5", "0", "BYSCORE", "REV", "LIMIT", "2", "100"],
    ["ZRANGEBYSCORE", "z", "1", "3"],
    ["ZRANGEBYSCORE", "z", "1", "3", "WITHSCORES", "LIMIT", "1", "2"],
    ["ZRANGEBYSCORE", "z", "1", "3", "LIMIT", "1", "2", "WITHSCORES"],
    ["ZREVRANGEBYSCORE", "z", "3", "1"],
    ["ZREVRANGEBYSCORE", "z", "(3", "(1", "WITHSCORES"],
    ["ZREVRANGEBYSCORE", "z", "1", "3"],
    ["ZRANGEBYSCORE", "z", "", "(2"],
    ["ZRANGEBYSCORE", "z", "(", "2"],
    ["ZRANGEBYSCORE", "z", " 2", "3 "],
    ["ZRANGEBYSCORE", "z", "2\0x", "3"],
    ["ZRANGEBYSCORE", "z", "1e400", "inf"],
    ["ZRANGEBYSCORE", "z", "0x1", "0x3"],
    ["ZRANGEBYSCORE", "z", "x", "3"],
    ["ZRANGEBYSCORE", "z", "1", "nan"],
    ["ZRANGEBYSCORE", "z", "[1", "3"],
    ["ZRANGEBYSCORE", "z", "((1", "3"],
    ["ZRANGEBYSCORE", "z", "1", "3", "REV"],
    ["ZRANGEBYSCORE", "z", "1", "3", "BYLEX"],
    ["ZRANGEBYSCORE", "z", "1", "3", "LIMIT", "x", "1"],
    ["ZRANGEBYSCORE", "z", "1", "3", "LIMIT", "1"],
    ["ZRANGEBYSCORE", "missing", "1", "3"],
    ["ZRANGEBYSCORE", "missing", "x", "3"],
    ["ZRANGE", "z", "1", "3", "BYSCORE", "BYLEX"],
    ["ZRANGE", "z", "1", "3", "BYSCORE", "BYSCORE"],
  ],
  "lex ranges: ZRANGE BYLEX, ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT": [
    ["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "", "0", "\xff", "0", "b\0"],
    ["ZRANGE", "z", "-", "+", "BYLEX"],
    ["ZRANGE", "z", "[b", "[d", "BYLEX"],
    ["ZRANGE", "z", "(b", "(d", "BYLEX"],
    ["ZRANGE", "z", "[", "(b", "BYLEX"],
    ["ZRANGE", "z", "(", "+", "BYLEX", "LIMIT", "1", "2"],
    ["ZRANGE", "z", "+", "-", "BYLEX", "REV"],
    ["ZRANGE", "z", "[d", "[b", "BYLEX", "REV", "LIMIT", "1", "5"],
    ["ZRANGE", "z", "+", "-", "BYLEX"],
    ["ZRANGE", "z", "-", "-", "BYLEX"],
    ["ZRANGE", "z", "+", "+", "BYLEX"],
    ["ZRANGE", "z", "[c", "[c", "BYLEX"],
    ["ZRANGE", "z", "(c", "[c", "BYLEX"],
    ["ZRANGEBYLEX", "z", "[a", "(c"],
    ["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "2", "3"],
    ["ZREVRANGEBYLEX", "z", "+", "-"],
    ["ZREVRANGEBYLEX", "z", "(d", "[a", "LIMIT", "0", "2"],
    ["ZRANGEBYLEX", "z", "-\0x", "+\0"],
    ["ZRANGEBYLEX", "z", "a", "+"],
    ["ZRANGEBYLEX", "z", "-a", "+"],
    ["ZRANGEBYLEX", "z", "", "+"],
    ["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"],
    ["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
    ["ZLEXCOUNT", "z", "-", "+"],
    ["ZLEXCOUNT", "z", "[b", "(d"],
    ["ZLEXCOUNT", "z", "(d", "[b"],
    ["ZLEXCOUNT", "z", "b", "d"],
    ["ZLEXCOUNT", "missing", "-", "+"],
    ["ZLEXCOUNT", "missing", "x", "+"],
  ],
  "ZCOUNT": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "inf", "d"],
    ["ZCOUNT", "z", "-inf", "+inf"],
    ["ZCOUNT", "z", "(1", "3"],
    ["ZCOUNT", "z", "(1", "(3"],
    ["ZCOUNT", "z", "3", "1"],
    ["ZCOUNT", "z", "inf", "inf"],
    ["ZCOUNT", "z", "(inf", "inf"],
    ["ZCOUNT", "z", "x", "1"],
    ["ZCOUNT", "missing", "0", "1"],
    ["ZCOUNT", "missing", "x", "1"],
  ],
  "ZRANGESTORE": [
    ["ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d"],
    ["ZRANGESTORE", "dst", "src", "1", "2"],
    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE", "LIMIT", "1", "5"],
    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "dst", "src", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"],
    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "dst", "src", "[b", "+", "BYLEX"],
    ["ZRANGESTORE", "dst", "src", "0", "-1", "REV"],
    ["ZRANGE", "dst", "0", "-1"],
    ["OBJECT", "ENCODING", "dst"],
    ["EXPIRE", "dst", "100"],
    ["ZRANGESTORE", "dst", "src", "0", "0"],
    ["TTL", "dst"],
    ["ZRANGESTORE", "dst", "src", "5", "10"],
    ["EXISTS", "dst"],
    ["ZRANGESTORE", "dst", "missing", "0", "-1"],
    ["SET", "str", "x"],
    ["ZRANGESTORE", "str", "src", "0", "0"],
    ["TYPE", "str"],
    ["ZRANGESTORE", "dst", "str", "0", "0"],
    ["ZRANGESTORE", "src", "src", "1", "2"],
    ["ZRANGE", "src", "0", "-1"],
    ["ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "dst", "src", "0", "-1", "LIMIT", "0", "1"],
    ["ZRANGESTORE", "dst", "src", "0"],
  ],
  "ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
    ["ZREMRANGEBYRANK", "z", "1", "2"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZREMRANGEBYRANK", "z", "-1", "-1"],
    ["ZREMRANGEBYRANK", "z", "5", "10"],
    ["ZREMRANGEBYRANK", "z", "2", "1"],
    ["ZREMRANGEBYRANK", "z", "x", "1"],
    ["ZREMRANGEBYRANK", "missing", "0", "1"],
    ["ZREMRANGEBYRANK", "z", "-100", "100"],
    ["EXISTS", "z"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
    ["ZREMRANGEBYSCORE", "z", "(1", "3"],
    ["ZREMRANGEBYSCORE", "z", "10", "20"],
    ["ZREMRANGEBYSCORE", "z", "x", "20"],
    ["ZREMRANGEBYSCORE", "missing", "x", "20"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
    ["EXISTS", "z"],
    ["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d"],
    ["ZREMRANGEBYLEX", "z", "(a", "[c"],
    ["ZREMRANGEBYLEX", "z", "x", "[c"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZREMRANGEBYLEX", "z", "-", "+"],
    ["EXISTS", "z"],
    ["SET", "str", "x"],
    ["ZREMRANGEBYRANK", "str", "0", "1"],
    ["ZREMRANGEBYSCORE", "str", "x", "1"],
  ],
  "ZPOPMIN, ZPOPMAX, ZMPOP": [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"],
    ["ZPOPMIN", "z"],
    ["ZPOPMAX", "z"],
    ["ZPOPMIN", "z", "2"],
    ["ZPOPMAX", "z", "1"],
    ["ZPOPMIN", "z", "0"],
    ["ZPOPMIN", "z", "-1"],
    ["ZPOPMIN", "z", "x"],
    ["ZPOPMIN", "z", "1", "2"],
    ["ZPOPMIN", "missing"],
    ["ZPOPMIN", "missing", "3"],
    ["ZPOPMAX", "z", "10"],
    ["EXISTS", "z"],
    ["ZADD", "a", "1", "x", "2", "y"],
    ["ZADD", "b", "3", "z"],
    ["ZMPOP", "2", "missing", "a", "MIN"],
    ["ZMPOP", "2", "a", "b", "max", "COUNT", "5"],
    ["ZMPOP", "2", "a", "b", "MAX", "COUNT", "5"],
    ["ZMPOP", "1", "a", "MIN"],
    ["ZMPOP", "0", "a", "MIN"],
    ["ZMPOP", "x", "a", "MIN"],
    ["ZMPOP", "1", "a", "FOO"],
    ["ZMPOP", "5", "a", "MIN"],
    ["ZMPOP", "1", "a", "MIN", "COUNT", "0"],
    ["ZMPOP", "1", "a", "MIN", "COUNT", "x"],
    ["ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1"],
    ["ZMPOP", "1", "a", "MIN", "COUNT"],
    ["ZMPOP", "1", "a", "MIN", "FOO"],
    ["SET", "str", "x"],
    ["ZMPOP", "2", "missing", "str", "MIN"],
    ["ZADD", "c", "1", "m"],
    ["ZMPOP", "2", "c", "str", "MIN"],
    ["ZPOPMIN", "str"],
    ["ZPOPMIN", "str", "0"],
  ],
  "ZUNION, ZINTER, ZDIFF, WEIGHTS, AGGREGATE, plain sets": [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
    ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
    ["SADD", "s", "x", "w", "v"],
    ["ZUNION", "2", "a", "b"],
    ["ZUNION", "2", "a", "b", "WITHSCORES"],
    ["ZUNION", "3", "a", "b", "s", "WITHSCORES"],
    ["ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"],
    ["ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"],
    ["ZUNION", "2", "a", "b", "aggregate", "max", "withscores"],
    ["ZUNION", "2", "a", "b", "AGGREGATE", "FOO"],
    ["ZUNION", "2", "a", "b", "WEIGHTS", "1"],
    ["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"],
    ["ZUNION", "2", "a", "b", "AGGREGATE"],
    ["ZINTER", "2", "a", "b", "WITHSCORES"],
    ["ZINTER", "3", "a", "b", "s"],
    ["ZINTER", "2", "a", "s", "WITHSCORES"],
    ["ZINTER", "2", "a", "missing"],
    ["ZINTER", "2", "a", "a", "WITHSCORES"],
    ["ZINTER", "2", "a", "b", "WEIGHTS", "-1", "2", "AGGREGATE", "MAX", "WITHSCORES"],
    ["ZDIFF", "2", "a", "b"],
    ["ZDIFF", "2", "a", "b", "WITHSCORES"],
    ["ZDIFF", "2", "s", "a", "WITHSCORES"],
    ["ZDIFF", "1", "missing"],
    ["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1"],
    ["ZDIFF", "2", "a", "b", "AGGREGATE", "SUM"],
    ["ZADD", "inf", "inf", "x", "-inf", "y"],
    ["ZADD", "ninf", "-inf", "x", "inf", "y"],
    ["ZUNION", "2", "inf", "ninf", "WITHSCORES"],
    ["ZUNION", "2", "inf", "ninf", "WEIGHTS", "0", "1", "WITHSCORES"],
    ["ZINTER", "2", "inf", "ninf", "WITHSCORES"],
    ["ZUNION", "0", "a"],
    ["ZUNION", "-1", "a"],
    ["ZUNION", "x", "a"],
    ["ZUNION", "3", "a", "b"],
    ["SET", "str", "x"],
    ["ZUNION", "2", "a", "str"],
    ["ZUNION", "2", "missing", "str", "FOO"],
    ["ZINTER", "1", "a", "FOO"],
    ["ZUNION", "1", "a", "WITHSCORES", "WITHSCORES"],
  ],
  "STORE forms and ZINTERCARD": [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
    ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
    ["SADD", "s", "x", "w"],
    ["ZUNIONSTORE", "d", "2", "a", "b"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZDIFFSTORE", "d", "2", "a", "b"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZUNIONSTORE", "d", "2", "a", "s", "AGGREGATE", "MAX"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZINTERSTORE", "d", "2", "a", "missing"],
    ["EXISTS", "d"],
    ["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"],
    ["ZUNIONSTORE", "d", "0", "a"],
    ["ZINTERSTORE", "d", "-1", "a"],
    ["ZDIFFSTORE", "d", "0", "a"],
    ["ZDIFFSTORE", "d", "1", "a", "WEIGHTS", "2"],
    ["SET", "str", "x"],
    ["ZUNIONSTORE", "str", "1", "a"],
    ["TYPE", "str"],
    ["ZINTERSTORE", "d", "2", "a", "str"],
    ["ZUNIONSTORE", "a", "2", "a", "b"],
    ["ZRANGE", "a", "0", "-1", "WITHSCORES"],
    ["ZINTERCARD", "2", "a", "b"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
    ["ZINTERCARD", "2", "a", "s"],
    ["ZINTERCARD", "1", "missing"],
    ["ZINTERCARD", "0", "a"],
    ["ZINTERCARD", "x", "a"],
    ["ZINTERCARD", "3", "a", "b"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT", "x"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT"],
    ["ZINTERCARD", "2", "a", "b", "WITHSCORES"],
    ["ZINTERCARD", "2", "a", "b", "WEIGHTS", "1", "1"],
    ["ZINTERCARD", "2", "a", "str"],
  ],
  "ZRANDMEMBER: deterministic cases and errors": [
    ["ZRANDMEMBER", "missing"],
    ["ZRANDMEMBER", "missing", "3"],
    ["ZRANDMEMBER", "missing", "-3", "WITHSCORES"],
    ["ZADD", "one", "1.5", "x"],
    ["ZRANDMEMBER", "one"],
    ["ZRANDMEMBER", "one", "1"],
    ["ZRANDMEMBER", "one", "-3"],
    ["ZRANDMEMBER", "one", "-2", "WITHSCORES"],
    ["ZRANDMEMBER", "one", "0"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["ZRANDMEMBER", "z", "3"],
    ["ZRANDMEMBER", "z", "100", "WITHSCORES"],
    ["ZRANDMEMBER", "z", "x"],
    ["ZRANDMEMBER", "z", "1", "FOO"],
    ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
    ["ZRANDMEMBER", "z", "-9223372036854775808"],
    ["ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"],
    ["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
    ["ZRANDMEMBER", "missing", "x"],
  ],
  "ZSCAN of a listpack, and arguments": [
    ["ZADD", "z", "1.5", "a", "2", "b", "-inf", "c", "0.1", "d"],
    ["ZSCAN", "z", "0"],
    ["ZSCAN", "z", "0", "MATCH", "[ab]", "COUNT", "1"],
    ["ZSCAN", "z", "0", "COUNT", "0"],
    ["ZSCAN", "z", "0", "TYPE", "zset"],
    ["ZSCAN", "z", "x"],
    ["ZSCAN", "missing", "0", "FOO"],
    ["ZSCAN", "missing", "0"],
  ],
  "WRONGTYPE and key commands": [
    ["SET", "str", "x"],
    ["ZADD", "str", "1", "a"],
    ["ZADD", "str", "x", "a"],
    ["ZINCRBY", "str", "1", "a"],
    ["ZREM", "str", "a"],
    ["ZCARD", "str"],
    ["ZSCORE", "str", "a"],
    ["ZMSCORE", "str", "a"],
    ["ZRANK", "str", "a"],
    ["ZCOUNT", "str", "0", "1"],
    ["ZLEXCOUNT", "str", "-", "+"],
    ["ZRANGE", "str", "0", "1"],
    ["ZRANGEBYLEX", "str", "-", "+"],
    ["ZRANDMEMBER", "str"],
    ["ZRANDMEMBER", "str", "2"],
    ["ZSCAN", "str", "0"],
    ["ZPOPMAX", "str"],
    ["ZADD", "z", "1", "a", "2", "b"],
    ["TYPE", "z"],
    ["GET", "z"],
    ["SADD", "z", "x"],
    ["RENAME", "z", "y"],
    ["COPY", "y", "c"],
    ["ZADD", "c", "3", "c"],
    ["ZRANGE", "y", "0", "-1"],
    ["ZRANGE", "c", "0", "-1"],
    ["OBJECT", "ENCODING", "c"],
    ["SCAN", "0", "TYPE", "zset"],
  ],
  "encodings at the thresholds, and the ziplist alias names": [
    ["CONFIG", "SET", "zset-max-listpack-entries", "3"],
    ["CONFIG", "SET", "zset-max-listpack-value", "4"],
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["OBJECT", "ENCODING", "z"],
    ["ZADD", "z", "4", "d"],
    ["OBJECT", "ENCODING", "z"],
    ["ZREM", "z", "a", "b", "c"],
    ["OBJECT", "ENCODING", "z"],
    ["ZADD", "long", "1", "abcd"],
    ["OBJECT", "ENCODING", "long"],
    ["ZADD", "long", "1", "abcde"],
    ["OBJECT", "ENCODING", "long"],
    ["ZADD", "first", "1", "abcde", "2", "a"],
    ["OBJECT", "ENCODING", "first"],
    ["ZADD", "dup", "1", "a", "1", "a", "1", "a", "1", "a", "1", "a"],
    ["OBJECT", "ENCODING", "dup"],
    ["ZRANGESTORE", "d", "long", "0", "0"],
    ["OBJECT", "ENCODING", "d"],
    ["ZUNIONSTORE", "u", "1", "z"],
    ["OBJECT", "ENCODING", "u"],
    ["ZADD", "big", ...pairs(5)],
    ["ZUNIONSTORE", "u", "1", "big"],
    ["OBJECT", "ENCODING", "u"],
    ["ZINTERSTORE", "u", "2", "big", "big"],
    ["OBJECT", "ENCODING", "u"],
    ["ZDIFFSTORE", "u", "1", "long"],
    ["OBJECT", "ENCODING", "u"],
    ["ZPOPMIN", "big", "4"],
    ["OBJECT", "ENCODING", "big"],
    ["CONFIG", "SET", "zset-max-ziplist-entries", "0"],
    ["CONFIG", "GET", "zset-max-listpack-entries"],
    ["ZADD", "zero", "1", "a"],
    ["OBJECT", "ENCODING", "zero"],
    ["ZRANGESTORE", "d", "zero", "0", "-1"],
    ["OBJECT", "ENCODING", "d"],
    ["CONFIG", "SET", "zset-max-ziplist-entries", "128"],
    ["CONFIG", "SET", "zset-max-ziplist-value", "64"],
    ["CONFIG", "GET", "zset-max-listpack-value"],
    ["ZADD", "z128", ...pairs(128)],
    ["OBJECT", "ENCODING", "z128"],
    ["ZADD", "z128", "1", "another"],
    ["OBJECT", "ENCODING", "z128"],
    ["ZADD", "v64", "1", "x".repeat(64)],
    ["OBJECT", "ENCODING", "v64"],
    ["ZADD", "v64", "1", "y".repeat(65)],
    ["OBJECT", "ENCODING", "v64"],
    ["ZADD", "negzero", "-0", "a"],
    ["ZSCORE", "negzero", "a"],
    ["ZADD", "v64", "-0", "a"],
    ["ZSCORE", "v64", "a"],
  ],
  "binary members": [
    ["ZADD", "b", "1", ALL_BYTES, "1", "", "1", "\0", "2", "\r\n", "0", "\xff"],
    ["ZRANGE", "b", "0", "-1", "WITHSCORES"],
    ["ZADD", "lex", "0", ALL_BYTES, "0", "", "0", "\0", "0", "\r\n", "0", "\xff"],
    ["ZRANGE", "lex", "[\0", "+", "BYLEX"],
    ["ZRANGE", "lex", "-", "(\xff", "BYLEX"],
    ["ZSCORE", "b", ALL_BYTES],
    ["ZRANK", "b", "\0"],
    ["ZREM", "b", ALL_BYTES],
    ["ZSCAN", "b", "0", "MATCH", "\r*"],
  ],
  "a large skip list: ranges, ranks and pops": [
    ["ZADD", "big", ...pairs(300, (i) => String((i * 7919) % 301 / 4))],
    ["OBJECT", "ENCODING", "big"],
    ["ZRANGE", "big", "100", "110", "WITHSCORES"],
    ["ZRANGE", "big", "10", "20", "BYSCORE", "LIMIT", "5", "7"],
    ["ZRANGE", "big", "(60", "50", "BYSCORE", "REV", "WITHSCORES"],
    ["ZCOUNT", "big", "10", "(50"],
    ["ZRANK", "big", "m77"],
    ["ZREVRANK", "big", "m77"],
    ["ZREMRANGEBYSCORE", "big", "20", "30"],
    ["ZREMRANGEBYRANK", "big", "50", "99"],
    ["ZPOPMAX", "big", "3"],
    ["ZPOPMIN", "big", "3"],
    ["ZCARD", "big"],
    ["ZRANGE", "big", "-5", "-1", "WITHSCORES"],
    ["ZRANDMEMBER", "big", "1000"],
  ],
  "-0 scores: kept by a skip list and in replies, read as 0 from a listpack": [
    ["ZADD", "big", ...Array.from({ length: 130 }, (_, i) => [String(i + 1), `m${i}`]).flat()],
    ["ZADD", "big", "-0", "neg"],
    ["ZSCORE", "big", "neg"],
    ["ZRANGESTORE", "d", "big", "0", "-1"],
    ["ZSCORE", "d", "neg"],
    ["ZRANGESTORE", "d2", "big", "0", "5"],
    ["ZSCORE", "d2", "neg"],
    ["OBJECT", "ENCODING", "d2"],
    ["ZUNIONSTORE", "u", "1", "big"],
    ["ZSCORE", "u", "neg"],
    ["ZINTERSTORE", "i", "2", "big", "big", "AGGREGATE", "MIN"],
    ["ZSCORE", "i", "neg"],
    ["ZDIFFSTORE", "df", "1", "big"],
    ["ZSCORE", "df", "neg"],
    ["ZUNIONSTORE", "small", "1", "d2"],
    ["ZSCORE", "small", "neg"],
    ["ZADD", "y", "0", "a"],
    ["ZUNION", "1", "y", "WEIGHTS", "-1", "WITHSCORES"],
    ["ZUNIONSTORE", "s2", "1", "y", "WEIGHTS", "-1"],
    ["ZSCORE", "s2", "a"],
    ["ZADD", "y", "-0", "b"],
    ["ZSCORE", "y", "b"],
  ],
  "RESP3 shapes": [
    ["HELLO", "3"],
    ["ZADD", "z", "1", "a", "2.5", "b", "3", "c"],
    ["ZADD", "z", "INCR", "1", "a"],
    ["ZADD", "z", "NX", "INCR", "1", "a"],
    ["ZINCRBY", "z", "1", "a"],
    ["ZSCORE", "z", "a"],
    ["ZSCORE", "z", "missing"],
    ["ZMSCORE", "z", "a", "missing"],
    ["ZRANK", "z", "missing"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZRANGEBYSCORE", "z", "-inf", "inf", "WITHSCORES"],
    ["ZREVRANGE", "z", "0", "0", "WITHSCORES"],
    ["ZRANGE", "missing", "0", "-1", "WITHSCORES"],
    ["ZUNION", "1", "z", "WITHSCORES"],
    ["ZINTER", "1", "z"],
    ["ZDIFF", "1", "z", "WITHSCORES"],
    ["ZRANDMEMBER", "z", "10", "WITHSCORES"],
    ["ZADD", "one", "1", "x"],
    ["ZRANDMEMBER", "one", "-2", "WITHSCORES"],
    ["ZRANDMEMBER", "missing"],
    ["ZRANDMEMBER", "missing", "1"],
    ["ZSCAN", "z", "0"],
    ["ZPOPMIN", "z"],
    ["ZPOPMIN", "z", "1"],
    ["ZPOPMIN", "missing"],
    ["ZPOPMIN", "missing", "1"],
    ["ZADD", "m", "1", "x", "2", "y"],
    ["ZMPOP", "1", "m", "MAX", "COUNT", "5"],
    ["ZMPOP", "1", "m", "MAX"],
    ["ZADD", "m", "1", "x"],
    ["BZPOPMIN", "m", "0"],
    ["ZADD", "m", "1", "x"],
    ["BZMPOP", "0", "1", "m", "MIN"],
  ],
  "blocking pops that need not block, and their errors": [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"],
    ["BZPOPMIN", "missing", "a", "0"],
    ["BZPOPMAX", "a", "0.5"],
    ["BZMPOP", "1", "2", "missing", "a", "MAX", "COUNT", "5"],
    ["EXISTS", "a"],
    ["SET", "str", "x"],
    ["BZPOPMIN", "missing", "str", "0"],
    ["BZMPOP", "0", "2", "missing", "str", "MIN"],
    ["BZPOPMIN", "a", "-1"],
    ["BZPOPMIN", "a", "x"],
    ["BZPOPMIN", "a", "inf"],
    ["BZMPOP", "x", "1", "a", "MIN"],
    ["BZMPOP", "0", "0", "a", "MIN"],
    ["BZMPOP", "0", "1", "a", "FOO"],
    ["BZMPOP", "x", "1", "a", "MIN", "COUNT", "0"],
    ["BZMPOP", "0", "1", "a", "MIN", "COUNT", "-1"],
    ["MULTI"],
    ["BZPOPMIN", "missing", "0"],
    ["BZMPOP", "0", "1", "missing", "MIN"],
    ["ZADD", "missing", "1", "x"],
    ["BZPOPMAX", "missing", "0"],
    ["EXEC"],
    ["HELLO", "3"],
    ["MULTI"],
    ["BZPOPMIN", "missing", "0"],
    ["BZMPOP", "0", "1", "missing", "MIN"],
    ["EXEC"],
  ],
};

Deno.test({
  name: "sorted set commands reply as Redis does",
  ignore: !HAVE_REDIS,
  fn: sameRepliesAsRedis(SCRIPTS),
});

/**
 * Blocking scenarios, each on a flushed database, returning what the clients
 * saw; the expectations hold on Redix and, where installed, on redis-server.
 */
const BLOCKING: Record<string, Scenario> = {
  "waiters are served in arrival order, each from the key that got members": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BZPOPMIN", "z", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BZPOPMAX", "other", "z", "0"]);
      await blocked(admin, 2);
      const w3 = await waiter(port, ["BZMPOP", "0", "2", "x", "z", "MAX", "COUNT", "5"]);
      await blocked(admin, 3);
      const seen = [await admin.command("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")];
      seen.push(await w1.reply(), await w2.reply(), await w3.reply());
      seen.push(await admin.command("EXISTS", "z"), await blockedClients(admin));
      for (const w of [w1, w2, w3]) w.close();
      return seen;
    },
    expected: [4, ["z", "a", "1"], ["z", "d", "4"], ["z", [["c", "3"], ["b", "2"]]], 0, 0],
  },
  "a waited key that gets another type keeps its waiter waiting": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BZPOPMIN", "k", "0"]);
      await blocked(admin, 1);
      const seen = [await admin.command("SADD", "k", "v"), await blockedClients(admin)];
      seen.push(
        await admin.command("DEL", "k"),
        await admin.command("ZADD", "k", "5", "m"),
        await w1.reply(),
      );
      w1.close();
      return seen;
    },
    expected: [1, 1, 1, 1, ["k", "m", "5"]],
  },
  "a timeout replies a null array, in RESP2 and RESP3": {
    run: async (port, admin) => {
      const seen: Reply[] = [];
      for (const resp3 of [false, true]) {
        for (const argv of [["BZPOPMIN", "k", "0.05"], ["BZMPOP", "0.05", "1", "k", "MIN"]]) {
          const w = await waiter(port, argv, resp3);
          seen.push(await w.reply());
          w.close();
        }
      }
      seen.push(await blockedClients(admin));
      return seen;
    },
    expected: [null, null, null, null, 0],
  },
  "a disconnected waiter is dropped and the next one is served": {
    run: async (port, admin) => {
      const w1 = await waiter(port, ["BZPOPMIN", "k", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "2"], true);
      await blocked(admin, 2);
      w1.close();
      await blocked(admin, 1);
      const seen = [
        await admin.command("ZADD", "k", "1.5", "x"),
        await w2.reply(),
        await admin.command("EXISTS", "k"),
      ];
      w2.close();
      return seen;
    },
    expected: [1, ["k", [["x", { double: "1.5" }]]], 0],
  },
  "ZUNIONSTORE and ZRANGESTORE wake waiters on their destination": {
    run: async (port, admin) => {
      await admin.command("ZADD", "src", "1", "a", "2", "b");
      const w1 = await waiter(port, ["BZPOPMAX", "d1", "0"]);
      await blocked(admin, 1);
      const w2 = await waiter(port, ["BZPOPMIN", "d2", "0"]);
      await blocked(admin, 2);
      const seen = [await admin.command("ZUNIONSTORE", "d1", "1", "src"), await w1.reply()];
      seen.push(await admin.command("ZRANGESTORE", "d2", "src", "0", "0"), await w2.reply());
      seen.push(await admin.command("ZRANGE", "d1", "0", "-1"), await admin.command("EXISTS", "d2"));
      w1.close();
      w2.close();
      return seen;
    },
    expected: [2, ["d1", "b", "2"], 1, ["d2", "a", "1"], ["a"], 0],
  },
};

scenarioTests("blocking sorted set pops with several clients", BLOCKING);

Deno.test("sorted set writes propagate what Redis 7.0 propagates", async () => {
  await withServer(async ({ port, server }) => {
    const effects: string[][] = [];
    server.onPropagate((_db, argv) => effects.push([...argv]));
    const conn = await RawConnection.open(port);
    const expect = async (command: string[], propagated: string[][]) => {
      effects.length = 0;
      await conn.command(...command);
      assert.deepEqual(effects, propagated, command.join(" "));
    };
    const same = (command: string[]) => expect(command, [command]);
    await same(["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7", "g"]);
    await expect(["ZADD", "z", "1", "a"], []);
    await expect(["ZADD", "z", "NX", "INCR", "5", "a"], []);
    await expect(["ZADD", "z", "GT", "CH", "0", "b"], []);
    await same(["ZADD", "z", "INCR", "5", "a"]);
    await same(["ZINCRBY", "z", "1", "b"]);
    await same(["ZADD", "z", "XX", "CH", "9", "b"]);
    await same(["ZPOPMIN", "z"]);
    await same(["ZPOPMIN", "z", "2"]);
    await expect(["ZPOPMAX", "z", "0"], []);
    await expect(["ZPOPMIN", "missing"], []);
    await expect(["ZMPOP", "1", "z", "MIN", "COUNT", "2"], [["ZPOPMIN", "z", "2"]]);
    await expect(["BZPOPMAX", "z", "0"], [["ZPOPMAX", "z"]]);
    await expect(["BZMPOP", "0", "1", "z", "MAX", "COUNT", "10"], [["ZPOPMAX", "z", "1"]]);
    await same(["ZADD", "w", "1", "a", "2", "b", "3", "c"]);
    await same(["ZREM", "w", "a", "x"]);
    await expect(["ZREM", "w", "x"], []);
    await expect(["ZREMRANGEBYSCORE", "w", "10", "11"], []);
    await same(["ZREMRANGEBYSCORE", "w", "0", "2"]);
    await same(["ZRANGESTORE", "d", "w", "0", "-1"]);
    await same(["ZRANGESTORE", "d", "w", "5", "6"]);
    await expect(["ZRANGESTORE", "d", "w", "5", "6"], []);
    await expect(["ZUNIONSTORE", "d2", "1", "none"], []);
    await same(["ZINTERSTORE", "d2", "1", "w"]);
    await expect(["ZRANGE", "w", "0", "-1"], []);

    // A blocked client served later: propagated as the non-blocking pop, after the write that served it.
    const w1 = await waiter(port, ["BZPOPMIN", "q", "0"]);
    await waitFor(() => server.blocking.count === 1, "one blocked client");
    const w2 = await waiter(port, ["BZMPOP", "0", "1", "q", "MAX", "COUNT", "3"]);
    await waitFor(() => server.blocking.count === 2, "two blocked clients");
    await expect(["ZADD", "q", "1", "x", "2", "y"], [["ZADD", "q", "1", "x", "2", "y"], ["ZPOPMIN", "q"], [
      "ZPOPMAX",
      "q",
      "1",
    ]]);
    assert.deepEqual([await w1.reply(), await w2.reply()], [["q", "x", "1"], ["q", [["y", "2"]]]]);
    w1.close();
    w2.close();
    conn.close();
  });
});

Deno.test("ZRANDMEMBER: counts, membership, uniqueness and scores", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    for (const size of [50, 1000]) {
      const key = `z${size}`;
      await conn.command("ZADD", key, ...pairs(size, (i) => String(i / 2)));
      for (const count of [2, 10, Math.floor(size / 3) + 1, size - 1]) {
        const picked = await conn.command("ZRANDMEMBER", key, String(count), "WITHSCORES") as string[];
        assert.equal(picked.length, count * 2);
        const members = picked.filter((_, i) => i % 2 === 0);
        assert.equal(new Set(members).size, count, `distinct for ${count}`);
        for (let i = 0; i < picked.length; i += 2) {
          assert.equal(picked[i + 1], String(Number(picked[i].slice(1)) / 2));
        }
      }
      const repeated = await conn.command("ZRANDMEMBER", key, "-3000") as string[];
      assert.equal(repeated.length, 3000);
      assert.ok(repeated.every((m) => /^m\d+$/.test(m) && Number(m.slice(1)) < size));
      assert.ok(new Set(repeated).size < repeated.length, "a negative count repeats members");
    }
    // A listpack's distinct sample comes in its order.
    const sample = await conn.command("ZRANDMEMBER", "z50", "20") as string[];
    assert.deepEqual(sample, [...sample].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    conn.close();
  });
});

Deno.test("ZSCAN of a skip list returns every member present throughout, with its score", async () => {
  await withServer(async ({ port }) => {
    const conn = await RawConnection.open(port);
    await conn.command("ZADD", "z", ...pairs(2000, (i) => String(i * 1.5)));
    const seen = new Map<string, string>();
    let cursor = "0";
    let step = 0;
    do {
      const [next, page] = await conn.command("ZSCAN", "z", cursor, "COUNT", "50") as [string, string[]];
      for (let i = 0; i < page.length; i += 2) seen.set(page[i], page[i + 1]);
      cursor = next;
      step++;
      if (step % 3 === 0) {
        await conn.command(
          "ZADD",
          "z",
          ...pairs(400, (i) => String(-i)).map((a) => a + "x"),
        );
      }
      if (step % 5 === 0) await conn.command("ZREMRANGEBYSCORE", "z", "-inf", "(0");
    } while (cursor !== "0");
    for (let i = 0; i < 2000; i++) assert.equal(seen.get(`m${i}`), String(i * 1.5), `m${i}`);
    conn.close();
  });
});

Deno.test("sorted sets end to end through node-redis and ioredis", async () => {
  await withServer(async ({ port }) => {
    const client = createClient({ socket: { host: "127.0.0.1", port } });
    await client.connect();
    const io = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    await io.connect();
    try {
      assert.equal(await client.zAdd("z", [{ score: 1, value: "a" }, { score: 2.5, value: "b" }]), 2);
      assert.equal(await client.zIncrBy("z", 1.1, "a"), 2.1);
      assert.deepEqual(await client.zRangeWithScores("z", 0, -1), [
        { value: "a", score: 2.1 },
        { value: "b", score: 2.5 },
      ]);
      assert.deepEqual(await client.zRange("z", "+inf", "-inf", { BY: "SCORE", REV: true }), ["b", "a"]);
      assert.equal(await client.zRank("z", "b"), 1);
      assert.equal(await client.zScore("z", "missing"), null);
      assert.deepEqual(await client.zPopMin("z"), { value: "a", score: 2.1 });
      assert.deepEqual(await client.zmPop("z", "MAX"), { key: "z", members: [{ value: "b", score: 2.5 }] });
      assert.equal(await client.exists("z"), 0);

      assert.equal(await io.zadd("y", 3, "c", 1, "a", 2, "b"), 3);
      assert.deepEqual(await io.zrange("y", "0", "-1", "WITHSCORES"), ["a", "1", "b", "2", "c", "3"]);
      assert.deepEqual(await io.zrangebyscore("y", "(1", "+inf", "LIMIT", 0, 1), ["b"]);
      assert.equal(await io.zcount("y", "-inf", "+inf"), 3);
      assert.equal(await io.zunionstore("u", 2, "y", "y", "WEIGHTS", 1, 2), 3);
      assert.deepEqual(await io.zrange("u", "0", "-1", "WITHSCORES"), ["a", "3", "b", "6", "c", "9"]);
      const waiting = io.duplicate();
      const popped = waiting.bzpopmax("empty", 0);
      await waitFor(
        async () => (await io.info("clients")).includes("blocked_clients:1"),
        "the waiter to block",
      );
      await io.zadd("empty", 7, "x");
      assert.deepEqual(await popped, ["empty", "x", "7"]);
      waiting.disconnect();
    } finally {
      await client.quit();
      io.disconnect();
    }
  });
});
