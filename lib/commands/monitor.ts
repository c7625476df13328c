/**
 * MONITOR: makes the connection a monitor, which sees every command the server
 * runs (lib/server/monitor.ts streams them).
 *
 * @module
 */
import type { Client } from "../server/client.ts";
import type { CommandDefinition } from "./table.ts";

function monitor(client: Client): void {
  // A client that expects one reply per command (inside EXEC) cannot turn into a stream.
  if (!client.canBlock) {
    client.writer.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  const monitors = client.server.monitors.clients;
  // A second MONITOR is ignored without a reply, as in Redis.
  if (monitors.has(client)) return;
  monitors.add(client);
  client.writer.ok();
}

export const monitorCommands: CommandDefinition[] = [
  {
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    since: "1.0.0",
    summary: "Listen for all requests received by the server in real time",
    handler: monitor,
  },
];
