/**
 * The `torch` module as scripts see it: the shared math rows plus creation functions
 * (`tensor`, `zeros`, `ones`, `empty`, `full`, `*_like`, `arange`, `linspace`), joining
 * (`cat`, `stack`), `where`, `device`, and the dtype constants (`torch.float32`, `torch.long`,
 * ...). `device=` and `requires_grad=` are accepted and ignored: every tensor lives in host
 * memory and nothing is differentiated.
 */
import type { DType } from "../../core/dtype.ts";
import type { Scalar } from "./ops/promote.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import { Args, Builtin, BuiltinRow, builtinTable } from "./signature.ts";
import { torchMathRows } from "./torch_math.ts";
import { asScalar, PyDevice, PyDType, PyTuple, typeName, Value } from "./values.ts";

export const TORCH_DTYPES: ReadonlyMap<string, DType> = new Map<string, DType>([
  ["float32", "FLOAT"],
  ["float", "FLOAT"],
  ["float64", "DOUBLE"],
  ["double", "DOUBLE"],
  ["int64", "INT64"],
  ["long", "INT64"],
  ["int32", "INT32"],
  ["int", "INT32"],
  ["int16", "INT16"],
  ["short", "INT16"],
  ["int8", "INT8"],
  ["uint8", "UINT8"],
  ["bool", "BOOL"],
]);

const OPTIONS = "dtype=None, device=None, requires_grad=False";

/** Flattens nested lists of numbers into values and a shape (`torch.tensor(data)`). */
function nested(data: Value): { values: number[]; shape: number[]; kind: Scalar["kind"] } {
  const values: number[] = [];
  const shape: number[] = [];
  let kind: Scalar["kind"] = "bool";
  const rank = (k: Scalar["kind"]) => ({ bool: 0, int: 1, float: 2 })[k];
  const visit = (v: Value, depth: number): void => {
    const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : undefined;
    if (items === undefined) {
      if (depth !== shape.length && shape.length > 0) {
        throw opError("Expected a sequence, not a number");
      }
      const s = v instanceof ScriptTensor && v.size === 1 ? scalarOfTensor(v) : asScalar(v);
      if (s === undefined) throw opError(`Could not infer dtype of ${typeName(v)}`);
      if (rank(s.kind) > rank(kind)) kind = s.kind;
      values.push(s.value);
      return;
    }
    if (depth === shape.length) shape.push(items.length);
    else if (shape[depth] !== items.length) {
      throw opError(
        `expected sequence of length ${shape[depth]} at dim ${depth} (got ${items.length})`,
      );
    }
    for (const item of items) visit(item, depth + 1);
  };
  visit(data, 0);
  if (values.length === 0 && shape.length > 0) kind = "float";
  return { values, shape, kind };
}

function scalarOfTensor(t: ScriptTensor): Scalar {
  const kind = t.dtype === "FLOAT" || t.dtype === "DOUBLE"
    ? "float"
    : t.dtype === "BOOL"
    ? "bool"
    : "int";
  return { kind, value: Number(t.data[0]) };
}

function fromData(ops: TensorOps, data: Value, dtype: DType | undefined): ScriptTensor {
  const { values, shape, kind } = nested(data);
  const inferred: DType = kind === "float" ? "FLOAT" : kind === "int" ? "INT64" : "BOOL";
  return ops.fromValues(values, shape, dtype ?? inferred);
}

function creation(ops: TensorOps, name: string, fill: number): BuiltinRow[] {
  const value: Scalar = { kind: "float", value: fill };
  return [
    [`${name}(*size, ${OPTIONS})`, (a) => ops.full(a.intList(0), value, a.dtype(1) ?? "FLOAT")],
    [
      `${name}_like(input, ${OPTIONS})`,
      (a) => ops.full(a.tensor(0).shape, value, a.dtype(1) ?? a.tensor(0).dtype),
    ],
  ];
}

function arange(ops: TensorOps, a: Args): ScriptTensor {
  const zero: Scalar = { kind: "int", value: 0 };
  return a.isNone(1)
    ? ops.arange(zero, a.scalar(0), a.scalar(2), a.dtype(3))
    : ops.arange(a.scalar(0), a.scalar(1), a.scalar(2), a.dtype(3));
}

/** The `torch.*` functions. */
export function torchFunctions(ops: TensorOps): Map<string, Builtin> {
  return builtinTable([
    ...torchMathRows(ops),
    [`tensor(data, ${OPTIONS})`, (a) => fromData(ops, a.value(0), a.dtype(1))],
    [`as_tensor(data, ${OPTIONS})`, (a) => fromData(ops, a.value(0), a.dtype(1))],
    ...creation(ops, "zeros", 0),
    ...creation(ops, "ones", 1),
    ...creation(ops, "empty", 0),
    [`full(size, fill_value, ${OPTIONS})`, (a) => ops.full(a.intList(0), a.scalar(1), a.dtype(2))],
    [
      `full_like(input, fill_value, ${OPTIONS})`,
      (a) => ops.full(a.tensor(0).shape, a.scalar(1), a.dtype(2) ?? a.tensor(0).dtype),
    ],
    [`arange(start, end=None, step=1, ${OPTIONS})`, (a) => arange(ops, a)],
    [
      `linspace(start, end, steps, ${OPTIONS})`,
      (a) => ops.linspace(a.float(0), a.float(1), a.int(2), a.dtype(3)),
    ],
    ["cat(tensors, dim=0)", (a) => ops.cat(a.tensorList(0), a.int(1))],
    ["concat(tensors, dim=0)", (a) => ops.cat(a.tensorList(0), a.int(1))],
    ["stack(tensors, dim=0)", (a) => ops.stack(a.tensorList(0), a.int(1))],
    ["where(condition, input, other)", (a) => ops.where(a.tensor(0), a.operand(1), a.operand(2))],
    ["device(type)", (a) => new PyDevice(a.str(0))],
    ["is_tensor(obj)", (a) => a.value(0) instanceof ScriptTensor],
  ]);
}

/** `torch.<name>` as a value: a dtype constant, or undefined (functions are looked up apart). */
export function torchConstant(name: string): Value | undefined {
  const dtype = TORCH_DTYPES.get(name);
  return dtype === undefined ? undefined : new PyDType(dtype);
}
