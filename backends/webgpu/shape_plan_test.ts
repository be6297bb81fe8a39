import assert from "node:assert/strict";
import type { Graph, GraphNode } from "./graph.ts";
import { hostTensor } from "./host_tensor.ts";
import { planShapes } from "./shape_plan.ts";
import { topologicalOrder } from "./topological_order.ts";

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: [string, number][] = [],
): GraphNode {
  return {
    name: outputs[0] ?? "",
    opType,
    domain: "",
    inputs,
    outputs,
    attributes: new Map(attrs.map(([k, v]) => [k, { type: "int", value: v }])),
  };
}

/** x[N,3,4] → Relu → Reshape to [N, 12] with the shape computed from Shape(x). */
const GRAPH: Graph = {
  nodes: [
    node("Reshape", ["r", "target"], ["flat"]),
    node("Relu", ["x"], ["r"]),
    node("Shape", ["x"], ["s"]),
    node("Gather", ["s", "zero"], ["n"], [["axis", 0]]),
    node("Unsqueeze", ["n", "axes"], ["n1"]),
    node("Concat", ["n1", "minus1"], ["target"], [["axis", 0]]),
    node("Sigmoid", ["flat"], ["y"]),
  ],
  inputs: [{ name: "x", type: "float32", shape: ["N", 3, 4] }],
  outputs: [{ name: "y", type: "float32", shape: ["N", 12] }],
  initializers: new Map([
    ["zero", hostTensor("int64", [], [0])],
    ["axes", hostTensor("int64", [1], [0])],
    ["minus1", hostTensor("int64", [1], [-1])],
  ]),
  opset: 13,
};

Deno.test("topologicalOrder() puts producers first and keeps sorted graphs as they are", () => {
  const order = topologicalOrder(GRAPH).map((n) => n.opType);
  assert.deepEqual(order, ["Relu", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape", "Sigmoid"]);
  const sorted = { ...GRAPH, nodes: topologicalOrder(GRAPH) };
  assert.deepEqual(topologicalOrder(sorted), sorted.nodes);
  const cyclic = { ...GRAPH, nodes: [node("Relu", ["b"], ["a"]), node("Relu", ["a"], ["b"])] };
  assert.throws(() => topologicalOrder(cyclic), /input b is never produced|cycle/);
});

Deno.test("planShapes() folds shape arithmetic on the CPU and aliases Reshape", () => {
  const plan = planShapes(GRAPH, topologicalOrder(GRAPH), [{
    name: "x",
    type: "float32",
    shape: [5, 3, 4],
  }]);
  assert.deepEqual(plan.steps.map((s) => [s.node.opType, s.kind]), [
    ["Relu", "kernel"],
    ["Reshape", "alias"],
    ["Sigmoid", "kernel"],
  ]);
  const target = plan.metas.get("target");
  assert.deepEqual(Array.from(target?.host?.data as BigInt64Array), [5n, -1n]);
  assert.deepEqual(plan.metas.get("y")?.shape, [5, 12]);
  assert.equal(plan.lastUse.get("r"), 1);
  assert.equal(plan.lastUse.get("flat"), 2);
  assert.equal(plan.lastUse.get("y"), 3, "graph outputs live to the end");
});

Deno.test("planShapes() names the node when shapes don't fit", () => {
  const mixed: Graph = { ...GRAPH, nodes: [node("Add", ["x", "minus1"], ["y"])] };
  assert.throws(
    () => planShapes(mixed, mixed.nodes, [{ name: "x", type: "float32", shape: [2, 3] }]),
    /^Error: Add \(y\): no GPU kernel for inputs of type float32, int64$/,
  );
  const wrong: Graph = { ...GRAPH, nodes: [node("MatMul", ["x", "x"], ["y"])] };
  assert.throws(
    () => planShapes(wrong, wrong.nodes, [{ name: "x", type: "float32", shape: [2, 3] }]),
    /^Error: MatMul \(y\): inner dims differ: \[2,3\] × \[2,3\]$/,
  );
});
