/**
 * Shared pieces of the WebGPU tests: whether this machine has an adapter (tests run wherever
 * one exists, lavapipe included, and are skipped only where `requestAdapter()` returns null
 * outside CI: with `CI=true` they run and fail, so CI never passes without its GPU tests),
 * one runtime per test file, and building a session straight from a graph.
 */
import { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { webGpu } from "../../gpu/web_gpu.ts";
import type { Graph } from "../../backends/webgpu/graph.ts";
import { topologicalOrder } from "../../backends/webgpu/topological_order.ts";
import { WebGpuSession } from "../../backends/webgpu/webgpu_session.ts";

async function probeAdapter(): Promise<boolean> {
  return (await webGpu()?.requestAdapter() ?? null) !== null;
}

/** True where WebGPU has an adapter (on CPU-only machines: Mesa lavapipe). */
export const hasGpu: boolean = await probeAdapter();

let runtime: GpuRuntime | undefined;

/** The test file's runtime (one device for all its tests). */
export function testRuntime(): GpuRuntime {
  runtime ??= new GpuRuntime();
  return runtime;
}

/** A prepared session for `graph` on `gpu` (the file's runtime by default). */
export async function sessionFor(
  graph: Graph,
  gpu: GpuRuntime = testRuntime(),
): Promise<WebGpuSession> {
  const session = new WebGpuSession(graph, topologicalOrder(graph), gpu);
  await session.prepare();
  return session;
}

/** Test options that skip only where no adapter exists, and never in CI. */
export const gpuTest = {
  ignore: !hasGpu && Deno.env.get("CI") !== "true",
  sanitizeResources: false,
  sanitizeOps: false,
} as const;
