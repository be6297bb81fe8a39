/**
 * Acquires the WebGPU adapter and device and keeps the GPU path's state: the current context,
 * why the last one was lost, and the memory cap. `acquire()` is the only way to a device; it
 * creates one on first use and again after a loss, so a lost device disables the GPU path for
 * the requests in flight (they fail with a clear error) and the next request recovers.
 *
 * The `gpu` entry point is injected (tests pass fakes); by default it is `webGpu()`
 * (`navigator.gpu` on the native backends), which exists in Deno only with `--unstable-webgpu`.
 */
import { GpuAdapterFacts, GpuContext } from "./gpu_context.ts";
import { gpuErrors } from "./gpu_error.ts";
import { webGpu } from "./web_gpu.ts";

/** The part of `navigator.gpu` the runtime uses. */
export interface GpuEntry {
  requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null>;
}

export interface GpuRuntimeOptions {
  /** Defaults to `webGpu()` (absent without `--unstable-webgpu`). */
  readonly gpu?: GpuEntry | undefined;
  /** Cap on GPU buffer memory in bytes; 0 means the device's own limit. */
  readonly memoryBytesMax?: number;
}

/** Limits raised from WebGPU's defaults to what the adapter offers. */
const RAISED_LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxStorageBuffersPerShaderStage",
] as const;

export class GpuRuntime {
  readonly #gpu: GpuEntry | undefined;
  #context: Promise<GpuContext> | undefined;
  #current: GpuContext | undefined;
  #generation = 0;
  #memoryBytesMax: number;
  /** Why the most recent device was lost, if one was. */
  lastLossReason: string | undefined;
  lossCount = 0;

  constructor(options: GpuRuntimeOptions = {}) {
    this.#gpu = "gpu" in options ? options.gpu : webGpu();
    this.#memoryBytesMax = options.memoryBytesMax ?? 0;
  }

  get memoryBytesMax(): number {
    return this.#memoryBytesMax;
  }

  set memoryBytesMax(bytes: number) {
    this.#memoryBytesMax = bytes;
    if (this.#current !== undefined) this.#current.pool.bytesMax = bytes;
  }

  /** The live context, made now if there is none or the last one was lost. */
  acquire(): Promise<GpuContext> {
    if (this.#current?.lost === true) this.#context = undefined;
    if (this.#context === undefined) {
      const pending = this.#create();
      this.#context = pending;
      // A failed acquisition is retried by the next request.
      pending.catch(() => {
        if (this.#context === pending) this.#context = undefined;
      });
    }
    return this.#context;
  }

  /** Whether an adapter and device can be had (never throws). */
  async available(): Promise<boolean> {
    try {
      await this.acquire();
      return true;
    } catch {
      return false;
    }
  }

  /** The current context if one is live, without creating one. */
  get current(): GpuContext | undefined {
    return this.#current?.lost === false ? this.#current : undefined;
  }

  /** Destroys the device (not counted as a loss). */
  close(): void {
    const context = this.#current;
    this.#current = undefined;
    this.#context = undefined;
    if (context === undefined) return;
    context.markLost("closed");
    context.device.destroy();
  }

  async #create(): Promise<GpuContext> {
    if (this.#gpu === undefined) throw gpuErrors.noWebGpu();
    const adapter = await this.#gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null) throw gpuErrors.noAdapter();
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    const generation = ++this.#generation;
    // f16 kernels (float16 models) need the feature; adapters without it run float32 only.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has("shader-f16")
      ? ["shader-f16"]
      : [];
    const device = await adapter.requestDevice({
      label: `inferdb-gpu-${generation}`,
      requiredLimits,
      requiredFeatures,
    });
    const context = new GpuContext(device, adapterFacts(adapter), generation, this.#memoryBytesMax);
    device.lost.then((info) => this.#onLost(context, info));
    this.#current = context;
    return context;
  }

  #onLost(context: GpuContext, info: GPUDeviceLostInfo): void {
    if (context.lost) return;
    const reason = info.message === "" ? info.reason : `${info.reason}: ${info.message}`;
    context.markLost(reason);
    this.lastLossReason = reason;
    this.lossCount++;
  }
}

function adapterFacts(adapter: GPUAdapter): GpuAdapterFacts {
  const limits: Record<string, number> = {};
  for (const name in adapter.limits) {
    const value: unknown = adapter.limits[name as keyof GPUSupportedLimits];
    if (typeof value === "number") limits[name] = value;
  }
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? false,
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}
