/**
 * Every command family's definitions, gathered into the one list the command
 * table is built from. A new family adds one import and one spread here.
 *
 * @module
 */
import { aclCommands } from "./acl.ts";
import { bitmapCommands } from "./bitmaps.ts";
import { commandCommands } from "./command.ts";
import { connectionCommands } from "./connection.ts";
import { debugCommands } from "./debug.ts";
import { dumpCommands } from "./dump.ts";
import { hashCommands } from "./hashes.ts";
import { infoCommands } from "./info.ts";
import { keyCommands } from "./keys.ts";
import { listCommands } from "./lists.ts";
import { lolwutCommands } from "./lolwut.ts";
import { migrateCommands } from "./migrate.ts";
import { memoryCommands } from "./memory.ts";
import { monitorCommands } from "./monitor.ts";
import { persistenceCommands } from "./persistence.ts";
import { pubsubCommands } from "./pubsub.ts";
import { serverCommands } from "./server.ts";
import { setCommands } from "./sets.ts";
import { sortCommands } from "./sort.ts";
import { sortedSetCommands } from "./sorted_sets.ts";
import { stringCommands } from "./strings.ts";
import { transactionCommands } from "./transactions.ts";
import type { CommandDefinition } from "./table.ts";

export const commandDefinitions: CommandDefinition[] = [
  ...connectionCommands,
  ...stringCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...sortedSetCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...dumpCommands,
  ...migrateCommands,
  ...pubsubCommands,
  ...sortCommands,
  ...transactionCommands,
  ...serverCommands,
  ...memoryCommands,
  ...lolwutCommands,
  ...persistenceCommands,
  ...monitorCommands,
  ...infoCommands,
  ...commandCommands,
  ...debugCommands,
  ...aclCommands,
];
