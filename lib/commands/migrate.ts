/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
 * [AUTH password | AUTH2 username password] [KEYS key ...], as Redis 7.0's
 * migrateCommand: each key goes to the target as a RESTORE of its DUMP
 * payload and remaining TTL (after AUTH, and SELECT when the cached link has
 * another database selected), all in one request; the keys the target
 * acknowledges are deleted here unless COPY, and propagated as one DEL.
 *
 * Redis does the round trip with the whole server stopped, which is what makes
 * the move atomic. Redix cannot stop its event loop on a socket, so the server
 * holds every other client's commands instead (ClientPause.beginExclusive)
 * until the reply is in: nobody can change or read the keys half-moved.
 *
 * @module
 */
import { NOTIFY } from "../config.ts";
import { dumpPayload } from "../persistence/rdb.ts";
import { encodeCommand } from "../persistence/aof_format.ts";
import type { Client } from "../server/client.ts";
import { LinkError, type MigrateLink } from "../server/migrate_links.ts";
import { notifyKeyspaceEvent } from "../server/notifications.ts";
import { binaryToBytes, bytesToBinary } from "../util/latin1.ts";
import { atoi } from "../util/numbers.ts";
import { FAILED, integerArg, readValue } from "./access.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import { KEY_SPECS, keysFromSpecs, migrateGetKeys } from "./key_specs.ts";
import type { CommandDefinition } from "./table.ts";

interface Migration {
  host: string;
  port: number;
  db: number;
  dbText: string;
  timeout: number;
  copy: boolean;
  replace: boolean;
  username: string | undefined;
  password: string | undefined;
  /** The keys found here, in argument order. */
  keys: string[];
}

function migrate(client: Client, argv: string[]): void {
  const w = client.writer;
  let copy = false;
  let replace = false;
  let username: string | undefined;
  let password: string | undefined;
  let keyArgs = [argv[3]];
  for (let j = 6; j < argv.length; j++) {
    const option = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (option === "copy") copy = true;
    else if (option === "replace") replace = true;
    else if (option === "auth" && more >= 1) password = argv[++j];
    else if (option === "auth2" && more >= 2) {
      username = argv[++j];
      password = argv[++j];
    } else if (option === "keys") {
      if (argv[3] !== "") {
        w.error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
        return;
      }
      keyArgs = argv.slice(j + 1);
      break;
    } else {
      w.error(SYNTAX_ERROR);
      return;
    }
  }
  const timeout = integerArg(client, argv[5]);
  if (timeout === FAILED) return;
  const db = integerArg(client, argv[4]);
  if (db === FAILED) return;
  // As Redis: a key that is missing (or expired) is no error, it has nothing to move.
  const keys = keyArgs.filter((key) => readValue(client, key) !== undefined);
  if (keys.length === 0) {
    w.simple("NOKEY");
    return;
  }
  if (!client.canBlock) {
    // EXEC must reply now, and the round trip cannot be made without waiting.
    w.error("ERR MIGRATE is not supported inside MULTI/EXEC by Redix");
    return;
  }
  const migration = {
    host: argv[1],
    // Redis reads the port with atoi.
    port: atoi(argv[2]),
    db,
    dbText: argv[4],
    timeout: timeout <= 0 ? 1000 : timeout,
    copy,
    replace,
    username,
    password,
    keys,
  };
  const server = client.server;
  const command = client.lastCommand!;
  const started = performance.now();
  server.pause.beginExclusive(client);
  server.blocking.block(client, [], 0, () => false, () => {});
  transfer(client, migration).catch((error) => {
    // A bug must not take the server down, nor leave every other client held.
    server.log.warning(`MIGRATE failed: ${error instanceof Error ? error.stack : error}`);
    client.writer.error(`ERR internal error while running 'migrate': ${error}`);
  }).finally(() => {
    server.pause.endExclusive();
    server.blocking.unblock(client);
    server.recordDuration(client, command, argv, (performance.now() - started) * 1000);
  });
}

/**
 * The round trip, with Redis's retry: once more on a new link after an I/O
 * error that is not a timeout, as long as no key's reply was read (a cached
 * link may have been closed by the target meanwhile).
 */
async function transfer(client: Client, migration: Migration): Promise<void> {
  let failure = await transferOnce(client, migration);
  if (failure?.mayRetry) failure = await transferOnce(client, migration);
  if (failure === undefined) return;
  const { step } = failure.error;
  client.writer.error(
    step === "connecting"
      ? "IOERR error or timeout connecting to the client"
      : `IOERR error or timeout ${step} to target instance`,
  );
}

interface Failure {
  error: LinkError;
  mayRetry: boolean;
}

/**
 * One attempt: replies, unless the link fails before any error reply from the
 * target; then the link is closed and the failure returned, the keys already
 * acknowledged being deleted all the same.
 */
