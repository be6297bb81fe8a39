/**
 * CPU evaluation of elementwise math on plan-time values: the shape arithmetic that models
 * do with Shape → Gather → Mul → Concat → Reshape chains, and constant subexpressions. Only
 * small tensors are folded (`FOLD_ELEMENTS_MAX`); larger constant math runs on the GPU.
 * Integer division truncates toward zero and float32 results are rounded to float32, as on
 * the GPU, so folding never changes a result.
 */
import { hostNumbers, HostTensor, hostTensor, TensorType } from "./host_tensor.ts";
import { broadcastStrides } from "./ops/op.ts";

export const FOLD_ELEMENTS_MAX = 4096;

type Fn = (...xs: number[]) => number;

/** Whether values of `type` keep fractions (folding truncates the others). */
export function isFloatType(type: TensorType): boolean {
  return type === "float32" || type === "float16" || type === "float64";
}

/** JS versions of elementwise ops, by ONNX name; `int` says the operands are integers. */
export function foldFunction(op: string, int: boolean): Fn | undefined {
  switch (op) {
    case "Add":
      return (a, b) => a + (b ?? 0);
    case "Sub":
      return (a, b) => a - (b ?? 0);
    case "Mul":
      return (a, b) => a * (b ?? 1);
    case "Div":
      return int ? (a, b) => (b === 0 ? 0 : Math.trunc(a / (b ?? 1))) : (a, b) => a / (b ?? 1);
    case "Pow":
      return (a, b) => a ** (b ?? 1);
    case "Max":
      return (a, b) => Math.max(a, b ?? a);
    case "Min":
      return (a, b) => Math.min(a, b ?? a);
    case "Equal":
      return (a, b) => Number(a === b);
    case "Less":
      return (a, b) => Number(a < (b ?? 0));
    case "Greater":
      return (a, b) => Number(a > (b ?? 0));
    case "LessOrEqual":
      return (a, b) => Number(a <= (b ?? 0));
    case "GreaterOrEqual":
      return (a, b) => Number(a >= (b ?? 0));
    case "And":
      return (a, b) => Number(a !== 0 && b !== 0);
    case "Or":
      return (a, b) => Number(a !== 0 || b !== 0);
    case "Not":
      return (a) => Number(a === 0);
    case "Neg":
      return (a) => -a;
    case "Abs":
      return Math.abs;
    case "Relu":
      return (a) => Math.max(a, 0);
    case "Sqrt":
      return Math.sqrt;
    case "Floor":
      return Math.floor;
    case "Ceil":
      return Math.ceil;
    case "Identity":
      return (a) => a;
    case "Where":
      return (c, x, y) => (c !== 0 ? x ?? 0 : y ?? 0);
  }
  return undefined;
}

/** Evaluates `fn` over broadcast inputs into a tensor of `type` and `shape`. */
export function foldElementwise(
  fn: Fn,
  inputs: readonly HostTensor[],
  type: TensorType,
  shape: readonly number[],
): HostTensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = inputs.map(hostNumbers);
  const strides = inputs.map((t) => broadcastStrides(t.dims, shape));
  const out = new Array<number>(count);
  const args = new Array<number>(inputs.length);
  for (let i = 0; i < count; i++) {
    let rem = i;
    const offsets = new Array<number>(inputs.length).fill(0);
    for (let d = shape.length - 1; d >= 0; d--) {
      const dim = shape[d] ?? 1;
      const c = rem % dim;
      rem = (rem - c) / dim;
      strides.forEach((s, k) => (offsets[k] = (offsets[k] ?? 0) + c * (s[d] ?? 0)));
    }
    values.forEach((v, k) => (args[k] = v[offsets[k] ?? 0] ?? 0));
    const result = fn(...args);
    out[i] = isFloatType(type) ? result : Math.trunc(result);
  }
  return hostTensor(type, shape, out);
}

/**
 * Reads `source` at `offset + c·strides` for every coordinate `c` of `shape` (row-major): the
 * CPU twin of the strided-copy kernel, for folding Slice, Concat pieces and Gather rows.
 */
export function foldStrided(
  source: HostTensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): number[] {
  const values = hostNumbers(source);
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let rem = i;
    let at = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      const dim = shape[d] ?? 1;
      const c = rem % dim;
      rem = (rem - c) / dim;
      at += c * (strides[d] ?? 0);
    }
    out[i] = values[at] ?? 0;
  }
  return out;
}
