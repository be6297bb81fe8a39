/**
 * BatchNormalization for inference: `y = (x − mean[c]) / sqrt(var[c] + ε) · scale[c] + B[c]`
 * with `c` the channel (dim 1) of each element, one element per thread, plus a fused
 * activation. Most BatchNormalization nodes never reach this kernel: the planner folds those
 * that follow a Conv into its weights.
 */
import { Activation, ACTIVATION_FIELDS, activationWgsl } from "./activation.ts";
import { flatMain, Kernel, kernel } from "./kernel.ts";

/** Uniforms `count`, `channels`, `inner` (elements per channel per image), `epsilon`. */
export function batchNormKernel(activation: Activation): Kernel {
  const fields = [
    { name: "count", type: "u32" as const },
    { name: "channels", type: "u32" as const },
    { name: "inner", type: "u32" as const },
    { name: "epsilon", type: "f32" as const },
    ...ACTIVATION_FIELDS,
  ];
  const body = `  let c = (i / u.inner) % u.channels;
  let v = (X[i] - Mean[c]) * inverseSqrt(Var[c] + u.epsilon) * Scale[c] + Bias[c];
  out[i] = ${activationWgsl(activation, "v")};`;
  return kernel(
    `batchnorm:${activation}`,
    {
      inputs: [["X", "f32"], ["Scale", "f32"], ["Bias", "f32"], ["Mean", "f32"], ["Var", "f32"]],
      outputs: [["out", "f32"]],
    },
    fields,
    () => flatMain("u.count", body),
  );
}
