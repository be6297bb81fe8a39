/**
 * Ops that only change how a buffer is viewed, or that produce plan-time values: Reshape,
 * Flatten, Squeeze, Unsqueeze, Identity and Dropout (inference) reuse their input's buffer;
 * Shape, Size, Constant, ConstantOfShape and Range are computed on the CPU. None has a kernel.
 */
import { attrInt, attrInts, attrTensor, GraphNode } from "../graph.ts";
import { hostNumbers, HostTensor, hostTensor } from "../host_tensor.ts";
import {
  elementCount,
  fail,
  hostInput,
  input,
  normalizeAxis,
  OpImpl,
  OpNode,
  ValueMeta,
} from "./op.ts";
import { FOLD_ELEMENTS_MAX } from "../cpu_fold.ts";

/** The same value under a new shape (host data kept when known). */
function view(meta: ValueMeta, shape: readonly number[]): ValueMeta {
  return meta.host === undefined
    ? { type: meta.type, shape }
    : { type: meta.type, shape, host: { ...meta.host, dims: shape } };
}

function reshapeTarget(op: OpNode, from: readonly number[]): number[] {
  const requested = op.opset < 5 ? attrInts(op.node, "shape") : hostInput(op, 1);
  if (requested === undefined) fail(op.node, "needs a shape");
  const allowZero = attrInt(op.node, "allowzero", 0) === 1;
  const shape = requested.map((d, i) => (d === 0 && !allowZero ? from[i] ?? 0 : d));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = elementCount(from);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) fail(op.node, "more than one -1 in the shape");
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) {
      fail(op.node, `can't reshape [${from}] to [${requested}]`);
    }
    return shape.map((d) => (d === -1 ? total / known : d));
  }
  if (known !== total) fail(op.node, `can't reshape [${from}] to [${requested}]`);
  return shape;
}

function squeezeAxes(op: OpNode): readonly number[] | undefined {
  return op.opset < 13 ? attrInts(op.node, "axes") : hostInput(op, 1);
}

const reshape: OpImpl = {
  hostInputs: [1],
  infer: (op) => {
    const x = input(op, 0);
    return [view(x, reshapeTarget(op, x.shape))];
  },
};

const flatten: OpImpl = {
  infer: (op) => {
    const x = input(op, 0);
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 1), x.shape.length + 1);
    const outer = elementCount(x.shape.slice(0, axis));
    return [view(x, [outer, elementCount(x.shape.slice(axis))])];
  },
};

const squeeze: OpImpl = {
  hostInputs: [1],
  infer: (op) => {
    const x = input(op, 0);
    const rank = x.shape.length;
    const axes = squeezeAxes(op)?.map((a) => normalizeAxis(op.node, a, rank));
    for (const a of axes ?? []) {
      if (x.shape[a] !== 1) fail(op.node, `can't squeeze axis ${a} of size ${x.shape[a]}`);
    }
    const shape = x.shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i)));
    return [view(x, shape)];
  },
};

const unsqueeze: OpImpl = {
  hostInputs: [1],
  infer: (op) => {
    const x = input(op, 0);
    const requested = squeezeAxes(op);
    if (requested === undefined) fail(op.node, "needs axes");
    const rank = x.shape.length + requested.length;
    const axes = requested.map((a) => normalizeAxis(op.node, a, rank));
    const shape: number[] = [];
    let next = 0;
    for (let d = 0; d < rank; d++) shape.push(axes.includes(d) ? 1 : x.shape[next++] ?? 1);
    return [view(x, shape)];
  },
};

const identity: OpImpl = {
  infer: (op) => {
    if (op.node.outputs.length > 1 && op.node.outputs[1] !== "") {
      fail(op.node, "the mask output is not supported");
    }
    const x = input(op, 0);
    return [view(x, x.shape)];
  },
};

const shape: OpImpl = {
  infer: (op) => {
    const dims = input(op, 0).shape;
    const rank = dims.length;
    const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
    const start = clampAxis(attrInt(op.node, "start", 0));
    const end = clampAxis(attrInt(op.node, "end", rank));
    const values = dims.slice(start, Math.max(start, end));
    return [{
      type: "int64",
      shape: [values.length],
      host: hostTensor("int64", [values.length], values),
    }];
  },
};

const size: OpImpl = {
  infer: (op) => {
    const count = elementCount(input(op, 0).shape);
    return [{ type: "int64", shape: [], host: hostTensor("int64", [], [count]) }];
  },
};

/** Constant's value from whichever attribute carries it. */
function constantValue(node: GraphNode): HostTensor {
  const tensor = attrTensor(node, "value");
  if (tensor !== undefined) return tensor;
  const attr = node.attributes.get("value_float") ?? node.attributes.get("value_int") ??
    node.attributes.get("value_floats") ?? node.attributes.get("value_ints");
  if (attr === undefined) fail(node, "has no supported value attribute");
  const type = attr.type === "float" || attr.type === "floats" ? "float32" : "int64";
  if (attr.type === "float" || attr.type === "int") return hostTensor(type, [], [attr.value]);
  if (attr.type === "floats" || attr.type === "ints") {
    return hostTensor(type, [attr.value.length], attr.value);
  }
  fail(node, `value attribute of type ${attr.type}`);
}

const constant: OpImpl = {
  infer: (op) => {
    const host = constantValue(op.node);
    return [{ type: host.type, shape: host.dims, host }];
  },
};

const constantOfShape: OpImpl = {
  hostInputs: [0],
  infer: (op) => {
    const dims = hostInput(op, 0) ?? [];
    const fill = attrTensor(op.node, "value") ?? hostTensor("float32", [1], [0]);
    const count = elementCount(dims);
    const value = hostNumbers(fill)[0] ?? 0;
    const host = hostTensor(fill.type, dims, new Array<number>(count).fill(value));
    return [{ type: fill.type, shape: dims, host }];
  },
};

const range: OpImpl = {
  hostInputs: [0, 1, 2],
  infer: (op) => {
    const [start = 0, limit = 0, delta = 1] = [0, 1, 2].map((i) => hostInput(op, i)?.[0]);
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    if (count > FOLD_ELEMENTS_MAX) {
      fail(op.node, `${count} elements is too many to compute on the host`);
    }
    const values = Array.from({ length: count }, (_, i) => start + i * delta);
    const type = input(op, 0).type;
    return [{ type, shape: [count], host: hostTensor(type, [count], values) }];
  },
};

export const SHAPE_OPS: Readonly<Record<string, OpImpl>> = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Identity: identity,
  Dropout: identity,
  Shape: shape,
  Size: size,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
};
