/**
 * List commands that move elements between lists or search a list, with Redis 7 semantics:
 * RPOPLPUSH, LMOVE, LINSERT, LPOS. Moves pop and push within one command (the source is
 * deleted once empty; source and destination may be the same list, which rotates it).
 */
import { equalBytes } from "../bytes.ts";
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { parseIndexArg, parseInt64 } from "../int64.ts";
import { keyword } from "../keys.ts";
import { listBytes } from "../keyspace.ts";
import type { Reply } from "../reply.ts";
import { commitAggregate, commitShrunk, keyAt, readTyped } from "./access.ts";
import { lists, newListEntry } from "./list.ts";

/** LMOVE's LEFT (true) or RIGHT (false). */
function side(arg: Uint8Array): boolean {
  const word = keyword(arg);
  if (word !== "LEFT" && word !== "RIGHT") throw errors.syntax();
  return word === "LEFT";
}

function move(
  ctx: CommandContext,
  args: readonly Uint8Array[],
  fromFront: boolean,
  toFront: boolean,
): Reply {
  const db = ctx.db;
  const srcKey = keyAt(args, 1);
  const dstKey = keyAt(args, 2);
  const src = db.getTyped(srcKey, "list");
  if (src === undefined) return null;
  const found = srcKey === dstKey ? src : db.getTyped(dstKey, "list");
  const dst = found ?? newListEntry();
  const item = (fromFront ? src.value.popFront() : src.value.popBack()) as Uint8Array;
  if (dst !== src) {
    commitShrunk(db, srcKey, src, src.value.length, listBytes(src.value) - src.bytes);
  }
  if (toFront) dst.value.pushFront(item);
  else dst.value.pushBack(item);
  commitAggregate(db, dstKey, dst, found === undefined, listBytes(dst.value) - dst.bytes);
  return item;
}

function linsert(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const where = keyword(args[2] as Uint8Array);
  if (where !== "BEFORE" && where !== "AFTER") throw errors.syntax();
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "list");
  if (entry === undefined) return 0;
  const list = entry.value;
  const pivot = args[3] as Uint8Array;
  let at = 0;
  for (const item of list) {
    if (equalBytes(item, pivot)) break;
    at++;
  }
  if (at === list.length) return -1;
  list.insert(where === "AFTER" ? at + 1 : at, args[4] as Uint8Array);
  ctx.db.resize(key, entry, listBytes(list));
  return list.length;
}

/** LPOS's COUNT or MAXLEN: ≥ 0, and anything else (even a non-number) is `message`. */
function parseNonNegative(arg: Uint8Array, message: string): number {
  const value = parseInt64(arg);
  if (value === undefined || value < 0) throw new CommandError(message);
  return Number(value);
}

function lpos(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let rank = 1;
  let count: number | undefined;
  let maxlen = 0;
  for (let i = 3; i < args.length; i++) {
    const option = keyword(args[i] as Uint8Array);
    const value = args[++i];
    if (value === undefined) throw errors.syntax();
    if (option === "RANK") {
      rank = parseIndexArg(value);
      if (rank === 0) throw errors.lposRankZero();
    } else if (option === "COUNT") {
      count = parseNonNegative(value, "ERR COUNT can't be negative");
    } else if (option === "MAXLEN") {
      maxlen = parseNonNegative(value, "ERR MAXLEN can't be negative");
    } else {
      throw errors.syntax();
    }
  }
  const list = readTyped(ctx.db, keyAt(args, 1), "list")?.value;
  if (list === undefined) return count === undefined ? null : [];
  const target = args[2] as Uint8Array;
  const fromBack = rank < 0;
  const wanted = count === undefined ? 1 : count === 0 ? Infinity : count;
  const found: number[] = [];
  let skip = Math.abs(rank) - 1;
  let seen = 0;
  for (const item of fromBack ? list.reversed() : list) {
    if (maxlen !== 0 && seen >= maxlen) break;
    if (equalBytes(item, target) && skip-- <= 0) {
      found.push(fromBack ? list.length - 1 - seen : seen);
      if (found.length >= wanted) break;
    }
    seen++;
  }
  return count === undefined ? found[0] ?? null : found;
}

const moves = { group: "list", firstKey: 1, lastKey: 2, step: 1 } as const;

export const listMoveCommands = [
  command({
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    ...moves,
    summary:
      "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
    since: "1.2.0",
    arguments: "source destination",
    handler: (ctx, args) => move(ctx, args, false, true),
  }),
  command({
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    ...moves,
    summary:
      "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
    since: "6.2.0",
    arguments: "source destination <LEFT | RIGHT> <LEFT | RIGHT>",
    handler: (ctx, args) => {
      const fromFront = side(args[3] as Uint8Array);
      return move(ctx, args, fromFront, side(args[4] as Uint8Array));
    },
  }),
  command({
    name: "linsert",
    arity: 5,
    flags: ["write", "denyoom"],
    ...lists,
    summary: "Inserts an element before or after another element in a list.",
    since: "2.2.0",
    arguments: "key <BEFORE | AFTER> pivot element",
    handler: linsert,
  }),
  command({
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    ...lists,
    summary: "Returns the index of matching elements in a list.",
    since: "6.0.6",
    arguments: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
    handler: lpos,
  }),
];
