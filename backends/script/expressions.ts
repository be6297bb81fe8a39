/**
 * Expression evaluation: names (frame slots, then script functions, builtins and modules),
 * literals, operators, comprehensions, attribute access, calls (script functions, builtins,
 * module functions and methods of tensors, lists and strings) and subscripts (Python
 * sequences, and tensors with slices, `None`, `...` and tensor indices).
 *
 * `f.at` is set to an expression's span just before its own operation runs (after its
 * operands), so a traceback points at the operation that failed.
 */
import type { Constant, Expr } from "./ast.ts";
import { moduleConstant } from "./api.ts";
import { iterate, newList } from "./builtins.ts";
import { LIST_ITEM_BYTES } from "./limits.ts";
import { charge, opError, ScriptTensor } from "./ops/script_tensor.ts";
import { binaryOp, compareOp, unaryOp } from "./operators.ts";
import type { Frame, Runtime } from "./runtime.ts";
import { Builtin, callBuiltin } from "./signature.ts";
import { assign } from "./statements.ts";
import { getItem } from "./subscripts.ts";
import { tensorAttribute } from "./tensor_methods.ts";
import {
  Kwargs,
  PyBuiltin,
  PyDevice,
  PyFloat,
  PyFunction,
  PyModule,
  PyTuple,
  truthy,
  typeName,
  Value,
} from "./values.ts";

export function evalExpr(rt: Runtime, e: Expr, f: Frame): Value {
  switch (e.k) {
    case "name":
      return e.slot >= 0 ? local(e.id, f.slots[e.slot]) : global(rt, e.id);
    case "const":
      return constant(e.value);
    case "list":
      return newList(e.elts.map((x) => evalExpr(rt, x, f)));
    case "tuple":
      return new PyTuple(e.elts.map((x) => evalExpr(rt, x, f)));
    case "listcomp":
      return comprehension(rt, e, f);
    case "unary": {
      const v = evalExpr(rt, e.operand, f);
      f.at = e.span;
      return unaryOp(rt.ops, e.op, v);
    }
    case "binary": {
      const l = evalExpr(rt, e.left, f);
      const r = evalExpr(rt, e.right, f);
      f.at = e.span;
      return binaryOp(rt.ops, e.op, l, r);
    }
    case "bool": {
      let v: Value = null;
      for (const x of e.values) {
        v = evalExpr(rt, x, f);
        if (truthy(v) === (e.op === "or")) return v;
      }
      return v;
    }
    case "compare":
      return compare(rt, e, f);
    case "ifexp":
      return evalExpr(rt, truthy(evalExpr(rt, e.test, f)) ? e.body : e.orelse, f);
    case "attr":
      return attribute(rt, e, f);
    case "subscript": {
      const obj = evalExpr(rt, e.value, f);
      f.at = e.span;
      return getItem(rt, obj, e.index, f);
    }
    case "slice":
      throw opError("slices are only allowed in subscripts");
    case "call":
      return call(rt, e, f);
  }
}

function local(id: string, v: Value | undefined): Value {
  if (v === undefined) throw opError(`local variable '${id}' referenced before assignment`);
  return v;
}

function global(rt: Runtime, id: string): Value {
  const def = rt.functions.get(id);
  if (def !== undefined) return new PyFunction(def);
  const b = rt.api.builtins.get(id);
  if (b !== undefined) return bound(id, b, []);
  if (rt.modules.has(id)) return new PyModule(id);
  throw opError(`undefined value ${id}`);
}

function bound(name: string, b: Builtin, self: readonly Value[]): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs) => callBuiltin(b, [...self, ...args], kwargs));
}

const floats = new WeakMap<Constant, PyFloat>();

function constant(c: Constant): Value {
  switch (c.type) {
    case "int":
    case "str":
    case "bool":
      return c.value;
    case "float": {
      let v = floats.get(c);
      if (v === undefined) floats.set(c, v = new PyFloat(c.value));
      return v;
    }
    case "none":
      return null;
    case "ellipsis":
      throw opError("'...' is only allowed in subscripts");
  }
}

function compare(rt: Runtime, e: Extract<Expr, { k: "compare" }>, f: Frame): Value {
  let left = evalExpr(rt, e.left, f);
  let result: Value = true;
  for (let i = 0; i < e.ops.length; i++) {
    const right = evalExpr(rt, e.rights[i] as Expr, f);
    f.at = e.span;
    result = compareOp(rt.ops, e.ops[i] as Parameters<typeof compareOp>[1], left, right);
    if (i < e.ops.length - 1 && !truthy(result)) return result;
    left = right;
  }
  return result;
}

