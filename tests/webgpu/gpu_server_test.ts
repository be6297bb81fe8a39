/**
 * `ONNX` models on `GPU` devices through the real server: our WebGPU executor runs models whose
 * ops it implements (INFO's `gpu` section counts them, their GPU memory and runs), ONNX
 * Runtime's WebGPU provider takes models with ops we lack, and a model neither can run fails
 * with an error naming the ops, or runs on the CPU with `gpu-fallback cpu`. float16 models with
 * FLOAT edges run on our executor.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { argmax, redisaiFile } from "../helpers/redisai_data.ts";
import { startTestServer } from "../helpers/server.ts";
import { gpuTest } from "../helpers/webgpu.ts";

const MODELS = new URL("./fixtures/models/", import.meta.url);

function infoFields(text: unknown): Map<string, string> {
  return new Map(
    String(text).split("\r\n").filter((l) => l.includes(":")).map((l) => {
      const at = l.indexOf(":");
      return [l.slice(0, at), l.slice(at + 1)];
    }),
  );
}

Deno.test({
  name: "GPU devices: mnist runs on our executor, INFO gpu reports it, other models fall back",
  ...gpuTest,
  fn: async () => {
    const server = await startTestServer();
    const c = await RawClient.connect(server.port);
    try {
      const store = (key: string, blob: Uint8Array) =>
        c.call("AI.MODELSTORE", key, "ONNX", "GPU", "BLOB", blob);
      assert.deepEqual(await store("mnist", redisaiFile("mnist.onnx")), { status: "OK" });
      await c.call("AI.TENSORSET", "one", "FLOAT", 1, 1, 28, 28, "BLOB", redisaiFile("one.raw"));
      assert.deepEqual(
        await c.call("AI.MODELEXECUTE", "mnist", "INPUTS", 1, "one", "OUTPUTS", 1, "out"),
        {
          status: "OK",
        },
      );
      const values = await c.call("AI.TENSORGET", "out", "VALUES");
      assert.ok(Array.isArray(values));
      assert.equal(argmax(values.map(Number)), 1);
      assert.match(
        String(await c.call("INFO", "ai_cpu")),
        /ai_queue_GPU_provider:inferdb-webgpu\r\n/,
      );

      // Tile is not ours: ONNX Runtime's WebGPU provider runs it in the same worker.
      assert.deepEqual(await store("tile", await Deno.readFile(new URL("tile.onnx", MODELS))), {
        status: "OK",
      });
      await c.call("AI.TENSORSET", "x", "FLOAT", 2, 3, "VALUES", 1, 2, 3, 4, 5, 6);
      assert.deepEqual(
        await c.call("AI.MODELEXECUTE", "tile", "INPUTS", 1, "x", "OUTPUTS", 1, "y"),
        {
          status: "OK",
        },
      );
      assert.deepEqual(
        (await c.call("AI.TENSORGET", "y", "VALUES") as unknown[]).map(Number),
        [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6],
      );

      const info = infoFields(await c.call("INFO", "gpu"));
      assert.equal(info.get("gpu_available"), "1");
      assert.ok((info.get("gpu_adapter") ?? "") !== "");
      assert.equal(info.get("gpu_executor_sessions"), "1");
      assert.equal(info.get("gpu_fallback_sessions"), "1");
      assert.equal(info.get("gpu_runs"), "2");
      assert.ok(Number(info.get("gpu_memory_bytes")) > 0);
      assert.ok(Number(info.get("gpu_pipelines")) > 0);

      // An ONNX-ML operator: neither GPU path has it, and the error names it.
      const refused = await store("iris", redisaiFile("linear_iris.onnx"));
      assert.ok(typeof refused === "object" && refused !== null && "error" in refused);
      assert.match(
        String(refused.error),
        /^GPU: unsupported by the WebGPU executor: ai\.onnx\.ml\.LinearRegressor; /,
      );
    } finally {
      c.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "GPU devices: gpu-memory-max refuses a model that does not fit, with a clear error",
  ...gpuTest,
  fn: async () => {
    const server = await startTestServer({ "gpu-memory-max": 4096 });
    const c = await RawClient.connect(server.port);
    try {
      const stored = await c.call(
        "AI.MODELSTORE",
        "m",
        "ONNX",
        "GPU",
        "BLOB",
        redisaiFile("mnist.onnx"),
      );
      assert.ok(typeof stored === "object" && stored !== null && "error" in stored);
      assert.match(
        String(stored.error),
        /^GPU memory cap exceeded: \d+ bytes requested, \d+ of 4096 in use$/,
      );
      assert.equal(infoFields(await c.call("INFO", "gpu")).get("gpu_memory_max_bytes"), "4096");
    } finally {
      c.close();
      await server.close();
    }
  },
});

const COUNTS = [
  "gpu_executor_sessions",
  "gpu_fallback_sessions",
  "gpu_cpu_fallback_sessions",
  "gpu_runs",
  "gpu_cpu_fallback_runs",
] as const;

/**
 * INFO gpu's session and run counts. The stats board is per process, and the Workers of servers
 * closed earlier in this test process leave their last counts on it, so tests compare deltas.
 */
