/**
 * Script and DAG routes over HTTP against a real server: store (AI.SCRIPTSTORE and the
 * legacy AI.SCRIPTSET), metadata, execute over keys and inline tensors, delete, and
 * `POST /dag` with LOAD, PERSIST and per-op replies as JSON.
 */
import assert from "node:assert/strict";
import { curl, HttpTestServer, startHttpServer } from "./helpers/http.ts";

const EP = "(tensors: List[Tensor], keys: List[str], args: List[str])";
const SCRIPT = `def bar${EP}:
    return tensors[0] + tensors[1]

def scale${EP}:
    return tensors[0] * float(args[0])
`;
const OLD_SCRIPT = `def bar(a, b):
    return a + b
`;

const tensor = (values: number[]) => ({ dtype: "FLOAT", shape: [values.length], values });

async function post(server: HttpTestServer, path: string, body: unknown) {
  const r = await fetch(`${server.base}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

async function putTensor(server: HttpTestServer, key: string, values: number[]): Promise<void> {
  const r = await fetch(`${server.base}/tensors/${key}`, {
    method: "PUT",
    body: JSON.stringify(tensor(values)),
  });
  assert.equal(r.status, 200);
  await r.body?.cancel();
}

Deno.test("script routes: store, metadata, execute over keys and inline, delete", async () => {
  const server = await startHttpServer();
  try {
    const put = await curl(`${server.base}/scripts/s?entry_points=bar,scale&tag=v1`, [
      "-X",
      "PUT",
      "--data-binary",
      SCRIPT,
    ]);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(await (await fetch(`${server.base}/scripts/s`)).json(), {
      device: "CPU",
      tag: "v1",
      "Entry Points": ["bar", "scale"],
      source: SCRIPT,
    });
    const inline = await post(server, "/scripts/s/execute", {
      function: "bar",
      inputs: [tensor([1, 2]), tensor([3, 4])],
      outputs: 1,
    });
    assert.deepEqual(inline, {
      status: 200,
      body: { outputs: [{ name: null, dtype: "FLOAT", shape: [2], values: [4, 6] }] },
    });
    await putTensor(server, "a", [1, 2]);
    const scaled = await post(server, "/scripts/s/execute", {
      function: "scale",
      inputs: ["a"],
      args: ["2.5"],
      outputs: ["c"],
    });
    assert.deepEqual(scaled, { status: 200, body: "OK" });
    const twice = await post(server, "/scripts/s/execute?return=1", {
      function: "bar",
      inputs: ["a", "a"],
      outputs: ["d"],
    });
    assert.deepEqual(twice.body.outputs, [{
      name: "d",
      dtype: "FLOAT",
      shape: [2],
      values: [2, 4],
    }]);
    const c = await (await fetch(`${server.base}/tensors/c`)).json();
    assert.deepEqual(c.values, [2.5, 5]);
    assert.equal((await curl(`${server.base}/scripts/s`, ["-X", "DELETE"])).status, 204);
    const gone = await curl(`${server.base}/scripts/s`);
    assert.equal(gone.status, 404);
    assert.deepEqual(JSON.parse(gone.text), { error: "ERR script key is empty" });
  } finally {
    await server.close();
  }
});

Deno.test("script routes: legacy SCRIPTSET scripts and errors", async () => {
  const server = await startHttpServer();
  try {
    const put = await curl(`${server.base}/scripts/old`, [
      "-X",
      "PUT",
      "--data-binary",
      OLD_SCRIPT,
    ]);
    assert.equal(put.status, 200, put.text);
    const run = await post(server, "/scripts/old/execute", {
      function: "bar",
      inputs: [tensor([1]), tensor([2])],
      outputs: 1,
    });
    assert.deepEqual(run.body.outputs[0].values, [3]);
    const bad = await curl(`${server.base}/scripts/bad?entry_points=f`, [
      "-X",
      "PUT",
      "--data-binary",
      "return 1",
    ]);
    assert.equal(bad.status, 400);
    assert.equal(typeof JSON.parse(bad.text).error, "string");
    const missing = await post(server, "/scripts/nope/execute", { function: "f", inputs: ["x"] });
    assert.deepEqual(missing, { status: 404, body: { error: "ERR script key is empty" } });
    const noFunction = await post(server, "/scripts/old/execute", { inputs: [] });
    assert.deepEqual(noFunction, {
      status: 400,
      body: { error: 'ERR "function" must name the script function to run' },
    });
  } finally {
    await server.close();
  }
});

Deno.test("POST /dag runs a DAG from JSON: LOAD, PERSIST, per-op replies", async () => {
  const server = await startHttpServer();
  try {
    await curl(`${server.base}/scripts/s?entry_points=bar`, ["-X", "PUT", "--data-binary", SCRIPT]);
    await putTensor(server, "a", [1, 2]);
    const dag = await post(server, "/dag", {
      load: ["a"],
      persist: ["d"],
      ops: [
        ["AI.TENSORSET", "b", "FLOAT", 2, "VALUES", 10, 20],
        ["AI.SCRIPTEXECUTE", "s", "bar", "INPUTS", 2, "a", "b", "OUTPUTS", 1, "d"],
        ["AI.TENSORGET", "d", "VALUES"],
      ],
    });
    assert.deepEqual(dag, { status: 200, body: ["OK", "OK", [11, 22]] });
    assert.deepEqual((await (await fetch(`${server.base}/tensors/d`)).json()).values, [11, 22]);
    const readOnly = await post(server, "/dag", {
      readonly: true,
      persist: ["e"],
      ops: [["AI.TENSORSET", "e", "FLOAT", 1]],
    });
    assert.deepEqual(readOnly, {
      status: 400,
      body: { error: "ERR PERSIST cannot be specified in a read-only DAG" },
    });
    assert.equal((await post(server, "/dag", { ops: "x" })).status, 400);
    assert.equal((await post(server, "/dag", { ops: [1] })).status, 400);
  } finally {
    await server.close();
  }
});
