/**
 * `matmul` on the CPU with `torch.matmul`'s rank rules: dot product for two vectors, a
 * vector promoted to a matrix and squeezed back, and broadcast batch dimensions. Products
 * accumulate in doubles; both operands must have the same dtype, as in PyTorch.
 */
import { assert } from "../../../core/errors.ts";
import { elementCount } from "../../../core/tensor.ts";
import {
  chargeWork,
  numbers,
  opError,
  output,
  ScriptTensor,
  torchTypeName,
} from "./script_tensor.ts";
import { broadcastShapes, broadcastStrides, walk2 } from "./shape.ts";

export function matmul(a: ScriptTensor, b: ScriptTensor): ScriptTensor {
  if (a.dtype !== b.dtype) {
    throw opError(
      `expected m1 and m2 to have the same dtype, but got: ${torchTypeName(a.dtype)} != ${
        torchTypeName(b.dtype)
      }`,
    );
  }
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw opError(
      `both arguments to matmul need to be at least 1D, but they are ${a.shape.length}D and ${b.shape.length}D`,
    );
  }
  const aShape = a.shape.length === 1 ? [1, a.shape[0] as number] : a.shape;
  const bShape = b.shape.length === 1 ? [b.shape[0] as number, 1] : b.shape;
  const m = aShape[aShape.length - 2] as number;
  const k = aShape[aShape.length - 1] as number;
  const k2 = bShape[bShape.length - 2] as number;
  const n = bShape[bShape.length - 1] as number;
  if (k !== k2) {
    if (a.shape.length === 1 && b.shape.length === 1) {
      throw opError(
        `inconsistent tensor size, expected tensor [${k}] and src [${k2}] to have the same number of elements, but got ${k} and ${k2} elements respectively`,
      );
    }
    throw opError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  chargeWork(elementCount(batch) * m * n * k);
  const o = output(a.dtype, [...batch, m, n]);
  const x = numbers(a);
  const y = numbers(b);
  const out = o.values;
  const stridesA = broadcastStrides(batchA, batch).map((s) => s * m * k);
  const stridesB = broadcastStrides(batchB, batch).map((s) => s * k * n);
  walk2(batch, stridesA, stridesB, (i, offA, offB) => {
    const offOut = i * m * n;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let sum = 0;
        for (let j = 0; j < k; j++) {
          sum += (x[offA + r * k + j] as number) * (y[offB + j * n + c] as number);
        }
        out[offOut + r * n + c] = sum;
      }
    }
  });
  const result = o.done();
  let shape = [...batch, m, n];
  if (a.shape.length === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (b.shape.length === 1) shape = shape.slice(0, -1);
  assert(elementCount(shape) === result.size, "matmul() output shape");
  return new ScriptTensor(result.dtype, shape, result.data);
}
