/**
 * The `TensorOps` of scripts stored on a GPU device: every op the WebGPU executor has a kernel
 * for runs there (elementwise, sum/mean/max/min, argmax/argmin, softmax, matmul, permute,
 * expand, cat/stack), results stay on the GPU until the interpreter needs their elements, and
 * everything else runs on the CPU ops (which read GPU values back first). Views (reshape,
 * squeeze, ...) never move data, wherever it is. Shapes, dtypes, budgets and errors are the
 * CPU ops'; each function here returns `undefined` to hand an op to the CPU.
 */
import type { DType } from "../../../core/dtype.ts";
import { elementCount } from "../../../core/tensor.ts";
import type { AttributeValue } from "../../webgpu/graph.ts";
import { hostTensor } from "../../webgpu/host_tensor.ts";
import { swappedOrder } from "../ops/layout.ts";
import type { ReduceKind } from "../ops/reduce.ts";
import { charge, chargeWork, ScriptTensor, storageBytes } from "../ops/script_tensor.ts";
import { broadcastShapes, normDim } from "../ops/shape.ts";
import { cpuOps, TensorOps } from "../ops/tensor_ops.ts";
import { GpuElementwise, onGpu, OPSET } from "./gpu_elementwise.ts";
import type { GpuSession } from "./gpu_session.ts";

/** Reductions take their axes as an attribute up to this opset. */
const REDUCE_OPSET = 11;

type Pair = [ScriptTensor, ScriptTensor];

const ints = (value: readonly number[]): AttributeValue => ({ type: "ints", value });
const int = (value: number): AttributeValue => ({ type: "int", value });

