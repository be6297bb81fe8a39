/**
 * Conformance fixtures (`fixtures/*.json`, made by `gen_fixtures.py` from NumPy references):
 * parsing the JSON into typed cases, turning a case into a one-node graph with its inputs,
 * and comparing outputs within the case's tolerance.
 */
import type { Tensor } from "../../core/tensor.ts";
import type { DType } from "../../core/dtype.ts";
import type { AttributeValue, Graph } from "../../backends/webgpu/graph.ts";
import {
  dtypeOf,
  HostTensor,
  hostTensor,
  tensorData,
  TensorType,
} from "../../backends/webgpu/host_tensor.ts";

export interface FixtureTensor {
  readonly type: TensorType;
  readonly shape: number[];
  readonly data: number[];
  readonly initializer?: boolean;
}

export interface FixtureCase {
  readonly name: string;
  readonly op: string;
  readonly opset: number;
  readonly attributes: Record<string, Record<string, unknown>>;
  readonly inputs: (FixtureTensor | null)[];
  readonly expected: FixtureTensor[];
  readonly tolerance: number;
  readonly outputs?: number;
}

export async function loadFixtures(family: string): Promise<FixtureCase[]> {
  const text = await Deno.readTextFile(new URL(`./fixtures/${family}.json`, import.meta.url));
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${family}.json is not a list`);
  return parsed as FixtureCase[];
}

function attribute(raw: Record<string, unknown>): AttributeValue {
  if ("f" in raw) return { type: "float", value: Number(raw.f) };
  if ("i" in raw) return { type: "int", value: Number(raw.i) };
  if ("s" in raw) return { type: "string", value: String(raw.s) };
  if ("ints" in raw) return { type: "ints", value: (raw.ints as number[]).map(Number) };
  if ("floats" in raw) return { type: "floats", value: (raw.floats as number[]).map(Number) };
  throw new Error(`unknown attribute form ${JSON.stringify(raw)}`);
}

export function hostOf(t: FixtureTensor): HostTensor {
  return hostTensor(t.type, t.shape, t.data);
}

/** The case as a graph of one node, plus the runtime inputs in graph order. */
export function caseGraph(c: FixtureCase): { graph: Graph; inputs: Tensor[] } {
  const initializers = new Map<string, HostTensor>();
  const graphInputs: Graph["inputs"][number][] = [];
  const inputs: Tensor[] = [];
  const names = c.inputs.map((t, i) => {
    if (t === null) return "";
    const name = `in${i}`;
    if (t.initializer === true) initializers.set(name, hostOf(t));
    else {
      graphInputs.push({ name, type: t.type, shape: t.shape });
      inputs.push(toTensor(t));
    }
    return name;
  });
  const outputCount = c.outputs ?? c.expected.length;
  const outputs = c.expected.slice(0, outputCount).map((t, i) => ({
    name: `out${i}`,
    type: t.type,
    shape: t.shape,
  }));
  const attributes = new Map(Object.entries(c.attributes).map(([k, v]) => [k, attribute(v)]));
  const node = {
    name: c.name,
    opType: c.op,
    domain: "",
    inputs: names,
    outputs: outputs.map((o) => o.name),
    attributes,
  };
  return {
    graph: { nodes: [node], inputs: graphInputs, outputs, initializers, opset: c.opset },
    inputs,
  };
}

/** The tensor a client would send for `t` (float16 values travel as FLOAT). */
export function toTensor(t: FixtureTensor): Tensor {
  const dtype = dtypeOf(t.type) as DType;
  return { dtype, shape: t.shape, data: tensorData(hostOf(t).data) };
}

/** Differences beyond tolerance (`|a − e| ≤ tol · (1 + |e|)`), described; empty when equal. */
export function compare(actual: Tensor, expected: FixtureTensor, tolerance: number): string[] {
  const problems: string[] = [];
  if (actual.dtype !== dtypeOf(expected.type)) {
    problems.push(`dtype ${actual.dtype} ≠ ${expected.type}`);
  }
  if (actual.shape.join(",") !== expected.shape.join(",")) {
    problems.push(`shape [${actual.shape}] ≠ [${expected.shape}]`);
    return problems;
  }
  const values = Array.from(actual.data as ArrayLike<number | bigint>, Number);
  expected.data.forEach((e, i) => {
    const a = values[i] ?? NaN;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= tolerance * (1 + Math.abs(e));
    if (!ok && problems.length < 5) problems.push(`[${i}] ${a} ≠ ${e}`);
  });
  return problems;
}
