/**
 * ACL: SETUSER, GETUSER, DELUSER, USERS, LIST, WHOAMI, CAT, GENPASS, LOG,
 * DRYRUN and HELP as Redis 7.0.15, over the users of lib/server/acl.ts.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import { type Acl, AclRuleError, generatePassword, UnmatchedSelector, type User } from "../server/acl.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { ACL_CATEGORIES, type CommandDefinition, type CommandFlag } from "./table.ts";
import { helpReply } from "./connection.ts";
import { subcommandSyntaxError } from "./errors.ts";

function setUser(client: Client, argv: string[]): void {
  const name = argv[2];
  if (/[ \0]/.test(name)) {
    client.writer.error("ERR Usernames can't contain spaces or null characters");
    return;
  }
  try {
    client.server.auth.acl.setUser(name, argv.slice(3));
  } catch (error) {
    if (!(error instanceof AclRuleError) && !(error instanceof UnmatchedSelector)) throw error;
    client.writer.error(`ERR ${error.message}`);
    return;
  }
  killRevokedSubscribers(client, name);
  client.writer.ok();
}

/**
 * As Redis's ACLKillPubsubClientsIfNeeded: after a user's rules change, its
 * connections subscribed to a channel, pattern or shard channel the user may
 * no longer use are closed (this one after its reply).
 */
function killRevokedSubscribers(client: Client, name: string): void {
  const server = client.server;
  const acl = server.auth.acl;
  const user = acl.users.get(name)!;
  if (user.allChannels) return;
  const pubsub = server.pubsub;
  for (const other of [...server.clients.values()]) {
    if (other.user !== name || !pubsub.isSubscribed(other)) continue;
    const revoked = [...pubsub.subscriptionsOf(other, "pattern")].some((p) =>
      !acl.channelAllowed(user, p, true)
    ) ||
      [...pubsub.subscriptionsOf(other, "channel")].some((c) => !acl.channelAllowed(user, c, false)) ||
      [...pubsub.subscriptionsOf(other, "shard")].some((c) => !acl.channelAllowed(user, c, false));
    if (!revoked) continue;
    if (other === client) {
      client.closeAfterReply = true;
    } else {
      other.close();
      server.unregister(other);
    }
  }
}

function getUser(client: Client, argv: string[]): void {
  const acl = client.server.auth.acl;
  const user = acl.users.get(argv[2]);
  const w = client.writer;
  if (user === undefined) {
    w.null();
    return;
  }
  w.map(6);
  w.bulk("flags");
  const flags = acl.flags(user);
  w.set(flags.length);
  for (const flag of flags) w.bulk(flag);
  w.bulk("passwords");
  w.bulkArray(user.passwords);
  writeSelectorRules(w, acl, user);
  w.bulk("selectors");
  w.array(user.selectors.length);
  for (const selector of user.selectors) {
    w.map(3);
    writeSelectorRules(w, acl, selector);
  }
}

/** The commands, keys and channels fields of ACL GETUSER, for the root selector or another. */
function writeSelectorRules(w: ReplyWriter, acl: Acl, selector: User): void {
  w.bulk("commands");
  w.bulk(acl.describeCommands(selector));
  w.bulk("keys");
  w.bulk(acl.describeKeys(selector));
  w.bulk("channels");
  w.bulk(acl.describeChannels(selector));
}

function delUser(client: Client, argv: string[]): void {
  const server = client.server;
  const users = server.auth.acl.users;
  const names = argv.slice(2);
  if (names.includes("default")) {
    client.writer.error("ERR The 'default' user cannot be removed");
    return;
  }
  let deleted = 0;
  for (const name of names) {
    if (!users.delete(name)) continue;
    deleted++;
    // As Redis's ACLFreeUserAndKillClients: the user's connections go (this one after its reply).
    for (const other of [...server.clients.values()]) {
      if (other.user !== name) continue;
      if (other === client) {
        client.closeAfterReply = true;
      } else {
        other.close();
        server.unregister(other);
      }
    }
  }
  client.writer.integer(deleted);
}

function users(client: Client): void {
  client.writer.bulkArray(client.server.auth.acl.names());
}

function list(client: Client): void {
  const acl = client.server.auth.acl;
  client.writer.bulkArray(acl.names().map((name) => acl.describe(acl.users.get(name)!)));
}

