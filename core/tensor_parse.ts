/**
 * Parses `AI.TENSORSET key TYPE d1 ... dn [BLOB data | VALUES v ...]` arguments into a Tensor
 * exactly as RedisAI's `ParseTensorSetArgs` does: same order of checks, same error texts, same
 * quirks (every negative integer value refused, the last BOOL blob byte unchecked, STRING NUL
 * rules). Used by AI.TENSORSET and by DAG ops.
 *
 * Limits come first: rank and byte size are checked from the shape before anything is
 * allocated, so an overflowing or oversized shape is refused, never allocated. A BLOB
 * argument that owns its buffer becomes the tensor's storage without a copy.
 */
import type { Config } from "./config.ts";
import { CommandError } from "./errors.ts";
import { DType, DTYPES, parseDType } from "./dtype.ts";
import { keyword, text } from "./keys.ts";
import {
  allocTensorBytes,
  elementCount,
  numericTensor,
  stringOffsets,
  stringTensor,
  Tensor,
  zeroTensor,
} from "./tensor.ts";
import { parseLongLong, parseValue } from "./tensor_values.ts";

/** RedisAI's tensor parsing errors, verbatim (`arity` has no `ERR`, as in a DAG). */
export const tensorErrors = {
  arity: () => new CommandError("wrong number of arguments for 'AI.TENSORSET' command"),
  dtype: () => new CommandError("ERR invalid data type"),
  shape: () => new CommandError("ERR invalid or negative value found in tensor shape"),
  blobArity: () =>
    new CommandError(
      "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command",
    ),
  valuesCount: () =>
    new CommandError("ERR wrong number of values was given in 'AI.TENSORSET' command"),
  blobLength: () => new CommandError("ERR data length does not match tensor shape and type"),
  bool: () => new CommandError("ERR BOOL tensor elements must be 0 or 1"),
  stringCount: () =>
    new CommandError("ERR Number of string elements in data blob does not match tensor length"),
  value: () => new CommandError("ERR invalid value"),
  nul: () => new CommandError("ERR C-string value contains null character"),
  rank: (rankMax: number) =>
    new CommandError(`ERR tensor rank exceeds tensor-max-rank (${rankMax})`),
  size: (bytesMax: number) =>
    new CommandError(`ERR tensor size exceeds tensor-max-bytes (${bytesMax} bytes)`),
} as const;

/** Bytes of bookkeeping per STRING element (its offset). */
const OFFSET_BYTES = Uint32Array.BYTES_PER_ELEMENT;

export interface TensorLimits {
  readonly bytesMax: number;
  readonly rankMax: number;
}

export interface TensorSetOptions {
  readonly limits: TensorLimits;
  /** Called with the data size once known, before storage is allocated (maxmemory checks). */
  readonly reserve?: (dataBytes: number) => void;
}

/** Parses full TENSORSET arguments (`args[0]` the command, `args[1]` the key). */
export function parseTensorSet(args: readonly Uint8Array[], options: TensorSetOptions): Tensor {
  if (args.length < 4) throw tensorErrors.arity();
  const dtype = parseDType(text(args[2] as Uint8Array));
  if (dtype === undefined) throw tensorErrors.dtype();
  const { limits } = options;
  const shape: number[] = [];
  let elements = 1;
  let i = 3;
  let format: "BLOB" | "VALUES" | undefined;
  for (; i < args.length; i++) {
    const arg = args[i] as Uint8Array;
    format = dataKeyword(arg);
    if (format !== undefined) break;
    const dim = parseDim(arg);
    if (shape.length >= limits.rankMax) throw tensorErrors.rank(limits.rankMax);
    shape.push(dim);
    // Saturate instead of overflowing: anything past bytesMax elements is refused below.
    elements = elements > limits.bytesMax ? Infinity : elements * dim;
  }
  const minBytes = elements * Math.max(1, DTYPES[dtype].bytes);
  if (minBytes > limits.bytesMax) throw tensorErrors.size(limits.bytesMax);
  const rest = args.slice(i + 1);
  if (format === "BLOB") {
    if (rest.length !== 1) throw tensorErrors.blobArity();
    return blobTensor(dtype, shape, rest[0] as Uint8Array, options);
  }
  if (format === "VALUES") {
    if (rest.length !== elements) throw tensorErrors.valuesCount();
    return dtype === "STRING"
      ? stringValuesTensor(shape, rest, options)
      : valuesTensor(dtype, shape, rest, options);
  }
  options.reserve?.(dtype === "STRING" ? minBytes + OFFSET_BYTES * elements : minBytes);
  return zeroTensor(dtype, shape);
}

