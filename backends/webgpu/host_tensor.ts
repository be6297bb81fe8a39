/**
 * Host-side tensors of the graph (initializers, constants, values folded at plan time) and the
 * conversions at the GPU boundary. On the GPU float32 stays f32 and float16 stays f16 (2 bytes,
 * on devices with `shader-f16`); every other element is 4 bytes: integer types widen or narrow
 * to i32 (int64 values are clamped to the i32 range, which covers indices and shapes), and BOOL
 * becomes u32 0/1. Readback converts back to the type the model declares.
 *
 * RedisAI has no FLOAT16 dtype, so float16 inputs and outputs of a graph are exchanged with
 * clients as FLOAT and rounded to (or widened from) float16 at the boundary.
 */
import type { DType, NumericData } from "../../core/dtype.ts";
import type { ElemType } from "../../gpu/kernels/kernel.ts";

export type TensorType =
  | "float32"
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "int32"
  | "int64"
  | "string"
  | "bool"
  | "float16"
  | "float64"
  | "uint32"
  | "uint64"
  | "complex64"
  | "complex128"
  | "bfloat16";

/** ONNX `TensorProto.DataType` numbers, in order from 1. */
const ONNX_ORDER: readonly TensorType[] = [
  "float32",
  "uint8",
  "int8",
  "uint16",
  "int16",
  "int32",
  "int64",
  "string",
  "bool",
  "float16",
  "float64",
  "uint32",
  "uint64",
  "complex64",
  "complex128",
  "bfloat16",
];

export function tensorTypeFromOnnx(code: number): TensorType | undefined {
  return ONNX_ORDER[code - 1];
}

export function onnxCodeOf(type: TensorType): number {
  return ONNX_ORDER.indexOf(type) + 1;
}

export type HostData =
  | Float32Array
  | Float16Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface HostTensor {
  readonly type: TensorType;
  readonly dims: readonly number[];
  /** Elements in a typed array of the type; raw bytes for types without one. */
  readonly data: HostData;
}

/** The GPU element type of a tensor type, or `undefined` when the GPU path lacks it. */
export function gpuElemType(type: TensorType): ElemType | undefined {
  switch (type) {
    case "float32":
      return "f32";
    case "float16":
      return "f16";
    case "bool":
      return "u32";
    case "int8":
    case "int16":
    case "int32":
    case "int64":
    case "uint8":
    case "uint16":
    case "uint32":
      return "i32";
    default:
      return undefined;
  }
}

/** An empty typed array of `type` with `length` elements. */
export function allocHost(type: TensorType, length: number): HostData {
  switch (type) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int8":
      return new Int8Array(length);
    case "int16":
      return new Int16Array(length);
    case "int32":
      return new Int32Array(length);
    case "int64":
      return new BigInt64Array(length);
    case "float16":
      return new Float16Array(length);
    case "uint16":
    case "bfloat16":
      return new Uint16Array(length);
    case "uint32":
      return new Uint32Array(length);
    case "uint64":
      return new BigUint64Array(length);
    default:
      return new Uint8Array(length);
  }
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A number as an int64 bigint, saturating (INT64_MAX arrives as 2^63 once it is a double). */
export function toInt64(value: number): bigint {
  if (!Number.isFinite(value)) return value > 0 ? INT64_MAX : value < 0 ? INT64_MIN : 0n;
  const big = BigInt(Math.trunc(value));
  return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
}

/** A host tensor of `type` holding `values` (converted; bigints for 64-bit ints). */
export function hostTensor(
  type: TensorType,
  dims: readonly number[],
  values: ArrayLike<number>,
): HostTensor {
  const data = allocHost(type, values.length);
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) data[i] = toInt64(values[i] ?? 0);
  } else if (data instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) {
      data[i] = BigInt(Math.max(0, Math.trunc(values[i] ?? 0)));
    }
  } else if (type === "bool") {
    for (let i = 0; i < values.length; i++) data[i] = values[i] ? 1 : 0;
  } else {
    data.set(values);
  }
  return { type, dims, data };
}

/** A tensor's elements as numbers (bigints converted, precision beyond 2^53 lost). */
export function hostNumbers(tensor: HostTensor): number[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}

/** Bytes per element on the GPU. */
export function gpuElemBytes(type: TensorType): number {
  return type === "float16" ? 2 : 4;
}

/** The array uploaded for a host tensor (`gpuElemBytes` per element). */
export function toGpuArray(type: TensorType, data: HostData | NumericData): ArrayBufferView {
  const elem = gpuElemType(type);
  if (elem === "f16") {
    return data instanceof Float16Array ? data : Float16Array.from(data as ArrayLike<number>);
  }
  if (elem === "f32") {
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  }
  if (elem === "u32") return Uint32Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
  if (data instanceof Int32Array) return data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i] ?? 0);
    out[i] = v > 2147483647 ? 2147483647 : v < -2147483648 ? -2147483648 : v;
  }
  return out;
}

/** Converts readback bytes (`gpuElemBytes` per element) to a typed array of `type`. */
export function fromGpuBytes(type: TensorType, bytes: ArrayBuffer, length: number): HostData {
  const elem = gpuElemType(type);
  if (elem === "f32") return new Float32Array(bytes, 0, length);
  if (elem === "f16") return new Float16Array(bytes, 0, length);
  const source = elem === "u32"
    ? new Uint32Array(bytes, 0, length)
    : new Int32Array(bytes, 0, length);
  if (type === "int32") return source;
  const out = allocHost(type, length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < length; i++) out[i] = BigInt(source[i] ?? 0);
  } else {
    out.set(source);
  }
  return out;
}

const TO_DTYPE: Partial<Record<TensorType, DType>> = {
  float32: "FLOAT",
  float16: "FLOAT",
  float64: "DOUBLE",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  uint8: "UINT8",
  uint16: "UINT16",
  bool: "BOOL",
  string: "STRING",
};

/** The RedisAI dtype of a tensor type, if it has one (FLOAT for float16, see above). */
export function dtypeOf(type: TensorType): DType | undefined {
  return TO_DTYPE[type];
}

/** Host data as a RedisAI tensor holds it: float16 widened to float32, the rest as is. */
export function tensorData(data: HostData): NumericData {
  return data instanceof Float16Array ? Float32Array.from(data) : data as NumericData;
}