async function gpuCounts(c: RawClient): Promise<Record<string, number>> {
  const info = infoFields(await c.call("INFO", "gpu"));
  return Object.fromEntries(COUNTS.map((name) => [name, Number(info.get(name))]));
}

function countsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(COUNTS.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));
}

/** Runs `key` on tensor `one` (mnist's `one.raw`) into `out` and returns its values. */
async function mnistLogits(c: RawClient, key: string): Promise<number[]> {
  const reply = await c.call("AI.MODELEXECUTE", key, "INPUTS", 1, "one", "OUTPUTS", 1, "out");
  assert.deepEqual(reply, { status: "OK" });
  const values = await c.call("AI.TENSORGET", "out", "VALUES");
  assert.ok(Array.isArray(values));
  return values.map(Number);
}

Deno.test({
  name: "GPU devices: a float16 model with FLOAT edges runs on our executor like its float32 twin",
  ...gpuTest,
  fn: async () => {
    const server = await startTestServer();
    const c = await RawClient.connect(server.port);
    try {
      const before = await gpuCounts(c);
      const fp16 = await Deno.readFile(new URL("mnist_fp16.onnx", MODELS));
      for (const [key, blob] of [["m32", redisaiFile("mnist.onnx")], ["m16", fp16]] as const) {
        assert.deepEqual(await c.call("AI.MODELSTORE", key, "ONNX", "GPU", "BLOB", blob), {
          status: "OK",
        });
      }
      await c.call("AI.TENSORSET", "one", "FLOAT", 1, 1, 28, 28, "BLOB", redisaiFile("one.raw"));
      const want = await mnistLogits(c, "m32");
      const got = await mnistLogits(c, "m16");
      assert.equal(argmax(got), 1);
      assert.equal(argmax(want), 1);
      const scale = Math.max(...want.map(Math.abs));
      want.forEach((w, i) => assert.ok(Math.abs((got[i] ?? NaN) - w) <= 2e-3 * scale, `${i}`));
      assert.deepEqual(countsSince(before, await gpuCounts(c)), {
        gpu_executor_sessions: 2,
        gpu_fallback_sessions: 0,
        gpu_cpu_fallback_sessions: 0,
        gpu_runs: 2,
        gpu_cpu_fallback_runs: 0,
      });
    } finally {
      c.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "GPU devices: gpu-fallback cpu runs a model no GPU path can run on the CPU, INFO says so",
  ...gpuTest,
  fn: async () => {
    const server = await startTestServer({ "gpu-fallback": "cpu" });
    const c = await RawClient.connect(server.port);
    try {
      assert.deepEqual(await c.call("CONFIG", "GET", "gpu-fallback"), ["gpu-fallback", "cpu"]);
      const before = await gpuCounts(c);
      const iris = redisaiFile("linear_iris.onnx");
      for (const device of ["GPU", "CPU"]) {
        const stored = await c.call(
          "AI.MODELSTORE",
          `iris_${device}`,
          "ONNX",
          device,
          "BLOB",
          iris,
        );
        assert.deepEqual(stored, { status: "OK" });
      }
      await c.call("AI.TENSORSET", "x", "FLOAT", 1, 4, "VALUES", 5.1, 3.5, 1.4, 0.2);
      const outputs: number[][] = [];
      for (const device of ["GPU", "CPU"]) {
        assert.deepEqual(
          await c.call("AI.MODELEXECUTE", `iris_${device}`, "INPUTS", 1, "x", "OUTPUTS", 1, device),
          { status: "OK" },
        );
        outputs.push((await c.call("AI.TENSORGET", device, "VALUES") as unknown[]).map(Number));
      }
      assert.deepEqual(outputs[0], outputs[1]);
      assert.ok(Math.abs((outputs[0]?.[0] ?? NaN) - -0.0905240774) < 1e-6);
      assert.equal(infoFields(await c.call("INFO", "gpu")).get("gpu_fallback"), "cpu");
      assert.deepEqual(countsSince(before, await gpuCounts(c)), {
        gpu_executor_sessions: 0,
        gpu_fallback_sessions: 0,
        gpu_cpu_fallback_sessions: 1,
        gpu_runs: 1,
        gpu_cpu_fallback_runs: 1,
      });
      // The GPU queue is still ours; only this model went to the CPU.
      assert.match(
        String(await c.call("INFO", "ai_cpu")),
        /ai_queue_GPU_provider:inferdb-webgpu\r\n/,
      );
    } finally {
      c.close();
      await server.close();
    }
  },
});
