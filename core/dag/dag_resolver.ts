/**
 * Resolves a parsed DAG's tensor names to slots, as RedisAI's `MapTensorsKeysToIndices` and
 * `ValidatePersistKeys` do: LOADed names first, then op by op, each op's inputs are looked up
 * (the latest version of the name) before its outputs become new versions. So
 * `TENSORSET t; TENSORGET t; TENSORSET t; TENSORGET t` reads two different tensors, and an op
 * may read and write the same name. PERSIST takes each key's last version.
 */
import type { Tensor } from "../tensor.ts";
import { tensorByteLength } from "../tensor.ts";
import { dagErrors } from "./dag_errors.ts";
import type { DagPlan, ParsedDag, PlanOp } from "./dag_plan.ts";

export function resolveDag(dag: ParsedDag): DagPlan {
  const latest = new Map<string, number>();
  const initial: (Tensor | undefined)[] = [];
  for (const { name, tensor } of dag.loads) {
    // A key LOADed twice keeps its first slot (RedisAI's dictAdd refuses the second).
    if (latest.has(name)) continue;
    latest.set(name, initial.length);
    initial.push(tensor);
  }
  const input = (name: string): number => {
    const slot = latest.get(name);
    if (slot === undefined) throw dagErrors.inputNotFound();
    return slot;
  };
  const output = (name: string, tensor?: Tensor): number => {
    latest.set(name, initial.length);
    return initial.push(tensor) - 1;
  };
  let tensorBytes = 0;
  const ops = dag.ops.map((op): PlanOp => {
    switch (op.kind) {
      case "tensorset":
        tensorBytes += tensorByteLength(op.tensor);
        output(op.output, op.tensor);
        return { kind: "tensorset" };
      case "tensorget":
        return { kind: "tensorget", input: input(op.input), format: op.format };
      case "compute": {
        const inputs = op.inputs.map(input);
        return { kind: "compute", op, inputs, outputs: op.outputs.map((name) => output(name)) };
      }
    }
  });
  const persist = dag.persist.map((key) => {
    const slot = latest.get(key);
    if (slot === undefined) throw dagErrors.persistNotFound();
    return { key, slot };
  });
  return { initial, ops, persist, timeoutMs: dag.timeoutMs, tensorBytes };
}
