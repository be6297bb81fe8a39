/**
 * Moving bytes between host and GPU. Readback appends copies into pooled staging buffers to the
 * caller's encoder, submits once, maps them all and copies the bytes out; the staging buffers
 * are unmapped and released in `finally`, so a failed map or a lost device never leaks them.
 */
import type { GpuContext } from "./gpu_context.ts";

export interface ReadbackSource {
  readonly buffer: GPUBuffer;
  readonly byteLength: number;
}

const STAGING_USAGE = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;

/** Copies bytes into a new pooled buffer of `usage` (COPY_DST is added). */
export function uploadBytes(
  context: GpuContext,
  bytes: ArrayBufferView,
  usage: number,
  label: string,
): GPUBuffer {
  const buffer = context.pool.acquire(bytes.byteLength, usage | GPUBufferUsage.COPY_DST, label);
  writeBytes(context, buffer, bytes);
  return buffer;
}

/** Writes bytes at the start of `buffer`, padding the tail to WebGPU's 4-byte granularity. */
export function writeBytes(context: GpuContext, buffer: GPUBuffer, bytes: ArrayBufferView): void {
  const length = bytes.byteLength;
  if (length === 0) return;
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  if (length % 4 === 0) {
    context.device.queue.writeBuffer(buffer, 0, view);
    return;
  }
  const padded = new Uint8Array(Math.ceil(length / 4) * 4);
  padded.set(view);
  context.device.queue.writeBuffer(buffer, 0, padded);
}

/**
 * Finishes `encoder` with copies of `sources` into staging buffers, submits it and returns each
 * source's bytes (fresh, 4-byte aligned buffers the caller owns).
 */
export async function submitAndRead(
  context: GpuContext,
  encoder: GPUCommandEncoder,
  sources: readonly ReadbackSource[],
): Promise<ArrayBuffer[]> {
  const staging: GPUBuffer[] = [];
  try {
    for (const [i, source] of sources.entries()) {
      const size = Math.ceil(source.byteLength / 4) * 4;
      const buffer = context.pool.acquire(size, STAGING_USAGE, `readback-${i}`);
      staging.push(buffer);
      if (size > 0) encoder.copyBufferToBuffer(source.buffer, 0, buffer, 0, size);
    }
    context.device.queue.submit([encoder.finish()]);
    await Promise.all(staging.map((buffer) => buffer.mapAsync(GPUMapMode.READ)));
    return sources.map((source, i) => {
      const buffer = staging[i];
      if (buffer === undefined || source.byteLength === 0) return new ArrayBuffer(0);
      return buffer.getMappedRange(0, Math.ceil(source.byteLength / 4) * 4).slice(0);
    });
  } finally {
    for (const buffer of staging) {
      // Unmapping also cancels a map still pending after another one failed.
      if (buffer.mapState !== "unmapped") buffer.unmap();
      context.pool.release(buffer);
    }
  }
}
