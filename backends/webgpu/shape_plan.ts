/**
 * The GPU-free half of planning: walks the nodes in topological order with concrete input
 * shapes, infers every value's type and shape, folds plan-time values on the CPU, and records
 * for each remaining node either an alias (the output reuses the input's buffer) or its kernel
 * calls, plus the step at which each value is read for the last time. Pure, so op behaviour
 * can be tested without a device; `gpu_plan.ts` turns the result into buffers and dispatches.
 */
import { Graph, GraphError, GraphNode, nodeLabel } from "./graph.ts";
import { gpuElemType, TensorType } from "./host_tensor.ts";
import { KernelCall, OpNode, ValueMeta } from "./ops/op.ts";
import { opFor } from "./ops/registry.ts";

export interface Step {
  readonly node: GraphNode;
  readonly op: OpNode;
  readonly outputs: readonly ValueMeta[];
  /** `alias`: output 0 is input 0's buffer under another shape. */
  readonly kind: "alias" | "kernel";
  readonly calls: readonly KernelCall[];
}

export interface ShapePlan {
  readonly steps: readonly Step[];
  readonly metas: ReadonlyMap<string, ValueMeta>;
  /** Index of the last step reading each value; graph outputs live to `steps.length`. */
  readonly lastUse: ReadonlyMap<string, number>;
}

export interface InputShape {
  readonly name: string;
  readonly type: TensorType;
  readonly shape: readonly number[];
}

export function planShapes(
  graph: Graph,
  order: readonly GraphNode[],
  inputs: readonly InputShape[],
): ShapePlan {
  const metas = new Map<string, ValueMeta>();
  for (const [name, host] of graph.initializers) {
    metas.set(name, { type: host.type, shape: host.dims, host });
  }
  for (const input of inputs) metas.set(input.name, { type: input.type, shape: input.shape });
  const steps: Step[] = [];
  for (const node of order) {
    const step = planNode(graph, node, metas);
    if (step !== undefined) steps.push(step);
  }
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) =>
    step.node.inputs.forEach((name) => name !== "" && lastUse.set(name, i))
  );
  for (const output of graph.outputs) lastUse.set(output.name, steps.length);
  return { steps, metas, lastUse };
}

function planNode(graph: Graph, node: GraphNode, metas: Map<string, ValueMeta>): Step | undefined {
  const impl = opFor(node.domain, node.opType);
  if (impl === undefined) throw new GraphError(`${nodeLabel(node)}: operator is not supported`);
  const op: OpNode = {
    node,
    opset: graph.opset,
    inputs: node.inputs.map((name) => {
      if (name === "") return undefined;
      const meta = metas.get(name);
      if (meta === undefined) throw new GraphError(`${nodeLabel(node)}: input ${name} is unknown`);
      return meta;
    }),
  };
  const outputs = impl.infer(op);
  node.outputs.forEach((name, k) => {
    const meta = outputs[k];
    if (name === "") return;
    if (meta === undefined) throw new GraphError(`${nodeLabel(node)}: output ${k} is not produced`);
    metas.set(name, meta);
  });
  if (outputs.every((meta) => meta.host !== undefined)) return undefined;
  for (const meta of outputs) {
    if (gpuElemType(meta.type) === undefined) {
      throw new GraphError(`${nodeLabel(node)}: type ${meta.type} is not supported on the GPU`);
    }
  }
  if (impl.encode === undefined) return { node, op, outputs, kind: "alias", calls: [] };
  return { node, op, outputs, kind: "kernel", calls: impl.encode(op, outputs) };
}
