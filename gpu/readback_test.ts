import assert from "node:assert/strict";
import { GpuContext } from "./gpu_context.ts";
import { submitAndRead } from "./readback.ts";

/** A context whose staging buffers fail to map (as on a device lost mid-read). */
function failingContext() {
  const unmapped: number[] = [];
  const device = {
    createBuffer: (d: GPUBufferDescriptor) => {
      const buffer = {
        size: d.size,
        usage: d.usage,
        label: "",
        mapState: "pending",
        mapAsync: () => Promise.reject(new Error("device lost")),
        unmap: () => unmapped.push(d.size),
        destroy: () => {},
      };
      return buffer as unknown as GPUBuffer;
    },
    queue: { submit: () => {}, onSubmittedWorkDone: () => Promise.resolve(undefined) },
    createShaderModule: () => ({}),
    createComputePipelineAsync: () => Promise.resolve({}),
  } as unknown as GPUDevice;
  const facts = {
    vendor: "",
    architecture: "",
    device: "",
    description: "",
    isFallbackAdapter: true,
    features: [],
    limits: {},
  };
  return { context: new GpuContext(device, facts, 1, 0), unmapped };
}

Deno.test("submitAndRead() releases its staging buffers even when mapping fails", async () => {
  const { context, unmapped } = failingContext();
  const encoder = {
    copyBufferToBuffer: () => {},
    finish: () => ({}),
  } as unknown as GPUCommandEncoder;
  const source = { buffer: {} as GPUBuffer, byteLength: 1000 };
  await assert.rejects(submitAndRead(context, encoder, [source, source]), /device lost/);
  assert.deepEqual(unmapped, [1024, 1024], "pending maps were cancelled");
  assert.equal(context.pool.stats().bytesInUse, 0);
  assert.equal(context.pool.stats().buffers, 2, "kept for reuse, not leaked");
});
