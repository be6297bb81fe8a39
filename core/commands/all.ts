/**
 * The full command table: every family's rows. Add a family here when it lands.
 */
import { CommandTable } from "../command.ts";
import { connectionCommands } from "./connection.ts";

export function buildCommandTable(): CommandTable {
  return new CommandTable([connectionCommands]);
}
