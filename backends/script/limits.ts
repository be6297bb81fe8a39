/**
 * Per-call limits of the script sandbox: interpreter steps (statements, loop iterations and
 * calls), call depth, the largest single allocation, the bytes one call may allocate in all
 * (tensors, lists, strings) and the work of super-linear tensor ops. Exceeding any of them ends the call with a clear error;
 * the server is unaffected.
 */

export interface ScriptLimits {
  readonly stepsMax: number;
  readonly callDepthMax: number;
  readonly allocBytesMax: number;
  readonly callBytesMax: number;
  /** Multiply-adds and comparisons of super-linear ops (matmul, sort) in one run. */
  readonly workMax: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = {
  stepsMax: 100_000_000,
  callDepthMax: 200,
  allocBytesMax: 512 * MIB,
  callBytesMax: 1024 * MIB,
  workMax: 1e12,
};

/** What one list item is charged to the memory budget (a slot and a boxed value). */
export const LIST_ITEM_BYTES = 32;
