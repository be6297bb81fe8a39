/**
 * The tensor data types RedisAI knows, with their element sizes and typed-array constructors.
 * Names parse case-insensitively with RedisAI's quirks (`UINT32`/`UINT64`/`FLOAT16` refused).
 */

export type DType =
  | "FLOAT"
  | "DOUBLE"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "UINT8"
  | "UINT16"
  | "BOOL"
  | "STRING";

export type NumericData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array;

export interface DTypeInfo {
  readonly name: DType;
  /** Bytes per element; STRING is variable and reports 0. */
  readonly bytes: number;
  readonly kind: "float" | "int" | "uint" | "bool" | "string";
  /** The NumPy / PyTorch / onnxruntime-web element name (`float32`, `int64`, `bool`, ...). */
  readonly elementName: string;
  /** Builds a view of `bytes` elements (`length` elements) over a buffer. */
  readonly view: (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumericData;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  FLOAT: {
    name: "FLOAT",
    bytes: 4,
    kind: "float",
    elementName: "float32",
    view: (b, o, n) => new Float32Array(b, o, n),
  },
  DOUBLE: {
    name: "DOUBLE",
    bytes: 8,
    kind: "float",
    elementName: "float64",
    view: (b, o, n) => new Float64Array(b, o, n),
  },
  INT8: {
    name: "INT8",
    bytes: 1,
    kind: "int",
    elementName: "int8",
    view: (b, o, n) => new Int8Array(b, o, n),
  },
  INT16: {
    name: "INT16",
    bytes: 2,
    kind: "int",
    elementName: "int16",
    view: (b, o, n) => new Int16Array(b, o, n),
  },
  INT32: {
    name: "INT32",
    bytes: 4,
    kind: "int",
    elementName: "int32",
    view: (b, o, n) => new Int32Array(b, o, n),
  },
  INT64: {
    name: "INT64",
    bytes: 8,
    kind: "int",
    elementName: "int64",
    view: (b, o, n) => new BigInt64Array(b, o, n),
  },
  UINT8: {
    name: "UINT8",
    bytes: 1,
    kind: "uint",
    elementName: "uint8",
    view: (b, o, n) => new Uint8Array(b, o, n),
  },
  UINT16: {
    name: "UINT16",
    bytes: 2,
    kind: "uint",
    elementName: "uint16",
    view: (b, o, n) => new Uint16Array(b, o, n),
  },
  BOOL: {
    name: "BOOL",
    bytes: 1,
    kind: "bool",
    elementName: "bool",
    view: (b, o, n) => new Uint8Array(b, o, n),
  },
  STRING: {
    name: "STRING",
    bytes: 0,
    kind: "string",
    elementName: "string",
    view: (b, o, n) => new Uint8Array(b, o, n),
  },
};

/**
 * Parses a type name as RedisAI's `RAI_TensorDataTypeFromString` does: case-insensitive
 * names, the `INT`/`UINT` prefix case-insensitive, the width matched exactly.
 * Returns `undefined` for anything else (the caller answers `ERR invalid data type`).
 */
export function parseDType(text: string): DType | undefined {
  const upper = text.toUpperCase();
  switch (upper) {
    case "FLOAT":
    case "DOUBLE":
    case "BOOL":
    case "STRING":
      return upper;
  }
  if (upper.startsWith("UINT")) {
    const width = text.slice(4);
    return width === "8" || width === "16" ? (`UINT${width}` as DType) : undefined;
  }
  if (upper.startsWith("INT")) {
    const width = text.slice(3);
    return width === "8" || width === "16" || width === "32" || width === "64"
      ? (`INT${width}` as DType)
      : undefined;
  }
  return undefined;
}
