/**
 * Shared test tooling: an in-process Redix on a free port, a raw TCP connection
 * that speaks RESP byte for byte, and a check for outside tools.
 *
 * @module
 */
import { type RunningServer, type StartOptions, startServer } from "../lib/mod.ts";
import assert from "node:assert/strict";
import { binaryToBytes, bytesToBinary } from "../lib/util/latin1.ts";

export { binaryToBytes, bytesToBinary };

/** Every byte value once, as a binary string: the binary-safety test value. */
export const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");

/** Starts Redix on 127.0.0.1 and a free port; close it with `await redix.close()`. */
export function startTestServer(options: StartOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, ...options });
}

/** Runs `fn` against a fresh server, closing the server whatever happens. */
export async function withServer(
  fn: (redix: RunningServer) => Promise<void>,
  options: StartOptions = {},
): Promise<void> {
  const redix = await startTestServer(options);
  try {
    await fn(redix);
  } finally {
    await redix.close();
  }
}

/** A decoded reply. Errors are kept as values so tests can compare them. */
export type Reply =
  | string
  | number
  | bigint
  | null
  | boolean
  | Reply[]
  | { error: string }
  | { map: [Reply, Reply][] }
  | { set: Reply[] }
  | { push: Reply[] }
  | { double: string }
  | { verbatim: string; format: string };

/**
 * A RESP connection that sends raw bytes and parses replies (RESP2 and RESP3),
 * for tests that must see exactly what the server writes.
 */
export class RawConnection {
  private buffer = new Uint8Array(0);
  private constructor(readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends bytes or a binary string as is. */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? binaryToBytes(data) : data;
    let sent = 0;
    while (sent < bytes.length) sent += await this.conn.write(bytes.subarray(sent));
  }

  /** Sends one command as a multibulk. */
  async command(...args: string[]): Promise<Reply> {
    await this.send(encodeCommand(args));
    return await this.reply();
  }

