/**
 * `redix --check-rdb FILE`, as Redis 7.0's redis-check-rdb: parses the whole
 * file with {@link loadRdb} and reports what it meets, each line with the
 * offset reached (`[offset 27] AUX FIELD redis-ver = '7.0.15'`), then either
 * `\o/ RDB looks OK! \o/` (exit 0) or `--- RDB ERROR DETECTED ---` and the
 * error at its offset (exit 1), and the key counts.
 *
 * The structure, the counts and the verdicts are redis-check-rdb's; the error
 * texts are our parser's where it words them differently, and its offsets
 * are where our parser detects the problem (redis-check-rdb reports how far
 * it had read, which is sometimes a few bytes further on).
 *
 * @module
 */
import { Config } from "../config.ts";
import { loadRdb, RdbError } from "./rdb.ts";

/** rdb_type_string in Redis 7.0's redis-check-rdb.c, by RDB type. */
const TYPE_NAMES = [
  "string",
  "list-linked",
  "set-hashtable",
  "zset-v1",
  "hash-hashtable",
  "zset-v2",
  "module-pre-release",
  "module-value",
  "",
  "hash-zipmap",
  "list-ziplist",
  "set-intset",
  "zset-ziplist",
  "hash-ziplist",
  "quicklist",
  "stream",
  "hash-listpack",
  "zset-listpack",
  "quicklist-v2",
  "stream-v2",
];

export interface CheckResult {
  ok: boolean;
  keys: number;
  expires: number;
  alreadyExpired: number;
  /** The report, one line per element, without line ends. */
  lines: string[];
}

/** Redis's wording for the errors it shares with our parser. */
function redisMessage(error: RdbError): string {
  const message = error.message.replace(/ \(at offset \d+\)$/, "");
  if (message === "unexpected end of data") return "Unexpected EOF reading RDB file";
  if (message === "wrong RDB checksum") return "RDB CRC error";
  if (message === "wrong signature trying to load DB from file") {
    return "Wrong signature trying to load DB from file";
  }
  const unknown = /^unknown RDB object type or opcode (\d+)$/.exec(message);
  if (unknown !== null) return `Invalid object type: ${unknown[1]}`;
  return message;
}

/**
 * Checks an RDB image; `name` is the file name as the report shows it. `now`
 * (Unix milliseconds) decides which keys are already expired.
 */
export function checkRdb(bytes: Uint8Array, name: string, now = Date.now()): CheckResult {
  const lines: string[] = [`[offset 0] Checking RDB file ${name}`];
  let keys = 0;
  let expires = 0;
  let alreadyExpired = 0;
  let offset = 0;
  let doing = "start";
  let key: string | undefined;
  // As redis-check-rdb's state: type 0 until the first key is read, -1 between keys.
  let keyType = 0;
  const info = (text: string) => lines.push(`[offset ${offset}] ${text}`);
  let ok = true;
  try {
    loadRdb(bytes, new Config(), (_db, _key, _value, expireAt) => {
      if (expireAt !== undefined) {
        expires++;
        if (expireAt < now) alreadyExpired++;
      }
      key = undefined;
      keyType = -1;
      doing = "read-type";
    }, {
      aux(auxName, value, at) {
        offset = at;
        info(`AUX FIELD ${auxName} = '${value}'`);
        doing = "read-type";
      },
      selectDb(db, at) {
        offset = at;
        info(`Selecting DB ID ${db}`);
        doing = "read-type";
      },
      key(type, name, at) {
        offset = at;
        keys++;
        key = name;
        keyType = type;
        doing = "read-object-value";
      },
      checksum(status, at) {
        offset = at;
        info(
          status === "ok" ? "Checksum OK" : "RDB file was saved with checksum disabled: no check performed.",
        );
      },
    });
    info("\\o/ RDB looks OK! \\o/");
  } catch (error) {
    if (!(error instanceof RdbError)) throw error;
    ok = false;
    const message = redisMessage(error);
    // Where redis-check-rdb is when it notices: past the checksum, the type
    // byte, the signature.
    let at = error.offset;
    if (message === "RDB CRC error") {
      doing = "check-sum";
      at += 8;
    } else if (message.startsWith("Invalid object type")) {
      at += 1;
    } else if (message === "Wrong signature trying to load DB from file") {
      at = 9;
    }
    if (error.offset < 9) doing = "start";
    lines.push("--- RDB ERROR DETECTED ---");
    lines.push(`[offset ${at}] ${message}`);
    lines.push(`[additional info] While doing: ${doing}`);
    if (key !== undefined && doing === "read-object-value") {
      lines.push(`[additional info] Reading key '${key}'`);
    }
    if (keyType !== -1) {
      lines.push(`[additional info] Reading type ${keyType} (${TYPE_NAMES[keyType] ?? "unknown"})`);
    }
  }
  lines.push(
    `[info] ${keys} keys read`,
    `[info] ${expires} expires`,
    `[info] ${alreadyExpired} already expired`,
  );
  return { ok, keys, expires, alreadyExpired, lines };
}

export const CHECK_RDB_USAGE = "Usage: redix --check-rdb <rdb-file-name>";

/**
 * The `--check-rdb` command line (`args` are the words after the flag):
 * prints the report on standard output and returns the exit code.
 */
export function checkRdbMain(args: string[]): number {
  if (args.length !== 1) {
    console.error(CHECK_RDB_USAGE);
    return 1;
  }
  const path = args[0];
  let bytes: Uint8Array;
  try {
    // redis-check-rdb reads a directory as an empty file.
    bytes = Deno.statSync(path).isDirectory ? new Uint8Array(0) : Deno.readFileSync(path);
  } catch (error) {
    console.log(`[offset 0] Checking RDB file ${path}`);
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`Fatal error: can't open the RDB file ${path} for reading: ${reason}`);
    return 1;
  }
  const result = checkRdb(bytes, path);
  console.log(result.lines.join("\n"));
  return result.ok ? 0 : 1;
}
