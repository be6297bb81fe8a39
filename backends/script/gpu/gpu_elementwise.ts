/**
 * Elementwise script ops on the GPU: binary arithmetic and comparisons with broadcasting,
 * unary math, casts and `where`, as nodes of the WebGPU executor (Add, Equal, Sigmoid, Cast,
 * Where, ...). Dtype promotion is PyTorch's, decided here exactly as the CPU ops decide it;
 * operands are cast on the GPU to the dtype the op computes in, Python scalars travel with the
 * op. Each function returns `undefined` where the GPU can't give the CPU's answer (a dtype
 * without a kernel, an integer scalar the kernel's type can't hold, an empty tensor), and the
 * caller falls back to the CPU op, which also raises PyTorch's errors.
 */
import type { DType } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import type { GpuInput } from "../../webgpu/script_ops/protocol.ts";
import { hostTensor, onnxCodeOf } from "../../webgpu/host_tensor.ts";
import type { BinaryKind, UnaryKind } from "../ops/elementwise.ts";
import { Operand, resultType } from "../ops/promote.ts";
import { charge, ScriptTensor, storageBytes } from "../ops/script_tensor.ts";
import { broadcastShapes } from "../ops/shape.ts";
import { GPU_TYPES, GpuSession } from "./gpu_session.ts";

/** ONNX opset the nodes are built for (Softmax's axis form, Cast, Where). */
export const OPSET = 13;

const BINARY_NODES: Readonly<Partial<Record<BinaryKind, string>>> = {
  add: "Add",
  sub: "Sub",
  mul: "Mul",
  div: "Div",
  pow: "Pow",
  eq: "Equal",
  ne: "Equal",
  lt: "Less",
  le: "LessOrEqual",
  gt: "Greater",
  ge: "GreaterOrEqual",
};

const COMPARISONS = new Set<BinaryKind>(["eq", "ne", "lt", "le", "gt", "ge"]);

const UNARY_NODES: Readonly<Partial<Record<UnaryKind, string>>> = {
  exp: "Exp",
  log: "Log",
  sqrt: "Sqrt",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
  sin: "Sin",
  cos: "Cos",
  reciprocal: "Reciprocal",
  neg: "Neg",
  abs: "Abs",
  relu: "Relu",
  floor: "Floor",
  ceil: "Ceil",
  round: "Round",
};

/** Unary ops whose result is floating for any input (integers compute as FLOAT). */
const FLOAT_RESULT = new Set<UnaryKind>([
  "exp",
  "log",
  "sqrt",
  "sigmoid",
  "tanh",
  "sin",
  "cos",
  "reciprocal",
]);

/** Unary ops with an int32 kernel. */
const INT_KERNELS = new Set<UnaryKind>(["neg", "abs", "relu"]);

const I32_MAX = 2147483647;
/** Integers a float32 holds exactly. */
const F32_EXACT_MAX = 16777216;

/** Whether `t` can be an input of a GPU op. */
export function onGpu(t: ScriptTensor): boolean {
  return (t.dtype === "FLOAT" || t.dtype === "INT32" || t.dtype === "BOOL") && t.size > 0;
}

/** The elementwise ops over one session. */
export class GpuElementwise {
  constructor(readonly session: GpuSession) {}

