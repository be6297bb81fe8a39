/**
 * Scripts' tensor ops on the GPU (a script GPU worker, lavapipe on CPU-only machines) against
 * the CPU ops, in process, interleaved, each call a full script call (ops, then the result read
 * back): a tiny elementwise op (where the ~11 ms GPU read floor shows), a 512³ matmul with relu
 * and softmax (where kernels pay off), and a 40-op chain with results kept on the GPU against
 * the same chain reading every result back (what residency saves). Calls per second; ratios
 * above 1 mean the first column is faster.
 *
 *   deno run -A --unstable-webgpu tests/bench/script_gpu_bench.ts    (BENCH_RUNS=n, default 5)
 */
import { GpuSession } from "../../backends/script/gpu/gpu_session.ts";
import { gpuTensorOps } from "../../backends/script/gpu/gpu_tensor_ops.ts";
import { ScriptTensor } from "../../backends/script/ops/script_tensor.ts";
import { cpuOps, TensorOps } from "../../backends/script/ops/tensor_ops.ts";
import { blockingPort } from "../../backends/script/worker/blocking_port.ts";
import { startScriptGpuWorker } from "../../backends/webgpu/script_ops/script_gpu_worker.ts";
import { printRatios } from "./lib.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 5);

const floats = (shape: number[]) => {
  const count = shape.reduce((a, b) => a * b, 1);
  return new ScriptTensor(
    "FLOAT",
    shape,
    Float32Array.from({ length: count }, (_, i) => Math.sin(i)),
  );
};
const row = floats([1, 784]);
const square = floats([512, 512]);

type Script = (ops: TensorOps) => ScriptTensor;
const add: Script = (o) => o.binary("add", row, row);
const dense: Script = (o) => o.softmax(o.unary("relu", o.matmul(square, square)), -1, false);
const chain = (readEach: boolean): Script => (o) => {
  let x = row;
  for (let i = 0; i < 20; i++) {
    x = o.unary("tanh", o.binary("add", x, row));
    if (readEach) void x.data;
  }
  return x;
};

/** Calls per second of `script` on `ops`, over `runs` calls after one warm-up. */
function callsPerSecond(ops: TensorOps, script: Script, runs: number): number {
  const call = () => ops.call(() => script(ops).data);
  call();
  const startMs = performance.now();
  for (let i = 0; i < runs; i++) call();
  return runs / ((performance.now() - startMs) / 1000);
}

const worker = startScriptGpuWorker({ memoryBytesMax: 0 });
try {
  const session = new GpuSession(blockingPort(worker.endpoint.port, worker.endpoint.flag));
  if (!session.available()) throw new Error("no WebGPU adapter");
  const gpu = gpuTensorOps(session);
  const rows = [];
  for (
    const [name, script, cpuRuns] of [
      ["a + b, 1×784", add, 200],
      ["relu(matmul 512³) → softmax", dense, 2],
    ] as const
  ) {
    rows.push({
      name: `${name}: GPU vs CPU ops`,
      ours: callsPerSecond(gpu, script, RUNS * 2),
      reference: callsPerSecond(cpuOps, script, cpuRuns),
      unit: "calls/s",
    });
  }
  rows.push({
    name: "40-op chain, 1×784: results kept on the GPU vs read after each op",
    ours: callsPerSecond(gpu, chain(false), RUNS * 2),
    reference: callsPerSecond(gpu, chain(true), RUNS),
    unit: "calls/s",
  });
  printRatios("Script tensor ops on the GPU, higher is better", rows);
} finally {
  worker.close();
}
