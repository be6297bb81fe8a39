/**
 * Tensor operations callable both as `torch.f(x, ...)` and as `x.f(...)`: arithmetic,
 * comparison, math, reductions, softmax, matmul, sorting, selection and reshaping. Each row
 * is a PyTorch-style declaration and a body over the bound arguments, computed through the
 * `TensorOps` interface.
 */
import type { BinaryKind, UnaryKind } from "./ops/elementwise.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import { ScriptTensor } from "./ops/script_tensor.ts";
import type { Args, BuiltinRow } from "./signature.ts";
import { PyTuple } from "./values.ts";

const BINARY_NAMES: readonly (readonly [string, BinaryKind])[] = [
  ["mul", "mul"],
  ["multiply", "mul"],
  ["true_divide", "div"],
  ["floor_divide", "floor_divide"],
  ["remainder", "remainder"],
  ["fmod", "remainder"],
  ["pow", "pow"],
  ["maximum", "maximum"],
  ["minimum", "minimum"],
  ["eq", "eq"],
  ["ne", "ne"],
  ["lt", "lt"],
  ["le", "le"],
  ["gt", "gt"],
  ["ge", "ge"],
  ["greater", "gt"],
  ["less", "lt"],
  ["logical_and", "logical_and"],
  ["logical_or", "logical_or"],
  ["logical_xor", "logical_xor"],
  ["bitwise_and", "bitwise_and"],
  ["bitwise_or", "bitwise_or"],
  ["bitwise_xor", "bitwise_xor"],
];

const UNARY_NAMES: readonly UnaryKind[] = [
  "neg",
  "abs",
  "exp",
  "log",
  "log2",
  "log10",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "sigmoid",
  "tanh",
  "sin",
  "cos",
  "tan",
  "atan",
  "reciprocal",
  "relu",
  "floor",
  "ceil",
  "round",
  "trunc",
  "sign",
  "square",
  "logical_not",
  "bitwise_not",
];

const pair = (p: [ScriptTensor, ScriptTensor]) => new PyTuple(p, ["values", "indices"]);

/** Rows shared by `torch.*` and tensor methods (the tensor is the first argument). */
export function torchMathRows(ops: TensorOps): BuiltinRow[] {
  const reduceRow = (kind: "sum" | "mean" | "prod"): BuiltinRow => [
    `${kind}(input, dim=None, keepdim=False, dtype=None)`,
    (a) =>
      ops.reduce(kind, a.tensor(0), a.optIntList(1), { keepdim: a.bool(2), dtype: a.dtype(3) }),
  ];
  const extremeRow = (kind: "max" | "min"): BuiltinRow => [
    `${kind}(input, dim=None, keepdim=False)`,
    (a) => {
      const other = a.value(1);
      if (other instanceof ScriptTensor) {
        return ops.binary(kind === "max" ? "maximum" : "minimum", a.tensor(0), other);
      }
      if (other === null) return ops.extremeAll(kind, a.tensor(0));
      return pair(ops.extremeDim(kind, a.tensor(0), a.int(1), a.bool(2)));
    },
  ];
  const argRow = (kind: "max" | "min"): BuiltinRow => [
    `arg${kind}(input, dim=None, keepdim=False)`,
    (a) => ops.argExtreme(kind, a.tensor(0), a.optInt(1), a.bool(2)),
  ];
  const alphaRow = (name: string, kind: "add" | "sub"): BuiltinRow => [
    `${name}(input, other, alpha=1)`,
    (a) => {
      const alpha = a.scalar(2);
      let other = a.operand(1);
      if (alpha.value !== 1) {
        other = other instanceof ScriptTensor ? ops.binary("mul", other, alpha) : {
          kind: other.kind === "float" ? "float" : alpha.kind,
          value: other.value * alpha.value,
        };
      }
      return ops.binary(kind, a.operand(0), other);
    },
  ];
  return [
    alphaRow("add", "add"),
    alphaRow("sub", "sub"),
    alphaRow("subtract", "sub"),
    ...BINARY_NAMES.map(([name, kind]): BuiltinRow => [
      `${name}(input, other)`,
      (a) => ops.binary(kind, a.operand(0), a.operand(1)),
    ]),
    [
      "div(input, other, rounding_mode=None)",
      (a) => {
        const mode = a.optStr(2);
        if (mode === "floor") return ops.binary("floor_divide", a.operand(0), a.operand(1));
        const q = ops.binary("div", a.operand(0), a.operand(1));
        return mode === "trunc" ? ops.unary("trunc", q) : q;
      },
    ],
    ...UNARY_NAMES.map((
      kind,
    ): BuiltinRow => [`${kind}(input)`, (a) => ops.unary(kind, a.tensor(0))]),
    ["clamp(input, min=None, max=None)", (a) => clamp(ops, a)],
    ["clip(input, min=None, max=None)", (a) => clamp(ops, a)],
    reduceRow("sum"),
    reduceRow("mean"),
    reduceRow("prod"),
    extremeRow("max"),
    extremeRow("min"),
    argRow("max"),
    argRow("min"),
    ["softmax(input, dim, dtype=None)", (a) => softmaxOf(ops, a, false)],
    ["log_softmax(input, dim, dtype=None)", (a) => softmaxOf(ops, a, true)],
    ["matmul(input, other)", (a) => ops.matmul(a.tensor(0), a.tensor(1))],
    ["mm(input, mat2)", (a) => ops.matmul(a.tensor(0), a.tensor(1))],
    [
      "sort(input, dim=-1, descending=False)",
      (a) => pair(ops.sort(a.tensor(0), a.int(1), a.bool(2))),
    ],
    [
      "topk(input, k, dim=-1, largest=True, sorted=True)",
      (a) => pair(ops.topk(a.tensor(0), a.int(1), a.int(2), a.bool(3))),
    ],
    ["nonzero(input)", (a) => ops.nonzero(a.tensor(0))],
    ["index_select(input, dim, index)", (a) => ops.indexSelect(a.tensor(0), a.int(1), a.tensor(2))],
    ["transpose(input, dim0, dim1)", (a) => ops.transpose(a.tensor(0), a.int(1), a.int(2))],
    ["permute(input, *dims)", (a) => ops.permute(a.tensor(0), a.intList(1))],
    ["reshape(input, *shape)", (a) => ops.reshape(a.tensor(0), a.intList(1))],
    [
      "flatten(input, start_dim=0, end_dim=-1)",
      (a) => ops.flatten(a.tensor(0), a.int(1), a.int(2)),
    ],
    ["squeeze(input, dim=None)", (a) => ops.squeeze(a.tensor(0), a.optInt(1))],
    ["unsqueeze(input, dim)", (a) => ops.unsqueeze(a.tensor(0), a.int(1))],
    ["t(input)", (a) => ops.matrixTranspose(a.tensor(0))],
    ["numel(input)", (a) => a.tensor(0).size],
  ];
}

function clamp(ops: TensorOps, a: Args): ScriptTensor {
  let x = a.tensor(0);
  if (!a.isNone(1)) x = ops.binary("maximum", x, a.operand(1));
  if (!a.isNone(2)) x = ops.binary("minimum", x, a.operand(2));
  return x;
}

function softmaxOf(ops: TensorOps, a: Args, log: boolean): ScriptTensor {
  const dtype = a.dtype(2);
  const x = a.tensor(0);
  return ops.softmax(dtype === undefined ? x : ops.cast(x, dtype), a.int(1), log);
}
