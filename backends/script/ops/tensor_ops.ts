/**
 * The tensor-op interface the script interpreter computes through, and its CPU
 * implementation over typed arrays. Another implementation (WebGPU kernels) can stand in for
 * `cpuOps` op by op: the interpreter only ever calls these functions, never typed arrays.
 */
import type { DType } from "../../../core/dtype.ts";
import { arange, fromValues, full, linspace } from "./create.ts";
import { binary, BinaryKind, cast, unary, UnaryKind, where } from "./elementwise.ts";
import { getIndex, IndexItem, indexSelect, nonzero, setIndex } from "./index.ts";
import {
  cat,
  expandTo,
  flatten,
  matrixTranspose,
  permute,
  repeat,
  reshape,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from "./layout.ts";
import { matmul } from "./linalg.ts";
import type { Operand, Scalar } from "./promote.ts";
import { argExtreme, extremeAll, extremeDim, reduce, ReduceKind, softmax } from "./reduce.ts";
import type { ScriptTensor } from "./script_tensor.ts";
import { sort, topk } from "./sort.ts";

type Pair = [ScriptTensor, ScriptTensor];

export interface TensorOps {
  /**
   * Runs one script call's work: an implementation with per-call state (GPU buffers) sets it
   * up before `fn` and frees it after; results must not hold that state once `fn` returns.
   */
  call<T>(fn: () => T): T;
  /** Brings the elements of `tensors` to the host together (before they are read one by one). */
  settle(tensors: readonly ScriptTensor[]): void;
  binary(kind: BinaryKind, a: Operand, b: Operand): ScriptTensor;
  unary(kind: UnaryKind, t: ScriptTensor): ScriptTensor;
  cast(t: ScriptTensor, dtype: DType): ScriptTensor;
  where(cond: ScriptTensor, a: Operand, b: Operand): ScriptTensor;
  reduce(
    kind: ReduceKind,
    t: ScriptTensor,
    dims: readonly number[] | undefined,
    options: { keepdim: boolean; dtype: DType | undefined },
  ): ScriptTensor;
  extremeAll(kind: "max" | "min", t: ScriptTensor): ScriptTensor;
  extremeDim(kind: "max" | "min", t: ScriptTensor, dim: number, keepdim: boolean): Pair;
  argExtreme(
    kind: "max" | "min",
    t: ScriptTensor,
    dim: number | undefined,
    keepdim: boolean,
  ): ScriptTensor;
  softmax(t: ScriptTensor, dim: number, log: boolean): ScriptTensor;
  matmul(a: ScriptTensor, b: ScriptTensor): ScriptTensor;
  reshape(t: ScriptTensor, shape: readonly number[]): ScriptTensor;
  unsqueeze(t: ScriptTensor, dim: number): ScriptTensor;
  squeeze(t: ScriptTensor, dim: number | undefined): ScriptTensor;
  flatten(t: ScriptTensor, startDim: number, endDim: number): ScriptTensor;
  permute(t: ScriptTensor, dims: readonly number[]): ScriptTensor;
  transpose(t: ScriptTensor, dim0: number, dim1: number): ScriptTensor;
  matrixTranspose(t: ScriptTensor): ScriptTensor;
  expandTo(t: ScriptTensor, sizes: readonly number[]): ScriptTensor;
  repeat(t: ScriptTensor, sizes: readonly number[]): ScriptTensor;
  cat(tensors: readonly ScriptTensor[], dim: number): ScriptTensor;
  stack(tensors: readonly ScriptTensor[], dim: number): ScriptTensor;
  getIndex(t: ScriptTensor, items: readonly IndexItem[]): ScriptTensor;
  setIndex(t: ScriptTensor, items: readonly IndexItem[], value: Operand): void;
  indexSelect(t: ScriptTensor, dim: number, index: ScriptTensor): ScriptTensor;
  nonzero(t: ScriptTensor): ScriptTensor;
  sort(t: ScriptTensor, dim: number, descending: boolean): Pair;
  topk(t: ScriptTensor, k: number, dim: number, largest: boolean): Pair;
  full(shape: readonly number[], value: Scalar, dtype?: DType): ScriptTensor;
  arange(start: Scalar, end: Scalar, step: Scalar, dtype: DType | undefined): ScriptTensor;
  linspace(start: number, end: number, steps: number, dtype?: DType): ScriptTensor;
  fromValues(values: readonly number[], shape: readonly number[], dtype: DType): ScriptTensor;
}

export const cpuOps: TensorOps = {
  call: (fn) => fn(),
  settle: () => {},
  binary,
  unary,
  cast,
  where,
  reduce,
  extremeAll,
  extremeDim,
  argExtreme,
  softmax,
  matmul,
  reshape,
  unsqueeze,
  squeeze,
  flatten,
  permute,
  transpose,
  matrixTranspose,
  expandTo,
  repeat,
  cat,
  stack,
  getIndex,
  setIndex,
  indexSelect,
  nonzero,
  sort,
  topk,
  full,
  arange,
  linspace,
  fromValues,
};
