/**
 * The GPU half of planning: gives every value of a shape plan a buffer and turns kernel calls
 * into ready dispatches. Intermediate buffers are reused by lifetime: when a value is read for
 * the last time its buffer returns to the plan's free list, and a later value of a size that
 * fits takes it. Initializers come from the session's `ConstantBuffers` (uploaded once per
 * device); values folded at plan time are uploaded with the plan. All uniforms of a plan live
 * in one buffer, and bind groups are made here, so a run only writes inputs, encodes the
 * dispatch list and reads outputs back.
 */
import type { Dispatch } from "../../gpu/dispatch.ts";
import type { GpuContext } from "../../gpu/gpu_context.ts";
import { uploadBytes } from "../../gpu/readback.ts";
import { ConstantBuffers } from "./constant_buffers.ts";
import { Graph, GraphError } from "./graph.ts";
import { gpuElemBytes, HostTensor, toGpuArray } from "./host_tensor.ts";
import { elementCount, KernelCall, ValueMeta } from "./ops/op.ts";
import type { ShapePlan, Step } from "./shape_plan.ts";

/** Why a float16 graph can't run on a device without `shader-f16`. */
export const FLOAT16_UNSUPPORTED = "FLOAT16 tensors need the adapter's shader-f16 feature";

const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export interface PlanInput {
  readonly name: string;
  readonly meta: ValueMeta;
  readonly buffer: GPUBuffer;
}

export type PlanOutput =
  | {
    readonly name: string;
    readonly meta: ValueMeta;
    readonly buffer: GPUBuffer;
    readonly host?: undefined;
  }
  | {
    readonly name: string;
    readonly meta: ValueMeta;
    readonly host: HostTensor;
    readonly buffer?: undefined;
  };

export interface GpuPlan {
  readonly dispatches: readonly Dispatch[];
  readonly inputs: readonly PlanInput[];
  readonly outputs: readonly PlanOutput[];
  /** Returns every buffer the plan owns to the pool. */
  dispose(): void;
}

/** Bytes of a value on the GPU, rounded up to WebGPU's 4-byte granularity (at least 4). */
export function gpuBytes(meta: ValueMeta): number {
  return Math.max(4, Math.ceil((gpuElemBytes(meta.type) * elementCount(meta.shape)) / 4) * 4);
}

interface Storage {
  readonly buffer: GPUBuffer;
  /** Values still to be read from this buffer; it is free again when none is left. */
  readonly live: Set<string>;
  /** Intermediate buffers go back to the free list; inputs and constants never do. */
  readonly reusable: boolean;
}

/** A storage binding: the buffer and the bytes bound. */
/** A buffer bound to a kernel binding, with the bytes of it the binding covers. */
export type Bound = readonly [GPUBuffer, number];

/** A kernel call with a buffer for each of its bindings. */
export interface PendingCall {
  readonly call: KernelCall;
  readonly buffers: readonly Bound[];
}

/** Gives values buffers as the steps run in order, reusing buffers whose values are dead. */
class Allocator {
  /** Every buffer the plan holds from the pool (released by `dispose`). */
  readonly owned: GPUBuffer[] = [];
  readonly #free: GPUBuffer[] = [];
  readonly #storage = new Map<string, Storage>();

  constructor(
    readonly context: GpuContext,
    readonly graph: Graph,
    readonly plan: ShapePlan,
    readonly constants: ConstantBuffers,
  ) {}

  input(name: string, meta: ValueMeta): GPUBuffer {
    const buffer = this.context.pool.acquire(gpuBytes(meta), STORAGE_USAGE, name);
    this.owned.push(buffer);
    this.#storage.set(name, { buffer, live: new Set([name]), reusable: false });
    return buffer;
  }

  /** The buffer of a value: its own, or its constant uploaded now (once). */
  bufferOf(name: string): GPUBuffer {
    const found = this.#storage.get(name);
    if (found !== undefined) return found.buffer;
    const meta = this.plan.metas.get(name);
    if (meta?.host === undefined) throw new Error(`inferdb internal: value ${name} has no buffer`);
    const initializer = this.graph.initializers.has(name);
    const buffer = initializer
      ? this.constants.get(name, meta.host)
      : uploadBytes(this.context, toGpuArray(meta.type, meta.host.data), STORAGE_USAGE, name);
    if (!initializer) this.owned.push(buffer);
    this.#storage.set(name, { buffer, live: new Set([name]), reusable: false });
    return buffer;
  }

  /** The held buffer of a value, if it has one. */
  held(name: string): GPUBuffer | undefined {
    return this.#storage.get(name)?.buffer;
  }

