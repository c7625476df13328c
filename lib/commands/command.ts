/**
 * COMMAND and its subcommands: everything here is read from the command table.
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { globMatch } from "../util/glob.ts";
import { helpReply } from "./connection.ts";
import { SYNTAX_ERROR } from "./errors.ts";
import { KEY_FLAG_NAMES } from "./key_specs.ts";
import type { Command, CommandDefinition } from "./table.ts";

/** Key-spec flags as a set of Redis's names (addReplyFlagsForKeyArgs). */
function writeKeyFlags(w: ReplyWriter, flags: number): void {
  const names = KEY_FLAG_NAMES.filter(([flag]) => (flags & flag) !== 0);
  w.set(names.length);
  for (const [, name] of names) w.simple(name);
}

/** A spec's begin_search or find_keys part when Redis marks it "unknown". */
function writeUnknown(w: ReplyWriter): void {
  w.map(2);
  w.bulk("type");
  w.bulk("unknown");
  w.bulk("spec");
  w.map(0);
}

/** The command's key specs, as Redis 7.0's addReplyCommandKeySpecs. */
function writeKeySpecs(w: ReplyWriter, command: Command): void {
  w.set(command.keySpecs.length);
  for (const spec of command.keySpecs) {
    w.map(spec.notes === undefined ? 3 : 4);
    if (spec.notes !== undefined) {
      w.bulk("notes");
      w.bulk(spec.notes);
    }
    w.bulk("flags");
    writeKeyFlags(w, spec.flags);
    w.bulk("begin_search");
    if (spec.index === null) writeUnknown(w);
    else if (typeof spec.index === "number") {
      w.map(2);
      w.bulk("type");
      w.bulk("index");
      w.bulk("spec");
      w.map(1);
      w.bulk("index");
      w.integer(spec.index);
    } else {
      w.map(2);
      w.bulk("type");
      w.bulk("keyword");
      w.bulk("spec");
      w.map(2);
      w.bulk("keyword");
      w.bulk(spec.index.keyword);
      w.bulk("startfrom");
      w.integer(spec.index.startfrom);
    }
    w.bulk("find_keys");
    const find = spec.find;
    if (find === null) {
      writeUnknown(w);
      continue;
    }
    w.map(2);
    w.bulk("type");
    const fields: [string, number][] = "lastkey" in find
      ? [["lastkey", find.lastkey], ["keystep", find.keystep], ["limit", find.limit]]
      : [["keynumidx", find.keynumidx], ["firstkey", find.firstkey], ["keystep", find.keystep]];
    w.bulk("lastkey" in find ? "range" : "keynum");
    w.bulk("spec");
    w.map(fields.length);
    for (const [name, value] of fields) {
      w.bulk(name);
      w.integer(value);
    }
  }
}

/** One COMMAND INFO entry, as Redis 7.0's addReplyCommandInfo. */
function writeCommandInfo(w: ReplyWriter, command: Command): void {
  w.array(10);
  w.bulk(command.name);
  w.integer(command.arity);
  w.set(command.flags.size);
  for (const flag of command.flags) w.simple(flag);
  w.integer(command.firstKey);
  w.integer(command.lastKey);
  w.integer(command.keyStep);
  w.set(command.categories.length);
  for (const category of command.categories) w.simple(`@${category}`);
  w.set(command.tips.length);
  for (const tip of command.tips) w.bulk(tip);
  writeKeySpecs(w, command);
  // Redis replies an empty set for no subcommands, an array otherwise.
  if (command.subcommands === undefined) w.set(0);
  else {
    w.array(command.subcommands.size);
    for (const sub of command.subcommands.values()) writeCommandInfo(w, sub);
  }
}

/**
 * One COMMAND DOCS entry, as Redis 7.0's addReplyCommandDocs but without the
 * argument specs: summary, since, group, complexity, doc_flags,
 * deprecated_since, replaced_by, history and subcommands, each when present.
 */
function writeCommandDocs(w: ReplyWriter, command: Command): void {
  const subcommands = command.subcommands ? [...command.subcommands.values()] : [];
  const optional = [
    command.complexity,
    command.docFlags.length > 0,
    command.deprecatedSince,
    command.replacedBy,
    command.history.length > 0,
    subcommands.length > 0,
  ];
  w.map(3 + optional.filter(Boolean).length);
  w.bulk("summary");
  w.bulk(command.summary);
  w.bulk("since");
  w.bulk(command.since);
  w.bulk("group");
  w.bulk(command.group);
  if (command.complexity) {
    w.bulk("complexity");
    w.bulk(command.complexity);
  }
  if (command.docFlags.length > 0) {
    w.bulk("doc_flags");
    w.set(command.docFlags.length);
    for (const flag of command.docFlags) w.simple(flag);
  }
  if (command.deprecatedSince) {
    w.bulk("deprecated_since");
    w.bulk(command.deprecatedSince);
  }
  if (command.replacedBy) {
    w.bulk("replaced_by");
    w.bulk(command.replacedBy);
  }
  if (command.history.length > 0) {
    w.bulk("history");
    // A set in RESP3, as Redis's addReplyCommandHistory writes it.
    w.set(command.history.length);
    for (const [version, change] of command.history) {
      w.array(2);
      w.bulk(version);
      w.bulk(change);
    }
  }
  if (subcommands.length > 0) {
    w.bulk("subcommands");
    w.map(subcommands.length);
    for (const sub of subcommands) {
      w.bulk(sub.name);
      writeCommandDocs(w, sub);
    }
  }
}

