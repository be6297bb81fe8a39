/**
 * Resize (ONNX opset 10+ semantics), one output element per thread: `nearest` with any of the
 * four rounding modes, or `linear` (n-linear over the axes that change size, clamped to the
 * edge as ONNX Runtime does). The coordinate transformation is in the key; per-axis sizes,
 * strides and scales are uniforms.
 */
import { dimsField, flatMain, FloatType, Kernel, kernel, load, store } from "./kernel.ts";
import { uniformAt, vec4Count } from "../uniforms.ts";

export type CoordinateMode =
  | "half_pixel"
  | "half_pixel_symmetric"
  | "pytorch_half_pixel"
  | "align_corners"
  | "asymmetric"
  | "tf_half_pixel_for_nn";

export type NearestMode = "round_prefer_floor" | "round_prefer_ceil" | "floor" | "ceil";

export interface ResizeOptions {
  readonly rank: number;
  readonly mode: "nearest" | "linear";
  readonly coordinate: CoordinateMode;
  readonly nearest: NearestMode;
  /** Axes interpolated linearly (others are read at the nearest coordinate). */
  readonly linearAxes: readonly number[];
  readonly type: FloatType;
}

function originalCoordinate(mode: CoordinateMode, d: number): string {
  const x = `f32(c${d})`;
  const scale = uniformAt("scales", d);
  const inSize = `f32(${uniformAt("in_shape", d)})`;
  const outSize = `f32(${uniformAt("out_shape", d)})`;
  switch (mode) {
    case "half_pixel":
      return `(${x} + 0.5) / ${scale} - 0.5`;
    case "half_pixel_symmetric":
      return `${inSize} / 2.0 * (1.0 - ${outSize} / (${scale} * ${inSize})) + (${x} + 0.5) / ${scale} - 0.5`;
    case "pytorch_half_pixel":
      return `select(0.0, (${x} + 0.5) / ${scale} - 0.5, ${outSize} > 1.0)`;
    case "align_corners":
      return `select(0.0, ${x} * (${inSize} - 1.0) / (${outSize} - 1.0), ${outSize} > 1.0)`;
    case "asymmetric":
      return `${x} / ${scale}`;
    case "tf_half_pixel_for_nn":
      return `(${x} + 0.5) / ${scale}`;
  }
}

function roundNearest(mode: NearestMode, v: string): string {
  switch (mode) {
    case "round_prefer_floor":
      return `select(round(${v}), floor(${v}), fract(${v}) == 0.5)`;
    case "round_prefer_ceil":
      return `select(round(${v}), ceil(${v}), fract(${v}) == 0.5)`;
    case "floor":
      return `floor(${v})`;
    case "ceil":
      return `ceil(${v})`;
  }
}

/** Uniforms `count`, `in_shape`, `out_shape`, `in_strides` and `scales` (f32). */
export function resizeKernel(options: ResizeOptions): Kernel {
  const { rank, mode, coordinate, nearest, linearAxes, type } = options;
  const fields = [
    { name: "count", type: "u32" as const },
    dimsField("in_shape", rank),
    dimsField("out_shape", rank),
    dimsField("in_strides", rank),
    { name: "scales", type: "vec4<f32>" as const, count: vec4Count(rank) },
  ];
  const lines = ["  var rem = i;"];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(
      `  let c${d} = rem % ${uniformAt("out_shape", d)}; rem = rem / ${uniformAt("out_shape", d)};`,
    );
  }
  lines.push("  var base = 0u;");
  const linear = mode === "linear" ? linearAxes : [];
  for (let d = 0; d < rank; d++) {
    const last = `f32(${uniformAt("in_shape", d)} - 1u)`;
    lines.push(`  let x${d} = clamp(${originalCoordinate(coordinate, d)}, 0.0, ${last});`);
    if (linear.includes(d)) {
      lines.push(`  let lo${d} = u32(floor(x${d}));`);
      lines.push(`  let hi${d} = min(lo${d} + 1u, ${uniformAt("in_shape", d)} - 1u);`);
      lines.push(`  let w${d} = x${d} - f32(lo${d});`);
    } else {
      const near = mode === "nearest" ? roundNearest(nearest, `x${d}`) : `floor(x${d})`;
      lines.push(`  base += u32(clamp(${near}, 0.0, ${last})) * ${uniformAt("in_strides", d)};`);
    }
  }
  if (linear.length === 0) {
    lines.push(`  out[i] = ${store(type, load(type, "X[base]"))};`);
  } else {
    lines.push("  var acc = 0.0;");
    for (let corner = 0; corner < 1 << linear.length; corner++) {
      const weight: string[] = [];
      const offset: string[] = [];
      linear.forEach((d, bit) => {
        const high = (corner >> bit) & 1;
        weight.push(high ? `w${d}` : `(1.0 - w${d})`);
        offset.push(`${high ? "hi" : "lo"}${d} * ${uniformAt("in_strides", d)}`);
      });
      const x = load(type, `X[base + ${offset.join(" + ")}]`);
      lines.push(`  acc += ${weight.join(" * ")} * ${x};`);
    }
    lines.push(`  out[i] = ${store(type, "acc")};`);
  }
  const axes = linear.join(",");
  return kernel(
    `resize:${mode}:${coordinate}:${mode === "nearest" ? nearest : axes}:r${rank}`,
    { inputs: [["X", type]], outputs: [["out", type]] },
    fields,
    () => flatMain("u.count", lines.join("\n")),
  );
}
