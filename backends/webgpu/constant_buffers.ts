/**
 * A session's initializers on the GPU: each is uploaded the first time a plan binds it and
 * then shared by every plan of the session, so a model's weights cross the bus once per device
 * however many input shapes it sees. Tied to one context; a new device gets a new instance.
 */
import type { GpuContext } from "../../gpu/gpu_context.ts";
import { uploadBytes } from "../../gpu/readback.ts";
import { HostTensor, toGpuArray } from "./host_tensor.ts";

const USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export class ConstantBuffers {
  readonly #buffers = new Map<string, GPUBuffer>();

  constructor(readonly context: GpuContext) {}

  get(name: string, host: HostTensor): GPUBuffer {
    let buffer = this.#buffers.get(name);
    if (buffer === undefined) {
      buffer = uploadBytes(this.context, toGpuArray(host.type, host.data), USAGE, name);
      this.#buffers.set(name, buffer);
    }
    return buffer;
  }

  get bytes(): number {
    let total = 0;
    for (const buffer of this.#buffers.values()) total += buffer.size;
    return total;
  }

  releaseAll(): void {
    for (const buffer of this.#buffers.values()) this.context.pool.release(buffer);
    this.#buffers.clear();
  }
}
