/**
 * List commands with Redis 7 semantics: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP (with a
 * count), LRANGE, LLEN, LINDEX, LSET, LREM, LTRIM (the rest are in `list_moves.ts`).
 *
 * A list is a `PackedList` (elements packed into node buffers, like Redis's quicklist): pushes
 * and pops at either end are O(1) amortised, LINDEX/LSET walk nodes from the nearer end. The
 * accounted size follows `listBytes` after each change; a list left empty is deleted.
 */
import { equalBytes } from "../bytes.ts";
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { parseIndexArg, parseInt64 } from "../int64.ts";
import type { Entry } from "../keyspace.ts";
import { AGGREGATE_BYTES, listBytes } from "../keyspace.ts";
import { PackedList } from "../packed_list.ts";
import { NullArrayReply, OK, Reply } from "../reply.ts";
import { commitAggregate, commitShrunk, keyAt, readTyped } from "./access.ts";

export type ListEntry = Extract<Entry, { type: "list" }>;

/** An empty list entry, not yet stored (`commitAggregate` stores it with its final size). */
export function newListEntry(): ListEntry {
  return { type: "list", value: new PackedList(), bytes: AGGREGATE_BYTES };
}

function push(
  ctx: CommandContext,
  args: readonly Uint8Array[],
  front: boolean,
  onlyExisting: boolean,
): number {
  const key = keyAt(args, 1);
  const found = ctx.db.getTyped(key, "list");
  if (found === undefined && onlyExisting) return 0;
  const entry = found ?? newListEntry();
  const list = entry.value;
  for (let i = 2; i < args.length; i++) {
    if (front) list.pushFront(args[i] as Uint8Array);
    else list.pushBack(args[i] as Uint8Array);
  }
  commitAggregate(ctx.db, key, entry, found === undefined, listBytes(list) - entry.bytes);
  return list.length;
}

function pop(ctx: CommandContext, args: readonly Uint8Array[], front: boolean): Reply {
  if (args.length > 3) throw errors.arity(front ? "lpop" : "rpop");
  let count: number | undefined;
  if (args.length === 3) count = parsePositive(args[2] as Uint8Array);
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "list");
  if (entry === undefined) return count === undefined ? null : NullArrayReply.instance;
  if (count === 0) return [];
  const list = entry.value;
  const n = Math.min(count ?? 1, list.length);
  const items: Uint8Array[] = [];
  for (let i = 0; i < n; i++) items.push((front ? list.popFront() : list.popBack()) as Uint8Array);
  commitShrunk(ctx.db, key, entry, list.length, listBytes(list) - entry.bytes);
  return count === undefined ? items[0] ?? null : items;
}

/** A count that must be ≥ 0 (Redis's getPositiveLongFromObjectOrReply and its wording). */
function parsePositive(arg: Uint8Array): number {
  const value = parseInt64(arg);
  if (value === undefined || value < 0) {
    throw new CommandError("ERR value is out of range, must be positive");
  }
  return Number(value);
}

function lrange(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let start = parseIndexArg(args[2] as Uint8Array);
  let end = parseIndexArg(args[3] as Uint8Array);
  const list = readTyped(ctx.db, keyAt(args, 1), "list")?.value;
  if (list === undefined) return [];
  const n = list.length;
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (start > end || start >= n) return [];
  return list.slice(start, Math.min(end, n - 1) + 1);
}

// LINDEX and LSET look the key up before they parse the index (LRANGE and LTRIM parse first),
// as Redis does: a missing key or a wrong type wins over a bad index.
function lindex(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const list = readTyped(ctx.db, keyAt(args, 1), "list")?.value;
  if (list === undefined) return null;
  let index = parseIndexArg(args[2] as Uint8Array);
  if (index < 0) index += list.length;
  return list.at(index) ?? null;
}

