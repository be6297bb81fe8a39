/**
 * Runtime values of the script language. Python ints are JS numbers (exact to 2^53), floats
 * are boxed in `PyFloat` so `1` and `1.0` stay different (torch.tensor(1) is INT64,
 * torch.tensor(1.0) is FLOAT), bools are booleans, strings are strings, None is null, lists
 * are JS arrays and tuples are `PyTuple`. Tensors are `ScriptTensor`s. Modules, dtypes,
 * devices and functions are small classes so the interpreter can tell them apart.
 */
import { type DType, DTYPES } from "../../core/dtype.ts";
import type { FunctionDef } from "./ast.ts";
import type { Scalar } from "./ops/promote.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";

export class PyFloat {
  constructor(readonly v: number) {}
}

/** A tuple; `names` makes it a named tuple (`torch.max(t, 1).values`). */
export class PyTuple {
  constructor(readonly items: readonly Value[], readonly names?: readonly string[]) {}
}

export class PyDevice {
  constructor(readonly name: string) {}
}

export class PyDType {
  constructor(readonly dtype: DType) {}
}

/** A module object (`torch`, `redis`, `redisAI`, `math`). */
export class PyModule {
  constructor(readonly name: string) {}
}

/** A function defined in the script. */
export class PyFunction {
  constructor(readonly def: FunctionDef) {}
}

/** A built-in callable (`len`, `torch.cat`, ...) referenced as a value. */
export class PyBuiltin {
  constructor(readonly name: string, readonly call: (args: Value[], kwargs: Kwargs) => Value) {}
}

export type Kwargs = ReadonlyMap<string, Value> | undefined;

export type Value =
  | number
  | PyFloat
  | boolean
  | string
  | null
  | Value[]
  | PyTuple
  | ScriptTensor
  | PyDevice
  | PyDType
  | PyModule
  | PyFunction
  | PyBuiltin;

export const CPU = new PyDevice("cpu");

/** The Python-visible type name, for error messages. */
export function typeName(v: Value): string {
  if (v === null) return "NoneType";
  switch (typeof v) {
    case "number":
      return "int";
    case "boolean":
      return "bool";
    case "string":
      return "str";
  }
  if (Array.isArray(v)) return "List";
  if (v instanceof PyFloat) return "float";
  if (v instanceof PyTuple) return "Tuple";
  if (v instanceof ScriptTensor) return "Tensor";
  if (v instanceof PyDevice) return "Device";
  if (v instanceof PyDType) return "dtype";
  if (v instanceof PyModule) return "module";
  return "function";
}

/** Python's truth value; a tensor must hold exactly one element. */
export function truthy(v: Value): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case "number":
      return v !== 0;
    case "boolean":
      return v;
    case "string":
      return v.length > 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.v !== 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof ScriptTensor) return scalarOfTensor(v) !== 0;
  return true;
}

/** The single element of a tensor, or PyTorch's error. */
export function scalarOfTensor(t: ScriptTensor): number {
  if (t.size !== 1) {
    throw opError(
      t.size === 0
        ? "Boolean value of Tensor with no values is ambiguous"
        : "Boolean value of Tensor with more than one value is ambiguous",
    );
  }
  return Number(t.data[0]);
}

/** A Python number as a tensor-op operand; `undefined` for anything else. */
export function asScalar(v: Value): Scalar | undefined {
  if (typeof v === "number") return { kind: "int", value: v };
  if (v instanceof PyFloat) return { kind: "float", value: v.v };
  if (typeof v === "boolean") return { kind: "bool", value: v ? 1 : 0 };
  return undefined;
}

/** A number value of a Python int, float or bool. */
export function numberOf(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Python `==` for non-tensor values (lists and tuples compare element by element). */
export function pyEquals(a: Value, b: Value): boolean {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (Array.isArray(a) && Array.isArray(b)) return sequenceEquals(a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceEquals(a.items, b.items);
  if (a instanceof PyDevice && b instanceof PyDevice) return a.name === b.name;
  if (a instanceof PyDType && b instanceof PyDType) return a.dtype === b.dtype;
  return a === b;
}

function sequenceEquals(a: readonly Value[], b: readonly Value[]): boolean {
  return a.length === b.length && a.every((v, i) => pyEquals(v, b[i] ?? null));
}

/** Python's `repr` of a float: shortest round-trip digits, exponent form outside 1e-4..1e16. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = mantissa ?? "0";
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** Python's `str()` of a value. */
export function pyStr(v: Value): string {
  if (v === null) return "None";
  switch (typeof v) {
    case "number":
      return String(v);
    case "boolean":
      return v ? "True" : "False";
    case "string":
      return v;
  }
  if (v instanceof PyFloat) return formatFloat(v.v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof PyTuple) {
    return v.items.length === 1
      ? `(${pyRepr(v.items[0] ?? null)},)`
      : `(${v.items.map(pyRepr).join(", ")})`;
  }
  if (v instanceof ScriptTensor) return tensorText(v);
  if (v instanceof PyDevice) return v.name;
  if (v instanceof PyDType) return `torch.${TORCH_DTYPE_NAMES[v.dtype]}`;
  if (v instanceof PyModule) return `<module '${v.name}'>`;
  return `<function ${v instanceof PyFunction ? v.def.name : v.name}>`;
}

/** Python's `repr()`: strings quoted, everything else as `str()`. */
export function pyRepr(v: Value): string {
  return typeof v === "string"
    ? `'${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`
    : pyStr(v);
}

export const TORCH_DTYPE_NAMES = Object.fromEntries(
  Object.values(DTYPES).map((info) => [info.name, info.elementName]),
) as Readonly<Record<DType, string>>;

const TENSOR_TEXT_ELEMENTS_MAX = 1000;

/** A short `tensor([...])` rendering (nested by shape, elided past 1000 elements). */
function tensorText(t: ScriptTensor): string {
  const floating = t.dtype === "FLOAT" || t.dtype === "DOUBLE";
  const item = (i: number): string => {
    const x = Number(t.data[i]);
    if (t.dtype === "BOOL") return x ? "True" : "False";
    return floating ? formatFloat(x) : String(x);
  };
  if (t.size > TENSOR_TEXT_ELEMENTS_MAX) {
    return `tensor(<${t.size} elements>, shape=[${t.shape.join(", ")}])`;
  }
  let index = 0;
  const level = (d: number): string => {
    if (d === t.shape.length) return item(index++);
    const parts = Array.from({ length: t.shape[d] as number }, () => level(d + 1));
    return `[${parts.join(", ")}]`;
  };
  return `tensor(${level(0)})`;
}
