/**
 * The backend for ONNX models on `GPU` devices (provider `inferdb-webgpu`): our WebGPU executor
 * for every model whose ops it all implements, otherwise ONNX Runtime's WebGPU execution
 * provider, otherwise an error naming the ops neither could run, or, with `gpu-fallback cpu`,
 * ONNX Runtime's CPU (WASM) provider in the same Worker: a model that can't run on the GPU
 * (unsupported ops, no adapter, the GPU memory cap) then runs on the CPU instead of failing.
 * Hosted in Workers like other thread-blocking backends (on lavapipe, waiting for GPU work
 * blocks the waiting thread); each Worker has its own device and reports its GPU statistics,
 * sessions and runs per path, through the shared stats board, so INFO says which path ran.
 */
import type { Backend, LoadOptions, ModelSession } from "../backend.ts";
import { CommandError } from "../../core/errors.ts";
import { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { WebOnnxBackend } from "../onnx/web_backend.ts";
import type { Graph } from "./graph.ts";
import { GpuStatsBoard } from "./gpu_stats_board.ts";
import { decodeModel, WebGpuBackend } from "./webgpu_backend.ts";
import { unsupportedOps } from "./ops/registry.ts";
import { UnsupportedModelError } from "./webgpu_errors.ts";
import { PROVIDER } from "./webgpu_session.ts";

export interface GpuOnnxSetup {
  /** Cap on this Worker's GPU buffers in bytes (0: the device's own limit). */
  readonly gpuMemoryMax: number;
  /** Run models no GPU path can run on the CPU (`gpu-fallback cpu`) instead of failing. */
  readonly gpuCpuFallback?: boolean | undefined;
  /** The main thread's stats board, when INFO should see this Worker. */
  readonly gpuStats?: SharedArrayBuffer | undefined;
}

/** What the backend is built from (tests pass fakes). */
export interface GpuOnnxParts {
  /** Our executor's runtime; by default one on `navigator.gpu` capped at `gpuMemoryMax`. */
  readonly runtime?: GpuRuntime;
  /** ONNX Runtime's WebGPU provider by default. */
  readonly webgpu?: Backend;
  /** ONNX Runtime's WASM provider by default; used only with `gpu-fallback cpu`. */
  readonly cpu?: Backend;
}

/** Which backend serves a session. */
type Path = "executor" | "webgpu" | "cpu";

export class GpuOnnxBackend implements Backend {
  readonly name = PROVIDER;
  readonly #runtime: GpuRuntime;
  readonly #ours: WebGpuBackend;
  readonly #webgpu: Backend;
  readonly #cpu: Backend | undefined;
  readonly #board: GpuStatsBoard | undefined;
  readonly #slot: number;
  readonly #sessions = new Map<ModelSession, Path>();
  readonly #runs: Record<Path, number> = { executor: 0, webgpu: 0, cpu: 0 };

  constructor(setup: GpuOnnxSetup, parts: GpuOnnxParts = {}) {
    this.#runtime = parts.runtime ?? new GpuRuntime({ memoryBytesMax: setup.gpuMemoryMax });
    this.#ours = new WebGpuBackend(this.#runtime);
    this.#webgpu = parts.webgpu ?? new WebOnnxBackend("webgpu");
    this.#cpu = setup.gpuCpuFallback === true ? parts.cpu ?? new WebOnnxBackend("wasm") : undefined;
    this.#board = setup.gpuStats === undefined ? undefined : new GpuStatsBoard(setup.gpuStats);
    this.#slot = this.#board?.claim() ?? 0;
  }

  /** A GPU adapter is needed unless models may fall back to the CPU. */
  async available(): Promise<boolean> {
    if (await this.#runtime.available()) return true;
    return this.#cpu !== undefined && await this.#cpu.available();
  }

  async load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession> {
    const graph = decodeModel(blob);
    let session: ModelSession;
    if (this.#cpu === undefined) {
      session = await this.#loadOnGpu(graph, blob, options);
    } else if (!(await this.#runtime.available())) {
      session = await this.#loadOnCpu(this.#cpu, blob, options, "no WebGPU adapter");
    } else {
      try {
        session = await this.#loadOnGpu(graph, blob, options);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        session = await this.#loadOnCpu(this.#cpu, blob, options, error.message);
      }
    }
    this.#report();
    return session;
  }

  async #loadOnGpu(graph: Graph, blob: Uint8Array, options: LoadOptions): Promise<ModelSession> {
    let problems = unsupportedOps(graph);
    if (problems.length === 0) {
      try {
        return this.#track(await this.#ours.loadGraph(graph), "executor");
      } catch (error) {
        if (!(error instanceof UnsupportedModelError)) throw error;
        problems = [error.message];
      }
    }
    try {
      return this.#track(await this.#webgpu.load(blob, options), "webgpu");
    } catch (error) {
      throw new CommandError(
        `GPU: unsupported by the WebGPU executor: ${problems.join(", ")}; ` +
          `ONNX Runtime's WebGPU provider failed too: ${reasonOf(error)}`,
      );
    }
  }

  async #loadOnCpu(
    cpu: Backend,
    blob: Uint8Array,
    options: LoadOptions,
    why: string,
  ): Promise<ModelSession> {
    let session: ModelSession;
    try {
      session = await cpu.load(blob, options);
    } catch (error) {
      throw new CommandError(`${why}; the CPU fallback failed too: ${reasonOf(error)}`);
    }
    console.error(`inferdb: a GPU model runs on the CPU (gpu-fallback cpu): ${why}`);
    return this.#track(session, "cpu");
  }

  /** Wraps a session so runs and closes keep the statistics current. */
  #track(session: ModelSession, path: Path): ModelSession {
    this.#sessions.set(session, path);
    return {
      provider: session.provider,
      inputs: session.inputs,
      outputs: session.outputs,
      run: async (inputs, runOptions) => {
        try {
          return await session.run(inputs, runOptions);
        } finally {
          this.#runs[path]++;
          this.#report();
        }
      },
      close: async () => {
        await session.close();
        this.#sessions.delete(session);
        this.#report();
      },
    };
  }

  #report(): void {
    if (this.#board === undefined) return;
    const pool = this.#runtime.current?.pool.stats();
    const sessions: Record<Path, number> = { executor: 0, webgpu: 0, cpu: 0 };
    for (const path of this.#sessions.values()) sessions[path]++;
    this.#board.write(this.#slot, {
      bytesAllocated: pool?.bytesAllocated ?? 0,
      bytesInUse: pool?.bytesInUse ?? 0,
      bytesPeak: pool?.bytesPeak ?? 0,
      buffers: pool?.buffers ?? 0,
      pipelines: this.#runtime.current?.pipelines.size ?? 0,
      deviceLosses: this.#runtime.lossCount,
      sessions: sessions.executor,
      fallbackSessions: sessions.webgpu,
      cpuFallbackSessions: sessions.cpu,
      runs: this.#runs.executor + this.#runs.webgpu + this.#runs.cpu,
      fallbackRuns: this.#runs.webgpu,
      cpuFallbackRuns: this.#runs.cpu,
    });
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
