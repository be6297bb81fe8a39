/**
 * Argument binding for built-in functions and methods, declared the way PyTorch documents
 * them: `"sum(self, dim=None, keepdim=False, dtype=None)"`, `"view(self, *size)"`. Binding
 * maps positional and keyword arguments to parameter order and fills defaults; a `*param`
 * collects the remaining positionals into a list (or takes one list/tuple given alone).
 * Typed accessors turn bound values into what the ops need, with TorchScript-style errors.
 */
import type { DType } from "../../core/dtype.ts";
import { isFloating, opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { Operand, Scalar } from "./ops/promote.ts";
import { asScalar, Kwargs, PyDType, PyFloat, PyTuple, typeName, Value } from "./values.ts";

interface ParamSpec {
  readonly name: string;
  readonly required: boolean;
  readonly default: Value;
  readonly variadic: boolean;
}

export interface Signature {
  readonly name: string;
  readonly params: readonly ParamSpec[];
}

function parseDefault(text: string): Value {
  if (text === "None") return null;
  if (text === "True" || text === "False") return text === "True";
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?[\d.]+(e-?\d+)?$/.test(text)) return new PyFloat(Number(text));
  throw new Error(`inferdb internal: bad default ${text}`);
}

/** Parses a declaration such as `"max(self, dim=None, keepdim=False)"`. */
export function signature(text: string): Signature {
  const match = /^([\w.]+)\((.*)\)$/.exec(text);
  if (match === null) throw new Error(`inferdb internal: bad signature ${text}`);
  const params = (match[2] ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "").map(
    (p): ParamSpec => {
      const [name = "", def] = p.split("=");
      const variadic = name.startsWith("*");
      return {
        name: variadic ? name.slice(1) : name,
        required: def === undefined && !variadic,
        default: def === undefined ? null : parseDefault(def),
        variadic,
      };
    },
  );
  return { name: match[1] ?? "", params };
}

/** Binds call arguments to `sig`'s parameters, in order. */
export function bind(sig: Signature, args: readonly Value[], kwargs: Kwargs): Value[] {
  const out = new Array<Value | undefined>(sig.params.length).fill(undefined);
  let next = 0;
  for (let p = 0; p < sig.params.length && next < args.length; p++) {
    const param = sig.params[p] as ParamSpec;
    if (param.variadic) {
      const rest = args.slice(next);
      const only = rest[0];
      out[p] = rest.length === 1 && (Array.isArray(only) || only instanceof PyTuple)
        ? listItems(only)
        : rest;
      next = args.length;
    } else {
      out[p] = args[next++] as Value;
    }
  }
  if (next < args.length) {
    throw opError(
      `${sig.name}() expected at most ${sig.params.length} argument(s) but received ${args.length} argument(s)`,
    );
  }
  for (const [name, value] of kwargs ?? []) {
    const p = sig.params.findIndex((param) => param.name === name);
    if (p < 0) throw opError(`${sig.name}() got an unexpected keyword argument '${name}'`);
    if (out[p] !== undefined) {
      throw opError(`${sig.name}() got multiple values for argument '${name}'`);
    }
    out[p] = sig.params[p]?.variadic ? listItems(value) : value;
  }
  return out.map((v, p) => {
    const param = sig.params[p] as ParamSpec;
    if (v !== undefined) return v;
    if (param.required) throw opError(`${sig.name}() missing value for argument '${param.name}'`);
    return param.variadic ? [] : param.default;
  });
}

function listItems(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return [...v.items];
  return [v];
}

/** Bound arguments with typed accessors that name the parameter in their errors. */
export class Args {
  constructor(private readonly sig: Signature, private readonly values: readonly Value[]) {}

  value(i: number): Value {
    return this.values[i] ?? null;
  }

  isNone(i: number): boolean {
    return this.value(i) === null;
  }

  private wrong(expected: string, i: number): never {
    const v = this.value(i);
    throw opError(
      `${this.sig.name}() Expected a value of type '${expected}' for argument '${
        this.sig.params[i]?.name ?? i
      }' but instead found type '${typeName(v)}'.`,
    );
  }

  tensor(i: number): ScriptTensor {
    const v = this.value(i);
    return v instanceof ScriptTensor ? v : this.wrong("Tensor", i);
  }

  int(i: number): number {
    const v = this.value(i);
    if (typeof v === "number") return v;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (v instanceof ScriptTensor && v.size === 1 && !isFloating(v.dtype)) return Number(v.data[0]);
    return this.wrong("int", i);
  }

  optInt(i: number): number | undefined {
    return this.isNone(i) ? undefined : this.int(i);
  }

  float(i: number): number {
    const v = this.value(i);
    if (v instanceof PyFloat) return v.v;
    if (typeof v === "number") return v;
    if (v instanceof ScriptTensor && v.size === 1) return Number(v.data[0]);
    return this.wrong("float", i);
  }

  bool(i: number): boolean {
    const v = this.value(i);
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    return this.wrong("bool", i);
  }

  str(i: number): string {
    const v = this.value(i);
    return typeof v === "string" ? v : this.wrong("str", i);
  }

  optStr(i: number): string | undefined {
    return this.isNone(i) ? undefined : this.str(i);
  }

  /** A list of ints; a bare int counts as a one-element list (`sum(dim=1)`). */
  intList(i: number): number[] {
    const v = this.value(i);
    if (!(Array.isArray(v) || v instanceof PyTuple)) return [this.int(i)];
    const items = listItems(v);
    return items.map((x) => new Args(this.sig, [x]).int(0));
  }

  optIntList(i: number): number[] | undefined {
    return this.isNone(i) ? undefined : this.intList(i);
  }

  tensorList(i: number): ScriptTensor[] {
    const v = this.value(i);
    if (!(Array.isArray(v) || v instanceof PyTuple)) return this.wrong("List[Tensor]", i);
    return listItems(v).map((x) => x instanceof ScriptTensor ? x : this.wrong("List[Tensor]", i));
  }

  dtype(i: number): DType | undefined {
    const v = this.value(i);
    if (v === null) return undefined;
    return v instanceof PyDType ? v.dtype : this.wrong("int", i);
  }

  /** A tensor or a Python number. */
  operand(i: number): Operand {
    const v = this.value(i);
    if (v instanceof ScriptTensor) return v;
    return asScalar(v) ?? this.wrong("Tensor", i);
  }

  /** A Python number. */
  scalar(i: number): Scalar {
    return asScalar(this.value(i)) ?? this.wrong("number", i);
  }
}

/** A built-in function or method: its declaration and its body over bound arguments. */
export interface Builtin {
  readonly sig: Signature;
  readonly impl: (a: Args) => Value;
}

export type BuiltinRow = readonly [string, (a: Args) => Value];

/** A name → builtin table from `[declaration, body]` rows. */
export function builtinTable(rows: readonly BuiltinRow[]): Map<string, Builtin> {
  const out = new Map<string, Builtin>();
  for (const [decl, impl] of rows) {
    const sig = signature(decl);
    out.set(sig.name, { sig, impl });
  }
  return out;
}

export function callBuiltin(b: Builtin, args: readonly Value[], kwargs: Kwargs): Value {
  return b.impl(new Args(b.sig, bind(b.sig, args, kwargs)));
}
