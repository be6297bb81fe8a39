/**
 * Batching operations along dim 0, as RedisAI's `RAI_TensorCreateByConcatenatingTensors` and
 * `RAI_TensorCreateBySlicingTensor`: concatenation copies once into fresh shared storage;
 * slicing is a view that shares the source's storage (tensors are immutable). Both handle
 * STRING offsets. Callers check that shapes agree (mismatches here are programmer errors).
 */
import { assert } from "./errors.ts";
import {
  allocTensorBytes,
  elementCount,
  numericTensor,
  stringTensor,
  Tensor,
  tensorBytes,
} from "./tensor.ts";

/** Concatenates tensors of one dtype whose shapes agree past dim 0. */
export function concatTensors(tensors: readonly Tensor[]): Tensor {
  const first = tensors[0];
  assert(first !== undefined, "concatTensors() of nothing");
  assert(first.shape.length > 0, "concatTensors() of scalars");
  const rest = first.shape.slice(1);
  let batch = 0;
  let byteLength = 0;
  for (const t of tensors) {
    assert(t.dtype === first.dtype, "concatTensors() dtype mismatch");
    assert(
      t.shape.length === first.shape.length && rest.every((d, i) => t.shape[i + 1] === d),
      "concatTensors() shape mismatch",
    );
    batch += t.shape[0] ?? 0;
    byteLength += t.data.byteLength;
  }
  const shape = [batch, ...rest];
  const out = allocTensorBytes(byteLength);
  let at = 0;
  for (const t of tensors) {
    out.set(tensorBytes(t), at);
    at += t.data.byteLength;
  }
  if (first.dtype !== "STRING") return numericTensor(first.dtype, shape, out);
  const offsets = new Uint32Array(elementCount(shape));
  let index = 0;
  let base = 0;
  for (const t of tensors) {
    const own = t.offsets;
    assert(own !== undefined, "STRING tensor without offsets");
    for (const offset of own) offsets[index++] = base + offset;
    base += t.data.byteLength;
  }
  return stringTensor(shape, out, offsets);
}

/** Rows `[start, start + count)` of dim 0, sharing the source's storage. */
export function sliceTensor(tensor: Tensor, start: number, count: number): Tensor {
  const [batch, ...rest] = tensor.shape;
  assert(batch !== undefined, "sliceTensor() of a scalar");
  assert(start >= 0 && count >= 0 && start + count <= batch, "sliceTensor() out of range");
  const shape = [count, ...rest];
  const rowElements = elementCount(rest);
  const first = start * rowElements;
  const end = first + count * rowElements;
  if (tensor.dtype !== "STRING") {
    return { dtype: tensor.dtype, shape, data: tensor.data.subarray(first, end) };
  }
  const { offsets, data } = tensor;
  assert(offsets !== undefined && data instanceof Uint8Array, "STRING tensor without offsets");
  const byteStart = offsets[first] ?? data.length;
  const byteEnd = offsets[end] ?? data.length;
  const sliced = offsets.slice(first, end);
  for (let i = 0; i < sliced.length; i++) sliced[i] = (sliced[i] as number) - byteStart;
  return { dtype: "STRING", shape, data: data.subarray(byteStart, byteEnd), offsets: sliced };
}
