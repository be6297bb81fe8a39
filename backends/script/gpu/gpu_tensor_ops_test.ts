/**
 * Tests for scripts' GPU tensor ops: every op the GPU covers against the CPU ops (the oracle,
 * itself checked against numpy fixtures) through the real bridge (a script GPU worker on
 * whatever adapter this machine has, lavapipe included), residency across ops and views,
 * in-place writes, and the ops that fall back to the CPU. GPU cases are skipped only where
 * WebGPU has no adapter, never in CI.
 */
import assert from "node:assert/strict";
import type { DType } from "../../../core/dtype.ts";
import { startScriptGpuWorker } from "../../webgpu/script_ops/script_gpu_worker.ts";
import type { Scalar } from "../ops/promote.ts";
import { ScriptTensor } from "../ops/script_tensor.ts";
import { cpuOps, TensorOps } from "../ops/tensor_ops.ts";
import { BlockingPort, blockingPort, PeerGoneError } from "../worker/blocking_port.ts";
import type { ScriptGpuReply, ScriptGpuRequest } from "../../webgpu/script_ops/protocol.ts";
import { GpuSession, GpuStorage } from "./gpu_session.ts";
import { gpuTensorOps } from "./gpu_tensor_ops.ts";
import { gpuTest } from "../../../tests/helpers/webgpu.ts";

/** Seeded values in [lo, hi) (a small LCG: the cases must be the same on every run). */
function values(n: number, seed: number, lo = -2, hi = 2): number[] {
  let state = seed >>> 0;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (state / 2 ** 32);
  });
}

function tensor(dtype: DType, shape: number[], data: number[]): ScriptTensor {
  const storage = dtype === "FLOAT"
    ? Float32Array.from(data)
    : dtype === "INT32"
    ? Int32Array.from(data, Math.trunc)
    : dtype === "BOOL"
    ? Uint8Array.from(data, (v) => (v > 0 ? 1 : 0))
    : dtype === "INT64"
    ? BigInt64Array.from(data, (v) => BigInt(Math.trunc(v)))
    : Float64Array.from(data);
  return new ScriptTensor(dtype, shape, storage);
}

const f = (shape: number[], seed: number, lo?: number, hi?: number) =>
  tensor("FLOAT", shape, values(shape.reduce((a, b) => a * b, 1), seed, lo, hi));
const i32 = (shape: number[], seed: number) =>
  tensor("INT32", shape, values(shape.reduce((a, b) => a * b, 1), seed, -50, 50));
const bool = (shape: number[], seed: number) =>
  tensor("BOOL", shape, values(shape.reduce((a, b) => a * b, 1), seed));
const float = (value: number): Scalar => ({ kind: "float", value });
const int = (value: number): Scalar => ({ kind: "int", value });

const A = f([2, 3, 4], 1);
const B = f([3, 4], 2);
const ROW = f([4], 3);
const POS = f([2, 3, 4], 4, 0.1, 3);
const M = f([5, 7], 5);
const N = f([7, 3], 6);
const I = i32([2, 3, 4], 7);
const J = i32([3, 4], 8);
const MASK = bool([2, 3, 4], 9);

type Result = ScriptTensor | ScriptTensor[];

