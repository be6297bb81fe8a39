/**
 * The contract between the planner and the op implementations, and the shape arithmetic they
 * share. An op infers its outputs' types and shapes from its inputs' (and from host values of
 * inputs that must be known at plan time), and either computes its outputs on the CPU (shape
 * math, constants) or returns the kernel calls that compute them on the GPU. Ops never touch
 * GPU objects: the planner binds buffers, packs uniforms and creates pipelines.
 */
import { ElemType, FLAT_WORKGROUP_SIZE, FloatType, Kernel } from "../../../gpu/kernels/kernel.ts";
import { flatGrid } from "../../../gpu/dispatch.ts";
import type { UniformValues } from "../../../gpu/uniforms.ts";
import { GraphError, GraphNode, nodeLabel } from "../graph.ts";
import { gpuElemType, hostNumbers, HostTensor, TensorType } from "../host_tensor.ts";

/** What the planner knows about a value. */
export interface ValueMeta {
  readonly type: TensorType;
  readonly shape: readonly number[];
  /** The value itself when known at plan time (initializers, constants, folded math). */
  readonly host?: HostTensor;
}

export interface OpNode {
  readonly node: GraphNode;
  readonly opset: number;
  /** One per node input; `undefined` for an omitted optional input. */
  readonly inputs: readonly (ValueMeta | undefined)[];
}

/** A storage binding of a kernel call: a node input or output, by position. */
export type Binding = { readonly input: number } | { readonly output: number };

export interface KernelCall {
  readonly kernel: Kernel;
  /** Storage bindings in the kernel's order (inputs, then outputs). */
  readonly bindings: readonly Binding[];
  readonly uniforms: UniformValues;
  readonly grid: readonly [number, number, number];
}

export interface OpImpl {
  /** A reason the node can't run, judged from its attributes alone (at load). */
  readonly check?: (node: GraphNode) => string | undefined;
  /** Inputs that must be known at plan time (shapes, axes, pads, scales, ...). */
  readonly hostInputs?: readonly number[];
  /** The outputs; an output with `host` set is computed on the CPU and needs no kernel. */
  readonly infer: (op: OpNode) => ValueMeta[];
  /** The GPU work. Absent for ops whose output 0 reuses input 0's buffer (Reshape, ...). */
  readonly encode?: (op: OpNode, outputs: readonly ValueMeta[]) => KernelCall[];
}

/** Throws a `GraphError` naming the node. */
export function fail(node: GraphNode, message: string): never {
  throw new GraphError(`${nodeLabel(node)}: ${message}`);
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Row-major strides of a shape (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] ?? 1;
  }
  return strides;
}

/** An axis in `[-rank, rank)` made non-negative. */
export function normalizeAxis(node: GraphNode, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) fail(node, `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** NumPy broadcasting of several shapes. */
export function broadcastShapes(node: GraphNode, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const d = rank - shape.length + i;
      const dim = shape[i] ?? 1;
      const cur = out[d] ?? 1;
      if (dim === cur || dim === 1) continue;
      if (cur !== 1) fail(node, `shapes ${shapes.map((s) => `[${s}]`).join(", ")} don't broadcast`);
      out[d] = dim;
    }
  }
  return out;
}

/** The strides reading `shape` broadcast to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = stridesOf(shape);
  return target.map((_, d) => {
    const i = d - (target.length - shape.length);
    return i < 0 || (shape[i] ?? 1) === 1 ? 0 : own[i] ?? 0;
  });
}

/**
 * Merges adjacent dims that every operand walks contiguously, and drops size-1 dims, so
 * kernels run at the lowest rank that describes the access pattern.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d] ?? 1;
    if (dim === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 &&
      strides.every((s, k) => (outStrides[k]?.[last] ?? 0) === (s[d] ?? 0) * dim);
    if (mergeable) {
      outShape[last] = (outShape[last] ?? 1) * dim;
      strides.forEach((s, k) => {
        const list = outStrides[k];
        if (list !== undefined) list[last] = s[d] ?? 0;
      });
    } else {
      outShape.push(dim);
      strides.forEach((s, k) => outStrides[k]?.push(s[d] ?? 0));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Input `i`'s meta, failing when the input is omitted. */
export function input(op: OpNode, i: number): ValueMeta {
  const meta = op.inputs[i];
  if (meta === undefined) fail(op.node, `input ${i} is missing`);
  return meta;
}

/** How input `i` is stored on the GPU. */
export function storedType(op: OpNode, i: number): ElemType {
  const { type } = input(op, i);
  const elem = gpuElemType(type);
  if (elem === undefined) fail(op.node, `input ${i} of type ${type} is not supported on the GPU`);
  return elem;
}

/** How float input `i` is stored on the GPU; fails for other types. */
export function floatType(op: OpNode, i: number): FloatType {
  const elem = storedType(op, i);
  if (elem !== "f32" && elem !== "f16") {
    fail(op.node, `input ${i} must be float32 or float16, got ${input(op, i).type}`);
  }
  return elem;
}

/** Input `i`'s host values as numbers; `undefined` when omitted. */
export function hostInput(op: OpNode, i: number): number[] | undefined {
  const meta = op.inputs[i];
  if (meta === undefined) return undefined;
  if (meta.host === undefined) fail(op.node, `input ${i} must be a constant`);
  return hostNumbers(meta.host);
}

/** A kernel call over `count` items with one thread each. */
export function flatCall(
  kernel: Kernel,
  bindings: readonly Binding[],
  uniforms: UniformValues,
  count: number,
): KernelCall {
  return { kernel, bindings, uniforms, grid: flatGrid(count, FLAT_WORKGROUP_SIZE) };
}

/** The bindings `inputs 0..n-1, output 0`. */
export function io(inputCount: number): Binding[] {
  return [...Array.from({ length: inputCount }, (_, i) => ({ input: i })), { output: 0 }];
}
