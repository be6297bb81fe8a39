/**
 * Reductions on the CPU: sum, mean and prod over any set of dimensions, max/min with and
 * without a dimension (values and INT64 indices), argmax/argmin, and (log-)softmax. Sums
 * accumulate in doubles; NaN wins max and min, as in PyTorch.
 */
import type { DType } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import {
  isFloating,
  numbers,
  opError,
  output,
  scratch,
  ScriptTensor,
  torchTypeName,
} from "./script_tensor.ts";
import { broadcastStrides, normDim, stridesOf, walk2 } from "./shape.ts";

export type ReduceKind = "sum" | "mean" | "prod";

/** The reduced dimensions (sorted, unique) of `dims` for a tensor of rank `ndim`. */
function reducedDims(dims: readonly number[] | undefined, ndim: number): Set<number> {
  if (dims === undefined || dims.length === 0) {
    return new Set(Array.from({ length: ndim }, (_, i) => i));
  }
  const out = new Set<number>();
  for (const d of dims) {
    const n = normDim(d, ndim);
    if (out.has(n)) throw opError(`dim ${n} appears multiple times in the list of dims`);
    out.add(n);
  }
  return out;
}

interface Plan {
  /** Output shape. */
  readonly shape: number[];
  /** Output shape with reduced dims kept as 1 (for the index walk). */
  readonly kept: number[];
  readonly groupSize: number;
}

function plan(inShape: readonly number[], dims: Set<number>, keepdim: boolean): Plan {
  const kept = inShape.map((d, i) => (dims.has(i) ? 1 : d));
  const shape = keepdim ? kept : inShape.filter((_, i) => !dims.has(i));
  let groupSize = 1;
  for (const d of dims) groupSize *= inShape[d] ?? 1;
  return { shape, kept, groupSize };
}

/** Calls `visit(inIndex, outIndex)` for every input element. */
function eachReduced(
  inShape: readonly number[],
  kept: readonly number[],
  visit: (i: number, o: number) => void,
): void {
  walk2(inShape, stridesOf(inShape), broadcastStrides(kept, inShape), (_, i, o) => visit(i, o));
}

/** `sum`, `mean` or `prod` over `dims` (all when undefined). */
export function reduce(
  kind: ReduceKind,
  t: ScriptTensor,
  dims: readonly number[] | undefined,
  options: { keepdim: boolean; dtype: DType | undefined },
): ScriptTensor {
  const dtype = options.dtype ?? (isFloating(t.dtype) ? t.dtype : "INT64");
  if (kind === "mean" && !isFloating(dtype)) {
    throw opError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${
        torchTypeName(options.dtype ?? t.dtype)
      }`,
    );
  }
  const p = plan(t.shape, reducedDims(dims, t.shape.length), options.keepdim);
  const x = numbers(t);
  const acc = scratch(elementCount(p.shape));
  if (kind === "prod") acc.fill(1);
  if (kind === "prod") {
    eachReduced(t.shape, p.kept, (i, o) => acc[o] = (acc[o] as number) * (x[i] as number));
  } else eachReduced(t.shape, p.kept, (i, o) => acc[o] = (acc[o] as number) + (x[i] as number));
  const o = output(dtype, p.shape);
  for (let i = 0; i < acc.length; i++) {
    o.values[i] = kind === "mean" ? (acc[i] as number) / p.groupSize : acc[i] as number;
  }
  return o.done();
}

function better(kind: "max" | "min", candidate: number, best: number): boolean {
  if (Number.isNaN(best)) return false;
  if (Number.isNaN(candidate)) return true;
  return kind === "max" ? candidate > best : candidate < best;
}

/** `t.max()` / `t.min()`: the extreme element as a 0-dim tensor. */
export function extremeAll(kind: "max" | "min", t: ScriptTensor): ScriptTensor {
  if (t.size === 0) {
    throw opError(
      `${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
  const x = numbers(t);
  let best = x[0] as number;
  for (let i = 1; i < x.length; i++) if (better(kind, x[i] as number, best)) best = x[i] as number;
  const o = output(t.dtype, []);
  o.values[0] = best;
  return o.done();
}

/** `t.max(dim)` / `t.min(dim)`: values and INT64 indices along `dim`. */
export function extremeDim(
  kind: "max" | "min",
  t: ScriptTensor,
  dim: number,
  keepdim: boolean,
): [ScriptTensor, ScriptTensor] {
  const d = normDim(dim, t.shape.length);
  const size = t.shape[d] ?? 1;
  if (size === 0) {
    throw opError(
      `${kind}(): Expected reduction dim ${d} to have non-zero size.`,
    );
  }
  const p = plan(t.shape, new Set(t.shape.length === 0 ? [] : [d]), keepdim);
  const stride = stridesOf(t.shape)[d] ?? 1;
  const x = numbers(t);
  const n = elementCount(p.shape);
  const best = scratch(n);
  const where = scratch(n).fill(-1);
  eachReduced(t.shape, p.kept, (i, o) => {
    const v = x[i] as number;
    if (where[o] === -1 || better(kind, v, best[o] as number)) {
      best[o] = v;
      where[o] = Math.floor(i / stride) % size;
    }
  });
  const values = output(t.dtype, p.shape);
  values.values.set(best);
  const indices = output("INT64", p.shape);
  indices.values.set(where);
  return [values.done(), indices.done()];
}

/** `argmax` / `argmin`, over the flattened tensor when `dim` is undefined. */
export function argExtreme(
  kind: "max" | "min",
  t: ScriptTensor,
  dim: number | undefined,
  keepdim: boolean,
): ScriptTensor {
  if (dim !== undefined) return extremeDim(kind, t, dim, keepdim)[1];
  const flat = new ScriptTensor(t.dtype, [t.size], t.data);
  const index = extremeDim(kind, flat, 0, false)[1];
  return keepdim ? new ScriptTensor("INT64", t.shape.map(() => 1), index.data) : index;
}

/** `softmax(dim)` / `log_softmax(dim)` on a floating tensor. */
export function softmax(t: ScriptTensor, dim: number, log: boolean): ScriptTensor {
  if (!isFloating(t.dtype)) {
    const name = log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl";
    throw opError(`"${name}" not implemented for '${torchTypeName(t.dtype)}'`);
  }
  const d = normDim(dim, t.shape.length);
  const p = plan(t.shape, new Set(t.shape.length === 0 ? [] : [d]), true);
  const x = numbers(t);
  const max = scratch(elementCount(p.kept)).fill(-Infinity);
  eachReduced(t.shape, p.kept, (i, o) => {
    if ((x[i] as number) > (max[o] as number)) max[o] = x[i] as number;
  });
  const sum = scratch(max.length);
  eachReduced(
    t.shape,
    p.kept,
    (i, o) => sum[o] = (sum[o] as number) + Math.exp((x[i] as number) - (max[o] as number)),
  );
  const o = output(t.dtype, t.shape);
  const out = o.values;
  eachReduced(t.shape, p.kept, (i, g) => {
    const shifted = (x[i] as number) - (max[g] as number);
    out[i] = log ? shifted - Math.log(sum[g] as number) : Math.exp(shifted) / (sum[g] as number);
  });
  return o.done();
}
