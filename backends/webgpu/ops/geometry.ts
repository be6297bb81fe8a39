/**
 * Window geometry shared by Conv, ConvTranspose and the pools: kernel, strides, dilations and
 * pads from attributes (with `auto_pad`), output sizes, and the view of 1-D ops as 2-D with
 * height 1. Only 1-D and 2-D spatial ops are supported.
 */
import { attrInts, attrString, GraphNode } from "../graph.ts";
import { fail } from "./op.ts";

export interface Window {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** Leading pads (top, left). */
  readonly pads: readonly [number, number];
  readonly out: readonly [number, number];
}

/** The window's sizes as the uniforms the conv and pool kernels read (`OH`, `KH`, `SH`, ...). */
export function windowUniforms(win: Window): Record<string, number> {
  return {
    OH: win.out[0],
    OW: win.out[1],
    KH: win.kernel[0],
    KW: win.kernel[1],
    SH: win.strides[0],
    SW: win.strides[1],
    PH: win.pads[0],
    PW: win.pads[1],
    DH: win.dilations[0],
    DW: win.dilations[1],
  };
}

/** `[N, C, H, W]` of an NCHW or NCL input (L becomes W with H = 1). */
export function spatial(
  node: GraphNode,
  shape: readonly number[],
): [number, number, number, number] {
  if (shape.length === 4) return [shape[0] ?? 0, shape[1] ?? 0, shape[2] ?? 0, shape[3] ?? 0];
  if (shape.length === 3) return [shape[0] ?? 0, shape[1] ?? 0, 1, shape[2] ?? 0];
  fail(node, `only 1-D and 2-D inputs are supported, got rank ${shape.length}`);
}

/** A per-axis attribute expanded to `[h, w]` (1-D ops get the neutral value for h). */
export function pair(
  node: GraphNode,
  name: string,
  dims: number,
  fallback: number,
): [number, number] {
  const values = attrInts(node, name);
  if (values === undefined) return [fallback, fallback];
  if (values.length !== dims) fail(node, `${name} must have ${dims} values`);
  return dims === 1
    ? [fallback, values[0] ?? fallback]
    : [values[0] ?? fallback, values[1] ?? fallback];
}

/**
 * The window of a Conv or pool over `[H, W]` with the kernel `[KH, KW]`; `ceil` is pooling's
 * ceil_mode.
 */
export function forwardWindow(
  node: GraphNode,
  input: readonly [number, number],
  kernel: readonly [number, number],
  dims: number,
  ceil: boolean,
): Window {
  const strides = pair(node, "strides", dims, 1);
  const dilations = pair(node, "dilations", dims, 1);
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  const explicit = attrInts(node, "pads") ?? new Array<number>(2 * dims).fill(0);
  if (explicit.length !== 2 * dims) fail(node, `pads must have ${2 * dims} values`);
  const begin = dims === 1 ? [0, explicit[0] ?? 0] : [explicit[0] ?? 0, explicit[1] ?? 0];
  const end = dims === 1 ? [0, explicit[1] ?? 0] : [explicit[2] ?? 0, explicit[3] ?? 0];
  const out: [number, number] = [0, 0];
  const pads: [number, number] = [0, 0];
  for (let a = 0; a < 2; a++) {
    const size = input[a] ?? 0;
    const stride = strides[a] ?? 1;
    const span = ((kernel[a] ?? 1) - 1) * (dilations[a] ?? 1) + 1;
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      out[a] = Math.ceil(size / stride);
      const total = Math.max(0, ((out[a] ?? 1) - 1) * stride + span - size);
      pads[a] = autoPad === "SAME_UPPER" ? Math.floor(total / 2) : Math.ceil(total / 2);
    } else {
      const [b, e] = autoPad === "VALID" ? [0, 0] : [begin[a] ?? 0, end[a] ?? 0];
      const extent = size + b + e - span;
      if (extent < 0) fail(node, "the kernel is larger than the padded input");
      let n = (ceil ? Math.ceil(extent / stride) : Math.floor(extent / stride)) + 1;
      // ceil_mode: the last window must start inside the input or its leading pad.
      if (ceil && (n - 1) * stride >= size + b) n--;
      out[a] = n;
      pads[a] = b;
    }
  }
  return { kernel: [kernel[0], kernel[1]], strides, dilations, pads, out };
}
