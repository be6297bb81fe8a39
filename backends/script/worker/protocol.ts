/**
 * Messages between the main thread and script workers. A run goes main → worker as
 * `RunMessage` and comes back as `DoneMessage` or `FailMessage`. While a script runs, its
 * Redis calls go worker → main on the worker's own MessagePort as `HostRequest`s; the main
 * thread answers with a `HostResponse` and then flips the shared flag the worker is blocked
 * on (`Atomics.wait`), so the interpreter stays synchronous.
 *
 * Tensors travel as plain `{dtype, shape, data}` objects; their storage is SharedArrayBuffer
 * backed wherever the keyspace or the ops allocated it, so nothing large is copied.
 */
import type { Tensor } from "../../../core/tensor.ts";
import type { ScriptLimits } from "../limits.ts";
import type { HostReply } from "../redis_api.ts";
import type { ScriptCall } from "../run_script.ts";
import type { ScriptGpuEndpoint } from "../../webgpu/script_ops/script_gpu_worker.ts";

export interface InitMessage {
  readonly type: "init";
  readonly port: MessagePort;
  /** One Int32: 0 while a host request is pending, 1 once its response was posted. */
  readonly flag: Int32Array;
  /** The script GPU worker's endpoint, for workers of a GPU queue. */
  readonly gpu?: ScriptGpuEndpoint | undefined;
}

export interface RunMessage {
  readonly type: "run";
  readonly job: number;
  /** Compiled scripts are cached in the worker by this id. */
  readonly scriptId: number;
  readonly source: string;
  readonly call: ScriptCall;
  readonly limits: ScriptLimits;
}

export interface DoneMessage {
  readonly type: "done";
  readonly job: number;
  readonly outputs: Tensor[];
  readonly durationUs: number;
}

export interface FailMessage {
  readonly type: "fail";
  readonly job: number;
  readonly message: string;
}

export type WorkerReply = DoneMessage | FailMessage;

export type HostRequest =
  | { readonly op: "execute"; readonly args: readonly string[] }
  | {
    readonly op: "model";
    readonly key: string;
    readonly inputs: readonly Tensor[];
    readonly outputCount: number;
  };

export type HostResponse =
  | { readonly reply: HostReply }
  | { readonly outputs: readonly Tensor[] }
  | { readonly error: string };
