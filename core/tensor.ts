/**
 * The tensor value: a dtype, a shape and a typed array in row-major order. Numeric and BOOL
 * data is the element array itself (little-endian, as RedisAI's BLOB layout). STRING data is
 * the concatenation of NUL-terminated elements, with `offsets` giving each element's start.
 *
 * Invariant: `data` holds exactly `elementCount(shape)` elements (numeric) or exactly that many
 * NUL-terminated strings (STRING); tensors are immutable once stored, so they may be shared
 * between keys (COPY), DAG versions and compute workers without cloning.
 */
import { DType, DTYPES, NumericData } from "./dtype.ts";

export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: NumericData;
  /** STRING only: the start offset of each element in `data`. */
  readonly offsets?: Uint32Array;
}

/** The number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** The tensor's payload size in bytes (the BLOB length). */
export function tensorByteLength(tensor: Tensor): number {
  return tensor.data.byteLength;
}

/** The bytes of a tensor's data, as a view (no copy). */
export function tensorBytes(tensor: Tensor): Uint8Array {
  const { data } = tensor;
  return data instanceof Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Element start offsets of a NUL-terminated string blob; `undefined` if the count differs. */
export function stringOffsets(blob: Uint8Array, count: number): Uint32Array | undefined {
  if (count === 0) return blob.length === 0 ? new Uint32Array(0) : undefined;
  if (blob.length === 0 || blob[blob.length - 1] !== 0) return undefined;
  const offsets = new Uint32Array(count);
  let found = 0;
  let start = 0;
  for (let i = 0; i < blob.length; i++) {
    if (blob[i] !== 0) continue;
    if (found === count) return undefined;
    offsets[found++] = start;
    start = i + 1;
  }
  return found === count ? offsets : undefined;
}

/** The i-th element of a STRING tensor, without its terminator. */
export function stringAt(tensor: Tensor, index: number): Uint8Array {
  const offsets = tensor.offsets;
  if (offsets === undefined) throw new Error("inferdb internal: not a STRING tensor");
  const start = offsets[index] ?? 0;
  const end = (offsets[index + 1] ?? tensor.data.length) - 1;
  return (tensor.data as Uint8Array).subarray(start, end);
}

/** Bytes per element of a dtype (0 for STRING). */
export function dtypeBytes(dtype: DType): number {
  return DTYPES[dtype].bytes;
}
