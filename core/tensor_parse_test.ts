import assert from "node:assert/strict";
import { CommandError } from "./errors.ts";
import { parseTensorSet, TensorSetOptions } from "./tensor_parse.ts";
import { stringAt, Tensor, tensorBytes } from "./tensor.ts";

const encoder = new TextEncoder();
const options: TensorSetOptions = { limits: { bytesMax: 1024, rankMax: 4 } };

function args(...parts: (string | Uint8Array)[]): Uint8Array[] {
  return ["AI.TENSORSET", "k", ...parts].map((p) => typeof p === "string" ? encoder.encode(p) : p);
}

function set(...parts: (string | Uint8Array)[]): Tensor {
  return parseTensorSet(args(...parts), options);
}

/** The same bytes at an odd byte offset (as a small argument inside a receive slab). */
function withOffset(bytes: Uint8Array): Uint8Array {
  const slab = new Uint8Array(bytes.length + 1);
  slab.set(bytes, 1);
  return slab.subarray(1);
}

function fails(message: string, ...parts: (string | Uint8Array)[]): void {
  assert.throws(
    () => set(...parts),
    (e: unknown) => e instanceof CommandError && e.message === message,
    `${parts.join(" ")} should fail with ${message}`,
  );
}

Deno.test("parseTensorSet() builds tensors from VALUES, BLOB and nothing", () => {
  const v = set("float", "2", "VALUES", "1", "0.1");
  assert.equal(v.dtype, "FLOAT");
  assert.deepEqual(v.shape, [2]);
  assert.deepEqual([...v.data], [1, Math.fround(0.1)]);
  const b = set("INT16", "2", "blob", Uint8Array.of(1, 0, 255, 127));
  assert.deepEqual([...b.data], [1, 32767]);
  const z = set("UINT8", "2", "3");
  assert.deepEqual(z.shape, [2, 3]);
  assert.deepEqual([...z.data], [0, 0, 0, 0, 0, 0]);
  const big = set("INT64", "VALUES", "9223372036854775807");
  assert.deepEqual(big.shape, []);
  assert.deepEqual([...big.data], [9223372036854775807n]);
});

Deno.test("parseTensorSet() adopts a BLOB that owns its SharedArrayBuffer", () => {
  const blob = new Uint8Array(new SharedArrayBuffer(8));
  const t = set("FLOAT", "2", "BLOB", blob);
  assert.equal(t.data.buffer, blob.buffer);
  const small = Uint8Array.of(0, 0, 128, 63, 0, 0, 0, 64, 9);
  const copied = set("FLOAT", "2", "BLOB", small.subarray(0, 8));
  assert.notEqual(copied.data.buffer, small.buffer);
  assert.deepEqual([...copied.data], [1, 2]);
});

Deno.test("parseTensorSet() STRING VALUES take an optional trailing NUL", () => {
  const t = set("STRING", "2", "VALUES", "str_val1", "str_val2\0");
  assert.deepEqual(tensorBytes(t), encoder.encode("str_val1\0str_val2\0"));
  assert.equal(new TextDecoder().decode(stringAt(t, 1)), "str_val2");
  fails("ERR C-string value contains null character", "STRING", "1", "VALUES", "a\0b");
  fails("ERR C-string value contains null character", "STRING", "1", "VALUES", "a\0\0");
});

Deno.test("parseTensorSet() STRING BLOB counts NUL-terminated elements", () => {
  const t = set("STRING", "2", "BLOB", "a\0bc\0");
  assert.deepEqual([...(t.offsets ?? [])], [0, 2]);
  const text = "ERR Number of string elements in data blob does not match tensor length";
  fails(text, "STRING", "2", "BLOB", "a\0bc");
  fails(text, "STRING", "2", "BLOB", "a\0b\0c\0");
  fails(text, "STRING", "1", "BLOB", "");
});

