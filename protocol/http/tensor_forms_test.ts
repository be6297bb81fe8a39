/** Tests for the HTTP tensor forms: JSON values ↔ BLOB bytes with RedisAI's error texts. */
import assert from "node:assert/strict";
import {
  blobToValues,
  joinCStrings,
  tensorFromJson,
  tensorToJson,
  valuesToBlob,
  wireTensorFromReply,
} from "./tensor_forms.ts";

Deno.test("valuesToBlob() writes little-endian elements, nested or flat, with exact INT64", () => {
  assert.deepEqual(
    Array.from(new Int16Array(valuesToBlob("INT16", [2, 2], [[1, -2], [3, -4]]).buffer)),
    [1, -2, 3, -4],
  );
  const big = valuesToBlob("INT64", [2], [9223372036854775807n, -5]);
  assert.deepEqual(Array.from(new BigInt64Array(big.buffer)), [9223372036854775807n, -5n]);
  const floats = valuesToBlob("FLOAT", [3], ["inf", "-inf", "nan"]);
  assert.deepEqual(Array.from(new Float32Array(floats.buffer)), [Infinity, -Infinity, NaN]);
  assert.deepEqual(Array.from(valuesToBlob("BOOL", [3], [true, false, 1])), [1, 0, 1]);
  assert.deepEqual(Array.from(valuesToBlob("STRING", [2], ["ab", ""])), [97, 98, 0, 0]);
  assert.equal(valuesToBlob("UINT8", [], [7])[0], 7);
});

Deno.test("valuesToBlob() refuses out-of-range, non-integer and miscounted values", () => {
  const value = { message: "ERR invalid value" };
  assert.throws(() => valuesToBlob("INT8", [1], [128]), value);
  assert.throws(() => valuesToBlob("INT8", [1], [-129]), value);
  assert.throws(() => valuesToBlob("UINT16", [1], [-1]), value);
  assert.throws(() => valuesToBlob("INT32", [1], [1.5]), value);
  assert.throws(() => valuesToBlob("BOOL", [1], [2]), value);
  assert.throws(() => valuesToBlob("INT64", [1], [2 ** 60]), value);
  assert.throws(() => valuesToBlob("INT64", [1], [2n ** 63n]), value);
  assert.throws(() => valuesToBlob("FLOAT", [1], ["1.5"]), value);
  assert.throws(() => valuesToBlob("STRING", [1], [1]), value);
  assert.throws(() => valuesToBlob("STRING", [1], ["a\0b"]), {
    message: "ERR C-string value contains null character",
  });
  const count = { message: "ERR wrong number of values was given in 'AI.TENSORSET' command" };
  assert.throws(() => valuesToBlob("FLOAT", [2, 2], [1, 2, 3]), count);
  assert.throws(() => valuesToBlob("FLOAT", [1], "1"), count);
  assert.throws(() => joinCStrings([new Uint8Array([0])]), /null character/);
});

Deno.test("tensorFromJson() checks dtype and shape; tensorToJson() inverts it", () => {
  assert.throws(() => tensorFromJson({ dtype: "UINT32", shape: [1], values: [1] }), {
    message: "ERR invalid data type",
  });
  for (const shape of [[0], [-1], [1.5], "2", ["2"]]) {
    assert.throws(() => tensorFromJson({ dtype: "FLOAT", shape, values: [1] }), {
      message: "ERR invalid or negative value found in tensor shape",
    });
  }
  assert.throws(() => tensorFromJson([1]), /a tensor is/);
  const t = tensorFromJson({ dtype: "double", shape: [1, 2], values: [0.5, -1e300] });
  assert.deepEqual(tensorToJson(t), { dtype: "DOUBLE", shape: [1, 2], values: [0.5, -1e300] });
  assert.deepEqual(blobToValues("BOOL", new Uint8Array([1, 0])), [true, false]);
  assert.deepEqual(blobToValues("STRING", new Uint8Array([104, 0, 0xff, 0])), [
    "h",
    { base64: "/w==" },
  ]);
  assert.deepEqual(blobToValues("FLOAT", new Uint8Array(new Float32Array([NaN]).buffer)), ["nan"]);
  const misaligned = new Uint8Array(5).subarray(1);
  assert.deepEqual(blobToValues("INT32", misaligned), [0]);
});

Deno.test("wireTensorFromReply() reads a META BLOB reply", () => {
  const blob = new Uint8Array([1, 2]);
  assert.deepEqual(wireTensorFromReply(["dtype", "UINT8", "shape", [2], "blob", blob]), {
    dtype: "UINT8",
    shape: [2],
    blob,
  });
  assert.throws(() => wireTensorFromReply("OK"), /unexpected tensor reply/);
});
