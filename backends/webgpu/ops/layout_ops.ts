/**
 * Data movement ops that are strided copies: Transpose, Slice, Concat, Split and Expand.
 * Slice and Concat on plan-time values fold on the CPU, which resolves the shape arithmetic of
 * dynamic-shape models before any kernel runs.
 */
import { stridedCopyKernel, wordOf } from "../../../gpu/kernels/copy.ts";
import { attrInt, attrInts } from "../graph.ts";
import { hostNumbers, HostTensor, hostTensor } from "../host_tensor.ts";
import { FOLD_ELEMENTS_MAX, foldStrided } from "../cpu_fold.ts";
import {
  broadcastShapes,
  broadcastStrides,
  coalesce,
  elementCount,
  fail,
  flatCall,
  hostInput,
  input,
  KernelCall,
  normalizeAxis,
  OpImpl,
  OpNode,
  storedType,
  stridesOf,
  ValueMeta,
} from "./op.ts";

/** A strided copy of input `from` of `op` into output `to` at `dstOffset` with `dstStrides`. */
function copyCall(
  op: OpNode,
  from: number,
  to: number,
  shape: readonly number[],
  src: { strides: readonly number[]; offset: number },
  dst: { strides: readonly number[]; offset: number },
): KernelCall {
  const merged = coalesce(shape, [src.strides, dst.strides]);
  const rank = Math.max(1, merged.shape.length);
  const pad = (list: number[] | undefined) => (merged.shape.length === 0 ? [0] : list ?? []);
  const count = elementCount(shape);
  const kernel = stridedCopyKernel(rank, wordOf(storedType(op, from)));
  return flatCall(kernel, [{ input: from }, { output: to }], {
    count,
    src_off: src.offset,
    dst_off: dst.offset,
    shape: merged.shape.length === 0 ? [1] : merged.shape,
    src_strides: pad(merged.strides[0]),
    dst_strides: pad(merged.strides[1]),
  }, count);
}

/** A value computed by strided reads of a plan-time input, when small enough to fold. */
function folded(
  x: ValueMeta,
  shape: number[],
  strides: readonly number[],
  offset: number,
): ValueMeta {
  if (x.host === undefined || elementCount(shape) > FOLD_ELEMENTS_MAX) {
    return { type: x.type, shape };
  }
  return {
    type: x.type,
    shape,
    host: hostTensor(x.type, shape, foldStrided(x.host, shape, strides, offset)),
  };
}

function transposePerm(op: OpNode): number[] {
  const rank = input(op, 0).shape.length;
  const perm = attrInts(op.node, "perm") ?? Array.from({ length: rank }, (_, d) => rank - 1 - d);
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank)) {
    fail(op.node, `perm [${perm}] is not a permutation of rank ${rank}`);
  }
  return [...perm];
}

const transpose: OpImpl = {
  infer: (op) => {
    const x = input(op, 0);
    const perm = transposePerm(op);
    const strides = stridesOf(x.shape);
    return [folded(x, perm.map((p) => x.shape[p] ?? 1), perm.map((p) => strides[p] ?? 0), 0)];
  },
  encode: (op, outputs) => {
    const x = input(op, 0);
    const perm = transposePerm(op);
    const strides = stridesOf(x.shape);
    const shape = outputs[0]?.shape ?? [];
    const src = { strides: perm.map((p) => strides[p] ?? 0), offset: 0 };
    return [copyCall(op, 0, 0, shape, src, { strides: stridesOf(shape), offset: 0 })];
  },
};

interface SliceView {
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
}

function sliceView(op: OpNode): SliceView {
  const x = input(op, 0);
  const legacy = op.opset < 10;
  const starts = legacy ? attrInts(op.node, "starts") : hostInput(op, 1);
  const ends = legacy ? attrInts(op.node, "ends") : hostInput(op, 2);
  if (starts === undefined || ends === undefined || starts.length !== ends.length) {
    fail(op.node, "starts and ends must be given with equal lengths");
  }
  const rank = x.shape.length;
  const axes = (legacy ? attrInts(op.node, "axes") : hostInput(op, 3)) ??
    starts.map((_, i) => i);
  const steps = (legacy ? undefined : hostInput(op, 4)) ?? starts.map(() => 1);
  const shape = [...x.shape];
  const inStrides = stridesOf(x.shape);
  const strides = [...inStrides];
  let offset = 0;
  axes.forEach((rawAxis, i) => {
    const axis = normalizeAxis(op.node, rawAxis, rank);
    const dim = x.shape[axis] ?? 0;
    const step = steps[i] ?? 1;
    if (step === 0) fail(op.node, "steps must not be 0");
    const clampTo = (v: number, lo: number, hi: number) =>
      Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clampTo(starts[i] ?? 0, 0, dim) : clampTo(starts[i] ?? 0, 0, dim - 1);
    const end = step > 0 ? clampTo(ends[i] ?? 0, 0, dim) : clampTo(ends[i] ?? 0, -1, dim - 1);
    shape[axis] = Math.max(0, Math.ceil((end - start) / step));
    strides[axis] = (inStrides[axis] ?? 0) * step;
    offset += start * (inStrides[axis] ?? 0);
  });
  return { shape, strides, offset };
}

