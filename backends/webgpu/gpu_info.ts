/**
 * The `gpu` INFO section: what the main thread's WebGPU adapter says about itself (probed once,
 * without creating a device) and the GPU memory, pipelines, sessions and runs that the
 * executor's Workers report on the shared stats board, per path: our executor, ONNX Runtime's
 * WebGPU provider (`fallback`) or, with `gpu-fallback cpu`, the CPU (`cpu_fallback`).
 */
import type { ServerState } from "../../core/server_state.ts";
import { webGpu } from "../../gpu/web_gpu.ts";
import { gpuStatsBoard } from "./gpu_stats_board.ts";

type Fields = [string, string | number][];

interface AdapterProbe {
  state: "probing" | "none" | "found";
  fields: Fields;
}

function probeAdapter(): AdapterProbe {
  const probe: AdapterProbe = { state: "probing", fields: [] };
  const gpu = webGpu();
  if (gpu === undefined) {
    probe.state = "none";
    return probe;
  }
  gpu.requestAdapter().then((adapter) => {
    if (adapter === null) {
      probe.state = "none";
      return;
    }
    const info = adapter.info;
    probe.state = "found";
    probe.fields = [
      ["gpu_adapter", info.description || info.device || "unknown"],
      ["gpu_vendor", info.vendor],
      ["gpu_architecture", info.architecture],
      ["gpu_fallback_adapter", info.isFallbackAdapter ? 1 : 0],
      ["gpu_shader_f16", adapter.features.has("shader-f16") ? 1 : 0],
      ["gpu_max_buffer_size", adapter.limits.maxBufferSize],
      ["gpu_max_storage_buffer_binding_size", adapter.limits.maxStorageBufferBindingSize],
      ["gpu_max_workgroup_storage_size", adapter.limits.maxComputeWorkgroupStorageSize],
    ];
  }, () => (probe.state = "none"));
  return probe;
}

/** Registers INFO's `gpu` section on `server`. */
export function registerGpuInfo(server: ServerState): void {
  const probe = probeAdapter();
  server.infoSections.set("gpu", () => {
    const stats = gpuStatsBoard().totals();
    return [
      ["gpu_available", probe.state === "found" ? 1 : 0],
      ["gpu_probe", probe.state],
      ...probe.fields,
      ["gpu_executor", "inferdb-webgpu"],
      ["gpu_memory_bytes", stats.bytesAllocated],
      ["gpu_memory_in_use_bytes", stats.bytesInUse],
      ["gpu_memory_peak_bytes", stats.bytesPeak],
      ["gpu_memory_max_bytes", server.config["gpu-memory-max"]],
      ["gpu_buffers", stats.buffers],
      ["gpu_pipelines", stats.pipelines],
      ["gpu_device_losses", stats.deviceLosses],
      ["gpu_fallback", server.config["gpu-fallback"]],
      ["gpu_executor_sessions", stats.sessions],
      ["gpu_fallback_sessions", stats.fallbackSessions],
      ["gpu_cpu_fallback_sessions", stats.cpuFallbackSessions],
      ["gpu_runs", stats.runs],
      ["gpu_fallback_runs", stats.fallbackRuns],
      ["gpu_cpu_fallback_runs", stats.cpuFallbackRuns],
      ["gpu_script_runs", stats.scriptRuns],
      ["gpu_script_kernel_ops", stats.scriptGpuOps],
      ["gpu_script_cpu_fallback_ops", stats.scriptCpuOps],
    ];
  });
}
