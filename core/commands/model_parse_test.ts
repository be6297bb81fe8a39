import assert from "node:assert/strict";
import { parseModelExecute, parseModelRun, parseModelSet, parseModelStore } from "./model_parse.ts";

const enc = new TextEncoder();
const args = (...items: (string | number)[]) => items.map((a) => enc.encode(String(a)));
const store = (...rest: (string | number)[]) =>
  parseModelStore(args("AI.MODELSTORE", "m", ...rest));
const set = (...rest: (string | number)[]) => parseModelSet(args("AI.MODELSET", "m", ...rest));
const model = { inputs: ["a", "b"], outputs: ["c"] };

Deno.test("parseModelStore() reads options in order and joins every BLOB chunk", () => {
  const parsed = store(
    "onnx",
    "gpu:1",
    "TAG",
    "t",
    "BATCHSIZE",
    8,
    "MINBATCHSIZE",
    2,
    "MINBATCHTIMEOUT",
    100,
    "BLOB",
    "ab",
    "cd",
  );
  assert.deepEqual(parsed.options, {
    backend: "ONNX",
    device: "gpu:1",
    tag: "t",
    batchSize: 8,
    minBatchSize: 2,
    minBatchTimeoutMs: 100,
  });
  assert.deepEqual(parsed.chunks.map((c) => new TextDecoder().decode(c)), ["ab", "cd"]);
  assert.deepEqual(
    store("TF", "CPU", "INPUTS", 2, "a", "b", "OUTPUTS", 1, "mul", "BLOB", "x").inputs,
    ["a", "b"],
  );
});

Deno.test("parseModelStore() gives RedisAI's error for each malformed request", () => {
  const cases: [(string | number)[], string][] = [
    [["ONNX", "CPU", "BLOB"], "ERR wrong number of arguments for 'AI.MODELSTORE' command"],
    [["KERAS", "CPU", "BLOB", "x"], "ERR unsupported backend"],
    [["ONNX", "CPU::", "BLOB", "x"], "ERR Invalid DEVICE"],
    [["ONNX", "CPU:123456", "BLOB", "x"], "ERR Invalid DEVICE"],
    [["ONNX", "CPU", "BATCHSIZE", "x", "BLOB", "x"], "ERR Invalid argument for BATCHSIZE"],
    [
      ["ONNX", "CPU", "MINBATCHSIZE", 2, "BLOB", "x"],
      "ERR MINBATCHSIZE specified without BATCHSIZE",
    ],
    [
      ["ONNX", "CPU", "BATCHSIZE", 2, "MINBATCHTIMEOUT", 5, "BLOB", "x"],
      "ERR MINBATCHTIMEOUT specified without MINBATCHSIZE",
    ],
    [["ONNX", "CPU", "BATCHSIZE", 2, "TAG", "x"], "ERR Invalid argument, expected BLOB"],
    [
      ["ONNX", "CPU", "INPUTS", 1, "a", "BLOB", "x"],
      "ERR INPUTS argument should not be specified for this backend",
    ],
    [["ONNX", "CPU", "TAG", "t", "BATCHSIZE", 1], "ERR Insufficient arguments, missing model BLOB"],
    [["TF", "CPU", "BLOB", "x", "y"], "ERR INPUTS not specified for TF"],
    [["TF", "CPU", "INPUTS", 0, "BLOB", "x"], "ERR Invalid argument for input_count"],
    [
      ["TF", "CPU", "INPUTS", 3, "a", "b"],
      "ERR number of model inputs does not match the number of given arguments",
    ],
    [["TF", "CPU", "INPUTS", 1, "a", "BLOB", "x"], "ERR OUTPUTS not specified for TF"],
    [["TF", "CPU", "INPUTS", 1, "a", "OUTPUTS", 1, "mul"], "ERR Invalid argument, expected BLOB"],
  ];
  for (const [rest, message] of cases) {
    assert.throws(() => store(...rest), { message }, JSON.stringify(rest));
  }
  assert.equal(store("ONNX", "CPU:", "BLOB", "x").options.device, "CPU:");
});

