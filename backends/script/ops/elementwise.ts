/**
 * Elementwise ops on the CPU: binary arithmetic, comparison and logic with broadcasting and
 * PyTorch type promotion, unary math, casts and `where`. Operands are cast to the common
 * dtype's precision before computing (a Python float meets a float32 tensor as a float32),
 * results are stored with C-cast semantics.
 */
import type { DType } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import { Operand, resultType } from "./promote.ts";
import {
  allocate,
  isFloating,
  isIntegral,
  numbers,
  opError,
  output,
  scratch,
  ScriptTensor,
  store,
  torchTypeName,
} from "./script_tensor.ts";
import { broadcastShapes, broadcastStrides, walk2 } from "./shape.ts";

export type BinaryKind =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "floor_divide"
  | "remainder"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logical_and"
  | "logical_or"
  | "logical_xor"
  | "bitwise_and"
  | "bitwise_or"
  | "bitwise_xor";

export type UnaryKind =
  | "neg"
  | "abs"
  | "exp"
  | "log"
  | "log2"
  | "log10"
  | "log1p"
  | "expm1"
  | "sqrt"
  | "rsqrt"
  | "sigmoid"
  | "tanh"
  | "sin"
  | "cos"
  | "tan"
  | "atan"
  | "reciprocal"
  | "relu"
  | "floor"
  | "ceil"
  | "round"
  | "trunc"
  | "sign"
  | "square"
  | "logical_not"
  | "bitwise_not";

type Fn2 = (x: number, y: number) => number;

const floorDiv: Fn2 = (x, y) => Math.floor(x / y);
const pyMod: Fn2 = (x, y) => {
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
};

const BINARY: Readonly<Record<BinaryKind, Fn2>> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  floor_divide: floorDiv,
  remainder: pyMod,
  pow: (x, y) => Math.pow(x, y),
  maximum: (x, y) => (x > y || Number.isNaN(x) ? x : y),
  minimum: (x, y) => (x < y || Number.isNaN(x) ? x : y),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  logical_and: (x, y) => (x !== 0 && y !== 0 ? 1 : 0),
  logical_or: (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
  logical_xor: (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0),
  bitwise_and: (x, y) => Number(BigInt(x) & BigInt(y)),
  bitwise_or: (x, y) => Number(BigInt(x) | BigInt(y)),
  bitwise_xor: (x, y) => Number(BigInt(x) ^ BigInt(y)),
};

const BOOL_RESULT = new Set<BinaryKind>([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logical_and",
  "logical_or",
  "logical_xor",
]);

/** The dtype `kind` computes in and the dtype it returns, or PyTorch's refusal. */
function binaryTypes(kind: BinaryKind, a: Operand, b: Operand): [DType, DType] {
  const common = resultType([a, b]);
  if (kind === "sub" && common === "BOOL") {
    throw opError(
      "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.",
    );
  }
  if (kind.startsWith("bitwise") && isFloating(common)) {
    throw opError(`"${kind}_cpu" not implemented for '${torchTypeName(common)}'`);
  }
  if (BOOL_RESULT.has(kind)) return [common, "BOOL"];
  if (kind === "div" && !isFloating(common)) return ["FLOAT", "FLOAT"];
  return [common, common];
}

function valuesOf(op: Operand, compute: DType): ArrayLike<number> {
  const values = op instanceof ScriptTensor ? numbers(op) : [op.value];
  const fromFloat = op instanceof ScriptTensor ? op.dtype !== "FLOAT" : op.kind === "float";
  if (compute !== "FLOAT" || !fromFloat) return values;
  return Float32Array.from(values);
}

/** `a <op> b` with broadcasting; at least one operand is a tensor. */
export function binary(kind: BinaryKind, a: Operand, b: Operand): ScriptTensor {
  const [compute, out] = binaryTypes(kind, a, b);
  let fn = BINARY[kind];
  if (isIntegral(compute) || compute === "BOOL") {
    if ((kind === "floor_divide" || kind === "remainder") && hasZero(b)) {
      throw opError("ZeroDivisionError");
    }
    if (kind === "pow" && hasNegative(b)) {
      throw opError("Integers to negative integer powers are not allowed.");
    }
    if (kind === "add" || kind === "mul") fn = compute === "BOOL" ? BOOL_OPS[kind] : fn;
  }
  const shapeA = a instanceof ScriptTensor ? a.shape : [];
  const shapeB = b instanceof ScriptTensor ? b.shape : [];
  const shape = broadcastShapes(shapeA, shapeB);
  const x = valuesOf(a, compute);
  const y = valuesOf(b, compute);
  const n = elementCount(shape);
  const o = output(out, shape);
  const result = o.values;
  if (x.length === n && y.length === n) {
    for (let i = 0; i < n; i++) result[i] = fn(x[i] as number, y[i] as number);
  } else if (y.length === 1 && x.length === n) {
    const v = y[0] as number;
    for (let i = 0; i < n; i++) result[i] = fn(x[i] as number, v);
  } else if (x.length === 1 && y.length === n) {
    const v = x[0] as number;
    for (let i = 0; i < n; i++) result[i] = fn(v, y[i] as number);
  } else {
    walk2(shape, broadcastStrides(shapeA, shape), broadcastStrides(shapeB, shape), (i, ia, ib) => {
      result[i] = fn(x[ia] as number, y[ib] as number);
    });
  }
  return o.done();
}

