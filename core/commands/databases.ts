/**
 * Commands between databases, with Redis 7 semantics: MOVE (one key, any type, with its TTL,
 * only when the target lacks it) and SWAPDB (two databases exchange their contents). Both are
 * logged as commands: replaying them against the same keyspace gives the same result.
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { parseInt64 } from "../int64.ts";
import type { Db } from "../keyspace.ts";
import { OK, Reply } from "../reply.ts";
import { keyAt } from "./access.ts";

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;

/** A database index as Redis's getIntFromObjectOrReply reads it; `message` replaces its error. */
function parseDbIndex(arg: Uint8Array, message?: string): number {
  const value = parseInt64(arg);
  if (value !== undefined && value >= INT_MIN && value <= INT_MAX) return Number(value);
  if (message !== undefined) throw new CommandError(message);
  if (value === undefined) throw errors.notInteger();
  throw errors.rangeBetween(INT_MIN, INT_MAX);
}

function dbAt(ctx: CommandContext, index: number): Db {
  const db = ctx.server.keyspace.dbs[index];
  if (db === undefined) throw errors.dbIndex();
  return db;
}

function move(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const target = dbAt(ctx, parseDbIndex(args[2] as Uint8Array));
  const db = ctx.db;
  if (target === db) throw errors.sameObject();
  const key = keyAt(args, 1);
  const entry = db.get(key);
  if (entry === undefined || target.get(key) !== undefined) return 0;
  const ttl = db.ttlAt(key);
  db.delete(key);
  target.set(key, entry);
  if (ttl !== undefined) target.setExpire(key, ttl);
  return 1;
}

function swapdb(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const a = parseDbIndex(args[1] as Uint8Array, "ERR invalid first DB index");
  const b = parseDbIndex(args[2] as Uint8Array, "ERR invalid second DB index");
  const first = dbAt(ctx, a);
  const second = dbAt(ctx, b);
  if (first !== second) ctx.server.keyspace.swap(first, second);
  return OK;
}

export const databaseCommands = [
  command({
    name: "move",
    arity: 3,
    flags: ["write", "fast"],
    group: "generic",
    firstKey: 1,
    lastKey: 1,
    step: 1,
    summary: "Moves a key to another database.",
    arguments: "key db",
    handler: move,
  }),
  command({
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    group: "server",
    summary: "Swaps two Redis databases.",
    since: "4.0.0",
    arguments: "index1 index2",
    handler: swapdb,
  }),
];
