/**
 * Errors of the GPU layer. `gpu/` sits below `core/`, so it carries its own error class; the
 * WebGPU backend turns a `GpuError` into a wire error. Each kind has one fixed wording so a
 * client can tell "no adapter", "device lost" and "GPU memory cap reached" apart.
 */

export type GpuErrorKind = "unavailable" | "device_lost" | "out_of_memory" | "validation";

export class GpuError extends Error {
  constructor(readonly kind: GpuErrorKind, message: string) {
    super(message);
    this.name = "GpuError";
  }
}

export const gpuErrors = {
  noAdapter: () => new GpuError("unavailable", "GPU unavailable: no WebGPU adapter was found"),
  noWebGpu: () =>
    new GpuError(
      "unavailable",
      "GPU unavailable: WebGPU is not enabled (run with --unstable-webgpu)",
    ),
  deviceLost: (reason: string) =>
    new GpuError(
      "device_lost",
      `GPU device lost (${reason}); the GPU path is disabled until the next request`,
    ),
  memoryCap: (requestedBytes: number, usedBytes: number, capBytes: number) =>
    new GpuError(
      "out_of_memory",
      `GPU memory cap exceeded: ${requestedBytes} bytes requested, ${usedBytes} of ${capBytes} in use`,
    ),
  outOfMemory: (message: string) => new GpuError("out_of_memory", `GPU out of memory: ${message}`),
  validation: (message: string) => new GpuError("validation", `GPU validation error: ${message}`),
} as const;
