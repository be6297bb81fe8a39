/**
 * The value of a `model` keyspace entry (TYPE `AI__MODEL`): RedisAI's model fields (backend,
 * device as given, tag, batching options, input and output names), the exact bytes stored
 * (AI.MODELGET returns them), its run statistics and its loaded session on the device queue.
 * `createModel` is the one way to build one: MODELSTORE, MODELSET and persistence use it.
 *
 * Sessions are released when the value becomes unreachable (DEL, overwrite, FLUSHALL, expiry
 * and COPY all just drop or share references), through a FinalizationRegistry; runs already
 * queued keep the session until they finish.
 *
 * Only ONNX runs in this build: TF, TFLITE and TORCH are recognised and refused with a clear
 * error before anything is stored.
 */
import { CommandError } from "./errors.ts";
import { aiEngine, ExecEngine, LoadedModel } from "./exec/engine.ts";
import type { RunOutcome } from "./exec/run_queue.ts";
import { newRunStats, recordFailure, recordSuccess, RunStats } from "./run_stats.ts";
import type { ServerState } from "./server_state.ts";
import { allocTensorBytes, Tensor } from "./tensor.ts";

export const BACKEND_NAMES = ["TF", "TFLITE", "TORCH", "ONNX"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Everything a model is stored with, as MODELSTORE gives it. */
export interface ModelOptions {
  readonly backend: BackendName;
  /** The device string exactly as given (`CPU`, `gpu:0`); queues use it upper-cased. */
  readonly device: string;
  /** Binary-safe tag (`core/keys.ts` byte string); "" when none. */
  readonly tag: string;
  readonly batchSize: number;
  readonly minBatchSize: number;
  readonly minBatchTimeoutMs: number;
}

export interface ModelValue extends ModelOptions {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** The model bytes exactly as stored (all BLOB chunks joined). */
  readonly blob: Uint8Array;
  readonly stats: RunStats;
  readonly loaded: LoadedModel;
}

const released = new FinalizationRegistry<{ engine: ExecEngine; model: LoadedModel }>(
  ({ engine, model }) => engine.release(model),
);

/** The bytes of `chunks` joined in one shared buffer (workers read it in place). */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const blob = allocTensorBytes(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    blob.set(chunk, at);
    at += chunk.byteLength;
  }
  return blob;
}

/** Loads `blob` with `options` on its device's queue; throws the backend's error. */
export async function createModel(
  server: ServerState,
  options: ModelOptions,
  blob: Uint8Array,
): Promise<ModelValue> {
  if (options.backend !== "ONNX") {
    throw new CommandError(
      `ERR Could not load backend: ${options.backend} is not available in this build ` +
        "(only ONNX is); convert the model to ONNX (tf2onnx, torch.onnx.export)",
    );
  }
  const engine = aiEngine(server);
  engine.loadedBackends.add(options.backend);
  const loaded = await engine.load(options.device, blob, options);
  const value: ModelValue = {
    ...options,
    inputs: loaded.inputs.map((s) => s.name),
    outputs: loaded.outputs.map((s) => s.name),
    blob,
    stats: newRunStats(),
    loaded,
  };
  released.register(value, { engine, model: loaded });
  return value;
}

/** Bytes a model entry is charged: its blob, names and fixed overhead. */
export function modelEntryBytes(value: ModelValue): number {
  const names = [...value.inputs, ...value.outputs].reduce((n, s) => n + s.length + 16, 0);
  return 512 + value.blob.byteLength + value.tag.length + value.device.length + names;
}

/** Runs `model` on `inputs` through its queue and counts the outcome in its stats. */
export async function runModel(
  server: ServerState,
  model: ModelValue,
  inputs: readonly Tensor[],
  timeoutMs = 0,
): Promise<RunOutcome> {
  const outcome = await aiEngine(server).run(model.loaded, inputs, timeoutMs);
  if (outcome.kind === "ok") recordSuccess(model.stats, outcome.durationUs, outcome.outputs);
  else if (outcome.kind === "error") recordFailure(model.stats);
  return outcome;
}
