/**
 * Parsing of `AI.TENSORSET ... VALUES` elements with the exact rules RedisAI inherits from
 * Redis: integers as `string2ll` (no spaces, no `+`, no leading zeros, 64-bit range), doubles
 * as `string2d` (strtod over the whole string, `inf` allowed, `nan` and ERANGE refused), then
 * RedisAI's per-type range checks, bugs included: its signed check casts to unsigned, so every
 * negative value is refused.
 */
import type { DTypeInfo } from "./dtype.ts";
import { parseFloatOrUndefined } from "./args.ts";
import { text } from "./keys.ts";

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** Decimal digits that always fit a double exactly. */
const SAFE_DIGITS = 15;

/** Redis's `string2ll`: a strict decimal integer; bigint only outside the safe range. */
export function parseLongLong(arg: Uint8Array): number | bigint | undefined {
  const n = arg.length;
  if (n === 0 || n > 20) return undefined;
  if (n === 1 && arg[0] === 48) return 0;
  const negative = arg[0] === 45;
  const first = negative ? 1 : 0;
  const lead = arg[first];
  if (lead === undefined || lead < 49 || lead > 57) return undefined;
  let value = 0;
  for (let i = first; i < n; i++) {
    const c = arg[i] as number;
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  if (n - first <= SAFE_DIGITS) return negative ? -value : value;
  const big = BigInt(text(arg));
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/** Redis's `string2d`: strtod over the whole string; `nan`, overflow and underflow refused. */
export function parseDouble(s: string): number | undefined {
  const value = parseFloatOrUndefined(s);
  if (value === undefined) return undefined;
  // strtod's ERANGE: non-zero digits that overflowed to ±inf or underflowed to 0.
  if ((value === 0 || !Number.isFinite(value)) && nonZeroSignificand(s)) return undefined;
  return value;
}

/** Whether the digits before the exponent (decimal, or hex after `0x`) include a non-zero one. */
function nonZeroSignificand(s: string): boolean {
  const digits = /^[+-]?0x([\da-f.]*)/i.exec(s)?.[1] ?? /^[+-]?([\d.]*)/.exec(s)?.[1] ?? "";
  return /[1-9a-f]/i.test(digits);
}

/** One VALUES element for a numeric or BOOL dtype, or `undefined` (`ERR invalid value`). */
export function parseValue(info: DTypeInfo, arg: Uint8Array): number | bigint | undefined {
  if (info.kind === "float") return parseDouble(text(arg));
  const value = parseLongLong(arg);
  if (value === undefined || value < 0) return undefined;
  switch (info.kind) {
    case "int":
      return value < 2 ** (info.bytes * 8 - 1) ? value : undefined;
    case "uint":
      return value < 2 ** (info.bytes * 8) ? value : undefined;
    case "bool":
      return value === 0 || value === 1 ? value : undefined;
  }
  return undefined;
}
