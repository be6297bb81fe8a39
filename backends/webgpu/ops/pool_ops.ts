/**
 * MaxPool and AveragePool (1-D and 2-D; pads or auto_pad, strides, dilations, ceil_mode,
 * count_include_pad). MaxPool's optional Indices output is not supported.
 */
import { poolKernel } from "../../../gpu/kernels/pool.ts";
import { attrInt, attrInts } from "../graph.ts";
import { forwardWindow, spatial, Window, windowUniforms } from "./geometry.ts";
import { elementCount, fail, flatCall, floatType, input, io, OpImpl, OpNode } from "./op.ts";

function poolGeometry(op: OpNode): { window: Window; shape: number[]; h: number; w: number } {
  const x = input(op, 0).shape;
  const dims = x.length - 2;
  const [n, c, h, w] = spatial(op.node, x);
  const kernel = attrInts(op.node, "kernel_shape");
  if (kernel === undefined || kernel.length !== dims) {
    fail(op.node, `kernel_shape must have ${dims} values`);
  }
  const k: [number, number] = dims === 1 ? [1, kernel[0] ?? 1] : [kernel[0] ?? 1, kernel[1] ?? 1];
  const window = forwardWindow(op.node, [h, w], k, dims, attrInt(op.node, "ceil_mode", 0) === 1);
  const shape = dims === 1 ? [n, c, window.out[1]] : [n, c, window.out[0], window.out[1]];
  return { window, shape, h, w };
}

function poolImpl(kind: "max" | "avg"): OpImpl {
  return {
    infer: (op) => {
      if (op.node.outputs.length > 1 && op.node.outputs[1] !== "") {
        fail(op.node, "the Indices output is not supported");
      }
      return [{ type: input(op, 0).type, shape: poolGeometry(op).shape }];
    },
    encode: (op) => {
      const { window: win, shape, h, w } = poolGeometry(op);
      const count = elementCount(shape);
      const includePad = kind === "avg" && attrInt(op.node, "count_include_pad", 0) === 1;
      const type = floatType(op, 0);
      return [flatCall(poolKernel(kind, { countIncludePad: includePad, type }), io(1), {
        count,
        H: h,
        W: w,
        ...windowUniforms(win),
      }, count)];
    },
  };
}

export const POOL_OPS: Readonly<Record<string, OpImpl>> = {
  MaxPool: poolImpl("max"),
  AveragePool: poolImpl("avg"),
};
