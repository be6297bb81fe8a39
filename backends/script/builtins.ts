/**
 * Python built-in functions available to scripts: conversions (`int`, `float`, `str`,
 * `bool`), `len`, `range`, `min`/`max`/`abs`/`sum`/`round`, `enumerate`, `zip`, `list`,
 * `tuple`, `any`, `all`, `sorted`, and `print` (which prints nothing: scripts have no
 * output). Lists they build are charged to the call's memory budget.
 */
import { LIST_ITEM_BYTES } from "./limits.ts";
import { charge, opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import { binaryOp, compareOp } from "./operators.ts";
import { Args, Builtin, builtinTable } from "./signature.ts";
import {
  numberOf,
  PyFloat,
  pyStr,
  PyTuple,
  scalarOfTensor,
  truthy,
  typeName,
  Value,
} from "./values.ts";

/** A list charged to the memory budget. */
export function newList(items: Value[]): Value[] {
  charge(items.length * LIST_ITEM_BYTES);
  return items;
}

/** The items `for x in v` visits (tensors iterate over their first dimension). */
export function iterate(ops: TensorOps, v: Value): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (typeof v === "string") return newList([...v]);
  if (v instanceof ScriptTensor) {
    if (v.shape.length === 0) throw opError("iteration over a 0-d tensor");
    return newList(
      Array.from({ length: v.shape[0] as number }, (_, i) => ops.getIndex(v, [{ k: "int", i }])),
    );
  }
  throw opError(`'${typeName(v)}' object is not iterable`);
}

/** The numbers of `range(start, stop, step)`, materialized. */
export function rangeList(start: number, stop: number, step: number): number[] {
  if (step === 0) throw opError("range() arg 3 must not be zero");
  const count = Math.max(0, Math.ceil((stop - start) / step));
  charge(count * LIST_ITEM_BYTES);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function toInt(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof PyFloat) return floatToInt(v.v);
  if (v instanceof ScriptTensor) return floatToInt(elementOf(v));
  if (typeof v === "string") {
    const text = v.trim().replaceAll("_", "");
    if (!/^[+-]?\d+$/.test(text)) throw opError(`invalid literal for int() with base 10: '${v}'`);
    return Number(text);
  }
  throw opError(`int() argument must be a string, a number or a tensor, not '${typeName(v)}'`);
}

function floatToInt(x: number): number {
  if (Number.isNaN(x)) throw opError("ValueError: cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw opError("OverflowError: cannot convert float infinity to integer");
  return Math.trunc(x);
}

function toFloat(v: Value): PyFloat {
  if (v instanceof PyFloat) return v;
  if (typeof v === "number" || typeof v === "boolean") return new PyFloat(Number(v));
  if (v instanceof ScriptTensor) return new PyFloat(elementOf(v));
  if (typeof v === "string") {
    const text = v.trim().toLowerCase();
    const special: Record<string, number> = {
      inf: Infinity,
      "+inf": Infinity,
      "-inf": -Infinity,
      nan: NaN,
    };
    if (text in special) return new PyFloat(special[text] as number);
    if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/.test(text)) {
      throw opError(`could not convert string to float: '${v}'`);
    }
    return new PyFloat(Number(text.replaceAll("_", "")));
  }
  throw opError(`float() argument must be a string or a number, not '${typeName(v)}'`);
}

/** The value of a one-element tensor (`float(t)`, `int(t)`, `t.item()`). */
export function elementOf(t: ScriptTensor): number {
  if (t.size !== 1) throw opError("only one element tensors can be converted to Python scalars");
  return scalarOfTensor(t);
}

function length(v: Value): number {
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (v instanceof ScriptTensor) {
    if (v.shape.length === 0) throw opError("len() of a 0-d tensor");
    return v.shape[0] as number;
  }
  throw opError(`object of type '${typeName(v)}' has no len()`);
}

