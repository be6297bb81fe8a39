/**
 * Table-driven op tests: each case in `testdata/op_cases.json` is a script expression over
 * fixed inputs with a result computed by numpy (`testdata/make_op_cases.py`, run offline).
 * Each runs through the real front end and interpreter as `def f(x, y): return <expr>`.
 */
import assert from "node:assert/strict";
import { DType, DTYPES } from "../../../core/dtype.ts";
import type { Tensor } from "../../../core/tensor.ts";
import { compileScript } from "../compile.ts";
import { runScript } from "../run_script.ts";
import type { ScriptHost } from "../redis_api.ts";

interface JsonTensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly values: number[];
}

interface OpCase {
  readonly expr: string;
  readonly inputs: JsonTensor[];
  readonly expected: JsonTensor;
  readonly tolerance: number;
}

const file = new URL("./testdata/op_cases.json", import.meta.url);
const { cases } = JSON.parse(await Deno.readTextFile(file)) as { cases: OpCase[] };

const host: ScriptHost = {
  execute: () => null,
  modelExecute: () => [],
};

function toTensor(t: JsonTensor): Tensor {
  const info = DTYPES[t.dtype];
  const data = info.view(new ArrayBuffer(t.values.length * info.bytes), 0, t.values.length);
  if (data instanceof BigInt64Array) t.values.forEach((v, i) => data[i] = BigInt(v));
  else data.set(t.values);
  return { dtype: t.dtype, shape: t.shape, data };
}

function run(c: OpCase): Tensor {
  const params = ["x", "y", "z"].slice(0, c.inputs.length).join(", ");
  const script = compileScript(`def f(${params}):\n    return ${c.expr}\n`);
  const [out] = runScript(script, {
    fn: "f",
    inputs: c.inputs.map(toTensor),
    keys: [],
    args: [],
    outputCount: 1,
    entryPoints: [],
  }, { host });
  assert(out !== undefined);
  return out;
}

/** Why `c` fails, or undefined when it passes. */
function mismatch(c: OpCase): string | undefined {
  let out: Tensor;
  try {
    out = run(c);
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
  if (out.dtype !== c.expected.dtype) return `dtype ${out.dtype}, expected ${c.expected.dtype}`;
  if (JSON.stringify([...out.shape]) !== JSON.stringify(c.expected.shape)) {
    return `shape ${JSON.stringify(out.shape)}, expected ${JSON.stringify(c.expected.shape)}`;
  }
  const got = Array.from(out.data as ArrayLike<number | bigint>, Number);
  const bad = got.findIndex((v, i) => {
    const want = c.expected.values[i] as number;
    if (c.tolerance === 0) return !(Object.is(v, want) || v === want);
    return !(Math.abs(v - want) <= c.tolerance * Math.max(1, Math.abs(want)));
  });
  if (got.length !== c.expected.values.length) return `${got.length} values`;
  return bad < 0 ? undefined : `element ${bad} is ${got[bad]}, expected ${c.expected.values[bad]}`;
}

Deno.test("op cases match numpy (dtype, shape and values)", () => {
  assert(cases.length > 100);
  const failures = cases.flatMap((c) => {
    const why = mismatch(c);
    const inputs = c.inputs.map((i) => `${i.dtype}${JSON.stringify(i.shape)}`).join(", ");
    return why === undefined ? [] : [`${c.expr} on (${inputs}): ${why}`];
  });
  assert.deepEqual(failures, []);
});
