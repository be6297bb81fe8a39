/**
 * The script worker: compiles (and caches) scripts and runs them off the main thread, one
 * run at a time. Redis calls from a script block this worker on the host bridge; the main
 * thread stays free. Any failure is reported as a `FailMessage`; nothing here can take the
 * server down.
 */
import { CompiledScript, compileScript } from "../compile.ts";
import { runScript, ScriptRunError } from "../run_script.ts";
import type { ScriptHost } from "../redis_api.ts";
import type { InitMessage, RunMessage, WorkerReply } from "./protocol.ts";
import { syncHost } from "./sync_host.ts";

/** Compiled scripts kept per worker (oldest dropped first). */
const CACHE_MAX = 256;

const cache = new Map<number, CompiledScript>();
let host: ScriptHost | undefined;

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
    const outputs = runScript(compiled(message), message.call, { host, limits: message.limits });
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
  if (message.type === "init") host = syncHost(message.port, message.flag);
  else scope.postMessage(run(message));
};
