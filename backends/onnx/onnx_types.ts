/**
 * Tensor element types as ONNX numbers them (`TensorProto.DataType`, the C API's enum) and as
 * onnxruntime-web names them, mapped to and from RedisAI's dtypes. ONNX types RedisAI has no
 * name for (FLOAT16, UINT32, UINT64, complex, ...) map to `undefined`.
 */
import { type DType, DTYPES } from "../../core/dtype.ts";

const BY_CODE: ReadonlyMap<number, DType> = new Map([
  [1, "FLOAT"],
  [2, "UINT8"],
  [3, "INT8"],
  [4, "UINT16"],
  [5, "INT16"],
  [6, "INT32"],
  [7, "INT64"],
  [8, "STRING"],
  [9, "BOOL"],
  [11, "DOUBLE"],
]);

const CODES: ReadonlyMap<DType, number> = new Map(Array.from(BY_CODE, ([code, d]) => [d, code]));

/** The dtype of an ONNX element type code. */
export function dtypeOfOnnxCode(code: number): DType | undefined {
  return BY_CODE.get(code);
}

/** The ONNX element type code of a dtype. */
export function onnxCodeOf(dtype: DType): number {
  return CODES.get(dtype) ?? 0;
}

/** onnxruntime-web's element type names. */
export type OrtWebType =
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "bool"
  | "string";

const WEB_TYPES = Object.fromEntries(
  Object.values(DTYPES).map((info) => [info.name, info.elementName as OrtWebType]),
) as Readonly<Record<DType, OrtWebType>>;

const BY_WEB_TYPE: ReadonlyMap<string, DType> = new Map(
  Object.entries(WEB_TYPES).map(([d, t]) => [t, d as DType]),
);

/** onnxruntime-web's name for a dtype. */
export function webTypeOf(dtype: DType): OrtWebType {
  return WEB_TYPES[dtype];
}

/** The dtype of an onnxruntime-web type name. */
export function dtypeOfWebType(type: string): DType | undefined {
  return BY_WEB_TYPE.get(type);
}
