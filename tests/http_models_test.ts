/**
 * Model routes and KServe v2 over HTTP against a real server with mnist: store, metadata,
 * blob, delete, execute over keys and inline tensors, and v2 inference with JSON and binary
 * payloads giving exactly what RESP's AI.MODELEXECUTE gives.
 */
import assert from "node:assert/strict";
import { curl, HttpTestServer, parsePrometheus, startHttpServer } from "./helpers/http.ts";
import { RawClient } from "./helpers/raw_client.ts";

const testdata = new URL("../../shared/testdata/redisai/", import.meta.url);
const mnistPath = new URL("mnist.onnx", testdata).pathname;
const onePath = new URL("one.raw", testdata).pathname;
const one = Array.from(new Float32Array((await Deno.readFile(onePath)).buffer));

function argmax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}

async function storeMnist(server: HttpTestServer, key = "mnist"): Promise<void> {
  const put = await curl(`${server.base}/models/${key}?backend=ONNX&device=CPU`, [
    "-X",
    "PUT",
    "--data-binary",
    `@${mnistPath}`,
  ]);
  assert.equal(put.status, 200, put.text);
  assert.equal(JSON.parse(put.text), "OK");
}

/** mnist's output for one.raw as RESP's AI.MODELEXECUTE + AI.TENSORGET VALUES give it. */
async function respOutput(server: HttpTestServer): Promise<number[]> {
  const resp = await RawClient.connect(server.port);
  try {
    const blob = await Deno.readFile(onePath);
    assert.deepEqual(await resp.call("AI.TENSORSET", "r_in", "FLOAT", 1, 1, 28, 28, "BLOB", blob), {
      status: "OK",
    });
    assert.deepEqual(
      await resp.call("AI.MODELEXECUTE", "mnist", "INPUTS", 1, "r_in", "OUTPUTS", 1, "r_out"),
      { status: "OK" },
    );
    const values = await resp.call("AI.TENSORGET", "r_out", "VALUES");
    assert.ok(Array.isArray(values));
    return values.map(Number);
  } finally {
    resp.close();
  }
}

Deno.test("model routes: store, metadata, blob, execute over keys and inline, delete", async () => {
  const server = await startHttpServer();
  try {
    await storeMnist(server);
    const meta = await (await fetch(`${server.base}/models/mnist`)).json();
    assert.equal(meta.backend, "ONNX");
    assert.equal(meta.device, "CPU");
    assert.equal(meta.batchsize, 0);
    assert.equal(meta.inputs.length, 1);
    assert.equal(meta.outputs.length, 1);
    const blob = await curl(`${server.base}/models/mnist?blob=1`);
    assert.deepEqual(blob.body, await Deno.readFile(mnistPath));

    const put = await curl(`${server.base}/tensors/in`, [
      "-X",
      "PUT",
      "-H",
      "content-type: application/octet-stream",
      "-H",
      "X-Tensor-Dtype: FLOAT",
      "-H",
      "X-Tensor-Shape: 1,1,28,28",
      "--data-binary",
      `@${onePath}`,
    ]);
    assert.equal(put.status, 200);
    const byKeys = await fetch(`${server.base}/models/mnist/execute`, {
      method: "POST",
      body: JSON.stringify({ inputs: ["in"], outputs: ["out"] }),
    });
    assert.equal(await byKeys.json(), "OK");
    const out = await (await fetch(`${server.base}/tensors/out`)).json();
    assert.deepEqual(out.shape, [1, 10]);
    assert.equal(argmax(out.values), 1);
    const expected = await respOutput(server);
    assert.deepEqual(out.values, expected);

    const keysBefore = server.state.keyspace.totalKeys();
    const inline = await fetch(`${server.base}/models/mnist/execute`, {
      method: "POST",
      body: JSON.stringify({ inputs: [{ dtype: "FLOAT", shape: [1, 1, 28, 28], values: one }] }),
    });
    const inlineBody = await inline.json();
    assert.equal(inlineBody.outputs.length, 1);
    assert.equal(inlineBody.outputs[0].name, meta.outputs[0]);
    assert.deepEqual(inlineBody.outputs[0].values, expected);
    assert.equal(server.state.keyspace.totalKeys(), keysBefore, "temporary keys removed");

    const stored = await fetch(`${server.base}/models/mnist/execute?return=1`, {
      method: "POST",
      body: JSON.stringify({ inputs: ["in"], outputs: ["out2"] }),
    });
    const storedBody = await stored.json();
    assert.equal(storedBody.outputs[0].name, "out2");
    assert.deepEqual(storedBody.outputs[0].values, expected);

    assert.equal((await curl(`${server.base}/models/mnist`, ["-X", "DELETE"])).status, 204);
    const gone = await curl(`${server.base}/models/mnist`);
    assert.equal(gone.status, 404);
    assert.deepEqual(JSON.parse(gone.text), { error: "ERR model key is empty" });
  } finally {
    await server.close();
  }
});

