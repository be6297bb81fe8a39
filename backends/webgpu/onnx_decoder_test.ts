import assert from "node:assert/strict";
import { decodeOnnxModel, OnnxFormatError } from "./onnx_decoder.ts";
import type { AttributeValue } from "./graph.ts";
import type { HostTensor } from "./host_tensor.ts";

const MODELS = new URL("../../tests/webgpu/fixtures/models/", import.meta.url);
const TESTDATA = new URL("../../../shared/testdata/redisai/", import.meta.url);

interface Expected {
  opset: number;
  inputs: unknown[];
  outputs: { name: string; type: string; shape?: unknown[] }[];
  initializers: Record<string, [string, number[], (number | string)[]]>;
  node: { attributes: Record<string, [string, unknown]> } & Record<string, unknown>;
}

/** A tensor as `[type, dims, values]`, 64-bit ints as strings (exact). */
function summary(t: HostTensor): [string, number[], (number | string)[]] {
  const values = Array.from(
    t.data as ArrayLike<number | bigint>,
    (v) => (typeof v === "bigint" ? String(v) : v),
  );
  return [t.type, [...t.dims], values];
}

function attributeSummary(a: AttributeValue): [string, unknown] {
  return [a.type, a.type === "tensor" ? summary(a.value) : a.value];
}

Deno.test("decodeOnnxModel() reads every tensor data field and attribute kind", async () => {
  const graph = decodeOnnxModel(await Deno.readFile(new URL("typed_fields.onnx", MODELS)));
  const expected: Expected = JSON.parse(
    await Deno.readTextFile(new URL("typed_fields.json", MODELS)),
  );
  assert.equal(graph.opset, expected.opset);
  assert.deepEqual(graph.inputs, expected.inputs, "initializers are not runtime inputs");
  assert.deepEqual(
    graph.outputs.map((o) => ({ ...o, shape: o.shape ?? undefined })),
    expected.outputs.map((o) => ({ ...o, shape: o.shape })),
  );
  const initializers = Object.fromEntries([...graph.initializers].map(([k, v]) => [k, summary(v)]));
  const f32 = (values: (number | string)[]) => values.map((v) => Math.fround(Number(v)));
  for (const [name, [type, dims, values]] of Object.entries(expected.initializers)) {
    const got = initializers[name];
    assert.ok(got !== undefined, name);
    assert.equal(got[0], type, name);
    assert.deepEqual(got[1], dims, name);
    assert.deepEqual(
      type === "float32" ? f32(got[2]) : got[2],
      type === "float32" ? f32(values) : values,
      name,
    );
  }
  const node = graph.nodes[1];
  assert.ok(node !== undefined);
  const { attributes, ...fields } = expected.node;
  assert.deepEqual({
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    inputs: node.inputs,
    outputs: node.outputs,
  }, fields);
  const got = Object.fromEntries([...node.attributes].map(([k, v]) => [k, attributeSummary(v)]));
  assert.deepEqual(got, attributes);
});

Deno.test("decodeOnnxModel() reads mnist's typed-field initializers and declared shapes", async () => {
  const graph = decodeOnnxModel(await Deno.readFile(new URL("mnist.onnx", TESTDATA)));
  assert.equal(graph.opset, 8);
  assert.equal(graph.nodes.length, 12);
  assert.deepEqual(graph.inputs, [{ name: "Input3", type: "float32", shape: [1, 1, 28, 28] }]);
  assert.deepEqual(graph.initializers.get("Parameter193")?.dims, [16, 4, 4, 10]);
  assert.deepEqual(
    Array.from(graph.initializers.get("Pooling160_Output_0_reshape0_shape")?.data as BigInt64Array),
    [1n, 256n],
  );
});

Deno.test("decodeOnnxModel() refuses external data, missing graphs and truncated bytes", async () => {
  const refuses = (bytes: Uint8Array, text: string) =>
    assert.throws(
      () => decodeOnnxModel(bytes),
      (e) => e instanceof OnnxFormatError && e.message === text,
    );
  refuses(
    await Deno.readFile(new URL("model_with_external_initializers.onnx", TESTDATA)),
    "Initializer tensors with external data is not allowed.",
  );
  refuses(new Uint8Array([0x08, 0x07]), "No graph was found in the protobuf.");
  refuses(
    new TextEncoder().encode("definitely not protobuf"),
    "No graph was found in the protobuf.",
  );
  const mnist = await Deno.readFile(new URL("mnist.onnx", TESTDATA));
  assert.throws(() => decodeOnnxModel(mnist.subarray(0, mnist.length - 100)), OnnxFormatError);
});
