/**
 * The full command table: every family's rows. Add a family here when it lands.
 */
import { CommandTable } from "../command.ts";
import { aiCommands } from "./ai.ts";
import { clusterCommands } from "./cluster.ts";
import { connectionCommands } from "./connection.ts";
import { dagCommands } from "./dag.ts";
import { databaseCommands } from "./databases.ts";
import { expireCommands } from "./expire.ts";
import { hashCommands } from "./hash.ts";
import { hashRandomCommands } from "./hash_random.ts";
import { keyCommands } from "./keys.ts";
import { listCommands } from "./list.ts";
import { listMoveCommands } from "./list_moves.ts";
import { modelCommands } from "./model.ts";
import { objectCommands } from "./object.ts";
import { persistenceCommands } from "./persistence.ts";
import { replicationCommands } from "./replication.ts";
import { scriptCommands } from "./script.ts";
import { serverCommands } from "./server.ts";
import { stringEditCommands } from "./string_edits.ts";
import { stringCommands } from "./strings.ts";
import { tensorCommands } from "./tensor.ts";
import { transactionCommands } from "./transactions.ts";

export function buildCommandTable(): CommandTable {
  return new CommandTable([
    connectionCommands,
    tensorCommands,
    modelCommands,
    aiCommands,
    scriptCommands,
    dagCommands,
    serverCommands,
    transactionCommands,
    clusterCommands,
    keyCommands,
    databaseCommands,
    expireCommands,
    stringCommands,
    stringEditCommands,
    hashCommands,
    hashRandomCommands,
    listCommands,
    listMoveCommands,
    persistenceCommands,
    replicationCommands,
    objectCommands,
  ]);
}
