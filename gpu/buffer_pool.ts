/**
 * The GPU buffer pool: every buffer of a device comes from here, so GPU memory is counted in
 * one place and capped. Buffers are pooled by (usage, size class); a size class rounds up to a
 * quarter of a power of two, so a reused buffer wastes at most 25% and typically far less.
 *
 * Release is deferred: a released buffer waits until the queue has finished the work submitted
 * before the release, so it is never handed to a new owner while a command buffer still uses
 * it. The cap counts every live buffer (in use, pending or free); when a new buffer would pass
 * it, free buffers are destroyed first and only then is the request refused.
 */
import { gpuErrors } from "./gpu_error.ts";

/** The parts of a device the pool needs (a fake in tests). */
export interface BufferDevice {
  createBuffer(descriptor: GPUBufferDescriptor): GPUBuffer;
  readonly queue: Pick<GPUQueue, "onSubmittedWorkDone">;
}

export interface BufferPoolOptions {
  /** Cap on all live buffers in bytes; 0 means no cap beyond the device's own. */
  readonly bytesMax: number;
}

export interface BufferPoolStats {
  readonly bytesAllocated: number;
  readonly bytesInUse: number;
  readonly bytesPeak: number;
  readonly bytesMax: number;
  readonly buffers: number;
  readonly buffersFree: number;
}

const SIZE_CLASS_MIN_BYTES = 256;

/** The pooled size for a request of `bytes`: ≥ 256 and a multiple of a quarter power of two. */
export function sizeClassBytes(bytes: number): number {
  if (bytes <= SIZE_CLASS_MIN_BYTES) return SIZE_CLASS_MIN_BYTES;
  const below = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = below / 4;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  readonly #device: BufferDevice;
  readonly #free = new Map<string, GPUBuffer[]>();
  readonly #inUse = new Set<GPUBuffer>();
  #pending: GPUBuffer[] = [];
  /** Released buffers whose queue work may still be running. */
  readonly #settling = new Set<GPUBuffer>();
  #bytesAllocated = 0;
  #bytesInUse = 0;
  #bytesPeak = 0;
  #buffersFree = 0;
  #destroyed = false;
  bytesMax: number;

  constructor(device: BufferDevice, options: BufferPoolOptions) {
    this.#device = device;
    this.bytesMax = options.bytesMax;
  }

  /** A buffer of at least `bytes` with exactly `usage`, labelled `label`. */
  acquire(bytes: number, usage: number, label: string): GPUBuffer {
    const size = sizeClassBytes(bytes);
    const key = `${usage}:${size}`;
    let buffer = this.#free.get(key)?.pop();
    if (buffer !== undefined) {
      this.#buffersFree--;
    } else {
      this.#reserve(size);
      buffer = this.#device.createBuffer({ label, size, usage });
      this.#bytesAllocated += size;
      this.#bytesPeak = Math.max(this.#bytesPeak, this.#bytesAllocated);
    }
    buffer.label = label;
    this.#inUse.add(buffer);
    this.#bytesInUse += size;
    return buffer;
  }

  /**
   * Gives a buffer back. Releases made in one synchronous stretch form a batch that becomes
   * reusable once the queue has finished all work submitted before the batch closed.
   */
  release(buffer: GPUBuffer): void {
    if (!this.#inUse.delete(buffer)) return;
    this.#bytesInUse -= buffer.size;
    if (this.#destroyed) return;
    this.#pending.push(buffer);
    if (this.#pending.length > 1) return;
    queueMicrotask(() => {
      const batch = this.#pending;
      this.#pending = [];
      for (const released of batch) this.#settling.add(released);
      this.#device.queue.onSubmittedWorkDone().then(
        () => this.#recycle(batch),
        () => this.#forget(batch),
      );
    });
  }

  /** Destroys every free buffer (their memory goes back to the device). */
  trim(): void {
    for (const list of this.#free.values()) {
      for (const buffer of list) this.#destroy(buffer);
    }
    this.#free.clear();
    this.#buffersFree = 0;
  }

  /** Destroys everything; later releases are ignored (used on device loss and shutdown). */
  destroyAll(): void {
    this.trim();
    for (const buffer of [...this.#inUse, ...this.#pending, ...this.#settling]) {
      this.#destroy(buffer);
    }
    this.#inUse.clear();
    this.#settling.clear();
    this.#pending = [];
    this.#bytesInUse = 0;
    this.#destroyed = true;
  }

  stats(): BufferPoolStats {
    return {
      bytesAllocated: this.#bytesAllocated,
      bytesInUse: this.#bytesInUse,
      bytesPeak: this.#bytesPeak,
      bytesMax: this.bytesMax,
      buffers: this.#inUse.size + this.#pending.length + this.#settling.size + this.#buffersFree,
      buffersFree: this.#buffersFree,
    };
  }

  #reserve(size: number): void {
    if (this.bytesMax <= 0 || this.#bytesAllocated + size <= this.bytesMax) return;
    this.trim();
    if (this.#bytesAllocated + size > this.bytesMax) {
      throw gpuErrors.memoryCap(size, this.#bytesAllocated, this.bytesMax);
    }
  }

  #recycle(batch: GPUBuffer[]): void {
    for (const buffer of batch) {
      if (!this.#settling.delete(buffer)) continue;
      const key = `${buffer.usage}:${buffer.size}`;
      let list = this.#free.get(key);
      if (list === undefined) {
        list = [];
        this.#free.set(key, list);
      }
      list.push(buffer);
      this.#buffersFree++;
    }
  }

  #forget(batch: GPUBuffer[]): void {
    for (const buffer of batch) {
      if (this.#settling.delete(buffer)) this.#destroy(buffer);
    }
  }

  #destroy(buffer: GPUBuffer): void {
    buffer.destroy();
    this.#bytesAllocated -= buffer.size;
  }
}
