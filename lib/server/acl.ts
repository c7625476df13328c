/**
 * Users and their permissions as Redis 7.0.15's acl.c: on/off, passwords kept
 * as SHA-256 hex and checked in constant time, command bits (with +@category
 * and the first-arg rules), key patterns with %R/%W, channel patterns, and the
 * rule text ACL LIST and GETUSER print, which is recomputed from the bits as
 * Redis does (ACLDescribeSelectorCommandRules).
 *
 * Selectors `(...)` are users' extra permission sets (kept as User objects
 * without flags or passwords): a call is allowed when the root or any selector allows it.
 * Key permissions follow each key's spec flags, as Redis's ACLSelectorCheckKey:
 * a key the command reads (ACCESS) needs a pattern with %R, one it inserts,
 * deletes or updates needs %W, both when both, and a key it neither reads nor
 * writes (EXISTS, TYPE, OBJECT ...) any pattern that matches it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "../config.ts";
import { ACL_CATEGORIES, type Command, type CommandTable } from "../commands/table.ts";
import { KeyFlag } from "../commands/key_specs.ts";
import { globMatch } from "../util/glob.ts";
import { splitArgs } from "../util/split_args.ts";

/** The messages of Redis's ACLSetUserStringError, by its errno. */
const ERRORS = {
  syntax: "Syntax error",
  unknown: "Unknown command or category name in ACL",
  keysAfterAll:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any " +
    "effect. Try 'resetkeys' to start with an empty list of patterns",
  channelsAfterAll:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not " +
    "have any effect. Try 'resetchannels' to start with an empty list of channels",
  noSuchPassword: "The password you are trying to remove from the user does not exist",
  badHash:
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
  subcommandFirstArg: "Allowing first-arg of a subcommand is not supported",
};

export const NOPERM_KEY = "NOPERM this user has no permissions to access one of the keys used as arguments";
export const NOPERM_CHANNEL =
  "NOPERM this user has no permissions to access one of the channels used as arguments";

/** The NOPERM error for a command the user may not run ('config|set' for a subcommand). */
export function nopermCommand(command: Command): string {
  return `NOPERM this user has no permissions to run the '${command.name}' command`;
}

/** Why a call is refused: the NOPERM error, and the ACL LOG reason and object. */
export interface Denial {
  error: string;
  reason: "command" | "key" | "channel";
  /** The command's full name, the key or the channel. */
  object: string;
}

/** One ACL LOG entry (Redis 7.0's ACLLogEntry). */
export interface AclLogEntry {
  count: number;
  reason: "command" | "key" | "channel" | "auth";
  context: "toplevel" | "multi" | "lua";
  object: string;
  username: string;
  /** When it last happened, in ms. */
  time: number;
  clientInfo: string;
}

/** Entries this close in time, with the same reason, context, object and user, are counted as one. */
const LOG_GROUPING_MS = 60000;

/** A rule that SETUSER refuses, with Redis's message. */
export class AclRuleError extends Error {}

interface KeyPattern {
  pattern: string;
  read: boolean;
  write: boolean;
}

/** SHA-256 of a password (a binary string), in lower-case hex, as Redis keeps it. */
export function hashPassword(password: string): string {
  return createHash("sha256").update(password, "latin1").digest("hex");
}

const HASH_RE = /^[0-9a-f]{64}$/;

export class User {
  enabled = false;
  nopass = false;
  sanitize: "" | "sanitize-payload" | "skip-sanitize-payload" = "";
  /** SHA-256 hex digests, in the order they were added. */
  passwords: string[] = [];
  /** Redis's SELECTOR_FLAG_ALLCOMMANDS: set by +@all, cleared by any removal. */
  allCommands = false;
  /** Redis's reserved "future commands" bit: set by +@all, cleared only by -@all. */
  futureCommands = false;
  allowed = new Set<Command>();
  /** +cmd|arg rules of commands without subcommands (SELECT 0 ...), as given; compared without case. */
  firstArgs = new Map<Command, string[]>();
  allKeys = false;
  keys: KeyPattern[] = [];
  allChannels = false;
  channels: string[] = [];
  /** Precomputed: every command, key and channel allowed, so the check per command costs one test. */
  unrestricted = false;
  /** The selectors `(...)`, in the order they were added. */
  selectors: User[] = [];

