/**
 * Reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare over any axes (attribute or input
 * form by opset), GlobalAveragePool and GlobalMaxPool, ArgMax/ArgMin, Softmax and LogSoftmax
 * (both opset forms). Kept and reduced dims are coalesced separately, so the common cases run
 * at rank 1.
 */
import {
  argReduceKernel,
  reduceKernel,
  ReduceOp,
  softmaxKernel,
} from "../../../gpu/kernels/reduce.ts";
import { flatGrid } from "../../../gpu/dispatch.ts";
import { FLAT_WORKGROUP_SIZE, FloatType } from "../../../gpu/kernels/kernel.ts";
import { attrInt, attrInts } from "../graph.ts";
import {
  coalesce,
  elementCount,
  fail,
  flatCall,
  floatType,
  hostInput,
  input,
  io,
  KernelCall,
  normalizeAxis,
  OpImpl,
  OpNode,
  storedType,
  stridesOf,
} from "./op.ts";

/** Reductions this short, over at least this many outputs, run one thread per output. */
const SERIAL_REDUCE_MAX = 1024;
const SERIAL_ROWS_MIN = 32;

/** One workgroup per output row. */
export function rowGrid(rows: number): [number, number, number] {
  return flatGrid(rows, 1);
}

/** The reduce kernel call for `shape` reduced over `axes`. */
export function reduceCall(
  op: ReduceOp,
  x: { readonly shape: readonly number[]; readonly type: FloatType },
  axes: readonly number[],
): KernelCall {
  const { shape } = x;
  const strides = stridesOf(shape);
  const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const pick = (dims: readonly number[], from: readonly number[]) => dims.map((d) => from[d] ?? 0);
  const kept = coalesce(pick(keptDims, shape), [pick(keptDims, strides)]);
  const reduced = coalesce(pick(axes, shape), [pick(axes, strides)]);
  const rows = elementCount(pick(keptDims, shape));
  const reduceCount = elementCount(pick(axes, shape));
  const serial = reduceCount <= SERIAL_REDUCE_MAX && rows >= SERIAL_ROWS_MIN;
  return {
    kernel: reduceKernel(op, {
      keptRank: kept.shape.length,
      reducedRank: Math.max(1, reduced.shape.length),
      type: x.type,
      serial,
    }),
    bindings: io(1),
    uniforms: {
      rows,
      reduce_count: reduceCount,
      kdims: kept.shape,
      kstrides: kept.strides[0] ?? [],
      rdims: reduced.shape.length === 0 ? [1] : reduced.shape,
      rstrides: reduced.shape.length === 0 ? [0] : reduced.strides[0] ?? [],
    },
    grid: serial ? flatGrid(rows, FLAT_WORKGROUP_SIZE) : rowGrid(rows),
  };
}

const REDUCE_OPS: Readonly<Record<string, ReduceOp>> = {
  ReduceSum: "sum",
  ReduceMean: "mean",
  ReduceMax: "max",
  ReduceMin: "min",
  ReduceProd: "prod",
  ReduceL1: "l1",
  ReduceL2: "l2",
  ReduceSumSquare: "sumsquare",
};

/** The reduced axes, or `undefined` for "none" (noop_with_empty_axes). */
function reduceAxes(op: OpNode): number[] | undefined {
  const rank = input(op, 0).shape.length;
  const inputForm = op.node.opType === "ReduceSum" ? op.opset >= 13 : op.opset >= 18;
  const requested = inputForm ? hostInput(op, 1) : attrInts(op.node, "axes");
  if (requested === undefined || requested.length === 0) {
    if (attrInt(op.node, "noop_with_empty_axes", 0) === 1) return undefined;
    return Array.from({ length: rank }, (_, d) => d);
  }
  return [...new Set(requested.map((a) => normalizeAxis(op.node, a, rank)))].sort((a, b) => a - b);
}

function reducedShape(shape: readonly number[], axes: readonly number[], keep: boolean): number[] {
  return keep
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

function reduceImpl(kind: ReduceOp): OpImpl {
  return {
    hostInputs: [1],
    infer: (op) => {
      const x = input(op, 0);
      floatType(op, 0);
      const axes = reduceAxes(op) ?? [];
      const keep = attrInt(op.node, "keepdims", 1) === 1;
      return [{ type: x.type, shape: reducedShape(x.shape, axes, keep) }];
    },
    encode: (op) => [
      reduceCall(kind, { shape: input(op, 0).shape, type: floatType(op, 0) }, reduceAxes(op) ?? []),
    ],
  };
}

function globalPool(kind: ReduceOp): OpImpl {
  const axesOf = (rank: number) => Array.from({ length: rank - 2 }, (_, d) => d + 2);
  return {
    infer: (op) => {
      const x = input(op, 0);
      if (x.shape.length < 3) fail(op.node, "input must have rank ≥ 3");
      return [{ type: x.type, shape: reducedShape(x.shape, axesOf(x.shape.length), true) }];
    },
    encode: (op) => {
      const shape = input(op, 0).shape;
      return [reduceCall(kind, { shape, type: floatType(op, 0) }, axesOf(shape.length))];
    },
  };
}

function argImpl(max: boolean): OpImpl {
  const geometry = (op: OpNode) => {
    const shape = input(op, 0).shape;
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", 0), shape.length);
    const keep = attrInt(op.node, "keepdims", 1) === 1;
    return { shape, axis, out: reducedShape(shape, [axis], keep) };
  };
  return {
    infer: (op) => [{ type: "int64", shape: geometry(op).out }],
    encode: (op) => {
      const { shape, axis, out } = geometry(op);
      const elem = storedType(op, 0);
      if (elem === "u32") fail(op.node, "input must be numeric");
      const selectLast = attrInt(op.node, "select_last_index", 0) === 1;
      const count = elementCount(out);
      const uniforms = {
        count,
        axis_dim: shape[axis] ?? 1,
        inner: elementCount(shape.slice(axis + 1)),
      };
      return [flatCall(argReduceKernel(max, selectLast, elem), io(1), uniforms, count)];
    },
  };
}

function softmaxImpl(log: boolean): OpImpl {
  return {
    infer: (op) => {
      const x = input(op, 0);
      floatType(op, 0);
      return [{ type: x.type, shape: x.shape }];
    },
    encode: (op) => {
      const shape = input(op, 0).shape;
      const legacy = op.opset < 13;
      const axis = normalizeAxis(op.node, attrInt(op.node, "axis", legacy ? 1 : -1), shape.length);
      const axisDim = legacy ? elementCount(shape.slice(axis)) : shape[axis] ?? 1;
      const inner = legacy ? 1 : elementCount(shape.slice(axis + 1));
      const rows = elementCount(shape) / Math.max(axisDim, 1);
      return [{
        kernel: softmaxKernel(log, floatType(op, 0)),
        bindings: io(1),
        uniforms: { rows, axis_dim: axisDim, inner },
        grid: rowGrid(rows),
      }];
    },
  };
}

export const REDUCE_OP_IMPLS: Readonly<Record<string, OpImpl>> = {
  ...Object.fromEntries(Object.entries(REDUCE_OPS).map(([name, kind]) => [name, reduceImpl(kind)])),
  GlobalAveragePool: globalPool("mean"),
  GlobalMaxPool: globalPool("max"),
  ArgMax: argImpl(true),
  ArgMin: argImpl(false),
  Softmax: softmaxImpl(false),
  LogSoftmax: softmaxImpl(true),
};
