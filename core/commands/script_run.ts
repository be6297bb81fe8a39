/**
 * Running parsed script requests: the server's script queues (one per device, off the main
 * thread, created on first use; GPU queues compute tensor ops on WebGPU), run statistics,
 * storing outputs as tensors (logged to the append-only log as values, so replay never re-runs
 * a script) and the DAG op binding.
 */
import { DEFAULT_SCRIPT_LIMITS, ScriptLimits } from "../../backends/script/limits.ts";
import { JobOutcome, ScriptPool } from "../../backends/script/worker/script_pool.ts";
import { gpuStatsBoard } from "../../backends/webgpu/gpu_stats_board.ts";
import type { CommandContext } from "../command.ts";
import type { Config } from "../config.ts";
import type { ComputeOp, ComputeOutputs } from "../dag/dag_plan.ts";
import { TIMED_OUT } from "../dag/dag_plan.ts";
import { CommandError, errors } from "../errors.ts";
import { recordFailure, recordSuccess } from "../run_stats.ts";
import type { ServerState } from "../server_state.ts";
import { Tensor, tensorEntryBytes } from "../tensor.ts";
import { scriptHost } from "./script_host.ts";
import type { RunRequest } from "./script_parse.ts";

const pools = new WeakMap<ServerState, ScriptPool>();

/** The server's script queues, created on first use. */
export function scriptPool(server: ServerState): ScriptPool {
  let pool = pools.get(server);
  if (pool === undefined) {
    pool = new ScriptPool({
      threadsPerQueue: server.config["threads-per-queue"],
      now: server.now,
      gpu: { memoryBytesMax: server.config["gpu-memory-max"], stats: gpuStatsBoard().buffer },
    });
    pools.set(server, pool);
  }
  return pool;
}

/** Stops the script workers, failing queued runs (server shutdown). */
export function closeScriptPool(server: ServerState): void {
  pools.get(server)?.close();
  pools.delete(server);
}

export function scriptLimits(config: Config): ScriptLimits {
  const memory = config["script-max-memory"];
  return {
    stepsMax: config["script-max-steps"],
    callDepthMax: DEFAULT_SCRIPT_LIMITS.callDepthMax,
    allocBytesMax: Math.min(memory, config["tensor-max-bytes"]),
    callBytesMax: memory,
    workMax: DEFAULT_SCRIPT_LIMITS.workMax,
  };
}

/** Runs `req` on its device queue; counts the outcome in the script's stats. */
export async function runRequest(
  ctx: CommandContext,
  req: RunRequest,
  inputs: readonly Tensor[],
  deadlineMs: number | undefined,
): Promise<JobOutcome> {
  const { script } = req;
  const outcome = await scriptPool(ctx.server).run(script.device, {
    script: { ...script.compiled, id: script.id },
    call: {
      fn: req.fn,
      inputs,
      keys: req.keys,
      args: req.args,
      outputCount: req.outputs.length,
      entryPoints: script.entryPoints,
    },
    limits: scriptLimits(ctx.server.config),
    deadlineMs,
    host: scriptHost(ctx),
  });
  if (outcome.kind === "ok") recordSuccess(script.stats, outcome.durationUs);
  else if (outcome.kind === "error") recordFailure(script.stats);
  return outcome;
}

/** Stores run outputs under their keys (none if any key holds another type). */
export function storeOutputs(
  ctx: CommandContext,
  keys: readonly string[],
  tensors: readonly Tensor[],
): void {
  for (const key of keys) {
    const entry = ctx.db.get(key);
    if (entry !== undefined && entry.type !== "tensor") throw errors.wrongType();
  }
  keys.forEach((key, i) => {
    const tensor = tensors[i];
    if (tensor === undefined) return;
    ctx.db.set(key, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
    ctx.server.persistence?.logKeyWrite(ctx, key);
  });
}

/** A script run as a DAG op (AI.SCRIPTEXECUTE / AI.SCRIPTRUN inside a DAG). */
export function scriptComputeOp(ctx: CommandContext, req: RunRequest): ComputeOp {
  return {
    kind: "compute",
    device: req.script.device.toUpperCase(),
    inputs: req.inputs,
    outputs: req.outputs,
    run: async (inputs, options): Promise<ComputeOutputs | typeof TIMED_OUT> => {
      const deadlineMs = options.timeoutMs > 0 ? ctx.server.now() + options.timeoutMs : undefined;
      const outcome = await runRequest(ctx, req, inputs, deadlineMs);
      if (outcome.kind === "timedout") return TIMED_OUT;
      if (outcome.kind === "error") throw new CommandError(outcome.message);
      return outcome.outputs;
    },
  };
}
