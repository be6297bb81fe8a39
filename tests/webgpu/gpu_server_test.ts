/**
 * `ONNX` models on `GPU` devices through the real server: our WebGPU executor runs models whose
 * ops it implements (INFO's `gpu` section counts them, their GPU memory and runs), ONNX
 * Runtime's WebGPU provider takes models with ops we lack, and a model neither can run fails
 * with an error naming the ops.
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
