/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH, and the queueing of
 * commands between MULTI and EXEC, which the server's executor asks for
 * (see lib/server/transaction.ts for the state and the watched keys).
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { Command, CommandDefinition } from "./table.ts";
import { describeClient } from "./connection.ts";

/** Commands that act on the transaction itself and so run at once inside MULTI, as in Redis. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/**
 * Inside MULTI, queues a command that passed the executor's checks and replies
 * +QUEUED; returns false when the command is to run now instead. A transaction
 * already doomed keeps no more commands, as Redis saves the memory.
 */
export function queueInMulti(client: Client, command: Command, argv: string[]): boolean {
  const state = client.transaction;
  if (state.queued === undefined || NOT_QUEUED.has(command.name)) return false;
  if (!state.aborted && !state.dirty) state.queued.push({ command, argv });
  client.writer.simple("QUEUED");
  return true;
}

/**
 * Refuses a command before it runs (unknown, wrong arity, not allowed here),
 * as Redis's rejectCommand: inside MULTI this dooms the transaction to
 * EXECABORT, and a refused EXEC ends it with the reason.
 */
export function rejectCommand(
  client: Client,
  argv: string[],
  command: Command | undefined,
  error: string,
): void {
  if (command?.name === "exec") {
    discardTransaction(client);
    client.writer.error(`EXECABORT Transaction discarded because of: ${error.replace(/^ERR /, "")}`);
    // Monitors saw MULTI: they see the transaction end too.
    client.server.monitors.feed(client, argv);
  } else {
    if (client.transaction.queued !== undefined) client.transaction.aborted = true;
    client.writer.error(error);
  }
  client.server.commandRejected(command);
}

/** Leaves MULTI and forgets the watched keys (DISCARD, EXEC, RESET). */
export function discardTransaction(client: Client): void {
  const state = client.transaction;
  state.endMulti();
  state.dirty = false;
  client.server.watches.unwatchAll(client);
}

function multi(client: Client): void {
  const state = client.transaction;
  if (state.queued !== undefined) {
    client.writer.error("ERR MULTI calls can not be nested");
    return;
  }
  state.queued = [];
  client.writer.ok();
}

/**
 * Runs the queued commands as one: their replies in one array, their writes
 * propagated as one block, and blocked clients served only after the last
 * (the executor serves them after EXEC as a whole). A null array when a
 * watched key changed, EXECABORT when a command was refused while queueing.
 */
function exec(client: Client): void {
  const server = client.server;
  const state = client.transaction;
  const queued = state.queued;
  if (queued === undefined) {
    client.writer.error("ERR EXEC without MULTI");
    return;
  }
  if (server.watches.expiredSinceWatch(client)) state.dirty = true;
  if (state.aborted || state.dirty) {
    if (state.aborted) client.writer.error("EXECABORT Transaction discarded because of previous errors.");
    else client.writer.nullArray();
    discardTransaction(client);
    return;
  }
  server.watches.unwatchAll(client);
  client.writer.array(queued.length);
  state.executing = true;
  try {
    server.propagateAsOne(() => {
      for (const { command, argv } of queued) {
        if (deniedAtExec(client, command, argv)) continue;
        server.call(client, command, argv);
      }
    });
  } finally {
    state.executing = false;
    discardTransaction(client);
  }
}

/** Why Redis 7.0's EXEC refuses a queued command whose ACL permission went since it was queued. */
const EXEC_DENIAL_REASONS = {
  command: "no permission to execute the command or subcommand",
  key: "no permission to touch the specified keys",
  channel: "no permission to access one of the channels used as arguments",
};

/**
 * As Redis's execCommand, ACLs are checked again for each queued command, in
 * case they changed after it was queued: a refused one gets NOPERM in its
 * place (and an ACL LOG entry in the multi context).
 */
function deniedAtExec(client: Client, command: Command, argv: string[]): boolean {
  const auth = client.server.auth;
  const user = auth.restrictedUser(client);
  if (user === undefined) return false;
  const acl = auth.acl;
  const denied = acl.denial(user, command, argv);
  if (denied === undefined) return false;
  acl.addLog({
    reason: denied.reason,
    context: "multi",
    object: denied.object,
    username: client.user,
    clientInfo: describeClient(client),
  });
  client.writer.error(
    "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " +
      `This command is no longer allowed for the following reason: ${EXEC_DENIAL_REASONS[denied.reason]}`,
  );
  return true;
}

function discard(client: Client): void {
  if (client.transaction.queued === undefined) {
    client.writer.error("ERR DISCARD without MULTI");
    return;
  }
  discardTransaction(client);
  client.writer.ok();
}

function watch(client: Client, argv: string[]): void {
  const state = client.transaction;
  if (state.queued !== undefined) {
    client.writer.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // A dirty transaction fails anyway: no point watching more.
  if (!state.dirty) {
    for (let i = 1; i < argv.length; i++) client.server.watches.watch(client, argv[i]);
  }
  client.writer.ok();
}

function unwatch(client: Client): void {
  client.server.watches.unwatchAll(client);
  client.transaction.dirty = false;
  client.writer.ok();
}

const TRANSACTION = { group: "transactions", categories: ["transaction"] };

export const transactionCommands: CommandDefinition[] = [
  {
    ...TRANSACTION,
    name: "multi",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "1.2.0",
    summary: "Mark the start of a transaction block",
    complexity: "O(1)",
    handler: multi,
  },
  {
    ...TRANSACTION,
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    since: "1.2.0",
    summary: "Execute all commands issued after MULTI",
    complexity: "Depends on commands in the transaction",
    handler: exec,
  },
  {
    ...TRANSACTION,
    name: "discard",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "2.0.0",
    summary: "Discard all commands issued after MULTI",
    complexity: "O(N), when N is the number of queued commands",
    handler: discard,
  },
  {
    ...TRANSACTION,
    name: "watch",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    keys: [1, -1, 1],
    since: "2.2.0",
    summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    complexity: "O(1) for every key.",
    handler: watch,
  },
  {
    ...TRANSACTION,
    name: "unwatch",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "2.2.0",
    summary: "Forget about all watched keys",
    complexity: "O(1)",
    handler: unwatch,
  },
];
