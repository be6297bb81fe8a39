/**
 * 2-D convolution kernels (1-D convolutions run as 2-D with height 1), NCHW, float32:
 *
 * - `convGemmKernel`: implicit GEMM over the tiled template of `matmul.ts`. Per image and
 *   group, `out[m, p] = Σ_k W[m, k] · col[k, p]` with m an output channel, p an output pixel
 *   and k a (channel, kh, kw) triple; `col` is never materialized, `loadB` computes it. The
 *   `pointwise` variant (1×1 kernel, stride 1, no padding) reads the input as a plain matrix.
 * - `convDirectKernel`: one output element per thread, for depthwise and narrow groups where a
 *   GEMM tile would be mostly empty.
 * - `convTransposeKernel`: one output element per thread, gathering the inputs that scatter
 *   to it.
 *
 * All take the geometry in uniforms (`CONV_FIELDS`), an optional bias and a fused activation.
 */
import { Activation, ACTIVATION_FIELDS, activationWgsl } from "./activation.ts";
import { ElemType, flatMain, FloatType, Kernel, kernel, load, store } from "./kernel.ts";
import { gemmKernel, GemmTile } from "./gemm.ts";
import type { UniformField } from "../uniforms.ts";

const GEOMETRY = [
  "C",
  "H",
  "W",
  "OC",
  "OH",
  "OW",
  "KH",
  "KW",
  "SH",
  "SW",
  "PH",
  "PW",
  "DH",
  "DW",
  "CG",
  "OCG",
  "G",
] as const;

/** Geometry uniforms shared by the convolution kernels (pads are the leading pads). */
export const CONV_FIELDS: readonly UniformField[] = GEOMETRY.map((name) => ({
  name,
  type: "u32",
}));

export interface ConvOptions {
  readonly bias: boolean;
  readonly activation: Activation;
  /** How X, the weights, the bias and the output are stored. */
  readonly type: FloatType;
}

function convInputs(options: ConvOptions): (readonly [string, ElemType])[] {
  const { bias, type } = options;
  const inputs: (readonly [string, ElemType])[] = [["X", type], ["Wt", type]];
  if (bias) inputs.push(["Bias", type]);
  return inputs;
}

/** Implicit-GEMM convolution; dispatch `[⌈OH·OW/tileN⌉, ⌈OCG/tileM⌉, N·G]`. */
export function convGemmKernel(
  options: ConvOptions & { readonly tile: GemmTile; readonly pointwise: boolean },
): Kernel {
  const { bias, pointwise, type } = options;
  const loadB = pointwise
    ? `  return ${load(type, "X[x_base + k * u.H * u.W + p]")};`
    : `  let khw = u.KH * u.KW;
  let c = k / khw;
  let r = k % khw;
  let oh = p / u.OW;
  let ow = p % u.OW;
  let ih = i32(oh * u.SH + (r / u.KW) * u.DH) - i32(u.PH);
  let iw = i32(ow * u.SW + (r % u.KW) * u.DW) - i32(u.PW);
  if (ih < 0 || iw < 0 || ih >= i32(u.H) || iw >= i32(u.W)) { return 0.0; }
  return ${load(type, "X[x_base + (c * u.H + u32(ih)) * u.W + u32(iw)]")};`;
  return gemmKernel({
    key: `conv:${pointwise ? "1x1" : "kxk"}:${bias ? "bias" : "nobias"}`,
    tile: options.tile,
    type,
    inputs: convInputs(options),
    fields: CONV_FIELDS,
    prologue: `  let n = batch / u.G;
  let g = batch % u.G;
  w_base = g * u.OCG * u.K;
  x_base = (n * u.C + g * u.CG) * u.H * u.W;
  oc_base = g * u.OCG;
  let o_base = batch * u.M * u.N;`,
    loaders: `var<private> w_base: u32;
var<private> x_base: u32;
var<private> oc_base: u32;
fn loadA(m: u32, k: u32) -> f32 {
  if (m >= u.M || k >= u.K) { return 0.0; }
  return ${load(type, "Wt[w_base + m * u.K + k]")};
}
fn loadB(k: u32, p: u32) -> f32 {
  if (k >= u.K || p >= u.N) { return 0.0; }
${loadB}
}
`,
    epilogue: bias ? `dot + ${load(type, "Bias[oc_base + m]")}` : "dot",
    activation: options.activation,
  });
}