  constructor(readonly name: string) {}

  clone(name = this.name): User {
    const copy = new User(name);
    Object.assign(copy, this, { name });
    copy.passwords = [...this.passwords];
    copy.allowed = new Set(this.allowed);
    copy.firstArgs = new Map([...this.firstArgs].map(([c, args]) => [c, [...args]]));
    copy.keys = this.keys.map((k) => ({ ...k }));
    copy.channels = [...this.channels];
    copy.selectors = this.selectors.map((selector) => selector.clone());
    return copy;
  }

  refresh(): void {
    this.unrestricted = this.allCommands && this.allKeys && this.allChannels;
  }
}

export class Acl {
  /** By name; listed in byte order as Redis's rax. */
  readonly users = new Map<string, User>();

  constructor(private readonly config: Config, private readonly table: CommandTable) {
    const user = this.newUser("default");
    for (const rule of ["+@all", "~*", "&*", "on", "nopass"]) this.apply(user, rule);
    this.users.set(user.name, user);
    this.updateDefaultPassword();
    this.loadAtStartup();
    config.onChange("requirepass", () => {
      this.updateDefaultPassword();
      return undefined;
    });
  }

  get defaultUser(): User {
    return this.users.get("default")!;
  }

  /** As Redis's ACLUpdateDefaultUserPassword: requirepass is the default user's one password, or nopass. */
  private updateDefaultPassword(): void {
    const user = this.defaultUser;
    const password = this.config.getString("requirepass");
    this.apply(user, "resetpass");
    this.apply(user, password === "" ? "nopass" : `>${password}`);
  }

  /** A user as ACLCreateUser makes it: off, no permissions, channels per acl-pubsub-default. */
  newUser(name: string): User {
    const user = new User(name);
    if (this.config.getString("acl-pubsub-default") === "allchannels") user.allChannels = true;
    user.refresh();
    return user;
  }

  /** Whether the credentials are valid (Redis's ACLCheckUserCredentials), in time independent of the password. */
  check(username: string, password: string): boolean {
    const user = this.users.get(username);
    if (user === undefined || !user.enabled) return false;
    if (user.nopass) return true;
    const given = Buffer.from(hashPassword(password), "latin1");
    let match = false;
    for (const stored of user.passwords) {
      if (timingSafeEqual(given, Buffer.from(stored, "latin1"))) match = true;
    }
    return match;
  }

  /** Applies SETUSER's rules to a copy of the user (or a new one) and stores it only if all are valid. */
  setUser(name: string, rules: readonly string[]): void {
    const existing = this.users.get(name);
    const user = existing ? existing.clone() : this.newUser(name);
    for (const rule of mergeSelectorArguments(rules)) {
      try {
        this.apply(user, rule);
      } catch (error) {
        if (error instanceof AclRuleError) {
          throw new AclRuleError(`Error in ACL SETUSER modifier '${rule}': ${error.message}`);
        }
        throw error;
      }
    }
    this.users.set(name, user);
  }

