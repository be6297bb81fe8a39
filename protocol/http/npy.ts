/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): parse a file into dtype, shape and a
 * view of its data, and build the header for a tensor. Only what RedisAI tensors can hold is
 * accepted: little-endian (or single-byte) `f4 f8 i1 i2 i4 i8 u1 u2 b1` in C order. Big-endian
 * data, Fortran order, structured dtypes and other types are refused with a 400, never
 * converted silently.
 */
import { CommandError } from "../../core/errors.ts";
import type { DType } from "../../core/dtype.ts";
import { DTYPES } from "../../core/dtype.ts";
import { elementCount } from "../../core/tensor.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy pads headers so the data starts at a multiple of this. */
const HEADER_ALIGN = 64;

/** NumPy type codes (without byte order) for each dtype we hold. */
const CODE_BY_DTYPE: Partial<Record<DType, string>> = {
  FLOAT: "f4",
  DOUBLE: "f8",
  INT8: "i1",
  INT16: "i2",
  INT32: "i4",
  INT64: "i8",
  UINT8: "u1",
  UINT16: "u2",
  BOOL: "b1",
};

const DTYPE_BY_CODE = new Map(
  Object.entries(CODE_BY_DTYPE).map(([dtype, code]) => [code, dtype as DType]),
);

export interface NpyArray {
  readonly dtype: DType;
  readonly shape: number[];
  /** The element bytes: a view into the file. */
  readonly data: Uint8Array;
}

function bad(why: string): CommandError {
  return new CommandError(`ERR invalid npy file: ${why}`);
}

/** Parses an `.npy` file; throws a 400 `CommandError` on anything we cannot hold exactly. */
export function parseNpy(file: Uint8Array): NpyArray {
  if (file.length < 10 || MAGIC.some((b, i) => file[i] !== b)) throw bad("bad magic");
  const major = file[6] as number;
  if (major < 1 || major > 3) throw bad(`unsupported version ${major}.${file[7]}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (file.length < 8 + lengthBytes) throw bad("truncated header");
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerBytes;
  if (dataStart > file.length) throw bad("truncated header");
  const header = new TextDecoder().decode(file.subarray(8 + lengthBytes, dataStart));
  const { dtype, shape } = parseHeader(header);
  const size = elementCount(shape) * DTYPES[dtype].bytes;
  if (file.length - dataStart !== size) {
    throw bad(`data is ${file.length - dataStart} bytes, shape and dtype need ${size}`);
  }
  return { dtype, shape, data: file.subarray(dataStart) };
}

function parseHeader(header: string): { dtype: DType; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad("header must hold descr (a simple type), fortran_order and shape");
  }
  if (fortran === "True") throw bad("Fortran-order arrays are not supported (save C order)");
  const order = /^[<>|=]/.test(descr) ? descr[0] : "";
  const code = order === "" ? descr : descr.slice(1);
  const dtype = DTYPE_BY_CODE.get(code);
  if (dtype === undefined) throw bad(`unsupported dtype '${descr}'`);
  if (order === ">" && DTYPES[dtype].bytes > 1) {
    throw bad(`big-endian dtype '${descr}' is not supported (save little-endian)`);
  }
  const dims = shapeText.split(",").map((d) => d.trim()).filter((d) => d !== "");
  const shape = dims.map((d) => {
    if (!/^\d+$/.test(d)) throw bad(`bad dimension '${d}'`);
    return Number(d);
  });
  return { dtype, shape };
}

/** The `.npy` header (magic, version, length, padded dict) for a C-order array. */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const code = CODE_BY_DTYPE[dtype];
  if (code === undefined) throw new CommandError(`ERR ${dtype} tensors cannot be written as npy`);
  const descr = (DTYPES[dtype].bytes === 1 ? "|" : "<") + code;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const major = dict.length + 1 + 10 > 65535 ? 2 : 1;
  const prefixBytes = major === 1 ? 10 : 12;
  const padded = Math.ceil((prefixBytes + dict.length + 1) / HEADER_ALIGN) * HEADER_ALIGN;
  const headerBytes = padded - prefixBytes;
  const out = new Uint8Array(padded);
  out.set(MAGIC);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerBytes, true);
  else view.setUint32(8, headerBytes, true);
  const text = dict.padEnd(headerBytes - 1, " ") + "\n";
  out.set(new TextEncoder().encode(text), prefixBytes);
  return out;
}
