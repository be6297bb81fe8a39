/**
 * PyTorch's type promotion. Operands fall into three priority groups (dimensioned tensors,
 * zero-dim tensors, Python scalars); within a group dtypes promote pairwise, and a lower group
 * only matters when its category (bool < integer < floating) is higher: `int64 tensor * 0.5`
 * is float32, `float32 tensor + float64 0-dim tensor` stays float32, `uint8 tensor - 1` stays
 * uint8. A Python float counts as the default dtype (float32), a Python int as int64.
 */
import { DType, DTYPES } from "../../../core/dtype.ts";
import { ScriptTensor } from "./script_tensor.ts";

/** A Python number taking part in a tensor op. */
export interface Scalar {
  readonly kind: "bool" | "int" | "float";
  readonly value: number;
}

export type Operand = ScriptTensor | Scalar;

const INT_BITS: Partial<Record<DType, number>> = {
  INT8: 8,
  INT16: 16,
  INT32: 32,
  INT64: 64,
  UINT8: 8,
  UINT16: 16,
};

function category(dtype: DType): number {
  const kind = DTYPES[dtype].kind;
  return kind === "bool" ? 0 : kind === "float" ? 2 : 1;
}

/** `torch.promote_types(a, b)`. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb) {
    if (ca === 2 || cb === 2) return ca === 2 ? a : b;
    return ca > cb ? a : b;
  }
  if (ca === 2) return a === "DOUBLE" || b === "DOUBLE" ? "DOUBLE" : "FLOAT";
  const ua = DTYPES[a].kind === "uint";
  const ub = DTYPES[b].kind === "uint";
  const bitsA = INT_BITS[a] ?? 64;
  const bitsB = INT_BITS[b] ?? 64;
  if (ua === ub) return bitsA >= bitsB ? a : b;
  const unsignedBits = ua ? bitsA : bitsB;
  const signedBits = Math.max(ua ? bitsB : bitsA, unsignedBits * 2);
  return signedBits >= 64 ? "INT64" : signedBits >= 32 ? "INT32" : "INT16";
}

/** The dtype of a Python value put into a tensor (`torch.tensor(1)` is INT64). */
export function scalarDType(s: Scalar): DType {
  return s.kind === "float" ? "FLOAT" : s.kind === "int" ? "INT64" : "BOOL";
}

/** `combine_categories` from ATen: keep `higher` unless `lower` is of a higher category. */
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (category(higher) === 2) return higher;
  if (higher === "BOOL" || category(lower) === 2) return promoteTypes(higher, lower);
  return higher;
}

function merge(acc: DType | undefined, dtype: DType): DType {
  return acc === undefined ? dtype : promoteTypes(acc, dtype);
}

/** `torch.result_type` over any mix of tensors and Python scalars. */
export function resultType(operands: readonly Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const op of operands) {
    if (op instanceof ScriptTensor) {
      if (op.shape.length > 0) dim = merge(dim, op.dtype);
      else zero = merge(zero, op.dtype);
    } else {
      wrapped = merge(wrapped, scalarDType(op));
    }
  }
  return combine(dim, combine(zero, wrapped)) ?? "FLOAT";
}
