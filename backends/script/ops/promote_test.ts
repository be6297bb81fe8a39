/** Unit tests for PyTorch's type promotion rules. */
import assert from "node:assert/strict";
import type { DType } from "../../../core/dtype.ts";
import { promoteTypes, resultType, Scalar } from "./promote.ts";
import { ScriptTensor } from "./script_tensor.ts";

const t = (dtype: DType, shape: number[] = [2]) =>
  new ScriptTensor(dtype, shape, new Float32Array(2));
const int: Scalar = { kind: "int", value: 1 };
const float: Scalar = { kind: "float", value: 0.5 };
const bool: Scalar = { kind: "bool", value: 1 };

Deno.test("promoteTypes() follows torch.promote_types", () => {
  const cases: [DType, DType, DType][] = [
    ["UINT8", "INT8", "INT16"],
    ["UINT8", "INT16", "INT16"],
    ["UINT16", "INT16", "INT32"],
    ["INT32", "INT64", "INT64"],
    ["BOOL", "UINT8", "UINT8"],
    ["INT64", "FLOAT", "FLOAT"],
    ["FLOAT", "DOUBLE", "DOUBLE"],
    ["BOOL", "FLOAT", "FLOAT"],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(promoteTypes(a, b), want, `${a} ${b}`);
    assert.equal(promoteTypes(b, a), want, `${b} ${a}`);
  }
});

Deno.test("resultType() ranks dimensioned tensors, zero-dim tensors and Python scalars", () => {
  assert.equal(resultType([t("INT64"), float]), "FLOAT");
  assert.equal(resultType([t("INT64"), int]), "INT64");
  assert.equal(resultType([t("UINT8"), int]), "UINT8");
  assert.equal(resultType([t("BOOL"), int]), "INT64");
  assert.equal(resultType([t("BOOL"), bool]), "BOOL");
  assert.equal(resultType([t("FLOAT"), t("DOUBLE", [])]), "FLOAT");
  assert.equal(resultType([t("INT32"), t("DOUBLE", [])]), "DOUBLE");
  assert.equal(resultType([t("INT32"), t("INT64", [])]), "INT32");
  assert.equal(resultType([t("DOUBLE", []), float]), "DOUBLE");
  assert.equal(resultType([t("INT64", []), float]), "FLOAT");
});