Deno.test("parseTensorSet() BOOL BLOB leaves the last byte unchecked, like RedisAI", () => {
  assert.deepEqual([...set("BOOL", "3", "BLOB", Uint8Array.of(1, 0, 7)).data], [1, 0, 7]);
  fails("ERR BOOL tensor elements must be 0 or 1", "BOOL", "3", "BLOB", Uint8Array.of(2, 0, 1));
  const long = new Uint8Array(new SharedArrayBuffer(1003)).fill(1);
  assert.equal(set("BOOL", "1003", "BLOB", long).data.length, 1003);
  for (const at of [0, 5, 996, 1001]) {
    const bad = new Uint8Array(1003).fill(1);
    bad[at] = 3;
    fails("ERR BOOL tensor elements must be 0 or 1", "BOOL", "1003", "BLOB", bad.subarray(0));
    fails("ERR BOOL tensor elements must be 0 or 1", "BOOL", "1003", "BLOB", withOffset(bad));
  }
  const lastBad = new Uint8Array(1003).fill(1);
  lastBad[1002] = 3;
  assert.equal(set("BOOL", "1003", "BLOB", lastBad).data[1002], 3);
  fails("ERR invalid value", "BOOL", "1", "VALUES", "2");
});

Deno.test("parseTensorSet() reproduces RedisAI's error texts", () => {
  fails("wrong number of arguments for 'AI.TENSORSET' command", "FLOAT");
  fails("ERR invalid data type", "UINT32", "1");
  fails("ERR invalid data type", "FLOAT16", "VALUES", "1");
  for (const dim of ["0", "-1", "x", "1.5", "+2"]) {
    fails("ERR invalid or negative value found in tensor shape", "FLOAT", "2", dim);
  }
  const blobArity =
    "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command";
  fails(blobArity, "FLOAT", "1", "BLOB");
  fails(blobArity, "FLOAT", "1", "BLOB", "abcd", "x");
  const count = "ERR wrong number of values was given in 'AI.TENSORSET' command";
  fails(count, "FLOAT", "2", "VALUES", "1");
  fails(count, "FLOAT", "2", "VALUES", "1", "2", "3");
  fails(count, "FLOAT", "VALUES");
  fails("ERR data length does not match tensor shape and type", "FLOAT", "2", "BLOB", "abc");
  fails("ERR invalid value", "INT8", "2", "VALUES", "-1", "-128");
  fails("ERR invalid value", "INT32", "1", "VALUES", "1.87");
  fails("ERR invalid value", "FLOAT", "1", "VALUES", "nan");
});

Deno.test("parseTensorSet() refuses over-rank and oversized shapes before allocating", () => {
  fails("ERR tensor rank exceeds tensor-max-rank (4)", "FLOAT", "1", "1", "1", "1", "1");
  fails("ERR tensor size exceeds tensor-max-bytes (1024 bytes)", "FLOAT", "257");
  fails("ERR tensor size exceeds tensor-max-bytes (1024 bytes)", "STRING", "1025");
  fails(
    "ERR tensor size exceeds tensor-max-bytes (1024 bytes)",
    "INT8",
    "9223372036854775807",
    "9223372036854775807",
  );
  fails("ERR tensor size exceeds tensor-max-bytes (1024 bytes)", "FLOAT", "1000000", "1000000");
  const long = "x".repeat(600);
  fails(
    "ERR tensor size exceeds tensor-max-bytes (1024 bytes)",
    "STRING",
    "2",
    "VALUES",
    long,
    long,
  );
  assert.equal(set("FLOAT", "256").data.length, 256);
});

Deno.test("parseTensorSet() calls reserve() with the data size before storing", () => {
  const seen: number[] = [];
  const reserve = (n: number) => {
    seen.push(n);
    if (n > 100) throw new CommandError("OOM");
  };
  const run = (...parts: string[]) => parseTensorSet(args(...parts), { ...options, reserve });
  run("FLOAT", "4");
  run("DOUBLE", "2", "VALUES", "1", "2");
  assert.throws(() => run("FLOAT", "100"), /OOM/);
  assert.deepEqual(seen, [16, 16, 400]);
});