function whoami(client: Client): void {
  client.writer.bulk(client.user);
}

function cat(client: Client, argv: string[]): void {
  const w = client.writer;
  if (argv.length === 2) {
    w.bulkArray(ACL_CATEGORIES);
    return;
  }
  if (argv.length > 3) {
    w.error(subcommandSyntaxError(argv));
    return;
  }
  const category = argv[2].toLowerCase();
  if (!ACL_CATEGORIES.includes(category)) {
    w.error(`ERR Unknown category '${argv[2]}'`);
    return;
  }
  const names: string[] = [];
  for (const command of client.server.table.all()) {
    if (command.categories.includes(category)) names.push(command.name);
  }
  w.bulkArray(names);
}

function genpass(client: Client, argv: string[]): void {
  let bits = 256;
  if (argv.length > 2) {
    const text = argv[2];
    if (!/^-?(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) {
      client.writer.error("ERR value is not an integer or out of range");
      return;
    }
    bits = Number(text);
    if (bits <= 0 || bits > 4096) {
      client.writer.error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
      );
      return;
    }
  }
  client.writer.bulk(generatePassword(bits));
}

/** ACL LOG [count | RESET]: the newest `count` (default 10) entries, as Redis 7.0's seven-field maps. */
function log(client: Client, argv: string[]): void {
  const w = client.writer;
  const entries = client.server.auth.acl.log;
  if (argv.length > 3) {
    w.error(subcommandSyntaxError(argv));
    return;
  }
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === "reset") {
      entries.length = 0;
      w.ok();
      return;
    }
    if (!/^-?(0|[1-9][0-9]*)$/.test(argv[2]) || !Number.isSafeInteger(Number(argv[2]))) {
      w.error("ERR value is not an integer or out of range");
      return;
    }
    count = Math.max(0, Number(argv[2]));
  }
  count = Math.min(count, entries.length);
  const now = Date.now();
  w.array(count);
  for (const entry of entries.slice(0, count)) {
    w.map(7);
    w.bulk("count");
    w.integer(entry.count);
    w.bulk("reason");
    w.bulk(entry.reason);
    w.bulk("context");
    w.bulk(entry.context);
    w.bulk("object");
    w.bulk(entry.object);
    w.bulk("username");
    w.bulk(entry.username);
    w.bulk("age-seconds");
    w.double((now - entry.time) / 1000);
    w.bulk("client-info");
    w.bulk(entry.clientInfo);
  }
}

/** ACL DRYRUN username command [arg ...]: OK, or why the user may not run it. */
function dryrun(client: Client, argv: string[]): void {
  const w = client.writer;
  const server = client.server;
  const user = server.auth.acl.users.get(argv[2]);
  if (user === undefined) {
    w.error(`ERR User '${argv[2]}' not found`);
    return;
  }
  const call = argv.slice(3);
  const command = server.table.lookupFull(call);
  if (command === undefined || (command.subcommands !== undefined && call.length >= 2)) {
    w.error(`ERR Command '${call[0]}' not found`);
    return;
  }
  if ((command.arity > 0 && call.length !== command.arity) || call.length < -command.arity) {
    w.error(`ERR wrong number of arguments for '${command.name}' command`);
    return;
  }
  const denied = server.auth.acl.denial(user, command, call);
  if (denied === undefined) w.ok();
  else if (denied.reason === "command") {
    w.bulk(`This user has no permissions to run the '${command.name}' command`);
  } else w.bulk(`This user has no permissions to access the '${denied.object}' ${denied.reason}`);
}

const NO_ACL_FILE =
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users " +
  "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) " +
  "in order to store users in the Redis configuration.";

function load(client: Client): void {
  const server = client.server;
  const path = server.config.getString("aclfile");
  if (path === "") {
    client.writer.error(NO_ACL_FILE);
    return;
  }
  const errors = server.auth.acl.loadFile(path);
  if (errors !== undefined) {
    client.writer.error(`ERR ${errors}`);
    return;
  }
  // As Redis, which frees every user but the default one: their connections go.
  for (const other of [...server.clients.values()]) {
    if (other.user === "default") continue;
    if (other === client) {
      client.closeAfterReply = true;
    } else {
      other.close();
      server.unregister(other);
    }
  }
  client.writer.ok();
}

