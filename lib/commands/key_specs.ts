/**
 * Redis 7.0.15's key specifications: for each command of our table that has
 * keys, how its key arguments are found and how it uses each of them (the
 * CMD_KEY_* flags), as COMMAND INFO reports them. ACL key permissions
 * (%R~/%W~), COMMAND GETKEYS/GETKEYSANDFLAGS and COMMAND INFO's key specs all
 * read this table (see CommandTable.keysWithFlags).
 *
 * The entries were generated from a live redis-server 7.0.15's COMMAND INFO;
 * tests/command_test.ts compares every command's COMMAND INFO with it.
 *
 * @module
 */

const RO = 1 << 0;
const RW = 1 << 1;
const OW = 1 << 2;
const RM = 1 << 3;
const ACCESS = 1 << 4;
const UPDATE = 1 << 5;
const INSERT = 1 << 6;
const DELETE = 1 << 7;
const NOT_KEY = 1 << 8;
const INCOMPLETE = 1 << 9;
const VARIABLE_FLAGS = 1 << 10;

/** Redis's CMD_KEY_* key-spec flags, as bits. */
export const KeyFlag = {
  RO,
  RW,
  OW,
  RM,
  ACCESS,
  UPDATE,
  INSERT,
  DELETE,
  NOT_KEY,
  INCOMPLETE,
  VARIABLE_FLAGS,
} as const;

/** The flags' names in the order Redis prints them (addReplyFlagsForKeyArgs). */
export const KEY_FLAG_NAMES: readonly (readonly [flag: number, name: string])[] = [
  [RO, "RO"],
  [RW, "RW"],
  [OW, "OW"],
  [RM, "RM"],
  [ACCESS, "access"],
  [UPDATE, "update"],
  [INSERT, "insert"],
  [DELETE, "delete"],
  [NOT_KEY, "not_key"],
  [INCOMPLETE, "incomplete"],
  [VARIABLE_FLAGS, "variable_flags"],
];

/** find_keys "range": keys from the first up to lastkey (relative to it, or negative from the end). */
export interface RangeKeys {
  readonly lastkey: number;
  readonly keystep: number;
  readonly limit: number;
}

/** find_keys "keynum": a key count at first + keynumidx, the keys from first + firstkey. */
export interface KeynumKeys {
  readonly keynumidx: number;
  readonly firstkey: number;
  readonly keystep: number;
}

/**
 * begin_search "keyword": the search starts after this keyword, looked for from
 * argument `startfrom` on (negative: from the end, backwards).
 */
export interface KeywordSearch {
  readonly keyword: string;
  readonly startfrom: number;
}

/** One key specification (Redis's keySpec). */
export interface KeySpec {
  readonly flags: number;
  readonly notes?: string;
  /**
   * begin_search "index" (the argument where the search starts) or "keyword";
   * null when "unknown".
   */
  readonly index: number | KeywordSearch | null;
  /** null when "unknown". */
  readonly find: RangeKeys | KeynumKeys | null;
}

/** A key argument of a call, by its index in argv, with its key-spec flags (Redis's keyReference). */
export interface KeyReference {
  index: number;
  flags: number;
}

function spec(
  flags: number,
  index: number | KeywordSearch | null,
  find: RangeKeys | KeynumKeys | null,
  notes?: string,
): KeySpec {
  return notes === undefined ? { flags, index, find } : { flags, notes, index, find };
}

function range(lastkey: number, keystep = 1, limit = 0): RangeKeys {
  return { lastkey, keystep, limit };
}

function keynum(keynumidx: number, firstkey: number, keystep: number): KeynumKeys {
  return { keynumidx, firstkey, keystep };
}

