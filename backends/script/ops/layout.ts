/**
 * Shape and layout ops on the CPU. Views that keep row-major order (view, reshape, flatten,
 * squeeze, unsqueeze) share storage like PyTorch's; reorderings (permute, transpose, expand,
 * repeat, cat, stack) copy, so every tensor stays contiguous.
 */
import type { NumericData } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import { cast } from "./elementwise.ts";
import { resultType } from "./promote.ts";
import { allocate, opError, ScriptTensor, shapeText } from "./script_tensor.ts";
import { broadcastStrides, inferShape, normDim, stridesOf, walk2 } from "./shape.ts";

/** `dst[i] = src[offset(i)]` for the odometer walk of `shape` over `strides` (no conversion). */
export function gather(
  src: NumericData,
  srcOffset: number,
  shape: readonly number[],
  strides: readonly number[],
  dst: NumericData,
  dstOffset = 0,
): void {
  // Elements move between storages of the same dtype; viewing both as plain arrays lets one
  // loop serve BigInt64Array and the number arrays alike.
  const s = src as unknown as number[];
  const d = dst as unknown as number[];
  const zero = new Array<number>(shape.length).fill(0);
  walk2(shape, strides, zero, (i, a) => d[dstOffset + i] = s[srcOffset + a] as number);
}

/** `view` / `reshape`: same storage, new shape (one -1 inferred). */
export function reshape(t: ScriptTensor, shape: readonly number[]): ScriptTensor {
  return t.view(inferShape(shape, t.size));
}

export function unsqueeze(t: ScriptTensor, dim: number): ScriptTensor {
  const d = normDim(dim, t.shape.length + 1);
  const shape = [...t.shape];
  shape.splice(d, 0, 1);
  return t.view(shape);
}

/** `squeeze()` drops every size-1 dimension; `squeeze(d)` only `d`, if it is 1. */
export function squeeze(t: ScriptTensor, dim: number | undefined): ScriptTensor {
  let shape: number[];
  if (dim === undefined) shape = t.shape.filter((d) => d !== 1);
  else {
    const d = normDim(dim, t.shape.length);
    shape = t.shape.filter((size, i) => i !== d || size !== 1);
  }
  return t.view(shape);
}

export function flatten(t: ScriptTensor, startDim: number, endDim: number): ScriptTensor {
  if (t.shape.length === 0) return reshape(t, [1]);
  const s = normDim(startDim, t.shape.length);
  const e = normDim(endDim, t.shape.length);
  if (s > e) throw opError("flatten() has invalid args: start_dim cannot come after end_dim");
  const middle = t.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(t, [...t.shape.slice(0, s), middle, ...t.shape.slice(e + 1)]);
}

