/**
 * The execution engine through the server: auto-batching under concurrent clients
 * (mnist_batched), batch-size mismatches (batchdim_mismatch), TIMEOUT, the
 * MODEL_EXECUTION_TIMEOUT kill switch (model_with_infinite_loop), a responsive server while a
 * long run is in progress, the WASM provider in Workers, and GPU devices.
 */
import assert from "node:assert/strict";
import { RawClient } from "./helpers/raw_client.ts";
import { argmax, redisaiFile } from "./helpers/redisai_data.ts";
import { startTestServer } from "./helpers/server.ts";
import { inlineRunsReady } from "../backends/onnx/native_watchdog.ts";
import { webGpu } from "../gpu/web_gpu.ts";

const TERMINATED = /Exiting due to terminate flag being set to true/;

async function clients(port: number, n: number): Promise<RawClient[]> {
  return await Promise.all(Array.from({ length: n }, () => RawClient.connect(port)));
}

async function storeOne(c: RawClient, key: string): Promise<void> {
  const one = redisaiFile("one.raw");
  assert.deepEqual(await c.call("AI.TENSORSET", key, "FLOAT", 1, 1, 28, 28, "BLOB", one), {
    status: "OK",
  });
}

async function prediction(c: RawClient, key: string): Promise<number> {
  const values = await c.call("AI.TENSORGET", key, "VALUES");
  assert.ok(Array.isArray(values));
  return argmax(values.map(Number));
}

/** Stores the infinite-loop model as `loop` and its inputs; returns the MODELEXECUTE args. */
async function loopModel(c: RawClient, iterations: string): Promise<(string | number)[]> {
  const model = redisaiFile("model_with_infinite_loop.onnx");
  assert.deepEqual(await c.call("AI.MODELSTORE", "loop", "ONNX", "CPU", "BLOB", model), {
    status: "OK",
  });
  await c.call("AI.TENSORSET", "x", "FLOAT", 1, "VALUES", 1);
  await c.call("AI.TENSORSET", "n", "INT64", 1, "VALUES", iterations);
  await c.call("AI.TENSORSET", "cond", "BOOL", 1, "VALUES", 1);
  return ["AI.MODELEXECUTE", "loop", "INPUTS", 4, "x", "n", "cond", "x", "OUTPUTS", 2, "o1", "o2"];
}

Deno.test("mnist_batched: concurrent clients are batched and each gets its own answer", async () => {
  const server = await startTestServer();
  const cs = await clients(server.port, 8);
  const [c0] = cs as [RawClient];
  try {
    const model = redisaiFile("mnist_batched.onnx");
    const store = (key: string, ...opts: (string | number)[]) =>
      c0.call("AI.MODELSTORE", key, "ONNX", "CPU", ...opts, "BLOB", model);
    assert.deepEqual(await store("pair", "BATCHSIZE", 2, "MINBATCHSIZE", 2), { status: "OK" });
    assert.deepEqual(await store("many", "BATCHSIZE", 8), { status: "OK" });
    await storeOne(c0, "one");

    const pair = await Promise.all(
      cs.slice(0, 2).map((c, i) =>
        c.call("AI.MODELEXECUTE", "pair", "INPUTS", 1, "one", "OUTPUTS", 1, `p${i}`)
      ),
    );
    assert.deepEqual(pair, [{ status: "OK" }, { status: "OK" }]);
    assert.deepEqual([await prediction(c0, "p0"), await prediction(c0, "p1")], [1, 1]);
    const info = await c0.call("AI.INFO", "pair") as unknown[];
    assert.deepEqual(info.slice(12), ["samples", 2, "calls", 2, "errors", 0]);

    // Alone, a MINBATCHSIZE 2 request waits until its TIMEOUT.
    const lone = await c0.call(
      "AI.MODELEXECUTE",
      "pair",
      "INPUTS",
      1,
      "one",
      "OUTPUTS",
      1,
      "q",
      "TIMEOUT",
      200,
    );
    assert.deepEqual(lone, { status: "TIMEDOUT" });
    assert.equal(await c0.call("EXISTS", "q"), 0);

    const rounds = await Promise.all(cs.map(async (c, i) => {
      for (let r = 0; r < 3; r++) {
        const ok = await c.call(
          "AI.MODELEXECUTE",
          "many",
          "INPUTS",
          1,
          "one",
          "OUTPUTS",
          1,
          `m${i}`,
        );
        assert.deepEqual(ok, { status: "OK" });
      }
      return await prediction(c, `m${i}`);
    }));
    assert.deepEqual(rounds, cs.map(() => 1));
    const many = await c0.call("AI.INFO", "many") as unknown[];
    assert.deepEqual(many.slice(12), ["samples", 24, "calls", 24, "errors", 0]);
  } finally {
    for (const c of cs) c.close();
    await server.close();
  }
});

