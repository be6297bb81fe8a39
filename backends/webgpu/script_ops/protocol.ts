/**
 * Messages between a script worker (the client: the interpreter's GPU tensor ops) and its
 * script GPU worker (the server: our WebGPU executor's ops over one device). Requests go
 * client → server on one MessagePort and are handled strictly in order. `op`, `upload` and
 * `end` are posted without waiting; only `probe` and `read` are answered: the server posts the
 * reply and then flips the shared flag the client blocks on (`Atomics.wait`), so the
 * interpreter stays synchronous while the GPU work stays asynchronous.
 *
 * Values are named by handles the client allocates, valid until the run's `end`; views share
 * a handle under another shape. Every value is 4 bytes an element on the GPU (float32 → f32,
 * int32/int64 → i32, bool → u32).
 */
import type { AttributeValue } from "../graph.ts";
import type { HostTensor, TensorType } from "../host_tensor.ts";

/** A value on the GPU as an op reads or writes it. */
export interface GpuValue {
  readonly handle: number;
  readonly type: TensorType;
  readonly shape: readonly number[];
}

/** A value to read back: its first `count` elements. */
export interface GpuRead {
  readonly handle: number;
  readonly count: number;
}

/** An op input: a value on the GPU, or host values sent with the op (scalars, shapes). */
export type GpuInput = GpuValue | { readonly host: HostTensor };

export type ScriptGpuRequest =
  /** Whether the server has a device; answered. */
  | { readonly kind: "probe" }
  /** Copies host values into a new GPU value. */
  | { readonly kind: "upload"; readonly handle: number; readonly host: HostTensor }
  /** Runs one node of the executor's op set (`backends/webgpu/ops/registry.ts`). */
  | {
    readonly kind: "op";
    readonly opType: string;
    readonly opset: number;
    readonly attributes: readonly (readonly [string, AttributeValue])[];
    readonly inputs: readonly GpuInput[];
    readonly outputs: readonly GpuValue[];
  }
  /** The bytes of GPU values (4 per element); answered. */
  | { readonly kind: "read"; readonly values: readonly GpuRead[] }
  /** The run is over: every value is released; `cpuOps` counts the ops the client kept. */
  | { readonly kind: "end"; readonly gpuOps: number; readonly cpuOps: number };

export type ScriptGpuReply =
  | { readonly kind: "probe"; readonly available: boolean; readonly detail: string }
  | { readonly kind: "read"; readonly buffers: readonly ArrayBuffer[] }
  /** The first failure of the run (an op, the device, the memory cap). */
  | { readonly kind: "error"; readonly message: string };

/** What the server's thread is given at start. */
export interface ScriptGpuInit {
  readonly port: MessagePort;
  /** One Int32: 0 while a request is pending, 1 once its reply was posted. */
  readonly flag: Int32Array;
  /** Cap on the device's buffers in bytes (0: the device's own limit). */
  readonly memoryBytesMax: number;
  /** The main thread's GPU stats board, when INFO should see this worker. */
  readonly stats?: SharedArrayBuffer | undefined;
}
