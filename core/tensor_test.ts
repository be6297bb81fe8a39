import assert from "node:assert/strict";
import {
  elementCount,
  numericTensor,
  ownedBytes,
  stringAt,
  stringOffsets,
  stringTensor,
  tensorBytes,
  tensorEntryBytes,
  zeroTensor,
} from "./tensor.ts";

const encoder = new TextEncoder();

Deno.test("elementCount() multiplies dims; a scalar has one element", () => {
  assert.equal(elementCount([]), 1);
  assert.equal(elementCount([2, 3, 4]), 24);
});

Deno.test("ownedBytes() adopts a whole buffer and copies anything else", () => {
  const whole = new Uint8Array(new SharedArrayBuffer(8));
  assert.equal(ownedBytes(whole), whole);
  const wholePlain = new Uint8Array(8);
  assert.equal(ownedBytes(wholePlain), wholePlain);
  const part = whole.subarray(4);
  const copied = ownedBytes(part);
  assert.notEqual(copied.buffer, whole.buffer);
  assert.ok(copied.buffer instanceof SharedArrayBuffer);
  const plain = Uint8Array.of(1, 2, 3, 4);
  const copy = ownedBytes(plain.subarray(0, 3));
  assert.deepEqual([...copy], [1, 2, 3]);
  plain[0] = 9;
  assert.equal(copy[0], 1);
});

Deno.test("numericTensor() wraps adopted storage without copying", () => {
  const bytes = new Uint8Array(new SharedArrayBuffer(16));
  new Float32Array(bytes.buffer).set([1, 2, 3, 4]);
  const t = numericTensor("FLOAT", [2, 2], bytes);
  assert.ok(t.data instanceof Float32Array);
  assert.equal(t.data.buffer, bytes.buffer);
  assert.deepEqual([...t.data], [1, 2, 3, 4]);
  assert.equal(tensorBytes(t).buffer, bytes.buffer);
});

Deno.test("numericTensor() copies an unaligned view into aligned storage", () => {
  const slab = new Uint8Array(17);
  const view = slab.subarray(1);
  new DataView(view.buffer, 1).setFloat64(0, 2.5, true);
  const t = numericTensor("DOUBLE", [2], view);
  assert.ok(t.data instanceof Float64Array);
  assert.deepEqual([...t.data], [2.5, 0]);
});

Deno.test("zeroTensor() zero-fills numeric tensors and makes empty strings", () => {
  const t = zeroTensor("INT64", [3]);
  assert.ok(t.data instanceof BigInt64Array);
  assert.deepEqual([...t.data], [0n, 0n, 0n]);
  const s = zeroTensor("STRING", [2, 2]);
  assert.deepEqual([...tensorBytes(s)], [0, 0, 0, 0]);
  assert.deepEqual([0, 1, 2, 3].map((i) => stringAt(s, i).length), [0, 0, 0, 0]);
});

Deno.test("stringOffsets() counts NUL-terminated elements exactly", () => {
  assert.deepEqual([...(stringOffsets(encoder.encode("ab\0\0c\0"), 3) ?? [])], [0, 3, 4]);
  assert.equal(stringOffsets(encoder.encode("ab\0c"), 2), undefined);
  assert.equal(stringOffsets(encoder.encode("ab\0c\0"), 1), undefined);
  assert.equal(stringOffsets(encoder.encode("ab\0c\0"), 3), undefined);
  assert.equal(stringOffsets(new Uint8Array(0), 1), undefined);
});

Deno.test("stringAt() returns an element without its terminator", () => {
  const blob = encoder.encode("hello\0\0שלום\0");
  const offsets = stringOffsets(blob, 3);
  assert.ok(offsets !== undefined);
  const t = stringTensor([3], blob, offsets);
  const decoder = new TextDecoder();
  assert.deepEqual([0, 1, 2].map((i) => decoder.decode(stringAt(t, i))), ["hello", "", "שלום"]);
});

Deno.test("tensorEntryBytes() charges data, offsets and overhead", () => {
  const t = zeroTensor("FLOAT", [256]);
  assert.ok(tensorEntryBytes(t) > 1024 && tensorEntryBytes(t) < 1024 + 256);
  const s = zeroTensor("STRING", [4]);
  assert.ok(tensorEntryBytes(s) >= 4 + 16);
});
