/**
 * The tensor value: a dtype, a shape and a typed array in row-major order. Numeric and BOOL
 * data is the element array itself (little-endian, as RedisAI's BLOB layout). STRING data is
 * the concatenation of NUL-terminated elements, with `offsets` giving each element's start.
 *
 * Invariant: `data` holds exactly `elementCount(shape)` elements (numeric) or exactly that many
 * NUL-terminated strings (STRING); tensors are immutable once stored, so they may be shared
 * between keys (COPY), DAG versions and compute workers without cloning. Storage built here
 * lives in a SharedArrayBuffer so workers can read it in place; a big RESP argument's own
 * buffer is adopted as it is (the native provider reads it in place; posting it to a WASM
 * worker copies it once).
 */
import { copyBytes } from "./bytes.ts";
import { assert } from "./errors.ts";
import { DType, DTYPES, NumericData } from "./dtype.ts";

export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: NumericData;
  /** STRING only: the start offset of each element in `data`. */
  readonly offsets?: Uint32Array;
}

// RedisAI's BLOB layout is little-endian; typed arrays use the host's order.
assert(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1, "big-endian hosts are unsupported");

/** Fixed bookkeeping charged per tensor on top of its data (object, shape, views). */
const TENSOR_OVERHEAD_BYTES = 96;

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

/** The bytes a tensor is charged in the keyspace: data, STRING offsets and fixed overhead. */
export function tensorEntryBytes(tensor: Tensor): number {
  return tensor.data.byteLength + (tensor.offsets?.byteLength ?? 0) + TENSOR_OVERHEAD_BYTES +
    8 * tensor.shape.length;
}

/** The bytes of a tensor's data, as a view (no copy). */
export function tensorBytes(tensor: Tensor): Uint8Array {
  const { data } = tensor;
  return data instanceof Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Fresh zeroed storage of `byteLength` bytes, shareable with workers. */
export function allocTensorBytes(byteLength: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(byteLength));
}

/**
 * Storage for a tensor holding exactly `bytes`: `bytes` itself when it is the whole of its
 * buffer (the RESP reader gives every big argument a buffer of its own and never writes it
 * again), otherwise one copy. A copy is required for small arguments: they are views into the
 * reader's receive slab, which other requests share.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const copy = allocTensorBytes(bytes.byteLength);
  copyBytes(copy, bytes);
  return copy;
}

/**
 * A numeric or BOOL tensor over `bytes` (exactly `elementCount(shape) * size` bytes, already
 * validated), adopting the storage when `ownedBytes` allows it.
 */
export function numericTensor(dtype: DType, shape: readonly number[], bytes: Uint8Array): Tensor {
  const info = DTYPES[dtype];
  assert(info.kind !== "string", "numericTensor() given STRING");
  const count = elementCount(shape);
  assert(bytes.byteLength === count * info.bytes, "numericTensor() byte length");
  const own = ownedBytes(bytes);
  return { dtype, shape, data: info.view(own.buffer, own.byteOffset, count) };
}

/** A STRING tensor over a validated NUL-terminated blob and its element offsets. */
export function stringTensor(
  shape: readonly number[],
  blob: Uint8Array,
  offsets: Uint32Array,
): Tensor {
  assert(offsets.length === elementCount(shape), "stringTensor() offsets length");
  return { dtype: "STRING", shape, data: ownedBytes(blob), offsets };
}

/** A zero-filled tensor (STRING: that many empty strings, i.e. NUL bytes). */
export function zeroTensor(dtype: DType, shape: readonly number[]): Tensor {
  const count = elementCount(shape);
  if (dtype !== "STRING") {
    return numericTensor(dtype, shape, allocTensorBytes(count * DTYPES[dtype].bytes));
  }
  const offsets = new Uint32Array(count);
  for (let i = 0; i < count; i++) offsets[i] = i;
  return stringTensor(shape, allocTensorBytes(count), offsets);
}

/** Element start offsets of a NUL-terminated string blob; `undefined` if the count differs. */
export function stringOffsets(blob: Uint8Array, count: number): Uint32Array | undefined {
  if (count === 0) return blob.length === 0 ? new Uint32Array(0) : undefined;
  if (blob.length === 0 || blob[blob.length - 1] !== 0) return undefined;
  const offsets = new Uint32Array(count);
  let found = 0;
  let start = 0;
  for (let i = blob.indexOf(0); i >= 0; i = blob.indexOf(0, i + 1)) {
    if (found === count) return undefined;
    offsets[found++] = start;
    start = i + 1;
  }
  return found === count ? offsets : undefined;
}

/** The i-th element of a STRING tensor, without its terminator. */
export function stringAt(tensor: Tensor, index: number): Uint8Array {
  const { offsets, data } = tensor;
  assert(offsets !== undefined && data instanceof Uint8Array, "stringAt() on a non-STRING tensor");
  const start = offsets[index] ?? 0;
  const end = (offsets[index + 1] ?? data.length) - 1;
  return data.subarray(start, end);
}

/** Bytes per element of a dtype (0 for STRING). */
export function dtypeBytes(dtype: DType): number {
  return DTYPES[dtype].bytes;
}
