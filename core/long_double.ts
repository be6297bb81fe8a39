/**
 * Exact emulation of the x87 80-bit `long double` arithmetic that Redis's INCRBYFLOAT and
 * HINCRBYFLOAT use, so results and their text match Redis digit for digit (a JS double would
 * show binary noise such as `0.30000000000000004` where Redis prints `0.3`).
 *
 * A value is `q × 2^e` with a 64-bit mantissa, rounded to nearest-even like strtold and the FPU.
 * Parsing follows strtold as Redis's string2ld accepts it (decimal and hex forms, `inf`; no
 * leading space, no NaN, no overflow or underflow to zero); formatting follows Redis's
 * `ld2string(LD_STR_HUMAN)`: `%.17Lf` with trailing zeros removed.
 */

/** A finite long double: `q × 2^e`, `|q| < 2^64`. */
export interface LongDouble {
  readonly q: bigint;
  readonly e: number;
}

/** An infinite result (Redis refuses to store it). */
export const INFINITE = "inf";

const MANTISSA_BITS = 64;
const MANTISSA_MIN = 1n << 63n;
const MANTISSA_LIMIT = 1n << 64n;
/** Largest binary exponent of a finite long double (values below 2^16384). */
const EXPONENT_LIMIT = 16384;
/** Below this a long double underflows to zero (smallest subnormal is 2^-16445). */
const EXPONENT_MIN = -16445;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
const TEXT_BYTES_MAX = 5 * 1024;
const DECIMAL_PLACES = 17;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/** Parses text as Redis's string2ld would; undefined when Redis says "not a valid float". */
export function parseLongDouble(text: string): LongDouble | typeof INFINITE | undefined {
  if (text.length === 0 || text.length >= TEXT_BYTES_MAX) return undefined;
  if (INFINITY.test(text)) return INFINITE;
  const hex = HEX.exec(text);
  if (hex !== null) {
    const [, sign = "", int = "", frac = "", exp = "0"] = hex;
    if (int === "" && frac === "") return undefined;
    const mantissa = BigInt(`0x${int}${frac}`);
    return finiteOrUndefined(sign === "-", mantissa, 1n, Number(exp) - 4 * frac.length);
  }
  const dec = DECIMAL.exec(text);
  if (dec === null) return undefined;
  const [, sign = "", int = "", frac = "", exp = "0"] = dec;
  if (int === "" && frac === "") return undefined;
  const digits = (int + frac).replace(/^0+/, "");
  if (digits === "") return { q: 0n, e: 0 };
  const exp10 = Number(exp) - frac.length;
  // Decide overflow and underflow from the decimal magnitude before building huge numbers.
  const magnitude = digits.length + exp10;
  if (magnitude > 4933) return undefined;
  if (magnitude < -4952) return undefined;
  const mantissa = BigInt(digits);
  return exp10 >= 0
    ? finiteOrUndefined(sign === "-", mantissa * 10n ** BigInt(exp10), 1n, 0)
    : finiteOrUndefined(sign === "-", mantissa, 10n ** BigInt(-exp10), 0);
}

/** The sum, rounded as the FPU rounds it, or INFINITE on overflow. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | typeof INFINITE {
  const e = Math.min(a.e, b.e);
  const sum = (a.q << BigInt(a.e - e)) + (b.q << BigInt(b.e - e));
  return round(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/** Redis's human form: `%.17Lf`, trailing zeros and a bare `.` removed, `-0` → `0`. */
export function formatLongDouble(value: LongDouble): string {
  const negative = value.q < 0n;
  const q = negative ? -value.q : value.q;
  const scale = 10n ** BigInt(DECIMAL_PLACES);
  const scaled = value.e >= 0
    ? (q << BigInt(value.e)) * scale
    : roundHalfEven(q * scale, 1n << BigInt(-value.e));
  const int = (scaled / scale).toString();
  const frac = (scaled % scale).toString().padStart(DECIMAL_PLACES, "0").replace(/0+$/, "");
  const body = frac === "" ? int : `${int}.${frac}`;
  return negative && body !== "0" ? `-${body}` : body;
}

function finiteOrUndefined(
  negative: boolean,
  num: bigint,
  den: bigint,
  exp2: number,
): LongDouble | undefined {
  if (num === 0n) return { q: 0n, e: 0 };
  const rounded = round(negative, num, den, exp2);
  // strtold reports ERANGE on overflow and on underflow to zero; string2ld refuses both.
  return rounded === INFINITE || rounded.q === 0n ? undefined : rounded;
}

/** Rounds `±num/den × 2^exp2` to a 64-bit mantissa, nearest-even. */
function round(
  negative: boolean,
  num: bigint,
  den: bigint,
  exp2: number,
): LongDouble | typeof INFINITE {
  if (num === 0n) return { q: 0n, e: 0 };
  // Choose e so that 2^63 <= num / den / 2^(e - exp2) < 2^64.
  let e = bitLength(num) - bitLength(den) - MANTISSA_BITS + exp2;
  let q: bigint;
  for (;;) {
    const shift = e - exp2;
    const n = shift >= 0 ? num : num << BigInt(-shift);
    const d = shift >= 0 ? den << BigInt(shift) : den;
    q = n / d;
    if (q >= MANTISSA_LIMIT) {
      e++;
      continue;
    }
    if (q < MANTISSA_MIN) {
      e--;
      continue;
    }
    q = roundHalfEven(n, d);
    break;
  }
  if (q === MANTISSA_LIMIT) {
    q = MANTISSA_MIN;
    e++;
  }
  if (e + MANTISSA_BITS > EXPONENT_LIMIT) return INFINITE;
  if (e < EXPONENT_MIN) return { q: 0n, e: 0 };
  return { q: negative ? -q : q, e };
}

function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = (n % d) * 2n;
  return r2 > d || (r2 === d && (q & 1n) === 1n) ? q + 1n : q;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}
