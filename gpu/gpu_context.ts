/**
 * One live WebGPU device with everything that belongs to it: the buffer pool (and so the
 * memory count), the pipeline cache and the adapter facts recorded when it was made. A context
 * never comes back from the dead: once its device is lost, `checkAlive` throws a clear error
 * and the runtime hands out a fresh context on the next request.
 */
import { BufferPool } from "./buffer_pool.ts";
import { GpuError, gpuErrors } from "./gpu_error.ts";
import { PipelineCache } from "./pipeline_cache.ts";

/** What the adapter said about itself, as INFO shows it. */
export interface GpuAdapterFacts {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly features: readonly string[];
  readonly limits: Readonly<Record<string, number>>;
}

export class GpuContext {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** Set once the device is lost; the context is then unusable. */
  lostReason: string | undefined;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: GpuAdapterFacts,
    readonly generation: number,
    memoryBytesMax: number,
  ) {
    this.pool = new BufferPool(device, { bytesMax: memoryBytesMax });
    this.pipelines = new PipelineCache(device);
  }

  /** Whether kernels may use f16 (the device was created with `shader-f16`). */
  get shaderF16(): boolean {
    return this.device.features.has("shader-f16");
  }

  get lost(): boolean {
    return this.lostReason !== undefined;
  }

  /** Throws the device-lost error if the device is gone. */
  checkAlive(): void {
    if (this.lostReason !== undefined) throw gpuErrors.deviceLost(this.lostReason);
  }

  /** Marks the device lost and drops its buffers (they died with it). */
  markLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.pool.destroyAll();
  }

  /**
   * Runs `work` inside validation and out-of-memory error scopes and turns a captured error,
   * or a device lost meanwhile, into a `GpuError`, so a bad dispatch fails its request instead
   * of surfacing later as an uncaptured error.
   */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    this.checkAlive();
    this.device.pushErrorScope("validation");
    this.device.pushErrorScope("out-of-memory");
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await work() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // Popping fails on a lost device; `checkAlive` then reports the loss instead.
    const oom = await this.device.popErrorScope().catch(() => null);
    const invalid = await this.device.popErrorScope().catch(() => null);
    this.checkAlive();
    if (oom !== null) throw gpuErrors.outOfMemory(oom.message);
    if (invalid !== null) throw gpuErrors.validation(invalid.message);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}

/** Converts any error of GPU work into a `GpuError`, naming device loss when it happened. */
export function asGpuError(context: GpuContext, error: unknown): GpuError {
  if (context.lostReason !== undefined) return gpuErrors.deviceLost(context.lostReason);
  if (error instanceof GpuError) return error;
  return gpuErrors.validation(error instanceof Error ? error.message : String(error));
}
