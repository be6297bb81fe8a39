import assert from "node:assert/strict";
import { uniformAt, UniformLayout, vec4Count } from "./uniforms.ts";

Deno.test("UniformLayout places scalars at 4 and vec4 arrays at 16-byte alignment", () => {
  const layout = new UniformLayout([
    { name: "count", type: "u32" },
    { name: "alpha", type: "f32" },
    { name: "shape", type: "vec4<u32>", count: 2 },
    { name: "bias", type: "i32" },
  ], 3);
  assert.equal(layout.byteLength, 64);
  const view = layout.pack({ count: 7, alpha: 0.5, shape: [1, 2, 3, 4, 5], bias: -2 });
  assert.equal(view.getUint32(0, true), 7);
  assert.equal(view.getFloat32(4, true), 0.5);
  assert.deepEqual([16, 20, 24, 28, 32, 36].map((o) => view.getUint32(o, true)), [
    1,
    2,
    3,
    4,
    5,
    0,
  ]);
  assert.equal(view.getInt32(48, true), -2);
  assert.match(layout.wgsl, /shape: array<vec4<u32>, 2>,/);
  assert.match(layout.wgsl, /@group\(0\) @binding\(3\) var<uniform> u: Uniforms;/);
});

Deno.test("UniformLayout.pack() writes at an offset of a shared buffer and stores negatives as u32", () => {
  const layout = new UniformLayout([{ name: "strides", type: "vec4<u32>", count: 1 }], 0);
  const shared = new DataView(new ArrayBuffer(64));
  layout.pack({ strides: [-1, 4] }, shared, 32);
  assert.equal(shared.getUint32(32, true), 0xffffffff);
  assert.equal(shared.getUint32(36, true), 4);
});

Deno.test("UniformLayout refuses scalar arrays and missing values", () => {
  assert.throws(() => new UniformLayout([{ name: "x", type: "u32", count: 2 }], 0));
  const layout = new UniformLayout([{ name: "x", type: "u32" }], 0);
  assert.throws(() => layout.pack({}));
});

Deno.test("vec4Count() and uniformAt() address packed dims", () => {
  assert.deepEqual([0, 1, 4, 5, 8].map(vec4Count), [1, 1, 1, 2, 2]);
  assert.equal(uniformAt("shape", 5), "u.shape[1][1]");
});
