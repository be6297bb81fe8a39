/**
 * The AI execution engine of one server: a run queue per device (keyed by the upper-cased
 * device string, as RedisAI's run queues), each served by `threads-per-queue` slots on the
 * first provider that is available for that device, in the configured order of preference
 * (`backends/registry.ts`). Providers that compute on the calling thread run in Workers;
 * the native one runs on its own threads. Models are loaded into every host of their queue
 * (all or nothing) and unloaded once released and idle.
 *
 * The engine knows models by id and never touches the keyspace.
 */
import type { LoadOptions, TensorSpec } from "../../backends/backend.ts";
import { ORT_VERSION } from "../../backends/onnx/ort.ts";
import { BackendEntry, BACKENDS, BackendSetup, DeviceKind } from "../../backends/registry.ts";
import { gpuStatsBoard } from "../../backends/webgpu/gpu_stats_board.ts";
import type { Config } from "../config.ts";
import { CommandError } from "../errors.ts";
import type { ServerState } from "../server_state.ts";
import type { Tensor } from "../tensor.ts";
import { Clock, systemClock } from "./clock.ts";
import { QueueModel, RunOutcome, RunQueue } from "./run_queue.ts";
import { InlineHost, ModelInfo, SessionHost } from "./session_host.ts";
import { WorkerHost } from "./worker_host.ts";

/** A model loaded on a device queue. */
export interface LoadedModel extends QueueModel {
  /** The queue's key: the device string upper-cased. */
  readonly device: string;
  readonly provider: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly minBatchSize: number;
  readonly minBatchTimeoutMs: number;
}

export interface QueueInfo {
  readonly device: string;
  readonly provider: string;
  readonly threads: number;
  readonly queued: number;
  readonly running: number;
  /** Time each of the queue's threads has spent running, in µs. */
  readonly busyUs: readonly number[];
}

interface DeviceQueue {
  readonly queue: RunQueue;
  readonly provider: string;
  readonly version: string | undefined;
}

const noop = () => {};

/** Threads one run may use: the configured count, or the cores left over per queue slot. */
export function intraOpThreads(config: Config): number {
  const set = config["intra-op-parallelism"];
  if (set > 0) return set;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.floor((cores - 1) / config["threads-per-queue"]));
}

export class ExecEngine {
  readonly #queues = new Map<string, Promise<DeviceQueue>>();
  /** The queues that started, for synchronous readers (INFO). */
  readonly #started = new Map<string, DeviceQueue>();
  readonly #inFlight = new Map<number, number>();
  readonly #released = new Map<number, LoadedModel>();
  #nextId = 1;
  #closed = false;
  /** Backends "loaded" (RedisAI loads them lazily; INFO shows versions only then). */
  readonly loadedBackends = new Set<string>();
  /** Runtime version per provider that has served a queue. */
  readonly versions = new Map<string, string>();

  constructor(private readonly config: Config, private readonly clock: Clock = systemClock) {}

  /** The ONNX Runtime version serving queues (the pinned release before any queue starts). */
  get onnxVersion(): string {
    return this.versions.values().next().value ?? ORT_VERSION;
  }

