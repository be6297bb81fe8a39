/**
 * Subscripts: Python sequence indexing and slicing (lists, tuples, strings, with negative
 * indices and steps), and tensor subscripts turned into index items for the tensor ops
 * (ints, slices, `None`, `...`, index tensors and lists of ints).
 */
import type { Expr } from "./ast.ts";
import { newList } from "./builtins.ts";
import { evalExpr } from "./expressions.ts";
import type { IndexItem } from "./ops/index.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { Frame, Runtime } from "./runtime.ts";
import { PyTuple, typeName, Value } from "./values.ts";

/** A Python sequence index, wrapped and bounds-checked. */
export function pyIndex(v: Value, length: number, what: string): number {
  const i = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : integerTensor(v);
  if (i === undefined) throw opError(`${what} indices must be integers, not ${typeName(v)}`);
  const at = i < 0 ? i + length : i;
  if (at < 0 || at >= length) throw opError(`${what} index out of range`);
  return at;
}

function integerTensor(v: Value): number | undefined {
  if (!(v instanceof ScriptTensor) || v.shape.length !== 0) return undefined;
  return v.dtype === "FLOAT" || v.dtype === "DOUBLE" ? undefined : Number(v.data[0]);
}

function sliceBound(rt: Runtime, e: Expr | undefined, f: Frame): number | undefined {
  if (e === undefined) return undefined;
  const v = evalExpr(rt, e, f);
  if (v === null) return undefined;
  const i = typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : integerTensor(v);
  if (i === undefined) throw opError(`slice indices must be integers or None, not ${typeName(v)}`);
  return i;
}

/** Python's slice positions over a sequence of `length`. */
function sliceIndices(length: number, start?: number, stop?: number, step = 1): number[] {
  if (step === 0) throw opError("slice step cannot be zero");
  const clamp = (v: number, lo: number, hi: number) =>
    Math.min(Math.max(v < 0 ? v + length : v, lo), hi);
  const out: number[] = [];
  if (step > 0) {
    const hi = stop === undefined ? length : clamp(stop, 0, length);
    for (let i = start === undefined ? 0 : clamp(start, 0, length); i < hi; i += step) out.push(i);
  } else {
    const lo = stop === undefined ? -1 : clamp(stop, -1, length - 1);
    for (
      let i = start === undefined ? length - 1 : clamp(start, -1, length - 1);
      i > lo;
      i += step
    ) out.push(i);
  }
  return out;
}

/** `obj[index]`. */
export function getItem(rt: Runtime, obj: Value, index: Expr, f: Frame): Value {
  if (obj instanceof ScriptTensor) return rt.ops.getIndex(obj, indexItems(rt, index, f));
  const seq = Array.isArray(obj)
    ? obj
    : obj instanceof PyTuple
    ? obj.items
    : typeof obj === "string"
    ? obj
    : undefined;
  if (seq === undefined) throw opError(`'${typeName(obj)}' object is not subscriptable`);
  const what = Array.isArray(obj) ? "list" : typeof obj === "string" ? "string" : "tuple";
  if (index.k === "slice") {
    const at = sliceIndices(
      seq.length,
      sliceBound(rt, index.lower, f),
      sliceBound(rt, index.upper, f),
      sliceBound(rt, index.step, f),
    );
    const picked = at.map((i) => seq[i] as Value);
    if (typeof obj === "string") return picked.join("");
    return Array.isArray(obj) ? newList(picked) : new PyTuple(picked);
  }
  return seq[pyIndex(evalExpr(rt, index, f), seq.length, what)] as Value;
}

/** A tensor subscript as index items. */
export function indexItems(rt: Runtime, index: Expr, f: Frame): IndexItem[] {
  const parts = index.k === "tuple" ? index.elts : [index];
  return parts.map((part): IndexItem => {
    if (part.k === "slice") {
      return {
        k: "slice",
        start: sliceBound(rt, part.lower, f),
        stop: sliceBound(rt, part.upper, f),
        step: sliceBound(rt, part.step, f) ?? 1,
      };
    }
    if (part.k === "const" && part.value.type === "ellipsis") return { k: "ellipsis" };
    const v = evalExpr(rt, part, f);
    if (v === null) return { k: "none" };
    if (typeof v === "number" || typeof v === "boolean") return { k: "int", i: Number(v) };
    const scalarIndex = integerTensor(v);
    if (scalarIndex !== undefined) return { k: "int", i: scalarIndex };
    if (v instanceof ScriptTensor) return { k: "tensor", t: v };
    if (Array.isArray(v)) {
      const values = v.map((x) => {
        if (typeof x !== "number") {
          throw opError(`tensor index lists must hold ints, not ${typeName(x)}`);
        }
        return x;
      });
      return { k: "tensor", t: rt.ops.fromValues(values, [values.length], "INT64") };
    }
    throw opError(
      `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${
        typeName(v)
      })`,
    );
  });
}