/** Redis 7.0.15's key specs by full command name ("object|freq"); commands without keys have none. */
export const KEY_SPECS: Readonly<Record<string, readonly KeySpec[]>> = {
  set: [
    spec(
      RW | ACCESS | UPDATE | VARIABLE_FLAGS,
      1,
      range(0),
      "RW and ACCESS due to the optional `GET` argument",
    ),
  ],
  setnx: [spec(OW | INSERT, 1, range(0))],
  setex: [spec(OW | UPDATE, 1, range(0))],
  psetex: [spec(OW | UPDATE, 1, range(0))],
  get: [spec(RO | ACCESS, 1, range(0))],
  getdel: [spec(RW | ACCESS | DELETE, 1, range(0))],
  getex: [spec(RW | ACCESS | UPDATE, 1, range(0), "RW and UPDATE because it changes the TTL")],
  mget: [spec(RO | ACCESS, 1, range(-1))],
  mset: [spec(OW | UPDATE, 1, range(-1, 2))],
  msetnx: [spec(OW | INSERT, 1, range(-1, 2))],
  getset: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  append: [spec(RW | INSERT, 1, range(0))],
  strlen: [spec(RO, 1, range(0))],
  getrange: [spec(RO | ACCESS, 1, range(0))],
  substr: [spec(RO | ACCESS, 1, range(0))],
  setrange: [spec(RW | UPDATE, 1, range(0))],
  incr: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  decr: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  incrby: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  decrby: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  incrbyfloat: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  lcs: [spec(RO | ACCESS, 1, range(1))],
  lpush: [spec(RW | INSERT, 1, range(0))],
  rpush: [spec(RW | INSERT, 1, range(0))],
  lpushx: [spec(RW | INSERT, 1, range(0))],
  rpushx: [spec(RW | INSERT, 1, range(0))],
  lpop: [spec(RW | ACCESS | DELETE, 1, range(0))],
  rpop: [spec(RW | ACCESS | DELETE, 1, range(0))],
  llen: [spec(RO, 1, range(0))],
  lindex: [spec(RO | ACCESS, 1, range(0))],
  lset: [spec(RW | UPDATE, 1, range(0))],
  lrange: [spec(RO | ACCESS, 1, range(0))],
  ltrim: [spec(RW | DELETE, 1, range(0))],
  linsert: [spec(RW | INSERT, 1, range(0))],
  lrem: [spec(RW | DELETE, 1, range(0))],
  lpos: [spec(RO | ACCESS, 1, range(0))],
  lmove: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(RW | INSERT, 2, range(0))],
  rpoplpush: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(RW | INSERT, 2, range(0))],
  lmpop: [spec(RW | ACCESS | DELETE, 1, keynum(0, 1, 1))],
  blpop: [spec(RW | ACCESS | DELETE, 1, range(-2))],
  brpop: [spec(RW | ACCESS | DELETE, 1, range(-2))],
  blmove: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(RW | INSERT, 2, range(0))],
  brpoplpush: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(RW | INSERT, 2, range(0))],
  blmpop: [spec(RW | ACCESS | DELETE, 2, keynum(0, 1, 1))],
  hset: [spec(RW | UPDATE, 1, range(0))],
  hsetnx: [spec(RW | INSERT, 1, range(0))],
  hmset: [spec(RW | UPDATE, 1, range(0))],
  hget: [spec(RO | ACCESS, 1, range(0))],
  hmget: [spec(RO | ACCESS, 1, range(0))],
  hdel: [spec(RW | DELETE, 1, range(0))],
  hlen: [spec(RO, 1, range(0))],
  hstrlen: [spec(RO, 1, range(0))],
  hexists: [spec(RO, 1, range(0))],
  hkeys: [spec(RO | ACCESS, 1, range(0))],
  hvals: [spec(RO | ACCESS, 1, range(0))],
  hgetall: [spec(RO | ACCESS, 1, range(0))],
  hincrby: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  hincrbyfloat: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  hrandfield: [spec(RO | ACCESS, 1, range(0))],
  hscan: [spec(RO | ACCESS, 1, range(0))],
  sadd: [spec(RW | INSERT, 1, range(0))],
  srem: [spec(RW | DELETE, 1, range(0))],
  sismember: [spec(RO, 1, range(0))],
  smismember: [spec(RO | ACCESS, 1, range(0))],
  smembers: [spec(RO | ACCESS, 1, range(0))],
  scard: [spec(RO, 1, range(0))],
  smove: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(RW | INSERT, 2, range(0))],
  spop: [spec(RW | ACCESS | DELETE, 1, range(0))],
  srandmember: [spec(RO | ACCESS, 1, range(0))],
  sinter: [spec(RO | ACCESS, 1, range(-1))],
  sintercard: [spec(RO | ACCESS, 1, keynum(0, 1, 1))],
  sunion: [spec(RO | ACCESS, 1, range(-1))],
  sdiff: [spec(RO | ACCESS, 1, range(-1))],
  sinterstore: [spec(RW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, range(-1))],
  sunionstore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, range(-1))],
  sdiffstore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, range(-1))],
  sscan: [spec(RO | ACCESS, 1, range(0))],
  zadd: [spec(RW | UPDATE, 1, range(0))],
  zincrby: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  zcard: [spec(RO, 1, range(0))],
  zcount: [spec(RO | ACCESS, 1, range(0))],
  zlexcount: [spec(RO | ACCESS, 1, range(0))],
  zscore: [spec(RO | ACCESS, 1, range(0))],
  zmscore: [spec(RO | ACCESS, 1, range(0))],
  zrank: [spec(RO | ACCESS, 1, range(0))],
  zrevrank: [spec(RO | ACCESS, 1, range(0))],
  zrange: [spec(RO | ACCESS, 1, range(0))],
  zrangestore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, range(0))],
  zrevrange: [spec(RO | ACCESS, 1, range(0))],
  zrangebyscore: [spec(RO | ACCESS, 1, range(0))],
  zrevrangebyscore: [spec(RO | ACCESS, 1, range(0))],
  zrangebylex: [spec(RO | ACCESS, 1, range(0))],
  zrevrangebylex: [spec(RO | ACCESS, 1, range(0))],
  zrem: [spec(RW | DELETE, 1, range(0))],
  zremrangebyrank: [spec(RW | DELETE, 1, range(0))],
  zremrangebyscore: [spec(RW | DELETE, 1, range(0))],
  zremrangebylex: [spec(RW | DELETE, 1, range(0))],
  zpopmin: [spec(RW | ACCESS | DELETE, 1, range(0))],
  zpopmax: [spec(RW | ACCESS | DELETE, 1, range(0))],
  zmpop: [spec(RW | ACCESS | DELETE, 1, keynum(0, 1, 1))],
  zrandmember: [spec(RO | ACCESS, 1, range(0))],
  zunion: [spec(RO | ACCESS, 1, keynum(0, 1, 1))],
  zinter: [spec(RO | ACCESS, 1, keynum(0, 1, 1))],
  zdiff: [spec(RO | ACCESS, 1, keynum(0, 1, 1))],
  zunionstore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, keynum(0, 1, 1))],
  zinterstore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, keynum(0, 1, 1))],
  zdiffstore: [spec(OW | UPDATE, 1, range(0)), spec(RO | ACCESS, 2, keynum(0, 1, 1))],
  zintercard: [spec(RO | ACCESS, 1, keynum(0, 1, 1))],
  zscan: [spec(RO | ACCESS, 1, range(0))],
  bzpopmin: [spec(RW | ACCESS | DELETE, 1, range(-2))],
  bzpopmax: [spec(RW | ACCESS | DELETE, 1, range(-2))],
  bzmpop: [spec(RW | ACCESS | DELETE, 2, keynum(0, 1, 1))],
  setbit: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  getbit: [spec(RO | ACCESS, 1, range(0))],
  bitcount: [spec(RO | ACCESS, 1, range(0))],
  bitpos: [spec(RO | ACCESS, 1, range(0))],
  bitop: [spec(OW | UPDATE, 2, range(0)), spec(RO | ACCESS, 3, range(-1))],
  bitfield: [
    spec(
      RW | ACCESS | UPDATE | VARIABLE_FLAGS,
      1,
      range(0),
      "This command allows both access and modification of the key",
    ),
  ],
  bitfield_ro: [spec(RO | ACCESS, 1, range(0))],
  del: [spec(RM | DELETE, 1, range(-1))],
  unlink: [spec(RM | DELETE, 1, range(-1))],
  exists: [spec(RO, 1, range(-1))],
  type: [spec(RO, 1, range(0))],
  expire: [spec(RW | UPDATE, 1, range(0))],
  pexpire: [spec(RW | UPDATE, 1, range(0))],
  expireat: [spec(RW | UPDATE, 1, range(0))],
  pexpireat: [spec(RW | UPDATE, 1, range(0))],
  ttl: [spec(RO | ACCESS, 1, range(0))],
  pttl: [spec(RO | ACCESS, 1, range(0))],
  expiretime: [spec(RO | ACCESS, 1, range(0))],
  pexpiretime: [spec(RO | ACCESS, 1, range(0))],
  persist: [spec(RW | UPDATE, 1, range(0))],
  rename: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(OW | UPDATE, 2, range(0))],
  renamenx: [spec(RW | ACCESS | DELETE, 1, range(0)), spec(OW | INSERT, 2, range(0))],
  copy: [spec(RO | ACCESS, 1, range(0)), spec(OW | UPDATE, 2, range(0))],
  move: [spec(RW | ACCESS | UPDATE, 1, range(0))],
  touch: [spec(RO, 1, range(-1))],
  "memory|usage": [spec(RO, 2, range(0))],
  "object|encoding": [spec(RO, 2, range(0))],
  "object|freq": [spec(RO, 2, range(0))],
  "object|idletime": [spec(RO, 2, range(0))],
  "object|refcount": [spec(RO, 2, range(0))],
  dump: [spec(RO | ACCESS, 1, range(0))],
  migrate: [
    spec(RW | ACCESS | DELETE, 3, range(0)),
    spec(RW | ACCESS | DELETE | INCOMPLETE, { keyword: "KEYS", startfrom: -2 }, range(-1)),
  ],
  restore: [spec(OW | UPDATE, 1, range(0))],
  ssubscribe: [spec(NOT_KEY, 1, range(-1))],
  sunsubscribe: [spec(NOT_KEY, 1, range(-1))],
  spublish: [spec(NOT_KEY, 1, range(0))],
  sort: [
    spec(RO | ACCESS, 1, range(0)),
    spec(
      RO | ACCESS,
      null,
      null,
      "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
    ),
    spec(
      OW | UPDATE,
      null,
      null,
      "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
    ),
  ],
  sort_ro: [
    spec(RO | ACCESS, 1, range(0)),
    spec(
      RO | ACCESS,
      null,
      null,
      "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
    ),
  ],
  watch: [spec(RO, 1, range(-1))],
};

