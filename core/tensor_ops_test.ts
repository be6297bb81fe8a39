import assert from "node:assert/strict";
import { concatTensors, sliceTensor } from "./tensor_ops.ts";
import { numericTensor, stringAt, stringOffsets, stringTensor, Tensor } from "./tensor.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function floats(shape: number[], values: number[]): Tensor {
  return numericTensor("FLOAT", shape, new Uint8Array(new Float32Array(values).buffer));
}

function strings(shape: number[], values: string[]): Tensor {
  const blob = encoder.encode(values.map((v) => v + "\0").join(""));
  const offsets = stringOffsets(blob, values.length);
  assert.ok(offsets !== undefined);
  return stringTensor(shape, blob, offsets);
}

function texts(t: Tensor): string[] {
  return Array.from({ length: t.offsets?.length ?? 0 }, (_, i) => decoder.decode(stringAt(t, i)));
}

Deno.test("concatTensors() stacks numeric tensors along dim 0", () => {
  const t = concatTensors([floats([1, 2], [1, 2]), floats([2, 2], [3, 4, 5, 6])]);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual([...t.data], [1, 2, 3, 4, 5, 6]);
  assert.ok(t.data.buffer instanceof SharedArrayBuffer);
});

Deno.test("concatTensors() rebases STRING offsets", () => {
  const t = concatTensors([strings([2], ["a", "bc"]), strings([1], ["def"])]);
  assert.deepEqual(t.shape, [3]);
  assert.deepEqual(texts(t), ["a", "bc", "def"]);
  assert.deepEqual([...(t.offsets ?? [])], [0, 2, 5]);
});

Deno.test("concatTensors() refuses mismatched shapes as a programmer error", () => {
  assert.throws(() => concatTensors([floats([1, 2], [1, 2]), floats([1, 1], [3])]), /internal/);
});

Deno.test("sliceTensor() views rows of dim 0 without copying", () => {
  const source = floats([3, 2], [1, 2, 3, 4, 5, 6]);
  const t = sliceTensor(source, 1, 2);
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual([...t.data], [3, 4, 5, 6]);
  assert.equal(t.data.buffer, source.data.buffer);
});

Deno.test("sliceTensor() of a STRING tensor rebases offsets", () => {
  const source = strings([4], ["a", "bc", "", "def"]);
  const t = sliceTensor(source, 1, 2);
  assert.deepEqual(texts(t), ["bc", ""]);
  assert.deepEqual([...(t.data as Uint8Array)], [98, 99, 0, 0]);
  assert.deepEqual(texts(sliceTensor(source, 3, 1)), ["def"]);
});

Deno.test("sliceTensor() then concatTensors() round-trips", () => {
  const source = strings([2, 2], ["w", "x", "yy", "z"]);
  const back = concatTensors([sliceTensor(source, 0, 1), sliceTensor(source, 1, 1)]);
  assert.deepEqual(back.shape, [2, 2]);
  assert.deepEqual(texts(back), ["w", "x", "yy", "z"]);
});
