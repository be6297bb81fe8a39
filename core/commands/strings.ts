/**
 * String commands that store and fetch whole values, with Redis 7 semantics: GET, SET (EX PX
 * EXAT PXAT NX XX KEEPTTL GET), SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET,
 * MSETNX.
 * Values are binary-safe bytes, copied out of the receive buffer (`ownedBytes`); the commands
 * that edit part of a value live in `string_edits.ts`.
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { errors } from "../errors.ts";
import { parseInt64Arg } from "../int64.ts";
import { keyword } from "../keys.ts";
import { OK, Reply } from "../reply.ts";
import { ownedBytes } from "../value_arena.ts";
import { expireAt, keyAt, readEntry, readTyped, stringEntry } from "./access.ts";

const INT64_MAX = 9223372036854775807n;

type ExpiryUnit = "EX" | "PX" | "EXAT" | "PXAT";

interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expiry: { unit: ExpiryUnit; arg: Uint8Array } | undefined;
}

/** SET's options (`forSet`) or GETEX's, with Redis's rules for which may be combined. */
function parseStringOptions(
  args: readonly Uint8Array[],
  from: number,
  forSet: boolean,
): StringOptions {
  const o: StringOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    expiry: undefined,
  };
  for (let i = from; i < args.length; i++) {
    const option = keyword(args[i] as Uint8Array);
    const next = args[i + 1];
    if (option === "NX" && forSet && !o.xx) o.nx = true;
    else if (option === "XX" && forSet && !o.nx) o.xx = true;
    else if (option === "GET" && forSet) o.get = true;
    else if (option === "KEEPTTL" && forSet && o.expiry === undefined) o.keepTtl = true;
    else if (option === "PERSIST" && !forSet && o.expiry === undefined) o.persist = true;
    else if (
      (option === "EX" || option === "PX" || option === "EXAT" || option === "PXAT") &&
      !o.keepTtl && !o.persist && (o.expiry === undefined || o.expiry.unit === option) &&
      next !== undefined
    ) {
      o.expiry = { unit: option, arg: next };
      i++;
    } else {
      throw errors.syntax();
    }
  }
  return o;
}

/** The absolute expiry in ms; `ERR invalid expire time in '<name>' command` when out of range. */
function expiryAtMs(ctx: CommandContext, unit: ExpiryUnit, arg: Uint8Array, name: string): number {
  let ms = BigInt(parseInt64Arg(arg));
  const seconds = unit === "EX" || unit === "EXAT";
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw errors.invalidExpire(name);
  if (seconds) ms *= 1000n;
  if (unit === "EX" || unit === "PX") ms += BigInt(ctx.server.keyspace.now());
  if (ms > INT64_MAX) throw errors.invalidExpire(name);
  return Number(ms);
}

function set(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const db = ctx.db;
  const key = keyAt(args, 1);
  const value = ownedBytes(args[2] as Uint8Array);
  if (args.length === 3) {
    db.set(key, stringEntry(value));
    return OK;
  }
  const o = parseStringOptions(args, 3, true);
  const atMs = o.expiry === undefined
    ? undefined
    : expiryAtMs(ctx, o.expiry.unit, o.expiry.arg, "set");
  const old = o.get ? readTyped(db, key, "string")?.value ?? null : null;
  const exists = db.get(key) !== undefined;
  if ((o.nx && exists) || (o.xx && !exists)) return o.get ? old : null;
  db.set(key, stringEntry(value), o.keepTtl);
  if (atMs !== undefined) expireAt(db, key, atMs);
  return o.get ? old : OK;
}

/** SETEX and PSETEX. */
function setWithExpiry(unit: "EX" | "PX", name: string) {
  return (ctx: CommandContext, args: readonly Uint8Array[]): Reply => {
    const atMs = expiryAtMs(ctx, unit, args[2] as Uint8Array, name);
    const key = keyAt(args, 1);
    ctx.db.set(key, stringEntry(ownedBytes(args[3] as Uint8Array)));
    ctx.db.setExpire(key, atMs);
    return OK;
  };
}

