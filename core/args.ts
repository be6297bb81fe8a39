/**
 * Argument parsing helpers shared by command handlers: integers and floats with Redis's
 * validation and error texts.
 */
import { errors } from "./errors.ts";
import { text } from "./keys.ts";

/** Parses a strict decimal integer (Redis's string2ll): no spaces, no `+`, no leading zeros. */
export function parseIntArg(arg: Uint8Array): number {
  const value = parseIntOrUndefined(arg);
  if (value === undefined) throw errors.notInteger();
  return value;
}

export function parseIntOrUndefined(arg: Uint8Array): number | undefined {
  const n = arg.length;
  if (n === 0 || n > 20) return undefined;
  let i = 0;
  let negative = false;
  if (arg[0] === 45) {
    negative = true;
    i = 1;
    if (n === 1) return undefined;
  }
  if (arg[i] === 48 && (n > i + 1 || negative)) return undefined;
  let value = 0;
  for (; i < n; i++) {
    const c = arg[i] as number;
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  if (!Number.isSafeInteger(value)) return undefined;
  return negative ? -value : value;
}

/** Parses a 64-bit signed integer exactly, as a bigint. */
export function parseBigIntArg(arg: Uint8Array): bigint {
  const s = text(arg);
  if (!/^-?(0|[1-9]\d*)$/.test(s)) throw errors.notInteger();
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw errors.notInteger();
  return v;
}

/** Parses a float as strtod would (`inf`, `-inf` allowed, `nan` refused). */
export function parseFloatArg(arg: Uint8Array): number {
  const value = parseFloatOrUndefined(text(arg));
  if (value === undefined) throw errors.notFloat();
  return value;
}

export function parseFloatOrUndefined(s: string): number | undefined {
  const t = s.toLowerCase();
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) return hexFloat(hex);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  return Number(s);
}

/** strtod's hexadecimal form: `0x`, hex digits with an optional point, an optional `p` exponent. */
const HEX_FLOAT = /^([+-]?)0x([\da-f]+\.?([\da-f]*)|\.([\da-f]+))(?:p([+-]?\d+))?$/i;

function hexFloat(match: RegExpExecArray): number {
  const [, sign, significand = "", fraction = "", onlyFraction = "", exponent = "0"] = match;
  const mantissa = Number(BigInt(`0x${significand.replace(".", "")}`));
  if (mantissa === 0) return sign === "-" ? -0 : 0;
  // Scaled in two halves so neither factor over- or underflows on its own.
  const power = Number(exponent) - 4 * (fraction.length + onlyFraction.length);
  const half = Math.trunc(power / 2);
  const value = mantissa * 2 ** half * 2 ** (power - half);
  return sign === "-" ? -value : value;
}
