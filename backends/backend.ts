/**
 * The one interface every model backend implements (onnxruntime-node, onnxruntime-web WASM,
 * onnxruntime-web WebGPU EP, our WebGPU executor). The execution engine (`core/exec/`) loads
 * sessions through it and runs them on per-device queues; a shared conformance suite runs
 * the same cases on every implementation.
 *
 * A session runs one request at a time: callers (the run queues) never overlap `run()` calls
 * on one session.
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
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
}

export interface ModelSession {
  /** Which implementation runs it, shown in AI.INFO and INFO (`onnxruntime-node`, ...). */
  readonly provider: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Runs the model on `inputs` (in `this.inputs` order); returns tensor outputs in order. */
  run(inputs: readonly Tensor[]): Promise<Tensor[]>;
  /** Releases the session's resources. */
  close(): Promise<void>;
}

export interface Backend {
  /** Provider name, as in `ModelSession.provider`. */
  readonly name: string;
  /** Whether this backend can run here (library loads, adapter exists, ...). */
  available(): Promise<boolean>;
  /** Parses and prepares a model; throws a `CommandError` with the backend's message. */
  load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession>;
}
