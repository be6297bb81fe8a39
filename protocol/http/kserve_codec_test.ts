/** Tests for the KServe v2 codec: JSON and binary-extension requests and responses. */
import assert from "node:assert/strict";
import { responseBytes } from "./http1_response.ts";
import { inferResponse, parseInferRequest } from "./kserve_codec.ts";
import { concatBytes } from "../../core/bytes.ts";

const encoder = new TextEncoder();

function binaryBody(header: unknown, ...parts: Uint8Array[]): { body: Uint8Array; length: number } {
  const json = encoder.encode(JSON.stringify(header));
  return { body: concatBytes([json, ...parts]), length: json.length };
}

Deno.test("parseInferRequest() reads JSON data for numeric, BOOL and BYTES inputs", () => {
  const request = parseInferRequest(
    encoder.encode(JSON.stringify({
      id: "r1",
      inputs: [
        { name: "a", datatype: "FP32", shape: [2, 1], data: [[1.5], [2]] },
        { name: "b", datatype: "BOOL", shape: [2], data: [true, false] },
        { name: "c", datatype: "BYTES", shape: [1], data: ["hi"] },
      ],
      outputs: [{ name: "y", parameters: { binary_data: true } }, { name: "z" }],
    })),
    undefined,
  );
  assert.equal(request.id, "r1");
  const [a, b, c] = request.inputs;
  assert.deepEqual(Array.from(new Float32Array(a?.tensor.blob.slice().buffer ?? [])), [1.5, 2]);
  assert.deepEqual(a?.tensor.shape, [2, 1]);
  assert.deepEqual(Array.from(b?.tensor.blob ?? []), [1, 0]);
  assert.equal(c?.tensor.dtype, "STRING");
  assert.deepEqual(Array.from(c?.tensor.blob ?? []), [104, 105, 0]);
  assert.deepEqual(request.outputs, [{ name: "y", binary: true }, { name: "z", binary: false }]);
});

Deno.test("parseInferRequest() takes binary_data_size inputs from after the JSON header", () => {
  const floats = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const strings = new Uint8Array([2, 0, 0, 0, 104, 105, 0, 0, 0, 0]);
  const { body, length } = binaryBody(
    {
      inputs: [
        { name: "x", datatype: "FP32", shape: [3], parameters: { binary_data_size: 12 } },
        { name: "s", datatype: "BYTES", shape: [2], parameters: { binary_data_size: 10 } },
      ],
      parameters: { binary_data_output: true },
    },
    floats,
    strings,
  );
  const request = parseInferRequest(body, length);
  assert.deepEqual(request.inputs[0]?.tensor.blob, floats);
  assert.deepEqual(Array.from(request.inputs[1]?.tensor.blob ?? []), [104, 105, 0, 0]);
  assert.equal(request.binaryOutputs, true);
  assert.equal(request.outputs, undefined);
  assert.throws(() => parseInferRequest(body, length + 1), /invalid JSON body/);
  assert.throws(() => parseInferRequest(body.subarray(0, body.length - 1), length), /fewer remain/);
  const extra = binaryBody(
    { inputs: [{ name: "x", datatype: "INT8", shape: [1], data: [1] }] },
    floats,
  );
  assert.throws(() => parseInferRequest(extra.body, extra.length), /does not match/);
});

Deno.test("parseInferRequest() takes an empty 'outputs' list as every output, as Triton does", () => {
  const input = { name: "x", datatype: "FP32", shape: [1], data: [1] };
  const request = parseInferRequest(
    encoder.encode(JSON.stringify({ inputs: [input], outputs: [] })),
    undefined,
  );
  assert.equal(request.outputs, undefined);
});

Deno.test("parseInferRequest() refuses unsupported datatypes and malformed requests", () => {
  const parse = (value: unknown) => () =>
    parseInferRequest(encoder.encode(JSON.stringify(value)), undefined);
  assert.throws(parse({ inputs: [{ name: "x", datatype: "FP16", shape: [1], data: [1] }] }), {
    message: "ERR unsupported datatype 'FP16' for input 'x'",
  });
  assert.throws(parse({ inputs: [] }), /non-empty 'inputs'/);
  assert.throws(parse({ inputs: [{ datatype: "FP32", shape: [1], data: [1] }] }), /needs a 'name'/);
  assert.throws(parse({ inputs: [{ name: "x", datatype: "INT8", shape: [1], data: [999] }] }), {
    message: "ERR invalid value",
  });
  assert.throws(parse([1]), /must be a JSON object/);
  const body = encoder.encode("{}");
  assert.throws(() => parseInferRequest(body, NaN), /must be a non-negative integer/);
  assert.throws(() => parseInferRequest(body, 3), /exceeds the body/);
});

Deno.test("inferResponse() writes JSON outputs, or a JSON header followed by binary data", async () => {
  const t = {
    dtype: "INT32" as const,
    shape: [2],
    blob: new Uint8Array(new Int32Array([7, -1]).buffer),
  };
  const json = inferResponse("m", "id1", [{ name: "y", tensor: t, binary: false }]);
  assert.equal(json.headers.get("content-type"), "application/json");
  assert.deepEqual(await json.json(), {
    model_name: "m",
    id: "id1",
    outputs: [{ name: "y", datatype: "INT32", shape: [2], data: [7, -1] }],
  });
  const s = { dtype: "STRING" as const, shape: [2], blob: new Uint8Array([97, 0, 0]) };
  const bin = inferResponse("m", undefined, [
    { name: "y", tensor: t, binary: true },
    { name: "s", tensor: s, binary: true },
  ]);
  const length = Number(bin.headers.get("inference-header-content-length"));
  const bytes = await responseBytes(bin);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, length)));
  assert.deepEqual(header.outputs[0], {
    name: "y",
    datatype: "INT32",
    shape: [2],
    parameters: { binary_data_size: 8 },
  });
  assert.equal(header.outputs[1].parameters.binary_data_size, 9);
  assert.deepEqual(bytes.subarray(length, length + 8), t.blob);
  assert.deepEqual(Array.from(bytes.subarray(length + 8)), [1, 0, 0, 0, 97, 0, 0, 0, 0]);
});