  /** One rule (Redis's ACLSetUser / ACLSetSelector); throws an AclRuleError with Redis's message. */
  apply(user: User, rule: string): void {
    const op = rule.toLowerCase();
    if (op === "on") user.enabled = true;
    else if (op === "off") user.enabled = false;
    else if (op === "skip-sanitize-payload" || op === "sanitize-payload") user.sanitize = op;
    else if (op === "nopass") {
      user.nopass = true;
      user.passwords = [];
    } else if (op === "resetpass") {
      user.nopass = false;
      user.passwords = [];
    } else if (rule[0] === ">" || rule[0] === "#") {
      const hash = rule[0] === ">" ? hashPassword(rule.slice(1)) : rule.slice(1);
      if (!HASH_RE.test(hash)) throw new AclRuleError(ERRORS.badHash);
      if (!user.passwords.includes(hash)) user.passwords.push(hash);
      user.nopass = false;
    } else if (rule[0] === "<" || rule[0] === "!") {
      const hash = rule[0] === "<" ? hashPassword(rule.slice(1)) : rule.slice(1);
      if (!HASH_RE.test(hash)) throw new AclRuleError(ERRORS.badHash);
      const at = user.passwords.indexOf(hash);
      if (at < 0) throw new AclRuleError(ERRORS.noSuchPassword);
      user.passwords.splice(at, 1);
      user.nopass = false;
    } else if (op === "reset") {
      for (const r of ["resetpass", "resetkeys", "resetchannels"]) this.apply(user, r);
      if (this.config.getString("acl-pubsub-default") === "allchannels") this.apply(user, "allchannels");
      this.apply(user, "off");
      this.apply(user, "sanitize-payload");
      this.apply(user, "clearselectors");
      this.apply(user, "-@all");
    } else if (op === "clearselectors") {
      user.selectors = [];
    } else if (rule[0] === "(" && rule[rule.length - 1] === ")") {
      const ops = splitArgs(rule.slice(1, -1));
      if (ops === null) throw new AclRuleError(ERRORS.syntax);
      const selector = this.newUser("");
      for (const selectorRule of ops) {
        this.applySelectorRule(selector, selectorRule, selectorRule.toLowerCase());
      }
      user.selectors.push(selector);
    } else {
      this.applySelectorRule(user, rule, op);
    }
    user.refresh();
  }

  private applySelectorRule(user: User, rule: string, op: string): void {
    if (op === "allkeys" || rule === "~*") {
      user.allKeys = true;
      user.keys = [];
    } else if (op === "resetkeys") {
      user.allKeys = false;
      user.keys = [];
    } else if (op === "allchannels" || rule === "&*") {
      user.allChannels = true;
      user.channels = [];
    } else if (op === "resetchannels") {
      user.allChannels = false;
      user.channels = [];
    } else if (rule[0] === "~" || rule[0] === "%") {
      if (user.allKeys) throw new AclRuleError(ERRORS.keysAfterAll);
      let read = true, write = true, pattern = rule.slice(1);
      if (rule[0] === "%") {
        read = write = false;
        let i = 1;
        for (; i < rule.length && rule[i] !== "~"; i++) {
          const c = rule[i].toUpperCase();
          if (c === "R" && !read) read = true;
          else if (c === "W" && !write) write = true;
          else throw new AclRuleError(ERRORS.syntax);
        }
        if (i === rule.length || (!read && !write)) throw new AclRuleError(ERRORS.syntax);
        pattern = rule.slice(i + 1);
      }
      if (read && write && pattern === "*") {
        user.allKeys = true;
        user.keys = [];
        return;
      }
      const same = user.keys.find((k) => k.pattern === pattern);
      if (same) {
        same.read ||= read;
        same.write ||= write;
      } else {
        user.keys.push({ pattern, read, write });
      }
    } else if (rule[0] === "&") {
      if (user.allChannels) throw new AclRuleError(ERRORS.channelsAfterAll);
      const pattern = rule.slice(1);
      if (!user.channels.includes(pattern)) user.channels.push(pattern);
    } else if (op === "allcommands" || op === "+@all") {
      user.allCommands = true;
      user.futureCommands = true;
      user.allowed = new Set(this.table.all());
      user.firstArgs.clear();
    } else if (op === "nocommands" || op === "-@all") {
      user.allCommands = false;
      user.futureCommands = false;
      user.allowed.clear();
      user.firstArgs.clear();
    } else if ((rule[0] === "+" || rule[0] === "-") && rule[1] === "@") {
      const category = op.slice(2);
      if (!ACL_CATEGORIES.includes(category)) throw new AclRuleError(ERRORS.unknown);
      const allow = rule[0] === "+";
      for (const command of this.table.all()) {
        if (command.categories.includes(category)) this.changePerm(user, command, allow);
      }
    } else if (rule[0] === "+" || rule[0] === "-") {
      this.applyCommandRule(user, rule);
    } else {
      throw new AclRuleError(ERRORS.syntax);
    }
  }

