/**
 * Conv and ConvTranspose (1-D and 2-D, NCHW, groups, dilations, pads or auto_pad, optional
 * bias, fused activation). Conv picks the implicit-GEMM kernel when each group has at least
 * `GEMM_CHANNELS_MIN` output channels, else the direct kernel (depthwise convolutions).
 */
import {
  convDirectKernel,
  convGemmKernel,
  convTransposeKernel,
} from "../../../gpu/kernels/conv.ts";
import { gemmGrid, GemmTile, gemmTileFor } from "../../../gpu/kernels/gemm.ts";
import { matmulVec4Kernel, vec4Applies } from "../../../gpu/kernels/matmul.ts";
import { attrInt, attrInts, attrString } from "../graph.ts";
import { fusedActivation, FusedEpilogue } from "./fused.ts";
import { forwardWindow, pair, spatial, Window, windowUniforms } from "./geometry.ts";
import {
  elementCount,
  fail,
  flatCall,
  floatType,
  input,
  KernelCall,
  OpImpl,
  OpNode,
} from "./op.ts";
import type { FloatType } from "../../../gpu/kernels/kernel.ts";

const GEMM_CHANNELS_MIN = 4;

interface ConvGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly oc: number;
  readonly groups: number;
  readonly window: Window;
  readonly outShape: number[];
}

function convGeometry(op: OpNode): ConvGeometry {
  const x = input(op, 0).shape;
  const wShape = input(op, 1).shape;
  const dims = x.length - 2;
  const [n, c, h, w] = spatial(op.node, x);
  const groups = attrInt(op.node, "group", 1);
  const [oc = 0, cg = 0] = wShape;
  if (wShape.length !== x.length || cg * groups !== c || oc % groups !== 0) {
    fail(op.node, `weights [${wShape}] don't fit input [${x}] with ${groups} groups`);
  }
  const kernel = dims === 1
    ? [1, wShape[2] ?? 1] as const
    : [wShape[2] ?? 1, wShape[3] ?? 1] as const;
  const window = forwardWindow(op.node, [h, w], kernel, dims, false);
  const outShape = dims === 1 ? [n, oc, window.out[1]] : [n, oc, window.out[0], window.out[1]];
  return { n, c, h, w, oc, groups, window, outShape };
}

function geometryUniforms(g: ConvGeometry, cg: number, ocg: number): Record<string, number> {
  const { window: win } = g;
  return {
    C: g.c,
    H: g.h,
    W: g.w,
    OC: g.oc,
    ...windowUniforms(win),
    CG: cg,
    OCG: ocg,
    G: g.groups,
  };
}

function convCall(op: OpNode): KernelCall {
  const g = convGeometry(op);
  const bias = op.inputs[2] !== undefined;
  const act = fusedActivation(op.node);
  const type = floatType(op, 0);
  const cg = g.c / g.groups;
  const ocg = g.oc / g.groups;
  const geometry = geometryUniforms(g, cg, ocg);
  const bindings = bias
    ? [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 0 }]
    : [{ input: 0 }, { input: 1 }, { output: 0 }];
  const count = elementCount(g.outShape);
  const actUniforms = act.uniforms;
  if (ocg < GEMM_CHANNELS_MIN) {
    const kernel = convDirectKernel({ bias, activation: act.activation, type });
    return flatCall(kernel, bindings, { count, ...actUniforms, ...geometry }, count);
  }
  const { window: win } = g;
  const pointwise = win.kernel[0] === 1 && win.kernel[1] === 1 && win.strides[0] === 1 &&
    win.strides[1] === 1 && win.pads[0] === 0 && win.pads[1] === 0 &&
    win.out[0] === g.h && win.out[1] === g.w;
  const tile = gemmTileFor(ocg, win.out[0] * win.out[1]);
  const pixels = win.out[0] * win.out[1];
  if (pointwise && g.groups === 1 && vec4Applies(tile, g.c, pixels)) {
    return pointwiseMatmul(g, { tile, bias, act, type });
  }
  return {
    kernel: convGemmKernel({ bias, activation: act.activation, type, tile, pointwise }),
    bindings,
    uniforms: {
      M: ocg,
      N: pixels,
      K: cg * win.kernel[0] * win.kernel[1],
      ...actUniforms,
      ...geometry,
    },
    grid: gemmGrid(tile, ocg, pixels, g.n * g.groups),
  };
}

/**
 * A 1×1 convolution without groups is a batched MatMul, `W [OC, C] × X[n] [C, H·W]` with the
 * weights broadcast over images and the bias as a per-row C, so it takes the vec4 MatMul
 * kernel when C and H·W allow.
 */
