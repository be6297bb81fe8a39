import assert from "node:assert/strict";
import { GpuEntry, GpuRuntime } from "./gpu_runtime.ts";
import { GpuError } from "./gpu_error.ts";

const LIMITS = {
  maxBufferSize: 1 << 20,
  maxStorageBufferBindingSize: 1 << 20,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxStorageBuffersPerShaderStage: 8,
};

/** A fake adapter whose devices can be "lost" on demand, and report error scopes we choose. */
function fakeGpu(options: { oom?: string } = {}) {
  const devices: { lose: (message: string) => void; destroyed: boolean }[] = [];
  const gpu: GpuEntry = {
    requestAdapter: () =>
      Promise.resolve({
        limits: LIMITS,
        features: new Set(["shader-f16"]),
        info: {
          vendor: "fake",
          architecture: "",
          device: "",
          description: "fake adapter",
          isFallbackAdapter: true,
        },
        requestDevice: () => {
          let lose: (info: GPUDeviceLostInfo) => void = () => {};
          const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve));
          const record = {
            lose: (message: string) => lose({ reason: "unknown", message } as GPUDeviceLostInfo),
            destroyed: false,
          };
          devices.push(record);
          const scopes: (string | null)[] = [];
          return Promise.resolve({
            lost,
            destroy: () => (record.destroyed = true),
            queue: { onSubmittedWorkDone: () => Promise.resolve(undefined) },
            pushErrorScope: (filter: string) =>
              scopes.push(filter === "out-of-memory" ? options.oom ?? null : null),
            popErrorScope: () => {
              const message = scopes.pop();
              return Promise.resolve(
                message === null || message === undefined ? null : { message },
              );
            },
          } as unknown as GPUDevice);
        },
      } as unknown as GPUAdapter),
  };
  return { gpu, devices };
}

Deno.test("GpuRuntime records the adapter's facts on the context", async () => {
  const runtime = new GpuRuntime({ gpu: fakeGpu().gpu, memoryBytesMax: 4096 });
  const context = await runtime.acquire();
  assert.equal(context.adapter.description, "fake adapter");
  assert.equal(context.adapter.isFallbackAdapter, true);
  assert.deepEqual(context.adapter.features, ["shader-f16"]);
  assert.equal(context.adapter.limits.maxBufferSize, 1 << 20);
  assert.equal(context.pool.bytesMax, 4096);
  assert.equal(await runtime.acquire(), context);
});

Deno.test("GpuRuntime: a lost device fails its work clearly and the next request gets a new one", async () => {
  const { gpu, devices } = fakeGpu();
  const runtime = new GpuRuntime({ gpu });
  const first = await runtime.acquire();
  devices[0]?.lose("fake reset");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(first.lost, true);
  assert.equal(runtime.lossCount, 1);
  assert.equal(runtime.lastLossReason, "unknown: fake reset");
  assert.equal(runtime.current, undefined);
  assert.throws(
    () => first.checkAlive(),
    (e) =>
      e instanceof GpuError && e.kind === "device_lost" &&
      e.message ===
        "GPU device lost (unknown: fake reset); the GPU path is disabled until the next request",
  );
  await assert.rejects(first.guard(() => Promise.resolve(1)), /GPU device lost/);
  const second = await runtime.acquire();
  assert.notEqual(second, first);
  assert.equal(second.generation, first.generation + 1);
  assert.equal(devices.length, 2);
});

Deno.test("GpuRuntime without an adapter is unavailable and retries on the next request", async () => {
  let asked = 0;
  const runtime = new GpuRuntime({
    gpu: { requestAdapter: () => (asked++, Promise.resolve(null)) },
  });
  await assert.rejects(
    runtime.acquire(),
    (e) => e instanceof GpuError && e.kind === "unavailable" && /no WebGPU adapter/.test(e.message),
  );
  assert.equal(await runtime.available(), false);
  assert.equal(asked, 2);
  const disabled = new GpuRuntime({ gpu: undefined });
  await assert.rejects(disabled.acquire(), /--unstable-webgpu/);
});

Deno.test("GpuContext.guard() turns a captured out-of-memory error into a GpuError", async () => {
  const runtime = new GpuRuntime({ gpu: fakeGpu({ oom: "allocation of 4 GiB failed" }).gpu });
  const context = await runtime.acquire();
  await assert.rejects(
    context.guard(() => Promise.resolve("done")),
    (e) =>
      e instanceof GpuError && e.kind === "out_of_memory" &&
      e.message === "GPU out of memory: allocation of 4 GiB failed",
  );
});

Deno.test("GpuRuntime.close() destroys the device without counting a loss", async () => {
  const { gpu, devices } = fakeGpu();
  const runtime = new GpuRuntime({ gpu });
  await runtime.acquire();
  runtime.close();
  assert.equal(devices[0]?.destroyed, true);
  assert.equal(runtime.lossCount, 0);
  assert.equal(runtime.current, undefined);
});
