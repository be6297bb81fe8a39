/**
 * Where a device queue's model sessions live and run. A host holds one session per loaded
 * model (by the engine's model id) and runs one request per call; the run queue decides how
 * many calls overlap. `InlineHost` keeps sessions of a backend whose runs already happen off
 * the event loop (native ONNX Runtime, which makes short runs on it only when told it may:
 * `RunOptions.mayBlock`); `WorkerHost` (worker_host.ts) keeps them in a Worker.
 */
import type {
  Backend,
  LoadOptions,
  ModelSession,
  RunOptions,
  TensorSpec,
} from "../../backends/backend.ts";
import { CommandError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";

/** What a loaded model looks like from outside. */
export interface ModelInfo {
  readonly provider: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface SessionHost {
  readonly provider: string;
  /** How many runs this host may take at once (the queue's slots on it). */
  readonly concurrency: number;
  load(id: number, blob: Uint8Array, options: LoadOptions): Promise<ModelInfo>;
  /** Runs model `id`; aborting `options.signal` stops the run (it then rejects). */
  run(
    id: number,
    inputs: readonly Tensor[],
    options: Required<RunOptions>,
  ): Promise<(Tensor | undefined)[]>;
  unload(id: number): Promise<void>;
  close(): Promise<void>;
}

/** The text a run stopped by MODEL_EXECUTION_TIMEOUT fails with (ONNX Runtime's own). */
export const TERMINATED_TEXT = "Exiting due to terminate flag being set to true.";

/** Sessions of an off-thread backend, kept in this thread. */
export class InlineHost implements SessionHost {
  readonly #sessions = new Map<number, ModelSession>();

  constructor(private readonly backend: Backend, readonly concurrency: number) {}

  get provider(): string {
    return this.backend.name;
  }

  async load(id: number, blob: Uint8Array, options: LoadOptions): Promise<ModelInfo> {
    const session = await this.backend.load(blob, options);
    this.#sessions.set(id, session);
    return { provider: session.provider, inputs: session.inputs, outputs: session.outputs };
  }

  run(
    id: number,
    inputs: readonly Tensor[],
    options: Required<RunOptions>,
  ): Promise<(Tensor | undefined)[]> {
    const session = this.#sessions.get(id);
    if (session === undefined) {
      return Promise.reject(new CommandError("ERR model session is not loaded"));
    }
    return session.run(inputs, options);
  }

  async unload(id: number): Promise<void> {
    const session = this.#sessions.get(id);
    this.#sessions.delete(id);
    await session?.close();
  }

  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.close()));
  }
}
