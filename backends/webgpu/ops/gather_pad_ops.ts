/**
 * Gather (along one axis, negative indices counted from the end; folded on the CPU when data
 * and indices are plan-time values, as in Shape → Gather) and Pad (constant, reflect, edge;
 * negative pads crop; attribute form before opset 11, inputs after).
 */
import { gatherKernel, padKernel, PadMode, wordOf } from "../../../gpu/kernels/copy.ts";
import { attrFloat, attrInt, attrInts, attrString } from "../graph.ts";
import { hostNumbers, hostTensor } from "../host_tensor.ts";
import { FOLD_ELEMENTS_MAX } from "../cpu_fold.ts";
import {
  elementCount,
  fail,
  flatCall,
  hostInput,
  input,
  io,
  normalizeAxis,
  OpImpl,
  OpNode,
  storedType,
  stridesOf,
} from "./op.ts";

function gatherGeometry(op: OpNode) {
  const data = input(op, 0);
  const indices = input(op, 1);
  const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  return { data, indices, axis, shape, inner: elementCount(data.shape.slice(axis + 1)) };
}

const gather: OpImpl = {
  infer: (op) => {
    const { data, indices, axis, shape, inner } = gatherGeometry(op);
    if (
      data.host === undefined || indices.host === undefined ||
      elementCount(shape) > FOLD_ELEMENTS_MAX
    ) {
      return [{ type: data.type, shape }];
    }
    const dim = data.shape[axis] ?? 0;
    const values = hostNumbers(data.host);
    const outer = elementCount(data.shape.slice(0, axis));
    const out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of hostNumbers(indices.host)) {
        const at = raw < 0 ? raw + dim : raw;
        if (at < 0 || at >= dim) fail(op.node, `index ${raw} is out of range for ${dim}`);
        out.push(...values.slice((o * dim + at) * inner, (o * dim + at + 1) * inner));
      }
    }
    return [{ type: data.type, shape, host: hostTensor(data.type, shape, out) }];
  },
  encode: (op) => {
    const { data, indices, axis, shape, inner } = gatherGeometry(op);
    const count = elementCount(shape);
    const uniforms = {
      count,
      axis_dim: data.shape[axis] ?? 0,
      index_count: elementCount(indices.shape),
      inner,
    };
    return [flatCall(gatherKernel(wordOf(storedType(op, 0))), io(2), uniforms, count)];
  },
};

function padGeometry(op: OpNode) {
  const x = input(op, 0);
  const rank = x.shape.length;
  const legacy = op.opset < 11;
  const given = legacy ? attrInts(op.node, "pads") : hostInput(op, 1);
  const axes =
    (legacy ? undefined : hostInput(op, 3))?.map((a) => normalizeAxis(op.node, a, rank)) ??
      Array.from({ length: rank }, (_, d) => d);
  if (given === undefined || given.length !== 2 * axes.length) {
    fail(op.node, "pads don't match the axes");
  }
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = given[i] ?? 0;
    end[a] = given[i + axes.length] ?? 0;
  });
  const shape = x.shape.map((d, i) => d + (begin[i] ?? 0) + (end[i] ?? 0));
  if (shape.some((d) => d < 0)) fail(op.node, "pads crop more than the input holds");
  const value = legacy ? attrFloat(op.node, "value", 0) : hostInput(op, 2)?.[0] ?? 0;
  const mode = attrString(op.node, "mode", "constant");
  if (mode !== "constant" && mode !== "reflect" && mode !== "edge") {
    fail(op.node, `mode ${mode} is not supported`);
  }
  return { x, shape, begin, value, mode: mode as PadMode };
}

const pad: OpImpl = {
  hostInputs: [1, 2, 3],
  infer: (op) => {
    const { x, shape } = padGeometry(op);
    return [{ type: x.type, shape }];
  },
  encode: (op) => {
    const { x, shape, begin, value, mode } = padGeometry(op);
    const rank = Math.max(1, shape.length);
    const bits = new DataView(new ArrayBuffer(4));
    const word = wordOf(storedType(op, 0));
    if (x.type === "float32" || word === "f16") bits.setFloat32(0, value, true);
    else bits.setInt32(0, value, true);
    const count = elementCount(shape);
    const orOne = (list: readonly number[]) => (list.length === 0 ? [1] : [...list]);
    return [flatCall(padKernel(mode, rank, word), io(1), {
      count,
      value: bits.getUint32(0, true),
      out_shape: orOne(shape),
      in_shape: orOne(x.shape),
      in_strides: orOne(stridesOf(x.shape)),
      pads: begin.length === 0 ? [0] : begin,
    }, count)];
  },
};

export const GATHER_PAD_OPS: Readonly<Record<string, OpImpl>> = { Gather: gather, Pad: pad };