const BOOL_OPS = {
  add: (x: number, y: number) => (x !== 0 || y !== 0 ? 1 : 0),
  mul: (x: number, y: number) => (x !== 0 && y !== 0 ? 1 : 0),
};

function hasZero(op: Operand): boolean {
  const values = op instanceof ScriptTensor ? numbers(op) : [op.value];
  for (let i = 0; i < values.length; i++) if (values[i] === 0) return true;
  return false;
}

function hasNegative(op: Operand): boolean {
  const values = op instanceof ScriptTensor ? numbers(op) : [op.value];
  for (let i = 0; i < values.length; i++) if ((values[i] as number) < 0) return true;
  return false;
}

const sigmoid = (x: number) => x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

/** Round half to even, as `torch.round`. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const FLOAT_UNARY: Readonly<Partial<Record<UnaryKind, (x: number) => number>>> = {
  exp: Math.exp,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sigmoid,
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  atan: Math.atan,
  reciprocal: (x) => 1 / x,
};

const SAME_TYPE_UNARY: Readonly<Partial<Record<UnaryKind, (x: number) => number>>> = {
  neg: (x) => -x,
  abs: Math.abs,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundEven,
  trunc: Math.trunc,
  sign: (x) => (Number.isNaN(x) ? x : Math.sign(x)),
  square: (x) => x * x,
};

/** A unary op; integer inputs of float functions (exp, sigmoid, ...) give FLOAT. */
export function unary(kind: UnaryKind, t: ScriptTensor): ScriptTensor {
  const x = numbers(t);
  const floatFn = FLOAT_UNARY[kind];
  if (floatFn !== undefined) {
    return map(isFloating(t.dtype) ? t.dtype : "FLOAT", t.shape, x, floatFn);
  }
  if (kind === "logical_not") return map("BOOL", t.shape, x, (v) => (v === 0 ? 1 : 0));
  if (kind === "bitwise_not") {
    if (t.dtype === "BOOL") return map("BOOL", t.shape, x, (v) => (v === 0 ? 1 : 0));
    if (isFloating(t.dtype)) {
      throw opError(`"bitwise_not_cpu" not implemented for '${torchTypeName(t.dtype)}'`);
    }
    return map(t.dtype, t.shape, x, (v) => -v - 1);
  }
  if (kind === "neg" && t.dtype === "BOOL") {
    throw opError(
      "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
    );
  }
  const fn = SAME_TYPE_UNARY[kind];
  if (fn === undefined) throw new Error(`inferdb internal: unary ${kind}`);
  return map(t.dtype, t.shape, x, fn);
}

function map(
  dtype: DType,
  shape: readonly number[],
  x: ArrayLike<number>,
  fn: (v: number) => number,
): ScriptTensor {
  const o = output(dtype, shape);
  const out = o.values;
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i] as number);
  return o.done();
}

/** `t.to(dtype)`: the same tensor when the dtype already matches, else a converted copy. */
export function cast(t: ScriptTensor, dtype: DType): ScriptTensor {
  if (t.dtype === dtype) return t;
  const data = allocate(dtype, t.size);
  store(data, dtype, numbers(t));
  return new ScriptTensor(dtype, t.shape, data);
}

/** `torch.where(cond, a, b)`. */
export function where(cond: ScriptTensor, a: Operand, b: Operand): ScriptTensor {
  const dtype = resultType([a, b]);
  const shapeA = a instanceof ScriptTensor ? a.shape : [];
  const shapeB = b instanceof ScriptTensor ? b.shape : [];
  const shape = broadcastShapes(cond.shape, broadcastShapes(shapeA, shapeB));
  const c = expand(numbers(cond), cond.shape, shape);
  const x = expand(valuesOf(a, dtype), shapeA, shape);
  const y = expand(valuesOf(b, dtype), shapeB, shape);
  const o = output(dtype, shape);
  const out = o.values;
  for (let i = 0; i < c.length; i++) {
    out[i] = (c[i] as number) !== 0 ? x[i] as number : y[i] as number;
  }
  return o.done();
}

/** Values of a `shape` tensor repeated out to the broadcast shape `to`. */
export function expand(
  values: ArrayLike<number>,
  shape: readonly number[],
  to: readonly number[],
): Float64Array {
  const out = scratch(elementCount(to));
  const zero = new Array<number>(to.length).fill(0);
  walk2(to, broadcastStrides(shape, to), zero, (i, ia) => out[i] = values[ia] as number);
  return out;
}
