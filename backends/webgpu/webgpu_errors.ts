/**
 * How the WebGPU executor's failures reach clients: as backend texts without an `ERR` prefix
 * (RedisAI passes backend messages through verbatim), with an error kind that HTTP maps to a
 * status (no adapter or a lost device: unavailable; the GPU memory cap: oom).
 */
import { CommandError, ErrorKind } from "../../core/errors.ts";
import { GpuError, GpuErrorKind } from "../../gpu/gpu_error.ts";
import { GraphError } from "./graph.ts";
import { OnnxFormatError } from "./onnx_decoder.ts";

const GPU_ERROR_KINDS: Readonly<Record<GpuErrorKind, ErrorKind>> = {
  unavailable: "unavailable",
  device_lost: "unavailable",
  out_of_memory: "oom",
  validation: "internal",
};

/** A model (or one of its shapes) this executor can't run; another backend may. */
export class UnsupportedModelError extends CommandError {}

/** The wire error for anything the executor throws (CommandErrors pass through). */
export function webgpuError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  if (error instanceof GpuError) {
    return new CommandError(error.message, GPU_ERROR_KINDS[error.kind]);
  }
  if (error instanceof OnnxFormatError) return new CommandError(error.message);
  if (error instanceof GraphError) {
    return new UnsupportedModelError(`WebGPU executor: ${error.message}`);
  }
  throw error;
}

/** The error for a model with ops the executor lacks. */
export function unsupportedError(problems: readonly string[]): UnsupportedModelError {
  return new UnsupportedModelError(`WebGPU executor does not support: ${problems.join(", ")}`);
}