/**
 * Redis's getkeys procs that give each key its flags, for the commands whose
 * specs cannot (VARIABLE_FLAGS, or an unknown begin_search): they take a full
 * call and return its keys.
 */
export type FlaggedKeyFinder = (argv: readonly string[]) => KeyReference[];

/** Redis's setGetKeys: the key is read too when a GET argument follows the value. */
function setGetKeys(argv: readonly string[]): KeyReference[] {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i].length === 3 && argv[i].toLowerCase() === "get") {
      return [{ index: 1, flags: RW | ACCESS | UPDATE }];
    }
  }
  return [{ index: 1, flags: OW | UPDATE }];
}

/** Redis's bitfieldGetKeys: read-only when only GET and OVERFLOW (well formed) come before any SET/INCRBY. */
function bitfieldGetKeys(argv: readonly string[]): KeyReference[] {
  let readonly = true;
  for (let i = 2; i < argv.length; i++) {
    const remaining = argv.length - i - 1;
    const arg = argv[i].toLowerCase();
    if (arg === "get" && remaining >= 2) i += 2;
    else if (arg === "overflow" && remaining >= 1) i += 1;
    else {
      // SET or INCRBY with their arguments, or a syntax error: taken as a write.
      readonly = false;
      break;
    }
  }
  return [{ index: 1, flags: readonly ? RO | ACCESS : RW | ACCESS | UPDATE }];
}

