/**
 * Hash commands with Redis 7 semantics: HSET, HMSET, HSETNX, HGET, HMGET, HGETALL, HDEL,
 * HEXISTS, HLEN, HKEYS, HVALS, HINCRBY, HINCRBYFLOAT, HSTRLEN, HSCAN.
 *
 * A hash is a Map from field (byte string) to value bytes. Memory accounting is adjusted per
 * field changed (O(1) per field), never recomputed over the whole hash; a hash left empty by
 * HDEL is deleted, as in Redis.
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { addInt64, parseInt64, parseInt64Arg } from "../int64.ts";
import { keyToBytes, text } from "../keys.ts";
import type { Entry } from "../keyspace.ts";
import { AGGREGATE_BYTES, hashFieldBytes } from "../keyspace.ts";
import { addLongDouble, formatLongDouble, INFINITE, parseLongDouble } from "../long_double.ts";
import { MapReply, OK, Reply } from "../reply.ts";
import { parseScanCursor, parseScanOptions, scanStep } from "../scan_cursors.ts";
import { asciiBytes, ownedBytes } from "../value_arena.ts";
import { commitAggregate, commitShrunk, keyAt, readTyped } from "./access.ts";

type HashEntry = Extract<Entry, { type: "hash" }>;

/** Hashes up to this many fields are scanned in one reply, as Redis does for small encodings. */
const SCAN_WHOLE_FIELDS_MAX = 128;

/** Fields are byte strings like keys. */
const fieldAt = keyAt;

/** The hash at `key` for writing, created empty (not yet stored) when missing. */
function writableHash(ctx: CommandContext, key: string): { entry: HashEntry; created: boolean } {
  const found = ctx.db.getTyped(key, "hash");
  if (found !== undefined) return { entry: found, created: false };
  return { entry: { type: "hash", value: new Map(), bytes: AGGREGATE_BYTES }, created: true };
}

/** Sets `field` to `value`; returns the change in accounted bytes. */
function setField(hash: Map<string, Uint8Array>, field: string, value: Uint8Array): number {
  const old = hash.get(field);
  hash.set(field, value);
  return hashFieldBytes(field, value) - (old === undefined ? 0 : hashFieldBytes(field, old));
}

function hset(ctx: CommandContext, args: readonly Uint8Array[], name: string): number {
  if (args.length % 2 === 1) throw errors.arity(name);
  const key = keyAt(args, 1);
  const { entry, created } = writableHash(ctx, key);
  let added = 0;
  let delta = 0;
  for (let i = 2; i < args.length; i += 2) {
    const field = fieldAt(args, i);
    if (!entry.value.has(field)) added++;
    delta += setField(entry.value, field, ownedBytes(args[i + 1] as Uint8Array));
  }
  commitAggregate(ctx.db, key, entry, created, delta);
  return added;
}

function hsetnx(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const key = keyAt(args, 1);
  const { entry, created } = writableHash(ctx, key);
  const field = fieldAt(args, 2);
  if (entry.value.has(field)) return 0;
  commitAggregate(
    ctx.db,
    key,
    entry,
    created,
    setField(entry.value, field, ownedBytes(args[3] as Uint8Array)),
  );
  return 1;
}

function hdel(ctx: CommandContext, args: readonly Uint8Array[]): number {
  const key = keyAt(args, 1);
  const entry = ctx.db.getTyped(key, "hash");
  if (entry === undefined) return 0;
  let deleted = 0;
  let delta = 0;
  for (let i = 2; i < args.length; i++) {
    const field = fieldAt(args, i);
    const old = entry.value.get(field);
    if (old === undefined) continue;
    entry.value.delete(field);
    delta -= hashFieldBytes(field, old);
    deleted++;
  }
  if (deleted > 0) commitShrunk(ctx.db, key, entry, entry.value.size, delta);
  return deleted;
}

function hincrby(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const delta = parseInt64Arg(args[3] as Uint8Array);
  const key = keyAt(args, 1);
  const field = fieldAt(args, 2);
  const { entry, created } = writableHash(ctx, key);
  const old = entry.value.get(field);
  const current = old === undefined ? 0 : parseInt64(old);
  if (current === undefined) throw new CommandError("ERR hash value is not an integer");
  const result = addInt64(current, delta);
  commitAggregate(
    ctx.db,
    key,
    entry,
    created,
    setField(entry.value, field, asciiBytes(String(result))),
  );
  return result;
}

function hincrbyfloat(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const delta = parseLongDouble(text(args[3] as Uint8Array));
  if (delta === undefined) throw errors.notFloat();
  if (delta === INFINITE) throw new CommandError("ERR value is NaN or Infinity");
  const key = keyAt(args, 1);
  const field = fieldAt(args, 2);
  const { entry, created } = writableHash(ctx, key);
  const old = entry.value.get(field);
  const current = old === undefined ? { q: 0n, e: 0 } : parseLongDouble(text(old));
  if (current === undefined) throw new CommandError("ERR hash value is not a float");
  const sum = current === INFINITE ? INFINITE : addLongDouble(current, delta);
  if (sum === INFINITE) throw new CommandError("ERR increment would produce NaN or Infinity");
  const value = asciiBytes(formatLongDouble(sum));
  commitAggregate(ctx.db, key, entry, created, setField(entry.value, field, value));
  return value;
}