/** Op cases that must run on the GPU, by name. */
const GPU_CASES: Readonly<Record<string, (ops: TensorOps) => Result>> = {
  "add broadcast": (o) => o.binary("add", A, B),
  "sub row": (o) => o.binary("sub", A, ROW),
  "mul scalar": (o) => o.binary("mul", A, float(1.5)),
  "div": (o) => o.binary("div", A, POS),
  "rdiv scalar": (o) => o.binary("div", float(2), POS),
  "pow": (o) => o.binary("pow", POS, B),
  "pow negative base, integral exponent": (o) => o.binary("pow", A, float(3)),
  "eq": (o) => o.binary("eq", A, A),
  "ne": (o) => o.binary("ne", A, B),
  "lt": (o) => o.binary("lt", A, B),
  "le": (o) => o.binary("le", A, float(0)),
  "gt": (o) => o.binary("gt", A, ROW),
  "ge": (o) => o.binary("ge", I, J),
  "int add": (o) => o.binary("add", I, J),
  "int mul scalar": (o) => o.binary("mul", I, int(3)),
  "int sub": (o) => o.binary("sub", J, I),
  "int true division": (o) => o.binary("div", I, int(7)),
  "int + float scalar": (o) => o.binary("add", I, float(0.25)),
  "int + float tensor": (o) => o.binary("add", I, B),
  "bool * float": (o) => o.binary("mul", MASK, A),
  "relu": (o) => o.unary("relu", A),
  "sigmoid": (o) => o.unary("sigmoid", A),
  "tanh": (o) => o.unary("tanh", A),
  "exp": (o) => o.unary("exp", A),
  "log": (o) => o.unary("log", POS),
  "sqrt": (o) => o.unary("sqrt", POS),
  "abs": (o) => o.unary("abs", A),
  "neg": (o) => o.unary("neg", A),
  "floor": (o) => o.unary("floor", A),
  "ceil": (o) => o.unary("ceil", A),
  "round": (o) => o.unary("round", o.binary("mul", A, float(4))),
  "sin": (o) => o.unary("sin", A),
  "cos": (o) => o.unary("cos", A),
  "reciprocal": (o) => o.unary("reciprocal", POS),
  "int neg": (o) => o.unary("neg", I),
  "int abs": (o) => o.unary("abs", I),
  "int relu": (o) => o.unary("relu", I),
  "int exp is float": (o) => o.unary("exp", o.binary("div", I, int(10))),
  "int sigmoid is float": (o) => o.unary("sigmoid", I),
  "float to int": (o) => o.cast(o.binary("mul", A, float(10)), "INT32"),
  "int to float": (o) => o.cast(I, "FLOAT"),
  "float to bool": (o) => o.cast(o.unary("relu", A), "BOOL"),
  "bool to float": (o) => o.cast(MASK, "FLOAT"),
  "where": (o) => o.where(MASK, A, float(-1)),
  "where broadcast": (o) => o.where(o.binary("gt", B, float(0)), A, ROW),
  "sum all": (o) => o.reduce("sum", A, undefined, { keepdim: false, dtype: undefined }),
  "sum dim": (o) => o.reduce("sum", A, [1], { keepdim: false, dtype: undefined }),
  "sum dims keepdim": (o) => o.reduce("sum", A, [-1, 0], { keepdim: true, dtype: undefined }),
  "mean dim": (o) => o.reduce("mean", A, [2], { keepdim: false, dtype: undefined }),
  "mean all": (o) => o.reduce("mean", M, [], { keepdim: false, dtype: "FLOAT" }),
  "max all": (o) => o.extremeAll("max", A),
  "min all": (o) => o.extremeAll("min", A),
  "max dim": (o) => o.extremeDim("max", A, 1, false),
  "min dim keepdim": (o) => o.extremeDim("min", A, -1, true),
  "argmax flat": (o) => o.argExtreme("max", A, undefined, false),
  "argmin dim keepdim": (o) => o.argExtreme("min", A, 0, true),
  "int argmax": (o) => o.argExtreme("max", I, 2, false),
  "softmax last": (o) => o.softmax(A, -1, false),
  "softmax dim 0": (o) => o.softmax(A, 0, false),
  "log_softmax": (o) => o.softmax(M, 1, true),
  "matmul": (o) => o.matmul(M, N),
  "matmul batched": (o) => o.matmul(A, o.matrixTranspose(B)),
  "matmul vector-matrix": (o) => o.matmul(f([5], 10), M),
  "matmul matrix-vector": (o) => o.matmul(M, f([7], 11)),
  "matmul dot": (o) => o.matmul(ROW, ROW),
  "permute": (o) => o.permute(A, [2, 0, 1]),
  "transpose": (o) => o.transpose(I, 0, -1),
  "t": (o) => o.matrixTranspose(M),
  "expand": (o) => o.expandTo(ROW, [3, -1]),
  "expand bool": (o) => o.expandTo(o.binary("gt", ROW, float(0)), [2, 2, 4]),
  "cat": (o) => o.cat([A, o.unsqueeze(B, 0)], 0),
  "cat dim 1": (o) => o.cat([M, f([5, 3], 12)], 1),
  "stack": (o) => o.stack([B, B, B], 1),
  "chain through views": (o) =>
    o.softmax(o.reshape(o.binary("add", o.flatten(A, 0, 1), ROW), [3, 8]), -1, false),
};

/** Cases with at least one op the GPU lacks: the same answer, some ops on the CPU. */
const FALLBACK_CASES: Readonly<Record<string, (ops: TensorOps) => Result>> = {
  "int64 add": (o) => o.binary("add", tensor("INT64", [3], [1, 2, 3]), int(2 ** 40)),
  "double exp": (o) => o.unary("exp", tensor("DOUBLE", [3], [0.5, 1, 2])),
  "floor_divide": (o) => o.binary("floor_divide", A, float(0.3)),
  "int pow": (o) => o.binary("pow", I, int(2)),
  "prod": (o) => o.reduce("prod", POS, [1], { keepdim: false, dtype: undefined }),
  "sort of a GPU value": (o) => o.sort(o.binary("mul", A, float(2)), -1, false),
  "index of a GPU value": (o) => o.getIndex(o.binary("add", A, B), [{ k: "int", i: 1 }]),
  "int scalar beyond int32": (o) => o.binary("add", I, int(2 ** 33)),
};

function plain(t: ScriptTensor): { dtype: DType; shape: number[]; values: number[] } {
  return { dtype: t.dtype, shape: [...t.shape], values: Array.from(t.data, Number) };
}

