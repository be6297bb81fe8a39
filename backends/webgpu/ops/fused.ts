/**
 * How the fusion pass marks a node that absorbed the activation (and scalar affine) after it:
 * attributes under the `inferdb.` prefix, which no ONNX op uses. Kernels take the activation
 * in their key and its parameters as uniforms.
 */
import type { Activation } from "../../../gpu/kernels/activation.ts";
import { attrFloat, attrString, GraphNode } from "../graph.ts";

export const FUSED_ACTIVATION = "inferdb.activation";
export const FUSED_ALPHA = "inferdb.alpha";
export const FUSED_BETA = "inferdb.beta";
export const FUSED_MUL = "inferdb.post_mul";
export const FUSED_ADD = "inferdb.post_add";

export interface FusedEpilogue {
  readonly activation: Activation;
  /** The epilogue's uniforms (`ACTIVATION_FIELDS`). */
  readonly uniforms: {
    readonly act_alpha: number;
    readonly act_beta: number;
    readonly post_mul: number;
    readonly post_add: number;
  };
}

/** The epilogue a node carries (`none`, ×1, +0 unless the fusion pass added one). */
export function fusedActivation(node: GraphNode): FusedEpilogue {
  return {
    activation: attrString(node, FUSED_ACTIVATION, "none") as Activation,
    uniforms: {
      act_alpha: attrFloat(node, FUSED_ALPHA, 0),
      act_beta: attrFloat(node, FUSED_BETA, 0),
      post_mul: attrFloat(node, FUSED_MUL, 1),
      post_add: attrFloat(node, FUSED_ADD, 0),
    },
  };
}
