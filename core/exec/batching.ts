/**
 * RedisAI's auto-batching rules as pure functions over request inputs (see
 * `REDISAI_PROTOCOL.md` §3): a request's batch size is dim 0 of its first input (0, "don't
 * batch", when inputs disagree on dim 0); requests batch together when their inputs agree
 * past dim 0; inputs are concatenated along dim 0 in queue order and every output is split
 * back by the same sizes, or the whole batch fails when an output's dim 0 isn't the total.
 *
 * One deviation: RedisAI doesn't compare dtypes (it would copy mismatched bytes); here a
 * request whose dtypes differ simply doesn't join the batch and runs on its own.
 */
import { concatTensors, sliceTensor } from "../tensor_ops.ts";
import type { Tensor } from "../tensor.ts";

export const BATCH_SIZE_ERROR = "ERR Model did not generate the expected batch size";

/** dim 0 of the first input; 0 when any input is a scalar or disagrees on dim 0. */
export function batchSizeOf(inputs: readonly Tensor[]): number {
  const first = inputs[0]?.shape[0];
  if (first === undefined) return 0;
  for (const input of inputs) if (input.shape[0] !== first) return 0;
  return first;
}

/** Whether a request with inputs `other` may join a batch led by one with inputs `first`. */
export function batchMatches(first: readonly Tensor[], other: readonly Tensor[]): boolean {
  if (first.length !== other.length) return false;
  return first.every((a, i) => {
    const b = other[i] as Tensor;
    return a.dtype === b.dtype && a.shape.length === b.shape.length &&
      a.shape.every((d, k) => k === 0 || b.shape[k] === d);
  });
}

/** Input `i` of the batch: input `i` of every request, concatenated along dim 0. */
export function concatInputs(requests: readonly (readonly Tensor[])[]): Tensor[] {
  const first = requests[0] ?? [];
  return first.map((_, i) => concatTensors(requests.map((inputs) => inputs[i] as Tensor)));
}

/**
 * Each request's share of the batch outputs (`sizes` are the requests' batch sizes), or
 * `undefined` when some output's dim 0 is not their sum.
 */
export function splitOutputs(
  outputs: readonly (Tensor | undefined)[],
  sizes: readonly number[],
): (Tensor | undefined)[][] | undefined {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (outputs.some((o) => o !== undefined && o.shape[0] !== total)) return undefined;
  let start = 0;
  return sizes.map((size) => {
    const share = outputs.map((o) => o === undefined ? undefined : sliceTensor(o, start, size));
    start += size;
    return share;
  });
}
