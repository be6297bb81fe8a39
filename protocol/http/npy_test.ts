/** Tests for the `.npy` codec, against files written by numpy itself. */
import assert from "node:assert/strict";
import { CommandError } from "../../core/errors.ts";
import { npySave, python } from "../../tests/helpers/python.ts";
import { npyHeader, parseNpy } from "./npy.ts";

Deno.test("parseNpy() reads numpy's files for every supported dtype", async () => {
  const cases: [string, string, number[], number[]][] = [
    ["np.arange(6, dtype='<f4').reshape(2, 3)", "FLOAT", [2, 3], [0, 1, 2, 3, 4, 5]],
    ["np.array([1.5, -2.25], dtype='<f8')", "DOUBLE", [2], [1.5, -2.25]],
    ["np.array([-1, 127], dtype='i1')", "INT8", [2], [-1, 127]],
    ["np.array([[-300]], dtype='<i2')", "INT16", [1, 1], [-300]],
    ["np.array([-70000], dtype='<i4')", "INT32", [1], [-70000]],
    ["np.array([255, 0], dtype='u1')", "UINT8", [2], [255, 0]],
    ["np.array([65535], dtype='<u2')", "UINT16", [1], [65535]],
    ["np.array([True, False])", "BOOL", [2], [1, 0]],
    ["np.float32(7)", "FLOAT", [], [7]],
  ];
  for (const [expr, dtype, shape, values] of cases) {
    const parsed = parseNpy(await npySave(expr));
    assert.equal(parsed.dtype, dtype, expr);
    assert.deepEqual(parsed.shape, shape, expr);
    const copy = parsed.data.slice();
    const typed = {
      FLOAT: () => new Float32Array(copy.buffer),
      DOUBLE: () => new Float64Array(copy.buffer),
      INT8: () => new Int8Array(copy.buffer),
      INT16: () => new Int16Array(copy.buffer),
      INT32: () => new Int32Array(copy.buffer),
      UINT8: () => new Uint8Array(copy.buffer),
      UINT16: () => new Uint16Array(copy.buffer),
      BOOL: () => new Uint8Array(copy.buffer),
    }[dtype];
    assert.ok(typed !== undefined);
    assert.deepEqual(Array.from(typed()), values, expr);
  }
  const int64 = parseNpy(await npySave("np.array([-9223372036854775808], dtype='<i8')"));
  assert.equal(new BigInt64Array(int64.data.slice().buffer)[0], -9223372036854775808n);
});

Deno.test("parseNpy() refuses big-endian, Fortran order, other dtypes and bad lengths", async () => {
  const refused = [
    "np.array([1, 2], dtype='>i4')",
    "np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3))",
    "np.array([1], dtype='<u4')",
    "np.array(['a'])",
    "np.zeros(2, dtype=[('a', '<f4')])",
  ];
  for (const expr of refused) {
    const file = await npySave(expr);
    assert.throws(
      () => parseNpy(file),
      (e) => e instanceof CommandError && e.kind === "bad_request",
      expr,
    );
  }
  const good = await npySave("np.arange(4, dtype='<f4')");
  assert.throws(() => parseNpy(good.subarray(0, good.length - 1)), /data is 15 bytes/);
  assert.throws(() => parseNpy(new Uint8Array(20)), /bad magic/);
});

Deno.test("npyHeader() writes a header numpy loads, data 64-byte aligned", async () => {
  const header = npyHeader("INT16", [2, 2]);
  assert.equal(header.length % 64, 0);
  const data = new Int16Array([1, -2, 3, -4]);
  const file = new Uint8Array(header.length + data.byteLength);
  file.set(header);
  file.set(new Uint8Array(data.buffer), header.length);
  const path = await Deno.makeTempFile({ suffix: ".npy" });
  try {
    await Deno.writeFile(path, file);
    const out = await python(
      `import numpy as np; a = np.load(${
        JSON.stringify(path)
      }); print(a.dtype.str, a.shape, a.tolist())`,
    );
    assert.equal(new TextDecoder().decode(out).trim(), "<i2 (2, 2) [[1, -2], [3, -4]]");
  } finally {
    await Deno.remove(path);
  }
  assert.deepEqual(parseNpy(file).shape, [2, 2]);
  assert.deepEqual(parseNpy(concat(npyHeader("FLOAT", []), [0, 0, 0x80, 0x3f])).shape, []);
  assert.deepEqual(parseNpy(concat(npyHeader("BOOL", [3]), [1, 0, 1])).dtype, "BOOL");
});

Deno.test("npyHeader() switches to version 2.0 for headers past 64 KiB", () => {
  const shape = Array.from({ length: 25_000 }, () => 1);
  const header = npyHeader("UINT8", shape);
  assert.equal(header[6], 2);
  assert.deepEqual(parseNpy(concat(header, [9])).shape.length, 25_000);
});

function concat(header: Uint8Array, bytes: number[]): Uint8Array {
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}