function commandAll(client: Client): void {
  const commands = [...client.server.table.commands.values()];
  client.writer.array(commands.length);
  for (const command of commands) writeCommandInfo(client.writer, command);
}

function commandCount(client: Client): void {
  client.writer.integer(client.server.table.commands.size);
}

function commandInfo(client: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandAll(client);
    return;
  }
  const w = client.writer;
  w.array(argv.length - 2);
  for (const name of argv.slice(2)) {
    const command = client.server.table.lookupFullName(name);
    if (command) writeCommandInfo(w, command);
    else w.nullArray();
  }
}

function commandDocs(client: Client, argv: string[]): void {
  const w = client.writer;
  const commands = argv.length === 2
    ? [...client.server.table.commands.values()]
    : argv.slice(2).map((name) => client.server.table.lookupFullName(name)).filter((c) => c !== undefined);
  w.map(commands.length);
  for (const command of commands) {
    w.bulk(command.name);
    writeCommandDocs(w, command);
  }
}

function commandList(client: Client, argv: string[]): void {
  let filter: (command: Command) => boolean = () => true;
  if (argv.length === 5 && argv[2].toUpperCase() === "FILTERBY") {
    const kind = argv[3].toUpperCase();
    const value = argv[4];
    if (kind === "MODULE") filter = () => false;
    else if (kind === "ACLCAT") filter = (c) => c.categories.includes(value.toLowerCase());
    else if (kind === "PATTERN") filter = (c) => globMatch(value, c.name, true);
    else {
      client.writer.error(SYNTAX_ERROR);
      return;
    }
  } else if (argv.length !== 2) {
    client.writer.error(SYNTAX_ERROR);
    return;
  }
  const names = [...client.server.table.all()].filter(filter).map((c) => c.name);
  client.writer.bulkArray(names);
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS: the keys of a call and their flags, as Redis finds them. */
function getKeysGeneric(withFlags: boolean) {
  return (client: Client, argv: string[]): void => {
    const w = client.writer;
    const call = argv.slice(2);
    const table = client.server.table;
    const container = table.lookup(call[0]);
    const command = container?.subcommands && call.length >= 2
      ? container.subcommands.get(call[1].toLowerCase())
      : container;
    if (command === undefined) {
      w.error("ERR Invalid command specified");
      return;
    }
    if (!command.hasKeys) {
      w.error("ERR The command has no key arguments");
      return;
    }
    if ((command.arity > 0 && command.arity !== call.length) || call.length < -command.arity) {
      w.error("ERR Invalid number of arguments specified for command");
      return;
    }
    const keys = table.keysWithFlags(command, call);
    if (keys.length === 0 && !command.flags.has("no_mandatory_keys")) {
      w.error("ERR Invalid arguments specified for command");
      return;
    }
    w.array(keys.length);
    for (const { index, flags } of keys) {
      if (!withFlags) {
        w.bulk(call[index]);
        continue;
      }
      w.array(2);
      w.bulk(call[index]);
      writeKeyFlags(w, flags);
    }
  };
}

function commandHelp(client: Client): void {
  helpReply(client.writer, "COMMAND", [
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
  ]);
}

const COMMAND_FLAGS: CommandDefinition["flags"] = ["loading", "stale"];
const INTROSPECTION = { group: "server", categories: ["connection"], flags: COMMAND_FLAGS };

export const commandCommands: CommandDefinition[] = [
  {
    ...INTROSPECTION,
    name: "command",
    arity: -1,
    since: "2.8.13",
    summary: "Get array of Redis command details",
    complexity: "O(N) where N is the total number of Redis commands",
    tips: ["nondeterministic_output_order"],
    handler: commandAll,
    subcommands: [
      {
        ...INTROSPECTION,
        name: "count",
        arity: 2,
        since: "2.8.13",
        summary: "Get total number of Redis commands",
        complexity: "O(1)",
        handler: commandCount,
      },
      {
        ...INTROSPECTION,
        name: "info",
        arity: -2,
        since: "2.8.13",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        complexity: "O(N) where N is the number of commands to look up",
        history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
        tips: ["nondeterministic_output_order"],
        handler: commandInfo,
      },
      {
        ...INTROSPECTION,
        name: "docs",
        arity: -2,
        since: "7.0.0",
        summary: "Get array of specific Redis command documentation",
        complexity: "O(N) where N is the number of commands to look up",
        tips: ["nondeterministic_output_order"],
        handler: commandDocs,
      },
      {
        ...INTROSPECTION,
        name: "list",
        arity: -2,
        since: "7.0.0",
        summary: "Get an array of Redis command names",
        complexity: "O(N) where N is the total number of Redis commands",
        tips: ["nondeterministic_output_order"],
        handler: commandList,
      },
      {
        ...INTROSPECTION,
        name: "getkeys",
        arity: -4,
        since: "2.8.13",
        summary: "Extract keys given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        handler: getKeysGeneric(false),
      },
      {
        ...INTROSPECTION,
        name: "getkeysandflags",
        arity: -4,
        since: "7.0.0",
        summary: "Extract keys and access flags given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        handler: getKeysGeneric(true),
      },
      {
        ...INTROSPECTION,
        name: "help",
        arity: 2,
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: commandHelp,
      },
    ],
  },
];