/**
 * Redis's sortGetKeys: the sorted key, then the last STORE's destination.
 * Options are taken to have no arguments except LIMIT (2), GET and BY (1).
 */
export function sortGetKeys(argv: readonly string[]): KeyReference[] {
  const keys = [{ index: 1, flags: RO | ACCESS }];
  let store: number | undefined;
  for (let i = 2; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === "limit") i += 2;
    else if (option === "get" || option === "by") i += 1;
    else if (option === "store" && i + 1 < argv.length) store = i + 1;
  }
  if (store !== undefined) keys.push({ index: store, flags: OW | UPDATE });
  return keys;
}

/** Redis's sortROGetKeys: only the sorted key. */
function sortROGetKeys(): KeyReference[] {
  return [{ index: 1, flags: RO | ACCESS }];
}

/**
 * Redis's migrateGetKeys: the key argument, or with KEYS (looked for past
 * AUTH's and AUTH2's values) every argument after it, which Redis only
 * allows when the key argument is empty: none otherwise.
 */
export function migrateGetKeys(argv: readonly string[]): KeyReference[] {
  let first = 3;
  let count = 1;
  for (let i = 6; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === "keys") {
      if (argv[3] !== "") return [];
      first = i + 1;
      count = argv.length - first;
      break;
    }
    if (option === "auth") i += 1;
    else if (option === "auth2") i += 2;
  }
  return Array.from({ length: count }, (_, i) => ({ index: first + i, flags: RW | ACCESS | DELETE }));
}

