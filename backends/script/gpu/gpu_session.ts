/**
 * A script worker's end of its GPU worker (`backends/webgpu/script_ops/`): handles for GPU
 * values, uploads, ops posted without waiting, and blocking reads. Values live for one script
 * call (`run`); at its end the server releases them all.
 *
 * Residency: an op's result is a `ScriptTensor` over a `GpuStorage`, read back only when the
 * interpreter needs its elements (indexing, printing, a CPU-only op, the call's outputs).
 * Host storage uploaded once is remembered for the call, so a tensor used by several GPU ops
 * crosses over once; an in-place write to host storage forgets its GPU copy (the session is
 * the call's `StorageWatcher`).
 */
import type { DType, NumericData } from "../../../core/dtype.ts";
import type { AttributeValue } from "../../webgpu/graph.ts";
import type { HostTensor, TensorType } from "../../webgpu/host_tensor.ts";
import type {
  GpuInput,
  GpuValue,
  ScriptGpuReply,
  ScriptGpuRequest,
} from "../../webgpu/script_ops/protocol.ts";
import {
  LazyStorage,
  opError,
  ScriptTensor,
  StorageWatcher,
  uncharged,
  withStorageWatcher,
} from "../ops/script_tensor.ts";
import { type BlockingPort, PeerGoneError } from "../worker/blocking_port.ts";

/** Script dtypes GPU values can have, and their executor types. */
export const GPU_TYPES: Readonly<Partial<Record<DType, TensorType>>> = {
  FLOAT: "float32",
  INT32: "int32",
  BOOL: "bool",
  INT64: "int64",
};

/** Storage of a GPU value; its host copy is read on first use and shared by every view. */
export class GpuStorage implements LazyStorage {
  #host: NumericData | undefined;

  constructor(
    readonly session: GpuSession,
    readonly run: number,
    readonly handle: number,
    readonly dtype: DType,
    readonly count: number,
  ) {}

  /** The host copy, once read. */
  get host(): NumericData | undefined {
    return this.#host;
  }

  read(): NumericData {
    if (this.#host === undefined) this.session.readBack([this]);
    return this.#host as NumericData;
  }

  /** Takes the host copy read back for this storage (the first one wins). */
  adopt(host: NumericData): void {
    this.#host ??= host;
  }
}

/** An op for the GPU worker: one node of the executor's op set. */
export interface GpuNode {
  readonly opType: string;
  readonly opset: number;
  readonly attributes?: readonly (readonly [string, AttributeValue])[];
  readonly inputs: readonly GpuInput[];
}

export class GpuSession implements StorageWatcher {
  readonly #port: BlockingPort<ScriptGpuRequest, ScriptGpuReply>;
  #probed: { available: boolean; detail: string } | undefined;
  #run = 0;
  #active = false;
  #nextHandle = 1;
  /** Host storage already on the GPU this call, by identity. */
  #copies = new WeakMap<NumericData, number>();
  gpuOps = 0;
  cpuOps = 0;

  constructor(port: BlockingPort<ScriptGpuRequest, ScriptGpuReply>) {
    this.#port = port;
  }

  /** Whether the GPU worker has a device (asked once). */
  available(): boolean {
    if (this.#probed === undefined) {
      try {
        const reply = this.#port.call({ kind: "probe" });
        this.#probed = reply.kind === "probe"
          ? { available: reply.available, detail: reply.detail }
          : { available: false, detail: reply.kind === "error" ? reply.message : "" };
      } catch (error) {
        // The GPU worker is gone: this worker's scripts compute on the CPU.
        if (!(error instanceof PeerGoneError)) throw error;
        this.#probed = { available: false, detail: error.message };
      }
    }
    return this.#probed.available;
  }

