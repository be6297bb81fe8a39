/**
 * BatchNormalization (inference form only) and LayerNormalization (the Y output only).
 */
import { batchNormKernel } from "../../../gpu/kernels/batch_norm.ts";
import { layerNormKernel } from "../../../gpu/kernels/reduce.ts";
import { attrFloat, attrInt } from "../graph.ts";
import { fusedActivation } from "./fused.ts";
import {
  elementCount,
  fail,
  flatCall,
  floatType,
  input,
  io,
  normalizeAxis,
  OpImpl,
  OpNode,
} from "./op.ts";
import { rowGrid } from "./reduce_ops.ts";

function singleOutput(op: OpNode): void {
  if (op.node.outputs.slice(1).some((name) => name !== "")) {
    fail(op.node, "only the first output is supported");
  }
}

const batchNorm: OpImpl = {
  infer: (op) => {
    singleOutput(op);
    if (attrInt(op.node, "training_mode", 0) !== 0) fail(op.node, "training mode is not supported");
    const x = input(op, 0);
    if (x.shape.length < 2) fail(op.node, "input must have rank ≥ 2");
    for (let i = 1; i < 5; i++) {
      if (elementCount(input(op, i).shape) !== x.shape[1]) {
        fail(op.node, `input ${i} must have C elements`);
      }
    }
    return [{ type: x.type, shape: x.shape }];
  },
  encode: (op) => {
    const shape = input(op, 0).shape;
    const act = fusedActivation(op.node);
    const count = elementCount(shape);
    const uniforms = {
      count,
      channels: shape[1] ?? 1,
      inner: elementCount(shape.slice(2)),
      epsilon: attrFloat(op.node, "epsilon", 1e-5),
      ...act.uniforms,
    };
    return [flatCall(batchNormKernel(act.activation, floatType(op, 0)), io(5), uniforms, count)];
  },
};

const layerNorm: OpImpl = {
  infer: (op) => {
    singleOutput(op);
    const x = input(op, 0);
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", -1), x.shape.length);
    const size = elementCount(x.shape.slice(axis));
    for (const i of [1, 2]) {
      const meta = op.inputs[i];
      if (meta !== undefined && elementCount(meta.shape) !== size) {
        fail(op.node, `input ${i} must have ${size} elements`);
      }
    }
    return [{ type: x.type, shape: x.shape }];
  },
  encode: (op) => {
    const shape = input(op, 0).shape;
    const axis = normalizeAxis(op.node, attrInt(op.node, "axis", -1), shape.length);
    const normSize = elementCount(shape.slice(axis));
    const rows = elementCount(shape.slice(0, axis));
    const bias = op.inputs[2] !== undefined;
    return [{
      kernel: layerNormKernel(bias, floatType(op, 0)),
      bindings: io(bias ? 3 : 2),
      uniforms: { rows, norm_size: normSize, epsilon: attrFloat(op.node, "epsilon", 1e-5) },
      grid: rowGrid(rows),
    }];
  },
};

export const NORM_OPS: Readonly<Record<string, OpImpl>> = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};
