/**
 * The process's WebGPU entry point (`navigator.gpu`, present in Deno with `--unstable-webgpu`),
 * limited to the native GPU APIs: Vulkan, Metal and DX12, not OpenGL. Left to itself, Deno's
 * wgpu also brings up its OpenGL backend on Linux, which loads Mesa's EGL and GBM libraries and
 * starts llvmpipe's GL threads beside the Vulkan device that compute actually uses. Nothing of
 * ours runs on that backend, and it costs memory, threads and, at process exit, a race in
 * those libraries' teardown that glibc sometimes reports as heap corruption.
 *
 * Deno reads `DENO_WEBGPU_BACKEND` when an isolate first asks for an adapter, so `webGpu()`
 * sets it (once, before its first use) unless the user already has: `DENO_WEBGPU_BACKEND=gl`
 * still selects OpenGL on a machine without a Vulkan driver.
 */

const BACKEND_VARIABLE = "DENO_WEBGPU_BACKEND";
const NATIVE_BACKENDS = "vulkan,metal,dx12";

let chosen = false;

function chooseBackends(): void {
  chosen = true;
  try {
    if (Deno.env.get(BACKEND_VARIABLE) === undefined) {
      Deno.env.set(BACKEND_VARIABLE, NATIVE_BACKENDS);
    }
  } catch {
    // No env permission: wgpu keeps its own choice.
  }
}

/** `navigator.gpu` on the native backends, or `undefined` without WebGPU. */
export function webGpu(): GPU | undefined {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) return undefined;
  if (!chosen) chooseBackends();
  return navigator.gpu;
}