function extreme(ops: TensorOps, items: readonly Value[], kind: "min" | "max"): Value {
  if (items.length === 0) throw opError(`${kind}() arg is an empty sequence`);
  let best = items[0] as Value;
  for (const v of items.slice(1)) {
    if (truthy(compareOp(ops, kind === "max" ? ">" : "<", v, best))) best = v;
  }
  return best;
}

/** Python's round(): half to even; an int without `ndigits`. */
function pyRound(v: Value, digits: number | undefined): Value {
  const x = numberOf(v);
  if (x === undefined) throw opError(`type ${typeName(v)} doesn't define __round__ method`);
  const scale = Math.pow(10, digits ?? 0);
  const y = x * scale;
  let r = Math.round(y);
  if (Math.abs(y % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return digits === undefined ? r : new PyFloat(r / scale);
}

function varargs(a: Args, i: number): readonly Value[] {
  const items = a.value(i) as Value[];
  return items.length === 1 ? iterableOf(items[0] as Value) : items;
}

function iterableOf(v: Value): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  return [v];
}

/** The builtins table (built per ops implementation). */
export function pythonBuiltins(ops: TensorOps): Map<string, Builtin> {
  const it = (v: Value) => iterate(ops, v);
  return builtinTable([
    ["int(x)", (a) => toInt(a.value(0))],
    ["float(x)", (a) => toFloat(a.value(0))],
    ["str(x)", (a) => pyStr(a.value(0))],
    ["bool(x)", (a) => truthy(a.value(0))],
    ["len(x)", (a) => length(a.value(0))],
    [
      "range(start, stop=None, step=1)",
      (a) => a.isNone(1) ? rangeList(0, a.int(0), 1) : rangeList(a.int(0), a.int(1), a.int(2)),
    ],
    ["print(*args)", () => null],
    ["min(*args)", (a) => extreme(ops, varargs(a, 0), "min")],
    ["max(*args)", (a) => extreme(ops, varargs(a, 0), "max")],
    [
      "abs(x)",
      (a) => {
        const v = a.value(0);
        if (v instanceof ScriptTensor) return ops.unary("abs", v);
        if (v instanceof PyFloat) return new PyFloat(Math.abs(v.v));
        return Math.abs(a.int(0));
      },
    ],
    [
      "sum(iterable, start=0)",
      (a) => it(a.value(0)).reduce((acc: Value, v) => binaryOp(ops, "+", acc, v), a.value(1)),
    ],
    ["round(number, ndigits=None)", (a) => pyRound(a.value(0), a.optInt(1))],
    [
      "enumerate(iterable, start=0)",
      (a) => newList(it(a.value(0)).map((v, i) => new PyTuple([i + a.int(1), v]))),
    ],
    [
      "zip(*iterables)",
      (a) => {
        const lists = (a.value(0) as Value[]).map(it);
        const n = Math.min(...lists.map((l) => l.length));
        return newList(
          Array.from(
            { length: lists.length === 0 ? 0 : n },
            (_, i) => new PyTuple(lists.map((l) => l[i] as Value)),
          ),
        );
      },
    ],
    ["list(iterable=None)", (a) => (a.isNone(0) ? [] : newList([...it(a.value(0))]))],
    ["tuple(iterable=None)", (a) => new PyTuple(a.isNone(0) ? [] : [...it(a.value(0))])],
    ["any(iterable)", (a) => it(a.value(0)).some(truthy)],
    ["all(iterable)", (a) => it(a.value(0)).every(truthy)],
    [
      "sorted(iterable, reverse=False)",
      (a) => {
        const out = newList([...it(a.value(0))]);
        out.sort((
          x,
          y,
        ) => (truthy(compareOp(ops, "<", x, y)) ? -1 : truthy(compareOp(ops, ">", x, y)) ? 1 : 0));
        return a.bool(1) ? out.reverse() : out;
      },
    ],
  ]);
}
