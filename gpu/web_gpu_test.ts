import assert from "node:assert/strict";
import { webGpu } from "./web_gpu.ts";

Deno.test("webGpu() keeps WebGPU off OpenGL unless DENO_WEBGPU_BACKEND says otherwise", {
  ignore: typeof navigator === "undefined" || !("gpu" in navigator),
}, async () => {
  const before = Deno.env.get("DENO_WEBGPU_BACKEND");
  const gpu = webGpu();
  assert.equal(gpu, navigator.gpu);
  const chosen = Deno.env.get("DENO_WEBGPU_BACKEND");
  // This call or an earlier one in this process chose, unless the user had.
  if (before === undefined) assert.equal(chosen, "vulkan,metal,dx12");
  const adapter = await gpu?.requestAdapter();
  if (adapter === null || adapter === undefined || Deno.build.os !== "linux") return;
  const device = await adapter.requestDevice();
  try {
    // Mesa's OpenGL stack (EGL, GBM) is loaded only when wgpu brings up its GL backend.
    const maps = Deno.readTextFileSync("/proc/self/maps");
    if (chosen === "vulkan,metal,dx12") assert.doesNotMatch(maps, /libEGL|libgbm/);
  } finally {
    device.destroy();
  }
});
