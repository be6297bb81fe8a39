/**
 * Shape arithmetic shared by the ops: broadcasting, contiguous strides, dimension wrapping
 * and `-1` inference, each failing with PyTorch's wording so scripts see familiar errors.
 */
import { elementCount } from "../../../core/tensor.ts";
import { opError, shapeText } from "./script_tensor.ts";

/** Row-major strides of a contiguous tensor of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d] as number;
  }
  return strides;
}

/** The broadcast of two shapes (NumPy rules), or PyTorch's size-mismatch error. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw opError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides to read a tensor of `shape` as if broadcast to `out` (0 on broadcast dimensions).
 * `shape` must be broadcastable to `out`.
 */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const strides = new Array<number>(out.length).fill(0);
  const offset = out.length - shape.length;
  for (let d = 0; d < shape.length; d++) {
    strides[d + offset] = shape[d] === 1 ? 0 : own[d] as number;
  }
  return strides;
}

/** Wraps a possibly negative dimension into `[0, ndim)`; scalars accept -1 and 0. */
export function normDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) {
    throw opError(
      `Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Resolves a `view`/`reshape` target with at most one -1 for `count` elements. */
export function inferShape(shape: readonly number[], count: number): number[] {
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] as number;
    if (d === -1) {
      if (unknown >= 0) throw opError("only one dimension can be inferred");
      unknown = i;
    } else if (d < 0 || !Number.isInteger(d)) {
      throw opError(`invalid shape dimension ${d}`);
    } else {
      known *= d;
    }
  }
  const out = [...shape];
  if (unknown >= 0 && known !== 0 && count % known === 0) out[unknown] = count / known;
  if ((unknown >= 0 && (known === 0 || count % known !== 0)) || elementCount(out) !== count) {
    throw opError(`shape '${shapeText(shape)}' is invalid for input of size ${count}`);
  }
  return out;
}

/** Checks a size list for creation ops (non-negative integers). */
export function checkSizes(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw opError(`Trying to create tensor with negative dimension ${d}: ${shapeText(shape)}`);
    }
  }
}

/**
 * Calls `visit(outIndex, offsetA, offsetB)` over every element of `out`, with the flat source
 * offsets given by `stridesA` and `stridesB` (the odometer walk under broadcasting).
 */
export function walk2(
  out: readonly number[],
  stridesA: readonly number[],
  stridesB: readonly number[],
  visit: (i: number, a: number, b: number) => void,
): void {
  const n = elementCount(out);
  const nd = out.length;
  const index = new Array<number>(nd).fill(0);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    visit(i, a, b);
    for (let d = nd - 1; d >= 0; d--) {
      const sa = stridesA[d] as number;
      const sb = stridesB[d] as number;
      const next = (index[d] as number) + 1;
      if (next < (out[d] as number)) {
        index[d] = next;
        a += sa;
        b += sb;
        break;
      }
      const back = (out[d] as number) - 1;
      a -= sa * back;
      b -= sb * back;
      index[d] = 0;
    }
  }
}