Deno.test("model routes answer errors with their statuses", async () => {
  const server = await startHttpServer({ "proto-max-bulk-len": 1024 * 1024 });
  const execute = (key: string, body: unknown) =>
    fetch(`${server.base}/models/${key}/execute`, { method: "POST", body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    const badBackend = await curl(`${server.base}/models/m?backend=NOPE`, ["-X", "PUT", "-d", "x"]);
    assert.equal(badBackend.status, 400);
    assert.deepEqual(JSON.parse(badBackend.text), { error: "ERR unsupported backend" });
    const huge = await fetch(`${server.base}/models/m`, {
      method: "PUT",
      body: new Uint8Array(1024 * 1024 + 1),
    });
    assert.equal(huge.status, 413);
    await huge.body?.cancel();
    assert.deepEqual(await execute("nope", { inputs: ["a"], outputs: ["b"] }), {
      status: 404,
      body: { error: "ERR model key is empty" },
    });
    await storeMnist(server);
    for (const key of ["a", "b"]) {
      const body = JSON.stringify({ dtype: "FLOAT", shape: [1], values: [0] });
      await fetch(`${server.base}/tensors/${key}`, { method: "PUT", body }).then((r) => r.text());
    }
    assert.deepEqual(await execute("mnist", { inputs: ["a", "b"], outputs: ["c"] }), {
      status: 400,
      body: { error: "Number of keys given as INPUTS here does not match model definition" },
    });
    assert.deepEqual(await execute("mnist", { inputs: ["missing"], outputs: ["c"] }), {
      status: 404,
      body: { error: "ERR tensor key is empty or in a different shard" },
    });
    assert.equal((await execute("mnist", { inputs: "in" })).status, 400);
    const wrongShape = await execute("mnist", {
      inputs: [{ dtype: "FLOAT", shape: [2], values: [1, 2] }],
    });
    assert.equal(wrongShape.status, 400);
    assert.equal(server.state.keyspace.totalKeys(), 3, "only mnist, a and b: nothing left behind");
  } finally {
    await server.close();
  }
});

Deno.test("KServe v2: server, health and model metadata", async () => {
  const server = await startHttpServer();
  try {
    await storeMnist(server);
    const v2 = await (await fetch(`${server.base}/v2`)).json();
    assert.equal(v2.name, "inferdb");
    assert.deepEqual(v2.extensions, ["binary_tensor_data"]);
    assert.deepEqual(await (await fetch(`${server.base}/v2/health/live`)).json(), { live: true });
    assert.deepEqual(await (await fetch(`${server.base}/v2/health/ready`)).json(), { ready: true });
    const meta = await (await fetch(`${server.base}/v2/models/mnist`)).json();
    assert.equal(meta.name, "mnist");
    assert.equal(meta.platform, "onnxruntime_onnx");
    assert.equal(meta.inputs.length, 1);
    assert.equal(meta.inputs[0].datatype, "FP32");
    assert.deepEqual(meta.inputs[0].shape, [1, 1, 28, 28]);
    assert.equal(meta.outputs[0].datatype, "FP32");
    const ready = await fetch(`${server.base}/v2/models/mnist/versions/1/ready`);
    assert.deepEqual(await ready.json(), { name: "mnist", ready: true });
    const unknown = await fetch(`${server.base}/v2/models/nope/ready`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: "ERR model key is empty" });
  } finally {
    await server.close();
  }
});

