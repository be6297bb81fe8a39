import assert from "node:assert/strict";
import type { Backend, ModelSession } from "../backend.ts";
import { CommandError } from "../../core/errors.ts";
import type { Tensor } from "../../core/tensor.ts";
import { GpuEntry, GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { gpuTest } from "../../tests/helpers/webgpu.ts";
import { GpuOnnxBackend } from "./gpu_onnx_backend.ts";
import { GpuStatsBoard } from "./gpu_stats_board.ts";
import { WebGpuBackend } from "./webgpu_backend.ts";

const MODELS = new URL("../../tests/webgpu/fixtures/models/", import.meta.url);
const LOAD = { device: "GPU", intraOpThreads: 1, interOpThreads: 0 } as const;

/** A backend whose loads fail with `refusal`, or succeed with sessions echoing their input. */
function fakeBackend(name: string, refusal?: string): Backend & { loads: number } {
  const backend = {
    name,
    loads: 0,
    available: () => Promise.resolve(true),
    load: (): Promise<ModelSession> => {
      backend.loads++;
      if (refusal !== undefined) return Promise.reject(new CommandError(refusal));
      return Promise.resolve({
        provider: name,
        inputs: [],
        outputs: [],
        run: (inputs: readonly Tensor[]) => Promise.resolve([...inputs]),
        close: () => Promise.resolve(),
      });
    },
  };
  return backend;
}

/** `navigator.gpu` whose adapters lack `shader-f16` (a real adapter behind a Proxy). */
function gpuWithoutF16(): GpuEntry {
  return {
    requestAdapter: async (options) => {
      const adapter = await navigator.gpu.requestAdapter(options);
      if (adapter === null) return null;
      const features = new Set([...adapter.features].filter((f) => f !== "shader-f16"));
      return new Proxy(adapter, {
        get(target, key) {
          if (key === "features") return features;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
}

const floats: Tensor = { dtype: "FLOAT", shape: [2], data: Float32Array.from([1, 2]) };

Deno.test({
  name: "GpuOnnxBackend: a model no GPU path runs fails naming why, or runs on the CPU if allowed",
  ...gpuTest,
  fn: async () => {
    // Tile is not ours, and the fake WebGPU provider refuses everything.
    const blob = await Deno.readFile(new URL("tile.onnx", MODELS));
    const webgpu = fakeBackend("fake-webgpu", "no Tile here");
    const strict = new GpuOnnxBackend({ gpuMemoryMax: 0 }, { webgpu });
    await assert.rejects(
      strict.load(blob, LOAD),
      (e) =>
        e instanceof CommandError &&
        e.message === "GPU: unsupported by the WebGPU executor: Tile; " +
            "ONNX Runtime's WebGPU provider failed too: no Tile here",
    );

    const board = new GpuStatsBoard();
    const cpu = fakeBackend("fake-cpu");
    const lenient = new GpuOnnxBackend(
      { gpuMemoryMax: 0, gpuCpuFallback: true, gpuStats: board.buffer },
      { webgpu, cpu },
    );
    const session = await lenient.load(blob, LOAD);
    assert.equal(session.provider, "fake-cpu");
    assert.deepEqual(await session.run([floats]), [floats]);
    const totals = board.totals();
    assert.deepEqual(
      [totals.sessions, totals.fallbackSessions, totals.cpuFallbackSessions, totals.runs],
      [0, 0, 1, 1],
    );
    assert.equal(totals.cpuFallbackRuns, 1);
    await session.close();
    assert.equal(board.totals().cpuFallbackSessions, 0);
  },
});

Deno.test("GpuOnnxBackend without an adapter is available only with the CPU fallback", async () => {
  const none = () => new GpuRuntime({ gpu: { requestAdapter: () => Promise.resolve(null) } });
  const cpu = fakeBackend("fake-cpu");
  const webgpu = fakeBackend("fake-webgpu");
  assert.equal(
    await new GpuOnnxBackend({ gpuMemoryMax: 0 }, { runtime: none() }).available(),
    false,
  );
  const lenient = new GpuOnnxBackend(
    { gpuMemoryMax: 0, gpuCpuFallback: true },
    { runtime: none(), webgpu, cpu },
  );
  assert.equal(await lenient.available(), true);
  const blob = await Deno.readFile(new URL("fused_cnn.onnx", MODELS));
  assert.equal((await lenient.load(blob, LOAD)).provider, "fake-cpu");
  assert.deepEqual([cpu.loads, webgpu.loads], [1, 0]);
});

Deno.test({
  name: "A float16 model on an adapter without shader-f16 is refused, so the WebGPU EP takes it",
  ...gpuTest,
  fn: async () => {
    const blob = await Deno.readFile(new URL("mnist_fp16.onnx", MODELS));
    const runtime = new GpuRuntime({ gpu: gpuWithoutF16() });
    try {
      assert.equal((await runtime.acquire()).shaderF16, false);
      await assert.rejects(
        new WebGpuBackend(runtime).load(blob, LOAD),
        (e) =>
          e instanceof CommandError &&
          e.message === "WebGPU executor: FLOAT16 tensors need the adapter's shader-f16 feature",
      );
      const webgpu = fakeBackend("fake-webgpu");
      const backend = new GpuOnnxBackend({ gpuMemoryMax: 0 }, { runtime, webgpu });
      assert.equal((await backend.load(blob, LOAD)).provider, "fake-webgpu");
    } finally {
      runtime.close();
    }
  },
});