  /** A buffer for a new intermediate value: the smallest free one that fits, or a new one. */
  produce(name: string, meta: ValueMeta): Bound {
    const bytes = gpuBytes(meta);
    const index = bestFit(this.#free, bytes);
    let buffer = index < 0 ? undefined : this.#free.splice(index, 1)[0];
    if (buffer === undefined) {
      buffer = this.context.pool.acquire(bytes, STORAGE_USAGE, name);
      this.owned.push(buffer);
    }
    this.#storage.set(name, { buffer, live: new Set([name]), reusable: true });
    return [buffer, bytes];
  }

  /** `to` names the same buffer as `from` (Reshape and friends). */
  alias(from: string, to: string): void {
    const source = this.#storage.get(from);
    if (source === undefined || to === "") return;
    source.live.add(to);
    this.#storage.set(to, source);
  }

  /** The value is dead: its buffer is free once no alias of it is alive. */
  retire(name: string): void {
    const held = this.#storage.get(name);
    if (held === undefined || !held.live.delete(name) || held.live.size > 0) return;
    if (held.reusable) this.#free.push(held.buffer);
  }
}

export async function buildGpuPlan(
  context: GpuContext,
  graph: Graph,
  plan: ShapePlan,
  constants: ConstantBuffers,
): Promise<GpuPlan> {
  const alloc = new Allocator(context, graph, plan, constants);
  try {
    const inputs = graph.inputs.map((value) => {
      const meta = plannedMeta(plan, value.name);
      return { name: value.name, meta, buffer: alloc.input(value.name, meta) };
    });
    const pending = plan.steps.flatMap((step, index) => bindStep(alloc, step, index));
    const dispatches = await makeDispatches(context, pending, alloc.owned);
    const outputs = graph.outputs.map((value): PlanOutput => {
      const meta = plannedMeta(plan, value.name);
      const held = alloc.held(value.name);
      if (held !== undefined) return { name: value.name, meta, buffer: held };
      if (meta.host !== undefined) return { name: value.name, meta, host: meta.host };
      return { name: value.name, meta, buffer: alloc.bufferOf(value.name) };
    });
    const dispose = () => alloc.owned.forEach((b) => context.pool.release(b));
    return { dispatches, inputs, outputs, dispose };
  } catch (error) {
    alloc.owned.forEach((b) => context.pool.release(b));
    throw error;
  }
}

function plannedMeta(plan: ShapePlan, name: string): ValueMeta {
  const meta = plan.metas.get(name);
  if (meta === undefined) throw new Error(`inferdb internal: value ${name} unplanned`);
  return meta;
}

/** Binds one step's buffers; returns its kernel calls with them. */
function bindStep(alloc: Allocator, step: Step, index: number): PendingCall[] {
  const inputs = step.node.inputs.map((name, i): Bound | undefined => {
    const meta = step.op.inputs[i];
    return name === "" || meta === undefined ? undefined : [alloc.bufferOf(name), gpuBytes(meta)];
  });
  const pending: PendingCall[] = [];
  if (step.kind === "alias") {
    alloc.alias(step.node.inputs[0] ?? "", step.node.outputs[0] ?? "");
  } else {
    // Outputs get buffers before the inputs retire, so no dispatch reads and writes one buffer.
    const outputs = step.outputs.map((meta, k) => alloc.produce(step.node.outputs[k] ?? "", meta));
    for (const call of step.calls) {
      const buffers = call.bindings.map((b) => {
        const found = "input" in b ? inputs[b.input] : outputs[b.output];
        if (found === undefined) {
          throw new Error(`inferdb internal: ${step.node.opType} binding missing`);
        }
        return found;
      });
      pending.push({ call, buffers });
    }
  }
  // Values read for the last time here (or never read) give their buffers back.
  for (const name of [...step.node.inputs, ...step.node.outputs]) {
    const last = alloc.plan.lastUse.get(name);
    if (name !== "" && (last === undefined || last <= index)) alloc.retire(name);
  }
  return pending;
}

/** The index of the smallest free buffer holding `bytes`, or -1. */
function bestFit(free: readonly GPUBuffer[], bytes: number): number {
  let best = -1;
  free.forEach((buffer, i) => {
    if (buffer.size >= bytes && (best < 0 || buffer.size < (free[best]?.size ?? Infinity))) {
      best = i;
    }
  });
  return best;
}

/**
 * Ready dispatches for `pending`: pipelines, one uniform buffer for all of them (added to
 * `owned`, labelled `label`), bind groups.
 */
export async function makeDispatches(
  context: GpuContext,
  pending: readonly PendingCall[],
  owned: GPUBuffer[],
  label = "uniforms",
): Promise<Dispatch[]> {
  if (pending.length === 0) return [];
  if (!context.shaderF16 && pending.some(({ call }) => call.kernel.f16)) {
    throw new GraphError(FLOAT16_UNSUPPORTED);
  }
  const pipelines = await Promise.all(
    pending.map(({ call }) => context.pipelines.get(call.kernel)),
  );
  const align = context.device.limits.minUniformBufferOffsetAlignment;
  const offsets: number[] = [];
  let total = 0;
  for (const { call } of pending) {
    offsets.push(total);
    total += Math.ceil(call.kernel.uniforms.byteLength / align) * align;
  }
  const bytes = new DataView(new ArrayBuffer(total));
  pending.forEach(({ call }, i) => call.kernel.uniforms.pack(call.uniforms, bytes, offsets[i]));
  const uniforms = uploadBytes(context, bytes, GPUBufferUsage.UNIFORM, label);
  owned.push(uniforms);
  return pending.map(({ call, buffers }, i) => {
    const pipeline = pipelines[i];
    if (pipeline === undefined) throw new Error("inferdb internal: pipeline missing");
    const entries: GPUBindGroupEntry[] = buffers.map(([buffer, size], binding) => ({
      binding,
      resource: { buffer, offset: 0, size },
    }));
    entries.push({
      binding: buffers.length,
      resource: {
        buffer: uniforms,
        offset: offsets[i] ?? 0,
        size: call.kernel.uniforms.byteLength,
      },
    });
    const bindGroup = context.device.createBindGroup({
      label: call.kernel.key,
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    return { pipeline, bindGroup, workgroups: [call.grid[0], call.grid[1], call.grid[2]] };
  });
}