Deno.test("parseModelSet() keeps the deprecated command's looser rules and texts", () => {
  assert.equal(set("ONNX", "whatever", "BLOB", "x").options.device, "whatever");
  assert.deepEqual(set("TF", "CPU", "INPUTS", "a", "b", "OUTPUTS", "c", "BLOB", "x").inputs, [
    "a",
    "b",
  ]);
  const cases: [(string | number)[], string][] = [
    [["ONNX", "BLOB", "BLOB", "x"], "ERR Invalid DEVICE"],
    [
      ["TFLITE", "CPU", "BATCHSIZE", 2, "BLOB", "x"],
      "ERR Auto-batching not supported by the TFLITE backend",
    ],
    [
      ["ONNX", "CPU", "MINBATCHSIZE", 2, "BLOB", "x"],
      "ERR MINBATCHSIZE specified without BATCHSIZE",
    ],
    [
      ["ONNX", "CPU", "MINBATCHTIMEOUT", 2, "BLOB", "x"],
      "ERR MINBATCHTIMEOUT specified without BATCHSIZE",
    ],
    [["ONNX", "CPU", "BATCHSIZE", 2, "NOT_BLOB"], "ERR Insufficient arguments, missing model BLOB"],
    [["TF", "CPU", "BLOB", "x"], "ERR Insufficient arguments, INPUTS and OUTPUTS not specified"],
    [["TF", "CPU"], "ERR Insufficient arguments, missing model BLOB"],
    [["TF", "CPU", "TAG", "t", "BATCHSIZE", 2], "ERR Insufficient arguments, missing model BLOB"],
    [["TF", "CPU", "OUTPUTS", "mul", "BLOB", "x"], "ERR INPUTS not specified"],
    [["TF", "CPU", "INPUTS", "a", "BLOB", "x"], "ERR OUTPUTS not specified"],
  ];
  for (const [rest, message] of cases) {
    assert.throws(() => set(...rest), { message }, JSON.stringify(rest));
  }
});

Deno.test("parseModelExecute() checks lists against the model, then TIMEOUT", () => {
  const exec = (...rest: (string | number)[]) =>
    parseModelExecute(args("AI.MODELEXECUTE", "m", ...rest), model);
  assert.deepEqual(exec("INPUTS", 2, "a", "b", "OUTPUTS", 1, "c", "timeout", 50), {
    inputs: ["a", "b"],
    outputs: ["c"],
    timeoutMs: 50,
  });
  const cases: [(string | number)[], string][] = [
    [["TIMEOUT", 1000, "INPUTS", 2, "a", "b", "OUTPUTS", 1, "c"], "ERR INPUTS not specified"],
    [["INPUTS", "x", "a", "b", "OUTPUTS", 1, "c"], "ERR Invalid argument for input_count"],
    [["INPUTS", 0, "a", "b", "OUTPUTS", 1, "c"], "ERR Input count must be a positive integer"],
    [
      ["INPUTS", 1, "a", "OUTPUTS", 1, "c", "d"],
      "Number of keys given as INPUTS here does not match model definition",
    ],
    [["INPUTS", 2, "a", "b", "c", "d", "e"], "ERR OUTPUTS not specified"],
    [["INPUTS", 2, "a", "b", "OUTPUTS", -1, "c"], "ERR Output count must be a positive integer"],
    [
      ["INPUTS", 2, "a", "b", "OUTPUTS", 2, "c", "d"],
      "Number of keys given as OUTPUTS here does not match model definition",
    ],
    [["INPUTS", 2, "a", "b", "OUTPUTS", 1, "c", "TIMEOUT"], "ERR No value provided for TIMEOUT"],
    [["INPUTS", 2, "a", "b", "OUTPUTS", 1, "c", "TIMEOUT", "x"], "ERR Invalid value for TIMEOUT"],
    [["INPUTS", 2, "a", "b", "OUTPUTS", 1, "c", "TIMEOUT", 5, "more"], "Invalid argument: more"],
  ];
  for (const [rest, message] of cases) {
    assert.throws(() => exec(...rest), { message }, JSON.stringify(rest));
  }
});

Deno.test("parseModelRun() splits keys at OUTPUTS and reads an optional TIMEOUT first", () => {
  const run = (...rest: (string | number)[]) =>
    parseModelRun(args("AI.MODELRUN", "m", ...rest), model);
  assert.deepEqual(run("TIMEOUT", 9, "INPUTS", "a", "b", "OUTPUTS", "c"), {
    inputs: ["a", "b"],
    outputs: ["c"],
    timeoutMs: 9,
  });
  assert.throws(() => run("TIMEOUT", "x", "INPUTS", "a", "b", "OUTPUTS", "c"), {
    message: "ERR Invalid value for TIMEOUT",
  });
  assert.throws(() => run("a", "b", "OUTPUTS", "c", "d"), { message: "ERR INPUTS not specified" });
});
