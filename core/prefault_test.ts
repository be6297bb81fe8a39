import assert from "node:assert/strict";
import { prefault, PREFAULT_BYTES_MIN } from "./prefault.ts";

const MIB = 1024 * 1024;

/** Resident memory of this process, in bytes (Linux). */
function residentBytes(): number {
  const pages = Number(Deno.readTextFileSync("/proc/self/statm").split(" ")[1]);
  return pages * 4096;
}

Deno.test("prefault() makes fresh memory resident without changing it", {
  ignore: Deno.build.os !== "linux",
}, async () => {
  // Fresh pages are not resident until touched; an offset start tests the page rounding.
  const bytes = new Uint8Array(new ArrayBuffer(64 * MIB), 100, 64 * MIB - 200);
  const before = residentBytes();
  assert.equal(await prefault(bytes), true);
  const grown = residentBytes() - before;
  assert.ok(grown >= 60 * MIB, `resident memory grew by ${grown} bytes`);
  assert.ok(bytes.every((b) => b === 0));
});

Deno.test("prefault() leaves small buffers alone", async () => {
  assert.equal(await prefault(new Uint8Array(PREFAULT_BYTES_MIN - 1)), false);
});
