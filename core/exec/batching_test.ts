import assert from "node:assert/strict";
import { numericTensor, Tensor } from "../tensor.ts";
import { batchMatches, batchSizeOf, concatInputs, splitOutputs } from "./batching.ts";

function floats(shape: number[], first = 0): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: count }, (_, i) => first + i);
  return numericTensor("FLOAT", shape, new Uint8Array(values.buffer));
}

Deno.test("batchSizeOf() is dim 0 of input 0, or 0 when inputs disagree", () => {
  assert.equal(batchSizeOf([floats([3, 2]), floats([3])]), 3);
  assert.equal(batchSizeOf([floats([3, 2]), floats([2])]), 0);
  assert.equal(batchSizeOf([]), 0);
});

Deno.test("batchMatches() compares ranks and dims past 0, and dtypes", () => {
  assert.ok(batchMatches([floats([1, 4])], [floats([3, 4])]));
  assert.ok(!batchMatches([floats([1, 4])], [floats([1, 5])]));
  assert.ok(!batchMatches([floats([1, 4])], [floats([1, 4, 1])]));
  assert.ok(!batchMatches([floats([1, 4])], [numericTensor("INT32", [1, 4], new Uint8Array(16))]));
  assert.ok(!batchMatches([floats([1])], [floats([1]), floats([1])]));
});

Deno.test("concatInputs() and splitOutputs() round-trip each request's rows", () => {
  const batch = concatInputs([[floats([1, 2], 0)], [floats([2, 2], 10)]]);
  assert.deepEqual(batch[0]?.shape, [3, 2]);
  assert.deepEqual(Array.from(batch[0]?.data as Float32Array), [0, 1, 10, 11, 12, 13]);
  const shares = splitOutputs([batch[0], undefined], [1, 2]);
  assert.ok(shares !== undefined);
  assert.deepEqual(Array.from(shares[1]?.[0]?.data as Float32Array), [10, 11, 12, 13]);
  assert.equal(shares[0]?.[1], undefined);
  assert.equal(splitOutputs([floats([2, 2])], [1, 2]), undefined);
});
