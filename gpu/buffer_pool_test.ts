import assert from "node:assert/strict";
import { BufferDevice, BufferPool, sizeClassBytes } from "./buffer_pool.ts";
import { GpuError } from "./gpu_error.ts";

/** A device whose buffers are plain objects and whose queue finishes when told to. */
function fakeDevice() {
  const created: { size: number; destroyed: boolean }[] = [];
  let finish: () => void = () => {};
  const device: BufferDevice = {
    createBuffer(descriptor) {
      const record = {
        size: descriptor.size,
        usage: descriptor.usage,
        label: "",
        destroyed: false,
        destroy: () => (record.destroyed = true),
      };
      created.push(record);
      return record as unknown as GPUBuffer;
    },
    queue: {
      onSubmittedWorkDone: () =>
        new Promise<undefined>((resolve) => (finish = () => resolve(undefined))),
    },
  };
  return { device, created, finishWork: () => finish() };
}

const STORAGE = 0x80;

Deno.test("sizeClassBytes() rounds up to quarter powers of two, at least 256", () => {
  assert.equal(sizeClassBytes(1), 256);
  assert.equal(sizeClassBytes(256), 256);
  assert.equal(sizeClassBytes(257), 320);
  assert.equal(sizeClassBytes(600), 640);
  assert.equal(sizeClassBytes(1000), 1024);
  assert.equal(sizeClassBytes(1025), 1280);
  assert.equal(sizeClassBytes(3 * 2 ** 20 + 1), 3.5 * 2 ** 20);
});

Deno.test("BufferPool.acquire() reuses a released buffer only after the queue's work is done", async () => {
  const { device, created, finishWork } = fakeDevice();
  const pool = new BufferPool(device, { bytesMax: 0 });
  const first = pool.acquire(1000, STORAGE, "a");
  pool.release(first);
  await Promise.resolve();
  const second = pool.acquire(1000, STORAGE, "b");
  assert.notEqual(second, first, "reused while work may still read it");
  finishWork();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const third = pool.acquire(900, STORAGE, "c");
  assert.equal(third, first);
  assert.equal(third.label, "c");
  assert.equal(created.length, 2);
  assert.equal(
    pool.acquire(1000, 0x01 | 0x08, "staging") === first,
    false,
    "usage is part of the key",
  );
});

Deno.test("BufferPool counts memory and refuses past its cap with a clear error", async () => {
  const { device, created, finishWork } = fakeDevice();
  const pool = new BufferPool(device, { bytesMax: 2048 });
  const a = pool.acquire(1024, STORAGE, "a");
  pool.acquire(1024, STORAGE, "b");
  assert.deepEqual(pool.stats(), {
    bytesAllocated: 2048,
    bytesInUse: 2048,
    bytesPeak: 2048,
    bytesMax: 2048,
    buffers: 2,
    buffersFree: 0,
  });
  assert.throws(
    () => pool.acquire(512, STORAGE, "c"),
    (e) =>
      e instanceof GpuError && e.kind === "out_of_memory" &&
      e.message === "GPU memory cap exceeded: 512 bytes requested, 2048 of 2048 in use",
  );
  // A free buffer is destroyed to make room before a request is refused.
  pool.release(a);
  await Promise.resolve();
  finishWork();
  await new Promise((resolve) => setTimeout(resolve, 0));
  pool.acquire(512, STORAGE, "c");
  assert.equal(created[0]?.destroyed, true);
  assert.equal(pool.stats().bytesAllocated, 1024 + 512);
});

Deno.test("BufferPool.destroyAll() destroys every buffer and ignores later releases", () => {
  const { device, created } = fakeDevice();
  const pool = new BufferPool(device, { bytesMax: 0 });
  const a = pool.acquire(300, STORAGE, "a");
  pool.destroyAll();
  pool.release(a);
  assert.ok(created.every((b) => b.destroyed));
  assert.equal(pool.stats().bytesAllocated, 0);
  assert.equal(pool.stats().buffers, 0);
});