  private applyCommandRule(user: User, rule: string): void {
    const name = rule.slice(1);
    const allow = rule[0] === "+";
    const bar = name.lastIndexOf("|");
    if (!allow || bar < 0) {
      const command = this.lookup(name);
      if (command === undefined) throw new AclRuleError(ERRORS.unknown);
      this.changePerm(user, command, allow);
      return;
    }
    const command = this.lookup(name.slice(0, bar));
    if (command === undefined) throw new AclRuleError(ERRORS.unknown);
    if (command.parent) throw new AclRuleError(ERRORS.subcommandFirstArg);
    const sub = name.slice(bar + 1);
    if (sub === "") throw new AclRuleError(ERRORS.syntax);
    if (command.subcommands) {
      const subcommand = command.subcommands.get(sub.toLowerCase());
      if (subcommand === undefined) throw new AclRuleError(ERRORS.unknown);
      this.changePerm(user, subcommand, true);
    } else {
      const args = user.firstArgs.get(command) ?? [];
      if (!args.some((arg) => arg.toLowerCase() === sub.toLowerCase())) args.push(sub);
      user.firstArgs.set(command, args);
    }
  }

  /** A command or "container|sub" by name in any case (Redis's ACLLookupCommand). */
  private lookup(name: string): Command | undefined {
    const parts = name.toLowerCase().split("|");
    if (parts.length > 2) return undefined;
    const command = this.table.commands.get(parts[0]);
    if (parts.length === 1) return command;
    return command?.subcommands?.get(parts[1]);
  }

  /** Redis's ACLChangeSelectorPerm: the command's bit and its subcommands', dropping its first-arg rules. */
  private changePerm(user: User, command: Command, allow: boolean): void {
    user.firstArgs.delete(command);
    if (allow) user.allowed.add(command);
    else {
      user.allowed.delete(command);
      user.allCommands = false;
    }
    if (command.subcommands) {
      for (const sub of command.subcommands.values()) this.changePerm(user, sub, allow);
    }
  }

  /**
   * Why the user may not run this call: Redis's NOPERM error for the command,
   * a key or a channel, or undefined when allowed.
   */
  denial(user: User, command: Command, argv: readonly string[]): Denial | undefined {
    let denied = this.selectorDenial(user, command, argv);
    if (denied === undefined) return undefined;
    for (const selector of user.selectors) {
      const other = this.selectorDenial(selector, command, argv);
      if (other === undefined) return undefined;
      // As Redis: the most specific refusal is reported (command, then key, then
      // channel), and of two keys or channels the later argument.
      const rank = DENIAL_RANK[other.reason] - DENIAL_RANK[denied.reason];
      if (rank > 0 || (rank === 0 && other.at > denied.at)) denied = other;
    }
    return { error: denied.error, reason: denied.reason, object: denied.object };
  }

  /**
   * Whether some selector of the user both allows this call and may read any
   * key (allkeys, or a readable `*` pattern): Redis's
   * ACLUserCheckCmdWithUnrestrictedKeyAccess, which SORT's BY and GET need, as
   * the keys they read are only known while sorting.
   */
  readsEveryKey(user: User, command: Command, argv: readonly string[]): boolean {
    return [user, ...user.selectors].some((selector) =>
      this.selectorDenial(selector, command, argv) === undefined &&
      (selector.allKeys || selector.keys.some((k) => k.read && k.pattern === "*"))
    );
  }

