/**
 * The script worker: compiles (and caches) scripts and runs them off the main thread, one
 * run at a time. Redis calls from a script block this worker on the host bridge; the main
 * thread stays free. Any failure is reported as a `FailMessage`; nothing here can take the
 * server down. A worker of a GPU queue computes its scripts' tensor ops on its script GPU
 * worker where that has a device (see `../gpu/`), and on the CPU where it has none.
 */
import { CompiledScript, compileScript } from "../compile.ts";
import { GpuSession } from "../gpu/gpu_session.ts";
import { gpuTensorOps } from "../gpu/gpu_tensor_ops.ts";
import { cpuOps, TensorOps } from "../ops/tensor_ops.ts";
import type { ScriptGpuReply, ScriptGpuRequest } from "../../webgpu/script_ops/protocol.ts";
import { blockingPort } from "./blocking_port.ts";
import { runScript, ScriptRunError } from "../run_script.ts";
import type { ScriptHost } from "../redis_api.ts";
import type { InitMessage, RunMessage, WorkerReply } from "./protocol.ts";
import { syncHost } from "./sync_host.ts";

/** Compiled scripts kept per worker (oldest dropped first). */
const CACHE_MAX = 256;

const cache = new Map<number, CompiledScript>();
let host: ScriptHost | undefined;
let gpu: { session: GpuSession; ops: TensorOps } | undefined;

function compiled(message: RunMessage): CompiledScript {
  const hit = cache.get(message.scriptId);
  if (hit !== undefined) return hit;
  const script = compileScript(message.source);
  cache.set(message.scriptId, script);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as number);
  return script;
}

function run(message: RunMessage): WorkerReply {
  const startMs = performance.now();
  try {
    if (host === undefined) throw new Error("script worker used before init");
    const ops = gpu?.session.available() ? gpu.ops : cpuOps;
    const outputs = runScript(compiled(message), message.call, {
      host,
      limits: message.limits,
      ops,
    });
    const durationUs = Math.round((performance.now() - startMs) * 1000);
    return { type: "done", job: message.job, outputs, durationUs };
  } catch (e) {
    const known = e instanceof ScriptRunError;
    if (!known) console.error("inferdb: script worker internal error:", e);
    const text = e instanceof Error ? e.message : String(e);
    return {
      type: "fail",
      job: message.job,
      message: known ? text : `ERR internal error: ${text}`,
    };
  }
}

const scope = self as unknown as Worker;
scope.onmessage = (event: MessageEvent<InitMessage | RunMessage>) => {
  const message = event.data;
  if (message.type === "init") {
    host = syncHost(message.port, message.flag);
    if (message.gpu !== undefined) {
      const port = blockingPort<ScriptGpuRequest, ScriptGpuReply>(
        message.gpu.port,
        message.gpu.flag,
      );
      const session = new GpuSession(port);
      gpu = { session, ops: gpuTensorOps(session) };
    }
  } else scope.postMessage(run(message));
};
