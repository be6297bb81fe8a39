/**
 * OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ) and MEMORY USAGE: what Redis 7 reports about one
 * key's value, for redis-cli `--memkeys` and monitoring. Neither counts as an access.
 *
 * Encodings are Redis 7.0's names for the closest representation: a string is `int` when it
 * reads as a canonical 64-bit integer, `embstr` up to 44 bytes, else `raw`; a list is always a
 * `quicklist` (7.0 has no listpack lists); a hash is a `listpack` while small enough by Redis's
 * default `hash-max-listpack-*` limits, else a `hashtable`; tensors, models and scripts are
 * module values, `raw` in Redis. The eviction policy is always `noeviction`, so idle times are
 * tracked and access frequencies are not.
 */
import type { CommandContext } from "../command.ts";
import { errors } from "../errors.ts";
import { parseInt64, parseInt64Arg } from "../int64.ts";
import { keyword } from "../keys.ts";
import type { Entry } from "../keyspace.ts";
import { keyUsageBytes } from "../keyspace.ts";
import { Reply } from "../reply.ts";
import { keyAt } from "./access.ts";
import { container } from "./container.ts";

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_MAX_BYTES = 44;
/** Redis's defaults for hash-max-listpack-entries and hash-max-listpack-value. */
const HASH_LISTPACK_MAX_ENTRIES = 128;
const HASH_LISTPACK_MAX_VALUE_BYTES = 64;
/** Redis's OBJ_SHARED_INTEGERS: integers below it share one object of refcount INT_MAX. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/** Redis's name for the closest encoding of `entry`'s value. */
export function encodingOf(entry: Entry): string {
  switch (entry.type) {
    case "string":
      if (entry.value.length <= 20 && parseInt64(entry.value) !== undefined) return "int";
      return entry.value.length <= EMBSTR_MAX_BYTES ? "embstr" : "raw";
    case "list":
      return "quicklist";
    case "hash":
      return isSmallHash(entry.value) ? "listpack" : "hashtable";
    default:
      return "raw";
  }
}

function isSmallHash(hash: Map<string, Uint8Array>): boolean {
  if (hash.size > HASH_LISTPACK_MAX_ENTRIES) return false;
  for (const [field, value] of hash) {
    if (field.length > HASH_LISTPACK_MAX_VALUE_BYTES) return false;
    if (value.length > HASH_LISTPACK_MAX_VALUE_BYTES) return false;
  }
  return true;
}

function refcountOf(entry: Entry): number {
  if (entry.type !== "string" || entry.value.length > 4) return 1;
  const n = parseInt64(entry.value);
  return typeof n === "number" && n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/** Runs `report` on the live entry at argument 2, or answers nil for a missing key. */
function inspect(report: (entry: Entry, ctx: CommandContext) => Reply) {
  return (ctx: CommandContext, args: readonly Uint8Array[]): Reply => {
    const entry = ctx.db.peek(keyAt(args, 2));
    return entry === undefined ? null : report(entry, ctx);
  };
}

function idleSeconds(entry: Entry, ctx: CommandContext): number {
  const ks = ctx.db.keyspace;
  return Math.max(0, Math.floor((ks.lruClockMs - (entry.lru ?? ks.lruClockMs)) / 1000));
}

function memoryUsage(ctx: CommandContext, args: readonly Uint8Array[]): Reply {
  for (let i = 3; i < args.length; i += 2) {
    const value = args[i + 1];
    if (keyword(args[i] as Uint8Array) !== "SAMPLES" || value === undefined) {
      throw errors.syntax();
    }
    if (parseInt64Arg(value) < 0) throw errors.syntax();
  }
  const key = keyAt(args, 2);
  const entry = ctx.db.peek(key);
  return entry === undefined ? null : keyUsageBytes(key, entry);
}

const keyArg = { arity: 3, arguments: "key", keyAt: 2 } as const;

export const objectCommands = [
  container({
    name: "object",
    flags: [],
    group: "generic",
    summary: "A container for object introspection commands.",
    since: "2.2.3",
  }, [
    {
      name: "encoding",
      ...keyArg,
      summary: "Returns the internal encoding of a Redis object.",
      handler: inspect(encodingOf),
    },
    {
      name: "freq",
      ...keyArg,
      summary: "Returns the logarithmic access frequency counter of a Redis object.",
      handler: inspect(() => {
        throw errors.lfuNotSelected();
      }),
    },
    {
      name: "idletime",
      ...keyArg,
      summary: "Returns the time since the last access to a Redis object.",
      handler: inspect(idleSeconds),
    },
    {
      name: "refcount",
      ...keyArg,
      summary: "Returns the reference count of a value of a key.",
      handler: inspect(refcountOf),
    },
  ]),
  container({
    name: "memory",
    flags: [],
    group: "server",
    summary: "A container for memory diagnostics commands.",
    since: "4.0.0",
  }, [
    {
      name: "usage",
      arity: -3,
      keyAt: 2,
      summary: "Estimates the memory usage of a key.",
      arguments: "key [SAMPLES count]",
      handler: memoryUsage,
    },
  ]),
];
