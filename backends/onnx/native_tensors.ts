/**
 * Tensors across ONNX Runtime's C API (`native_api.ts`): our tensors become OrtValues without a
 * copy (numeric data, and STRING data whose elements are already NUL-terminated, are handed
 * over in place), and OrtValues come back as tensors copied once into shared storage.
 */
import type { DType } from "../../core/dtype.ts";
import { CommandError } from "../../core/errors.ts";
import {
  allocTensorBytes,
  dtypeBytes,
  elementCount,
  numericTensor,
  stringTensor,
  Tensor,
} from "../../core/tensor.ts";
import type { TensorSpec } from "../backend.ts";
import { check, OrtNative, outSlot, slotNumber, slotPointer } from "./native_api.ts";
import { dtypeOfOnnxCode, onnxCodeOf } from "./onnx_types.ts";

const STRING_CODE = 8;
/** Stands in for the data pointer of an empty tensor (the runtime wants non-null). */
export const EMPTY = new BigUint64Array(1);

/** A C array of pointers. */
export function pointerArray(pointers: readonly Deno.PointerValue[]): BigUint64Array {
  return BigUint64Array.from(pointers, (p) => BigInt(Deno.UnsafePointer.value(p)));
}

/** Element type code and dims of a tensor type-and-shape info (not released here). */
export function typeAndShape(ort: OrtNative, info: Deno.PointerObject): [number, number[]] {
  const slot = outSlot();
  check(ort, ort.fn.GetTensorElementType(info, slot));
  const code = slotNumber(slot);
  check(ort, ort.fn.GetDimensionsCount(info, slot));
  const dims = new BigInt64Array(slotNumber(slot));
  check(ort, ort.fn.GetDimensions(info, dims, BigInt(dims.length)));
  return [code, Array.from(dims, Number)];
}

/** An OrtValue over `tensor`'s storage (the tensor must outlive it). */
export function toOrtValue(ort: OrtNative, tensor: Tensor): Deno.PointerObject {
  const shape = BigInt64Array.from(tensor.shape, BigInt);
  const slot = outSlot();
  const { fn } = ort;
  if (tensor.dtype !== "STRING") {
    const data = tensor.data.byteLength === 0 ? EMPTY : tensor.data;
    check(
      ort,
      fn.CreateTensorWithDataAsOrtValue(
        ort.cpuMemory,
        Deno.UnsafePointer.of(data),
        BigInt(tensor.data.byteLength),
        shape,
        BigInt(shape.length),
        onnxCodeOf(tensor.dtype),
        slot,
      ),
    );
    return slotPointer(slot);
  }
  check(
    ort,
    fn.CreateTensorAsOrtValue(ort.allocator, shape, BigInt(shape.length), STRING_CODE, slot),
  );
  const value = slotPointer(slot);
  const offsets = tensor.offsets ?? new Uint32Array(0);
  if (offsets.length > 0) {
    const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(tensor.data)));
    const elements = BigUint64Array.from(offsets, (o) => base + BigInt(o));
    check(ort, fn.FillStringTensor(value, elements, BigInt(elements.length)));
  }
  return value;
}

/** A tensor copied out of an OrtValue (which the caller still releases). */
export function fromOrtValue(ort: OrtNative, value: Deno.PointerObject, spec?: TensorSpec): Tensor {
  const slot = outSlot();
  check(ort, ort.fn.GetTensorTypeAndShape(value, slot));
  const info = slotPointer(slot);
  let code: number;
  let shape: number[];
  try {
    [code, shape] = typeAndShape(ort, info);
  } finally {
    ort.fn.ReleaseTensorTypeAndShapeInfo(info);
  }
  const dtype: DType | undefined = dtypeOfOnnxCode(code);
  if (dtype === undefined) {
    throw new CommandError(`ERR unsupported tensor type ${code} of output ${spec?.name ?? ""}`);
  }
  const count = elementCount(shape);
  if (dtype === "STRING") return readStrings(ort, value, shape, count);
  const bytes = allocTensorBytes(count * dtypeBytes(dtype));
  if (bytes.byteLength > 0) {
    check(ort, ort.fn.GetTensorMutableData(value, slot));
    Deno.UnsafePointerView.copyInto(slotPointer(slot), bytes);
  }
  return numericTensor(dtype, shape, bytes);
}

function readStrings(
  ort: OrtNative,
  value: Deno.PointerObject,
  shape: number[],
  count: number,
): Tensor {
  const slot = outSlot();
  check(ort, ort.fn.GetStringTensorDataLength(value, slot));
  const total = slotNumber(slot);
  const content = new Uint8Array(Math.max(1, total));
  const starts = new BigUint64Array(Math.max(1, count));
  check(
    ort,
    ort.fn.GetStringTensorContent(
      value,
      Deno.UnsafePointer.of(content),
      BigInt(total),
      starts,
      BigInt(count),
    ),
  );
  const blob = allocTensorBytes(total + count);
  const offsets = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const start = Number(starts[i]);
    const end = i + 1 < count ? Number(starts[i + 1]) : total;
    offsets[i] = start + i;
    blob.set(content.subarray(start, end), start + i);
  }
  return stringTensor(shape, blob, offsets);
}
