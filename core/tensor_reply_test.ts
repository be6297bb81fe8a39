import assert from "node:assert/strict";
import { CommandError } from "./errors.ts";
import { DoubleReply } from "./reply.ts";
import { parseTensorGetFormat, tensorReply, tensorValues } from "./tensor_reply.ts";
import { numericTensor, stringOffsets, stringTensor, zeroTensor } from "./tensor.ts";

const encoder = new TextEncoder();
const argv = (...parts: string[]) => ["AI.TENSORGET", "k", ...parts].map((p) => encoder.encode(p));

Deno.test("parseTensorGetFormat() defaults to META BLOB and ORs tokens", () => {
  assert.deepEqual(parseTensorGetFormat(argv()), { meta: true, blob: true, values: false });
  assert.deepEqual(parseTensorGetFormat(argv("values", "Meta")), {
    meta: true,
    blob: false,
    values: true,
  });
  assert.deepEqual(parseTensorGetFormat(argv("BLOB", "BLOB")), {
    meta: false,
    blob: true,
    values: false,
  });
});

Deno.test("parseTensorGetFormat() reproduces RedisAI's errors", () => {
  const fails = (message: string, ...parts: string[]) =>
    assert.throws(
      () => parseTensorGetFormat(argv(...parts)),
      (e: unknown) => e instanceof CommandError && e.message === message,
    );
  fails("ERR unsupported data format", "JSON");
  fails("ERR both BLOB and VALUES specified", "BLOB", "VALUES");
  fails("wrong number of arguments for 'AI.TENSORGET' command", "META", "BLOB", "VALUES");
});

Deno.test("tensorReply() shapes META, BLOB and VALUES as RedisAI", () => {
  const t = numericTensor("FLOAT", [1, 2], new Uint8Array(new Float32Array([5, 10]).buffer));
  const blob = tensorReply(t, { meta: false, blob: true, values: false });
  assert.ok(blob instanceof Uint8Array);
  assert.equal(blob.buffer, t.data.buffer);
  assert.deepEqual(tensorReply(t, { meta: true, blob: false, values: false }), [
    "dtype",
    "FLOAT",
    "shape",
    [1, 2],
  ]);
  assert.deepEqual(tensorReply(t, { meta: true, blob: false, values: true }), [
    "dtype",
    "FLOAT",
    "shape",
    [1, 2],
    "values",
    [new DoubleReply(5), new DoubleReply(10)],
  ]);
});

Deno.test("tensorValues() gives integers, doubles, bigints and strings", () => {
  const i64 = numericTensor(
    "INT64",
    [2],
    new Uint8Array(new BigInt64Array([5n, 9223372036854775807n]).buffer),
  );
  assert.deepEqual(tensorValues(i64), [5, 9223372036854775807n]);
  assert.deepEqual(tensorValues(zeroTensor("BOOL", [2])), [0, 0]);
  const f = numericTensor("FLOAT", [1], new Uint8Array(new Float32Array([0.1]).buffer));
  assert.deepEqual(tensorValues(f), [new DoubleReply(0.10000000149011612)]);
  const blob = encoder.encode("a\0\0");
  const s = stringTensor([2], blob, stringOffsets(blob, 2) ?? new Uint32Array(0));
  assert.deepEqual(tensorValues(s), [encoder.encode("a"), new Uint8Array(0)]);
});
