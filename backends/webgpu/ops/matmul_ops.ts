/**
 * MatMul (NumPy semantics: 1-D operands promoted, batch dims broadcast) and Gemm (transposes,
 * alpha, beta·C broadcast to the output), both on the tiled GEMM kernel. Transposes are
 * strides, never copies; broadcast batch dims have stride 0.
 */
import { gemmGrid, gemmTileFor } from "../../../gpu/kernels/gemm.ts";
import { matmulKernel, matmulVec4Kernel, vec4Applies } from "../../../gpu/kernels/matmul.ts";
import { attrFloat, attrInt } from "../graph.ts";
import {
  broadcastShapes,
  broadcastStrides,
  coalesce,
  elementCount,
  fail,
  floatType,
  input,
  KernelCall,
  OpImpl,
  OpNode,
} from "./op.ts";
import { fusedActivation } from "./fused.ts";

const GRID_Z_MAX = 65535;

interface MatmulShape {
  readonly batch: number[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly out: number[];
}

function matmulShape(op: OpNode): MatmulShape {
  const a = input(op, 0).shape;
  const b = input(op, 1).shape;
  if (a.length === 0 || b.length === 0) fail(op.node, "operands must have rank ≥ 1");
  const a2 = a.length === 1 ? [1, ...a] : a;
  const b2 = b.length === 1 ? [...b, 1] : b;
  const m = a2[a2.length - 2] ?? 1;
  const k = a2[a2.length - 1] ?? 1;
  const n = b2[b2.length - 1] ?? 1;
  if ((b2[b2.length - 2] ?? 1) !== k) fail(op.node, `inner dims differ: [${a}] × [${b}]`);
  const batch = broadcastShapes(op.node, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { batch, m, n, k, out };
}

function matmulCall(op: OpNode): KernelCall {
  const s = matmulShape(op);
  const a = input(op, 0).shape;
  const b = input(op, 1).shape;
  const aBatch = a.length <= 2 ? [] : a.slice(0, -2);
  const bBatch = b.length <= 2 ? [] : b.slice(0, -2);
  const aStrides = broadcastStrides(aBatch, s.batch).map((x) => x * s.m * s.k);
  const bStrides = broadcastStrides(bBatch, s.batch).map((x) => x * s.k * s.n);
  const outStrides = broadcastStrides(s.batch, s.batch).map((x) => x * s.m * s.n);
  const merged = coalesce(s.batch, [aStrides, bStrides, outStrides]);
  const batchCount = elementCount(s.batch);
  if (batchCount > GRID_Z_MAX) fail(op.node, `batch of ${batchCount} is too large`);
  const tile = gemmTileFor(s.m, s.n);
  const batchRank = merged.shape.length;
  const act = fusedActivation(op.node);
  const options = {
    tile,
    batchRank,
    bias: "none",
    activation: act.activation,
    type: floatType(op, 0),
  } as const;
  return {
    kernel: vec4Applies(tile, s.k, s.n) ? matmulVec4Kernel(options) : matmulKernel(options),
    bindings: [{ input: 0 }, { input: 1 }, { output: 0 }],
    uniforms: {
      M: s.m,
      N: s.n,
      K: s.k,
      ...act.uniforms,
      alpha: 1,
      beta: 0,
      a_rs: s.k,
      a_cs: 1,
      b_rs: s.n,
      b_cs: 1,
      c_rs: 0,
      c_cs: 0,
      ...(batchRank > 0
        ? { batch: merged.shape, a_bs: merged.strides[0] ?? [], b_bs: merged.strides[1] ?? [] }
        : {}),
    },
    grid: gemmGrid(tile, s.m, s.n, batchCount),
  };
}

const matmul: OpImpl = {
  infer: (op) => [{ type: input(op, 0).type, shape: matmulShape(op).out }],
  encode: (op) => [matmulCall(op)],
};

function gemmDims(op: OpNode): { m: number; n: number; k: number } {
  const a = input(op, 0).shape;
  const b = input(op, 1).shape;
  if (a.length !== 2 || b.length !== 2) fail(op.node, "operands must be 2-D");
  const transA = attrInt(op.node, "transA", 0) === 1;
  const transB = attrInt(op.node, "transB", 0) === 1;
  const [m = 0, k = 0] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [kb = 0, n = 0] = transB ? [b[1], b[0]] : [b[0], b[1]];
  if (k !== kb) fail(op.node, `inner dims differ: [${a}] × [${b}]`);
  return { m, n, k };
}

const gemm: OpImpl = {
  infer: (op) => {
    const { m, n } = gemmDims(op);
    const c = op.inputs[2];
    if (c !== undefined) broadcastShapes(op.node, [c.shape, [m, n]]);
    return [{ type: input(op, 0).type, shape: [m, n] }];
  },
  encode: (op) => {
    const { m, n, k } = gemmDims(op);
    const transA = attrInt(op.node, "transA", 0) === 1;
    const transB = attrInt(op.node, "transB", 0) === 1;
    const c = op.inputs[2];
    const [c_rs = 0, c_cs = 0] = c === undefined ? [] : broadcastStrides(c.shape, [m, n]);
    const tile = gemmTileFor(m, n);
    const act = fusedActivation(op.node);
    const bias = c === undefined ? "none" : "matrix";
    const options = {
      tile,
      batchRank: 0,
      bias,
      activation: act.activation,
      type: floatType(op, 0),
    } as const;
    const vec4 = !transA && !transB && vec4Applies(tile, k, n);
    return [{
      kernel: vec4 ? matmulVec4Kernel(options) : matmulKernel(options),
      bindings: c === undefined
        ? [{ input: 0 }, { input: 1 }, { output: 0 }]
        : [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 0 }],
      uniforms: {
        M: m,
        N: n,
        K: k,
        ...act.uniforms,
        alpha: attrFloat(op.node, "alpha", 1),
        beta: attrFloat(op.node, "beta", 1),
        a_rs: transA ? 1 : k,
        a_cs: transA ? m : 1,
        b_rs: transB ? 1 : n,
        b_cs: transB ? k : 1,
        c_rs,
        c_cs,
      },
      grid: gemmGrid(tile, m, n, 1),
    }];
  },
};

export const MATMUL_OPS: Readonly<Record<string, OpImpl>> = { MatMul: matmul, Gemm: gemm };