export function permute(t: ScriptTensor, dims: readonly number[]): ScriptTensor {
  const nd = t.shape.length;
  if (dims.length !== nd) {
    throw opError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const order = dims.map((d) => normDim(d, nd));
  if (new Set(order).size !== nd) throw opError("permute(): duplicate dims are not allowed.");
  const strides = stridesOf(t.shape);
  const shape = order.map((d) => t.shape[d] as number);
  const data = allocate(t.dtype, t.size);
  gather(t.data, 0, shape, order.map((d) => strides[d] as number), data);
  return new ScriptTensor(t.dtype, shape, data);
}

/** The dimension order of `transpose(dim0, dim1)` on a rank-`nd` tensor (nd ≥ 1). */
export function swappedOrder(nd: number, dim0: number, dim1: number): number[] {
  const order = Array.from({ length: nd }, (_, i) => i);
  const a = normDim(dim0, nd);
  const b = normDim(dim1, nd);
  order[a] = b;
  order[b] = a;
  return order;
}

export function transpose(t: ScriptTensor, dim0: number, dim1: number): ScriptTensor {
  const nd = t.shape.length;
  return nd === 0 ? t : permute(t, swappedOrder(nd, dim0, dim1));
}

/** `t()`: transpose of a matrix; vectors and scalars come back unchanged. */
export function matrixTranspose(t: ScriptTensor): ScriptTensor {
  if (t.shape.length > 2) {
    throw opError(`t() expects a tensor with <= 2 dimensions, but self is ${t.shape.length}D`);
  }
  return t.shape.length < 2 ? t : transpose(t, 0, 1);
}

/** `expand(*sizes)`: broadcast to `sizes` (-1 keeps a size), copied. */
export function expandTo(t: ScriptTensor, sizes: readonly number[]): ScriptTensor {
  const lead = sizes.length - t.shape.length;
  const target = sizes.map((s, i) => (s === -1 && i >= lead ? t.shape[i - lead] as number : s));
  const bad = t.shape.findIndex((d, i) => d !== 1 && d !== target[i + lead]);
  if (lead < 0 || bad >= 0 || target.some((d) => d < 0)) {
    throw opError(
      `The expanded size of the tensor (${
        target[bad + lead] ?? -1
      }) must match the existing size (${t.shape[bad] ?? 0}) at non-singleton dimension ${
        bad + lead
      }.  Target sizes: ${shapeText(sizes)}.  Tensor sizes: ${shapeText(t.shape)}`,
    );
  }
  const data = allocate(t.dtype, elementCount(target));
  gather(t.data, 0, target, broadcastStrides(t.shape, target), data);
  return new ScriptTensor(t.dtype, target, data);
}

/** `repeat(*sizes)`: tiles the tensor. */
export function repeat(t: ScriptTensor, sizes: readonly number[]): ScriptTensor {
  if (sizes.length < t.shape.length) {
    throw opError(
      "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor",
    );
  }
  const padded = [...new Array<number>(sizes.length - t.shape.length).fill(1), ...t.shape];
  // View the output as [r0, s0, r1, s1, ...]: the repeat axes read with stride 0.
  const split = padded.flatMap((s, i) => [sizes[i] as number, s]);
  const own = stridesOf(padded);
  const strides = padded.flatMap((_, i) => [0, own[i] as number]);
  const shape = padded.map((s, i) => s * (sizes[i] as number));
  const data = allocate(t.dtype, elementCount(shape));
  gather(t.data, 0, split, strides, data);
  return new ScriptTensor(t.dtype, shape, data);
}

/** `torch.cat(tensors, dim)`, promoting dtypes; 1-D empty tensors are skipped (legacy rule). */
export function cat(tensors: readonly ScriptTensor[], dim: number): ScriptTensor {
  if (tensors.length === 0) throw opError("torch.cat(): expected a non-empty list of Tensors");
  const dtype = resultType(tensors);
  const parts = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
  const first = parts[0];
  if (first === undefined) return cast(tensors[0] as ScriptTensor, dtype);
  parts.forEach((t, i) => {
    if (t.shape.length === 0) {
      throw opError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
    }
  });
  const nd = first.shape.length;
  const d = normDim(dim, nd);
  let total = 0;
  parts.forEach((t, i) => {
    if (t.shape.length !== nd) {
      throw opError(
        `Tensors must have same number of dimensions: got ${nd} and ${t.shape.length}`,
      );
    }
    t.shape.forEach((size, k) => {
      if (k !== d && size !== first.shape[k]) {
        throw opError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${
            first.shape[k]
          } but got size ${size} for tensor number ${i} in the list.`,
        );
      }
    });
    total += t.shape[d] as number;
  });
  const shape = [...first.shape];
  shape[d] = total;
  const data = allocate(dtype, elementCount(shape));
  const outer = first.shape.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = first.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  let column = 0;
  for (const part of parts) {
    const t = cast(part, dtype);
    const width = (t.shape[d] as number) * inner;
    copyRows(t.data, data, { rows: outer, width, stride: total * inner, at: column });
    column += width;
  }
  return new ScriptTensor(dtype, shape, data);
}

/** Copies packed rows of `width` from `src` to `stride`-spaced rows of `dst` starting at `at`. */
function copyRows(
  src: NumericData,
  dst: NumericData,
  o: { rows: number; width: number; stride: number; at: number },
): void {
  // Same dtype on both sides (see `gather`).
  const s = src as unknown as Float64Array;
  const d = dst as unknown as Float64Array;
  for (let r = 0; r < o.rows; r++) {
    d.set(s.subarray(r * o.width, (r + 1) * o.width), r * o.stride + o.at);
  }
}

/** `torch.stack(tensors, dim)`: all the same shape, joined along a new dimension. */
export function stack(tensors: readonly ScriptTensor[], dim: number): ScriptTensor {
  const first = tensors[0];
  if (first === undefined) throw opError("stack expects a non-empty TensorList");
  tensors.forEach((t, i) => {
    if (t.shape.length !== first.shape.length || t.shape.some((s, k) => s !== first.shape[k])) {
      throw opError(
        `stack expects each tensor to be equal size, but got ${
          shapeText(first.shape)
        } at entry 0 and ${shapeText(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normDim(dim, first.shape.length + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
