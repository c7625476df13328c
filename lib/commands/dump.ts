/**
 * DUMP and RESTORE (Redis's cluster.c): a value serialized in the RDB object
 * format with the RDB version and a CRC-64 (lib/persistence/rdb.ts), and back.
 *
 * RESTORE is propagated as Redis 7.0 propagates it: a relative TTL becomes an
 * absolute time with ABSTTL appended, and a RESTORE ... REPLACE whose TTL has
 * already passed, which only deletes the old key, as DEL (UNLINK under
 * lazyfree-lazy-server-del).
 *
 * @module
 */
import { NOTIFY } from "../config.ts";
import { dumpPayload, RdbError, restorePayload } from "../persistence/rdb.ts";
import type { Client } from "../server/client.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";
import { bytesToBinary } from "../util/latin1.ts";
import { parseInteger } from "../util/numbers.ts";
import { readValue } from "./access.ts";
import { NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";
import { Buffer } from "node:buffer";

const BUSYKEY = "BUSYKEY Target key name already exists.";
const BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
const BAD_DATA = "ERR Bad data format";
/** Redis's LRU_CLOCK_MAX. */
const LRU_CLOCK_MAX = 0xffffff;

function dump(client: Client, argv: string[]): void {
  const value = readValue(client, argv[1]);
  if (value === undefined) {
    client.writer.null();
    return;
  }
  client.writer.bulk(bytesToBinary(dumpPayload(value, client.server.config)));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], as restoreCommand. */
function restore(client: Client, argv: string[]): void {
  const w = client.writer;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (option === "replace") {
      replace = true;
    } else if (option === "absttl") {
      absttl = true;
    } else if (option === "idletime" && more >= 1 && freq === -1) {
      const n = parseInteger(argv[++j]);
      if (n === null) return w.error(NOT_INTEGER);
      if (n < 0) return w.error("ERR Invalid IDLETIME value, must be >= 0");
      idle = n;
    } else if (option === "freq" && more >= 1 && idle === -1) {
      const n = parseInteger(argv[++j]);
      if (n === null) return w.error(NOT_INTEGER);
      if (n < 0 || n > 255) return w.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      freq = n;
    } else {
      return w.error(SYNTAX_ERROR);
    }
  }
  const db = client.db;
  const key = argv[1];
  if (!replace && db.has(key)) return w.error(BUSYKEY);
  let ttl = parseInteger(argv[2]);
  if (ttl === null) return w.error(NOT_INTEGER);
  if (ttl < 0) return w.error("ERR Invalid TTL value, must be >= 0");

  const config = client.server.config;
  const payload = new Uint8Array(Buffer.from(argv[3], "latin1"));
  let value;
  try {
    value = restorePayload(payload, config, !client.server.debugFlags.skipChecksumValidation);
  } catch (error) {
    if (error instanceof RdbError) {
      // As Redis's rdbReportError in a RESTORE: logged at verbose level, and only this command fails.
      client.server.log.verbose(`Bad data format in RESTORE payload: ${error.message}`);
      return w.error(BAD_DATA);
    }
    throw error;
  }
  if (value === null) return w.error(BAD_PAYLOAD);

  const deleted = replace && db.delete(key);
  if (ttl !== 0 && !absttl) ttl += Date.now();
  if (ttl !== 0 && ttl <= Date.now()) {
    if (deleted) {
      const lazy = config.get("lazyfree-lazy-server-del") === "yes";
      client.server.propagate(db, [lazy ? "UNLINK" : "DEL", key]);
      notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", key);
    }
    w.ok();
    return;
  }
  db.set(key, value);
  let propagated: string[] = argv;
  if (ttl !== 0) {
    db.setExpiry(key, ttl);
    if (!absttl) propagated = [argv[0], argv[1], String(ttl), ...argv.slice(3), "ABSTTL"];
  }
  setAccessStamp(client, key, freq, idle);
  notifyKeyspaceEvent(client, NOTIFY.GENERIC, "restore", key);
  w.ok();
  client.server.propagate(db, propagated);
}

/** Redis's objectSetLRUOrLFU: FREQ under an LFU policy, IDLETIME under any other. */
function setAccessStamp(client: Client, key: string, freq: number, idle: number): void {
  const clock = client.server.keyspace.clock;
  let stamp: number;
  if (clock.lfu) {
    if (freq < 0) return;
    stamp = (clock.fresh() & ~0xff) | freq;
  } else {
    if (idle < 0) return;
    let at = clock.lru - idle;
    if (at < 0) at += LRU_CLOCK_MAX;
    stamp = ((at % (LRU_CLOCK_MAX + 1)) + LRU_CLOCK_MAX + 1) % (LRU_CLOCK_MAX + 1);
  }
  const data = client.db.data;
  data.setStamp(data.find(key), stamp);
}

const KEYSPACE = { group: "generic", categories: ["keyspace"] };

export const dumpCommands: CommandDefinition[] = [
  {
    ...KEYSPACE,
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    tips: ["nondeterministic_output"],
    since: "2.6.0",
    summary: "Return a serialized version of the value stored at the specified key.",
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    handler: dump,
  },
  {
    ...KEYSPACE,
    categories: ["keyspace", "dangerous"],
    name: "restore",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    since: "2.6.0",
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
    complexity:
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    history: [
      ["3.0.0", "Added the `REPLACE` modifier."],
      ["5.0.0", "Added the `ABSTTL` modifier."],
      ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
    ],
    handler: restore,
  },
];