function save(client: Client): void {
  const server = client.server;
  const path = server.config.getString("aclfile");
  if (path === "") {
    client.writer.error(NO_ACL_FILE);
    return;
  }
  if (server.auth.acl.saveFile(path)) client.writer.ok();
  else {
    client.writer.error(
      "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
    );
  }
}

function aclHelp(client: Client): void {
  helpReply(client.writer, "ACL", [
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
  ]);
}

const ADMIN: CommandFlag[] = ["admin", "noscript", "loading", "stale"];
const PLAIN: CommandFlag[] = ["noscript", "loading", "stale"];
const SERVER = { group: "server" };

export const aclCommands: CommandDefinition[] = [
  {
    ...SERVER,
    name: "acl",
    arity: -2,
    since: "6.0.0",
    summary: "A container for Access List Control commands ",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...SERVER,
        name: "cat",
        arity: -2,
        flags: PLAIN,
        since: "6.0.0",
        summary: "List the ACL categories or the commands inside a category",
        complexity: "O(1) since the categories and commands are a fixed set.",
        handler: cat,
      },
      {
        ...SERVER,
        name: "deluser",
        arity: -3,
        flags: ADMIN,
        since: "6.0.0",
        summary: "Remove the specified ACL users and the associated rules",
        complexity: "O(1) amortized time considering the typical user.",
        handler: delUser,
      },
      {
        ...SERVER,
        name: "dryrun",
        arity: -4,
        flags: ADMIN,
        since: "7.0.0",
        summary: "Returns whether the user can execute the given command without executing the command.",
        complexity: "O(1).",
        handler: dryrun,
      },
      {
        ...SERVER,
        name: "genpass",
        arity: -2,
        flags: PLAIN,
        since: "6.0.0",
        summary: "Generate a pseudorandom secure password to use for ACL users",
        complexity: "O(1)",
        handler: genpass,
      },
      {
        ...SERVER,
        name: "getuser",
        arity: 3,
        flags: ADMIN,
        since: "6.0.0",
        summary: "Get the rules for a specific ACL user",
        complexity: "O(N). Where N is the number of password, command and pattern rules that the user has.",
        history: [
          ["6.2.0", "Added Pub/Sub channel patterns."],
          [
            "7.0.0",
            "Added selectors and changed the format of key and channel patterns from a list to their rule representation.",
          ],
        ],
        handler: getUser,
      },
      {
        ...SERVER,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "6.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: aclHelp,
      },
      {
        ...SERVER,
        name: "list",
        arity: 2,
        flags: ADMIN,
        since: "6.0.0",
        summary: "List the current ACL rules in ACL config file format",
        complexity: "O(N). Where N is the number of configured users.",
        handler: list,
      },
      {
        ...SERVER,
        name: "load",
        arity: 2,
        flags: ADMIN,
        since: "6.0.0",
        summary: "Reload the ACLs from the configured ACL file",
        complexity: "O(N). Where N is the number of configured users.",
        handler: load,
      },
      {
        ...SERVER,
        name: "log",
        arity: -2,
        flags: ADMIN,
        since: "6.0.0",
        summary: "List latest events denied because of ACLs in place",
        complexity: "O(N) with N being the number of entries shown.",
        handler: log,
      },
      {
        ...SERVER,
        name: "save",
        arity: 2,
        flags: ADMIN,
        since: "6.0.0",
        summary: "Save the current ACL rules in the configured ACL file",
        complexity: "O(N). Where N is the number of configured users.",
        handler: save,
      },
      {
        ...SERVER,
        name: "setuser",
        arity: -3,
        flags: ADMIN,
        since: "6.0.0",
        summary: "Modify or create the rules for a specific ACL user",
        complexity: "O(N). Where N is the number of rules provided.",
        history: [
          ["6.2.0", "Added Pub/Sub channel patterns."],
          ["7.0.0", "Added selectors and key based permissions."],
        ],
        handler: setUser,
      },
      {
        ...SERVER,
        name: "users",
        arity: 2,
        flags: ADMIN,
        since: "6.0.0",
        summary: "List the username of all the configured ACL rules",
        complexity: "O(N). Where N is the number of configured users.",
        handler: users,
      },
      {
        ...SERVER,
        name: "whoami",
        arity: 2,
        flags: PLAIN,
        since: "6.0.0",
        summary: "Return the name of the user associated to the current connection",
        complexity: "O(1)",
        handler: whoami,
      },
    ],
  },
];