function getex(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  const o = parseStringOptions(args, 2, false);
  const key = keyAt(args, 1);
  const entry = readTyped(ctx.db, key, "string");
  if (entry === undefined) return null;
  if (o.expiry !== undefined) {
    expireAt(ctx.db, key, expiryAtMs(ctx, o.expiry.unit, o.expiry.arg, "getex"));
  } else if (o.persist) {
    ctx.db.persist(key);
  }
  return entry.value;
}

function mset(ctx: CommandContext, args: readonly Uint8Array[], nx: boolean): Reply {
  if (args.length % 2 === 0) throw errors.arity(nx ? "msetnx" : "mset");
  if (nx) {
    for (let i = 1; i < args.length; i += 2) if (ctx.db.get(keyAt(args, i)) !== undefined) return 0;
  }
  for (let i = 1; i < args.length; i += 2) {
    ctx.db.set(keyAt(args, i), stringEntry(ownedBytes(args[i + 1] as Uint8Array)));
  }
  return nx ? 1 : OK;
}

const strings = { group: "string", firstKey: 1, lastKey: 1, step: 1 } as const;

export const stringCommands = [
  command({
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    ...strings,
    summary: "Returns the string value of a key.",
    arguments: "key",
    handler: (ctx, args) => readTyped(ctx.db, keyAt(args, 1), "string")?.value ?? null,
  }),
  command({
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    arguments:
      "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
    handler: set,
  }),
  command({
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    ...strings,
    summary: "Set the string value of a key only when the key doesn't exist.",
    arguments: "key value",
    handler: (ctx, args) => {
      const key = keyAt(args, 1);
      if (ctx.db.get(key) !== undefined) return 0;
      ctx.db.set(key, stringEntry(ownedBytes(args[2] as Uint8Array)));
      return 1;
    },
  }),
  command({
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    summary:
      "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
    since: "2.0.0",
    arguments: "key seconds value",
    handler: setWithExpiry("EX", "setex"),
  }),
  command({
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    summary:
      "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
    since: "2.6.0",
    arguments: "key milliseconds value",
    handler: setWithExpiry("PX", "psetex"),
  }),
  command({
    name: "getset",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    ...strings,
    summary: "Returns the previous string value of a key after setting it to a new value.",
    arguments: "key value",
    handler: (ctx, args) => {
      const key = keyAt(args, 1);
      const old = readTyped(ctx.db, key, "string")?.value ?? null;
      ctx.db.set(key, stringEntry(ownedBytes(args[2] as Uint8Array)));
      return old;
    },
  }),
  command({
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    ...strings,
    summary: "Returns the string value of a key after deleting the key.",
    since: "6.2.0",
    arguments: "key",
    handler: (ctx, args) => {
      const key = keyAt(args, 1);
      const entry = readTyped(ctx.db, key, "string");
      if (entry === undefined) return null;
      ctx.db.delete(key);
      return entry.value;
    },
  }),
  command({
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    ...strings,
    summary: "Returns the string value of a key after setting its expiration time.",
    since: "6.2.0",
    arguments:
      "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]",
    handler: getex,
  }),
  command({
    name: "mget",
    arity: -2,
    flags: ["readonly", "fast"],
    ...strings,
    lastKey: -1,
    summary: "Atomically returns the string values of one or more keys.",
    arguments: "key [key ...]",
    handler: (ctx, args) => {
      const out: Reply[] = [];
      for (let i = 1; i < args.length; i++) {
        const entry = readEntry(ctx.db, keyAt(args, i));
        out.push(entry?.type === "string" ? entry.value : null);
      }
      return out;
    },
  }),
  command({
    name: "mset",
    arity: -3,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    lastKey: -1,
    step: 2,
    summary: "Atomically creates or modifies the string values of one or more keys.",
    since: "1.0.1",
    arguments: "key value [key value ...]",
    handler: (ctx, args) => mset(ctx, args, false),
  }),
  command({
    name: "msetnx",
    arity: -3,
    flags: ["write", "denyoom"],
    argumentBound: true,
    ...strings,
    lastKey: -1,
    step: 2,
    summary:
      "Atomically modifies the string values of one or more keys only when all keys don't exist.",
    since: "1.0.1",
    arguments: "key value [key value ...]",
    handler: (ctx, args) => mset(ctx, args, true),
  }),
];