  /** `t` as an input of dtype `dtype`, cast on the GPU when it has another. */
  tensorAs(t: ScriptTensor, dtype: DType): GpuInput {
    if (t.dtype === dtype) return this.session.input(t);
    return this.session.input(this.#cast(t, dtype));
  }

  /** An operand in `dtype`; `undefined` for a scalar `dtype` can't hold exactly. */
  operandAs(op: Operand, dtype: DType): GpuInput | undefined {
    if (op instanceof ScriptTensor) return onGpu(op) ? this.tensorAs(op, dtype) : undefined;
    const type = GPU_TYPES[dtype];
    if (type === undefined) return undefined;
    const value = op.value;
    if (dtype === "INT32" && (!Number.isInteger(value) || Math.abs(value) > I32_MAX)) {
      return undefined;
    }
    if (dtype === "FLOAT" && op.kind !== "float" && Math.abs(value) > F32_EXACT_MAX) {
      return undefined;
    }
    return { host: hostTensor(type, [], [value]) };
  }

  binary(kind: BinaryKind, a: Operand, b: Operand): ScriptTensor | undefined {
    const opType = BINARY_NODES[kind];
    if (opType === undefined) return undefined;
    const common = resultType([a, b]);
    if (common !== "FLOAT" && common !== "INT32") return undefined;
    const compute = kind === "div" ? "FLOAT" : common;
    if (kind === "pow" && compute !== "FLOAT") return undefined;
    const shape = broadcastShapes(shapeOf(a), shapeOf(b));
    if (elementCount(shape) === 0) return undefined;
    const x = this.operandAs(a, compute);
    const y = this.operandAs(b, compute);
    if (x === undefined || y === undefined) return undefined;
    const out = COMPARISONS.has(kind) ? "BOOL" : compute;
    charge(storageBytes(out, elementCount(shape)));
    const [result] = this.session.op({ opType, opset: OPSET, inputs: [x, y] }, [[out, shape]]);
    if (kind !== "ne" || result === undefined) return result;
    const not = { opType: "Not", opset: OPSET, inputs: [this.session.input(result)] };
    return this.session.op(not, [["BOOL", shape]])[0];
  }

  unary(kind: UnaryKind, t: ScriptTensor): ScriptTensor | undefined {
    const opType = UNARY_NODES[kind];
    if (opType === undefined || !onGpu(t) || t.dtype === "BOOL") return undefined;
    const floating = FLOAT_RESULT.has(kind);
    if (!floating && t.dtype === "INT32" && !INT_KERNELS.has(kind)) return undefined;
    const out = floating ? "FLOAT" : t.dtype;
    charge(storageBytes(out, t.size));
    const inputs = [this.tensorAs(t, out)];
    return this.session.op({ opType, opset: OPSET, inputs }, [[out, t.shape]])[0];
  }

  cast(t: ScriptTensor, dtype: DType): ScriptTensor | undefined {
    if (t.dtype === dtype) return t;
    if (!onGpu(t) || GPU_TYPES[dtype] === undefined || dtype === "INT64") return undefined;
    charge(storageBytes(dtype, t.size));
    return this.#cast(t, dtype);
  }

  #cast(t: ScriptTensor, dtype: DType): ScriptTensor {
    const type = GPU_TYPES[dtype];
    if (type === undefined) throw new Error(`inferdb internal: cast to ${dtype} on the GPU`);
    const node = {
      opType: "Cast",
      opset: OPSET,
      attributes: [["to", { type: "int", value: onnxCodeOf(type) }] as const],
      inputs: [this.session.input(t)],
    };
    const [result] = this.session.op(node, [[dtype, t.shape]]);
    if (result === undefined) throw new Error("inferdb internal: Cast gave no output");
    return result;
  }

  where(cond: ScriptTensor, a: Operand, b: Operand): ScriptTensor | undefined {
    if (cond.dtype !== "BOOL" || !onGpu(cond)) return undefined;
    const dtype = resultType([a, b]);
    if (dtype !== "FLOAT" && dtype !== "INT32") return undefined;
    const shape = broadcastShapes(cond.shape, broadcastShapes(shapeOf(a), shapeOf(b)));
    if (elementCount(shape) === 0) return undefined;
    const x = this.operandAs(a, dtype);
    const y = this.operandAs(b, dtype);
    if (x === undefined || y === undefined) return undefined;
    charge(storageBytes(dtype, elementCount(shape)));
    const inputs = [this.session.input(cond), x, y];
    return this.session.op({ opType: "Where", opset: OPSET, inputs }, [[dtype, shape]])[0];
  }
}

function shapeOf(op: Operand): readonly number[] {
  return op instanceof ScriptTensor ? op.shape : [];
}
