/**
 * The KServe v2 / Open Inference Protocol tensor codec: infer requests (JSON, plus the binary
 * data extension: `Inference-Header-Content-Length` JSON bytes followed by each input's bytes,
 * sized by its `binary_data_size` parameter) into `WireTensor`s, and outputs back into a JSON
 * or JSON-plus-binary response. BYTES elements are length-prefixed (u32 little-endian) in
 * binary form and become RedisAI STRING tensors (NUL-terminated), so they may not hold NUL.
 */
import { CommandError } from "../../core/errors.ts";
import type { DType } from "../../core/dtype.ts";
import { elementCount } from "../../core/tensor.ts";
import { tensorErrors } from "../../core/tensor_parse.ts";
import { parseJson } from "./body.ts";
import { jsonResponse } from "./errors.ts";
import type { JsonValue } from "./reply_json.ts";
import {
  blobStrings,
  blobToValues,
  joinCStrings,
  parseShape,
  stringsToBlob,
  valuesToBlob,
  WireTensor,
} from "./tensor_forms.ts";
import { partsResponse } from "./http1_response.ts";

export const DTYPE_BY_DATATYPE: ReadonlyMap<string, DType> = new Map([
  ["FP32", "FLOAT"],
  ["FP64", "DOUBLE"],
  ["INT8", "INT8"],
  ["INT16", "INT16"],
  ["INT32", "INT32"],
  ["INT64", "INT64"],
  ["UINT8", "UINT8"],
  ["UINT16", "UINT16"],
  ["BOOL", "BOOL"],
  ["BYTES", "STRING"],
]);

const DATATYPE_BY_DTYPE = new Map([...DTYPE_BY_DATATYPE].map(([k, v]) => [v, k]));

/** The v2 datatype name of a dtype. */
export function datatypeOf(dtype: DType): string {
  return DATATYPE_BY_DTYPE.get(dtype) ?? dtype;
}

export interface InferInput {
  readonly name: string;
  readonly tensor: WireTensor;
}

export interface RequestedOutput {
  readonly name: string;
  readonly binary: boolean;
}

export interface InferRequest {
  readonly id: string | undefined;
  readonly inputs: readonly InferInput[];
  /** `undefined` (none named): every output, in JSON unless `binaryOutputs`. */
  readonly outputs: readonly RequestedOutput[] | undefined;
  readonly binaryOutputs: boolean;
}

