/**
 * Tensor methods and attributes: the shared math rows (`x.sum()`, `x.max(1)`, ...) plus the
 * methods that only exist on tensors: casts (`float`, `long`, `to`), views (`view`,
 * `contiguous`, `expand`), introspection (`size`, `numel`, `item`, `tolist`) and in-place
 * updates (`add_`, `fill_`, `masked_fill_`, ...). Attributes are `shape`, `dtype`, `device`,
 * `ndim`, `T` and `is_cuda`.
 */
import { DType, DTYPES } from "../../core/dtype.ts";
import { elementOf, newList } from "./builtins.ts";
import {
  isFloating,
  opError,
  ScriptTensor,
  shapeText,
  torchTypeName,
} from "./ops/script_tensor.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import { Args, Builtin, BuiltinRow, builtinTable } from "./signature.ts";
import { torchMathRows } from "./torch_math.ts";
import { CPU, PyDType, PyFloat, Value } from "./values.ts";

const CASTS: readonly (readonly [string, DType])[] = [
  ["float", "FLOAT"],
  ["double", "DOUBLE"],
  ["long", "INT64"],
  ["int", "INT32"],
  ["short", "INT16"],
  ["char", "INT8"],
  ["byte", "UINT8"],
  ["bool", "BOOL"],
];

/** Writes `result` into `self` (PyTorch's in-place ops and `t += x`). */
export function assignInPlace(
  ops: TensorOps,
  self: ScriptTensor,
  result: ScriptTensor,
): ScriptTensor {
  if (
    result.shape.length !== self.shape.length || result.shape.some((d, i) => d !== self.shape[i])
  ) {
    throw opError(
      `output with shape ${shapeText(self.shape)} doesn't match the broadcast shape ${
        shapeText(result.shape)
      }`,
    );
  }
  const narrowing = (isFloating(result.dtype) && !isFloating(self.dtype)) ||
    (self.dtype === "BOOL" && result.dtype !== "BOOL");
  if (narrowing) {
    throw opError(
      `result type ${torchTypeName(result.dtype)} can't be cast to the desired output type ${
        torchTypeName(self.dtype)
      }`,
    );
  }
  const cast = ops.cast(result, self.dtype);
  self.own();
  // Same dtype on both sides: one typed-array copy serves every storage kind.
  (self.data as unknown as Float64Array).set(cast.data as unknown as Float64Array);
  return self;
}

/** `to(...)` accepts a dtype, a device, a tensor (its dtype) or keywords, in any mix. */
function to(ops: TensorOps, a: Args): ScriptTensor {
  const self = a.tensor(0);
  let dtype: DType | undefined;
  for (const i of [1, 2, 3]) {
    const v = a.value(i);
    if (v instanceof PyDType) dtype = v.dtype;
    else if (v instanceof ScriptTensor) dtype = v.dtype;
  }
  return dtype === undefined ? self : ops.cast(self, dtype);
}

function toList(t: ScriptTensor): Value {
  const item = (i: number): Value => {
    const x = Number(t.data[i]);
    if (t.dtype === "BOOL") return x !== 0;
    return isFloating(t.dtype) ? new PyFloat(x) : x;
  };
  if (t.shape.length === 0) return item(0);
  let index = 0;
  const level = (d: number): Value[] =>
    newList(
      Array.from(
        { length: t.shape[d] as number },
        () => (d + 1 === t.shape.length ? item(index++) : level(d + 1)),
      ),
    );
  return level(0);
}

/** `x.add_(y)` and friends: the out-of-place op, written back into `x`. */
const IN_PLACE = [
  "add",
  "sub",
  "mul",
  "div",
  "clamp",
  "relu",
  "sigmoid",
  "exp",
  "log",
  "abs",
  "neg",
];

