/**
 * A model loaded on our WebGPU executor: the `ModelSession` the run queues call. It keeps the
 * decoded graph in execution order, plans per distinct input-shape signature (planned at load
 * when the model's shapes are static), and runs a plan as one submission: write the inputs,
 * encode every dispatch into one compute pass, copy the outputs out, read them back.
 *
 * Device loss: a run on a lost device fails with the device-lost error; the next run finds a
 * fresh device through the runtime, re-uploads the weights and re-plans.
 */
import type { ModelSession, RunOptions, TensorSpec } from "../backend.ts";
import { CommandError } from "../../core/errors.ts";
import type { Tensor } from "../../core/tensor.ts";
import { encodeDispatches } from "../../gpu/dispatch.ts";
import type { GpuContext } from "../../gpu/gpu_context.ts";
import { asGpuError } from "../../gpu/gpu_context.ts";
import type { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { submitAndRead, writeBytes } from "../../gpu/readback.ts";
import { ConstantBuffers } from "./constant_buffers.ts";
import { buildGpuPlan, GpuPlan } from "./gpu_plan.ts";
import { Graph, GraphError, GraphNode } from "./graph.ts";
import { dtypeOf, fromGpuBytes, gpuElemBytes, tensorData, toGpuArray } from "./host_tensor.ts";
import { elementCount } from "./ops/op.ts";
import { planShapes } from "./shape_plan.ts";
import { checkInputs } from "./input_check.ts";
import { webgpuError } from "./webgpu_errors.ts";

/** Input-shape signatures planned per session (least recently used goes first). */
const PLANS_MAX = 4;

export const PROVIDER = "inferdb-webgpu";
const ABORTED = "Exiting due to terminate flag being set to true.";

export class WebGpuSession implements ModelSession {
  readonly provider = PROVIDER;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly #graph: Graph;
  readonly #order: readonly GraphNode[];
  readonly #runtime: GpuRuntime;
  #context: GpuContext | undefined;
  #constants: ConstantBuffers | undefined;
  readonly #plans = new Map<string, Promise<GpuPlan>>();
  #closed = false;

  constructor(graph: Graph, order: readonly GraphNode[], runtime: GpuRuntime) {
    this.#graph = graph;
    this.#order = order;
    this.#runtime = runtime;
    const spec = (v: Graph["inputs"][number]): TensorSpec => ({
      name: v.name,
      dtype: v.type === undefined ? undefined : dtypeOf(v.type),
      shape: v.shape?.map((d) => (typeof d === "number" && d >= 0 ? d : null)),
    });
    this.inputs = graph.inputs.map(spec);
    this.outputs = graph.outputs.map(spec);
  }

  /** Plans now when every input dim is static, so an unplannable model fails at load. */
  async prepare(): Promise<void> {
    const shapes = this.inputs.map((input) => input.shape);
    if (shapes.some((shape) => shape === undefined || shape.some((d) => d === null))) return;
    const context = await this.#ensureContext();
    await this.#plan(context, shapes as number[][]);
  }

  /**
   * Runs the model. A run is one GPU submission and can't be stopped midway; an abort signal
   * is honoured until the submission.
   */
  async run(inputs: readonly Tensor[], options: RunOptions = {}): Promise<Tensor[]> {
    if (this.#closed) throw new Error("inferdb internal: run on a closed session");
    checkInputs(this.#graph, inputs);
    try {
      const context = await this.#ensureContext();
      const plan = await this.#plan(context, inputs.map((t) => t.shape));
      // ONNX Runtime's kill-switch text, which RedisAI's MODEL_EXECUTION_TIMEOUT produces.
      if (options.signal?.aborted) throw new CommandError(ABORTED);
      try {
        return await context.guard(() => this.#execute(context, plan, inputs));
      } catch (error) {
        throw asGpuError(context, error);
      }
    } catch (error) {
      throw webgpuError(error);
    }
  }

  async #execute(context: GpuContext, plan: GpuPlan, inputs: readonly Tensor[]): Promise<Tensor[]> {
    plan.inputs.forEach((input, i) => {
      const tensor = inputs[i];
      if (tensor !== undefined) {
        writeBytes(context, input.buffer, toGpuArray(input.meta.type, tensor.data));
      }
    });
    const encoder = context.device.createCommandEncoder({ label: "inferdb-run" });
    encodeDispatches(encoder, plan.dispatches, "inferdb-run");
    const reads = plan.outputs.flatMap((o) =>
      o.buffer === undefined
        ? []
        : [{ buffer: o.buffer, byteLength: gpuElemBytes(o.meta.type) * elementCount(o.meta.shape) }]
    );
    const bytes = await submitAndRead(context, encoder, reads);
    let next = 0;
    return plan.outputs.map((output): Tensor => {
      const dtype = dtypeOf(output.meta.type);
      if (dtype === undefined) {
        throw new GraphError(`output ${output.name} has type ${output.meta.type}`);
      }
      const shape = [...output.meta.shape];
      if (output.host !== undefined) return { dtype, shape, data: tensorData(output.host.data) };
      const data = fromGpuBytes(
        output.meta.type,
        bytes[next++] ?? new ArrayBuffer(0),
        elementCount(shape),
      );
      return { dtype, shape, data: tensorData(data) };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#dropPlans();
    this.#constants?.releaseAll();
    this.#constants = undefined;
    this.#context = undefined;
  }

  /** The live context; after a device loss, a fresh one with the session's GPU state reset. */
  async #ensureContext(): Promise<GpuContext> {
    const context = await this.#runtime.acquire();
    if (context !== this.#context) {
      await this.#dropPlans();
      this.#constants?.releaseAll();
      this.#context = context;
      this.#constants = new ConstantBuffers(context);
    }
    return context;
  }

  #plan(context: GpuContext, shapes: readonly (readonly number[])[]): Promise<GpuPlan> {
    const key = shapes.map((s) => s.join("x")).join(",");
    let plan = this.#plans.get(key);
    if (plan !== undefined) {
      this.#plans.delete(key);
      this.#plans.set(key, plan);
      return plan;
    }
    const constants = this.#constants;
    if (constants === undefined) throw new Error("inferdb internal: no constants");
    const inputs = this.#graph.inputs.map((v, i) => ({
      name: v.name,
      type: v.type ?? "float32",
      shape: shapes[i] ?? [],
    }));
    plan = Promise.resolve().then(() => {
      const shapePlan = planShapes(this.#graph, this.#order, inputs);
      return context.guard(() => buildGpuPlan(context, this.#graph, shapePlan, constants));
    });
    plan.catch(() => this.#plans.get(key) === plan && this.#plans.delete(key));
    this.#plans.set(key, plan);
    if (this.#plans.size > PLANS_MAX) {
      const [oldest] = this.#plans.keys();
      const evicted = oldest === undefined ? undefined : this.#plans.get(oldest);
      if (oldest !== undefined) this.#plans.delete(oldest);
      evicted?.then((p) => p.dispose(), () => {});
    }
    return plan;
  }

  async #dropPlans(): Promise<void> {
    const plans = [...this.#plans.values()];
    this.#plans.clear();
    for (const plan of await Promise.allSettled(plans)) {
      if (plan.status === "fulfilled") plan.value.dispose();
    }
  }
}