function hscan(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const cursor = parseScanCursor(args[2] as Uint8Array);
  const hash = readTyped(ctx.db, keyAt(args, 1), "hash")?.value;
  if (hash === undefined) return ["0", []];
  const { pattern, count } = parseScanOptions(args, 3, false);
  const step = hash.size <= SCAN_WHOLE_FIELDS_MAX
    ? { cursor: 0, names: [...hash.keys()] }
    : scanStep(hash, cursor, count, () => [...hash.keys()]);
  const out: Uint8Array[] = [];
  for (const field of step.names) {
    const value = hash.get(field);
    if (value === undefined) continue;
    if (pattern !== undefined && !globMatch(pattern, field)) continue;
    out.push(keyToBytes(field), value);
  }
  return [String(step.cursor), out];
}

/** A read-only hash lookup: the Map at `key`, or undefined. */
function readHash(ctx: CommandContext, args: readonly Uint8Array[]) {
  return readTyped(ctx.db, keyAt(args, 1), "hash")?.value;
}

const hashes = { group: "hash", firstKey: 1, lastKey: 1, step: 1, since: "2.0.0" } as const;

export const hashCommands = [
  command({
    name: "hset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    ...hashes,
    summary: "Creates or modifies the value of a field in a hash.",
    arguments: "key field value [field value ...]",
    handler: (ctx, args) => hset(ctx, args, "hset"),
  }),
  command({
    name: "hmset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    ...hashes,
    summary: "Sets the values of multiple fields.",
    arguments: "key field value [field value ...]",
    handler: (ctx, args) => {
      hset(ctx, args, "hmset");
      return OK;
    },
  }),
  command({
    name: "hsetnx",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    ...hashes,
    summary: "Sets the value of a field in a hash only when the field doesn't exist.",
    arguments: "key field value",
    handler: hsetnx,
  }),
  command({
    name: "hget",
    arity: 3,
    flags: ["readonly", "fast"],
    ...hashes,
    summary: "Returns the value of a field in a hash.",
    arguments: "key field",
    handler: (ctx, args) => readHash(ctx, args)?.get(fieldAt(args, 2)) ?? null,
  }),
  command({
    name: "hmget",
    arity: -3,
    flags: ["readonly", "fast"],
    ...hashes,
    summary: "Returns the values of all fields in a hash.",
    arguments: "key field [field ...]",
    handler: (ctx, args) => {
      const hash = readHash(ctx, args);
      const out: Reply[] = [];
      for (let i = 2; i < args.length; i++) out.push(hash?.get(fieldAt(args, i)) ?? null);
      return out;
    },
  }),
  command({
    name: "hgetall",
    arity: 2,
    flags: ["readonly"],
    ...hashes,
    summary: "Returns all fields and values in a hash.",
    arguments: "key",
    handler: (ctx, args) => {
      const hash = readHash(ctx, args) ?? new Map<string, Uint8Array>();
      return new MapReply(Array.from(hash, ([f, v]) => [keyToBytes(f), v] as const));
    },
  }),
  command({
    name: "hdel",
    arity: -3,
    flags: ["write", "fast"],
    ...hashes,
    summary:
      "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
    arguments: "key field [field ...]",
    handler: hdel,
  }),
  command({
    name: "hexists",
    arity: 3,
    flags: ["readonly", "fast"],
    ...hashes,
    summary: "Determines whether a field exists in a hash.",
    arguments: "key field",
    handler: (ctx, args) => readHash(ctx, args)?.has(fieldAt(args, 2)) ? 1 : 0,
  }),
  command({
    name: "hlen",
    arity: 2,
    flags: ["readonly", "fast"],
    ...hashes,
    summary: "Returns the number of fields in a hash.",
    arguments: "key",
    handler: (ctx, args) => readHash(ctx, args)?.size ?? 0,
  }),
  command({
    name: "hkeys",
    arity: 2,
    flags: ["readonly"],
    ...hashes,
    summary: "Returns all fields in a hash.",
    arguments: "key",
    handler: (ctx, args) => Array.from(readHash(ctx, args)?.keys() ?? [], keyToBytes),
  }),
  command({
    name: "hvals",
    arity: 2,
    flags: ["readonly"],
    ...hashes,
    summary: "Returns all values in a hash.",
    arguments: "key",
    handler: (ctx, args) => Array.from(readHash(ctx, args)?.values() ?? []),
  }),
  command({
    name: "hincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    ...hashes,
    summary: "Increments the integer value of a field in a hash by a number.",
    arguments: "key field increment",
    handler: hincrby,
  }),
  command({
    name: "hincrbyfloat",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    ...hashes,
    summary: "Increments the floating point value of a field by a number.",
    since: "2.6.0",
    arguments: "key field increment",
    handler: hincrbyfloat,
  }),
  command({
    name: "hstrlen",
    arity: 3,
    flags: ["readonly", "fast"],
    ...hashes,
    summary: "Returns the length of the value of a field.",
    since: "3.2.0",
    arguments: "key field",
    handler: (ctx, args) => readHash(ctx, args)?.get(fieldAt(args, 2))?.length ?? 0,
  }),
  command({
    name: "hscan",
    arity: -3,
    flags: ["readonly"],
    ...hashes,
    summary: "Iterates over fields and values of a hash.",
    since: "2.8.0",
    arguments: "key cursor [MATCH pattern] [COUNT count]",
    handler: hscan,
  }),
];