  /** A selector's refusal, with the index in argv of the key or channel refused (0 for the command). */
  private selectorDenial(
    user: User,
    command: Command,
    argv: readonly string[],
  ): Denial & { at: number } | undefined {
    if (!user.allCommands && !command.flags.has("no_auth") && !user.allowed.has(command)) {
      const args = user.firstArgs.get(command);
      const first = argv[1]?.toLowerCase();
      if (args === undefined || first === undefined || !args.some((arg) => arg.toLowerCase() === first)) {
        return { error: nopermCommand(command), reason: "command", object: command.name, at: 0 };
      }
    }
    if (!user.allKeys && command.hasKeys) {
      for (const { index, flags } of this.table.keysWithFlags(command, argv)) {
        const read = (flags & KeyFlag.ACCESS) !== 0;
        const write = (flags & WRITE_FLAGS) !== 0;
        const key = argv[index];
        const ok = user.keys.some((k) =>
          (k.read || !read) && (k.write || !write) && globMatch(k.pattern, key)
        );
        if (!ok) return { error: NOPERM_KEY, reason: "key", object: key, at: index };
      }
    }
    if (!user.allChannels) {
      const channels = channelsOf(command, argv);
      if (channels !== undefined) {
        const pattern = command.name === "psubscribe";
        for (let i = 0; i < channels.length; i++) {
          if (!this.channelAllowed(user, channels[i], pattern)) {
            return { error: NOPERM_CHANNEL, reason: "channel", object: channels[i], at: i + 1 };
          }
        }
      }
    }
    return undefined;
  }

  /**
   * Whether the user may use a channel (Redis's ACLCheckChannelAgainstList):
   * a channel matches the user's patterns as globs; a subscription pattern
   * must be one of them literally.
   */
  channelAllowed(user: User, channel: string, isPattern: boolean): boolean {
    if (user.allChannels) return true;
    if (user.channels.some((p) => isPattern ? p === channel : globMatch(p, channel))) return true;
    return user.selectors.some((selector) => this.channelAllowed(selector, channel, isPattern));
  }

  /** The command rules as Redis's ACLDescribeSelectorCommandRules recomputes them from the bits. */
  describeCommands(user: User): string {
    const rules: string[] = [];
    const fake = this.newUser("");
    const temp = user.clone();
    const additive = !user.futureCommands;
    this.apply(fake, additive ? "-@all" : "+@all");
    rules.push(additive ? "-@all" : "+@all");
    const applied = new Set<string>();
    while (true) {
      // Redis's best fit: the category with the fewest differences, then the most in common.
      let best: string | undefined;
      let minDiff = Infinity, maxSame = 0;
      for (const category of ACL_CATEGORIES) {
        if (applied.has(category)) continue;
        let on = 0, off = 0;
        for (const command of this.table.all()) {
          if (!command.categories.includes(category)) continue;
          if (temp.allowed.has(command)) on++;
          else off++;
        }
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = category;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === undefined) break;
      const op = `${additive ? "+" : "-"}@${best}`;
      this.apply(fake, op);
      this.apply(temp, `${additive ? "-" : "+"}@${best}`);
      rules.push(op);
      applied.add(best);
    }
    const single = (command: Command) => {
      const bit = user.allowed.has(command);
      if (bit !== fake.allowed.has(command)) {
        rules.push(`${bit ? "+" : "-"}${command.name}`);
        this.changePerm(fake, command, bit);
      }
      for (const sub of command.subcommands?.values() ?? []) single(sub);
      if (!bit) {
        for (const arg of user.firstArgs.get(command) ?? []) rules.push(`+${command.name}|${arg}`);
      }
    };
    for (const command of this.table.commands.values()) single(command);
    return rules.join(" ");
  }

  /** The key patterns as ACL GETUSER prints them. */
  describeKeys(user: User): string {
    if (user.allKeys) return "~*";
    return user.keys.map((k) => `${k.read && k.write ? "" : k.read ? "%R" : "%W"}~${k.pattern}`).join(" ");
  }

  /** The channel patterns as ACL GETUSER prints them. */
  describeChannels(user: User): string {
    if (user.allChannels) return "&*";
    return user.channels.map((c) => `&${c}`).join(" ");
  }

  /** The flags as ACL GETUSER lists them, in Redis's order. */
  flags(user: User): string[] {
    const flags = [user.enabled ? "on" : "off"];
    if (user.nopass) flags.push("nopass");
    if (user.sanitize === "skip-sanitize-payload") flags.push("skip-sanitize-payload");
    if (user.sanitize === "sanitize-payload") flags.push("sanitize-payload");
    return flags;
  }