  /** Loads `blob` on `device`'s queue (creating the queue on first use). */
  async load(device: string, blob: Uint8Array, batch: BatchOptions): Promise<LoadedModel> {
    const key = device.toUpperCase();
    const { queue } = await this.#queue(key);
    const id = this.#nextId++;
    const options: LoadOptions = {
      device,
      intraOpThreads: intraOpThreads(this.config),
      interOpThreads: this.config["inter-op-parallelism"],
    };
    const hosts = queue.hosts;
    const loads = await Promise.allSettled(hosts.map((h) => h.load(id, blob, options)));
    const failed = loads.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      await Promise.all(hosts.map((h) => h.unload(id).catch(noop)));
      throw failed.reason;
    }
    const info = (loads[0] as PromiseFulfilledResult<ModelInfo>).value;
    return {
      id,
      device: key,
      provider: info.provider,
      inputs: info.inputs,
      outputs: info.outputs,
      batchSize: batch.batchSize,
      minBatchSize: batch.minBatchSize,
      minBatchTimeoutMs: batch.minBatchTimeoutMs,
    };
  }

  /** Queues a run; `timeoutMs` > 0 is the request's TIMEOUT. */
  async run(model: LoadedModel, inputs: readonly Tensor[], timeoutMs = 0): Promise<RunOutcome> {
    const { queue } = this.#started.get(model.device) ?? await this.#queue(model.device);
    this.#inFlight.set(model.id, (this.#inFlight.get(model.id) ?? 0) + 1);
    try {
      return await queue.submit(model, inputs, timeoutMs);
    } finally {
      const left = (this.#inFlight.get(model.id) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(model.id, left);
      else {
        this.#inFlight.delete(model.id);
        const released = this.#released.get(model.id);
        if (released !== undefined) this.#unload(released);
      }
    }
  }

  /** The model is gone from the keyspace: unload it once its queued runs are done. */
  release(model: LoadedModel): void {
    if (this.#inFlight.has(model.id)) this.#released.set(model.id, model);
    else this.#unload(model);
  }

  #unload(model: LoadedModel): void {
    this.#released.delete(model.id);
    this.#queues.get(model.device)?.then(({ queue }) => {
      for (const host of queue.hosts) host.unload(model.id).catch(noop);
    }, noop);
  }

  #queue(key: string): Promise<DeviceQueue> {
    if (this.#closed) return Promise.reject(new CommandError("ERR the server is shutting down"));
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = this.#createQueue(key);
      this.#queues.set(key, queue);
      queue.catch(() => this.#queues.delete(key));
    }
    return queue;
  }

  async #createQueue(key: string): Promise<DeviceQueue> {
    const kind: DeviceKind = key.startsWith("GPU") ? "GPU" : "CPU";
    const reasons: string[] = [];
    for (const entry of this.#candidates(kind)) {
      try {
        const [hosts, version] = await this.#startHosts(entry);
        if (version !== undefined) this.versions.set(entry.name, version);
        const queue = new RunQueue(key, hosts, {
          clock: this.clock,
          executionTimeoutMs: () => this.config["model-execution-timeout"],
        });
        const started = { queue, provider: entry.name, version };
        this.#started.set(key, started);
        return started;
      } catch (e) {
        reasons.push(`${entry.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (kind === "GPU") {
      throw new CommandError("ERR GPU requested but ONNX couldn't find a WebGPU adapter");
    }
    console.error(`inferdb: no ONNX provider for ${key}: ${reasons.join("; ")}`);
    throw new CommandError("ERR Could not initialize queue on requested device");
  }

  /** Providers to try for a device kind: the configured one first, then the rest in order. */
  #candidates(kind: DeviceKind): BackendEntry[] {
    const preferred = this.config["onnx-provider"];
    const own = BACKENDS.filter((b) => b.device === kind);
    const chosen = BACKENDS.find((b) => b.name === preferred);
    if (chosen === undefined || (kind === "GPU" && chosen.device !== "GPU")) return own;
    return [chosen, ...own.filter((b) => b !== chosen)];
  }

  async #startHosts(entry: BackendEntry): Promise<[SessionHost[], string | undefined]> {
    const threads = this.config["threads-per-queue"];
    const setup: BackendSetup = {
      onnxruntimeLib: this.config["onnxruntime-lib"],
      gpuMemoryMax: this.config["gpu-memory-max"],
      gpuCpuFallback: this.config["gpu-fallback"] === "cpu",
      gpuStats: gpuStatsBoard().buffer,
    };
    if (!entry.blocksThread) {
      const backend = entry.create(setup);
      if (!(await backend.available())) throw new Error("not available here");
      return [[new InlineHost(backend, threads)], backend.version];
    }
    const hosts = Array.from({ length: threads }, () => new WorkerHost(entry.name, setup));
    try {
      const versions = await Promise.all(hosts.map((h) => h.start()));
      return [hosts, versions[0]];
    } catch (e) {
      await Promise.all(hosts.map((h) => h.close()));
      throw e;
    }
  }

  /** Every queue started so far, for INFO. */
  queues(): QueueInfo[] {
    return Array.from(this.#started.values(), ({ queue, provider }) => ({
      device: queue.device,
      provider,
      threads: queue.slots,
      queued: queue.queued,
      running: queue.running,
      busyUs: queue.busyUs,
    }));
  }

  /** Fails queued runs and closes every host. */
  async close(): Promise<void> {
    this.#closed = true;
    const settled = await Promise.allSettled(this.#queues.values());
    this.#queues.clear();
    this.#started.clear();
    const closing = new CommandError("ERR the server is shutting down");
    await Promise.all(settled.map(async (r) => {
      if (r.status !== "fulfilled") return;
      await r.value.queue.close(closing);
      await Promise.all(r.value.queue.hosts.map((h) => h.close()));
    }));
  }
}

const engines = new WeakMap<ServerState, ExecEngine>();

/** The server's engine, created on first use. */
export function aiEngine(server: ServerState): ExecEngine {
  let engine = engines.get(server);
  if (engine === undefined) {
    engine = new ExecEngine(server.config);
    engines.set(server, engine);
  }
  return engine;
}

/** Closes the server's engine if it was ever created. */
export async function closeAiEngine(server: ServerState): Promise<void> {
  await engines.get(server)?.close();
  engines.delete(server);
}