/** Direct convolution, one output per thread; uniform `count` = N·OC·OH·OW. */
export function convDirectKernel(options: ConvOptions): Kernel {
  const { bias, activation, type } = options;
  const fields = [{ name: "count", type: "u32" as const }, ...ACTIVATION_FIELDS, ...CONV_FIELDS];
  const init = bias ? load(type, "Bias[oc]") : "0.0";
  const body = `  let ow = i % u.OW;
  let oh = (i / u.OW) % u.OH;
  let oc = (i / (u.OW * u.OH)) % u.OC;
  let n = i / (u.OW * u.OH * u.OC);
  let g = oc / u.OCG;
  var acc = ${init};
  let ih0 = i32(oh * u.SH) - i32(u.PH);
  let iw0 = i32(ow * u.SW) - i32(u.PW);
  for (var c = 0u; c < u.CG; c++) {
    let x_base = (n * u.C + g * u.CG + c) * u.H * u.W;
    let w_base = (oc * u.CG + c) * u.KH * u.KW;
    for (var kh = 0u; kh < u.KH; kh++) {
      let ih = ih0 + i32(kh * u.DH);
      if (ih < 0 || ih >= i32(u.H)) { continue; }
      for (var kw = 0u; kw < u.KW; kw++) {
        let iw = iw0 + i32(kw * u.DW);
        if (iw < 0 || iw >= i32(u.W)) { continue; }
        let x = ${load(type, "X[x_base + u32(ih) * u.W + u32(iw)]")};
        acc = fma(x, ${load(type, "Wt[w_base + kh * u.KW + kw]")}, acc);
      }
    }
  }
  out[i] = ${store(type, activationWgsl(activation, "acc"))};`;
  return kernel(
    `conv:direct:${bias ? "bias" : "nobias"}:${activation}`,
    { inputs: convInputs(options), outputs: [["out", type]] },
    fields,
    () => flatMain("u.count", body),
  );
}

/**
 * Transposed convolution, one output per thread; weights are `[C, OCG, KH, KW]` and the pads
 * are the leading pads of the output. Uniform `count` = N·OC·OH·OW.
 */
export function convTransposeKernel(options: ConvOptions): Kernel {
  const { bias, activation, type } = options;
  const fields = [{ name: "count", type: "u32" as const }, ...ACTIVATION_FIELDS, ...CONV_FIELDS];
  const body = `  let ow = i % u.OW;
  let oh = (i / u.OW) % u.OH;
  let oc = (i / (u.OW * u.OH)) % u.OC;
  let n = i / (u.OW * u.OH * u.OC);
  let g = oc / u.OCG;
  let ocg = oc % u.OCG;
  var acc = ${bias ? load(type, "Bias[oc]") : "0.0"};
  for (var kh = 0u; kh < u.KH; kh++) {
    let th = i32(oh + u.PH) - i32(kh * u.DH);
    if (th < 0 || u32(th) % u.SH != 0u) { continue; }
    let ih = u32(th) / u.SH;
    if (ih >= u.H) { continue; }
    for (var kw = 0u; kw < u.KW; kw++) {
      let tw = i32(ow + u.PW) - i32(kw * u.DW);
      if (tw < 0 || u32(tw) % u.SW != 0u) { continue; }
      let iw = u32(tw) / u.SW;
      if (iw >= u.W) { continue; }
      for (var c = 0u; c < u.CG; c++) {
        let ic = g * u.CG + c;
        let x = ${load(type, "X[((n * u.C + ic) * u.H + ih) * u.W + iw]")};
        acc = fma(x, ${load(type, "Wt[((ic * u.OCG + ocg) * u.KH + kh) * u.KW + kw]")}, acc);
      }
    }
  }
  out[i] = ${store(type, activationWgsl(activation, "acc"))};`;
  return kernel(
    `convtranspose:${bias ? "bias" : "nobias"}:${activation}`,
    { inputs: convInputs(options), outputs: [["out", type]] },
    fields,
    () => flatMain("u.count", body),
  );
}
