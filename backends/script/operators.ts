/**
 * Python's operators over script values: tensor operands go to the tensor ops (with
 * broadcasting and promotion); Python numbers follow Python's int/float rules (`/` is true
 * division, `//` and `%` floor); strings, lists and tuples concatenate and repeat. Errors use
 * Python's and TorchScript's wording.
 */
import type { BinaryOp, CompareOp, UnaryOp } from "./ast.ts";
import type { BinaryKind } from "./ops/elementwise.ts";
import { LIST_ITEM_BYTES } from "./limits.ts";
import { charge, opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import {
  asScalar,
  numberOf,
  pyEquals,
  PyFloat,
  PyTuple,
  truthy,
  typeName,
  Value,
} from "./values.ts";

const TENSOR_KINDS: Readonly<Partial<Record<BinaryOp | CompareOp, BinaryKind>>> = {
  "+": "add",
  "-": "sub",
  "*": "mul",
  "/": "div",
  "//": "floor_divide",
  "%": "remainder",
  "**": "pow",
  "&": "bitwise_and",
  "|": "bitwise_or",
  "^": "bitwise_xor",
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
};

function unsupported(op: string, a: Value, b: Value): never {
  throw opError(
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

function tensorOp(ops: TensorOps, op: BinaryOp | CompareOp, a: Value, b: Value): ScriptTensor {
  if (op === "@") {
    if (a instanceof ScriptTensor && b instanceof ScriptTensor) return ops.matmul(a, b);
    return unsupported(op, a, b);
  }
  const kind = TENSOR_KINDS[op];
  const x = a instanceof ScriptTensor ? a : asScalar(a);
  const y = b instanceof ScriptTensor ? b : asScalar(b);
  if (kind === undefined || x === undefined || y === undefined) return unsupported(op, a, b);
  return ops.binary(kind, x, y);
}

/** Python int/float arithmetic; `undefined` when an operand is not a number. */
function numberOp(op: BinaryOp, a: Value, b: Value): Value | undefined {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x === undefined || y === undefined) return undefined;
  const ints = !(a instanceof PyFloat) && !(b instanceof PyFloat);
  const wrap = (v: number): Value => (ints ? v : new PyFloat(v));
  switch (op) {
    case "+":
      return wrap(x + y);
    case "-":
      return wrap(x - y);
    case "*":
      return wrap(x * y);
    case "/":
      if (y === 0) throw opError("ZeroDivisionError: float division by zero");
      return new PyFloat(x / y);
    case "//":
      if (y === 0) throw opError("ZeroDivisionError: integer division or modulo by zero");
      return wrap(Math.floor(x / y));
    case "%": {
      if (y === 0) throw opError("ZeroDivisionError: integer division or modulo by zero");
      const r = x % y;
      return wrap(r !== 0 && (r < 0) !== (y < 0) ? r + y : r);
    }
    case "**":
      return ints && y >= 0 ? Math.pow(x, y) : new PyFloat(Math.pow(x, y));
    case "&":
    case "|":
    case "^":
    case "<<":
    case ">>":
      return ints ? intBitOp(op, x, y) : undefined;
  }
  return undefined;
}

function intBitOp(op: "&" | "|" | "^" | "<<" | ">>", x: number, y: number): number {
  const a = BigInt(x);
  const b = BigInt(y);
  const r = op === "&"
    ? a & b
    : op === "|"
    ? a | b
    : op === "^"
    ? a ^ b
    : op === "<<"
    ? a << b
    : a >> b;
  return Number(BigInt.asIntN(64, r));
}

function repeatCount(v: Value): number | undefined {
  return typeof v === "number" || typeof v === "boolean" ? Number(v) : undefined;
}

/** `a <op> b`. */
export function binaryOp(ops: TensorOps, op: BinaryOp, a: Value, b: Value): Value {
  if (a instanceof ScriptTensor || b instanceof ScriptTensor) return tensorOp(ops, op, a, b);
  const n = numberOp(op, a, b);
  if (n !== undefined) return n;
  if (op === "+") {
    if (typeof a === "string" && typeof b === "string") {
      charge(a.length + b.length);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      charge(LIST_ITEM_BYTES * (a.length + b.length));
      return [...a, ...b];
    }
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
  }
  if (op === "*") {
    const [seq, count] = repeatCount(b) !== undefined ? [a, repeatCount(b)] : [b, repeatCount(a)];
    if (count !== undefined && (typeof seq === "string" || Array.isArray(seq))) {
      const times = Math.max(0, count);
      charge(seq.length * times * (typeof seq === "string" ? 1 : LIST_ITEM_BYTES));
      return typeof seq === "string"
        ? seq.repeat(times)
        : Array.from({ length: times }, () => seq).flat();
    }
  }
  return unsupported(op, a, b);
}

/** One comparison of a chain (`a < b`), or a bool tensor when a tensor is involved. */
export function compareOp(ops: TensorOps, op: CompareOp, a: Value, b: Value): Value {
  switch (op) {
    case "is":
      return a === b || (a === null && b === null);
    case "is not":
      return !(a === b || (a === null && b === null));
    case "in":
      return contains(b, a);
    case "not in":
      return !contains(b, a);
  }
  if (a instanceof ScriptTensor || b instanceof ScriptTensor) return tensorOp(ops, op, a, b);
  if (op === "==") return pyEquals(a, b);
  if (op === "!=") return !pyEquals(a, b);
  const x = numberOf(a) ?? (typeof a === "string" ? a : undefined);
  const y = numberOf(b) ?? (typeof b === "string" ? b : undefined);
  if (x === undefined || y === undefined || typeof x !== typeof y) {
    throw opError(
      `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
    );
  }
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function contains(container: Value, item: Value): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") throw opError("'in <string>' requires string as left operand");
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((v) => pyEquals(v, item));
  if (container instanceof PyTuple) return container.items.some((v) => pyEquals(v, item));
  throw opError(`argument of type '${typeName(container)}' is not iterable`);
}

/** `-x`, `+x`, `~x`, `not x`. */
export function unaryOp(ops: TensorOps, op: UnaryOp, v: Value): Value {
  if (op === "not") return !truthy(v);
  if (v instanceof ScriptTensor) {
    if (op === "+") return v;
    return ops.unary(op === "-" ? "neg" : "bitwise_not", v);
  }
  if (typeof v === "number" || typeof v === "boolean") {
    const x = Number(v);
    return op === "-" ? -x : op === "+" ? x : -x - 1;
  }
  if (v instanceof PyFloat && op !== "~") return op === "-" ? new PyFloat(-v.v) : v;
  throw opError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}