/** The tensor method table. */
export function tensorMethods(ops: TensorOps): Map<string, Builtin> {
  const math = builtinTable(torchMathRows(ops));
  const rows: BuiltinRow[] = [
    ...CASTS.map((
      [name, dtype],
    ): BuiltinRow => [`${name}(self)`, (a) => ops.cast(a.tensor(0), dtype)]),
    [
      "to(self, a=None, b=None, dtype=None, device=None, non_blocking=False, copy=False)",
      (a) => to(ops, a),
    ],
    ["type_as(self, other)", (a) => ops.cast(a.tensor(0), a.tensor(1).dtype)],
    ["cpu(self)", (a) => a.tensor(0)],
    ["cuda(self, device=None)", (a) => a.tensor(0)],
    ["detach(self)", (a) => a.tensor(0)],
    ["contiguous(self, memory_format=None)", (a) => a.tensor(0)],
    ["clone(self, memory_format=None)", (a) => ops.getIndex(a.tensor(0), [])],
    ["view(self, *size)", (a) => ops.reshape(a.tensor(0), a.intList(1))],
    ["view_as(self, other)", (a) => ops.reshape(a.tensor(0), a.tensor(1).shape)],
    ["reshape_as(self, other)", (a) => ops.reshape(a.tensor(0), a.tensor(1).shape)],
    ["expand(self, *size)", (a) => ops.expandTo(a.tensor(0), a.intList(1))],
    ["expand_as(self, other)", (a) => ops.expandTo(a.tensor(0), a.tensor(1).shape)],
    ["repeat(self, *sizes)", (a) => ops.repeat(a.tensor(0), a.intList(1))],
    [
      "size(self, dim=None)",
      (a) => {
        const shape = a.tensor(0).shape;
        const dim = a.optInt(1);
        if (dim === undefined) return newList([...shape]);
        const nd = shape.length;
        if (dim < -nd || dim >= nd) {
          throw opError(
            `Dimension out of range (expected to be in range of [${-nd}, ${
              nd - 1
            }], but got ${dim})`,
          );
        }
        return shape[dim < 0 ? dim + nd : dim] as number;
      },
    ],
    ["dim(self)", (a) => a.tensor(0).shape.length],
    ["ndimension(self)", (a) => a.tensor(0).shape.length],
    ["item(self)", (a) => scalarValue(a.tensor(0))],
    ["tolist(self)", (a) => toList(a.tensor(0))],
    ["is_contiguous(self)", () => true],
    ["is_floating_point(self)", (a) => isFloating(a.tensor(0).dtype)],
    ["element_size(self)", (a) => DTYPES[a.tensor(0).dtype].bytes],
    [
      "masked_fill(self, mask, value)",
      (a) => ops.cast(ops.where(a.tensor(1), a.operand(2), a.tensor(0)), a.tensor(0).dtype),
    ],
    [
      "masked_fill_(self, mask, value)",
      (a) => assignInPlace(ops, a.tensor(0), ops.where(a.tensor(1), a.operand(2), a.tensor(0))),
    ],
    [
      "fill_(self, value)",
      (a) =>
        assignInPlace(
          ops,
          a.tensor(0),
          ops.full(a.tensor(0).shape, a.scalar(1), a.tensor(0).dtype),
        ),
    ],
    [
      "zero_(self)",
      (a) =>
        assignInPlace(
          ops,
          a.tensor(0),
          ops.full(a.tensor(0).shape, { kind: "int", value: 0 }, a.tensor(0).dtype),
        ),
    ],
    [
      "copy_(self, src)",
      (a) =>
        assignInPlace(
          ops,
          a.tensor(0),
          ops.cast(ops.expandTo(a.tensor(1), a.tensor(0).shape), a.tensor(0).dtype),
        ),
    ],
  ];
  const methods = builtinTable(rows);
  for (const [name, b] of math) if (!methods.has(name)) methods.set(name, b);
  for (const name of IN_PLACE) {
    const base = math.get(name);
    if (base === undefined) throw new Error(`inferdb internal: no ${name}`);
    methods.set(`${name}_`, {
      sig: { ...base.sig, name: `${name}_` },
      impl: (a) => assignInPlace(ops, a.tensor(0), base.impl(a) as ScriptTensor),
    });
  }
  return methods;
}

function scalarValue(t: ScriptTensor): Value {
  const x = elementOf(t);
  if (t.dtype === "BOOL") return x !== 0;
  return isFloating(t.dtype) ? new PyFloat(x) : x;
}

/** `t.<name>` for a non-method attribute; undefined when there is none. */
export function tensorAttribute(ops: TensorOps, t: ScriptTensor, name: string): Value | undefined {
  switch (name) {
    case "shape":
      return newList([...t.shape]);
    case "dtype":
      return new PyDType(t.dtype);
    case "device":
      return CPU;
    case "ndim":
      return t.shape.length;
    case "T":
      return ops.permute(t, t.shape.map((_, i) => t.shape.length - 1 - i));
    case "is_cuda":
      return false;
  }
  return undefined;
}
