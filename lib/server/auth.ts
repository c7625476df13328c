/**
 * Authentication as Redis 7.0: the users of lib/server/acl.ts, starting with
 * the built-in "default", which has no password (any password is accepted, as
 * Redis's `nopass`) until `requirepass` or ACL SETUSER gives it one.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { CommandTable } from "../commands/table.ts";
import { Acl, type User } from "./acl.ts";
import type { Client } from "./client.ts";

/** The user every connection starts as. */
export const DEFAULT_USER = "default";

export const NOAUTH = "NOAUTH Authentication required.";
export const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const NOAUTH_HELLO =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the " +
  "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol " +
  "version at the same time";
export const AUTH_WITHOUT_PASSWORD = "ERR AUTH <password> called without any password configured for the " +
  "default user. Are you sure your configuration is correct?";

/** Redis 7.0.15's reply (networking.c, clientAcceptHandler) to a client refused by protected mode. */
export const PROTECTED_MODE_DENIED = "-DENIED Redis is running in protected mode because protected mode is " +
  "enabled and no password is set for the default user. In this mode connections are only accepted from the " +
  "loopback interface. If you want to connect from external computers to Redis you may adopt one of the " +
  "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' " +
  "from the loopback interface by connecting to Redis from the same host the server is running, however MAKE " +
  "SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change " +
  "permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration " +
  "file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the " +
  "server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an " +
  "authentication password for the default user. NOTE: You only need to do one of the above things in order " +
  "for the server to start accepting connections from the outside.\r\n";

export class Authenticator {
  /** The users (lib/server/acl.ts); `requirepass` is the default user's password. */
  readonly acl: Acl;

  constructor(private readonly config: Config, table: CommandTable) {
    this.acl = new Acl(config, table);
  }

  /**
   * The ACL user whose rules a client's commands are checked against, or
   * undefined when nothing is to check: a user with every permission, or an
   * internal client (AOF loading), which as Redis's fake clients has no user.
   */
  restrictedUser(client: Client): User | undefined {
    if (client.internal) return undefined;
    const user = this.acl.users.get(client.user);
    return user === undefined || user.unrestricted ? undefined : user;
  }

  /**
   * Whether the user accepts any password (Redis's `nopass`) and is enabled:
   * for the default user, whether connections start authenticated.
   */
  noPassword(user: string = DEFAULT_USER): boolean {
    const found = this.acl.users.get(user);
    return found !== undefined && found.nopass && found.enabled;
  }

  /**
   * Whether `username`/`password` are valid credentials (Redis's
   * ACLCheckUserCredentials), compared in constant time.
   */
  check(username: string, password: string): boolean {
    return this.acl.check(username, password);
  }

  /**
   * Whether protected mode refuses a connection from `hostname`: protected
   * mode on, the default user without a password, and a peer other than
   * 127.0.0.1 or ::1 (Redis 7.0.15 compares exactly these two; 127.0.0.2 is refused).
   */
  refusesConnection(hostname: string): boolean {
    return this.config.getBool("protected-mode") && this.noPassword() &&
      hostname !== "127.0.0.1" && hostname !== "::1";
  }
}
