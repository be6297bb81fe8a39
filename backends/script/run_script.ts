/**
 * Running a compiled script the way RedisAI calls TorchScript: an entry point gets
 * `(tensors: List[Tensor], keys: List[str], args: List[str])`; any other function is called
 * in the legacy positional mode (Tensor parameters take one input each, a List[Tensor]
 * parameter the rest). The return value is flattened to tensors and checked against the
 * OUTPUTS count. Every failure becomes a `ScriptRunError` whose message is the client text.
 */
import type { Tensor } from "../../core/tensor.ts";
import type { CompiledScript } from "./compile.ts";
import type { FunctionDef } from "./ast.ts";
import { DEFAULT_SCRIPT_LIMITS, ScriptLimits } from "./limits.ts";
import { ScriptTensor, withMemoryBudget } from "./ops/script_tensor.ts";
import { cpuOps, TensorOps } from "./ops/tensor_ops.ts";
import type { ScriptHost } from "./redis_api.ts";
import { Runtime } from "./runtime.ts";
import { ScriptError, ScriptLimitError, ScriptRuntimeError } from "./source_error.ts";
import { PyTuple, Value } from "./values.ts";

export interface ScriptCall {
  readonly fn: string;
  readonly inputs: readonly Tensor[];
  /** KEYS and ARGS as byte strings (one char per byte). */
  readonly keys: readonly string[];
  readonly args: readonly string[];
  readonly outputCount: number;
  /** The stored entry points: these are called as `fn(tensors, keys, args)`. */
  readonly entryPoints: readonly string[];
}

export interface RunOptions {
  readonly host: ScriptHost;
  readonly limits?: ScriptLimits;
  readonly ops?: TensorOps;
}

/** A failed run; `message` is what the client sees. */
export class ScriptRunError extends Error {
  constructor(
    message: string,
    /** Stopped by the step or memory budget. */ readonly limit = false,
  ) {
    super(message);
  }
}

/** Runs `call` on `script`; returns exactly `call.outputCount` tensors. */
export function runScript(script: CompiledScript, call: ScriptCall, options: RunOptions): Tensor[] {
  const limits = options.limits ?? DEFAULT_SCRIPT_LIMITS;
  const ops = options.ops ?? cpuOps;
  const rt = new Runtime(script.functions, ops, options.host, limits);
  const budget = {
    bytesLeft: limits.callBytesMax,
    allocBytesMax: limits.allocBytesMax,
    workLeft: limits.workMax,
  };
  try {
    return ops.call(() => {
      const result = withMemoryBudget(budget, () => {
        const inputs = call.inputs.map((t) => ScriptTensor.of(t));
        const def = script.functions.get(call.fn);
        if (def !== undefined && call.entryPoints.includes(call.fn)) {
          return rt.invoke(def, [inputs, [...call.keys], [...call.args]], undefined);
        }
        const fn = legacyFunction(def, call);
        return rt.invoke(fn, legacyArgs(fn, inputs), undefined);
      });
      // Inside the call: outputs computed elsewhere (GPU) are read back before it ends.
      return outputs(result, call, ops);
    });
  } catch (e) {
    if (e instanceof ScriptRuntimeError) throw new ScriptRunError(e.format(script.source), e.limit);
    if (e instanceof ScriptError) {
      throw new ScriptRunError(e.message, e instanceof ScriptLimitError);
    }
    throw e;
  }
}

function legacyFunction(def: FunctionDef | undefined, call: ScriptCall): FunctionDef {
  if (def === undefined) throw new ScriptRunError(`Function does not exist: ${call.fn}`);
  if (def.params.length > call.inputs.length) {
    throw new ScriptRunError(`Wrong number of inputs provided to function: ${call.fn}`);
  }
  for (const p of def.params) {
    const t = p.annotation;
    const tensor = t === undefined ||
      ((t.name === "Tensor" || t.name === "torch.Tensor") && t.args.length === 0);
    const list = t?.name === "List" && t.args[0]?.name === "Tensor";
    if (!tensor && !list) {
      throw new ScriptRunError(`Unsupported input type in function definition: ${call.fn}`);
    }
  }
  return def;
}

/** Positional binding: one input per Tensor parameter; the first List[Tensor] takes the rest. */
function legacyArgs(def: FunctionDef, inputs: readonly ScriptTensor[]): Value[] {
  const isList = def.params.map((p) => p.annotation?.name === "List");
  const listSize = inputs.length - isList.filter((l) => !l).length;
  let next = 0;
  let listSeen = false;
  return isList.map((list) => {
    if (!list) return inputs[next++] as ScriptTensor;
    const size = listSeen ? 0 : listSize;
    listSeen = true;
    const items = inputs.slice(next, next + size);
    next += size;
    return items;
  });
}

/** RedisAI's output handling: tensors, lists of tensors and tuples of tensors, flattened. */
function outputs(result: Value, call: ScriptCall, ops: TensorOps): Tensor[] {
  if (call.outputCount === 0) return [];
  const nonTensor = () => new ScriptRunError(`Function returned non-tensor values${call.fn}`);
  let items: readonly Value[];
  if (result instanceof ScriptTensor) items = [result];
  else if (Array.isArray(result) && result.every((v) => v instanceof ScriptTensor)) items = result;
  else if (result instanceof PyTuple) items = result.items;
  else throw nonTensor();
  // As torchHandlOutputs: a tuple's elements are checked before the count.
  const tensors = items.map((v) => {
    if (!(v instanceof ScriptTensor)) throw nonTensor();
    return v;
  });
  if (tensors.length !== call.outputCount) {
    throw new ScriptRunError(`Function returned unexpected number of outputs - ${call.fn}`);
  }
  ops.settle(tensors);
  return tensors.map((v) => v.plain());
}
