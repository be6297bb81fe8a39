/**
 * The shapes a DAG request takes on its way from arguments to replies: `ParsedDag` (ops that
 * still name their tensors) and `DagPlan` (names resolved to slot indices, one slot per tensor
 * version). Model and script runs are `ComputeOp`s: bound at parse time to the stored model or
 * script they run and to its device, opaque to the DAG engine beyond `run()`.
 *
 * Invariant: a `DagPlan` is complete and checked; executing it never meets an unknown name.
 */
import type { Tensor } from "../tensor.ts";
import type { TensorFormat } from "../tensor_reply.ts";

/** What a compute op's `run()` settles to when the DAG's TIMEOUT passed before it ran. */
export const TIMED_OUT = "TIMEDOUT";

/** Outputs by position; `undefined` for one the backend did not produce (e.g. a ZipMap). */
export type ComputeOutputs = readonly (Tensor | undefined)[];

export interface ComputeRunOptions {
  /** What is left of the DAG's TIMEOUT, in ms (0: none): the queue's TIMEOUT for this op. */
  readonly timeoutMs: number;
}

/** A model or script run inside a DAG, bound to what it runs when the DAG is parsed. */
export interface ComputeOp {
  readonly kind: "compute";
  /** Upper-cased device: ops on one device run in DAG order, devices run in parallel. */
  readonly device: string;
  /** Tensor names read, in the order `run()` receives them. */
  readonly inputs: readonly string[];
  /** Tensor names written, in the order `run()` returns them. */
  readonly outputs: readonly string[];
  /**
   * Runs on the device's queue (sharing it, and its batching, with stand-alone runs).
   * Rejects with a `CommandError` carrying the op's error element.
   */
  run(
    inputs: readonly Tensor[],
    options: ComputeRunOptions,
  ): Promise<ComputeOutputs | typeof TIMED_OUT>;
}

export interface TensorSetOp {
  readonly kind: "tensorset";
  readonly output: string;
  /** Realized at parse time, as RedisAI does. */
  readonly tensor: Tensor;
}

export interface TensorGetOp {
  readonly kind: "tensorget";
  readonly input: string;
  readonly format: TensorFormat;
}

export type ParsedOp = TensorSetOp | TensorGetOp | ComputeOp;

/** A parsed request: tensors LOADed from the keyspace, ops in order, keys to PERSIST. */
export interface ParsedDag {
  readonly loads: readonly { readonly name: string; readonly tensor: Tensor }[];
  readonly persist: readonly string[];
  /** The whole DAG's TIMEOUT in ms; 0 when none was given. */
  readonly timeoutMs: number;
  readonly ops: readonly ParsedOp[];
}

export type PlanOp =
  | { readonly kind: "tensorset" }
  | { readonly kind: "tensorget"; readonly input: number; readonly format: TensorFormat }
  | {
    readonly kind: "compute";
    readonly op: ComputeOp;
    readonly inputs: readonly number[];
    readonly outputs: readonly number[];
  };

/** A resolved DAG: every tensor version is a slot; LOADs and TENSORSETs fill theirs up front. */
export interface DagPlan {
  /** Slot values known before anything runs; compute outputs start `undefined`. */
  readonly initial: readonly (Tensor | undefined)[];
  readonly ops: readonly PlanOp[];
  /** Keys to store on success, each with the slot of its last version. */
  readonly persist: readonly { readonly key: string; readonly slot: number }[];
  readonly timeoutMs: number;
  /** Bytes of the tensors the DAG itself created so far (its TENSORSETs). */
  readonly tensorBytes: number;
}
