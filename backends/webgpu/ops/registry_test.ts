import assert from "node:assert/strict";
import type { Graph, GraphNode } from "../graph.ts";
import { hostTensor } from "../host_tensor.ts";
import { unsupportedOps } from "./registry.ts";

function node(opType: string, inputs: string[], outputs: string[], domain = ""): GraphNode {
  return { name: "", opType, domain, inputs, outputs, attributes: new Map() };
}

function graph(nodes: GraphNode[], inputType: Graph["inputs"][number]["type"] = "float32"): Graph {
  return {
    nodes,
    inputs: [{ name: "x", type: inputType, shape: [2, 3] }],
    outputs: [{ name: "y", type: "float32", shape: undefined }],
    initializers: new Map([["shape", hostTensor("int64", [1], [6])]]),
    opset: 13,
  };
}

Deno.test("unsupportedOps() is empty for graphs the executor runs, shape math included", () => {
  const g = graph([
    node("Shape", ["x"], ["s"]),
    node("Gather", ["s", "shape"], ["d"]),
    node("Relu", ["x"], ["r"]),
    node("Reshape", ["r", "shape"], ["y"]),
  ]);
  assert.deepEqual(unsupportedOps(g), []);
});

Deno.test("unsupportedOps() names unknown ops, their domains, computed shapes and types", () => {
  const g = graph([
    node("LinearRegressor", ["x"], ["a"], "ai.onnx.ml"),
    node("Einsum", ["x"], ["b"]),
    node("Reshape", ["x", "b"], ["y"]),
  ], "float64");
  assert.deepEqual(unsupportedOps(g), [
    "Reshape with a computed input 1",
    "ai.onnx.ml.LinearRegressor",
    "Einsum",
    "x of type float64",
  ]);
});
