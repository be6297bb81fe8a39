/**
 * String commands that compute with or edit part of a value, with Redis 7 semantics: INCR,
 * DECR, INCRBY, DECRBY, INCRBYFLOAT (exact x87 long double results, as Redis prints them),
 * APPEND, STRLEN, GETRANGE (and its old name SUBSTR), SETRANGE, LCS.
 *
 * A stored value is never changed in place where anyone could see it: SETRANGE writes a new
 * buffer, and APPEND only writes past the end of the current view into spare capacity that
 * exactly one view owns (the `appendable` token moves to the longer view), so replies queued
 * without copying and values shared by COPY or a snapshot never change under their holders.
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import {
  addInt64,
  Int64,
  negateInt64,
  parseIndexArg,
  parseInt64,
  parseInt64Arg,
} from "../int64.ts";
import { keyword, text } from "../keys.ts";
import { addLongDouble, formatLongDouble, INFINITE, parseLongDouble } from "../long_double.ts";
import { MapReply, type Reply } from "../reply.ts";
import { asciiBytes, ownedBytes } from "../value_arena.ts";
import { keyAt, readEntry, readTyped, stringEntry } from "./access.ts";

const GROW_STEP_BYTES = 1024 * 1024;
const strings = { group: "string", firstKey: 1, lastKey: 1, step: 1 } as const;
const EMPTY = new Uint8Array(0);

/** Values whose buffer has spare room past their end that they alone may fill (APPEND). */
const appendable = new WeakSet<Uint8Array>();

function incrBy(ctx: CommandContext, args: readonly Uint8Array[], delta: Int64): Int64 {
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "string");
  const current = entry === undefined ? 0 : parseInt64(entry.value);
  if (current === undefined) throw errors.notInteger();
  const result = addInt64(current, delta);
  ctx.db.set(key, stringEntry(asciiBytes(String(result))), true);
  return result;
}

function incrByFloat(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "string");
  const current = entry === undefined ? { q: 0n, e: 0 } : parseLongDouble(text(entry.value));
  const delta = parseLongDouble(text(args[2] as Uint8Array));
  if (current === undefined || delta === undefined) throw errors.notFloat();
  const sum = current === INFINITE || delta === INFINITE ? INFINITE : addLongDouble(current, delta);
  if (sum === INFINITE) throw new CommandError("ERR increment would produce NaN or Infinity");
  const value = asciiBytes(formatLongDouble(sum));
  ctx.db.set(key, stringEntry(value), true);
  return value;
}

/** Refuses a string longer than proto-max-bulk-len, as Redis's checkStringLength does. */
function checkStringLength(ctx: CommandContext, size: number, extra: number): void {
  if (size + extra > ctx.server.config["proto-max-bulk-len"]) {
    throw new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
}

function append(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const key = keyAt(args, 1);
  const add = args[2] as Uint8Array;
  const entry = ctx.db.getTyped(key, "string");
  if (entry === undefined) {
    ctx.db.set(key, stringEntry(ownedBytes(add)));
    return add.length;
  }
  const old = entry.value;
  checkStringLength(ctx, old.length, add.length);
  const total = old.length + add.length;
  let value: Uint8Array;
  if (appendable.has(old) && old.byteOffset + total <= old.buffer.byteLength) {
    appendable.delete(old);
    value = new Uint8Array(old.buffer, old.byteOffset, total);
  } else {
    // Grow like Redis's sds: double while small, then a fixed step, so appends are amortised O(1).
    const capacity = total < GROW_STEP_BYTES ? total * 2 : total + GROW_STEP_BYTES;
    value = new Uint8Array(capacity).subarray(0, total);
    value.set(old);
  }
  value.set(add, old.length);
  appendable.add(value);
  ctx.db.set(key, { type: "string", value, bytes: value.buffer.byteLength + 16 }, true);
  return total;
}

function getrange(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  let start = parseIndexArg(args[2] as Uint8Array);
  let end = parseIndexArg(args[3] as Uint8Array);
  const entry = readTyped(ctx.db, keyAt(args, 1), "string");
  if (entry === undefined) return EMPTY;
  const value = entry.value;
  const n = value.length;
  if (start < 0 && end < 0 && start > end) return EMPTY;
  if (start < 0) start = Math.max(0, n + start);
  if (end < 0) end = Math.max(0, n + end);
  if (end >= n) end = n - 1;
  if (start > end || n === 0) return EMPTY;
  return value.subarray(start, end + 1);
}

function setrange(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const offset = parseIndexArg(args[2] as Uint8Array);
  if (offset < 0) throw new CommandError("ERR offset is out of range");
  const key = keyAt(args, 1);
  const patch = args[3] as Uint8Array;
  const entry = ctx.db.getTyped(key, "string");
  const old = entry?.value ?? EMPTY;
  if (patch.length === 0) return old.length;
  checkStringLength(ctx, offset, patch.length);
  const value = new Uint8Array(Math.max(old.length, offset + patch.length));
  value.set(old);
  value.set(patch, offset);
  ctx.db.set(key, stringEntry(value), true);
  return value.length;
}

interface LcsOptions {
  idx: boolean;
  len: boolean;
  withMatchLen: boolean;
  minMatchLen: Int64;
}

function lcsOptions(args: readonly Uint8Array[]): LcsOptions {
  const options: LcsOptions = { idx: false, len: false, withMatchLen: false, minMatchLen: 0 };
  for (let i = 3; i < args.length; i++) {
    const word = keyword(args[i] as Uint8Array);
    if (word === "IDX") options.idx = true;
    else if (word === "LEN") options.len = true;
    else if (word === "WITHMATCHLEN") options.withMatchLen = true;
    else if (word === "MINMATCHLEN" && i + 1 < args.length) {
      const min = parseInt64Arg(args[++i] as Uint8Array);
      options.minMatchLen = min < 0 ? 0 : min;
    } else throw errors.syntax();
  }
  if (options.idx && options.len) {
    throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
  }
  return options;
}

/** The value of a string key for LCS (a missing key is the empty string). */
function lcsValue(ctx: CommandContext, args: readonly Uint8Array[], i: number): Uint8Array {
  const entry = readEntry(ctx.db, keyAt(args, i));
  if (entry === undefined) return EMPTY;
  if (entry.type !== "string") {
    throw new CommandError("ERR The specified keys must contain string values");
  }
  return entry.value;
}

/**
 * The longest common subsequence of two strings, as Redis's lcsCommand computes it: the full
 * dynamic-programming table (refused when it would exceed proto-max-bulk-len), then one walk
 * back from its corner that yields the subsequence and, for IDX, the matching ranges from the
 * last to the first.
 */
function lcs(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const a = lcsValue(ctx, args, 1);
  const b = lcsValue(ctx, args, 2);
  const options = lcsOptions(args);
  const width = b.length + 1;
  const cells = (a.length + 1) * width;
  if (cells * 4 > ctx.server.config["proto-max-bulk-len"]) {
    throw new CommandError(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  // table[i * width + j]: the LCS length of a[0, i) and b[0, j).
  const table = new Uint32Array(cells);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const at = i * width + j;
      table[at] = a[i - 1] === b[j - 1]
        ? (table[at - width - 1] as number) + 1
        : Math.max(table[at - width] as number, table[at - 1] as number);
    }
  }
  const length = table[cells - 1] as number;
  if (options.len) return length;
  const result = new Uint8Array(length);
  const matches: Reply[] = [];
  // The range being grown backwards; `aStart === a.length` means none.
  let aStart = a.length, aEnd = 0, bStart = 0, bEnd = 0;
  let k = length;
  for (let i = a.length, j = b.length; i > 0 && j > 0;) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[--k] = a[i - 1] as number;
      if (aStart === a.length) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if ((table[(i - 1) * width + j] as number) > (table[i * width + j - 1] as number)) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (options.idx && matchLen >= options.minMatchLen) {
        const range: Reply[] = [[aStart, aEnd], [bStart, bEnd]];
        if (options.withMatchLen) range.push(matchLen);
        matches.push(range);
      }
      aStart = a.length;
    }
  }
  return options.idx ? new MapReply([["matches", matches], ["len", length]]) : result;
}