class GpuOps extends GpuElementwise {
  /** One node over GPU tensors with one output, charged like the CPU op's result. */
  #one(
    opType: string,
    inputs: readonly ScriptTensor[],
    attributes: readonly (readonly [string, AttributeValue])[],
    output: readonly [DType, readonly number[]],
    opset = OPSET,
  ): ScriptTensor | undefined {
    charge(storageBytes(output[0], elementCount(output[1])));
    const node = { opType, opset, attributes, inputs: inputs.map((t) => this.session.input(t)) };
    return this.session.op(node, [output])[0];
  }

  reduce(
    kind: ReduceKind,
    t: ScriptTensor,
    dims: readonly number[] | undefined,
    options: { keepdim: boolean; dtype: DType | undefined },
  ): ScriptTensor | undefined {
    if (kind === "prod" || t.dtype !== "FLOAT" || (options.dtype ?? "FLOAT") !== "FLOAT") {
      return undefined;
    }
    if (!onGpu(t) || t.shape.length === 0) return undefined;
    const axes = reducedAxes(dims, t.shape.length);
    if (axes === undefined) return undefined;
    const shape = reducedShape(t.shape, axes, options.keepdim);
    const opType = kind === "sum" ? "ReduceSum" : "ReduceMean";
    const attributes = [["axes", ints(axes)], ["keepdims", int(options.keepdim ? 1 : 0)]] as const;
    return this.#one(opType, [t], attributes, ["FLOAT", shape], REDUCE_OPSET);
  }

  extremeAll(kind: "max" | "min", t: ScriptTensor): ScriptTensor | undefined {
    if (t.dtype !== "FLOAT" || !onGpu(t) || t.shape.length === 0) return undefined;
    const axes = t.shape.map((_, d) => d);
    const attributes = [["axes", ints(axes)], ["keepdims", int(0)]] as const;
    return this.#one(reduceName(kind), [t], attributes, ["FLOAT", []], REDUCE_OPSET);
  }

  extremeDim(
    kind: "max" | "min",
    t: ScriptTensor,
    dim: number,
    keepdim: boolean,
  ): Pair | undefined {
    if (t.dtype !== "FLOAT" || !onGpu(t) || t.shape.length === 0) return undefined;
    const d = normDim(dim, t.shape.length);
    const shape = reducedShape(t.shape, [d], keepdim);
    const keep = int(keepdim ? 1 : 0);
    const reduced = [["axes", ints([d])], ["keepdims", keep]] as const;
    const values = this.#one(reduceName(kind), [t], reduced, ["FLOAT", shape], REDUCE_OPSET);
    const indices = this.#argNode(kind, t, d, keep, shape);
    return values === undefined || indices === undefined ? undefined : [values, indices];
  }

  #argNode(
    kind: "max" | "min",
    t: ScriptTensor,
    axis: number,
    keep: AttributeValue,
    shape: readonly number[],
  ): ScriptTensor | undefined {
    const opType = kind === "max" ? "ArgMax" : "ArgMin";
    return this.#one(opType, [t], [["axis", int(axis)], ["keepdims", keep]], ["INT64", shape]);
  }

  argExtreme(
    kind: "max" | "min",
    t: ScriptTensor,
    dim: number | undefined,
    keepdim: boolean,
  ): ScriptTensor | undefined {
    if ((t.dtype !== "FLOAT" && t.dtype !== "INT32") || !onGpu(t) || t.shape.length === 0) {
      return undefined;
    }
    if (dim === undefined) {
      const index = this.#argNode(kind, t.view([t.size]), 0, int(0), []);
      return keepdim ? index?.view(t.shape.map(() => 1)) : index;
    }
    const d = normDim(dim, t.shape.length);
    return this.#argNode(kind, t, d, int(keepdim ? 1 : 0), reducedShape(t.shape, [d], keepdim));
  }

  softmax(t: ScriptTensor, dim: number, log: boolean): ScriptTensor | undefined {
    if (t.dtype !== "FLOAT" || !onGpu(t) || t.shape.length === 0) return undefined;
    const d = normDim(dim, t.shape.length);
    const opType = log ? "LogSoftmax" : "Softmax";
    return this.#one(opType, [t], [["axis", int(d)]], ["FLOAT", t.shape]);
  }

  matmul(a: ScriptTensor, b: ScriptTensor): ScriptTensor | undefined {
    if (a.dtype !== "FLOAT" || b.dtype !== "FLOAT" || !onGpu(a) || !onGpu(b)) return undefined;
    if (a.shape.length === 0 || b.shape.length === 0) return undefined;
    const aShape = a.shape.length === 1 ? [1, ...a.shape] : a.shape;
    const bShape = b.shape.length === 1 ? [...b.shape, 1] : b.shape;
    const [m, k] = aShape.slice(-2) as [number, number];
    const [k2, n] = bShape.slice(-2) as [number, number];
    if (k !== k2) return undefined;
    const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
    const shape = [
      ...batch,
      ...(a.shape.length === 1 ? [] : [m]),
      ...(b.shape.length === 1 ? [] : [n]),
    ];
    chargeWork(elementCount(batch) * m * n * k);
    return this.#one("MatMul", [a, b], [], ["FLOAT", shape]);
  }

  permute(t: ScriptTensor, dims: readonly number[]): ScriptTensor | undefined {
    const nd = t.shape.length;
    if (!onGpu(t) || nd === 0 || dims.length !== nd) return undefined;
    const order = dims.map((d) => normDim(d, nd));
    if (new Set(order).size !== nd) return undefined;
    const shape = order.map((d) => t.shape[d] as number);
    return this.#one("Transpose", [t], [["perm", ints(order)]], [t.dtype, shape]);
  }

  transpose(t: ScriptTensor, dim0: number, dim1: number): ScriptTensor | undefined {
    const nd = t.shape.length;
    return nd === 0 ? t : this.permute(t, swappedOrder(nd, dim0, dim1));
  }

  matrixTranspose(t: ScriptTensor): ScriptTensor | undefined {
    if (t.shape.length > 2) return undefined;
    return t.shape.length < 2 ? t : this.transpose(t, 0, 1);
  }

  expandTo(t: ScriptTensor, sizes: readonly number[]): ScriptTensor | undefined {
    const lead = sizes.length - t.shape.length;
    if (!onGpu(t) || lead < 0) return undefined;
    const target = sizes.map((s, i) => (s === -1 && i >= lead ? t.shape[i - lead] as number : s));
    const fits = t.shape.every((d, i) => d === 1 || d === target[i + lead]);
    if (!fits || target.some((d) => d <= 0)) return undefined;
    charge(storageBytes(t.dtype, elementCount(target)));
    const host = hostTensor("int64", [target.length], target);
    const node = { opType: "Expand", opset: OPSET, inputs: [this.session.input(t), { host }] };
    return this.session.op(node, [[t.dtype, target]])[0];
  }

  cat(tensors: readonly ScriptTensor[], dim: number): ScriptTensor | undefined {
    const first = tensors[0];
    if (first === undefined || first.shape.length === 0) return undefined;
    const nd = first.shape.length;
    const same = tensors.every((t) => t.dtype === first.dtype && onGpu(t) && t.shape.length === nd);
    if (!same) return undefined;
    const d = normDim(dim, nd);
    const fits = tensors.every((t) => t.shape.every((s, k) => k === d || s === first.shape[k]));
    if (!fits) return undefined;
    const shape = [...first.shape];
    shape[d] = tensors.reduce((total, t) => total + (t.shape[d] as number), 0);
    return this.#one("Concat", tensors, [["axis", int(d)]], [first.dtype, shape]);
  }

  stack(tensors: readonly ScriptTensor[], dim: number): ScriptTensor | undefined {
    const first = tensors[0];
    if (first === undefined) return undefined;
    const sameShape = tensors.every((t) =>
      t.shape.length === first.shape.length && t.shape.every((s, k) => s === first.shape[k])
    );
    if (!sameShape) return undefined;
    const d = normDim(dim, first.shape.length + 1);
    const shape = [...first.shape];
    shape.splice(d, 0, 1);
    return this.cat(tensors.map((t) => t.view(shape)), d);
  }
}