Deno.test("KServe v2 infer on mnist: JSON and binary payloads match RESP exactly", async () => {
  const server = await startHttpServer();
  try {
    await storeMnist(server);
    const expected = await respOutput(server);
    assert.equal(argmax(expected), 1);
    const meta = await (await fetch(`${server.base}/v2/models/mnist`)).json();
    const inputName = meta.inputs[0].name;
    const outputName = meta.outputs[0].name;

    const jsonInfer = await curl(`${server.base}/v2/models/mnist/infer`, [
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({
        id: "q1",
        inputs: [{ name: inputName, datatype: "FP32", shape: [1, 1, 28, 28], data: one }],
      }),
    ]);
    assert.equal(jsonInfer.status, 200, jsonInfer.text);
    const answer = JSON.parse(jsonInfer.text);
    assert.equal(answer.model_name, "mnist");
    assert.equal(answer.id, "q1");
    assert.deepEqual(answer.outputs[0].shape, [1, 10]);
    assert.equal(answer.outputs[0].datatype, "FP32");
    assert.deepEqual(answer.outputs[0].data, expected);

    const raw = await Deno.readFile(onePath);
    const header = new TextEncoder().encode(JSON.stringify({
      inputs: [{
        name: inputName,
        datatype: "FP32",
        shape: [1, 1, 28, 28],
        parameters: { binary_data_size: raw.length },
      }],
      outputs: [{ name: outputName, parameters: { binary_data: true } }],
    }));
    const body = new Uint8Array(header.length + raw.length);
    body.set(header);
    body.set(raw, header.length);
    const bin = await fetch(`${server.base}/v2/models/mnist/versions/1/infer`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "inference-header-content-length": String(header.length),
      },
      body,
    });
    assert.equal(bin.status, 200);
    const length = Number(bin.headers.get("inference-header-content-length"));
    const bytes = new Uint8Array(await bin.arrayBuffer());
    const head = JSON.parse(new TextDecoder().decode(bytes.subarray(0, length)));
    assert.deepEqual(head.outputs[0].parameters, { binary_data_size: 40 });
    const values = Array.from(new Float32Array(bytes.slice(length).buffer));
    assert.deepEqual(values, expected);
    assert.equal(server.state.keyspace.totalKeys(), 3, "only mnist, RESP's r_in and r_out");
    const metrics = parsePrometheus((await curl(`${server.base}/metrics`)).text);
    const labels = '{db="0",key="mnist",type="model"}';
    assert.equal(metrics.get(`inferdb_ai_runs_total${labels}`), 3);
    assert.equal(metrics.get(`inferdb_ai_run_errors_total${labels}`), 0);
    assert.equal(metrics.get(`inferdb_ai_samples_total${labels}`), 3);
    assert.ok((metrics.get(`inferdb_ai_run_duration_seconds_total${labels}`) ?? 0) > 0);
    assert.equal(metrics.get('inferdb_command_calls_total{command="ai.dagexecute_ro"}'), 2);
    assert.equal(
      metrics.get('inferdb_ai_queue_queued{device="CPU",provider="onnxruntime-node"}'),
      0,
    );
    assert.equal(
      metrics.get('inferdb_http_requests_total{route="POST /v2/models/:name/infer",status="200"}'),
      1,
    );
  } finally {
    await server.close();
  }
});

Deno.test("KServe v2 infer refuses bad requests with v2 error bodies", async () => {
  const server = await startHttpServer();
  const infer = (model: string, body: unknown) =>
    fetch(`${server.base}/v2/models/${model}/infer`, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    await storeMnist(server);
    const name = (await (await fetch(`${server.base}/v2/models/mnist`)).json()).inputs[0].name;
    const input = { name, datatype: "FP32", shape: [1, 1, 28, 28], data: one };
    assert.equal((await infer("nope", { inputs: [input] })).status, 404);
    assert.equal((await infer("mnist", "{")).status, 400);
    const fp16 = await infer("mnist", { inputs: [{ ...input, datatype: "FP16" }] });
    assert.deepEqual(fp16, {
      status: 400,
      body: { error: `ERR unsupported datatype 'FP16' for input '${name}'` },
    });
    const wrongName = await infer("mnist", { inputs: [{ ...input, name: "x" }] });
    assert.equal(wrongName.status, 400);
    assert.match(wrongName.body.error, /expects input/);
    const noOutput = await infer("mnist", { inputs: [input], outputs: [{ name: "nope" }] });
    assert.deepEqual(noOutput, {
      status: 400,
      body: { error: "ERR the model has no output 'nope'" },
    });
    const shape = await infer("mnist", { inputs: [{ ...input, shape: [1, 784] }] });
    assert.equal(shape.status, 400);
    assert.equal(typeof shape.body.error, "string");
  } finally {
    await server.close();
  }
});

Deno.test("KServe v2 infer leaves out outputs that are not tensors unless asked for them", async () => {
  const server = await startHttpServer();
  const infer = (body: unknown) =>
    fetch(`${server.base}/v2/models/iris/infer`, { method: "POST", body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    const put = await curl(`${server.base}/models/iris?backend=ONNX&device=CPU`, [
      "-X",
      "PUT",
      "--data-binary",
      `@${new URL("logreg_iris.onnx", testdata).pathname}`,
    ]);
    assert.equal(put.status, 200, put.text);
    const input = {
      name: "float_input",
      datatype: "FP32",
      shape: [1, 4],
      data: [5.1, 3.5, 1.4, 0.2],
    };
    assert.deepEqual(await infer({ inputs: [input] }), {
      status: 200,
      body: {
        model_name: "iris",
        outputs: [{ name: "output_label", datatype: "INT64", shape: [1], data: [0] }],
      },
    });
    assert.deepEqual(await infer({ inputs: [input], outputs: [{ name: "output_probability" }] }), {
      status: 400,
      body: { error: "ERR the model's output 'output_probability' is not a tensor" },
    });
  } finally {
    await server.close();
  }
});