function close(name: string, gpu: ReturnType<typeof plain>, cpu: ReturnType<typeof plain>): void {
  assert.equal(gpu.dtype, cpu.dtype, `${name}: dtype`);
  assert.deepEqual(gpu.shape, cpu.shape, `${name}: shape`);
  gpu.values.forEach((v, i) => {
    const want = cpu.values[i] as number;
    const ok = Object.is(v, want) || Math.abs(v - want) <= 1e-5 + 1e-5 * Math.abs(want);
    assert(ok, `${name}[${i}]: GPU ${v}, CPU ${want}`);
  });
}

function results(ops: TensorOps, fn: (ops: TensorOps) => Result) {
  return ops.call(() => {
    const r = fn(ops);
    const list = Array.isArray(r) ? r : [r];
    ops.settle(list);
    return list.map(plain);
  });
}

function withSession(test: (session: GpuSession, ops: TensorOps) => void): void {
  const worker = startScriptGpuWorker({ memoryBytesMax: 0 });
  try {
    const session = new GpuSession(blockingPort(worker.endpoint.port, worker.endpoint.flag));
    assert.equal(session.available(), true);
    test(session, gpuTensorOps(session));
  } finally {
    worker.close();
  }
}

Deno.test("gpuTensorOps() matches the CPU ops on every op it runs on the GPU", gpuTest, () => {
  withSession((session, ops) => {
    for (const [name, fn] of Object.entries(GPU_CASES)) {
      const gpu = results(ops, fn);
      assert.equal(session.cpuOps, 0, `${name}: an op fell back to the CPU`);
      assert(session.gpuOps > 0, `${name}: nothing ran on the GPU`);
      const cpu = results(cpuOps, fn);
      assert.equal(gpu.length, cpu.length, name);
      gpu.forEach((g, k) => close(`${name} #${k}`, g, cpu[k] as ReturnType<typeof plain>));
    }
  });
});

Deno.test("gpuTensorOps() falls back to the CPU ops where the GPU has no kernel", gpuTest, () => {
  withSession((session, ops) => {
    for (const [name, fn] of Object.entries(FALLBACK_CASES)) {
      const gpu = results(ops, fn);
      assert(session.cpuOps > 0, `${name}: expected a CPU fallback`);
      const cpu = results(cpuOps, fn);
      gpu.forEach((g, k) => close(`${name} #${k}`, g, cpu[k] as ReturnType<typeof plain>));
    }
  });
});

Deno.test("gpuTensorOps() keeps results on the GPU until they are read", gpuTest, () => {
  withSession((_session, ops) => {
    ops.call(() => {
      const sum = ops.binary("add", A, B);
      const view = ops.reshape(sum, [24]);
      assert(sum.lazy instanceof GpuStorage);
      assert.equal(view.lazy, sum.lazy, "a view shares the GPU storage");
      const doubled = ops.binary("mul", view, float(2));
      assert(doubled.lazy instanceof GpuStorage && doubled.lazy.host === undefined);
      const want = cpuOps.binary("mul", cpuOps.binary("add", A, B), float(2));
      close("chain", plain(doubled), plain(cpuOps.reshape(want, [24])));
      assert.equal(view.data, sum.data, "views read back into one host storage");
    });
  });
});

Deno.test("gpuTensorOps() sees in-place writes to values it has on the GPU", gpuTest, () => {
  withSession((_session, ops) => {
    const script = (o: TensorOps) => {
      const x = o.binary("add", A, float(1));
      const y = o.reshape(x, [24]);
      const before = o.binary("mul", x, float(3));
      o.setIndex(y, [{ k: "int", i: 0 }], float(100));
      const after = o.binary("mul", x, float(3));
      const input = tensor("FLOAT", [3], [1, 2, 3]);
      const first = o.binary("add", input, float(1));
      o.setIndex(input, [{ k: "int", i: 1 }], float(-7));
      return [before, after, first, o.binary("add", input, float(1))];
    };
    const gpu = results(ops, script);
    const cpu = results(cpuOps, script);
    gpu.forEach((g, k) => close(`write #${k}`, g, cpu[k] as ReturnType<typeof plain>));
    assert.equal(gpu[1]?.values[0], 300);
    assert.equal(gpu[3]?.values[1], -6);
  });
});

Deno.test("GpuSession.available() is false without a device or without the GPU worker", () => {
  const port = (call: () => ScriptGpuReply): BlockingPort<ScriptGpuRequest, ScriptGpuReply> => ({
    post: () => {},
    call,
  });
  const noDevice = new GpuSession(
    port(() => ({ kind: "probe", available: false, detail: "no adapter" })),
  );
  assert.equal(noDevice.available(), false);
  const gone = new GpuSession(port(() => {
    throw new PeerGoneError("the peer has stopped");
  }));
  assert.equal(gone.available(), false);
});
