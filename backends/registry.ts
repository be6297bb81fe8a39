/**
 * Every model backend this build has, as data: its provider name, the device kind it serves
 * and whether it computes on the calling thread. The execution engine (`core/exec/`) picks
 * from this list per device queue (first available in preference order) and hosts the
 * thread-blocking ones in Workers, which look their backend up here by name.
 *
 * Adding a backend (e.g. our WebGPU graph executor) is one row here.
 */
import type { Backend } from "./backend.ts";
import { NATIVE_PROVIDER, NativeOnnxBackend } from "./onnx/native_backend.ts";
import { WASM_PROVIDER, WEBGPU_PROVIDER, WebOnnxBackend } from "./onnx/web_backend.ts";
import { GpuOnnxBackend, GpuOnnxSetup } from "./webgpu/gpu_onnx_backend.ts";
import { PROVIDER as WEBGPU_EXECUTOR } from "./webgpu/webgpu_session.ts";

/** Settings a backend may need at creation (sent to Workers as is, so plain data). */
export interface BackendSetup extends GpuOnnxSetup {
  /** Path of a libonnxruntime to use instead of onnxruntime-node's ("" for that one). */
  readonly onnxruntimeLib: string;
}

export type DeviceKind = "CPU" | "GPU";

export interface BackendEntry {
  readonly name: string;
  readonly device: DeviceKind;
  /**
   * True when `run()` computes on the calling JS thread (WASM): such a backend is hosted in
   * Workers, one request at a time each. False when runs already happen off the event loop.
   */
  readonly blocksThread: boolean;
  create(setup: BackendSetup): Backend;
}

/** In order of preference within a device kind. */
export const BACKENDS: readonly BackendEntry[] = [
  {
    name: NATIVE_PROVIDER,
    device: "CPU",
    blocksThread: false,
    create: (setup) => new NativeOnnxBackend(setup.onnxruntimeLib),
  },
  {
    name: WASM_PROVIDER,
    device: "CPU",
    blocksThread: true,
    create: () => new WebOnnxBackend("wasm"),
  },
  {
    name: WEBGPU_EXECUTOR,
    device: "GPU",
    blocksThread: true,
    create: (setup) => new GpuOnnxBackend(setup),
  },
  {
    name: WEBGPU_PROVIDER,
    device: "GPU",
    blocksThread: true,
    create: () => new WebOnnxBackend("webgpu"),
  },
];

/** The entry named `name`, if this build has it. */
export function backendEntry(name: string): BackendEntry | undefined {
  return BACKENDS.find((b) => b.name === name);
}
