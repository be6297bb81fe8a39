/**
 * Generic key commands with Redis 7 semantics: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN,
 * RANDOMKEY, RENAME, RENAMENX and COPY (expiry commands live in `expire.ts`).
 *
 * Every change goes through `Db` (set, delete, setExpire, persist) so WATCH, the change counter
 * and memory accounting stay exact. Keys leave as bytes (`keyToBytes`), never as JS strings,
 * so a key with bytes ≥ 0x80 comes back exactly as it went in.
 */
import { parseIntArg } from "../args.ts";
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { keyToBytes, keyword } from "../keys.ts";
import type { Entry } from "../keyspace.ts";
import { TYPE_NAMES } from "../keyspace.ts";
import { OK, Reply, Status } from "../reply.ts";
import { parseScanCursor, parseScanOptions, scanStep } from "../scan_cursors.ts";
import { keyAt, readEntry } from "./access.ts";

function del(ctx: CommandContext, args: readonly Uint8Array[]): number {
  let deleted = 0;
  for (let i = 1; i < args.length; i++) if (ctx.db.delete(keyAt(args, i))) deleted++;
  return deleted;
}

/** EXISTS and TOUCH: how many of the keys exist (a key named twice counts twice). */
function countExisting(ctx: CommandContext, args: readonly Uint8Array[]): number {
  let found = 0;
  for (let i = 1; i < args.length; i++) {
    if (readEntry(ctx.db, keyAt(args, i)) !== undefined) found++;
  }
  return found;
}

function scan(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const cursor = parseScanCursor(args[1] as Uint8Array);
  const { pattern, count, type } = parseScanOptions(args, 2, true);
  const db = ctx.db;
  const step = scanStep(db, cursor, count, () => [...db.entries.keys()]);
  const keys: Uint8Array[] = [];
  for (const key of step.names) {
    const entry = db.get(key);
    if (entry === undefined) continue;
    if (type !== undefined && TYPE_NAMES[entry.type].toLowerCase() !== type) continue;
    if (pattern !== undefined && !globMatch(pattern, key)) continue;
    keys.push(keyToBytes(key));
  }
  return [String(step.cursor), keys];
}

function rename(ctx: CommandContext, args: readonly Uint8Array[], nx: boolean): Reply {
  const db = ctx.db;
  const from = keyAt(args, 1);
  const to = keyAt(args, 2);
  const entry = db.get(from);
  if (entry === undefined) throw errors.noSuchKey();
  if (from === to) return nx ? 0 : OK;
  if (nx && db.get(to) !== undefined) return 0;
  const ttl = db.ttlAt(from);
  db.delete(from);
  db.set(to, entry);
  if (ttl !== undefined) db.setExpire(to, ttl);
  return nx ? 1 : OK;
}

/** A copy that shares nothing mutable: hashes and lists are copied; strings and tensors are
 * never changed in place, so they are shared. */
function copyEntry(entry: Entry): Entry {
  switch (entry.type) {
    case "hash":
      return { type: "hash", value: new Map(entry.value), bytes: entry.bytes };
    case "list":
      return { type: "list", value: entry.value.clone(), bytes: entry.bytes };
    default:
      return { ...entry };
  }
}

function copy(ctx: CommandContext, args: readonly Uint8Array[]): number {
  let target = ctx.db;
  let replace = false;
  for (let i = 3; i < args.length; i++) {
    const option = keyword(args[i] as Uint8Array);
    if (option === "REPLACE") {
      replace = true;
    } else if (option === "DB" && i + 1 < args.length) {
      const index = parseIntArg(args[++i] as Uint8Array);
      const db = ctx.server.keyspace.dbs[index];
      if (db === undefined) throw errors.dbIndex();
      target = db;
    } else {
      throw errors.syntax();
    }
  }
  const from = keyAt(args, 1);
  const to = keyAt(args, 2);
  if (target === ctx.db && from === to) {
    throw errors.sameObject();
  }
  const entry = readEntry(ctx.db, from);
  if (entry === undefined) return 0;
  if (target.get(to) !== undefined && !replace) return 0;
  const ttl = ctx.db.ttlAt(from);
  target.set(to, copyEntry(entry));
  if (ttl !== undefined) target.setExpire(to, ttl);
  return 1;
}

function randomKey(ctx: CommandContext): Reply {
  const db = ctx.db;
  // Maps have no random access: walk to a random position (O(n), like KEYS; rarely used).
  while (db.size > 0) {
    let skip = Math.floor(Math.random() * db.size);
    for (const key of db.entries.keys()) {
      if (skip-- > 0) continue;
      if (db.get(key) !== undefined) return keyToBytes(key);
      break;
    }
  }
  return null;
}

const generic = { group: "generic" } as const;
const oneKey = { firstKey: 1, lastKey: 1, step: 1 } as const;
const allKeys = { firstKey: 1, lastKey: -1, step: 1 } as const;
const twoKeys = { firstKey: 1, lastKey: 2, step: 1 } as const;

export const keyCommands = [
  command({
    name: "del",
    arity: -2,
    flags: ["write"],
    ...generic,
    ...allKeys,
    summary: "Deletes one or more keys.",
    arguments: "key [key ...]",
    handler: del,
  }),
  command({
    name: "unlink",
    arity: -2,
    flags: ["write", "fast"],
    ...generic,
    ...allKeys,
    summary: "Asynchronously deletes one or more keys.",
    since: "4.0.0",
    arguments: "key [key ...]",
    handler: del,
  }),
  command({
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    ...generic,
    ...allKeys,
    summary: "Determines whether one or more keys exist.",
    arguments: "key [key ...]",
    handler: countExisting,
  }),
  command({
    name: "touch",
    arity: -2,
    flags: ["readonly", "fast"],
    ...generic,
    ...allKeys,
    summary:
      "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
    since: "3.2.1",
    arguments: "key [key ...]",
    handler: countExisting,
  }),
  command({
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    ...generic,
    ...oneKey,
    summary: "Determines the type of value stored at a key.",
    arguments: "key",
    handler: (ctx, args) => {
      const entry = readEntry(ctx.db, keyAt(args, 1));
      return new Status(entry === undefined ? "none" : TYPE_NAMES[entry.type]);
    },
  }),
  command({
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    ...generic,
    summary: "Returns all key names that match a pattern.",
    arguments: "pattern",
    handler: (ctx, args) => Array.from(ctx.db.keys(keyAt(args, 1)), keyToBytes),
  }),
  command({
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    ...generic,
    summary: "Iterates over the key names in the database.",
    since: "2.8.0",
    arguments: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
    handler: scan,
  }),
  command({
    name: "randomkey",
    arity: 1,
    flags: ["readonly"],
    ...generic,
    summary: "Returns a random key name from the database.",
    handler: randomKey,
  }),
  command({
    name: "rename",
    arity: 3,
    flags: ["write"],
    ...generic,
    ...twoKeys,
    summary: "Renames a key and overwrites the destination.",
    arguments: "key newkey",
    handler: (ctx, args) => rename(ctx, args, false),
  }),
  command({
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    ...generic,
    ...twoKeys,
    summary: "Renames a key only when the target key name doesn't exist.",
    arguments: "key newkey",
    handler: (ctx, args) => rename(ctx, args, true),
  }),
  command({
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    ...generic,
    ...twoKeys,
    summary: "Copies the value of a key to a new key.",
    since: "6.2.0",
    arguments: "source destination [DB destination-db] [REPLACE]",
    handler: copy,
  }),
];
