/**
 * Tensor creation on the CPU: `full` (and so zeros/ones/empty), `arange` and `linspace`,
 * with PyTorch's dtype inference and argument checks.
 */
import type { DType } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import { Scalar, scalarDType } from "./promote.ts";
import { opError, output, ScriptTensor } from "./script_tensor.ts";
import { checkSizes } from "./shape.ts";

/** `torch.full(size, value)`; the dtype defaults to the value's (float → FLOAT). */
export function full(shape: readonly number[], value: Scalar, dtype?: DType): ScriptTensor {
  checkSizes(shape);
  const type = dtype ?? scalarDType(value);
  const o = output(type, shape);
  if (value.value !== 0) o.values.fill(type === "BOOL" ? 1 : value.value);
  return o.done();
}

/** `torch.arange(start, end, step)`: INT64 unless an argument is a float (then FLOAT). */
export function arange(
  start: Scalar,
  end: Scalar,
  step: Scalar,
  dtype: DType | undefined,
): ScriptTensor {
  const anyFloat = [start, end, step].some((s) => s.kind === "float");
  const s = step.value;
  if (s === 0) throw opError("step must be nonzero");
  const span = end.value - start.value;
  if ((s > 0 && span < 0) || (s < 0 && span > 0)) {
    throw opError("upper bound and larger bound inconsistent with step sign");
  }
  const count = Math.ceil(span / s);
  if (!Number.isFinite(count)) throw opError("unsupported range");
  const o = output(dtype ?? (anyFloat ? "FLOAT" : "INT64"), [count]);
  for (let i = 0; i < count; i++) o.values[i] = start.value + i * s;
  return o.done();
}

/** `torch.linspace(start, end, steps)`, filled symmetrically from both ends as PyTorch does. */
export function linspace(start: number, end: number, steps: number, dtype?: DType): ScriptTensor {
  if (steps < 0) throw opError("number of steps must be non-negative");
  const o = output(dtype ?? "FLOAT", [steps]);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    o.values[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  }
  if (steps === 1) o.values[0] = start;
  return o.done();
}

/** A tensor from already flattened numbers (what `torch.tensor(nested lists)` builds). */
export function fromValues(
  values: readonly number[],
  shape: readonly number[],
  dtype: DType,
): ScriptTensor {
  if (elementCount(shape) !== values.length) {
    throw opError("tensor() data does not match its shape");
  }
  const o = output(dtype, shape);
  o.values.set(dtype === "BOOL" ? values.map((v) => (v !== 0 ? 1 : 0)) : values);
  return o.done();
}