function pointwiseMatmul(
  g: ConvGeometry,
  options: { tile: GemmTile; bias: boolean; act: FusedEpilogue; type: FloatType },
): KernelCall {
  const { tile, bias, act, type } = options;
  const pixels = g.h * g.w;
  return {
    kernel: matmulVec4Kernel({
      tile,
      batchRank: 1,
      bias: bias ? "matrix" : "none",
      activation: act.activation,
      type,
    }),
    bindings: bias
      ? [{ input: 1 }, { input: 0 }, { input: 2 }, { output: 0 }]
      : [{ input: 1 }, { input: 0 }, { output: 0 }],
    uniforms: {
      M: g.oc,
      N: pixels,
      K: g.c,
      ...act.uniforms,
      alpha: 1,
      beta: 1,
      a_rs: g.c,
      a_cs: 1,
      b_rs: pixels,
      b_cs: 1,
      c_rs: 1,
      c_cs: 0,
      batch: [g.n],
      a_bs: [0],
      b_bs: [g.c * pixels],
    },
    grid: gemmGrid(tile, g.oc, pixels, g.n),
  };
}

const conv: OpImpl = {
  infer: (op) => [{ type: input(op, 0).type, shape: convGeometry(op).outShape }],
  encode: (op) => [convCall(op)],
};

function convTransposeGeometry(op: OpNode): ConvGeometry {
  const x = input(op, 0).shape;
  const wShape = input(op, 1).shape;
  const dims = x.length - 2;
  const [n, c, h, w] = spatial(op.node, x);
  const groups = attrInt(op.node, "group", 1);
  const [wc = 0, ocg = 0] = wShape;
  if (wShape.length !== x.length || wc !== c || c % groups !== 0) {
    fail(op.node, `weights [${wShape}] don't fit input [${x}] with ${groups} groups`);
  }
  const kernel: [number, number] = dims === 1
    ? [1, wShape[2] ?? 1]
    : [wShape[2] ?? 1, wShape[3] ?? 1];
  const strides = pair(op.node, "strides", dims, 1);
  const dilations = pair(op.node, "dilations", dims, 1);
  const outputPadding = pair(op.node, "output_padding", dims, 0);
  const explicit = attrInts(op.node, "pads") ?? new Array<number>(2 * dims).fill(0);
  const begin = dims === 1 ? [0, explicit[0] ?? 0] : [explicit[0] ?? 0, explicit[1] ?? 0];
  const end = dims === 1 ? [0, explicit[1] ?? 0] : [explicit[2] ?? 0, explicit[3] ?? 0];
  const requested = attrInts(op.node, "output_shape");
  const autoPad = attrString(op.node, "auto_pad", "NOTSET");
  const out: [number, number] = [0, 0];
  const pads: [number, number] = [0, 0];
  [h, w].forEach((size, a) => {
    const span = ((kernel[a] ?? 1) - 1) * (dilations[a] ?? 1) + 1;
    const full = (strides[a] ?? 1) * (size - 1) + (outputPadding[a] ?? 0) + span;
    const target = requested === undefined
      ? autoPad.startsWith("SAME") ? size * (strides[a] ?? 1) : undefined
      : dims === 1
      ? requested[0]
      : requested[a];
    if (target === undefined) {
      out[a] = full - (begin[a] ?? 0) - (end[a] ?? 0);
      pads[a] = begin[a] ?? 0;
    } else {
      const total = full - target;
      out[a] = target;
      pads[a] = autoPad === "SAME_UPPER" ? Math.floor(total / 2) : total - Math.floor(total / 2);
    }
  });
  if (out[0] <= 0 || out[1] <= 0) fail(op.node, "the output would be empty");
  const oc = ocg * groups;
  const window: Window = { kernel, strides, dilations, pads, out };
  const outShape = dims === 1 ? [n, oc, out[1]] : [n, oc, out[0], out[1]];
  return { n, c, h, w, oc, groups, window, outShape };
}

const convTranspose: OpImpl = {
  infer: (op) => [{ type: input(op, 0).type, shape: convTransposeGeometry(op).outShape }],
  encode: (op) => {
    const g = convTransposeGeometry(op);
    const bias = op.inputs[2] !== undefined;
    const act = fusedActivation(op.node);
    const count = elementCount(g.outShape);
    const bindings = bias
      ? [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 0 }]
      : [{ input: 0 }, { input: 1 }, { output: 0 }];
    const uniforms = {
      count,
      ...act.uniforms,
      ...geometryUniforms(g, g.c / g.groups, g.oc / g.groups),
    };
    return [
      flatCall(
        convTransposeKernel({ bias, activation: act.activation, type: floatType(op, 0) }),
        bindings,
        uniforms,
        count,
      ),
    ];
  },
};

export const CONV_OPS: Readonly<Record<string, OpImpl>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
};
