/**
 * Error replies shared by many commands, worded exactly as Redis 7.0 words them:
 * clients and tests match on these texts.
 *
 * @module
 */

export const SYNTAX_ERROR = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";

/** Redis quotes at most this many bytes of a name or argument in an error. */
const QUOTE_LIMIT = 128;

/**
 * `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` — the argument
 * list stops once it reaches 128 bytes, as in Redis's processCommand.
 */
export function unknownCommandError(argv: readonly string[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < QUOTE_LIMIT; i++) {
    args += `'${argv[i].slice(0, QUOTE_LIMIT - args.length)}' `;
  }
  return `ERR unknown command '${argv[0].slice(0, QUOTE_LIMIT)}', with args beginning with: ${args}`;
}

/**
 * Redis's addReplySubcommandSyntaxError, for a known subcommand given a count
 * of arguments it does not take: `ERR unknown subcommand or wrong number of
 * arguments for 'cat'. Try ACL HELP.`
 */
export function subcommandSyntaxError(argv: readonly string[]): string {
  return `ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, QUOTE_LIMIT)}'. ` +
    `Try ${argv[0].toUpperCase()} HELP.`;
}

/** `ERR unknown subcommand 'x'. Try CONFIG HELP.` */
export function unknownSubcommandError(argv: readonly string[]): string {
  return `ERR unknown subcommand '${argv[1].slice(0, QUOTE_LIMIT)}'. Try ${argv[0].toUpperCase()} HELP.`;
}

/** `ERR wrong number of arguments for 'get' command`, with the full name ("config|get"). */
export function arityError(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

/** `ERR invalid expire time in 'set' command`. */
export function invalidExpireError(fullName: string): string {
  return `ERR invalid expire time in '${fullName}' command`;
}
