/**
 * 64-bit signed integers as Redis's `long long`: parsed with string2ll's rules (no spaces, no
 * `+`, no leading zeros, no `-0`), kept as numbers while they are safe and as bigints beyond,
 * and added with Redis's overflow check. Counters (INCR, HINCRBY) and index arguments use it.
 */
import { parseIntOrUndefined } from "./args.ts";
import { CommandError, errors } from "./errors.ts";
import { text } from "./keys.ts";

/** A 64-bit signed integer: a number when safe, else a bigint. */
export type Int64 = number | bigint;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const STRICT_DECIMAL = /^-?[1-9]\d*$/;

/** The integer in `bytes`, or undefined when it is not one or leaves the 64-bit range. */
export function parseInt64(bytes: Uint8Array): Int64 | undefined {
  const small = parseIntOrUndefined(bytes);
  if (small !== undefined) return small;
  if (bytes.length < 16 || bytes.length > 20) return undefined;
  const s = text(bytes);
  if (!STRICT_DECIMAL.test(s)) return undefined;
  const value = BigInt(s);
  return value > INT64_MAX || value < INT64_MIN ? undefined : value;
}

/** Parses an integer argument (`ERR value is not an integer or out of range` otherwise). */
export function parseInt64Arg(arg: Uint8Array): Int64 {
  const value = parseInt64(arg);
  if (value === undefined) throw errors.notInteger();
  return value;
}

/**
 * An integer argument used as an index or count: exact up to 2^53, and beyond that a number
 * that still orders correctly (what clamping against a length needs).
 */
export function parseIndexArg(arg: Uint8Array): number {
  return Number(parseInt64Arg(arg));
}

/** `a + b`, or `ERR increment or decrement would overflow` past the 64-bit range. */
export function addInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) throw errors.overflow();
  return sum <= SAFE_MAX && sum >= -SAFE_MAX ? Number(sum) : sum;
}

/** `-value`, as DECRBY needs it (`ERR decrement would overflow` for the minimum). */
export function negateInt64(value: Int64): Int64 {
  if (value === INT64_MIN) throw new CommandError("ERR decrement would overflow");
  return -value;
}
