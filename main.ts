/**
 * The redix binary: `redix [path/to/redis.conf] [--name value ...]`, like
 * redis-server.
 *
 * @module
 */
import { ConfigError, parseCommandLine } from "./lib/config.ts";
import { ListenError, RedixServer } from "./lib/server/server.ts";
import { REDIS_VERSION, REDIX_VERSION } from "./lib/version.ts";

const USAGE = `Usage: redix [/path/to/redis.conf] [options]
       redix -v or --version
       redix -h or --help

Every redis.conf parameter is also an option: --name value [value ...]

Examples:
       redix (run the server with default conf, on 127.0.0.1:6379)
       redix /etc/redis/6379.conf
       redix --port 7777
       redix --port 0 (a free port, printed at start)
       redix /etc/myredis.conf --loglevel verbose --save 60 100
`;

async function main(): Promise<number> {
  let commandLine;
  try {
    commandLine = await parseCommandLine(Deno.args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`redix: ${error.message}`);
    return 1;
  }
  if (commandLine.action === "help") {
    console.log(USAGE);
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
    if (!(error instanceof ListenError)) throw error;
    console.error(`redix: ${error.message}`);
    return 1;
  }
  server.logStartup();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      server.log.warning(`Received ${signal} scheduling shutdown...`);
      server.shutdown();
    });
  }
  await server.closed;
  return 0;
}

Deno.exit(await main());
