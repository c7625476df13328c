/**
 * The commands of a read, decoded ahead of running them, as DESIGN.md §3 has
 * it (decode all complete commands, then execute each), so that the keys of a
 * whole pipeline can be looked for in the key space at once before the first
 * command runs ({@link Dict.warm}), and in the table of expiry times, which
 * every lookup reads first once any key has a TTL, and the members they look
 * up in one set, hash or sorted set (Command.memberArg) in its table. A
 * pipeline of GETs or SADDs on 100k random keys or members spends much of its
 * time waiting for cache misses, one after the other; read together, the CPU
 * overlaps them:
 * redis-benchmark `-P 16` GET, SET, SADD and HSET run 15-30% faster with this
 * (README, Performance). For collection commands the values found are read
 * on into too (Collection.warm): on small collections that is where most of
 * the time goes; and for string reads, the string that GET copies out. Each
 * command is then handed the hashes computed for it ({@link primeHash},
 * {@link primeMemberHash}), so nothing is hashed twice.
 *
 * What decoding ahead must not change:
 * - A protocol error after good commands is thrown only once they have run,
 *   as Redis runs what came before a broken frame and then closes.
 * - A command that may reconfigure the server (CONFIG SET proto-max-bulk-len
 *   changes how the next request is decoded) is run before anything after it
 *   is decoded: look-ahead stops after any admin command or subcommand
 *   container (Command.lookaheadPast), read from the command table rather
 *   than from names.
 * - Warming reads and never writes (no expiry, no access stamp), and a lookup
 *   is handed a precomputed hash only for a string equal to the one it was
 *   computed from, so a command that looks up something else, or a SELECT in
 *   the pipeline, costs a wasted read, never a wrong answer.
 *
 * @module
 */
import type { RespDecoder } from "../resp/decoder.ts";
import type { Command, CommandTable } from "../commands/table.ts";
import type { Database } from "../store/database.ts";
import { type Dict, hashOf, primeHash, primeMemberHash } from "../store/dict.ts";

/**
 * How many commands are decoded ahead: more than clients usually pipeline per
 * read (redis-benchmark -P 16), few enough that the decoded arguments held
 * meanwhile stay small.
 */
const LOOKAHEAD = 32;

/** keyHashes' mark for a command without a key to warm: no 32-bit hash is a fraction. */
const NO_KEY = 0.5;
const EMPTY: string[] = [];

/** Where the digests of Dict.warm go, so that its reads stay (see there). */
let warmDigest = 0;

export class CommandLookahead {
  /** The decoded commands, slots 0 to count-1; slots are reused, so a read costs no array. */
  private readonly commands: string[][] = Array.from({ length: LOOKAHEAD }, () => EMPTY);
  private count = 0;
  /** The next command to hand out. */
  private at = 0;
  /** Per decoded command, its entry in the table, looked up once for warming and for running. */
  private readonly entries: (Command | undefined)[] = Array.from({ length: LOOKAHEAD }, () => undefined);
  /** Per decoded command, the hash of its first key (argv[1]), or NO_KEY. */
  private readonly keyHashes: number[] = Array.from({ length: LOOKAHEAD }, () => NO_KEY);
  /** The key hashes packed for Dict.warm. */
  private readonly warmHashes = new Int32Array(LOOKAHEAD);
  /** Per decoded command, the hash of the member it looks up in its collection (Command.memberArg), or NO_KEY. */
  private readonly memberHashes: number[] = Array.from({ length: LOOKAHEAD }, () => NO_KEY);
  /** The member hashes packed for Dict.warm. */
  private readonly warmMemberHashes = new Int32Array(LOOKAHEAD);
  /** A protocol error met after the decoded commands, thrown once they have been taken. */
  private error: unknown = undefined;
  /** The table's entry for the command {@link take} returned last. */
  taken: Command | undefined = undefined;

  constructor(private readonly decoder: RespDecoder, private readonly table: CommandTable) {}

  /**
   * The next complete command, or null when more bytes are needed. Throws
   * the decoder's ProtocolError, after every command before the broken frame
   * has been taken.
   */
  take(db: Database): string[] | null {
    if (this.at === this.count && !this.decodeAhead(db)) return null;
    const at = this.at++;
    const argv = this.commands[at];
    this.taken = this.entries[at];
    const hash = this.keyHashes[at];
    if (hash !== NO_KEY) primeHash(argv[1], hash);
    const memberHash = this.memberHashes[at];
    if (memberHash !== NO_KEY) primeMemberHash(argv[this.taken!.memberArg], memberHash);
    return argv;
  }

  /**
   * Decodes the next commands and warms their keys in `db`, and the members
   * they look up when they all name the same collection (a pipeline of SADDs
   * to one set, the usual case: one table to warm); false when none is
   * complete.
   */
  private decodeAhead(db: Database): boolean {
    this.at = 0;
    this.count = 0;
    const error = this.error;
    if (error !== undefined) {
      this.error = undefined;
      throw error;
    }
    const table = this.table;
    const decoder = this.decoder;
    let n = 0;
    let keys = 0;
    let members = 0;
    let warmValues = false;
    let lastKey: string | null = null;
    let lastKeyHash = 0;
    // The one collection whose members are warmed: unknown (null) until a command names one.
    let collectionKey: string | null = null;
    let collection: Dict<unknown> | undefined = undefined;
    try {
      let argv: string[] | null;
      while (n < LOOKAHEAD && (argv = decoder.next()) !== null) {
        const command = table.lookup(argv[0]);
        this.commands[n] = argv;
        this.entries[n] = command;
        let hash = NO_KEY;
        if (command !== undefined && command.firstKey === 1 && argv.length > 1) {
          // A pipeline on one key (a set's SADDs) hashes it once: comparing costs less than hashing.
          const key = argv[1];
          if (key !== lastKey) {
            lastKey = key;
            lastKeyHash = hashOf(key);
          }
          hash = this.warmHashes[keys++] = lastKeyHash;
          warmValues ||= command.warmsValue;
        }
        this.keyHashes[n] = hash;
        let memberHash = NO_KEY;
        const memberAt = command === undefined ? 0 : command.memberArg;
        if (memberAt !== 0 && argv.length > memberAt) {
          if (collectionKey === null) {
            collectionKey = argv[1];
            // A plain read: no expiry and no access stamp, which are the command's to do when it runs.
            const value = db.data.get(collectionKey);
            collection = typeof value === "object" && "memberDict" in value
              ? value.memberDict?.()
              : undefined;
          } else if (argv[1] !== collectionKey) {
            collection = undefined;
          }
          if (collection !== undefined) {
            memberHash = this.warmMemberHashes[members++] = hashOf(argv[memberAt]);
          }
        }
        this.memberHashes[n++] = memberHash;
        if (command !== undefined && !command.lookaheadPast) break;
      }
    } catch (caught) {
      if (n === 0) throw caught;
      this.error = caught;
    }
    this.count = n;
    // One key is looked up soon enough by its command.
    if (keys > 1) warmDigest ^= db.warmEntries(this.warmHashes, keys, warmValues);
    if (members > 1 && collection !== undefined) {
      warmDigest ^= collection.warm(this.warmMemberHashes, members);
    }
    return n !== 0;
  }
}
