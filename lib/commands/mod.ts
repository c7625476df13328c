/**
 * Every command family's definitions, gathered into the one list the command
 * table is built from. A new family adds one import and one spread here.
 *
 * @module
 */
import { bitmapCommands } from "./bitmaps.ts";
import { commandCommands } from "./command.ts";
import { connectionCommands } from "./connection.ts";
import { infoCommands } from "./info.ts";
import { keyCommands } from "./keys.ts";
import { serverCommands } from "./server.ts";
import { stringCommands } from "./strings.ts";
import type { CommandDefinition } from "./table.ts";

export const commandDefinitions: CommandDefinition[] = [
  ...connectionCommands,
  ...stringCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...serverCommands,
  ...infoCommands,
  ...commandCommands,
];
