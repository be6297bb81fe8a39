import assert from "node:assert/strict";
import { prefault, PREFAULT_BYTES_MIN } from "./prefault.ts";

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;

/**
 * How many of the pages wholly inside `bytes` are resident, by `mincore` (exact for this
 * range, whatever the tests running beside this one allocate or free).
 */
function residentPages(bytes: Uint8Array): number {
  const lib = Deno.dlopen("libc.so.6", {
    mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
  });
  try {
    const start = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
    const first = Math.ceil(start / PAGE_BYTES) * PAGE_BYTES;
    const pages = Math.floor((start + bytes.byteLength - first) / PAGE_BYTES);
    const vec = new Uint8Array(pages);
    const at = Deno.UnsafePointer.create(BigInt(first));
    assert.equal(lib.symbols.mincore(at, BigInt(pages * PAGE_BYTES), vec), 0);
    return vec.reduce((n, v) => n + (v & 1), 0);
  } finally {
    lib.close();
  }
}

Deno.test("prefault() makes fresh memory resident without changing it", {
  ignore: Deno.build.os !== "linux",
}, async () => {
  // Fresh pages are not resident until touched; an offset start tests the page rounding.
  const bytes = new Uint8Array(new ArrayBuffer(64 * MIB), 100, 64 * MIB - 200);
  const pages = Math.floor((64 * MIB - PAGE_BYTES) / PAGE_BYTES);
  assert.ok(residentPages(bytes) < pages / 2, "fresh memory was already resident");
  assert.equal(await prefault(bytes), true);
  assert.ok(residentPages(bytes) >= pages - 1, "prefault() left pages out");
  assert.ok(bytes.every((b) => b === 0));
});

Deno.test("prefault() leaves small buffers alone", async () => {
  assert.equal(await prefault(new Uint8Array(PREFAULT_BYTES_MIN - 1)), false);
});