Deno.test("a batched run whose output batch size is wrong fails every request in it", async () => {
  const server = await startTestServer();
  const [a, b] = await clients(server.port, 2) as [RawClient, RawClient];
  try {
    const model = Deno.readFileSync(new URL("./fixtures/bad_batch.onnx", import.meta.url));
    const stored = await a.call(
      "AI.MODELSTORE",
      "m",
      "ONNX",
      "CPU",
      "BATCHSIZE",
      4,
      "MINBATCHSIZE",
      4,
      "BLOB",
      model,
    );
    assert.deepEqual(stored, { status: "OK" });
    await a.call("AI.TENSORSET", "u", "FLOAT", 2, "VALUES", 1, 2);
    const run = (c: RawClient, i: number) =>
      c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "u", "OUTPUTS", 2, `y${i}`, `e${i}`);
    const error = { error: "ERR Model did not generate the expected batch size" };
    assert.deepEqual(await Promise.all([run(a, 0), run(b, 1)]), [error, error]);
    assert.equal(await a.call("EXISTS", "y0", "y1"), 0);
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("a model whose output differs from its declared shape still answers right", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    const model = Deno.readFileSync(new URL("./fixtures/misdeclared.onnx", import.meta.url));
    assert.deepEqual(await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", model), {
      status: "OK",
    });
    await c.call("AI.TENSORSET", "a", "FLOAT", 2, 2, "VALUES", 1, 2, 3, 4);
    // Runs that trust the declared [1, 2] for the output's storage fail in the runtime; the
    // server makes them again without, and keeps doing so, warm runs (inline) included.
    for (let i = 0; i < 8; i++) {
      assert.deepEqual(await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "y"), {
        status: "OK",
      });
      assert.deepEqual(await c.call("AI.TENSORGET", "y", "META", "VALUES"), [
        "dtype",
        "FLOAT",
        "shape",
        [4],
        "values",
        ["1", "2", "3", "4"],
      ]);
    }
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("batchdim_mismatch: inputs of the wrong size get ONNX Runtime's own error", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    await c.call(
      "AI.MODELSTORE",
      "m",
      "ONNX",
      "CPU",
      "BLOB",
      redisaiFile("batchdim_mismatch.onnx"),
    );
    await c.call("AI.TENSORSET", "a", "FLOAT", 3, "VALUES", 1, 1, 1);
    await c.call("AI.TENSORSET", "b", "FLOAT", 2, "VALUES", 1, 1);
    const run = (x: string) =>
      c.call("AI.MODELEXECUTE", "m", "INPUTS", 2, x, "b", "OUTPUTS", 2, "c", "d");
    assert.deepEqual(await run("a"), {
      error: "Got invalid dimensions for input: 0 for the following indices  index: 0 Got: 3 " +
        "Expected: 2  Please fix either the inputs/outputs or the model.",
    });
    assert.deepEqual(await run("b"), { status: "OK" });
    assert.deepEqual(await c.call("AI.TENSORGET", "d", "META"), ["dtype", "FLOAT", "shape", [0]]);
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("MODEL_EXECUTION_TIMEOUT stops an endless run; PING and TENSORGET stay prompt", async () => {
  const server = await startTestServer({ "model-execution-timeout": 1000 });
  const [a, b] = await clients(server.port, 2) as [RawClient, RawClient];
  try {
    const run = await loopModel(a, "1000000000000000");
    const startMs = performance.now();
    const looping = a.call(...run);
    await new Promise((r) => setTimeout(r, 100));
    let slowestMs = 0;
    while (performance.now() - startMs < 700) {
      const t = performance.now();
      assert.deepEqual(await b.call("PING"), { status: "PONG" });
      assert.deepEqual(await b.call("AI.TENSORGET", "x", "VALUES"), ["1"]);
      slowestMs = Math.max(slowestMs, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(slowestMs < 200, `PING + TENSORGET took ${slowestMs} ms during the run`);
    const reply = await looping;
    assert.match(JSON.stringify(reply), TERMINATED);
    assert.ok(performance.now() - startMs >= 1000);
    const info = await b.call("AI.INFO", "loop") as unknown[];
    assert.deepEqual(info.slice(14), ["calls", 1, "errors", 1]);
    // The server is healthy: the next model runs.
    await b.call("AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB", redisaiFile("mnist.onnx"));
    await storeOne(b, "one");
    assert.deepEqual(
      await b.call("AI.MODELEXECUTE", "mnist", "INPUTS", 1, "one", "OUTPUTS", 1, "out"),
      { status: "OK" },
    );
    assert.equal(await prediction(b, "out"), 1);
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("an endless run after short ones leaves the event loop within ms and is killed", async () => {
  const server = await startTestServer({ "model-execution-timeout": 600 });
  const [a, b] = await clients(server.port, 2) as [RawClient, RawClient];
  try {
    const run = await loopModel(a, "1");
    // Short runs alone in the queue, until the watchdog is up (type-checking its module under
    // `deno test` takes a while): the native provider then makes them inline.
    let warmRuns = 0;
    for (let readyRuns = 0; readyRuns < 20; warmRuns++) {
      assert.deepEqual(await a.call(...run), { status: "OK" });
      if (inlineRunsReady()) readyRuns++;
    }
    await a.call("AI.TENSORSET", "n", "INT64", 1, "VALUES", "1000000000000000");
    // The server shares this thread: the longest gap between ticks is how long it was held.
    let lastMs = performance.now();
    let gapMs = 0;
    const ticks = setInterval(() => {
      gapMs = Math.max(gapMs, performance.now() - lastMs);
      lastMs = performance.now();
    }, 5);
    const startMs = performance.now();
    const looping = a.call(...run);
    while (performance.now() - startMs < 400) {
      assert.deepEqual(await b.call("PING"), { status: "PONG" });
      await new Promise((r) => setTimeout(r, 10));
    }
    const reply = await looping;
    clearInterval(ticks);
    assert.ok(gapMs < 250, `the event loop was held for ${gapMs} ms`);
    assert.match(JSON.stringify(reply), TERMINATED);
    assert.ok(performance.now() - startMs >= 600);
    const info = await b.call("AI.INFO", "loop") as unknown[];
    assert.deepEqual(info.slice(14), ["calls", warmRuns + 1, "errors", 1]);
    await a.call("AI.TENSORSET", "n", "INT64", 1, "VALUES", "1");
    assert.deepEqual(await a.call(...run), { status: "OK" });
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("onnxruntime-web in Workers: runs mnist, and a killed run leaves a working queue", async () => {
  const server = await startTestServer({ "onnx-provider": "onnxruntime-web" });
  const c = await RawClient.connect(server.port);
  try {
    // 200k WASM loop iterations take 0.2-1 s: never done within a 1 ms limit, and then over by
    // themselves soon (Deno can't stop the replaced Worker's thread mid-loop).
    const run = await loopModel(c, "200000");
    assert.deepEqual(await c.call("CONFIG", "SET", "model-execution-timeout", 1), { status: "OK" });
    assert.match(JSON.stringify(await c.call(...run)), TERMINATED);
    await c.call("CONFIG", "SET", "model-execution-timeout", 5000);
    await c.call("AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB", redisaiFile("mnist.onnx"));
    await storeOne(c, "one");
    const ok = await c.call("AI.MODELEXECUTE", "mnist", "INPUTS", 1, "one", "OUTPUTS", 1, "out");
    assert.deepEqual(ok, { status: "OK" });
    assert.equal(await prediction(c, "out"), 1);
    const info = String(await c.call("INFO", "ai_cpu"));
    assert.match(info, /ai_queue_CPU_provider:onnxruntime-web\r\n/);
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("GPU devices run on the WebGPU provider when an adapter exists, else say why", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    const adapter = await webGpu()?.requestAdapter().catch(() => null) ?? null;
    const stored = await c.call(
      "AI.MODELSTORE",
      "g",
      "ONNX",
      "GPU:0",
      "BLOB",
      redisaiFile("mnist.onnx"),
    );
    if (adapter === null) {
      assert.deepEqual(stored, {
        error: "ERR GPU requested but ONNX couldn't find a WebGPU adapter",
      });
      return;
    }
    assert.deepEqual(stored, { status: "OK" });
    await storeOne(c, "one");
    assert.deepEqual(
      await c.call("AI.MODELEXECUTE", "g", "INPUTS", 1, "one", "OUTPUTS", 1, "out"),
      { status: "OK" },
    );
    assert.equal(await prediction(c, "out"), 1);
    assert.deepEqual((await c.call("AI.MODELGET", "g", "META") as unknown[]).slice(2, 4), [
      "device",
      "GPU:0",
    ]);
    assert.match(
      String(await c.call("INFO", "ai_cpu")),
      /ai_queue_GPU:0_provider:\S*webgpu\r\n/,
    );
  } finally {
    c.close();
    await server.close();
  }
});
