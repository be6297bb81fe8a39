/**
 * A finished DAG's reply and its PERSIST step, as RedisAI's `RedisAI_DagRun_Reply`:
 * `+TIMEDOUT` alone when the DAG timed out, otherwise one element per op (`OK`, the tensor
 * for TENSORGET, the op's error, or `NA` for what never ran or was never produced).
 *
 * PERSIST is all or nothing: nothing is stored when an op failed, and the store function (the
 * one model runs store their outputs with) checks every key before the first write; a failure
 * there appends one error element. Stored keys are logged as values, never as the DAG
 * command, which replay must not re-run.
 */
import type { CommandContext } from "../command.ts";
import { CommandError } from "../errors.ts";
import { OK, Reply, Status } from "../reply.ts";
import type { Tensor } from "../tensor.ts";
import { tensorReply } from "../tensor_reply.ts";
import type { DagOutcome } from "./dag_executor.ts";
import type { DagPlan } from "./dag_plan.ts";

export const TIMEDOUT = new Status("TIMEDOUT");
export const NA = new Status("NA");

/**
 * Stores tensors under keys, all or nothing: throws (WRONGTYPE) before the first write;
 * logs each write to the append-only log as its value.
 */
export type StoreTensors = (
  ctx: CommandContext,
  keys: readonly string[],
  tensors: readonly (Tensor | undefined)[],
) => void;

/** The reply to a DAG command, after persisting its outputs with `store` on success. */
export function finishDag(
  ctx: CommandContext,
  plan: DagPlan,
  outcome: DagOutcome,
  store: StoreTensors,
): Reply {
  if (outcome.timedOut) return TIMEDOUT;
  const replies = plan.ops.map((op, i): Reply => {
    if (op.kind === "tensorset") return OK;
    if (op.kind === "tensorget") {
      const tensor = outcome.slots[op.input];
      return tensor === undefined ? NA : tensorReply(tensor, op.format);
    }
    const result = outcome.results[i];
    return result === "ok" ? OK : result === "na" || result === undefined ? NA : result;
  });
  if (!outcome.failed && plan.persist.length > 0) {
    try {
      store(ctx, plan.persist.map((p) => p.key), plan.persist.map((p) => outcome.slots[p.slot]));
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      replies.push(e);
    }
  }
  return replies;
}
