/**
 * The script GPU worker's entry point: one device (its own `GpuRuntime`, capped like the model
 * workers' devices) serving one script worker's tensor ops over a MessagePort. Requests are
 * chained so they run strictly in order; answered ones flip the shared flag after posting.
 * After every run it reports its memory and op counts on the main thread's stats board.
 */
import { GpuRuntime } from "../../../gpu/gpu_runtime.ts";
import { GpuStatsBoard } from "../gpu_stats_board.ts";
import type { ScriptGpuInit, ScriptGpuReply, ScriptGpuRequest } from "./protocol.ts";
import { ScriptOpServer } from "./script_op_server.ts";

function start(init: ScriptGpuInit): void {
  const board = init.stats === undefined ? undefined : new GpuStatsBoard(init.stats);
  const slot = board?.claim() ?? 0;
  const server = new ScriptOpServer(new GpuRuntime({ memoryBytesMax: init.memoryBytesMax }), {
    onRunEnd: (s) => {
      const context = s.runtime.current;
      const pool = context?.pool.stats();
      board?.write(slot, {
        bytesAllocated: pool?.bytesAllocated ?? 0,
        bytesInUse: pool?.bytesInUse ?? 0,
        bytesPeak: pool?.bytesPeak ?? 0,
        buffers: pool?.buffers ?? 0,
        pipelines: context?.pipelines.size ?? 0,
        deviceLosses: s.runtime.lossCount,
        scriptRuns: s.stats.runs,
        scriptGpuOps: s.stats.gpuOps,
        scriptCpuOps: s.stats.cpuOps,
      });
    },
  });
  const answer = (reply: ScriptGpuReply): void => {
    const transfer = reply.kind === "read" ? [...reply.buffers] : [];
    init.port.postMessage(reply, transfer);
    Atomics.store(init.flag, 0, 1);
    Atomics.notify(init.flag, 0);
  };
  let queue = Promise.resolve();
  init.port.onmessage = (event: MessageEvent<ScriptGpuRequest>) => {
    const request = event.data;
    queue = queue.then(async () => {
      try {
        const reply = await server.handle(request);
        if (reply !== undefined) answer(reply);
      } catch (error) {
        // `handle` reports failures in replies; reaching here is a bug, but the client waits.
        console.error("inferdb: script GPU worker internal error:", error);
        const message = `ERR internal error: ${error instanceof Error ? error.message : error}`;
        if (request.kind === "probe" || request.kind === "read") answer({ kind: "error", message });
      }
    });
  };
}

const scope = self as unknown as Worker;
scope.onmessage = (event: MessageEvent<ScriptGpuInit>) => start(event.data);
