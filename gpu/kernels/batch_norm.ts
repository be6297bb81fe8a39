/**
 * BatchNormalization for inference: `y = (x − mean[c]) / sqrt(var[c] + ε) · scale[c] + B[c]`
 * with `c` the channel (dim 1) of each element, one element per thread, plus a fused
 * activation. Most BatchNormalization nodes never reach this kernel: the planner folds those
 * that follow a Conv into its weights.
 */
import { Activation, ACTIVATION_FIELDS, activationWgsl } from "./activation.ts";
import { flatMain, FloatType, Kernel, kernel, load, store } from "./kernel.ts";

/** Uniforms `count`, `channels`, `inner` (elements per channel per image), `epsilon`. */
export function batchNormKernel(activation: Activation, type: FloatType): Kernel {
  const fields = [
    { name: "count", type: "u32" as const },
    { name: "channels", type: "u32" as const },
    { name: "inner", type: "u32" as const },
    { name: "epsilon", type: "f32" as const },
    ...ACTIVATION_FIELDS,
  ];
  const [x, mean, variance, scale, bias] = ["X[i]", "Mean[c]", "Var[c]", "Scale[c]", "Bias[c]"]
    .map((at) => load(type, at));
  const body = `  let c = (i / u.inner) % u.channels;
  let v = (${x} - ${mean}) * inverseSqrt(${variance} + u.epsilon) * ${scale} + ${bias};
  out[i] = ${store(type, activationWgsl(activation, "v"))};`;
  return kernel(
    `batchnorm:${activation}`,
    {
      inputs: [["X", type], ["Scale", type], ["Bias", type], ["Mean", type], ["Var", type]],
      outputs: [["out", type]],
    },
    fields,
    () => flatMain("u.count", body),
  );
}
