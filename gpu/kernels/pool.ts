/**
 * 2-D max and average pooling over NCHW (1-D pooling runs with height 1), one output element
 * per thread. Geometry is in uniforms; padded positions never win a max, and an average divides
 * by the window positions inside the input unless `countIncludePad`, when it divides by the
 * positions inside the padded input. Global pooling is a reduction (`reduce.ts`).
 */
import { flatMain, FloatType, Kernel, kernel, load, store } from "./kernel.ts";

export type PoolKind = "max" | "avg";

const FIELDS = ["count", "H", "W", "OH", "OW", "KH", "KW", "SH", "SW", "PH", "PW", "DH", "DW"]
  .map((name) => ({ name, type: "u32" as const }));

/** Uniforms: `count` = N·C·OH·OW and the geometry; `PH`/`PW` are the leading pads. */
export function poolKernel(
  kind: PoolKind,
  options: { readonly countIncludePad: boolean; readonly type: FloatType },
): Kernel {
  const { countIncludePad, type } = options;
  const init = kind === "max" ? "-3.402823e38" : "0.0";
  const combine = kind === "max" ? "acc = max(acc, v);" : "acc += v;";
  const finish = kind === "max"
    ? "acc"
    : countIncludePad
    ? "acc / f32(padded)"
    : "acc / f32(max(inside, 1u))";
  const body = `  let ow = i % u.OW;
  let oh = (i / u.OW) % u.OH;
  let nc = i / (u.OW * u.OH);
  let base = nc * u.H * u.W;
  let ih0 = i32(oh * u.SH) - i32(u.PH);
  let iw0 = i32(ow * u.SW) - i32(u.PW);
  var acc = ${init};
  var inside = 0u;
  var padded = 0u;
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = ih0 + i32(kh * u.DH);
    for (var kw = 0u; kw < u.KW; kw++) {
      let iw = iw0 + i32(kw * u.DW);
      if (ih < i32(u.H + u.PH) && iw < i32(u.W + u.PW)) { padded++; }
      if (ih < 0 || iw < 0 || ih >= i32(u.H) || iw >= i32(u.W)) { continue; }
      let v = ${load(type, "X[base + u32(ih) * u.W + u32(iw)]")};
      ${combine}
      inside++;
    }
  }
  out[i] = ${store(type, finish)};`;
  return kernel(
    `pool:${kind}:${countIncludePad ? "incl" : "excl"}`,
    { inputs: [["X", type]], outputs: [["out", type]] },
    FIELDS,
    () => flatMain("u.count", body),
  );
}
