/**
 * The redix binary: `redix [path/to/redis.conf] [--name value ...]`, like
 * redis-server.
 *
 * @module
 */
import { ConfigError, parseCommandLine, usage } from "./lib/config.ts";
import { ListenError, RedixServer } from "./lib/server/server.ts";
import { LoadError } from "./lib/persistence/save.ts";
import { checkRdbMain } from "./lib/persistence/check_rdb.ts";
import { checkAofMain } from "./lib/persistence/aof_check.ts";
import { REDIS_VERSION, REDIX_VERSION } from "./lib/version.ts";

async function main(): Promise<number> {
  // `redix --check-rdb FILE`: redis-check-rdb.
  if (Deno.args[0] === "--check-rdb") return checkRdbMain(Deno.args.slice(1));
  // `redix --check-aof [--fix] FILE`: redis-check-aof.
  if (Deno.args[0] === "--check-aof") return checkAofMain(Deno.args.slice(1));
  let commandLine;
  try {
    commandLine = await parseCommandLine(Deno.args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`redix: ${error.message}`);
    return 1;
  }
  if (commandLine.action === "help") {
    console.log(usage());
    return 0;
  }
  if (commandLine.action === "version") {
    console.log(`Redix v=${REDIX_VERSION} redis_compat=${REDIS_VERSION} deno=${Deno.version.deno} bits=64`);
    return 0;
  }
  const server = new RedixServer(commandLine.config);
  try {
    await server.start();
  } catch (error) {
    if (!(error instanceof ListenError || error instanceof LoadError)) throw error;
    console.error(`redix: ${error.message}`);
    return 1;
  }
  server.logStartup();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => server.signal(signal));
  }
  await server.closed;
  return 0;
}

Deno.exit(await main());