function reduceName(kind: "max" | "min"): string {
  return kind === "max" ? "ReduceMax" : "ReduceMin";
}

/** Sorted reduced axes (all for none), or `undefined` for a repeated dim (the CPU's error). */
function reducedAxes(dims: readonly number[] | undefined, ndim: number): number[] | undefined {
  if (dims === undefined || dims.length === 0) return Array.from({ length: ndim }, (_, d) => d);
  const axes = dims.map((d) => normDim(d, ndim));
  if (new Set(axes).size !== axes.length) return undefined;
  return axes.sort((a, b) => a - b);
}

function reducedShape(shape: readonly number[], axes: readonly number[], keep: boolean): number[] {
  return keep
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

/**
 * The ops of a GPU script worker over `session`: the GPU version of an op where it applies,
 * else the CPU's. `session` counts which ran where.
 */
export function gpuTensorOps(session: GpuSession): TensorOps {
  const gpu = new GpuOps(session);
  const either = <A extends unknown[], R>(
    onGpuOp: (...args: A) => R | undefined,
    onCpu: (...args: A) => R,
  ) =>
  (...args: A): R => {
    const result = onGpuOp.apply(gpu, args);
    if (result !== undefined) {
      session.gpuOps++;
      return result;
    }
    session.cpuOps++;
    return onCpu(...args);
  };
  const cpuOnly = <A extends unknown[], R>(onCpu: (...args: A) => R) => (...args: A): R => {
    session.cpuOps++;
    return onCpu(...args);
  };
  return {
    ...cpuOps,
    call: (fn) => session.call(fn),
    settle: (tensors) => session.settle(tensors),
    binary: either(gpu.binary, cpuOps.binary),
    unary: either(gpu.unary, cpuOps.unary),
    cast: either(gpu.cast, cpuOps.cast),
    where: either(gpu.where, cpuOps.where),
    reduce: either(gpu.reduce, cpuOps.reduce),
    extremeAll: either(gpu.extremeAll, cpuOps.extremeAll),
    extremeDim: either(gpu.extremeDim, cpuOps.extremeDim),
    argExtreme: either(gpu.argExtreme, cpuOps.argExtreme),
    softmax: either(gpu.softmax, cpuOps.softmax),
    matmul: either(gpu.matmul, cpuOps.matmul),
    permute: either(gpu.permute, cpuOps.permute),
    transpose: either(gpu.transpose, cpuOps.transpose),
    matrixTranspose: either(gpu.matrixTranspose, cpuOps.matrixTranspose),
    expandTo: either(gpu.expandTo, cpuOps.expandTo),
    cat: either(gpu.cat, cpuOps.cat),
    stack: either(gpu.stack, cpuOps.stack),
    repeat: cpuOnly(cpuOps.repeat),
    getIndex: cpuOnly(cpuOps.getIndex),
    setIndex: cpuOnly(cpuOps.setIndex),
    indexSelect: cpuOnly(cpuOps.indexSelect),
    nonzero: cpuOnly(cpuOps.nonzero),
    sort: cpuOnly(cpuOps.sort),
    topk: cpuOnly(cpuOps.topk),
  };
}
