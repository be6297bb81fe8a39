/**
 * Server administration: DBSIZE, TIME, FLUSHDB, FLUSHALL, SHUTDOWN, SLOWLOG and MONITOR, plus
 * the rows of the other admin families (CLIENT, CONFIG, INFO, COMMAND) so the table registers
 * them as one family. SHUTDOWN hands over to `server.shutdown`, which main.ts installs.
 */
import { parseIntOrUndefined } from "../args.ts";
import { command, type CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { keyword } from "../keys.ts";
import { OK, Reply } from "../reply.ts";
import type { SlowlogEntry } from "../server_state.ts";
import { clientCommands } from "./client.ts";
import { configCommands } from "./config.ts";
import { container } from "./container.ts";
import { infoCommands } from "./info.ts";
import { introspectionCommands } from "./introspection.ts";

/** Parses the optional ASYNC | SYNC of FLUSHDB / FLUSHALL (both flush at once here). */
function checkFlushMode(args: readonly Uint8Array[]): void {
  if (args.length > 2) throw errors.syntax();
  const mode = args[1];
  if (mode !== undefined && !["ASYNC", "SYNC"].includes(keyword(mode))) throw errors.syntax();
}

async function shutdown(ctx: CommandContext, args: readonly Uint8Array[]): Promise<Reply> {
  let save: boolean | undefined;
  const options = args.slice(1).map(keyword);
  if (options.includes("ABORT")) {
    if (options.some((o) => o !== "ABORT")) throw errors.syntax();
    // Shutting down never waits here (no replicas to catch up), so none is ever in progress.
    throw new CommandError("ERR No shutdown in progress.");
  }
  for (const option of options) {
    if (option === "NOSAVE" && save !== true) save = false;
    else if (option === "SAVE" && save !== false) save = true;
    else if (option !== "NOW" && option !== "FORCE") throw errors.syntax();
  }
  try {
    await ctx.server.shutdown(save);
  } catch (e) {
    console.error("inferdb: SHUTDOWN failed:", e);
    throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
  }
  return OK;
}

function slowlogEntry(e: SlowlogEntry): Reply {
  return [e.id, e.timeSec, e.durationUs, e.args, e.addr, e.name];
}

function slowlogGet(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  if (args.length > 3) throw errors.syntax();
  const countArg = args[2];
  const count = countArg === undefined ? 10 : parseIntOrUndefined(countArg);
  if (count === undefined || count < -1) {
    throw new CommandError("ERR count should be greater than or equal to -1");
  }
  const entries = count === -1 ? ctx.server.slowlog : ctx.server.slowlog.slice(0, count);
  return entries.map(slowlogEntry);
}

const ownCommands = [
  command({
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    group: "server",
    summary: "Returns the number of keys in the database.",
    handler: (ctx) => ctx.db.size,
  }),
  command({
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    summary: "Returns the server time.",
    since: "2.6.0",
    handler: (ctx) => {
      const nowMs = ctx.server.now();
      return [String(Math.floor(nowMs / 1000)), String(Math.floor((nowMs % 1000) * 1000))];
    },
  }),
  command({
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    group: "server",
    summary: "Removes all keys from the current database.",
    arguments: "[ASYNC | SYNC]",
    handler: (ctx, args) => {
      checkFlushMode(args);
      ctx.db.flush();
      return OK;
    },
  }),
  command({
    name: "flushall",
    arity: -1,
    flags: ["write"],
    group: "server",
    summary: "Removes all keys from all databases.",
    arguments: "[ASYNC | SYNC]",
    handler: (ctx, args) => {
      checkFlushMode(args);
      for (const db of ctx.server.keyspace.dbs) db.flush();
      return OK;
    },
  }),
  command({
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    group: "server",
    summary: "Synchronously saves the database(s) to disk and shuts down the server.",
    arguments: "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]",
    handler: shutdown,
  }),
  command({
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    summary: "Listens for all requests received by the server in real-time.",
    handler: (ctx) => {
      ctx.client.monitor = true;
      ctx.server.monitors.add(ctx.client);
      return OK;
    },
  }),
  container({
    name: "slowlog",
    flags: ["admin", "loading", "stale"],
    group: "server",
    summary: "A container for slow log commands.",
    since: "2.2.12",
  }, [
    {
      name: "get",
      arity: -2,
      summary: "Returns the slow log's entries.",
      arguments: "[count]",
      handler: slowlogGet,
    },
    {
      name: "len",
      arity: 2,
      summary: "Returns the number of entries in the slow log.",
      handler: (ctx) => ctx.server.slowlog.length,
    },
    {
      name: "reset",
      arity: 2,
      summary: "Clears all entries from the slow log.",
      handler: (ctx) => {
        ctx.server.slowlog.length = 0;
        return OK;
      },
    },
  ]),
];

/** Every server/admin row: this file's and the CLIENT, CONFIG, INFO and COMMAND families. */
export const serverCommands = [
  ...ownCommands,
  ...clientCommands,
  ...configCommands,
  ...infoCommands,
  ...introspectionCommands,
];
