/**
 * Expiry commands with Redis 7 semantics: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT),
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
 *
 * Times are checked in 64-bit arithmetic exactly as Redis checks them (`ERR invalid expire
 * time` on overflow); a time already past deletes the key. Expired keys vanish lazily on
 * access (`Db.get`) and actively (the keyspace's expiry cycle).
 */
import { command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { CommandError, errors } from "../errors.ts";
import { parseInt64Arg } from "../int64.ts";
import { keyword, text } from "../keys.ts";
import type { Reply } from "../reply.ts";
import { expireAt, keyAt, readEntry } from "./access.ts";

const INT64_MAX = 9223372036854775807n;

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function parseExpireFlags(args: readonly Uint8Array[]): ExpireFlags {
  const flags = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < args.length; i++) {
    const option = keyword(args[i] as Uint8Array);
    if (option === "NX") flags.nx = true;
    else if (option === "XX") flags.xx = true;
    else if (option === "GT") flags.gt = true;
    else if (option === "LT") flags.lt = true;
    else {
      throw new CommandError(`ERR Unsupported option ${text(args[i] as Uint8Array)}`);
    }
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) {
    throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (flags.gt && flags.lt) {
    throw new CommandError("ERR GT and LT options at the same time are not compatible");
  }
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: `unitMs` per unit, relative to now or absolute. */
function expireHandler(name: string, unitMs: 1 | 1000, relative: boolean) {
  return (ctx: CommandContext, args: readonly Uint8Array[]): number => {
    const flags = parseExpireFlags(args);
    let atMs = BigInt(parseInt64Arg(args[2] as Uint8Array));
    if (unitMs === 1000) {
      if (atMs > INT64_MAX / 1000n || atMs < -INT64_MAX / 1000n) throw errors.invalidExpire(name);
      atMs *= 1000n;
    }
    const baseMs = relative ? BigInt(ctx.server.keyspace.now()) : 0n;
    if (atMs > INT64_MAX - baseMs) throw errors.invalidExpire(name);
    const when = Number(atMs + baseMs);
    const key = keyAt(args, 1);
    if (ctx.db.get(key) === undefined) return 0;
    const current = ctx.db.ttlAt(key);
    if (flags.nx && current !== undefined) return 0;
    if (flags.xx && current === undefined) return 0;
    if (flags.gt && (current === undefined || when <= current)) return 0;
    if (flags.lt && current !== undefined && when >= current) return 0;
    expireAt(ctx.db, key, when);
    return 1;
  };
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 without the key, -1 without an expiry. */
function ttlHandler(inMs: boolean, absolute: boolean) {
  return (ctx: CommandContext, args: readonly Uint8Array[]): Reply => {
    const key = keyAt(args, 1);
    if (readEntry(ctx.db, key) === undefined) return -2;
    const at = ctx.db.ttlAt(key);
    if (at === undefined) return -1;
    const ms = Math.max(0, absolute ? at : at - ctx.server.keyspace.now());
    if (inMs) return ms;
    // Far-future times are past 2^53: round in bigints so the seconds stay exact.
    return Number.isSafeInteger(ms) ? Math.floor((ms + 500) / 1000) : (BigInt(ms) + 500n) / 1000n;
  };
}

const expiry = { group: "generic", firstKey: 1, lastKey: 1, step: 1 } as const;
const expireSyntax = "key %s [NX | XX | GT | LT]";

function expireRow(name: string, unitMs: 1 | 1000, relative: boolean, unit: string) {
  return command({
    name,
    arity: -3,
    flags: ["write", "fast"],
    ...expiry,
    summary: `Sets the expiration time of a key in ${unitMs === 1 ? "milliseconds" : "seconds"}${
      relative ? "" : " as a Unix timestamp"
    }.`,
    since: name === "expire" || name === "expireat" ? "1.0.0" : "2.6.0",
    arguments: expireSyntax.replace("%s", unit),
    handler: expireHandler(name, unitMs, relative),
  });
}

function ttlRow(name: string, inMs: boolean, absolute: boolean, since: string) {
  return command({
    name,
    arity: 2,
    flags: ["readonly", "fast"],
    ...expiry,
    summary: absolute
      ? `Returns the expiration time of a key as a Unix ${inMs ? "milli" : ""}second timestamp.`
      : `Returns the expiration time in ${inMs ? "milliseconds" : "seconds"} of a key.`,
    since,
    arguments: "key",
    handler: ttlHandler(inMs, absolute),
  });
}

export const expireCommands = [
  expireRow("expire", 1000, true, "seconds"),
  expireRow("pexpire", 1, true, "milliseconds"),
  expireRow("expireat", 1000, false, "unix-time-seconds"),
  expireRow("pexpireat", 1, false, "unix-time-milliseconds"),
  ttlRow("ttl", false, false, "1.0.0"),
  ttlRow("pttl", true, false, "2.6.0"),
  ttlRow("expiretime", false, true, "7.0.0"),
  ttlRow("pexpiretime", true, true, "7.0.0"),
  command({
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    ...expiry,
    summary: "Removes the expiration time of a key.",
    since: "2.2.0",
    arguments: "key",
    handler: (ctx, args) => {
      const key = keyAt(args, 1);
      return ctx.db.get(key) !== undefined && ctx.db.persist(key) ? 1 : 0;
    },
  }),
];
