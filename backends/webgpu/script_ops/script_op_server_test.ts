/**
 * Tests for the GPU side of scripts' tensor ops, in process (no worker): ops recorded and read
 * back in one submission, the run's first failure answering every read until `end`, buffers
 * released at `end`, no WebGPU at all, and a client that disagrees with the executor's shapes.
 * GPU cases are skipped only where WebGPU has no adapter, never in CI.
 */
import assert from "node:assert/strict";
import { GpuRuntime } from "../../../gpu/gpu_runtime.ts";
import { hostTensor } from "../host_tensor.ts";
import type { GpuValue, ScriptGpuReply, ScriptGpuRequest } from "./protocol.ts";
import { ScriptOpServer } from "./script_op_server.ts";
import { gpuTest } from "../../../tests/helpers/webgpu.ts";

const upload = (handle: number, values: number[]): ScriptGpuRequest => ({
  kind: "upload",
  handle,
  host: hostTensor("float32", [values.length], values),
});

const value = (handle: number, shape: number[]): GpuValue => ({
  handle,
  type: "float32",
  shape,
});

const add = (a: GpuValue, b: GpuValue, out: GpuValue): ScriptGpuRequest => ({
  kind: "op",
  opType: "Add",
  opset: 13,
  attributes: [],
  inputs: [a, b],
  outputs: [out],
});

async function floats(server: ScriptOpServer, handle: number, count: number): Promise<number[]> {
  const reply = await server.handle({ kind: "read", values: [{ handle, count }] });
  assert(reply?.kind === "read", JSON.stringify(reply));
  return Array.from(new Float32Array(reply.buffers[0] ?? new ArrayBuffer(0)));
}

async function errorOf(server: ScriptOpServer, handle: number): Promise<string> {
  const reply: ScriptGpuReply | undefined = await server.handle({
    kind: "read",
    values: [{ handle, count: 1 }],
  });
  assert(reply?.kind === "error", JSON.stringify(reply));
  return reply.message;
}

Deno.test(
  "ScriptOpServer runs executor ops on handles and releases them at end",
  gpuTest,
  async () => {
    const runtime = new GpuRuntime();
    try {
      const server = new ScriptOpServer(runtime);
      const probe = await server.handle({ kind: "probe" });
      assert(probe?.kind === "probe" && probe.available);
      await server.handle(upload(1, [1, 2, 3]));
      await server.handle(upload(2, [10]));
      await server.handle(add(value(1, [3]), value(2, [1]), value(3, [3])));
      await server.handle(add(value(3, [3]), value(3, [3]), value(4, [3])));
      await server.handle({
        kind: "op",
        opType: "Mul",
        opset: 13,
        attributes: [],
        inputs: [value(4, [3]), { host: hostTensor("float32", [], [0.5]) }],
        outputs: [value(5, [3])],
      });
      assert.deepEqual(await floats(server, 5, 3), [11, 12, 13]);
      assert.deepEqual(await floats(server, 3, 3), [11, 12, 13]);
      const context = await runtime.acquire();
      assert(context.pool.stats().bytesInUse > 0);
      await server.handle({ kind: "end", gpuOps: 3, cpuOps: 1 });
      assert.equal(context.pool.stats().bytesInUse, 0);
      assert.deepEqual(server.stats, { runs: 1, gpuOps: 3, cpuOps: 1 });
    } finally {
      runtime.close();
    }
  },
);

Deno.test("ScriptOpServer answers a run's first failure until its end", gpuTest, async () => {
  const runtime = new GpuRuntime({ memoryBytesMax: 4096 });
  try {
    const server = new ScriptOpServer(runtime);
    await server.handle(upload(1, new Array(2048).fill(1)));
    await server.handle(add(value(1, [2048]), value(1, [2048]), value(2, [2048])));
    assert.match(await errorOf(server, 2), /^GPU memory cap exceeded: /);
    assert.match(await errorOf(server, 1), /^GPU memory cap exceeded: /);
    await server.handle({ kind: "end", gpuOps: 1, cpuOps: 0 });

    // The next run starts clean; a client that expects another shape is refused.
    await server.handle(upload(1, [1, 2]));
    await server.handle(add(value(1, [2]), value(1, [2]), value(2, [3])));
    assert.match(
      await errorOf(server, 2),
      /^inferdb internal: Add gives float32\[2\], the script expects float32\[3\]$/,
    );
    await server.handle({ kind: "end", gpuOps: 1, cpuOps: 0 });
    await server.handle(upload(1, [1, 2]));
    await server.handle(add(value(1, [2]), value(1, [2]), value(2, [2])));
    assert.deepEqual(await floats(server, 2, 2), [2, 4]);
  } finally {
    runtime.close();
  }
});

Deno.test("ScriptOpServer reports no device where WebGPU is missing", async () => {
  const server = new ScriptOpServer(new GpuRuntime({ gpu: undefined }));
  const probe = await server.handle({ kind: "probe" });
  assert.deepEqual(probe, {
    kind: "probe",
    available: false,
    detail: "GPU unavailable: WebGPU is not enabled (run with --unstable-webgpu)",
  });
  await server.handle(upload(1, [1]));
  assert.match(await errorOf(server, 1), /^GPU unavailable: WebGPU is not enabled/);
});
