/**
 * Script run queues on the main thread: one FIFO queue per device (upper-cased, as RedisAI
 * keys its queues), each served by `threadsPerQueue` workers created on first use. A job
 * whose deadline passed while it waited is answered `timedout` without running (RedisAI's
 * TIMEOUT: checked when popped, a running script is never interrupted). While a job runs,
 * its worker's Redis calls are served here by the job's `HostHandler`.
 *
 * A worker that dies fails its job with an internal error and is replaced; `close()` stops
 * every worker and fails what is still queued.
 *
 * Workers of a GPU queue (`GPU`, `GPU:1`, ...) each get a script GPU worker of their own when
 * the pool is given GPU options: it runs their tensor ops on a device (see `../gpu/`). Such
 * queues have no inline path: the main thread can't wait for the GPU.
 *
 * Fast path: a pure script (no `redis`/`redisAI` in its source) meeting an idle queue runs
 * right here, under a small step and memory budget that bounds its time on the main thread
 * to about a millisecond. If it outgrows that budget the attempt is discarded (a pure run has
 * no effects) and the job goes to a worker. Queue order and TIMEOUT are unaffected: only an
 * idle queue is bypassed, and a job there would have started at once.
 */
import type { Tensor } from "../../../core/tensor.ts";
import type { CompiledScript } from "../compile.ts";
import type { ScriptLimits } from "../limits.ts";
import { opError } from "../ops/script_tensor.ts";
import type { HostReply, ScriptHost } from "../redis_api.ts";
import { runScript, ScriptCall, ScriptRunError } from "../run_script.ts";
import {
  type ScriptGpuWorker,
  startScriptGpuWorker,
} from "../../webgpu/script_ops/script_gpu_worker.ts";
import type {
  HostRequest,
  HostResponse,
  InitMessage,
  RunMessage,
  WorkerReply,
} from "./protocol.ts";

/** What a script GPU worker is started with. */
export type ScriptGpuOptions = Parameters<typeof startScriptGpuWorker>[0];

/** Main-thread answers to a running script's Redis calls. */
export interface HostHandler {
  execute(args: readonly string[]): HostReply | Promise<HostReply>;
  modelExecute(
    key: string,
    inputs: readonly Tensor[],
    outputCount: number,
  ): Promise<readonly Tensor[]>;
}

export interface ScriptJob {
  readonly script: CompiledScript & { readonly id: number };
  readonly call: ScriptCall;
  readonly limits: ScriptLimits;
  /** Absolute time (`now()` clock, ms) after which the job must not start. */
  readonly deadlineMs: number | undefined;
  readonly host: HostHandler;
}

export type JobOutcome =
  | { readonly kind: "ok"; readonly outputs: Tensor[]; readonly durationUs: number }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "timedout" };

/** Budget of an inline attempt: a few thousand statements, ~1 ms of tensor work. */
const INLINE_STEPS_MAX = 10_000;
const INLINE_BYTES_MAX = 1024 * 1024;
const INLINE_WORK_MAX = 1_000_000;

/** Pure scripts never call the host; this one fails loudly if that assumption breaks. */
const NO_HOST: ScriptHost = {
  execute: () => {
    throw opError("inferdb internal: host call from a pure script");
  },
  modelExecute: () => {
    throw opError("inferdb internal: host call from a pure script");
  },
};

interface Queued {
  readonly id: number;
  readonly job: ScriptJob;
  readonly resolve: (outcome: JobOutcome) => void;
}

class Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag = new Int32Array(new SharedArrayBuffer(4));
  readonly gpu: ScriptGpuWorker | undefined;
  running: Queued | undefined;

  constructor(
    private readonly onReply: (slot: Slot, reply: WorkerReply | undefined) => void,
    gpu: ScriptGpuOptions | undefined,
  ) {
    this.worker = new Worker(new URL("./script_worker.ts", import.meta.url).href, {
      type: "module",
    });
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.gpu = gpu === undefined ? undefined : startScriptGpuWorker(gpu);
    const endpoint = this.gpu?.endpoint;
    const init: InitMessage = { type: "init", port: channel.port2, flag: this.flag, gpu: endpoint };
    const transfer = endpoint === undefined ? [channel.port2] : [channel.port2, endpoint.port];
    this.worker.postMessage(init, transfer);
    this.port.onmessage = (e: MessageEvent<HostRequest>) => this.serve(e.data);
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => this.onReply(this, e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      console.error("inferdb: script worker died:", e.message);
      this.onReply(this, undefined);
    };
  }

  private async serve(request: HostRequest): Promise<void> {
    let response: HostResponse;
    try {
      const host = this.running?.job.host;
      if (host === undefined) throw new Error("no script is running");
      response = request.op === "execute"
        ? { reply: await host.execute(request.args) }
        : { outputs: await host.modelExecute(request.key, request.inputs, request.outputCount) };
    } catch (e) {
      response = { error: e instanceof Error ? e.message : String(e) };
    }
    this.port.postMessage(response);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  close(): void {
    this.port.close();
    this.worker.terminate();
    this.gpu?.close();
  }
}

