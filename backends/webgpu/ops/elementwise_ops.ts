/**
 * Elementwise ONNX ops: unary math and activations, binary arithmetic and comparisons with
 * NumPy broadcasting, logical ops, Where, Cast. Small plan-time values fold on the CPU (shape
 * arithmetic); everything else becomes one `elementwise` kernel call at the lowest rank that
 * describes the broadcast (often rank 0: same shapes, flat indexing).
 */
import {
  BINARY_ARITH,
  castOp,
  COMPARE,
  elementwiseKernel,
  ElementwiseOp,
  elementwiseOp,
  LOGICAL,
  UNARY_F32,
} from "../../../gpu/kernels/elementwise.ts";
import { attrFloat, attrInt, GraphNode } from "../graph.ts";
import { gpuElemType, HostTensor, TensorType, tensorTypeFromOnnx } from "../host_tensor.ts";
import { FOLD_ELEMENTS_MAX, foldElementwise, foldFunction, isFloatType } from "../cpu_fold.ts";
import {
  broadcastShapes,
  broadcastStrides,
  coalesce,
  elementCount,
  fail,
  flatCall,
  hostInput,
  io,
  KernelCall,
  OpImpl,
  OpNode,
  ValueMeta,
} from "./op.ts";

const FLOAT_MAX = 3.4028234663852886e38;

/** The output type of an elementwise op over inputs of `types`. */
function outputType(op: string, types: readonly TensorType[]): TensorType {
  if (op in COMPARE || op in LOGICAL || op === "Not") return "bool";
  if (op === "Where") return types[1] ?? "float32";
  return types[0] ?? "float32";
}

/** `alpha` and `beta` uniforms of the ops that have parameters. */
function scalars(op: OpNode): { alpha: number; beta: number } {
  const { node } = op;
  switch (node.opType) {
    case "LeakyRelu":
      return { alpha: attrFloat(node, "alpha", 0.01), beta: 0 };
    case "Elu":
      return { alpha: attrFloat(node, "alpha", 1), beta: 0 };
    case "HardSigmoid":
      return { alpha: attrFloat(node, "alpha", 0.2), beta: attrFloat(node, "beta", 0.5) };
    case "Clip":
      return clipBounds(op);
  }
  return { alpha: 0, beta: 0 };
}

/** Clip's bounds: attributes before opset 11, optional constant inputs after. */
export function clipBounds(op: OpNode): { alpha: number; beta: number } {
  if (op.opset < 11) {
    return {
      alpha: attrFloat(op.node, "min", -FLOAT_MAX),
      beta: attrFloat(op.node, "max", FLOAT_MAX),
    };
  }
  return {
    alpha: hostInput(op, 1)?.[0] ?? -FLOAT_MAX,
    beta: hostInput(op, 2)?.[0] ?? FLOAT_MAX,
  };
}

function kernelOp(op: OpNode, types: readonly TensorType[]): ElementwiseOp {
  const elems = types.map(gpuElemType);
  if (op.node.opType === "Cast") {
    const to = castTarget(op.node);
    const from = elems[0];
    const target = gpuElemType(to);
    if (from === undefined || target === undefined) fail(op.node, `no GPU cast to ${to}`);
    return castOp(from, target);
  }
  const known = elems.filter((e) => e !== undefined);
  const found = known.length === elems.length ? elementwiseOp(op.node.opType, known) : undefined;
  if (found === undefined) fail(op.node, `no GPU kernel for inputs of type ${types.join(", ")}`);
  return found;
}

function castTarget(node: GraphNode): TensorType {
  const to = tensorTypeFromOnnx(attrInt(node, "to", 0));
  if (to === undefined) fail(node, "Cast has no valid `to`");
  return to;
}

/** How many of the node's inputs are elementwise operands (Clip's bounds are not). */
function operandCount(op: OpNode): number {
  const name = op.node.opType;
  if (name === "Where") return 3;
  if (name in BINARY_ARITH || name in COMPARE || name in LOGICAL) return 2;
  if (name === "Pow" || name === "PRelu") return 2;
  return 1;
}

function infer(op: OpNode): ValueMeta[] {
  const count = operandCount(op);
  const operands = op.inputs.slice(0, count);
  const extra = op.node.opType === "Clip" ? 0 : op.inputs.length - count;
  if (extra !== 0 || operands.length !== count || operands.some((m) => m === undefined)) {
    fail(op.node, `expects ${count} input${count === 1 ? "" : "s"}`);
  }
  const metas = operands as ValueMeta[];
  const shape = broadcastShapes(op.node, metas.map((m) => m.shape));
  const types = metas.map((m) => m.type);
  const type = op.node.opType === "Cast" ? castTarget(op.node) : outputType(op.node.opType, types);
  const hosts = metas.map((m) => m.host);
  const fn = op.node.opType === "Cast"
    ? (a: number) => a
    : foldFunction(op.node.opType, !types.some(isFloatType));
  if (
    fn !== undefined && hosts.every((h) => h !== undefined) &&
    elementCount(shape) <= FOLD_ELEMENTS_MAX
  ) {
    return [{ type, shape, host: foldElementwise(fn, hosts as HostTensor[], type, shape) }];
  }
  return [{ type, shape }];
}

function encode(op: OpNode, outputs: readonly ValueMeta[]): KernelCall[] {
  const out = outputs[0];
  if (out === undefined) return [];
  const count = operandCount(op);
  const metas = op.inputs.slice(0, count) as ValueMeta[];
  const kop = kernelOp(op, metas.map((m) => m.type));
  const { shape, strides } = coalesce(
    out.shape,
    metas.map((m) => broadcastStrides(m.shape, out.shape)),
  );
  const flat = shape.length <= 1 && strides.every((s) => (s[0] ?? 1) === 1);
  const rank = flat ? 0 : shape.length;
  const uniforms: Record<string, number | number[]> = {
    count: elementCount(out.shape),
    ...scalars(op),
  };
  if (!flat) {
    uniforms.shape = shape;
    strides.forEach((s, k) => (uniforms[`s_${"abc"[k]}`] = s));
  }
  return [flatCall(elementwiseKernel(kop, rank), io(count), uniforms, elementCount(out.shape))];
}

const impl: OpImpl = { infer, encode };
const clip: OpImpl = { infer, encode, hostInputs: [1, 2] };

const NAMES = [
  ...Object.keys(UNARY_F32),
  ...Object.keys(BINARY_ARITH),
  ...Object.keys(COMPARE),
  ...Object.keys(LOGICAL),
  "Pow",
  "PRelu",
  "Not",
  "Where",
  "Cast",
];

export const ELEMENTWISE_OPS: Readonly<Record<string, OpImpl>> = Object.fromEntries(
  NAMES.map((name) => [name, name === "Clip" ? clip : impl]),
);
