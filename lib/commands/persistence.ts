/**
 * Persistence commands: SAVE, BGSAVE [SCHEDULE] and LASTSAVE, with Redis 7.0's
 * replies (see lib/persistence/save.ts for the saving itself).
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import type { CommandDefinition } from "./table.ts";

function save(client: Client): void {
  const persistence = client.server.persistence;
  if (persistence.bgsaveInProgress) {
    client.writer.error("ERR Background save already in progress");
    return;
  }
  if (persistence.save()) client.writer.ok();
  else client.writer.error("ERR");
}

function bgsave(client: Client, argv: string[]): void {
  if (argv.length > 1 && (argv.length !== 2 || argv[1].toLowerCase() !== "schedule")) {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  const persistence = client.server.persistence;
  const schedule = argv.length === 2;
  if (persistence.bgsaveInProgress) {
    client.writer.error("ERR Background save already in progress");
  } else if (client.server.aof.rewriteInProgress && !schedule) {
    client.writer.error(
      "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
        "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
    );
  } else if (client.transaction.executing || client.server.aof.rewriteInProgress) {
    // As Redis's server.in_exec: the save starts from the cron, after the transaction.
    persistence.scheduled = true;
    client.writer.simple("Background saving scheduled");
  } else {
    // With no other background job (AOF rewrite) to wait for, SCHEDULE starts it now too.
    persistence.bgsave();
    client.writer.simple("Background saving started");
  }
}

/**
 * BGREWRITEAOF: a new base from a snapshot while a new incr file takes the
 * writes (lib/persistence/aof.ts); scheduled while a BGSAVE runs or in EXEC.
 */
function bgrewriteaof(client: Client): void {
  const server = client.server;
  const aof = server.aof;
  if (aof.rewriteInProgress) {
    client.writer.error("ERR Background append only file rewriting already in progress");
  } else if (server.persistence.bgsaveInProgress || client.transaction.executing) {
    aof.scheduled = true;
    client.writer.simple("Background append only file rewriting scheduled");
  } else if (aof.startRewrite()) {
    client.writer.simple("Background append only file rewriting started");
  } else {
    client.writer.error(
      "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    );
  }
}

function lastsave(client: Client): void {
  client.writer.integer(client.server.persistence.lastSave);
}

const SERVER = { group: "server" };

export const persistenceCommands: CommandDefinition[] = [
  {
    ...SERVER,
    name: "save",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: save,
  },
  {
    ...SERVER,
    name: "bgsave",
    arity: -1,
    flags: ["admin", "noscript", "no_async_loading"],
    since: "1.0.0",
    summary: "Asynchronously save the dataset to disk",
    complexity: "O(1)",
    history: [["3.2.2", "Added the `SCHEDULE` option."]],
    handler: bgsave,
  },
  {
    ...SERVER,
    name: "bgrewriteaof",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading"],
    since: "1.0.0",
    summary: "Asynchronously rewrite the append-only file",
    complexity: "O(1)",
    handler: bgrewriteaof,
  },
  {
    ...SERVER,
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    categories: ["admin", "dangerous"],
    since: "1.0.0",
    summary: "Get the UNIX time stamp of the last successful save to disk",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    handler: lastsave,
  },
];
