import assert from "node:assert/strict";
import { PipelineCache, PipelineDevice } from "./pipeline_cache.ts";

function fakeDevice(fail: (code: string) => boolean) {
  const compiled: string[] = [];
  const device: PipelineDevice = {
    createShaderModule: (d) =>
      ({ label: d.label ?? "", code: d.code }) as unknown as GPUShaderModule,
    createComputePipelineAsync: (d) => {
      const module = d.compute.module as unknown as { code: string };
      compiled.push(d.label ?? "");
      return fail(module.code)
        ? Promise.reject(new Error("compile error"))
        : Promise.resolve({ label: d.label } as unknown as GPUComputePipeline);
    },
  };
  return { device, compiled };
}

Deno.test("PipelineCache.get() compiles each kernel key once, even when asked concurrently", async () => {
  const { device, compiled } = fakeDevice(() => false);
  const cache = new PipelineCache(device);
  const kernel = { key: "relu:f32", source: "fn main() {}" };
  const [a, b] = await Promise.all([cache.get(kernel), cache.get(kernel)]);
  assert.equal(a, b);
  await cache.get({ key: "add:f32", source: "x" });
  assert.deepEqual(compiled, ["relu:f32", "add:f32"]);
  assert.equal(cache.size, 2);
});

Deno.test("PipelineCache.get() does not cache a failed compile", async () => {
  let broken = true;
  const { device, compiled } = fakeDevice(() => broken);
  const cache = new PipelineCache(device);
  const kernel = { key: "k", source: "bad" };
  await assert.rejects(cache.get(kernel), /compile error/);
  broken = false;
  await cache.get(kernel);
  assert.equal(compiled.length, 2);
});
