/**
 * The epilogue fused into GEMM, convolution and batch-norm kernels: an activation (Conv→Relu,
 * Conv→HardSwish, Gemm→Sigmoid, ...) followed by a scalar affine `· post_mul + post_add`
 * (PP-OCR's learnable scale after each activation), so a fused chain costs one pass over
 * memory instead of several. The activation's name is in the kernel key; its parameters
 * (`act_alpha`, `act_beta`) and the affine are uniforms (1 and 0 when absent).
 */

export type Activation =
  | "none"
  | "relu"
  | "leakyrelu"
  | "clip"
  | "sigmoid"
  | "hardsigmoid"
  | "hardswish"
  | "tanh";

/** WGSL applying the epilogue (activation, then affine) to the f32 expression `v`. */
export function activationWgsl(activation: Activation, v: string): string {
  return `(${applyActivation(activation, v)} * u.post_mul + u.post_add)`;
}

function applyActivation(activation: Activation, v: string): string {
  switch (activation) {
    case "none":
      return v;
    case "relu":
      return `max(${v}, 0.0)`;
    case "leakyrelu":
      return `select(${v} * u.act_alpha, ${v}, ${v} >= 0.0)`;
    case "clip":
      return `min(max(${v}, u.act_alpha), u.act_beta)`;
    case "sigmoid":
      return `(1.0 / (1.0 + exp(-${v})))`;
    case "hardsigmoid":
      return `max(0.0, min(1.0, u.act_alpha * ${v} + u.act_beta))`;
    case "hardswish":
      return `(${v} * max(0.0, min(1.0, ${v} / 6.0 + 0.5)))`;
    case "tanh":
      return `tanh(clamp(${v}, -20.0, 20.0))`;
  }
}

/** The uniform fields every fusing kernel declares (used or not, so one layout fits all). */
export const ACTIVATION_FIELDS = [
  { name: "act_alpha", type: "f32" },
  { name: "act_beta", type: "f32" },
  { name: "post_mul", type: "f32" },
  { name: "post_add", type: "f32" },
] as const;