function bad(message: string): CommandError {
  return new CommandError(`ERR ${message}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Parses an infer request body; `headerBytes` is Inference-Header-Content-Length, if sent. */
export function parseInferRequest(body: Uint8Array, headerBytes: number | undefined): InferRequest {
  const jsonEnd = headerBytes ?? body.length;
  if (!Number.isSafeInteger(jsonEnd) || jsonEnd < 0) {
    throw bad("Inference-Header-Content-Length must be a non-negative integer");
  }
  if (jsonEnd > body.length) throw bad("Inference-Header-Content-Length exceeds the body");
  const fields = record(parseJson(body.subarray(0, jsonEnd)), "the inference request");
  const binary = { bytes: body.subarray(jsonEnd), offset: 0 };
  if (!Array.isArray(fields.inputs) || fields.inputs.length === 0) {
    throw bad("the inference request must have a non-empty 'inputs' array");
  }
  const inputs = fields.inputs.map((item) => parseInput(record(item, "each input"), binary));
  if (binary.offset !== binary.bytes.length) {
    throw bad("the binary data does not match the inputs' binary_data_size parameters");
  }
  const params = fields.parameters === undefined ? {} : record(fields.parameters, "parameters");
  const binaryOutputs = params.binary_data_output === true;
  const outputs = fields.outputs === undefined
    ? undefined
    : parseOutputs(fields.outputs, binaryOutputs);
  const id = typeof fields.id === "string" ? fields.id : undefined;
  // No output named means every output (Triton's rule for an empty list too).
  return { id, inputs, outputs: outputs?.length === 0 ? undefined : outputs, binaryOutputs };
}

function parseInput(
  input: Record<string, unknown>,
  binary: { bytes: Uint8Array; offset: number },
): InferInput {
  if (typeof input.name !== "string") throw bad("each input needs a 'name'");
  const name = input.name;
  const dtype = DTYPE_BY_DATATYPE.get(String(input.datatype));
  if (dtype === undefined) {
    throw bad(`unsupported datatype '${input.datatype}' for input '${name}'`);
  }
  const shape = parseShape(input.shape);
  const params = input.parameters === undefined ? {} : record(input.parameters, "parameters");
  const size = params.binary_data_size;
  if (size === undefined) {
    const blob = dtype === "STRING"
      ? stringValues(input.data, shape)
      : valuesToBlob(dtype, shape, input.data);
    return { name, tensor: { dtype, shape, blob } };
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw bad(`bad binary_data_size for input '${name}'`);
  }
  if (binary.offset + size > binary.bytes.length) {
    throw bad(`input '${name}' needs ${size} bytes of binary data, fewer remain`);
  }
  const bytes = binary.bytes.subarray(binary.offset, binary.offset + size);
  binary.offset += size;
  const blob = dtype === "STRING" ? unprefixStrings(bytes, elementCount(shape)) : bytes;
  return { name, tensor: { dtype, shape, blob } };
}

function stringValues(data: unknown, shape: readonly number[]): Uint8Array {
  if (!Array.isArray(data)) throw tensorErrors.valuesCount();
  const flat: unknown[] = data.flat(Infinity);
  if (flat.length !== elementCount(shape)) throw tensorErrors.valuesCount();
  return stringsToBlob(flat);
}

/** Length-prefixed BYTES elements → a NUL-terminated STRING blob. */
function unprefixStrings(bytes: Uint8Array, count: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw tensorErrors.stringCount();
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) throw tensorErrors.stringCount();
    parts.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== bytes.length) throw tensorErrors.stringCount();
  return joinCStrings(parts);
}

function parseOutputs(value: unknown, binaryDefault: boolean): RequestedOutput[] {
  if (!Array.isArray(value)) throw bad("'outputs' must be an array");
  return value.map((item) => {
    const output = record(item, "each requested output");
    if (typeof output.name !== "string") throw bad("each requested output needs a 'name'");
    const params = output.parameters === undefined ? {} : record(output.parameters, "parameters");
    const binary = typeof params.binary_data === "boolean" ? params.binary_data : binaryDefault;
    return { name: output.name, binary };
  });
}

export interface InferOutput {
  readonly name: string;
  readonly tensor: WireTensor;
  readonly binary: boolean;
}

/** The v2 infer response: JSON, or JSON followed by binary outputs. */
export function inferResponse(
  modelName: string,
  id: string | undefined,
  outputs: readonly InferOutput[],
): Response {
  const chunks: Uint8Array[] = [];
  const entries = outputs.map(({ name, tensor, binary }) => {
    const head = { name, datatype: datatypeOf(tensor.dtype), shape: tensor.shape };
    if (!binary) return { ...head, data: blobToValues(tensor.dtype, tensor.blob) };
    const bytes = tensor.dtype === "STRING" ? prefixStrings(tensor.blob) : tensor.blob;
    chunks.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.length } };
  });
  const json: Record<string, JsonValue> = { model_name: modelName, outputs: entries };
  if (id !== undefined) json.id = id;
  if (chunks.length === 0) return jsonResponse(json);
  const header = new TextEncoder().encode(JSON.stringify(json));
  const headers = new Headers({
    "content-type": "application/octet-stream",
    "inference-header-content-length": String(header.length),
  });
  return partsResponse([header, ...chunks], headers);
}

/** A NUL-terminated STRING blob → length-prefixed BYTES elements. */
function prefixStrings(blob: Uint8Array): Uint8Array {
  const parts = blobStrings(blob);
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length, true);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}