async function transferOnce(client: Client, migration: Migration): Promise<Failure | undefined> {
  const { db, timeout, password, username } = migration;
  const links = client.server.migrateLinks;
  const fail = (error: unknown, mayRetry: boolean): Failure => {
    if (!(error instanceof LinkError)) throw error;
    links.close(`${migration.host}:${migration.port}`);
    return { error, mayRetry: mayRetry && !error.timedOut && error.step !== "connecting" };
  };
  let link: MigrateLink;
  let authReply = "";
  let selectReply = "";
  let sent: string[];
  try {
    link = await links.get(migration.host, migration.port, timeout);
    const select = link.lastDb !== db;
    const request = [];
    if (password !== undefined) {
      request.push(encodeCommand(username === undefined ? ["AUTH", password] : ["AUTH", username, password]));
    }
    // The argument as given, which Redis's integer parsing only accepts in canonical form anyway.
    if (select) request.push(encodeCommand(["SELECT", migration.dbText]));
    sent = restoreCommands(client, migration, request);
    await link.write(binaryToBytes(request.join("")), timeout);
    if (password !== undefined) authReply = await link.readLine(timeout);
    if (select) selectReply = await link.readLine(timeout);
  } catch (error) {
    return fail(error, true);
  }
  // As Redis, an AUTH or SELECT refused makes every key's reply an error; otherwise each key the
  // target took is moved, before or after one it refused (BUSYKEY), and the first error is replied.
  const sessionError = authReply.startsWith("-")
    ? authReply
    : selectReply.startsWith("-")
    ? selectReply
    : undefined;
  let targetError = sessionError;
  const moved: string[] = [];
  let failure: Failure | undefined;
  for (let i = 0; i < sent.length; i++) {
    let reply: string;
    try {
      reply = await link.readLine(timeout);
    } catch (error) {
      failure = fail(error, i === 0);
      break;
    }
    if (!reply.startsWith("-")) {
      if (sessionError === undefined) moved.push(sent[i]);
    } else {
      targetError ??= reply;
    }
  }
  // Keys the target took stay taken, even when a later reply fails to come.
  if (!migration.copy) deleteMoved(client, moved);
  if (targetError !== undefined) {
    link.lastDb = -1;
    client.writer.error(`ERR Target instance replied with error: ${targetError.slice(1)}`);
    return undefined;
  }
  if (failure !== undefined) return failure;
  link.lastDb = db;
  client.writer.ok();
  return undefined;
}

/**
 * Appends a RESTORE per key to `request` (with its remaining TTL, REPLACE if
 * asked) and returns the keys sent. The keys cannot have changed since they
 * were looked up, as every other client is held; one whose TTL has passed
 * meanwhile is left out, as Redis does.
 */
function restoreCommands(client: Client, migration: Migration, request: string[]): string[] {
  const source = client.db;
  const config = client.server.config;
  const now = Date.now();
  const sent: string[] = [];
  for (const key of migration.keys) {
    const value = source.peek(key);
    if (value === undefined) continue;
    const at = source.expires.get(key);
    const ttl = at === undefined ? 0 : Math.max(1, at - now);
    const restore = ["RESTORE", key, String(ttl), bytesToBinary(dumpPayload(value, config))];
    if (migration.replace) restore.push("REPLACE");
    request.push(encodeCommand(restore));
    sent.push(key);
  }
  return sent;
}

/** Deletes the keys the target acknowledged, propagated as one DEL, as Redis rewrites MIGRATE. */
function deleteMoved(client: Client, keys: string[]): void {
  if (keys.length === 0) return;
  const db = client.db;
  for (const key of keys) {
    db.delete(key);
    notifyKeyspaceEvent(client, NOTIFY.GENERIC, "del", key);
  }
  client.server.propagate(db, ["DEL", ...keys]);
}

export const migrateCommands: CommandDefinition[] = [
  {
    name: "migrate",
    group: "generic",
    arity: -6,
    flags: ["write", "movablekeys"],
    categories: ["keyspace", "dangerous"],
    keys: [3, 3, 1],
    // As Redis: the key specs, unless they give up (the KEYS form), then migrateGetKeys.
    keyFinder: (argv) =>
      (keysFromSpecs(KEY_SPECS.migrate, argv) ?? migrateGetKeys(argv)).map((key) => key.index),
    tips: ["nondeterministic_output"],
    since: "2.6.0",
    summary: "Atomically transfer a key from a Redis instance to another one.",
    complexity:
      "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
    history: [
      ["3.0.0", "Added the `COPY` and `REPLACE` options."],
      ["3.0.6", "Added the `KEYS` option."],
      ["4.0.7", "Added the `AUTH` option."],
      ["6.0.0", "Added the `AUTH2` option."],
    ],
    handler: migrate,
  },
];
