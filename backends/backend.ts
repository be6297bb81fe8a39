/**
 * The one interface every model backend implements (onnxruntime-node, onnxruntime-web WASM,
 * onnxruntime-web WebGPU EP, our WebGPU executor). The execution engine (`core/exec/`) loads
 * sessions through it and runs them on per-device queues; a shared conformance suite runs
 * the same cases on every implementation.
 *
 * A session runs one request at a time: callers (the run queues) never overlap `run()` calls
 * on one session.
 *
 * Errors: `load()` and `run()` reject with a `CommandError` whose text is the backend's own
 * message (RedisAI passes backend text through verbatim, without an `ERR` prefix).
 */
import type { DType } from "../core/dtype.ts";
import type { Tensor } from "../core/tensor.ts";

/** A model input or output as the model declares it; `null` dims are dynamic. */
export interface TensorSpec {
  readonly name: string;
  /** `undefined` when the value is not a tensor (e.g. ONNX-ML ZipMap sequences). */
  readonly dtype: DType | undefined;
  readonly shape: readonly (number | null)[] | undefined;
}

export interface LoadOptions {
  /** The device string as stored (`CPU`, `GPU:1`, ...). */
  readonly device: string;
  /** Threads one run may use (ONNX Runtime's intra-op pool); at least 1. */
  readonly intraOpThreads: number;
  /** Threads for running independent nodes in parallel; 0 leaves the backend's default. */
  readonly interOpThreads: number;
}

export interface RunOptions {
  /**
   * Aborting asks the backend to stop the run as soon as it can (ONNX Runtime's terminate
   * flag); `run()` then rejects. Backends that cannot stop a run may ignore it: the engine
   * then gives up on the whole thread that runs it.
   */
  readonly signal?: AbortSignal;
  /**
   * The run's model doesn't batch (requests arriving meanwhile need not be read): a backend
   * whose runs normally leave the calling thread may make a short one on it, if it can bound
   * how long that takes.
   */
  readonly mayBlock?: boolean;
}

export interface ModelSession {
  /** Which implementation runs it, shown in AI.INFO and INFO (`onnxruntime-node`, ...). */
  readonly provider: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /**
   * Runs the model on `inputs` (in `this.inputs` order). The result has one slot per entry
   * of `this.outputs`: a tensor, or `undefined` for an output that is not a tensor.
   */
  run(inputs: readonly Tensor[], options?: RunOptions): Promise<(Tensor | undefined)[]>;
  /** Releases the session's resources. */
  close(): Promise<void>;
}

export interface Backend {
  /** Provider name, as in `ModelSession.provider`. */
  readonly name: string;
  /** The runtime's version for INFO (`1.30.0`), when it has one. */
  readonly version?: string | undefined;
  /** Whether this backend can run here (library loads, adapter exists, ...). */
  available(): Promise<boolean>;
  /** Parses and prepares a model; throws a `CommandError` with the backend's message. */
  load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession>;
}
