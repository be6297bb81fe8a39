/**
 * The GPU side of scripts' tensor ops: runs single nodes of the WebGPU executor's op set (the
 * same `infer`/`encode` implementations and kernels that run ONNX graphs) on values a script
 * worker names by handle. A run's dispatches are recorded as they arrive and submitted in one
 * command buffer when the client reads a value, so a chain of ops costs one submission and
 * intermediate values never leave the GPU.
 *
 * Invariants: requests are handled one at a time in arrival order; every buffer a run
 * acquires is released at its `end`; after the first failure in a run the rest of its ops are
 * skipped and every read answers that failure. The server checks that the executor infers the
 * shapes and types the client computed, so the two can never silently disagree.
 */
import { Dispatch, encodeDispatches } from "../../../gpu/dispatch.ts";
import { asGpuError, GpuContext } from "../../../gpu/gpu_context.ts";
import type { GpuRuntime } from "../../../gpu/gpu_runtime.ts";
import { submitAndRead, uploadBytes, writeBytes } from "../../../gpu/readback.ts";
import { Bound, makeDispatches, PendingCall } from "../gpu_plan.ts";
import type { GraphNode } from "../graph.ts";
import { toGpuArray } from "../host_tensor.ts";
import { opFor } from "../ops/registry.ts";
import { elementCount, OpImpl, OpNode, ValueMeta } from "../ops/op.ts";
import type { GpuInput, GpuRead, GpuValue, ScriptGpuReply, ScriptGpuRequest } from "./protocol.ts";

const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Counters the server reports after every run. */
export interface ScriptGpuStats {
  runs: number;
  gpuOps: number;
  cpuOps: number;
}

/** A storage binding: the buffer and the bytes bound. */
/** Bytes of a value of `shape` on the GPU (4 per element, at least 4 so it can be bound). */
function gpuBytes(shape: readonly number[]): number {
  return Math.max(4, 4 * elementCount(shape));
}

export class ScriptOpServer {
  readonly #runtime: GpuRuntime;
  readonly #onRunEnd: (server: ScriptOpServer) => void;
  #context: GpuContext | undefined;
  readonly #values = new Map<number, GPUBuffer>();
  readonly #owned: GPUBuffer[] = [];
  #pending: Dispatch[] = [];
  #failure: string | undefined;
  readonly stats: ScriptGpuStats = { runs: 0, gpuOps: 0, cpuOps: 0 };

  constructor(runtime: GpuRuntime, options: { onRunEnd?: (server: ScriptOpServer) => void } = {}) {
    this.#runtime = runtime;
    this.#onRunEnd = options.onRunEnd ?? (() => {});
  }

  get runtime(): GpuRuntime {
    return this.#runtime;
  }

  /** Handles one request; the reply for `probe` and `read`, else `undefined`. */
  async handle(request: ScriptGpuRequest): Promise<ScriptGpuReply | undefined> {
    switch (request.kind) {
      case "probe":
        return await this.#probe();
      case "read":
        return await this.#read(request.values);
      case "end":
        this.#end(request.gpuOps, request.cpuOps);
        return undefined;
      default:
        if (this.#failure !== undefined) return undefined;
        try {
          const context = await this.#ensureContext();
          if (request.kind === "upload") {
            const { host } = request;
            const buffer = this.#acquire(context, gpuBytes(host.dims), "script-input");
            writeBytes(context, buffer, toGpuArray(host.type, host.data));
            this.#values.set(request.handle, buffer);
          } else {
            await this.#op(context, request);
          }
        } catch (error) {
          this.#fail(error);
        }
        return undefined;
    }
  }

  async #probe(): Promise<ScriptGpuReply> {
    try {
      const context = await this.#runtime.acquire();
      const { description, device, vendor } = context.adapter;
      return { kind: "probe", available: true, detail: description || device || vendor };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { kind: "probe", available: false, detail };
    }
  }

  /** The run's device: acquired by its first request and kept to its end. */
  async #ensureContext(): Promise<GpuContext> {
    if (this.#context === undefined) this.#context = await this.#runtime.acquire();
    this.#context.checkAlive();
    return this.#context;
  }

