/**
 * `AI.TENSORGET` formats and replies, as RedisAI's `ParseTensorGetFormat` and
 * `RAI_TensorReply`: META is an array (`dtype`, TYPE, `shape`, dims) under RESP2 and RESP3
 * alike, optionally followed by `blob` or `values`. Float values are doubles (bulk strings in
 * RESP2), integer and BOOL values are integers, STRING values are bulk strings. A BLOB reply is
 * a view of the tensor's own bytes, so the writer sends big payloads without copying.
 * Shared with DAG ops.
 */
import { CommandError } from "./errors.ts";
import { DTYPES } from "./dtype.ts";
import { keyword } from "./keys.ts";
import { DoubleReply, Reply } from "./reply.ts";
import { elementCount, stringAt, Tensor, tensorBytes } from "./tensor.ts";

export interface TensorFormat {
  readonly meta: boolean;
  readonly blob: boolean;
  readonly values: boolean;
}

/** RedisAI's TENSORGET errors, verbatim (`arity` has no `ERR`, as in a DAG). */
export const tensorGetErrors = {
  arity: () => new CommandError("wrong number of arguments for 'AI.TENSORGET' command"),
  format: () => new CommandError("ERR unsupported data format"),
  both: () => new CommandError("ERR both BLOB and VALUES specified"),
  empty: () => new CommandError("ERR tensor key is empty or in a different shard", "not_found"),
} as const;

const DEFAULT_FORMAT: TensorFormat = { meta: true, blob: true, values: false };

/** Parses the format tokens of full TENSORGET arguments (`args[1]` the key). */
export function parseTensorGetFormat(args: readonly Uint8Array[]): TensorFormat {
  if (args.length < 2 || args.length > 4) throw tensorGetErrors.arity();
  if (args.length === 2) return DEFAULT_FORMAT;
  let meta = false;
  let blob = false;
  let values = false;
  for (let i = 2; i < args.length; i++) {
    switch (keyword(args[i] as Uint8Array)) {
      case "META":
        meta = true;
        break;
      case "BLOB":
        blob = true;
        break;
      case "VALUES":
        values = true;
        break;
      default:
        throw tensorGetErrors.format();
    }
  }
  if (blob && values) throw tensorGetErrors.both();
  return { meta, blob, values };
}

/** The reply to TENSORGET for `tensor` in `format`. */
export function tensorReply(tensor: Tensor, format: TensorFormat): Reply {
  const data: Reply | undefined = format.blob
    ? tensorBytes(tensor)
    : format.values
    ? tensorValues(tensor)
    : undefined;
  if (!format.meta && data !== undefined) return data;
  const meta: Reply[] = ["dtype", tensor.dtype, "shape", tensor.shape];
  if (data !== undefined) meta.push(format.blob ? "blob" : "values", data);
  return meta;
}

/** Every element as a reply value, in row-major order. */
export function tensorValues(tensor: Tensor): Reply[] {
  const { data } = tensor;
  const kind = DTYPES[tensor.dtype].kind;
  if (kind === "string") {
    return Array.from({ length: elementCount(tensor.shape) }, (_, i) => stringAt(tensor, i));
  }
  if (data instanceof BigInt64Array) {
    return Array.from(data, (v) => {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    });
  }
  if (kind === "float") return Array.from(data, (v) => new DoubleReply(v));
  return Array.from(data, Number);
}