/** The flagged getkeys procs by command name. */
export const FLAGGED_KEY_FINDERS: Readonly<Record<string, FlaggedKeyFinder>> = {
  migrate: migrateGetKeys,
  set: setGetKeys,
  bitfield: bitfieldGetKeys,
  sort: sortGetKeys,
  sort_ro: sortROGetKeys,
};

/** Redis's string2ll then `(int)` cast: a key count as Redis reads it; null when malformed or negative. */
function keyCount(text: string | undefined): number | null {
  if (text === undefined || !/^(0|[1-9][0-9]{0,18})$/.test(text)) return null;
  const count = BigInt(text);
  if (count > 0x7fffffffffffffffn) return null;
  return Number(BigInt.asIntN(32, count));
}

/** Where a keyword begin_search starts: after the keyword's argument; 0 when it is not there. */
function keywordSearch(search: KeywordSearch, argv: readonly string[]): number {
  const argc = argv.length;
  const start = search.startfrom > 0 ? search.startfrom : argc + search.startfrom;
  const end = search.startfrom > 0 ? argc - 1 : 0;
  const step = start <= end ? 1 : -1;
  for (let i = start; i !== end; i += step) {
    if (i >= argc || i < 1) break;
    if (argv[i].toLowerCase() === search.keyword.toLowerCase()) return i + 1;
  }
  return 0;
}

/**
 * Redis's getKeysUsingKeySpecs: the keys a call's arguments hold by the specs,
 * each with its spec's flags, skipping NOT_KEY specs; null when a spec cannot
 * be followed (an unknown search, a malformed key count, keys out of bounds)
 * or is INCOMPLETE.
 */
export function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): KeyReference[] | null {
  const keys: KeyReference[] = [];
  const argc = argv.length;
  for (const spec of specs) {
    if ((spec.flags & NOT_KEY) !== 0) continue;
    const find = spec.find;
    if (spec.index === null || find === null) return null;
    let first: number;
    if (typeof spec.index === "number") first = spec.index;
    else {
      first = keywordSearch(spec.index, argv);
      // Redis skips a spec whose keyword is not there.
      if (first === 0) continue;
    }
    let last: number;
    if ("lastkey" in find) {
      if (find.lastkey >= 0) last = first + find.lastkey;
      else if (find.limit === 0) last = argc + find.lastkey;
      else last = first + Math.trunc((argc - first) / find.limit) + find.lastkey;
    } else {
      const count = keyCount(argv[first + find.keynumidx]);
      if (count === null) return null;
      first += find.firstkey;
      last = first + count - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += find.keystep) keys.push({ index: i, flags: spec.flags });
    if ((spec.flags & INCOMPLETE) !== 0) return null;
  }
  return keys;
}
