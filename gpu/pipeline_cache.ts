/**
 * Compute pipelines cached by kernel key. A kernel's key names exactly what its WGSL source
 * depends on (op, element type, rank, tile sizes, ...), never a shape, so one pipeline serves
 * every shape of a model and every model of a device. Compilation is asynchronous and a pending
 * compile is shared, so concurrent planners never compile the same kernel twice.
 */

/** A WGSL compute kernel as kernel generators return it. */
export interface KernelSource {
  readonly key: string;
  readonly source: string;
}

/** The part of a device the cache needs. */
export type PipelineDevice = Pick<GPUDevice, "createShaderModule" | "createComputePipelineAsync">;

export class PipelineCache {
  readonly #device: PipelineDevice;
  readonly #pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(device: PipelineDevice) {
    this.#device = device;
  }

  /** The pipeline for `kernel` (entry point `main`, layout derived from the source). */
  get(kernel: KernelSource): Promise<GPUComputePipeline> {
    let pipeline = this.#pipelines.get(kernel.key);
    if (pipeline === undefined) {
      const module = this.#device.createShaderModule({ label: kernel.key, code: kernel.source });
      pipeline = this.#device.createComputePipelineAsync({
        label: kernel.key,
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
      // A failed compile is not cached, so a fixed kernel or a new device can try again.
      pipeline.catch(() => this.#pipelines.delete(kernel.key));
      this.#pipelines.set(kernel.key, pipeline);
    }
    return pipeline;
  }

  get size(): number {
    return this.#pipelines.size;
  }
}