  /** Reads more bytes; false at end of stream. */
  private async fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const merged = new Uint8Array(this.buffer.length + n);
    merged.set(this.buffer);
    merged.set(chunk.subarray(0, n), this.buffer.length);
    this.buffer = merged;
    return true;
  }

  /** Reads exactly what is next on the wire up to and including CRLF. */
  private async line(): Promise<string> {
    while (true) {
      const lf = this.buffer.indexOf(10);
      if (lf > 0 && this.buffer[lf - 1] === 13) {
        const text = bytesToBinary(this.buffer.subarray(0, lf - 1));
        this.buffer = this.buffer.subarray(lf + 1);
        return text;
      }
      if (!await this.fill()) throw new Error("connection closed");
    }
  }

  private async bytes(n: number): Promise<string> {
    while (this.buffer.length < n + 2) {
      if (!await this.fill()) throw new Error("connection closed");
    }
    const text = bytesToBinary(this.buffer.subarray(0, n));
    this.buffer = this.buffer.subarray(n + 2);
    return text;
  }

  /** Reads and decodes one reply. */
  async reply(): Promise<Reply> {
    const line = await this.line();
    const type = line[0];
    const rest = line.slice(1);
    const items = async (n: number) => {
      const out: Reply[] = [];
      for (let i = 0; i < n; i++) out.push(await this.reply());
      return out;
    };
    switch (type) {
      case "+":
        return rest;
      case "-":
        return { error: rest };
      case ":":
        return Number.isSafeInteger(Number(rest)) ? Number(rest) : BigInt(rest);
      case "$":
        return rest === "-1" ? null : await this.bytes(Number(rest));
      case "*":
        return rest === "-1" ? null : await items(Number(rest));
      case "_":
        return null;
      case "#":
        return rest === "t";
      case ",":
        return { double: rest };
      case "~":
        return { set: await items(Number(rest)) };
      case ">":
        return { push: await items(Number(rest)) };
      case "%": {
        const flat = await items(Number(rest) * 2);
        const map: [Reply, Reply][] = [];
        for (let i = 0; i < flat.length; i += 2) map.push([flat[i], flat[i + 1]]);
        return { map };
      }
      case "=": {
        const text = await this.bytes(Number(rest));
        return { verbatim: text.slice(4), format: text.slice(0, 3) };
      }
      default:
        throw new Error(`unexpected reply line ${JSON.stringify(line)}`);
    }
  }

  /** Reads everything until the server closes the connection. */
  async readToEnd(): Promise<string> {
    while (await this.fill().catch(() => false)) {
      // keep reading
    }
    const text = bytesToBinary(this.buffer);
    this.buffer = new Uint8Array(0);
    return text;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** Encodes a command as a RESP multibulk binary string. */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

/** Whether an outside program is on PATH (redis-cli, redis-server ...). */
export async function hasProgram(name: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs` (a safety net, not a timing assert). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts a throwaway redis-server on a free port, without persistence unless
 * `args` asks for it (later arguments override earlier ones). With `tls`, the
 * free port is its TLS port and the plain one is off (`args` then names the
 * certificate and key).
 */
export async function startRedis(
  args: string[] = [],
  tls = false,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const ports = tls ? ["--port", "0", "--tls-port", String(port)] : ["--port", String(port)];
  const child = new Deno.Command("redis-server", {
    args: [...ports, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...args],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(async () => {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      return false;
    }
  }, "redis-server to listen");
  return {
    port,
    stop: async () => {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

/**
 * Orders that follow each server's own hash table are compared sorted: CONFIG
 * GET's pairs, KEYS, and the keys of a SCAN reply (whose cursor only agrees when
 * it is 0, that is when one call covered the whole database). HELLO's map names
 * each server and its version, so a script may switch to RESP3 with HELLO 3 and
 * only its success is compared.
 */
function normalize(command: string[], reply: Reply): Reply {
  const name = command[0]?.toUpperCase();
  if (name === "HELLO" && reply !== null && typeof reply === "object" && "map" in reply) return "HELLO map";
  if (!Array.isArray(reply)) return reply;
  if (name === "KEYS") return [...reply].sort();
  if (name === "SCAN" && Array.isArray(reply[1])) return [reply[0], [...reply[1]].sort()];
  if (name !== "CONFIG" || command[1] !== "GET") return reply;
  const pairs: string[] = [];
  for (let i = 0; i < reply.length; i += 2) pairs.push(`${reply[i]}=${reply[i + 1]}`);
  return pairs.sort();
}

export async function runScript(port: number, script: string[][]): Promise<Reply[]> {
  const conn = await RawConnection.open(port);
  try {
    await conn.command("FLUSHALL");
    const replies: Reply[] = [];
    for (const command of script) replies.push(normalize(command, await conn.command(...command)));
    return replies;
  } finally {
    conn.close();
  }
}

/**
 * A test body that runs `observe` against a real redis-server, then against a
 * fresh Redix, and asserts both saw the same: for what a command script cannot
 * capture (a MONITOR stream, the raw bytes of a pipeline). Callers skip the
 * test when redis-server is absent (HAVE_REDIS).
 */
export function sameAsRedis<T>(observe: (port: number) => Promise<T>): () => Promise<void> {
  return async () => {
    const redis = await startRedis();
    try {
      const expected = await observe(redis.port);
      await withServer(async ({ port }) => assert.deepEqual(await observe(port), expected));
    } finally {
      await redis.stop();
    }
  };
}

/**
 * A test body that runs each named script on a fresh connection to a real
 * redis-server and to Redix, and asserts the replies are equal, one step per
 * script. Callers skip the test when redis-server is absent (HAVE_REDIS).
 */
export function sameRepliesAsRedis(
  scripts: Record<string, string[][]>,
  options: StartOptions = {},
): (t: Deno.TestContext) => Promise<void> {
  return compareWithRedis(
    scripts,
    runScript,
    (command) => command.map((a) => JSON.stringify(a.slice(0, 40))).join(" "),
    options,
  );
}

/** Runs each script on both servers and compares what each of its entries produced. */
function compareWithRedis<Entry, Result>(
  scripts: Record<string, Entry[]>,
  run: (port: number, script: Entry[]) => Promise<Result[]>,
  describe: (entry: Entry, index: number) => string,
  options: StartOptions = {},
): (t: Deno.TestContext) => Promise<void> {
  return async (t) => {
    const redis = await startRedis();
    const redix = await startTestServer(options);
    try {
      for (const [name, script] of Object.entries(scripts)) {
        await t.step(name, async () => {
          const expected = await run(redis.port, script);
          const actual = await run(redix.port, script);
          for (let i = 0; i < script.length; i++) {
            assert.deepEqual(actual[i], expected[i], describe(script[i], i));
          }
        });
      }
    } finally {
      await redix.close();
      await redis.stop();
    }
  };
}

/** Whether redis-server is installed, for tests that compare with it. */
export const HAVE_REDIS = await hasProgram("redis-server");

/**
 * One step of a script over several connections: which connection sends the
 * command (none: only read), and how many replies and pushes to read from it.
 */
export type Step = [connection: number, command: string[], replies?: number];

/** Runs steps over `connections` fresh connections (after FLUSHALL); the replies read at each step. */
export async function runSteps(port: number, connections: number, steps: Step[]): Promise<Reply[][]> {
  const conns = await Promise.all(Array.from({ length: connections }, () => RawConnection.open(port)));
  try {
    await conns[0].command("FLUSHALL");
    const out: Reply[][] = [];
    for (const [index, command, replies = 1] of steps) {
      if (command.length !== 0) await conns[index].send(encodeCommand(command));
      const got: Reply[] = [];
      for (let i = 0; i < replies; i++) got.push(normalize(command, await conns[index].reply()));
      out.push(got);
    }
    return out;
  } finally {
    for (const conn of conns) conn.close();
  }
}

/**
 * Like {@link sameRepliesAsRedis} for scripts of {@link Step}s over several
 * connections, as pub/sub needs: every step reads the same replies from both.
 */
export function sameStepsAsRedis(
  connections: number,
  scripts: Record<string, Step[]>,
): (t: Deno.TestContext) => Promise<void> {
  return compareWithRedis(
    scripts,
    (port, steps) => runSteps(port, connections, steps),
    ([connection, command], i) => `step ${i}: connection ${connection} ${command.join(" ")}`,
  );
}

/** The number of blocked clients, from INFO clients. */
export async function blockedClients(admin: RawConnection): Promise<number> {
  const info = await admin.command("INFO", "clients") as string;
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

/** Sends a blocking command on a new connection (after HELLO 3 when `resp3`); its reply is read later. */
export async function waiter(port: number, argv: string[], resp3 = false): Promise<RawConnection> {
  const conn = await RawConnection.open(port);
  if (resp3) await conn.command("HELLO", "3");
  await conn.send(encodeCommand(argv));
  return conn;
}

/** Waits until exactly `n` clients are blocked: the waiters are parked, in the order they were sent. */
export async function blocked(admin: RawConnection, n: number): Promise<void> {
  await waitFor(async () => await blockedClients(admin) === n, `${n} blocked clients`);
}

/** Several clients acting in turn, returning what they saw. */
export interface Scenario {
  run: (port: number, admin: RawConnection) => Promise<Reply[]>;
  expected: Reply[];
}

/**
 * Registers the scenarios twice, each run on a flushed database: on Redix, and
 * (where installed) on redis-server, so that the expectations are Redis's own.
 */
export function scenarioTests(name: string, scenarios: Record<string, Scenario>): void {
  const runAll = (port: () => number) => async (t: Deno.TestContext) => {
    for (const [step, { run, expected }] of Object.entries(scenarios)) {
      await t.step(step, async () => {
        const admin = await RawConnection.open(port());
        try {
          await admin.command("FLUSHALL");
          assert.deepEqual(await run(port(), admin), expected);
        } finally {
          admin.close();
        }
      });
    }
  };
  Deno.test(name, async (t) => {
    const redix = await startTestServer();
    try {
      await runAll(() => redix.port)(t);
    } finally {
      await redix.close();
    }
  });
  Deno.test({
    name: `${name}: the expectations are redis-server's`,
    ignore: !HAVE_REDIS,
    fn: async (t) => {
      const redis = await startRedis();
      try {
        await runAll(() => redis.port)(t);
      } finally {
        await redis.stop();
      }
    },
  });
}
