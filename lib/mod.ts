/**
 * Redix as a library: start a Redis-compatible server inside a Deno program,
 * for example in tests.
 *
 * ```ts
 * import { startServer } from "./lib/mod.ts";
 * const redix = await startServer({ port: 0 });
 * // ... connect any Redis client to 127.0.0.1:redix.port ...
 * await redix.close();
 * ```
 *
 * @module
 */
import { Config } from "./config.ts";
import { RedixServer } from "./server/server.ts";

export { Config, ConfigError } from "./config.ts";
export { ListenError, RedixServer } from "./server/server.ts";
export { REDIS_VERSION, REDIX_VERSION } from "./version.ts";

export interface StartOptions {
  /** TCP port; 0 (the default here) picks a free one, reported as `port`. */
  port?: number;
  /** Address(es) to listen on, space separated as in redis.conf; default 127.0.0.1. */
  bind?: string;
  /** A redis.conf to load before the other options. */
  configFile?: string;
  /** Any other redis.conf parameters, e.g. `{ databases: 4, "proto-max-bulk-len": "1mb" }`. */
  config?: Record<string, string | number>;
  /** Log to standard output as the binary does; off by default when embedded. */
  log?: boolean;
  /**
   * Load `<dir>/<dbfilename>` at start if it exists. By default only when a
   * config file or `dir` or `dbfilename` is given: an embedded server does not
   * pick up a dump.rdb that happens to lie in its host's working directory.
   */
  load?: boolean;
}

export interface RunningServer {
  /** The port actually listened on. */
  port: number;
  server: RedixServer;
  /** Shuts down: stops accepting, sends replies in flight, closes connections. */
  close(): Promise<void>;
  /** Resolves when the server has shut down, by close() or a SHUTDOWN command. */
  closed: Promise<void>;
}

/** Quotes a value for a redis.conf line. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = new Config();
  if (options.configFile !== undefined) config.loadFile(options.configFile);
  const settings: Record<string, string | number> = {
    port: options.port ?? 0,
    bind: options.bind ?? "127.0.0.1",
    // Embedded, no save points unless asked: a library must not write dump.rdb
    // into its host's working directory on its own (SAVE and BGSAVE work as in
    // the binary; see `load` for loading at start).
    ...(options.configFile === undefined ? { save: "" } : {}),
    ...options.config,
  };
  const lines = Object.entries(settings).map(([name, value]) => {
    const values = name === "bind" ? String(value).split(" ") : [String(value)];
    return `${name} ${values.map(quote).join(" ")}`;
  });
  config.loadText(lines.join("\n"));
  const server = new RedixServer(config);
  server.log.enabled = options.log ?? false;
  server.loadOnStart = options.load ??
    (options.configFile !== undefined || options.config?.dir !== undefined ||
      options.config?.dbfilename !== undefined);
  await server.start();
  return {
    port: server.port,
    server,
    close: () => server.shutdown(),
    closed: server.closed,
  };
}
