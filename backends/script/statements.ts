/**
 * Statement execution: assignment (names, tuple unpacking, tensor and list elements),
 * augmented assignment (in place for tensors and lists, as in Python), `if`, `for` (over
 * `range` without building a list, lists, tuples, strings and tensors), `while`, `return`,
 * `break`, `continue`, `assert` and `raise`. Control flow is a returned signal, not an
 * exception. Every statement and loop iteration counts one step.
 */
import type { Expr, Stmt } from "./ast.ts";
import { iterate } from "./builtins.ts";
import { evalExpr } from "./expressions.ts";
import { getItem, indexItems, pyIndex } from "./subscripts.ts";
import { binaryOp } from "./operators.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { Frame, Runtime } from "./runtime.ts";
import { assignInPlace } from "./tensor_methods.ts";
import { asScalar, pyStr, PyTuple, truthy, typeName, Value } from "./values.ts";

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
type Signal = typeof NORMAL | typeof BREAK | typeof CONTINUE | typeof RETURN;

/** Runs a function body. */
export function execBody(rt: Runtime, body: readonly Stmt[], f: Frame): void {
  execBlock(rt, body, f);
}

function execBlock(rt: Runtime, body: readonly Stmt[], f: Frame): Signal {
  for (let i = 0; i < body.length; i++) {
    const signal = exec(rt, body[i] as Stmt, f);
    if (signal !== NORMAL) return signal;
  }
  return NORMAL;
}

function exec(rt: Runtime, s: Stmt, f: Frame): Signal {
  rt.tick();
  f.at = s.span;
  switch (s.k) {
    case "expr":
      evalExpr(rt, s.value, f);
      return NORMAL;
    case "assign": {
      const value = evalExpr(rt, s.value, f);
      for (const target of s.targets) assign(rt, target, value, f);
      return NORMAL;
    }
    case "annassign":
      if (s.value !== undefined) assign(rt, s.target, evalExpr(rt, s.value, f), f);
      return NORMAL;
    case "augassign":
      augAssign(rt, s, f);
      return NORMAL;
    case "return":
      f.ret = s.value === undefined ? null : evalExpr(rt, s.value, f);
      return RETURN;
    case "if":
      return execBlock(rt, truthy(evalExpr(rt, s.test, f)) ? s.body : s.orelse, f);
    case "for":
      return forLoop(rt, s, f);
    case "while":
      while (truthy(evalExpr(rt, s.test, f))) {
        rt.tick();
        const signal = execBlock(rt, s.body, f);
        if (signal === BREAK) break;
        if (signal === RETURN) return RETURN;
      }
      return NORMAL;
    case "break":
      return BREAK;
    case "continue":
      return CONTINUE;
    case "pass":
      return NORMAL;
    case "assert":
      if (!truthy(evalExpr(rt, s.test, f))) {
        const msg = s.msg === undefined ? "" : `: ${pyStr(evalExpr(rt, s.msg, f))}`;
        throw opError(`AssertionError${msg}`);
      }
      return NORMAL;
    case "raise":
      throw opError(s.exc === undefined ? "Exception" : pyStr(evalExpr(rt, s.exc, f)));
  }
}

function forLoop(rt: Runtime, s: Extract<Stmt, { k: "for" }>, f: Frame): Signal {
  const range = rangeBounds(rt, s.iter, f);
  if (range !== undefined) {
    const [start, stop, step] = range;
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      const signal = iteration(rt, s, i, f);
      if (signal === BREAK) break;
      if (signal === RETURN) return RETURN;
    }
    return NORMAL;
  }
  const items = iterate(rt.ops, evalExpr(rt, s.iter, f));
  for (let i = 0; i < items.length; i++) {
    const signal = iteration(rt, s, items[i] as Value, f);
    if (signal === BREAK) break;
    if (signal === RETURN) return RETURN;
  }
  return NORMAL;
}

function iteration(rt: Runtime, s: Extract<Stmt, { k: "for" }>, item: Value, f: Frame): Signal {
  rt.tick();
  assign(rt, s.target, item, f);
  return execBlock(rt, s.body, f);
}

/** `range(...)` as a loop header, evaluated without building the list. */
function rangeBounds(rt: Runtime, e: Expr, f: Frame): [number, number, number] | undefined {
  if (e.k !== "call" || e.func.k !== "name" || e.func.slot >= 0 || e.func.id !== "range") {
    return undefined;
  }
  if (
    rt.functions.has("range") || e.keywords.length > 0 || e.args.length > 3 || e.args.length === 0
  ) {
    return undefined;
  }
  const n = e.args.map((a) => {
    const v = evalExpr(rt, a, f);
    if (typeof v !== "number") {
      throw opError(
        `range() Expected a value of type 'int' but instead found type '${typeName(v)}'.`,
      );
    }
    return v;
  });
  const [a = 0, b, c = 1] = n;
  if (c === 0) throw opError("range() arg 3 must not be zero");
  return b === undefined ? [0, a, 1] : [a, b, c];
}

/** Binds `value` to an assignment target. */
export function assign(rt: Runtime, target: Expr, value: Value, f: Frame): void {
  switch (target.k) {
    case "name":
      f.slots[target.slot] = value;
      return;
    case "tuple":
    case "list": {
      const items = unpackable(rt, value);
      if (items.length !== target.elts.length) {
        throw opError(
          items.length > target.elts.length
            ? `too many values to unpack (expected ${target.elts.length})`
            : `not enough values to unpack (expected ${target.elts.length}, got ${items.length})`,
        );
      }
      target.elts.forEach((t, i) => assign(rt, t, items[i] as Value, f));
      return;
    }
    case "subscript":
      setItem(rt, evalExpr(rt, target.value, f), target.index, value, f);
      return;
  }
  throw opError("cannot assign to expression");
}

function unpackable(rt: Runtime, value: Value): readonly Value[] {
  if (value instanceof PyTuple) return value.items;
  return iterate(rt.ops, value);
}

function setItem(rt: Runtime, obj: Value, index: Expr, value: Value, f: Frame): void {
  if (obj instanceof ScriptTensor) {
    const items = indexItems(rt, index, f);
    const operand = value instanceof ScriptTensor ? value : asScalar(value);
    if (operand === undefined) {
      throw opError(
        `Expected a value of type 'Tensor' for the assigned value but instead found type '${
          typeName(value)
        }'.`,
      );
    }
    rt.ops.setIndex(obj, items, operand);
    return;
  }
  if (Array.isArray(obj)) {
    obj[pyIndex(evalExpr(rt, index, f), obj.length, "list assignment")] = value;
    return;
  }
  throw opError(`'${typeName(obj)}' object does not support item assignment`);
}

function augAssign(rt: Runtime, s: Extract<Stmt, { k: "augassign" }>, f: Frame): void {
  const target = s.target;
  if (target.k === "subscript") {
    const obj = evalExpr(rt, target.value, f);
    const current = getItem(rt, obj, target.index, f);
    const result = binaryOp(rt.ops, s.op, current, evalExpr(rt, s.value, f));
    setItem(rt, obj, target.index, result, f);
    return;
  }
  if (target.k !== "name") throw opError("illegal expression for augmented assignment");
  const current = evalExpr(rt, target, f);
  const value = evalExpr(rt, s.value, f);
  f.at = s.span;
  const result = binaryOp(rt.ops, s.op, current, value);
  if (current instanceof ScriptTensor && result instanceof ScriptTensor) {
    assignInPlace(rt.ops, current, result);
  } else if (Array.isArray(current) && Array.isArray(result)) {
    current.push(...result.slice(current.length));
  } else {
    f.slots[target.slot] = result;
  }
}
