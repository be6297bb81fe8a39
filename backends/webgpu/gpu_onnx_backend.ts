/**
 * The backend for ONNX models on `GPU` devices (provider `inferdb-webgpu`): our WebGPU executor
 * for every model whose ops it all implements, otherwise ONNX Runtime's WebGPU execution
 * provider, otherwise an error naming the ops neither could run. Hosted in Workers like other
 * thread-blocking backends (on lavapipe, waiting for GPU work blocks the waiting thread); each
 * Worker has its own device and reports its GPU statistics through the shared stats board.
 */
import type { Backend, LoadOptions, ModelSession } from "../backend.ts";
import { CommandError } from "../../core/errors.ts";
import { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { WebOnnxBackend } from "../onnx/web_backend.ts";
import { GpuStatsBoard } from "./gpu_stats_board.ts";
import { decodeModel, WebGpuBackend } from "./webgpu_backend.ts";
import { unsupportedOps } from "./ops/registry.ts";
import { UnsupportedModelError } from "./webgpu_errors.ts";
import { PROVIDER } from "./webgpu_session.ts";

export interface GpuOnnxSetup {
  /** Cap on this Worker's GPU buffers in bytes (0: the device's own limit). */
  readonly gpuMemoryMax: number;
  /** The main thread's stats board, when INFO should see this Worker. */
  readonly gpuStats?: SharedArrayBuffer | undefined;
}

export class GpuOnnxBackend implements Backend {
  readonly name = PROVIDER;
  readonly #runtime: GpuRuntime;
  readonly #ours: WebGpuBackend;
  readonly #fallback: Backend;
  readonly #board: GpuStatsBoard | undefined;
  readonly #slot: number;
  readonly #sessions = new Set<ModelSession>();
  #fallbackSessions = 0;
  #runs = 0;

  constructor(setup: GpuOnnxSetup, fallback: Backend = new WebOnnxBackend("webgpu")) {
    this.#runtime = new GpuRuntime({ memoryBytesMax: setup.gpuMemoryMax });
    this.#ours = new WebGpuBackend(this.#runtime);
    this.#fallback = fallback;
    this.#board = setup.gpuStats === undefined ? undefined : new GpuStatsBoard(setup.gpuStats);
    this.#slot = this.#board?.claim() ?? 0;
  }

  available(): Promise<boolean> {
    return this.#runtime.available();
  }

  async load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession> {
    const graph = decodeModel(blob);
    const problems = unsupportedOps(graph);
    let session: ModelSession;
    if (problems.length === 0) {
      try {
        session = this.#track(await this.#ours.loadGraph(graph), false);
      } catch (error) {
        if (!(error instanceof UnsupportedModelError)) throw error;
        session = await this.#loadFallback(blob, options, [error.message]);
      }
    } else {
      session = await this.#loadFallback(blob, options, problems);
    }
    this.#report();
    return session;
  }

  async #loadFallback(
    blob: Uint8Array,
    options: LoadOptions,
    problems: string[],
  ): Promise<ModelSession> {
    try {
      return this.#track(await this.#fallback.load(blob, options), true);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CommandError(
        `GPU: unsupported by the WebGPU executor: ${problems.join(", ")}; ` +
          `ONNX Runtime's WebGPU provider failed too: ${reason}`,
      );
    }
  }

  /** Wraps a session so runs and closes keep the statistics current. */
  #track(session: ModelSession, fallback: boolean): ModelSession {
    this.#sessions.add(session);
    if (fallback) this.#fallbackSessions++;
    return {
      provider: session.provider,
      inputs: session.inputs,
      outputs: session.outputs,
      run: async (inputs, runOptions) => {
        try {
          return await session.run(inputs, runOptions);
        } finally {
          this.#runs++;
          this.#report();
        }
      },
      close: async () => {
        await session.close();
        if (this.#sessions.delete(session) && fallback) this.#fallbackSessions--;
        this.#report();
      },
    };
  }

  #report(): void {
    if (this.#board === undefined) return;
    const pool = this.#runtime.current?.pool.stats();
    this.#board.write(this.#slot, {
      bytesAllocated: pool?.bytesAllocated ?? 0,
      bytesInUse: pool?.bytesInUse ?? 0,
      bytesPeak: pool?.bytesPeak ?? 0,
      buffers: pool?.buffers ?? 0,
      pipelines: this.#runtime.current?.pipelines.size ?? 0,
      deviceLosses: this.#runtime.lossCount,
      sessions: this.#sessions.size - this.#fallbackSessions,
      fallbackSessions: this.#fallbackSessions,
      runs: this.#runs,
    });
  }
}
