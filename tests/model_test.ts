/**
 * Models over RESP from real clients (redis-cli and the npm redis client) with RedisAI's test
 * models: mnist predicts 1 for one.raw, linear_iris, mul_1, identity_string (STRING through
 * ONNX Runtime), logreg_iris (ZipMap output skipped), refused models, and the management
 * commands (MODELGET chunking, MODELDEL, AI.INFO, AI._MODELSCAN, AI.CONFIG, TYPE).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { RawClient } from "./helpers/raw_client.ts";
import { argmax, floatBlob, redisaiFile, redisCliWithBlob } from "./helpers/redisai_data.ts";
import { redisCli, startTestServer } from "./helpers/server.ts";

Deno.test("redis-cli: mnist stored and run on one.raw predicts 1", async () => {
  const server = await startTestServer();
  try {
    const port = server.port;
    const model = redisaiFile("mnist.onnx");
    assert.equal(
      await redisCliWithBlob(port, ["AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB"], model),
      "OK\n",
    );
    const one = redisaiFile("one.raw");
    const set = ["AI.TENSORSET", "in", "FLOAT", "1", "1", "28", "28", "BLOB"];
    assert.equal(await redisCliWithBlob(port, set, one), "OK\n");
    const run = ["AI.MODELEXECUTE", "mnist", "INPUTS", "1", "in", "OUTPUTS", "1", "out"];
    assert.equal(await redisCli(port, run), "OK\n");
    const values = (await redisCli(port, ["AI.TENSORGET", "out", "VALUES"])).trim().split("\n");
    assert.equal(values.length, 10);
    assert.equal(argmax(values.map(Number)), 1);
    assert.equal(await redisCli(port, ["TYPE", "mnist"]), "AI__MODEL\n");
  } finally {
    await server.close();
  }
});

Deno.test("npm redis client: linear_iris, mul_1, identity_string and logreg_iris", async () => {
  const server = await startTestServer();
  const client = createClient({ socket: { port: server.port, host: "127.0.0.1" }, RESP: 2 });
  await client.connect();
  try {
    const run = (...args: string[]) => client.sendCommand(args);
    const store = (key: string, file: string) =>
      client.sendCommand([
        "AI.MODELSTORE",
        key,
        "ONNX",
        "CPU",
        "BLOB",
        Buffer.from(redisaiFile(file)),
      ]);
    for (
      const [key, file] of [["iris", "linear_iris.onnx"], ["mul", "mul_1.onnx"], [
        "str",
        "identity_string.onnx",
      ], ["log", "logreg_iris.onnx"]]
    ) {
      assert.equal(await store(key as string, file as string), "OK");
    }
    await run("AI.TENSORSET", "x", "FLOAT", "1", "4", "VALUES", "5.1", "3.5", "1.4", "0.2");
    assert.equal(
      await run("AI.MODELEXECUTE", "iris", "INPUTS", "1", "x", "OUTPUTS", "1", "y"),
      "OK",
    );
    const [y] = await run("AI.TENSORGET", "y", "VALUES") as unknown as string[];
    assert.ok(Math.abs(Number(y) - -0.0905240774) < 1e-8, String(y));

    await client.sendCommand([
      "AI.TENSORSET",
      "m",
      "FLOAT",
      "3",
      "2",
      "BLOB",
      Buffer.from(floatBlob([1, 2, 3, 4, 5, 6])),
    ]);
    assert.equal(
      await run("AI.MODELEXECUTE", "mul", "INPUTS", "1", "m", "OUTPUTS", "1", "sq"),
      "OK",
    );
    assert.deepEqual(await run("AI.TENSORGET", "sq", "VALUES"), ["1", "4", "9", "16", "25", "36"]);
    const bad = run("AI.MODELEXECUTE", "mul", "INPUTS", "1", "x", "OUTPUTS", "1", "sq");
    await assert.rejects(bad, /Got invalid dimensions for input: X/);

    await run("AI.TENSORSET", "s", "STRING", "2", "2", "VALUES", "a", "bb", "", "dddd");
    assert.equal(
      await run("AI.MODELEXECUTE", "str", "INPUTS", "1", "s", "OUTPUTS", "1", "s2"),
      "OK",
    );
    assert.deepEqual(await run("AI.TENSORGET", "s2", "META"), ["dtype", "STRING", "shape", [2, 2]]);
    assert.deepEqual(await run("AI.TENSORGET", "s2", "VALUES"), ["a", "bb", "", "dddd"]);

    assert.equal(
      await run("AI.MODELEXECUTE", "log", "INPUTS", "1", "x", "OUTPUTS", "2", "label", "probs"),
      "OK",
    );
    assert.deepEqual(await run("AI.TENSORGET", "label", "VALUES"), [0]);
    assert.equal(await run("EXISTS", "probs"), 0, "the ZipMap output is not a tensor: not stored");
    assert.deepEqual(await run("AI.MODELGET", "log", "META"), [
      "backend",
      "ONNX",
      "device",
      "CPU",
      "tag",
      "",
      "batchsize",
      0,
      "minbatchsize",
      0,
      "inputs",
      ["float_input"],
      "outputs",
      ["output_label", "output_probability"],
      "minbatchtimeout",
      0,
    ]);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("refused models leave nothing behind: external data, wrong bytes, TF/TFLITE/TORCH", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    const store = (backend: string, blob: Uint8Array) =>
      c.call("AI.MODELSTORE", "m", backend, "CPU", "BLOB", blob);
    assert.deepEqual(await store("ONNX", redisaiFile("model_with_external_initializers.onnx")), {
      error: "Initializer tensors with external data is not allowed.",
    });
    assert.deepEqual(await store("ONNX", redisaiFile("graph.pb")), {
      error: "No graph was found in the protobuf.",
    });
    for (const backend of ["TORCH", "TFLITE"]) {
      const reply = await store(backend, redisaiFile("pt-minimal.pt"));
      assert.match(
        JSON.stringify(reply),
        new RegExp(`ERR Could not load backend: ${backend} is not available in this build.*ONNX`),
      );
    }
    const tf = await c.call(
      "AI.MODELSTORE",
      "m",
      "TF",
      "CPU",
      "INPUTS",
      2,
      "a",
      "b",
      "OUTPUTS",
      1,
      "mul",
      "BLOB",
      redisaiFile("graph.pb"),
    );
    assert.match(JSON.stringify(tf), /TF is not available in this build/);
    assert.equal(await c.call("EXISTS", "m"), 0);
    assert.deepEqual(await c.call("AI._MODELSCAN"), []);
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("AI.MODELGET chunks by MODEL_CHUNK_SIZE; AI.INFO, RESETSTAT, _MODELSCAN, MODELDEL", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    // RedisAI creates the CPU queue at load: its thread's field is there before any model.
    assert.match(
      String(await c.call("INFO", "ai_cpu")),
      /\r\nai_queue_CPU_bthread_n1_used_cpu_total:0\.000000\r\n/,
    );
    const model = redisaiFile("linear_iris.onnx");
    const half = Math.ceil(model.length / 2);
    const stored = await c.call(
      "AI.MODELSTORE",
      "m",
      "ONNX",
      "cpu",
      "TAG",
      "v1",
      "BLOB",
      model.subarray(0, half),
      model.subarray(half),
    );
    assert.deepEqual(stored, { status: "OK" });
    c.binary = true;
    assert.deepEqual(await c.call("AI.MODELGET", "m", "BLOB"), { bytes: model });
    c.binary = false;
    assert.deepEqual(await c.call("AI.CONFIG", "MODEL_CHUNK_SIZE", 100), { status: "OK" });
    assert.equal(await c.call("AI.CONFIG", "GET", "MODEL_CHUNK_SIZE"), 100);
    const chunks = await c.call("AI.MODELGET", "m", "BLOB") as string[];
    assert.deepEqual(
      chunks.map((s) => new TextEncoder().encode(s).length > 0),
      chunks.map(() => true),
    );
    assert.equal(chunks.length, Math.floor(model.length / 100) + 1);
    const meta = await c.call("AI.MODELGET", "m", "META") as unknown[];
    assert.deepEqual(meta.slice(0, 6), ["backend", "ONNX", "device", "cpu", "tag", "v1"]);
    assert.equal((await c.call("AI.MODELGET", "m") as unknown[]).length, 18);

    const iris = [5.1, 3.5, 1.4, 0.2];
    await c.call("AI.TENSORSET", "x", "FLOAT", 1, 4, "VALUES", ...iris);
    await c.call("AI.TENSORSET", "x2", "FLOAT", 2, 4, "VALUES", ...iris, ...iris);
    for (let i = 0; i < 2; i++) {
      await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "x", "OUTPUTS", 1, "y");
    }
    // A run that fails counts as an error; a request refused while parsing counts nothing.
    await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "x2", "OUTPUTS", 1, "y");
    await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "nope", "OUTPUTS", 1, "y");
    const info = await c.call("AI.INFO", "m") as unknown[];
    assert.deepEqual(info.slice(0, 10), [
      "key",
      "m",
      "type",
      "MODEL",
      "backend",
      "ONNX",
      "device",
      "cpu",
      "tag",
      "v1",
    ]);
    assert.deepEqual(info.slice(12), ["samples", 2, "calls", 3, "errors", 1]);
    assert.ok((info[11] as number) > 0, "duration in µs");
    // RedisAI's tests_common.py::test_info_command looks for the queue thread's CPU field.
    const cpu = String(await c.call("INFO", "ai_cpu"));
    assert.match(cpu, /\r\nai_queue_CPU_bthread_n1_used_cpu_total:\d+\.\d{6}\r\n/);
    assert.deepEqual(await c.call("AI.INFO", "m", "RESETSTAT"), { status: "OK" });
    assert.deepEqual((await c.call("AI.INFO", "m") as unknown[]).slice(10), [
      "duration",
      0,
      "samples",
      0,
      "calls",
      0,
      "errors",
      0,
    ]);
    assert.deepEqual(await c.call("AI.INFO", "x"), { error: "ERR cannot find run info for key" });
    assert.deepEqual(await c.call("AI._MODELSCAN"), [["m", "v1"]]);
    assert.deepEqual(await c.call("AI.MODELDEL", "m"), { status: "OK" });
    assert.deepEqual(await c.call("AI.MODELDEL", "m"), { error: "ERR model key is empty" });
    assert.deepEqual(await c.call("AI.MODELGET", "x"), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.deepEqual(await c.call("AI.INFO", "m"), { error: "ERR cannot find run info for key" });
  } finally {
    c.close();
    await server.close();
  }
});