  /** Runs one script call; every GPU value it made is released when it returns. */
  call<T>(fn: () => T): T {
    if (this.#active) throw new Error("inferdb internal: nested GPU script call");
    this.#active = true;
    this.#run++;
    this.gpuOps = 0;
    this.cpuOps = 0;
    try {
      return withStorageWatcher(this, fn);
    } finally {
      this.#active = false;
      this.#copies = new WeakMap();
      this.#port.post({ kind: "end", gpuOps: this.gpuOps, cpuOps: this.cpuOps });
    }
  }

  written(data: NumericData): void {
    this.#copies.delete(data);
  }

  /** `t` as an op input: its GPU value, uploaded first if it only lives on the host. */
  input(t: ScriptTensor): GpuValue {
    const type = GPU_TYPES[t.dtype];
    if (type === undefined) throw new Error(`inferdb internal: ${t.dtype} on the GPU`);
    const lazy = t.lazy;
    if (
      lazy instanceof GpuStorage && lazy.session === this && lazy.run === this.#run &&
      lazy.host === undefined
    ) {
      return { handle: lazy.handle, type, shape: t.shape };
    }
    // The GPU holds int64 as int32: only values computed there (indices) may be int64.
    if (t.dtype === "INT64") throw new Error("inferdb internal: int64 host values on the GPU");
    const data = t.data;
    let handle = this.#copies.get(data);
    if (handle === undefined) {
      handle = this.#nextHandle++;
      // A copy: the script may write its storage before the GPU worker gets to the upload.
      const copy = data.slice();
      const host: HostTensor = { type, dims: t.shape, data: copy };
      this.#port.post({ kind: "upload", handle, host }, [copy.buffer as ArrayBuffer]);
      this.#copies.set(data, handle);
    }
    return { handle, type, shape: t.shape };
  }

  /**
   * Posts `node` and returns its outputs, of `outputs` dtypes and shapes, as tensors over GPU
   * storage (already charged to the call's budget by the caller).
   */
  op(node: GpuNode, outputs: readonly (readonly [DType, readonly number[]])[]): ScriptTensor[] {
    const values: GpuValue[] = [];
    const tensors = outputs.map(([dtype, shape]) => {
      const type = GPU_TYPES[dtype];
      if (type === undefined) throw new Error(`inferdb internal: ${dtype} on the GPU`);
      const handle = this.#nextHandle++;
      values.push({ handle, type, shape });
      const count = shape.reduce((a, b) => a * b, 1);
      return new ScriptTensor(dtype, shape, new GpuStorage(this, this.#run, handle, dtype, count));
    });
    this.#port.post({
      kind: "op",
      opType: node.opType,
      opset: node.opset,
      attributes: node.attributes ?? [],
      inputs: node.inputs,
      outputs: values,
    });
    return tensors;
  }

  /** Reads the elements of `tensors` still on the GPU back together (one wait, not one each). */
  settle(tensors: readonly ScriptTensor[]): void {
    const pending = new Set<GpuStorage>();
    for (const t of tensors) {
      const lazy = t.lazy;
      if (lazy instanceof GpuStorage && lazy.session === this && lazy.host === undefined) {
        pending.add(lazy);
      }
    }
    if (pending.size > 0) this.readBack([...pending]);
  }

  /** Reads GPU values back (blocking until the GPU worker has run everything before). */
  readBack(storages: readonly GpuStorage[]): void {
    if (storages.some((s) => s.session !== this || s.run !== this.#run) || !this.#active) {
      throw new Error("inferdb internal: GPU value read outside its script call");
    }
    const values = storages.map((s) => ({ handle: s.handle, count: s.count }));
    const reply = this.#port.call({ kind: "read", values });
    if (reply.kind === "error") throw opError(reply.message);
    const buffers = reply.kind === "read" ? reply.buffers : [];
    storages.forEach((storage, i) => {
      const bytes = buffers[i];
      if (bytes === undefined) throw new Error("inferdb internal: GPU read without bytes");
      const data = hostData(storage.dtype, bytes, storage.count);
      this.#copies.set(data, storage.handle);
      storage.adopt(data);
    });
  }
}

/** Host storage of `dtype` from GPU bytes (f32, i32 or u32, 4 per element). */
function hostData(dtype: DType, bytes: ArrayBuffer, count: number): NumericData {
  const data = uncharged(dtype, count);
  if (dtype === "FLOAT") (data as Float32Array).set(new Float32Array(bytes, 0, count));
  else if (dtype === "BOOL") (data as Uint8Array).set(new Uint32Array(bytes, 0, count));
  else {
    const source = new Int32Array(bytes, 0, count);
    if (data instanceof BigInt64Array) {
      for (let i = 0; i < count; i++) data[i] = BigInt(source[i] as number);
    } else (data as Int32Array).set(source);
  }
  return data;
}