class DeviceQueue {
  constructor(readonly name: string) {}
  readonly pending: Queued[] = [];
  readonly slots: Slot[] = [];
}

export class ScriptPool {
  private readonly queues = new Map<string, DeviceQueue>();
  private nextJob = 1;
  private closed = false;

  constructor(
    private readonly options: {
      readonly threadsPerQueue: number;
      readonly now: () => number;
      /** Set to run GPU queues' tensor ops on WebGPU. */
      readonly gpu?: ScriptGpuOptions | undefined;
    },
  ) {}

  /** Queues `job` on `device`'s queue. */
  run(device: string, job: ScriptJob): Promise<JobOutcome> {
    if (this.closed) {
      return Promise.resolve({ kind: "error", message: "ERR server is shutting down" });
    }
    const name = device.toUpperCase();
    let queue = this.queues.get(name);
    if (queue === undefined) this.queues.set(name, queue = new DeviceQueue(name));
    const idle = queue.pending.length === 0 &&
      queue.slots.every((slot) => slot.running === undefined);
    if (idle && !job.script.usesHost && this.#gpuOptions(name) === undefined) {
      const outcome = inline(job);
      if (outcome !== undefined) return Promise.resolve(outcome);
    }
    const q = queue;
    return new Promise((resolve) => {
      q.pending.push({ id: this.nextJob++, job, resolve });
      this.pump(q);
    });
  }

  /** Workers started so far, over every queue. */
  workerCount(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.slots.length;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const slot of queue.slots) {
        slot.running?.resolve({ kind: "error", message: "ERR server is shutting down" });
        slot.close();
      }
      for (const q of queue.pending.splice(0)) {
        q.resolve({ kind: "error", message: "ERR server is shutting down" });
      }
    }
    this.queues.clear();
  }

  /** The GPU worker options for queue `name`'s workers, if they get one. */
  #gpuOptions(name: string): ScriptGpuOptions | undefined {
    return name.startsWith("GPU") ? this.options.gpu : undefined;
  }

  private pump(queue: DeviceQueue): void {
    while (queue.pending.length > 0) {
      let slot = queue.slots.find((s) => s.running === undefined);
      if (slot === undefined && queue.slots.length < this.options.threadsPerQueue) {
        slot = new Slot((s, reply) => this.finished(queue, s, reply), this.#gpuOptions(queue.name));
        queue.slots.push(slot);
      }
      if (slot === undefined) return;
      const next = queue.pending.shift() as Queued;
      const deadline = next.job.deadlineMs;
      if (deadline !== undefined && this.options.now() > deadline) {
        next.resolve({ kind: "timedout" });
        continue;
      }
      slot.running = next;
      const message: RunMessage = {
        type: "run",
        job: next.id,
        scriptId: next.job.script.id,
        source: next.job.script.source,
        call: next.job.call,
        limits: next.job.limits,
      };
      slot.worker.postMessage(message);
    }
  }

  private finished(queue: DeviceQueue, slot: Slot, reply: WorkerReply | undefined): void {
    const job = slot.running;
    slot.running = undefined;
    if (reply === undefined) {
      job?.resolve({ kind: "error", message: "ERR internal error: the script worker stopped" });
      slot.close();
      queue.slots.splice(queue.slots.indexOf(slot), 1);
    } else if (job !== undefined && reply.job === job.id) {
      job.resolve(
        reply.type === "done"
          ? { kind: "ok", outputs: reply.outputs, durationUs: reply.durationUs }
          : { kind: "error", message: reply.message },
      );
    }
    this.pump(queue);
  }
}

/** Runs a pure job on this thread; `undefined` when it outgrew the inline budget. */
function inline(job: ScriptJob): JobOutcome | undefined {
  const limits: ScriptLimits = {
    ...job.limits,
    stepsMax: Math.min(job.limits.stepsMax, INLINE_STEPS_MAX),
    allocBytesMax: Math.min(job.limits.allocBytesMax, INLINE_BYTES_MAX),
    callBytesMax: Math.min(job.limits.callBytesMax, INLINE_BYTES_MAX),
    workMax: Math.min(job.limits.workMax, INLINE_WORK_MAX),
  };
  const startMs = performance.now();
  try {
    const outputs = runScript(job.script, job.call, { host: NO_HOST, limits });
    return { kind: "ok", outputs, durationUs: Math.round((performance.now() - startMs) * 1000) };
  } catch (e) {
    if (!(e instanceof ScriptRunError)) throw e;
    return e.limit ? undefined : { kind: "error", message: e.message };
  }
}
