/**
 * Tensors as they travel over HTTP. A `WireTensor` is a dtype, a shape and RedisAI's BLOB
 * bytes: routes turn every request form into one (then `AI.TENSORSET ... BLOB`), and every
 * `AI.TENSORGET ... META BLOB` reply into one (then JSON, raw bytes or .npy). JSON values are
 * converted here with RedisAI's error texts; unlike `VALUES` over RESP, negative integers are
 * accepted, since JSON numbers are typed and range-checked exactly.
 */
import { CommandError } from "../../core/errors.ts";
import { DType, DTYPES, NumericData, parseDType } from "../../core/dtype.ts";
import type { Reply } from "../../core/reply.ts";
import { allocTensorBytes, elementCount } from "../../core/tensor.ts";
import { tensorErrors } from "../../core/tensor_parse.ts";
import type { Arg } from "./call.ts";
import { exactInteger, jsonBytes, jsonDouble, JsonValue } from "./reply_json.ts";

export interface WireTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** RedisAI's BLOB layout: little-endian elements, or NUL-terminated strings. */
  readonly blob: Uint8Array;
}

/** A dtype name (RedisAI's spelling, case-insensitive). */
export function parseDtypeName(value: unknown): DType {
  const dtype = typeof value === "string" ? parseDType(value) : undefined;
  if (dtype === undefined) throw tensorErrors.dtype();
  return dtype;
}

/** A shape: an array of integers > 0 (`[]` is a scalar). */
export function parseShape(value: unknown): number[] {
  if (!Array.isArray(value)) throw tensorErrors.shape();
  return value.map((d) => {
    const n = typeof d === "bigint" ? Number(d) : d;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) throw tensorErrors.shape();
    return n;
  });
}

/** `{"dtype": ..., "shape": [...], "values": [...]}` (values flat or nested, row-major). */
export function tensorFromJson(body: unknown): WireTensor {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CommandError('ERR a tensor is {"dtype": ..., "shape": [...], "values": [...]}');
  }
  const fields = body as Record<string, unknown>;
  const dtype = parseDtypeName(fields.dtype);
  const shape = parseShape(fields.shape ?? []);
  return { dtype, shape, blob: valuesToBlob(dtype, shape, fields.values) };
}

/** The JSON form of a tensor. */
export function tensorToJson(t: WireTensor): Record<string, JsonValue> {
  return { dtype: t.dtype, shape: t.shape, values: blobToValues(t.dtype, t.blob) };
}

/** JSON values → BLOB bytes, checked against the dtype's range. */
export function valuesToBlob(dtype: DType, shape: readonly number[], values: unknown): Uint8Array {
  if (!Array.isArray(values)) throw tensorErrors.valuesCount();
  const flat: unknown[] = values.flat(Infinity);
  if (flat.length !== elementCount(shape)) throw tensorErrors.valuesCount();
  if (dtype === "STRING") return stringsToBlob(flat);
  const info = DTYPES[dtype];
  const bytes = allocTensorBytes(flat.length * info.bytes);
  const data = info.view(bytes.buffer, 0, flat.length);
  if (data instanceof BigInt64Array) {
    flat.forEach((v, i) => data[i] = toInt64(v));
  } else {
    const write = data as Exclude<NumericData, BigInt64Array>;
    const convert = info.kind === "float" ? toFloat : integerRange(dtype);
    flat.forEach((v, i) => write[i] = convert(v));
  }
  return bytes;
}

function toFloat(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v === "nan" || v === "NaN") return NaN;
  if (v === "inf" || v === "+inf" || v === "Infinity") return Infinity;
  if (v === "-inf" || v === "-Infinity") return -Infinity;
  throw tensorErrors.value();
}

/** A converter accepting integers in the dtype's range (BOOL: booleans, 0 and 1). */
function integerRange(dtype: DType): (v: unknown) => number {
  const info = DTYPES[dtype];
  const bits = info.bytes * 8;
  const [min, max] = info.kind === "bool"
    ? [0, 1]
    : info.kind === "uint"
    ? [0, 2 ** bits - 1]
    : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  return (v) => {
    const n = typeof v === "boolean" && info.kind === "bool" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      throw tensorErrors.value();
    }
    return n;
  };
}

function toInt64(v: unknown): bigint {
  const big = typeof v === "bigint"
    ? v
    : typeof v === "number" && Number.isSafeInteger(v)
    ? BigInt(v)
    : undefined;
  if (big === undefined || big > 9223372036854775807n || big < -9223372036854775808n) {
    throw tensorErrors.value();
  }
  return big;
}

const encoder = new TextEncoder();

/** Strings → NUL-terminated concatenation. */
export function stringsToBlob(values: readonly unknown[]): Uint8Array {
  return joinCStrings(values.map((v) => {
    if (typeof v !== "string") throw tensorErrors.value();
    return encoder.encode(v);
  }));
}

/** Byte strings → NUL-terminated concatenation (an element holding NUL is refused). */
export function joinCStrings(parts: readonly Uint8Array[]): Uint8Array {
  const out = allocTensorBytes(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    if (p.includes(0)) throw tensorErrors.nul();
    out.set(p, at);
    at += p.length + 1;
  }
  return out;
}

/** The elements of a STRING blob, without their terminators. */
export function blobStrings(blob: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < blob.length; i++) {
    if (blob[i] !== 0) continue;
    out.push(blob.subarray(start, i));
    start = i + 1;
  }
  return out;
}

/** A typed view of a numeric BLOB (copied first when misaligned). */
export function blobView(dtype: DType, blob: Uint8Array): NumericData {
  const info = DTYPES[dtype];
  const aligned = blob.byteOffset % info.bytes === 0 ? blob : blob.slice();
  return info.view(aligned.buffer, aligned.byteOffset, aligned.byteLength / info.bytes);
}

/** BLOB bytes → JSON values (floats may be "inf"/"-inf"/"nan"; INT64 exact; BOOL booleans). */
export function blobToValues(dtype: DType, blob: Uint8Array): JsonValue[] {
  const kind = DTYPES[dtype].kind;
  if (kind === "string") return blobStrings(blob).map(jsonBytes);
  const data = blobView(dtype, blob);
  if (data instanceof BigInt64Array) return Array.from(data, exactInteger);
  if (kind === "float") return Array.from(data, jsonDouble);
  if (kind === "bool") return Array.from(data, (v) => v !== 0);
  return Array.from(data, Number);
}

/** `AI.TENSORSET key TYPE dims... BLOB bytes`. */
export function tensorSetArgs(key: Uint8Array, t: WireTensor): Arg[] {
  return ["AI.TENSORSET", key, t.dtype, ...t.shape.map(String), "BLOB", t.blob];
}

/** A `META BLOB` TENSORGET reply (`dtype`, T, `shape`, [dims], `blob`, bytes) as a WireTensor. */
export function wireTensorFromReply(reply: Reply): WireTensor {
  const items = Array.isArray(reply) ? reply as readonly Reply[] : [];
  const [, dtype, , shape, , blob] = items;
  if (typeof dtype !== "string" || !Array.isArray(shape) || !(blob instanceof Uint8Array)) {
    throw new CommandError("ERR unexpected tensor reply", "internal");
  }
  return { dtype: parseDtypeName(dtype), shape: shape.map(Number), blob };
}
