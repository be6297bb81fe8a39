/**
 * Starts a script GPU worker (`script_gpu_main.ts`) and hands back the client's end: the port
 * and the shared flag a script worker blocks on for answered requests. The main thread makes
 * one per script worker of a GPU queue and stops it with that worker.
 */
import { PEER_GONE } from "../../script/worker/blocking_port.ts";
import type { ScriptGpuInit } from "./protocol.ts";

export interface ScriptGpuEndpoint {
  /** The client's port: transfer it to the script worker that will use it. */
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

export interface ScriptGpuWorker {
  readonly endpoint: ScriptGpuEndpoint;
  close(): void;
}

export function startScriptGpuWorker(options: {
  readonly memoryBytesMax: number;
  readonly stats?: SharedArrayBuffer | undefined;
}): ScriptGpuWorker {
  const worker = new Worker(new URL("./script_gpu_main.ts", import.meta.url).href, {
    type: "module",
  });
  const channel = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  worker.onerror = (e) => {
    e.preventDefault();
    console.error("inferdb: script GPU worker died:", e.message);
    // A script blocked on a read fails instead of waiting forever.
    Atomics.store(flag, 0, PEER_GONE);
    Atomics.notify(flag, 0);
  };
  const init: ScriptGpuInit = { port: channel.port2, flag, ...options };
  worker.postMessage(init, [channel.port2]);
  return {
    endpoint: { port: channel.port1, flag },
    close: () => {
      channel.port1.close();
      worker.terminate();
    },
  };
}