const slice: OpImpl = {
  hostInputs: [1, 2, 3, 4],
  infer: (op) => {
    const view = sliceView(op);
    return [folded(input(op, 0), view.shape, view.strides, view.offset)];
  },
  encode: (op) => {
    const view = sliceView(op);
    const dst = { strides: stridesOf(view.shape), offset: 0 };
    return [copyCall(op, 0, 0, view.shape, { strides: view.strides, offset: view.offset }, dst)];
  },
};

const concat: OpImpl = {
  infer: (op) => {
    const metas = op.inputs.map((_, i) => input(op, i));
    const first = metas[0];
    if (first === undefined) fail(op.node, "needs inputs");
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 0), first.shape.length);
    const shape = [...first.shape];
    shape[axis] = 0;
    for (const m of metas) {
      if (
        m.shape.length !== shape.length ||
        m.shape.some((d, i) => i !== axis && d !== first.shape[i])
      ) {
        fail(op.node, `shapes [${first.shape}] and [${m.shape}] don't concatenate on axis ${axis}`);
      }
      shape[axis] = (shape[axis] ?? 0) + (m.shape[axis] ?? 0);
    }
    const hosts = metas.map((m) => m.host);
    if (hosts.some((h) => h === undefined) || elementCount(shape) > FOLD_ELEMENTS_MAX) {
      return [{ type: first.type, shape }];
    }
    return [{
      type: first.type,
      shape,
      host: concatHost(first.type, shape, axis, hosts as HostTensor[]),
    }];
  },
  encode: (op, outputs) => {
    const out = outputs[0]?.shape ?? [];
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 0), out.length);
    const outStrides = stridesOf(out);
    let at = 0;
    return op.inputs.map((_, i) => {
      const shape = input(op, i).shape;
      const offset = at * (outStrides[axis] ?? 0);
      at += shape[axis] ?? 0;
      return copyCall(op, i, 0, shape, { strides: stridesOf(shape), offset: 0 }, {
        strides: outStrides,
        offset,
      });
    }).filter((call) => (call.uniforms.count ?? 0) !== 0);
  },
};

function concatHost(
  type: HostTensor["type"],
  shape: number[],
  axis: number,
  parts: HostTensor[],
): HostTensor {
  const outer = elementCount(shape.slice(0, axis));
  const values: number[] = [];
  const chunks = parts.map((p) => ({
    values: hostNumbers(p),
    size: elementCount(p.dims.slice(axis)),
  }));
  for (let o = 0; o < outer; o++) {
    for (const chunk of chunks) {
      values.push(...chunk.values.slice(o * chunk.size, (o + 1) * chunk.size));
    }
  }
  return hostTensor(type, shape, values);
}

function splitSizes(op: OpNode): { axis: number; sizes: number[] } {
  const x = input(op, 0);
  const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 0), x.shape.length);
  const dim = x.shape[axis] ?? 0;
  const outputs = op.node.outputs.length;
  const given = op.opset < 13 ? attrInts(op.node, "split") : hostInput(op, 1);
  if (given !== undefined) {
    if (given.reduce((a, b) => a + b, 0) !== dim) {
      fail(op.node, `split [${given}] doesn't sum to ${dim}`);
    }
    return { axis, sizes: [...given] };
  }
  const parts = attrInt(op.node, "num_outputs", outputs);
  const each = Math.ceil(dim / parts);
  return {
    axis,
    sizes: Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, dim - i * each))),
  };
}

const split: OpImpl = {
  hostInputs: [1],
  infer: (op) => {
    const x = input(op, 0);
    const { axis, sizes } = splitSizes(op);
    const strides = stridesOf(x.shape);
    let at = 0;
    return sizes.map((size) => {
      const shape = x.shape.map((d, i) => (i === axis ? size : d));
      const offset = at * (strides[axis] ?? 0);
      at += size;
      return folded(x, shape, strides, offset);
    });
  },
  encode: (op, outputs) => {
    const x = input(op, 0);
    const { axis } = splitSizes(op);
    const strides = stridesOf(x.shape);
    let at = 0;
    return outputs.map((out, k) => {
      const offset = at * (strides[axis] ?? 0);
      at += out.shape[axis] ?? 0;
      return copyCall(op, 0, k, out.shape, { strides, offset }, {
        strides: stridesOf(out.shape),
        offset: 0,
      });
    }).filter((call) => (call.uniforms.count ?? 0) !== 0);
  },
};

function expandShape(op: OpNode): number[] {
  return broadcastShapes(op.node, [input(op, 0).shape, hostInput(op, 1) ?? []]);
}

const expand: OpImpl = {
  hostInputs: [1],
  infer: (op) => {
    const x = input(op, 0);
    const shape = expandShape(op);
    return [folded(x, shape, broadcastStrides(x.shape, shape), 0)];
  },
  encode: (op) => {
    const x = input(op, 0);
    const shape = expandShape(op);
    const src = { strides: broadcastStrides(x.shape, shape), offset: 0 };
    return [copyCall(op, 0, 0, shape, src, { strides: stridesOf(shape), offset: 0 })];
  },
};

export const LAYOUT_OPS: Readonly<Record<string, OpImpl>> = {
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Split: split,
  Expand: expand,
};