export const stringEditCommands = [
  counterRow("incr", "Increments the integer value of a key by one.", "key", () => 1),
  counterRow("decr", "Decrements the integer value of a key by one.", "key", () => -1),
  counterRow(
    "incrby",
    "Increments the integer value of a key by a number.",
    "key increment",
    (arg) => parseInt64Arg(arg),
  ),
  counterRow(
    "decrby",
    "Decrements a number from the integer value of a key.",
    "key decrement",
    (arg) => negateInt64(parseInt64Arg(arg)),
  ),
  command({
    name: "incrbyfloat",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    ...strings,
    summary: "Increment the floating point value of a key by a number.",
    since: "2.6.0",
    arguments: "key increment",
    handler: incrByFloat,
  }),
  command({
    name: "append",
    arity: 3,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
    since: "2.0.0",
    arguments: "key value",
    handler: append,
  }),
  command({
    name: "strlen",
    arity: 2,
    flags: ["readonly", "fast"],
    ...strings,
    summary: "Returns the length of a string value.",
    since: "2.2.0",
    arguments: "key",
    handler: (ctx, args) => readTyped(ctx.db, keyAt(args, 1), "string")?.value.length ?? 0,
  }),
  command({
    name: "getrange",
    arity: 4,
    flags: ["readonly"],
    ...strings,
    summary: "Returns a substring of the string stored at a key.",
    since: "2.4.0",
    arguments: "key start end",
    handler: getrange,
  }),
  command({
    name: "substr",
    arity: 4,
    flags: ["readonly"],
    ...strings,
    summary: "Returns a substring from a string value.",
    since: "1.0.0",
    arguments: "key start end",
    handler: getrange,
  }),
  command({
    name: "lcs",
    arity: -3,
    flags: ["readonly"],
    ...strings,
    lastKey: 2,
    summary: "Finds the longest common substring.",
    since: "7.0.0",
    arguments: "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
    handler: lcs,
  }),
  command({
    name: "setrange",
    arity: 4,
    flags: ["write", "denyoom"],
    ...strings,
    summary:
      "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
    since: "2.2.0",
    arguments: "key offset value",
    handler: setrange,
  }),
];

function counterRow(
  name: string,
  summary: string,
  syntax: string,
  delta: (arg: Uint8Array) => Int64,
) {
  return command({
    name,
    arity: syntax === "key" ? 2 : 3,
    flags: ["write", "denyoom", "fast"],
    ...strings,
    summary,
    arguments: syntax,
    handler: (ctx, args) => incrBy(ctx, args, delta(args[2] ?? EMPTY)),
  });
}
