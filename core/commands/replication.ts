/**
 * Replication commands as a master without replicas answers them: ROLE, WAIT and
 * REPLICAOF / SLAVEOF. inferdb never replicates, so there is nothing to wait for or follow.
 */
import { parseIntArg, parseIntOrUndefined } from "../args.ts";
import { command, type CommandContext } from "../command.ts";
import { CommandError } from "../errors.ts";
import { keyword } from "../keys.ts";
import { OK, Reply } from "../reply.ts";

/**
 * No replica can acknowledge, so the count is always 0. Redis would first block until the
 * timeout when more replicas are asked for (forever with timeout 0); answering at once gives
 * the same count without pinning the connection.
 */
function wait(_ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  parseIntArg(args[1] as Uint8Array);
  const timeout = parseIntOrUndefined(args[2] as Uint8Array);
  if (timeout === undefined) {
    throw new CommandError("ERR timeout is not an integer or out of range");
  }
  if (timeout < 0) throw new CommandError("ERR timeout is negative");
  return 0;
}

function replicaof(_ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const host = args[1] as Uint8Array;
  const port = args[2] as Uint8Array;
  if (keyword(host) === "NO" && keyword(port) === "ONE") return OK;
  const portNumber = parseIntOrUndefined(port);
  if (portNumber === undefined || portNumber < 0 || portNumber > 65535) {
    throw new CommandError("ERR Invalid master port");
  }
  // INFO reports cluster_enabled:1 (SmartRedis's default mode); a cluster node says this.
  throw new CommandError("ERR REPLICAOF not allowed in cluster mode.");
}

const replicaofRow = {
  arity: 3,
  flags: ["admin", "noscript", "stale"],
  group: "server",
  summary: "Makes the server a replica of another instance, or promotes it to master.",
  arguments: "<host port | NO ONE>",
  handler: replicaof,
} as const;

export const replicationCommands = [
  command({
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    group: "server",
    summary: "Returns the replication role.",
    since: "2.8.12",
    handler: () => ["master", 0, []],
  }),
  command({
    name: "wait",
    arity: 3,
    flags: ["noscript"],
    group: "generic",
    summary: "Blocks until the asynchronous replication of all preceding write commands " +
      "sent by the connection is completed.",
    since: "3.0.0",
    arguments: "numreplicas timeout",
    handler: wait,
  }),
  command({ name: "replicaof", since: "5.0.0", ...replicaofRow }),
  command({ name: "slaveof", ...replicaofRow }),
];
