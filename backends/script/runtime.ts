/**
 * The interpreter's state for one script call: the compiled module, the op implementation,
 * the host, the call tables, the step counter and the call stack. `invoke` runs a script
 * function: it binds arguments to parameters (checking annotated types as TorchScript
 * does), executes the body and turns any failure into a `ScriptRuntimeError` carrying the
 * stack. Statements live in `statements.ts`, expressions in `expressions.ts`.
 *
 * Never `eval`: the tree is walked; scripts reach nothing but these tables and the host.
 */
import type { FunctionDef, TypeExpr } from "./ast.ts";
import { moduleFunctions, OpsApi, opsApi } from "./api.ts";
import { opError, ScriptTensor } from "./ops/script_tensor.ts";
import type { TensorOps } from "./ops/tensor_ops.ts";
import type { ScriptLimits } from "./limits.ts";
import type { ScriptHost } from "./redis_api.ts";
import type { Builtin } from "./signature.ts";
import { ScriptError, ScriptLimitError, ScriptRuntimeError, Span } from "./source_error.ts";
import { execBody } from "./statements.ts";
import { evalExpr } from "./expressions.ts";
import { Kwargs, PyFloat, PyTuple, typeName, Value } from "./values.ts";

export interface Frame {
  readonly fn: FunctionDef;
  readonly slots: (Value | undefined)[];
  /** What is being evaluated, for the traceback. */
  at: Span;
  ret: Value;
}

export class Runtime {
  steps = 0;
  readonly stack: Frame[] = [];
  readonly api: OpsApi;
  readonly modules: ReadonlyMap<string, ReadonlyMap<string, Builtin>>;

  constructor(
    readonly functions: ReadonlyMap<string, FunctionDef>,
    readonly ops: TensorOps,
    host: ScriptHost,
    readonly limits: ScriptLimits,
  ) {
    this.api = opsApi(ops);
    this.modules = moduleFunctions(this.api, host);
  }

  /** Counts one step against the budget. */
  tick(): void {
    if (++this.steps > this.limits.stepsMax) {
      throw new ScriptLimitError(
        `script step limit exceeded: more than ${this.limits.stepsMax} statements, loop iterations and calls in one run`,
      );
    }
  }

  /** Calls a script function with evaluated arguments. */
  invoke(def: FunctionDef, args: readonly Value[], kwargs: Kwargs): Value {
    if (this.stack.length >= this.limits.callDepthMax) {
      throw opError(
        `RecursionError: maximum recursion depth exceeded (${this.limits.callDepthMax} calls)`,
      );
    }
    this.tick();
    const frame: Frame = {
      fn: def,
      slots: new Array<Value | undefined>(def.locals.length).fill(undefined),
      at: def.span,
      ret: null,
    };
    this.stack.push(frame);
    try {
      this.bindParams(frame, args, kwargs);
      execBody(this, def.body, frame);
      return frame.ret;
    } catch (e) {
      throw this.locate(e);
    } finally {
      this.stack.pop();
    }
  }

  private bindParams(frame: Frame, args: readonly Value[], kwargs: Kwargs): void {
    const def = frame.fn;
    if (args.length > def.params.length) {
      throw opError(
        `${def.name}() expected at most ${def.params.length} argument(s) but received ${args.length} argument(s)`,
      );
    }
    args.forEach((v, i) => frame.slots[i] = v);
    for (const [name, v] of kwargs ?? []) {
      const i = def.params.findIndex((p) => p.name === name);
      if (i < 0) throw opError(`${def.name}() got an unexpected keyword argument '${name}'`);
      if (frame.slots[i] !== undefined) {
        throw opError(`${def.name}() got multiple values for argument '${name}'`);
      }
      frame.slots[i] = v;
    }
    def.params.forEach((p, i) => {
      let v = frame.slots[i];
      if (v === undefined) {
        if (p.default === undefined) {
          throw opError(`${def.name}() missing value for argument '${p.name}'`);
        }
        v = evalExpr(this, p.default, frame);
      }
      frame.slots[i] = conform(v, p.annotation, `${def.name}() argument '${p.name}'`);
    });
  }

  /** Attaches the call stack to an error leaving the innermost frame that saw it. */
  private locate(e: unknown): ScriptRuntimeError {
    if (e instanceof ScriptRuntimeError) return e;
    const frames = this.stack.map((f) => ({ fn: f.fn.name, span: f.at }));
    if (e instanceof ScriptError) {
      return new ScriptRuntimeError(e.message, frames, e instanceof ScriptLimitError);
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return new ScriptRuntimeError("RecursionError: maximum recursion depth exceeded", frames);
    }
    throw e;
  }
}

/** Checks a value against a parameter annotation; ints are accepted where floats are declared. */
export function conform(v: Value, type: TypeExpr | undefined, what: string): Value {
  const name = type?.name ?? "Tensor";
  const ok = (expected: boolean): Value => {
    if (expected) return v;
    throw opError(
      `Expected a value of type '${typeText(type)}' for ${what} but instead found type '${
        typeName(v)
      }'.`,
    );
  };
  switch (name) {
    case "Tensor":
    case "torch.Tensor":
      return ok(v instanceof ScriptTensor);
    case "int":
      return ok(typeof v === "number");
    case "float":
      return typeof v === "number" ? new PyFloat(v) : ok(v instanceof PyFloat);
    case "str":
      return ok(typeof v === "string");
    case "bool":
      return ok(typeof v === "boolean");
    case "List":
      return ok(Array.isArray(v));
    case "Tuple":
      return ok(v instanceof PyTuple);
    case "Optional":
      return v === null ? v : conform(v, type?.args[0], what);
  }
  return v;
}

/** An annotation as written: `List[Tensor]`. */
export function typeText(type: TypeExpr | undefined): string {
  if (type === undefined) return "Tensor";
  return type.args.length === 0 ? type.name : `${type.name}[${type.args.map(typeText).join(", ")}]`;
}
