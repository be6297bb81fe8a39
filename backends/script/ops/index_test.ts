/** Unit tests for tensor indexing edge cases (clamped slices, bounds, masks, assignment). */
import assert from "node:assert/strict";
import { getIndex, IndexItem, setIndex } from "./index.ts";
import { ScriptTensor } from "./script_tensor.ts";

const arange = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new ScriptTensor("FLOAT", shape, Float32Array.from({ length: n }, (_, i) => i));
};
const slice = (start?: number, stop?: number, step = 1): IndexItem => ({
  k: "slice",
  start,
  stop,
  step,
});
const values = (t: ScriptTensor) => Array.from(t.data as Float32Array);

Deno.test("getIndex() clamps out-of-range slices as Python does", () => {
  const t = arange([3]);
  assert.deepEqual(values(getIndex(t, [slice(1, 100)])), [1, 2]);
  assert.deepEqual(getIndex(t, [slice(5, 10)]).shape, [0]);
  assert.deepEqual(values(getIndex(t, [slice(-100, -1)])), [0, 1]);
  assert.throws(() => getIndex(t, [slice(0, 3, 0)]), /step must be greater than zero/);
});

Deno.test("getIndex() refuses out-of-bounds indices and too many indices", () => {
  const t = arange([2, 3]);
  assert.throws(
    () => getIndex(t, [{ k: "int", i: 2 }]),
    /index 2 is out of bounds for dimension 0 with size 2/,
  );
  assert.throws(
    () => getIndex(t, [{ k: "int", i: 0 }, { k: "int", i: -4 }]),
    /index -4 is out of bounds for dimension 1 with size 3/,
  );
  assert.throws(
    () => getIndex(t, [{ k: "int", i: 0 }, { k: "int", i: 0 }, { k: "int", i: 0 }]),
    /too many indices for tensor of dimension 2/,
  );
  const mask = new ScriptTensor("BOOL", [3], new Uint8Array([1, 0, 1]));
  assert.throws(
    () => getIndex(t, [mask].map((m) => ({ k: "tensor", t: m }))),
    /The shape of the mask \[3\] at index 0 does not match/,
  );
});

Deno.test("setIndex() writes through masks and broadcasts values, copying shared storage", () => {
  const input = arange([2, 3]);
  input.shared = true;
  const before = input.data;
  const mask = new ScriptTensor("BOOL", [2, 3], new Uint8Array([1, 0, 1, 0, 1, 0]));
  setIndex(input, [{ k: "tensor", t: mask }], { kind: "float", value: -1 });
  assert.deepEqual(values(input), [-1, 1, -1, 3, -1, 5]);
  assert.deepEqual(Array.from(before as Float32Array), [0, 1, 2, 3, 4, 5]);
  setIndex(
    input,
    [slice(), { k: "int", i: 1 }],
    new ScriptTensor("FLOAT", [2], new Float32Array([7, 8])),
  );
  assert.deepEqual(values(input), [-1, 7, -1, 3, 8, 5]);
  assert.throws(
    () =>
      setIndex(input, [{ k: "int", i: 0 }], new ScriptTensor("FLOAT", [2], new Float32Array(2))),
    /shape mismatch: value tensor of shape \[2\] cannot be broadcast to indexing result of shape \[3\]/,
  );
});
