/**
 * Persistence commands: SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF, with Redis's replies and
 * error texts. The work happens in `core/persist/` (`server.persistence`); these rows only
 * parse and answer. SAVE answers once its snapshot is durable, but unlike Redis the server
 * keeps serving other clients meanwhile (the snapshot is a point-in-time capture).
 */
import { command } from "../command.ts";
import { assert, errors } from "../errors.ts";
import { keyword } from "../keys.ts";
import { OK, Status } from "../reply.ts";
import type { ServerState } from "../server_state.ts";
import type { Persistence } from "../persist/persistence.ts";

function persistence(server: ServerState): Persistence {
  const p = server.persistence;
  assert(p !== undefined, "persistence is installed by main.ts start()");
  return p;
}

export const persistenceCommands = [
  command({
    name: "save",
    arity: 1,
    flags: ["admin", "noscript", "no_multi"],
    group: "server",
    summary: "Synchronously saves the database(s) to disk.",
    handler: async (ctx) => {
      await persistence(ctx.server).save();
      return OK;
    },
  }),
  command({
    name: "bgsave",
    arity: -1,
    flags: ["admin", "noscript"],
    group: "server",
    summary: "Asynchronously saves the database(s) to disk.",
    arguments: "[SCHEDULE]",
    handler: (ctx, args) => {
      if (args.length > 2 || (args.length === 2 && keyword(args[1] as Uint8Array) !== "SCHEDULE")) {
        throw errors.syntax();
      }
      persistence(ctx.server).startSave();
      return new Status("Background saving started");
    },
  }),
  command({
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    summary: "Returns the Unix timestamp of the last successful save to disk.",
    handler: (ctx) => persistence(ctx.server).lastSaveSec,
  }),
  command({
    name: "bgrewriteaof",
    arity: 1,
    flags: ["admin", "noscript"],
    group: "server",
    summary: "Asynchronously rewrites the append-only file to disk.",
    handler: (ctx) => {
      persistence(ctx.server).startRewrite();
      return new Status("Background append only file rewriting started");
    },
  }),
];
