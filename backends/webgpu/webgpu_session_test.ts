import assert from "node:assert/strict";
import { CommandError } from "../../core/errors.ts";
import type { Tensor } from "../../core/tensor.ts";
import { GpuEntry, GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { gpuTest, sessionFor } from "../../tests/helpers/webgpu.ts";
import type { Graph, GraphNode } from "./graph.ts";
import { WebGpuBackend } from "./webgpu_backend.ts";

const TESTDATA = new URL("../../../shared/testdata/redisai/", import.meta.url);
const LOAD = { device: "GPU", intraOpThreads: 1, interOpThreads: 0 } as const;

/** `x → Neg → Abs → Neg → ... → y` over `[n]` floats (`steps` nodes). */
function chain(n: number, steps: number): Graph {
  const nodes: GraphNode[] = Array.from({ length: steps }, (_, i) => ({
    name: `n${i}`,
    opType: i % 2 === 0 ? "Neg" : "Abs",
    domain: "",
    inputs: [i === 0 ? "x" : `v${i}`],
    outputs: [i === steps - 1 ? "y" : `v${i + 1}`],
    attributes: new Map(),
  }));
  return {
    nodes,
    inputs: [{ name: "x", type: "float32", shape: [n] }],
    outputs: [{ name: "y", type: "float32", shape: [n] }],
    initializers: new Map(),
    opset: 13,
  };
}

function values(tensor: Tensor | undefined): number[] {
  return Array.from((tensor?.data ?? []) as ArrayLike<number>);
}

function floats(values: number[]): Tensor {
  return { dtype: "FLOAT", shape: [values.length], data: Float32Array.from(values) };
}

/**
 * `navigator.gpu` with devices whose `lost` promise the test can also resolve: a fake loss on
 * a real device (Proxies keep the real objects as `this`, so WebGPU's brand checks pass).
 */
function losableGpu() {
  const losers: ((message: string) => void)[] = [];
  const devices: GPUDevice[] = [];
  const bound = <T extends object>(target: T, overrides: Record<string | symbol, unknown>): T =>
    new Proxy(target, {
      get(t, key) {
        if (key in overrides) return overrides[key];
        const value: unknown = Reflect.get(t, key, t);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  const gpu: GpuEntry = {
    requestAdapter: async (options) => {
      const adapter = await navigator.gpu.requestAdapter(options);
      if (adapter === null) return null;
      return bound(adapter, {
        requestDevice: async (descriptor?: GPUDeviceDescriptor) => {
          const device = await adapter.requestDevice(descriptor);
          devices.push(device);
          const lost = new Promise<GPUDeviceLostInfo>((resolve) => {
            device.lost.then(resolve);
            losers.push((message) => resolve({ reason: "unknown", message } as GPUDeviceLostInfo));
          });
          return bound(device, { lost });
        },
      });
    },
  };
  return { gpu, losers, devices };
}

Deno.test({
  name: "WebGpuSession: a device lost mid-run fails that run clearly; the next run recovers",
  ...gpuTest,
  fn: async () => {
    const { gpu, losers, devices } = losableGpu();
    const runtime = new GpuRuntime({ gpu });
    const session = await sessionFor(chain(4, 1), runtime);
    try {
      assert.deepEqual(values((await session.run([floats([-1, 2, -3, 4])]))[0]), [1, -2, 3, -4]);
      const running = session.run([floats([5, -6, 7, -8])]);
      losers[0]?.("simulated reset");
      await assert.rejects(
        running,
        (e) =>
          e instanceof CommandError && e.kind === "unavailable" &&
          e.message ===
            "GPU device lost (unknown: simulated reset); the GPU path is disabled until the next request",
      );
      const [after] = await session.run([floats([5, -6, 7, -8])]);
      assert.deepEqual(values(after), [-5, 6, -7, 8]);
      assert.equal(devices.length, 2);
      assert.equal(runtime.lossCount, 1);
    } finally {
      await session.close();
      devices.forEach((d) => d.destroy());
    }
  },
});

Deno.test({
  name: "WebGpuBackend.load() refuses a model past the GPU memory cap with a clear error",
  ...gpuTest,
  fn: async () => {
    const runtime = new GpuRuntime({ memoryBytesMax: 4096 });
    const blob = await Deno.readFile(new URL("mnist.onnx", TESTDATA));
    try {
      await assert.rejects(
        new WebGpuBackend(runtime).load(blob, LOAD),
        (e) =>
          e instanceof CommandError && e.kind === "oom" &&
          /^GPU memory cap exceeded: \d+ bytes requested/.test(e.message),
      );
      assert.equal(runtime.current?.pool.stats().bytesInUse, 0, "a failed load keeps no buffers");
      runtime.memoryBytesMax = 64 << 20;
      const session = await new WebGpuBackend(runtime).load(blob, LOAD);
      await session.close();
    } finally {
      runtime.close();
    }
  },
});

Deno.test({
  name: "WebGpuSession reuses intermediate buffers by lifetime and releases staging buffers",
  ...gpuTest,
  fn: async () => {
    const runtime = new GpuRuntime();
    try {
      const context = await runtime.acquire();
      const before = context.pool.stats().buffers;
      const session = await sessionFor(chain(1 << 16, 12), runtime);
      // Input, uniforms and two ping-pong buffers for twelve nodes.
      assert.equal(context.pool.stats().buffers - before, 4);
      const inUse = context.pool.stats().bytesInUse;
      const x = Float32Array.from({ length: 1 << 16 }, (_, i) => i - 30000);
      const [y] = await session.run([{ dtype: "FLOAT", shape: [1 << 16], data: x }]);
      const data = y?.data as Float32Array;
      assert.equal(data[0], 30000);
      assert.equal(data[40000], 10000);
      assert.equal(context.pool.stats().bytesInUse, inUse, "staging buffers went back");
      await session.close();
      assert.equal(context.pool.stats().bytesInUse, 0);
    } finally {
      runtime.close();
    }
  },
});

Deno.test({
  name: "WebGpuBackend.load() names the ops it lacks and refuses external data",
  ...gpuTest,
  fn: async () => {
    const backend = new WebGpuBackend(new GpuRuntime());
    await assert.rejects(
      backend.load(await Deno.readFile(new URL("linear_iris.onnx", TESTDATA)), LOAD),
      (e) =>
        e instanceof CommandError &&
        e.message === "WebGPU executor does not support: ai.onnx.ml.LinearRegressor",
    );
    await assert.rejects(
      backend.load(
        await Deno.readFile(new URL("model_with_external_initializers.onnx", TESTDATA)),
        LOAD,
      ),
      (e) =>
        e instanceof CommandError &&
        e.message === "Initializer tensors with external data is not allowed.",
    );
    await assert.rejects(
      backend.load(new TextEncoder().encode("not a model"), LOAD),
      (e) => e instanceof CommandError && e.message === "No graph was found in the protobuf.",
    );
    backend.runtime.close();
  },
});

Deno.test({
  name: "WebGpuSession.run() checks inputs with ONNX Runtime's wording and honours an abort",
  ...gpuTest,
  fn: async () => {
    const runtime = new GpuRuntime();
    const session = await sessionFor(chain(4, 1), runtime);
    try {
      await assert.rejects(
        session.run([{ dtype: "DOUBLE", shape: [4], data: new Float64Array(4) }]),
        /^Error: Unexpected input data type. Actual: \(tensor\(double\)\) , expected: \(tensor\(float\)\)$/,
      );
      await assert.rejects(
        session.run([floats([1, 2, 3])]),
        (e) =>
          e instanceof CommandError &&
          e.message ===
            "Got invalid dimensions for input: x for the following indices  index: 0 Got: 3 " +
              "Expected: 4  Please fix either the inputs/outputs or the model.",
      );
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        session.run([floats([1, 2, 3, 4])], { signal: controller.signal }),
        /terminate flag/,
      );
    } finally {
      await session.close();
      runtime.close();
    }
  },
});