function comprehension(rt: Runtime, e: Extract<Expr, { k: "listcomp" }>, f: Frame): Value[] {
  const out = newList([]);
  const level = (g: number): void => {
    const gen = e.gens[g];
    if (gen === undefined) {
      charge(LIST_ITEM_BYTES);
      out.push(evalExpr(rt, e.elt, f));
      return;
    }
    for (const item of iterate(rt.ops, evalExpr(rt, gen.iter, f))) {
      rt.tick();
      assign(rt, gen.target, item, f);
      if (gen.ifs.every((c) => truthy(evalExpr(rt, c, f)))) level(g + 1);
    }
  };
  level(0);
  return out;
}

/** A global module name not shadowed by a script function. */
function moduleName(rt: Runtime, e: Expr): string | undefined {
  if (e.k !== "name" || e.slot >= 0 || rt.functions.has(e.id) || !rt.modules.has(e.id)) {
    return undefined;
  }
  return e.id;
}

function moduleMember(rt: Runtime, module: string, name: string): Builtin {
  const b = rt.modules.get(module)?.get(name);
  if (b === undefined) {
    throw opError(`Unknown builtin op: ${module === "torch" ? "aten" : module}::${name}.`);
  }
  return b;
}

function attribute(rt: Runtime, e: Extract<Expr, { k: "attr" }>, f: Frame): Value {
  const module = moduleName(rt, e.value);
  const obj = module === undefined ? evalExpr(rt, e.value, f) : new PyModule(module);
  f.at = e.span;
  if (obj instanceof PyModule) {
    return moduleConstant(obj.name, e.name) ??
      bound(e.name, moduleMember(rt, obj.name, e.name), []);
  }
  if (obj instanceof ScriptTensor) {
    const v = tensorAttribute(rt.ops, obj, e.name);
    if (v !== undefined) return v;
  }
  if (obj instanceof PyTuple && obj.names?.includes(e.name)) {
    return obj.items[obj.names.indexOf(e.name)] ?? null;
  }
  if (obj instanceof PyDevice && e.name === "type") return obj.name;
  const method = methodTable(rt, obj)?.get(e.name);
  if (method !== undefined) return bound(e.name, method, [obj]);
  throw opError(`'${typeName(obj)}' object has no attribute or method '${e.name}'.`);
}

function methodTable(rt: Runtime, obj: Value): ReadonlyMap<string, Builtin> | undefined {
  if (obj instanceof ScriptTensor) return rt.api.tensorMethods;
  if (Array.isArray(obj)) return rt.api.listMethods;
  if (typeof obj === "string") return rt.api.strMethods;
  return undefined;
}

function call(rt: Runtime, e: Extract<Expr, { k: "call" }>, f: Frame): Value {
  const func = e.func;
  if (func.k === "attr") {
    const module = moduleName(rt, func.value);
    const obj = module === undefined ? evalExpr(rt, func.value, f) : new PyModule(module);
    const [args, kwargs] = evalArgs(rt, e, f);
    f.at = e.span;
    if (obj instanceof PyModule) {
      return callBuiltin(moduleMember(rt, obj.name, func.name), args, kwargs);
    }
    const method = methodTable(rt, obj)?.get(func.name);
    if (method === undefined) {
      throw opError(`'${typeName(obj)}' object has no attribute or method '${func.name}'.`);
    }
    return callBuiltin(method, [obj, ...args], kwargs);
  }
  if (func.k === "name" && func.slot < 0) {
    const def = rt.functions.get(func.id);
    const b = def === undefined ? rt.api.builtins.get(func.id) : undefined;
    if (def !== undefined || b !== undefined) {
      const [args, kwargs] = evalArgs(rt, e, f);
      f.at = e.span;
      return def !== undefined
        ? rt.invoke(def, args, kwargs)
        : callBuiltin(b as Builtin, args, kwargs);
    }
  }
  const callee = evalExpr(rt, func, f);
  const [args, kwargs] = evalArgs(rt, e, f);
  f.at = e.span;
  if (callee instanceof PyFunction) return rt.invoke(callee.def, args, kwargs);
  if (callee instanceof PyBuiltin) return callee.call(args, kwargs);
  throw opError(`'${typeName(callee)}' object is not callable`);
}

function evalArgs(rt: Runtime, e: Extract<Expr, { k: "call" }>, f: Frame): [Value[], Kwargs] {
  const args = e.args.map((a) => evalExpr(rt, a, f));
  if (e.keywords.length === 0) return [args, undefined];
  return [args, new Map(e.keywords.map((k) => [k.name, evalExpr(rt, k.value, f)]))];
}