function lset(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "list");
  if (entry === undefined) throw errors.noSuchKey();
  const list = entry.value;
  let index = parseIndexArg(args[2] as Uint8Array);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) throw errors.indexRange();
  list.set(index, args[3] as Uint8Array);
  ctx.db.resize(key, entry, listBytes(list));
  return OK;
}

function lrem(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const count = parseIndexArg(args[2] as Uint8Array);
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "list");
  if (entry === undefined) return 0;
  const list = entry.value;
  const target = args[3] as Uint8Array;
  const limit = count === 0 ? Infinity : Math.abs(count);
  // Matches are dropped from the head (count ≥ 0) or from the tail (count < 0).
  let dropped = 0;
  list.retain((item) => {
    if (dropped >= limit || !equalBytes(item, target)) return true;
    dropped++;
    return false;
  }, count < 0);
  if (dropped === 0) return 0;
  commitShrunk(ctx.db, key, entry, list.length, listBytes(list) - entry.bytes);
  return dropped;
}

function ltrim(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let start = parseIndexArg(args[2] as Uint8Array);
  let end = parseIndexArg(args[3] as Uint8Array);
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "list");
  if (entry === undefined) return OK;
  const list = entry.value;
  const n = list.length;
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  const empty = start > end || start >= n;
  const dropFront = empty ? n : start;
  const dropBack = empty ? 0 : n - Math.min(end, n - 1) - 1;
  if (dropFront + dropBack === 0) return OK;
  list.removeFront(dropFront);
  list.removeBack(dropBack);
  commitShrunk(ctx.db, key, entry, list.length, listBytes(list) - entry.bytes);
  return OK;
}

/** The table fields every one-key list command shares. */
export const lists = { group: "list", firstKey: 1, lastKey: 1, step: 1 } as const;

function pushRow(name: string, front: boolean, onlyExisting: boolean) {
  const end = front ? "Prepends" : "Appends";
  return command({
    name,
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    ...lists,
    summary: onlyExisting
      ? `${end} one or more elements to a list only when the list exists.`
      : `${end} one or more elements to a list. Creates the key if it doesn't exist.`,
    since: onlyExisting ? "2.2.0" : "1.0.0",
    arguments: "key element [element ...]",
    handler: (ctx, args) => push(ctx, args, front, onlyExisting),
  });
}

function popRow(name: string, front: boolean) {
  return command({
    name,
    arity: -2,
    flags: ["write", "fast"],
    ...lists,
    summary: `Returns and removes the ${
      front ? "first" : "last"
    } elements of a list. Deletes the list if the last element was popped.`,
    arguments: "key [count]",
    handler: (ctx, args) => pop(ctx, args, front),
  });
}

export const listCommands = [
  pushRow("lpush", true, false),
  pushRow("rpush", false, false),
  pushRow("lpushx", true, true),
  pushRow("rpushx", false, true),
  popRow("lpop", true),
  popRow("rpop", false),
  command({
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    ...lists,
    summary: "Returns a range of elements from a list.",
    arguments: "key start stop",
    handler: lrange,
  }),
  command({
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    ...lists,
    summary: "Returns the length of a list.",
    arguments: "key",
    handler: (ctx, args) => readTyped(ctx.db, keyAt(args, 1), "list")?.value.length ?? 0,
  }),
  command({
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    ...lists,
    summary: "Returns an element from a list by its index.",
    arguments: "key index",
    handler: lindex,
  }),
  command({
    name: "lset",
    arity: 4,
    flags: ["write", "denyoom"],
    ...lists,
    summary: "Sets the value of an element in a list by its index.",
    arguments: "key index element",
    handler: lset,
  }),
  command({
    name: "lrem",
    arity: 4,
    flags: ["write"],
    ...lists,
    summary: "Removes elements from a list. Deletes the list if the last element was removed.",
    arguments: "key count element",
    handler: lrem,
  }),
  command({
    name: "ltrim",
    arity: 4,
    flags: ["write"],
    ...lists,
    summary:
      "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
    arguments: "key start stop",
    handler: ltrim,
  }),
];