/** `BLOB` or `VALUES` (case-insensitive), else undefined. */
function dataKeyword(arg: Uint8Array): "BLOB" | "VALUES" | undefined {
  if (arg.length !== 4 && arg.length !== 6) return undefined;
  const word = keyword(arg);
  return word === "BLOB" || word === "VALUES" ? word : undefined;
}

/** A dimension: a strict integer > 0 (huge ones saturate and fail the size limit). */
function parseDim(arg: Uint8Array): number {
  const value = parseLongLong(arg);
  if (value === undefined || value <= 0) throw tensorErrors.shape();
  return typeof value === "bigint" ? Infinity : value;
}

function blobTensor(
  dtype: DType,
  shape: readonly number[],
  blob: Uint8Array,
  options: TensorSetOptions,
): Tensor {
  const count = elementCount(shape);
  if (dtype === "STRING") {
    if (blob.length > options.limits.bytesMax) throw tensorErrors.size(options.limits.bytesMax);
    const offsets = stringOffsets(blob, count);
    if (offsets === undefined) throw tensorErrors.stringCount();
    options.reserve?.(blob.length + offsets.byteLength);
    return stringTensor(shape, blob, offsets);
  }
  if (blob.length !== count * DTYPES[dtype].bytes) throw tensorErrors.blobLength();
  // RedisAI checks `blob_len - 1` bytes: the last byte is never checked.
  if (dtype === "BOOL" && !allZeroOrOne(blob.subarray(0, blob.length - 1))) {
    throw tensorErrors.bool();
  }
  options.reserve?.(blob.length);
  return numericTensor(dtype, shape, blob);
}

/** True when every byte is 0 or 1 (a word at a time where aligned). */
function allZeroOrOne(bytes: Uint8Array): boolean {
  let j = 0;
  if (bytes.byteOffset % 4 === 0) {
    for (const word of new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)) {
      if ((word & 0xfefefefe) !== 0) return false;
    }
    j = bytes.length & ~3;
  }
  for (; j < bytes.length; j++) if ((bytes[j] as number) > 1) return false;
  return true;
}

function valuesTensor(
  dtype: DType,
  shape: readonly number[],
  values: readonly Uint8Array[],
  options: TensorSetOptions,
): Tensor {
  const info = DTYPES[dtype];
  options.reserve?.(values.length * info.bytes);
  const tensor = zeroTensor(dtype, shape);
  const { data } = tensor;
  for (let j = 0; j < values.length; j++) {
    const value = parseValue(info, values[j] as Uint8Array);
    if (value === undefined) throw tensorErrors.value();
    if (data instanceof BigInt64Array) data[j] = BigInt(value);
    else data[j] = Number(value);
  }
  return tensor;
}

function stringValuesTensor(
  shape: readonly number[],
  values: readonly Uint8Array[],
  options: TensorSetOptions,
): Tensor {
  let total = 0;
  for (const value of values) {
    const nul = value.indexOf(0);
    if (nul >= 0 && nul !== value.length - 1) throw tensorErrors.nul();
    total += nul < 0 ? value.length + 1 : value.length;
  }
  if (total > options.limits.bytesMax) throw tensorErrors.size(options.limits.bytesMax);
  const offsets = new Uint32Array(values.length);
  options.reserve?.(total + offsets.byteLength);
  const blob = allocTensorBytes(total);
  let at = 0;
  for (let j = 0; j < values.length; j++) {
    const value = values[j] as Uint8Array;
    offsets[j] = at;
    const body = value[value.length - 1] === 0 ? value.subarray(0, value.length - 1) : value;
    blob.set(body, at);
    at += body.length + 1;
  }
  return stringTensor(shape, blob, offsets);
}

/** The tensor limits currently configured (read per command: CONFIG SET applies at once). */
export function tensorLimits(config: Config): TensorLimits {
  return { bytesMax: config["tensor-max-bytes"], rankMax: config["tensor-max-rank"] };
}
