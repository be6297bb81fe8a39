/**
 * The script front end's entry points: `compileScript` parses and checks a source text
 * (throwing `ScriptCompileError` with TorchScript-style text: message, `here:`, the excerpt),
 * and `checkEntryPoints` applies RedisAI's SCRIPTSTORE validation with its exact texts
 * (no `ERR` prefix). A compiled script is immutable and may be run by any number of calls.
 */
import type { FunctionDef, Module } from "./ast.ts";
import { checkModule } from "./check.ts";
import { parseModule } from "./parser.ts";
import { formatSourceError, ScriptError } from "./source_error.ts";

export interface CompiledScript {
  readonly source: string;
  readonly module: Module;
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** Some function may call `redis.*` / `redisAI.*`; otherwise a run is a pure computation. */
  readonly usesHost: boolean;
}

/** A compile or entry-point error; `message` is the full client-facing text. */
export class ScriptCompileError extends Error {}

export function compileScript(source: string): CompiledScript {
  try {
    const module = parseModule(source);
    const { usesHost } = checkModule(module);
    const functions = new Map(module.functions.map((f) => [f.name, f]));
    return { source, module, functions, usesHost };
  } catch (e) {
    if (e instanceof ScriptError) {
      throw new ScriptCompileError(
        e.span === undefined ? e.message : formatSourceError(source, e.message, e.span),
      );
    }
    throw e;
  }
}

/** RedisAI's entry-point rules: each must exist and take (List[Tensor], List[str], List[str]). */
export function checkEntryPoints(script: CompiledScript, names: readonly string[]): void {
  for (const name of names) {
    const fn = script.functions.get(name);
    if (fn === undefined) {
      throw new ScriptCompileError(`Function ${name} does not exist in the given script.`);
    }
    if (fn.params.length !== 3) {
      throw new ScriptCompileError(
        `Wrong number of inputs in function ${name}. Expected 3 but was ${fn.params.length}`,
      );
    }
    const expected = [["List", "Tensor"], ["List", "str"], ["List", "str"]];
    const ok = fn.params.every((p, i) => {
      const t = p.annotation;
      const [outer, inner] = expected[i] ?? [];
      return t !== undefined && t.name === outer && t.args.length === 1 &&
        t.args[0]?.name === inner;
    });
    if (!ok) {
      throw new ScriptCompileError(
        `Wrong inputs type in function ${name}. Expected signature similar to: def ${name}(tensors: List[Tensor], keys: List[str], args: List[str])`,
      );
    }
  }
}
