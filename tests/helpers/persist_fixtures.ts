/**
 * Keyspace fixtures for persistence tests: one key of every entry type and every tensor dtype
 * (binary keys, empty values, expiry times, several databases), a deep comparison of two
 * keyspaces that checks tensor bytes exactly, and temporary data directories.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DTYPES } from "../../core/dtype.ts";
import type { DType } from "../../core/dtype.ts";
import { hashBytes, Keyspace, listBytes, stringBytes } from "../../core/keyspace.ts";
import type { Entry } from "../../core/keyspace.ts";
import { PackedList } from "../../core/packed_list.ts";
import {
  numericTensor,
  stringOffsets,
  stringTensor,
  tensorBytes,
  tensorEntryBytes,
} from "../../core/tensor.ts";
import type { Tensor } from "../../core/tensor.ts";

const enc = new TextEncoder();

/** A tensor of `dtype` with distinct, valid element bytes. */
export function sampleTensor(dtype: DType, shape: readonly number[], seed = 1): Tensor {
  if (dtype === "STRING") {
    const blob = enc.encode("alpha\0\u05e9\u05dc\u05d5\u05dd\0\0x\0".repeat(shape[0] ?? 1));
    const offsets = stringOffsets(blob, 4 * (shape[0] ?? 1));
    assert(offsets !== undefined);
    return stringTensor([4 * (shape[0] ?? 1)], blob, offsets);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(count * DTYPES[dtype].bytes);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = dtype === "BOOL" ? (i + seed) % 2 : i * 7 + seed;
  }
  return numericTensor(dtype, shape, bytes);
}

/** Stores one key of every type (and every dtype) across databases 0, 3 and 15. */
export function fillAllTypes(ks: Keyspace, nowMs: number): void {
  const db0 = ks.db(0);
  const str = enc.encode("hello\r\n\0world");
  db0.set("str", { type: "string", value: str, bytes: stringBytes(str) });
  db0.set("empty", {
    type: "string",
    value: new Uint8Array(0),
    bytes: stringBytes(new Uint8Array(0)),
  });
  db0.set("bin\x00\xff\x80key", {
    type: "string",
    value: new Uint8Array([0, 255, 128]),
    bytes: 19,
  });
  const hash = new Map([["f1", enc.encode("v1")], ["\x00\xfe", new Uint8Array([1, 0, 2])], [
    "e",
    new Uint8Array(0),
  ]]);
  db0.set("{ds}.meta", { type: "hash", value: hash, bytes: hashBytes(hash) });
  const list = PackedList.from([enc.encode("a"), new Uint8Array(0), enc.encode("{ds}")]);
  db0.set("list", { type: "list", value: list, bytes: listBytes(list) });
  db0.set("ttl", { type: "string", value: enc.encode("soon"), bytes: 20 });
  db0.setExpire("ttl", nowMs + 3_600_000);
  const db3 = ks.db(3);
  for (const dtype of Object.keys(DTYPES) as DType[]) {
    const tensor = sampleTensor(dtype, [2, 3]);
    db3.set(`t:${dtype}`, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
  }
  const scalar = sampleTensor("DOUBLE", []);
  db3.set("t:scalar", { type: "tensor", value: scalar, bytes: tensorEntryBytes(scalar) });
  const big = sampleTensor("FLOAT", [3, 1024, 200]);
  ks.db(15).set("t:big", { type: "tensor", value: big, bytes: tensorEntryBytes(big) });
}

function digest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function comparableValue(e: Entry): unknown {
  switch (e.type) {
    case "string":
      return [...e.value];
    case "hash":
      return [...e.value].map(([f, v]) => [f, [...v]]);
    case "list":
      return [...e.value].map((v) => [...v]);
    case "tensor":
      return {
        dtype: e.value.dtype,
        shape: [...e.value.shape],
        sha256: digest(tensorBytes(e.value)),
      };
    case "script": {
      const { device, tag, entryPoints, source } = e.value;
      return { device, tag, entryPoints, source: digest(source) };
    }
    case "model": {
      const { backend, device, tag, batchSize, minBatchSize, minBatchTimeoutMs } = e.value;
      const { inputs, outputs, blob } = e.value;
      return {
        options: [backend, device, tag, batchSize, minBatchSize, minBatchTimeoutMs],
        names: [inputs, outputs],
        blob: digest(blob),
      };
    }
  }
}

function comparable(ks: Keyspace): unknown[] {
  return ks.dbs.map((db) =>
    [...db.entries].map(([key, e]) => {
      return [key, e.type, e.bytes, db.ttlAt(key) ?? null, comparableValue(e)];
    })
  );
}

/** Asserts that two keyspaces hold the same keys, types, values, sizes and expiry times. */
export function assertSameKeyspace(actual: Keyspace, expected: Keyspace): void {
  assert.deepStrictEqual(comparable(actual), comparable(expected));
  assert.equal(actual.usedBytes, expected.usedBytes);
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "inferdb-persist-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
