/**
 * Runs a resolved DAG. Each compute op starts once the ops producing its inputs and the
 * previous op on its device have finished: a device's ops run in DAG order (as RedisAI's
 * per-device copy of the DAG does), ops on different devices run in parallel. Model ops go
 * through their device's run queue, so they batch with stand-alone runs.
 *
 * After the first failure, ops that have not started are not run (`na`); ops already running
 * finish. TIMEOUT covers the whole DAG: it is checked before each op starts and handed to the
 * queue, which checks it when the op is popped; a running op is never interrupted.
 *
 * A DAG without compute ops completes synchronously: no Promise, no extra turn of the loop.
 */
import { CommandError } from "../errors.ts";
import { toErrorReply } from "../dispatch.ts";
import { Tensor, tensorByteLength } from "../tensor.ts";
import { dagErrors } from "./dag_errors.ts";
import { ComputeOutputs, DagPlan, PlanOp, TIMED_OUT } from "./dag_plan.ts";

/** An op's fate: ran fine, never ran, or failed with its error element. */
export type OpResult = "ok" | "na" | CommandError;

export interface DagOutcome {
  readonly timedOut: boolean;
  /** True when an op failed: nothing may be persisted. */
  readonly failed: boolean;
  /** One per op (`ok` for TENSORSET and TENSORGET: the reply reads the slot). */
  readonly results: readonly OpResult[];
  /** Every tensor version; `undefined` where no op produced it. */
  readonly slots: readonly (Tensor | undefined)[];
}

export interface DagExecuteOptions {
  /** The clock TIMEOUT is measured on (ms). */
  readonly now: () => number;
  /** Limit on the bytes of tensors the DAG creates. */
  readonly tensorBytesMax: number;
}

type ComputePlanOp = Extract<PlanOp, { kind: "compute" }>;

/** Runs `plan`; synchronous when it has no compute op. */
export function executeDag(
  plan: DagPlan,
  options: DagExecuteOptions,
): DagOutcome | Promise<DagOutcome> {
  const run = new DagRun(plan, options);
  if (!plan.ops.some((op) => op.kind === "compute")) return run;
  return run.runAll().then(() => run);
}

class DagRun implements DagOutcome {
  timedOut = false;
  failed = false;
  readonly results: OpResult[];
  readonly slots: (Tensor | undefined)[];
  private tensorBytes: number;
  private readonly deadlineMs: number | undefined;

  constructor(private readonly plan: DagPlan, private readonly options: DagExecuteOptions) {
    this.results = plan.ops.map((op) => (op.kind === "compute" ? "na" : "ok"));
    this.slots = plan.initial.slice();
    this.tensorBytes = plan.tensorBytes;
    this.deadlineMs = plan.timeoutMs > 0 ? options.now() + plan.timeoutMs : undefined;
  }

  async runAll(): Promise<void> {
    const producedBy = new Map<number, Promise<void>>();
    const deviceTail = new Map<string, Promise<void>>();
    const running: Promise<void>[] = [];
    this.plan.ops.forEach((op, index) => {
      if (op.kind !== "compute") return;
      const waits: Promise<void>[] = [];
      for (const slot of op.inputs) {
        const producer = producedBy.get(slot);
        if (producer !== undefined) waits.push(producer);
      }
      const tail = deviceTail.get(op.op.device);
      if (tail !== undefined) waits.push(tail);
      const start = waits.length === 0
        ? this.runOp(index, op)
        : Promise.all(waits).then(() => this.runOp(index, op));
      deviceTail.set(op.op.device, start);
      for (const slot of op.outputs) producedBy.set(slot, start);
      running.push(start);
    });
    await Promise.all(running);
  }

  /** Runs one op if the DAG is still live; never rejects. */
  private async runOp(index: number, op: ComputePlanOp): Promise<void> {
    if (this.failed || this.timedOut) return;
    const leftMs = this.deadlineMs === undefined ? 0 : this.deadlineMs - this.options.now();
    if (this.deadlineMs !== undefined && leftMs < 0) {
      this.timedOut = true;
      return;
    }
    try {
      const inputs = op.inputs.map((slot) => this.slots[slot]);
      // An input is missing when its producer skipped an output that was not a tensor.
      if (inputs.includes(undefined)) throw dagErrors.inputNotFound();
      // A queue's TIMEOUT of 0 means none: what is left is at least 1 ms.
      const timeoutMs = this.deadlineMs === undefined ? 0 : Math.max(1, leftMs);
      const outputs = await op.op.run(inputs as Tensor[], { timeoutMs });
      if (outputs === TIMED_OUT) {
        this.timedOut = true;
        return;
      }
      this.store(op.outputs, outputs);
      this.results[index] = "ok";
    } catch (e) {
      this.results[index] = toErrorReply(e);
      this.failed = true;
    }
  }

  /** Fills an op's output slots, within the DAG's byte budget. */
  private store(slots: readonly number[], outputs: ComputeOutputs): void {
    let bytes = this.tensorBytes;
    for (const tensor of outputs) if (tensor !== undefined) bytes += tensorByteLength(tensor);
    const bytesMax = this.options.tensorBytesMax;
    if (bytes > bytesMax) throw dagErrors.bytesLimit(bytesMax);
    this.tensorBytes = bytes;
    slots.forEach((slot, i) => {
      this.slots[slot] = outputs[i];
    });
  }
}