  /** The user as an ACL LIST line (Redis's ACLDescribeUser). */
  describe(user: User): string {
    const parts = [...this.flags(user), ...user.passwords.map((p) => `#${p}`), this.describeSelector(user)];
    for (const selector of user.selectors) parts.push(`(${this.describeSelector(selector)})`);
    return `user ${user.name} ${parts.join(" ")}`;
  }

  /** Keys, channels and commands as Redis's ACLDescribeSelector. */
  describeSelector(user: User): string {
    const parts: string[] = [];
    const keys = this.describeKeys(user);
    if (keys !== "") parts.push(keys);
    parts.push(user.allChannels ? "&*" : ["resetchannels", ...user.channels.map((c) => `&${c}`)].join(" "));
    parts.push(this.describeCommands(user));
    return parts.join(" ");
  }

  /**
   * Redis's ACLLoadUsersAtStartup: the `user` lines of the configuration, or
   * else the aclfile; throws Redis's reason to abort the start.
   */
  loadAtStartup(): void {
    const lines = this.config.directives.filter((d) => d.name === "user");
    const file = this.config.getString("aclfile");
    if (lines.length !== 0 && file !== "") {
      throw new Error(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. " +
          "This setup is very likely to lead to configuration errors and security holes, please define either an " +
          "ACL file or declare users directly in your redis.conf, but not both.",
      );
    }
    for (const { args: [name, ...rules] } of lines) {
      if (/[ \0]/.test(name)) {
        throw new Error(`Error loading ACLs, user '${name}' contains invalid characters`);
      }
      const user = this.users.get(name) ?? this.newUser(name);
      if (name === "default") this.apply(user, "reset");
      let merged: string[];
      try {
        merged = mergeSelectorArguments(rules);
      } catch (error) {
        if (!(error instanceof UnmatchedSelector)) throw error;
        throw new Error(`Error loading ACLs, ${error.message}`);
      }
      for (const rule of merged) {
        try {
          this.apply(user, rule);
        } catch (error) {
          if (!(error instanceof AclRuleError)) throw error;
          throw new Error(`Error loading ACL rule '${rule}' for the user named '${name}': ${error.message}`);
        }
      }
      this.users.set(name, user);
    }
    if (file !== "") {
      const errors = this.loadFile(file);
      if (errors !== undefined) throw new Error(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }

  /**
   * ACL LOAD (Redis's ACLLoadFromFile): all the file's users or, on any
   * error, none; the error text (without "ERR ") or undefined. The caller
   * closes the connections of the other users, as Redis frees them all.
   */
  loadFile(path: string): string | undefined {
    let text: string;
    try {
      const bytes = Deno.readFileSync(path);
      text = "";
      for (let i = 0; i < bytes.length; i += 8192) {
        text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      }
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound ? "No such file or directory" : String(error);
      return `Error loading ACLs, opening file '${path}': ${reason}`;
    }
    const loaded = new Map<string, User>();
    let errors = "";
    const lines = text.split("\n");
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (line === "") continue;
      const where = `${path}:${n + 1}`;
      const argv = splitArgs(line);
      if (argv === null) {
        errors += `${where}: Syntax error. `;
        continue;
      }
      if (argv.length === 0) continue;
      if (argv[0] !== "user" || argv.length < 2) {
        errors += `${where} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1];
      if (/[ \0]/.test(name)) {
        errors += `${where}: Syntax error. `;
        continue;
      }
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${n + 1}. `;
        continue;
      }
      let rules: string[];
      try {
        rules = mergeSelectorArguments(argv.slice(2));
      } catch (error) {
        if (!(error instanceof UnmatchedSelector)) throw error;
        errors += `${where}: ${error.message} `;
        continue;
      }
      const user = this.newUser(name);
      let reported = false;
      for (const rule of rules) {
        try {
          this.apply(user, rule);
        } catch (error) {
          if (!(error instanceof AclRuleError)) throw error;
          if (error.message === ERRORS.unknown) {
            errors += `${where}: Error in applying operation '${rule}': ${error.message}. `;
          } else if (!reported) {
            errors += `${where}: ${error.message}. `;
            reported = true;
          }
        }
      }
      loaded.set(name, user);
    }
    if (errors !== "") {
      return errors +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
    }
    if (!loaded.has("default")) {
      const user = this.newUser("default");
      for (const rule of ["+@all", "~*", "&*", "on", "nopass"]) this.apply(user, rule);
      loaded.set("default", user);
    }
    this.users.clear();
    for (const [name, user] of loaded) this.users.set(name, user);
    return undefined;
  }

  /** ACL SAVE (Redis's ACLSaveToFile): every user as its ACL LIST line, written atomically; false on failure. */
  saveFile(path: string): boolean {
    const text = this.names().map((name) => `${this.describe(this.users.get(name)!)}\n`).join("");
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const temp = `${path}.tmp-${Deno.pid}-${Date.now()}`;
    try {
      Deno.writeFileSync(temp, bytes);
      Deno.renameSync(temp, path);
      return true;
    } catch {
      try {
        Deno.removeSync(temp);
      } catch {
        // Nothing was written.
      }
      return false;
    }
  }

  /** ACL LOG's entries, newest first. */
  readonly log: AclLogEntry[] = [];

  /**
   * Records a denial or a failed authentication as Redis's addACLLogEntry: an
   * entry like one among the ten newest counts again and moves to the head;
   * the log keeps acllog-max-len entries.
   */
  addLog(entry: Omit<AclLogEntry, "count" | "time">): void {
    const now = Date.now();
    const scan = Math.min(this.log.length, 10);
    for (let i = 0; i < scan; i++) {
      const old = this.log[i];
      if (
        old.reason === entry.reason && old.context === entry.context && old.object === entry.object &&
        old.username === entry.username && now - old.time < LOG_GROUPING_MS
      ) {
        old.count++;
        old.time = now;
        old.clientInfo = entry.clientInfo;
        this.log.splice(i, 1);
        this.log.unshift(old);
        return;
      }
    }
    this.log.unshift({ ...entry, count: 1, time: now });
    const max = Math.max(0, this.config.getNumber("acllog-max-len"));
    if (this.log.length > max) this.log.length = max;
  }

  /** User names in byte order. */
  names(): string[] {
    return [...this.users.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  }
}

const DENIAL_RANK = { command: 1, key: 2, channel: 4 };

/** Key-spec flags that need write permission (%W). */
const WRITE_FLAGS = KeyFlag.INSERT | KeyFlag.DELETE | KeyFlag.UPDATE;

/**
 * Redis's ACLMergeSelectorArguments: a selector split over several arguments,
 * from one starting with "(" to one ending with ")", becomes one rule.
 */
export function mergeSelectorArguments(rules: readonly string[]): string[] {
  const merged: string[] = [];
  let open: string[] | undefined;
  for (const rule of rules) {
    if (open !== undefined) {
      open.push(rule);
      if (rule.endsWith(")")) {
        merged.push(open.join(" "));
        open = undefined;
      }
    } else if (rule.startsWith("(") && !rule.endsWith(")")) {
      open = [rule];
    } else {
      merged.push(rule);
    }
  }
  if (open !== undefined) throw new UnmatchedSelector(open[0]);
  return merged;
}

/** SETUSER's error for a selector whose ")" never comes. */
export class UnmatchedSelector extends Error {
  constructor(readonly start: string) {
    super(`Unmatched parenthesis in acl selector starting at '${start}'.`);
  }
}

/** The channels a pub/sub call touches, as Redis's channel specs (publish and subscribe kinds). */
function channelsOf(command: Command, argv: readonly string[]): readonly string[] | undefined {
  switch (command.name) {
    case "publish":
    case "spublish":
      return [argv[1]];
    case "subscribe":
    case "ssubscribe":
    case "psubscribe":
      return argv.slice(1);
    default:
      return undefined;
  }
}

/** ACL GENPASS: `bits` of randomness as hex, Redis's (bits + 3) / 4 characters. */
export function generatePassword(bits: number): string {
  const chars = Math.floor((bits + 3) / 4);
  return randomBytes(Math.ceil(chars / 2)).toString("hex").slice(0, chars);
}
