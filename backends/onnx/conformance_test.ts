/**
 * One conformance suite for every ONNX provider this machine can run: the same models, inputs
 * and expectations (as data) on onnxruntime-node (native), onnxruntime-web (WASM) and, when a
 * WebGPU adapter exists, onnxruntime-web's WebGPU EP. The native provider is the reference
 * the others are compared with, within each case's tolerance.
 */
import assert from "node:assert/strict";
import type { DType } from "../../core/dtype.ts";
import { numericTensor, stringAt, stringOffsets, stringTensor, Tensor } from "../../core/tensor.ts";
import type { Backend, ModelSession } from "../backend.ts";
import { NativeOnnxBackend } from "./native_backend.ts";
import { WebOnnxBackend } from "./web_backend.ts";
import { GpuOnnxBackend } from "../webgpu/gpu_onnx_backend.ts";

const testdata = new URL("../../../shared/testdata/redisai/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, testdata));

function floats(shape: number[], values: number[]): Tensor {
  return numericTensor("FLOAT", shape, new Uint8Array(new Float32Array(values).buffer));
}

function strings(shape: number[], values: string[]): Tensor {
  const blob = new TextEncoder().encode(values.map((v) => v + "\0").join(""));
  return stringTensor(shape, blob, stringOffsets(blob, values.length) as Uint32Array);
}

interface Expected {
  readonly dtype: DType;
  readonly shape: number[];
  readonly values?: readonly (number | bigint | string)[];
}

interface Case {
  readonly name: string;
  readonly model: string;
  readonly inputs: () => Tensor[];
  /** One entry per model output; `null` for an output that is not a tensor. */
  readonly outputs?: readonly (Expected | null)[];
  readonly check?: (outputs: readonly (Tensor | undefined)[]) => void;
  readonly loadError?: string;
  readonly runError?: string;
  readonly tolerance?: number;
  /** Providers that lack an operator the model needs (they must say so when loading). */
  readonly missingOps?: readonly string[];
}

/**
 * onnxruntime-web's WebGPU build carries no ONNX-ML operators (LinearRegressor, ...), and our
 * WebGPU executor falls back to that build for ops it lacks.
 */
const NO_ONNX_ML = ["onnxruntime-web-webgpu", "inferdb-webgpu"];

function argmax(t: Tensor | undefined): number {
  const values = Array.from(t?.data as Float32Array);
  return values.indexOf(Math.max(...values));
}

const CASES: readonly Case[] = [
  {
    name: "mnist predicts 1 for one.raw",
    model: "mnist.onnx",
    inputs: () => [numericTensor("FLOAT", [1, 1, 28, 28], read("one.raw"))],
    check: (out) => assert.equal(argmax(out[0]), 1),
  },
  {
    name: "linear_iris regresses the sample",
    model: "linear_iris.onnx",
    missingOps: NO_ONNX_ML,
    inputs: () => [floats([1, 4], [5.1, 3.5, 1.4, 0.2])],
    outputs: [{ dtype: "FLOAT", shape: [1, 1], values: [-0.090524077415466309] }],
  },
  {
    name: "logreg_iris labels the sample and skips its ZipMap output",
    model: "logreg_iris.onnx",
    missingOps: NO_ONNX_ML,
    inputs: () => [floats([1, 4], [5.1, 3.5, 1.4, 0.2])],
    outputs: [{ dtype: "INT64", shape: [1], values: [0n] }, null],
  },
  {
    name: "mul_1 squares its input",
    model: "mul_1.onnx",
    inputs: () => [floats([3, 2], [1, 2, 3, 4, 5, 6])],
    outputs: [{ dtype: "FLOAT", shape: [3, 2], values: [1, 4, 9, 16, 25, 36] }],
  },
  {
    name: "mul_1 refuses a rank-1 input with ONNX Runtime's text",
    model: "mul_1.onnx",
    inputs: () => [floats([3], [1, 2, 3])],
    runError: "Invalid rank for input: X Got: 1 Expected: 2 Please fix either the inputs/outputs " +
      "or the model.",
  },
  {
    name: "identity_string passes STRING tensors through",
    model: "identity_string.onnx",
    inputs: () => [strings([2, 2], ["a", "bb", "", "dddd"])],
    outputs: [{ dtype: "STRING", shape: [2, 2], values: ["a", "bb", "", "dddd"] }],
  },
  {
    name: "batchdim_mismatch returns an empty second output",
    model: "batchdim_mismatch.onnx",
    inputs: () => [floats([2], [1, 2]), floats([2], [3, 4])],
    outputs: [{ dtype: "FLOAT", shape: [2], values: [1, 2] }, { dtype: "FLOAT", shape: [0] }],
  },
  {
    name: "a TensorFlow graph is not an ONNX model",
    model: "graph.pb",
    inputs: () => [],
    loadError: "No graph was found in the protobuf.",
  },
  {
    name: "external initializers are refused",
    model: "model_with_external_initializers.onnx",
    inputs: () => [],
    loadError: "Initializer tensors with external data is not allowed.",
  },
];

function values(t: Tensor): (number | bigint | string)[] {
  if (t.dtype !== "STRING") return Array.from(t.data as ArrayLike<number | bigint>);
  const decoder = new TextDecoder();
  return Array.from(t.offsets ?? [], (_, i) => decoder.decode(stringAt(t, i)));
}

function assertOutput(got: Tensor | undefined, want: Expected | null, tolerance: number): void {
  if (want === null) {
    assert.equal(got, undefined);
    return;
  }
  assert.ok(got !== undefined);
  assert.equal(got.dtype, want.dtype);
  assert.deepEqual(got.shape, want.shape);
  if (want.values === undefined) return;
  const have = values(got);
  assert.equal(have.length, want.values.length);
  want.values.forEach((v, i) => {
    if (typeof v === "number") assert.ok(Math.abs((have[i] as number) - v) <= tolerance, `${i}`);
    else assert.equal(have[i], v);
  });
}

async function runCase(backend: Backend, c: Case, tolerance: number): Promise<void> {
  const options = { device: "CPU", intraOpThreads: 1, interOpThreads: 0 };
  if (c.loadError !== undefined) {
    await assert.rejects(backend.load(read(c.model), options), { message: c.loadError });
    return;
  }
  if (c.missingOps?.includes(backend.name)) {
    await assert.rejects(backend.load(read(c.model), options), /No Op registered for /);
    return;
  }
  const session: ModelSession = await backend.load(read(c.model), options);
  try {
    if (c.runError !== undefined) {
      await assert.rejects(session.run(c.inputs()), { message: c.runError });
      return;
    }
    const outputs = await session.run(c.inputs());
    assert.equal(outputs.length, session.outputs.length);
    c.check?.(outputs);
    c.outputs?.forEach((want, i) => assertOutput(outputs[i], want, c.tolerance ?? tolerance));
  } finally {
    await session.close();
  }
}

const providers: { backend: Backend; tolerance: number }[] = [
  { backend: new NativeOnnxBackend(), tolerance: 1e-6 },
  { backend: new WebOnnxBackend("wasm"), tolerance: 1e-6 },
  { backend: new WebOnnxBackend("webgpu"), tolerance: 1e-4 },
  { backend: new GpuOnnxBackend({ gpuMemoryMax: 0 }), tolerance: 1e-4 },
];

for (const { backend, tolerance } of providers) {
  const available = await backend.available();
  for (const c of CASES) {
    Deno.test({
      name: `${backend.name}: ${c.name}`,
      ignore: !available,
      // onnxruntime-web keeps its WASM instance (and WebGPU device) for the whole process.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: () => runCase(backend, c, tolerance),
    });
  }
}

Deno.test("onnxruntime-node: an aborted run stops with ONNX Runtime's terminate text", async () => {
  const backend = new NativeOnnxBackend();
  const session = await backend.load(read("model_with_infinite_loop.onnx"), {
    device: "CPU",
    intraOpThreads: 1,
    interOpThreads: 0,
  });
  try {
    const abort = new AbortController();
    const iterations = new Uint8Array(new BigInt64Array([10n ** 15n]).buffer);
    const running = session.run([
      floats([1], [1]),
      numericTensor("INT64", [1], iterations),
      numericTensor("BOOL", [1], new Uint8Array([1])),
      floats([1], [1]),
    ], { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(running, /Exiting due to terminate flag being set to true/);
  } finally {
    await session.close();
  }
});
