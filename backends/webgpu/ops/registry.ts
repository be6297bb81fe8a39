/**
 * Every op the WebGPU executor implements, by ONNX op type (default domain only), and the
 * support check the backend chooser runs before trusting a model to this executor.
 */
import { Graph, nodeLabel } from "../graph.ts";
import { CONV_OPS } from "./conv_ops.ts";
import { ELEMENTWISE_OPS } from "./elementwise_ops.ts";
import { GATHER_PAD_OPS } from "./gather_pad_ops.ts";
import { LAYOUT_OPS } from "./layout_ops.ts";
import { MATMUL_OPS } from "./matmul_ops.ts";
import { NORM_OPS } from "./norm_ops.ts";
import type { OpImpl } from "./op.ts";
import { POOL_OPS } from "./pool_ops.ts";
import { REDUCE_OP_IMPLS } from "./reduce_ops.ts";
import { RESIZE_OPS } from "./resize_ops.ts";
import { SHAPE_OPS } from "./shape_ops.ts";
import { gpuElemType } from "../host_tensor.ts";

export const OPS: ReadonlyMap<string, OpImpl> = new Map(Object.entries({
  ...ELEMENTWISE_OPS,
  ...SHAPE_OPS,
  ...MATMUL_OPS,
  ...CONV_OPS,
  ...POOL_OPS,
  ...REDUCE_OP_IMPLS,
  ...NORM_OPS,
  ...LAYOUT_OPS,
  ...GATHER_PAD_OPS,
  ...RESIZE_OPS,
}));

/** The op implementation of a node, if the executor has one. */
export function opFor(domain: string, opType: string): OpImpl | undefined {
  return domain === "" ? OPS.get(opType) : undefined;
}

/** Ops whose outputs are plan-time values when their inputs are (see `cpu_fold.ts`). */
const FOLDING = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Equal",
  "Less",
  "Greater",
  "Where",
  "Not",
  "Neg",
  "Abs",
  "Max",
  "Min",
  "Cast",
  "Slice",
  "Concat",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Reshape",
  "Flatten",
  "Identity",
  "Transpose",
  "Split",
  "Expand",
  "Range",
  "ConstantOfShape",
]);
/** Ops whose outputs are plan-time values whatever their inputs hold. */
const ALWAYS_KNOWN = new Set(["Constant", "Shape", "Size"]);

/**
 * Inputs that must be plan-time values (Reshape's shape, Slice's starts, ...) but are computed
 * from tensor data, which the planner can't know: the approximate check behind "Reshape with a
 * computed input 1".
 */
function computedHostInputs(graph: Graph, problems: Set<string>): void {
  const known = new Set<string>(graph.initializers.keys());
  for (const node of graph.nodes) {
    const impl = opFor(node.domain, node.opType);
    for (const i of impl?.hostInputs ?? []) {
      const name = node.inputs[i];
      if (name !== undefined && name !== "" && !known.has(name)) {
        problems.add(`${node.opType} with a computed input ${i}`);
      }
    }
    const folds = FOLDING.has(node.opType) && node.inputs.every((n) => n === "" || known.has(n));
    if (node.domain === "" && (folds || ALWAYS_KNOWN.has(node.opType))) {
      node.outputs.forEach((name) => known.add(name));
    }
  }
}

/**
 * What keeps `graph` off this executor, judged without shapes: unknown ops (named with their
 * domain when not the default one), attributes the executor refuses, inputs that must be
 * plan-time values but are computed, and input or output types the GPU path lacks. Empty when
 * every node is supported; shape-dependent limits can still fail at planning time.
 */
export function unsupportedOps(graph: Graph): string[] {
  const problems = new Set<string>();
  computedHostInputs(graph, problems);
  for (const node of graph.nodes) {
    const impl = opFor(node.domain, node.opType);
    if (impl === undefined) {
      problems.add(node.domain === "" ? node.opType : `${node.domain}.${node.opType}`);
      continue;
    }
    for (const [name, value] of node.attributes) {
      if (value.type === "unsupported") problems.add(`${nodeLabel(node)} attribute ${name}`);
    }
    const reason = impl.check?.(node);
    if (reason !== undefined) problems.add(`${node.opType} with ${reason}`);
  }
  for (const value of [...graph.inputs, ...graph.outputs]) {
    if (value.type === undefined || gpuElemType(value.type) === undefined) {
      problems.add(`${value.name} of type ${value.type ?? "non-tensor"}`);
    }
  }
  return [...problems];
}
