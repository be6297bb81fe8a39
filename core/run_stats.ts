/**
 * Per-key run statistics (RedisAI's `RAI_RunStats`, read by AI.INFO): each stored model or
 * script owns one record, fresh on every store, so an overwrite resets it. A successful run
 * adds one call, its backend time (the whole batch's when batched) and, for models, dim 0 of
 * its first output as samples; a failed run adds one call and one error; a run that never ran
 * (TIMEDOUT) adds nothing.
 */
import type { Tensor } from "./tensor.ts";

export interface RunStats {
  durationUs: number;
  samples: number;
  calls: number;
  errors: number;
}

export function newRunStats(): RunStats {
  return { durationUs: 0, samples: 0, calls: 0, errors: 0 };
}

/** AI.INFO ... RESETSTAT. */
export function resetRunStats(stats: RunStats): void {
  stats.durationUs = 0;
  stats.samples = 0;
  stats.calls = 0;
  stats.errors = 0;
}

/** Counts a successful run; `outputs` adds samples (models), `undefined` leaves them (scripts). */
export function recordSuccess(
  stats: RunStats,
  durationUs: number,
  outputs?: readonly (Tensor | undefined)[],
): void {
  stats.calls++;
  stats.durationUs += durationUs;
  if (outputs !== undefined) stats.samples += outputs[0]?.shape[0] ?? 0;
}

export function recordFailure(stats: RunStats): void {
  stats.calls++;
  stats.errors++;
}
