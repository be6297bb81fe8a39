import assert from "node:assert/strict";
import { residentMemoryPages } from "../tests/helpers/page_residency.ts";
import { prefault, PREFAULT_BYTES_MIN } from "./prefault.ts";

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;

const residentCount = (bytes: Uint8Array) => residentMemoryPages(bytes).filter((r) => r).length;

Deno.test("prefault() makes fresh memory resident without changing it", {
  ignore: Deno.build.os !== "linux",
}, async () => {
  // Fresh pages are not resident until touched; an offset start tests the page rounding.
  const bytes = new Uint8Array(new ArrayBuffer(64 * MIB), 100, 64 * MIB - 200);
  const pages = Math.floor((64 * MIB - PAGE_BYTES) / PAGE_BYTES);
  assert.ok(residentCount(bytes) < pages / 2, "fresh memory was already resident");
  assert.equal(await prefault(bytes), true);
  assert.ok(residentCount(bytes) >= pages - 1, "prefault() left pages out");
  assert.ok(bytes.every((b) => b === 0));
});

Deno.test("prefault() leaves small buffers alone", async () => {
  assert.equal(await prefault(new Uint8Array(PREFAULT_BYTES_MIN - 1)), false);
});
