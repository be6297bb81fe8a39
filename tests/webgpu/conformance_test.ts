/**
 * The data-driven conformance suite of the WebGPU executor: every case of every fixture family
 * runs as a one-node graph through the planner and the kernels on the machine's adapter
 * (lavapipe on CPU-only machines) and must match the NumPy reference within its tolerance.
 * The `float16` family runs the kernels on f16 storage (the adapter must have `shader-f16`).
 */
import assert from "node:assert/strict";
import { caseGraph, compare, loadFixtures } from "./fixture.ts";
import { gpuTest, sessionFor } from "../helpers/webgpu.ts";

const FAMILIES = [
  "elementwise",
  "matmul",
  "conv",
  "pool",
  "norm",
  "reduce",
  "layout",
  "resize",
  "float16",
];

for (const family of FAMILIES) {
  Deno.test({
    name: `WebGPU conformance: ${family} kernels match the NumPy reference`,
    ...gpuTest,
    fn: async (t) => {
      const cases = await loadFixtures(family);
      assert.ok(cases.length > 0);
      for (const c of cases) {
        await t.step(c.name, async () => {
          const { graph, inputs } = caseGraph(c);
          const session = await sessionFor(graph);
          try {
            const outputs = await session.run(inputs);
            assert.equal(outputs.length, graph.outputs.length);
            outputs.forEach((out, i) => {
              const expected = c.expected[i];
              assert.ok(expected !== undefined);
              assert.deepEqual(compare(out, expected, c.tolerance), [], `${c.name} output ${i}`);
            });
          } finally {
            await session.close();
          }
        });
      }
    },
  });
}