  #acquire(context: GpuContext, bytes: number, label: string): GPUBuffer {
    const buffer = context.pool.acquire(bytes, STORAGE_USAGE, label);
    this.#owned.push(buffer);
    return buffer;
  }

  #buffer(handle: number): GPUBuffer {
    const buffer = this.#values.get(handle);
    if (buffer === undefined) throw new Error(`inferdb internal: GPU value ${handle} is unknown`);
    return buffer;
  }

  async #op(
    context: GpuContext,
    request: Extract<ScriptGpuRequest, { kind: "op" }>,
  ): Promise<void> {
    const impl = opFor("", request.opType);
    if (impl?.encode === undefined) {
      throw new Error(`inferdb internal: no GPU op ${request.opType} for scripts`);
    }
    const hostInputs = new Set(impl.hostInputs ?? []);
    const node: GraphNode = {
      name: "script",
      opType: request.opType,
      domain: "",
      inputs: request.inputs.map((_, i) => `in${i}`),
      outputs: request.outputs.map((_, i) => `out${i}`),
      attributes: new Map(request.attributes),
    };
    const op: OpNode = {
      node,
      opset: request.opset,
      inputs: request.inputs.map((input, i) => metaOf(input, hostInputs.has(i))),
    };
    const outputs = inferChecked(impl, op, request.outputs);
    const calls = impl.encode(op, outputs);
    const inputs = request.inputs.map((input, i): Bound | undefined => {
      if (hostInputs.has(i)) return undefined;
      if (!("host" in input)) return [this.#buffer(input.handle), gpuBytes(input.shape)];
      const bytes = toGpuArray(input.host.type, input.host.data);
      const buffer = uploadBytes(context, bytes, STORAGE_USAGE, "script-constant");
      this.#owned.push(buffer);
      return [buffer, gpuBytes(input.host.dims)];
    });
    // Outputs get fresh buffers (never an input's), so no dispatch reads and writes one buffer.
    const produced = request.outputs.map((value): Bound => {
      const bytes = gpuBytes(value.shape);
      const buffer = this.#acquire(context, bytes, `script-${request.opType}`);
      this.#values.set(value.handle, buffer);
      return [buffer, bytes];
    });
    const pending = calls.map((call): PendingCall => ({
      call,
      buffers: call.bindings.map((binding) => {
        const bound = "input" in binding ? inputs[binding.input] : produced[binding.output];
        if (bound === undefined) throw new Error(`inferdb internal: ${request.opType} binding`);
        return bound;
      }),
    }));
    this.#pending.push(
      ...await makeDispatches(context, pending, this.#owned, "script-uniforms"),
    );
  }

  /** Submits the recorded dispatches with copies of `values` and reads them back. */
  async #read(values: readonly GpuRead[]): Promise<ScriptGpuReply> {
    if (this.#failure !== undefined) return { kind: "error", message: this.#failure };
    const context = this.#context;
    try {
      if (context === undefined) throw new Error("inferdb internal: read before any GPU value");
      const sources = values.map(({ handle, count }) => ({
        buffer: this.#buffer(handle),
        byteLength: 4 * count,
      }));
      const dispatches = this.#pending;
      this.#pending = [];
      const buffers = await context.guard(() => {
        const encoder = context.device.createCommandEncoder({ label: "inferdb-script" });
        encodeDispatches(encoder, dispatches, "inferdb-script");
        return submitAndRead(context, encoder, sources);
      });
      return { kind: "read", buffers };
    } catch (error) {
      this.#fail(error);
      return { kind: "error", message: this.#failure ?? "GPU: read failed" };
    }
  }

  #fail(error: unknown): void {
    const context = this.#context;
    // A lost device explains whatever failed after it; other errors keep their own text.
    const failure = context?.lost === true ? asGpuError(context, error) : error;
    this.#failure ??= failure instanceof Error ? failure.message : String(failure);
  }

  #end(gpuOps: number, cpuOps: number): void {
    // Dispatches never read are dropped unsubmitted: nothing can observe their results.
    this.#pending = [];
    const context = this.#context;
    if (context !== undefined && !context.lost) {
      for (const buffer of this.#owned) context.pool.release(buffer);
    }
    this.#owned.length = 0;
    this.#values.clear();
    this.#context = undefined;
    this.#failure = undefined;
    this.stats.runs++;
    this.stats.gpuOps += gpuOps;
    this.stats.cpuOps += cpuOps;
    this.#onRunEnd(this);
  }
}

function metaOf(input: GpuInput, host: boolean): ValueMeta {
  if (!("host" in input)) return { type: input.type, shape: input.shape };
  const meta = { type: input.host.type, shape: input.host.dims };
  return host ? { ...meta, host: input.host } : meta;
}

/** The executor's outputs for `op`, failing unless they are exactly what the client expects. */
function inferChecked(impl: OpImpl, op: OpNode, expected: readonly GpuValue[]): ValueMeta[] {
  const outputs = impl.infer(op);
  const same = outputs.length === expected.length && outputs.every((meta, i) => {
    const want = expected[i];
    return want !== undefined && meta.host === undefined && meta.type === want.type &&
      meta.shape.length === want.shape.length && meta.shape.every((d, k) => d === want.shape[k]);
  });
  if (!same) {
    const text = (metas: readonly { type: string; shape: readonly number[] }[]) =>
      metas.map((m) => `${m.type}[${m.shape.join(",")}]`).join(" ");
    throw new Error(
      `inferdb internal: ${op.node.opType} gives ${text(outputs)}, the script expects ${
        text(expected)
      }`,
    );
  }
  return outputs;
}
