/**
 * The store-time check: resolves every name to a frame slot or a global (script function,
 * builtin, module) and rejects, with the offending span, what can never run: undefined
 * names, unknown types in annotations, unknown `torch.`/`redis.` members, calls with the
 * wrong argument count or unknown keywords, `break` outside a loop, and methods that tensors
 * do not have or operators that cannot apply, where the operand types are evident (parameters
 * and values derived from them). Everything else is checked when it runs.
 */
import type { Expr, FunctionDef, Keyword, Module, Stmt, TypeExpr } from "./ast.ts";
import { forEachChild, forEachStmtExpr } from "./ast_walk.ts";
import { KNOWN, OpsApi, opsApi } from "./api.ts";
import { cpuOps } from "./ops/tensor_ops.ts";
import type { Signature } from "./signature.ts";
import { ScriptError } from "./source_error.ts";

const TYPE_ARITY: Readonly<Record<string, number | undefined>> = {
  Tensor: 0,
  "torch.Tensor": 0,
  int: 0,
  float: 0,
  str: 0,
  bool: 0,
  Any: 0,
  None: 0,
  number: 0,
  "torch.device": 0,
  List: 1,
  Optional: 1,
  Tuple: -1,
};

/** Methods whose result is a tensor whenever the receiver is (for the static method check). */
const TENSOR_RESULT = new Set(
  [...KNOWN.tensorMethods].filter((m) =>
    !["size", "dim", "ndimension", "item", "tolist", "numel", "max", "min", "sort", "topk"]
      .includes(m) && !m.startsWith("is_") && m !== "element_size"
  ),
);

type StaticType = "Tensor" | "List[Tensor]" | "str" | "List[str]" | "int" | "float" | undefined;

/** What the check learned about a module. */
export interface ModuleFacts {
  /** Some function refers to `redis` or `redisAI` (a run may touch the keyspace). */
  readonly usesHost: boolean;
}

const HOST_MODULES = new Set(["redis", "redisAI"]);

/** Resolves and checks `module` in place; throws `ScriptError` at the first problem. */
export function checkModule(module: Module): ModuleFacts {
  const seen = new Set<string>();
  for (const fn of module.functions) {
    if (seen.has(fn.name)) {
      throw new ScriptError(`function '${fn.name}' is defined more than once`, fn.span);
    }
    seen.add(fn.name);
  }
  const functions = new Map(module.functions.map((fn) => [fn.name, fn]));
  let usesHost = false;
  for (const fn of module.functions) {
    usesHost = new FunctionChecker(fn, functions).run() || usesHost;
  }
  return { usesHost };
}

class FunctionChecker {
  private readonly slots = new Map<string, number>();
  private readonly assignments = new Map<string, number>();
  private readonly types = new Map<string, StaticType>();
  private loops = 0;
  private usesHost = false;
  private readonly api: OpsApi = opsApi(cpuOps);

  constructor(
    private readonly fn: FunctionDef,
    private readonly functions: ReadonlyMap<string, FunctionDef>,
  ) {}

  /** Checks the function; returns whether it refers to a host module. */
  run(): boolean {
    const fn = this.fn;
    for (const p of fn.params) {
      if (this.slots.has(p.name)) throw new ScriptError(`duplicate argument '${p.name}'`, p.span);
      this.slots.set(p.name, this.slots.size);
      this.checkType(p.annotation);
      this.types.set(p.name, staticOfAnnotation(p.annotation));
      if (p.default !== undefined) this.expr(p.default);
    }
    this.checkType(fn.returns);
    this.collect(fn.body);
    for (const [name, count] of this.assignments) if (count > 0) this.types.delete(name);
    fn.locals = [...this.slots.keys()];
    this.block(fn.body);
    return this.usesHost;
  }

  private checkType(t: TypeExpr | undefined): void {
    if (t === undefined) return;
    const arity = TYPE_ARITY[t.name];
    if (arity === undefined) throw new ScriptError(`Unknown type name '${t.name}'`, t.span);
    if (arity >= 0 && t.args.length !== arity) {
      throw new ScriptError(
        `${t.name} expects ${arity} type argument(s), got ${t.args.length}`,
        t.span,
      );
    }
    for (const a of t.args) this.checkType(a);
  }

  /** Gives every assigned name a slot (Python: assigned anywhere means local everywhere). */
  private collect(body: readonly Stmt[]): void {
    const target = (e: Expr): void => {
      if (e.k === "name") {
        if (!this.slots.has(e.id)) this.slots.set(e.id, this.slots.size);
        this.assignments.set(e.id, (this.assignments.get(e.id) ?? 0) + 1);
      } else if (e.k === "tuple" || e.k === "list") e.elts.forEach(target);
    };
    const comprehensions = (e: Expr): void => {
      forEachChild(e, comprehensions);
      if (e.k === "listcomp") { for (const g of e.gens) target(g.target); }
    };
    for (const s of body) {
      forEachStmtExpr(s, comprehensions);
      if (s.k === "assign") s.targets.forEach(target);
      else if (s.k === "annassign" || s.k === "augassign" || s.k === "for") target(s.target);
      if (s.k === "if" || s.k === "for" || s.k === "while") {
        this.collect(s.body);
        if (s.k === "if") this.collect(s.orelse);
      }
    }
  }

  private block(body: readonly Stmt[]): void {
    for (const s of body) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    if ((s.k === "break" || s.k === "continue") && this.loops === 0) {
      throw new ScriptError(`'${s.k}' outside loop`, s.span);
    }
    if (s.k === "annassign") this.checkType(s.annotation);
    if (s.k === "assign" && s.targets.length === 1 && s.targets[0]?.k === "name") {
      this.expr(s.value);
      this.expr(s.targets[0]);
      if (this.assignments.get(s.targets[0].id) === 1) {
        this.types.set(s.targets[0].id, this.typeOf(s.value));
      }
      return;
    }
    forEachStmtExpr(s, (e) => this.expr(e));
    if (s.k === "for" || s.k === "while") {
      this.loops++;
      this.block(s.body);
      this.loops--;
    } else if (s.k === "if") {
      this.block(s.body);
      this.block(s.orelse);
    }
  }

  private expr(e: Expr): void {
    if (e.k === "name") {
      const slot = this.slots.get(e.id);
      if (slot !== undefined) e.slot = slot;
      else if (HOST_MODULES.has(e.id) && !this.functions.has(e.id)) this.usesHost = true;
      else if (!this.functions.has(e.id) && !KNOWN.builtins.has(e.id) && !KNOWN.modules.has(e.id)) {
        throw new ScriptError(`undefined value ${e.id}`, e.span);
      }
      return;
    }
    if (e.k === "attr") this.attribute(e);
    if (e.k === "call") this.call(e);
    if (e.k === "binary") this.binary(e);
    forEachChild(e, (c) => this.expr(c));
  }

  private moduleOf(e: Expr): string | undefined {
    if (e.k !== "name" || this.slots.has(e.id) || this.functions.has(e.id)) return undefined;
    return KNOWN.modules.has(e.id) ? e.id : undefined;
  }

  private attribute(e: Extract<Expr, { k: "attr" }>): void {
    const module = this.moduleOf(e.value);
    if (module !== undefined && !KNOWN.modules.get(module)?.has(e.name)) {
      throw new ScriptError(
        `Unknown builtin op: ${module === "torch" ? "aten" : module}::${e.name}.`,
        e.span,
      );
    }
    if (
      this.typeOf(e.value) === "Tensor" && !KNOWN.tensorMethods.has(e.name) &&
      !TENSOR_ATTRIBUTES.has(e.name)
    ) {
      throw new ScriptError(`'Tensor' object has no attribute or method '${e.name}'.`, e.span);
    }
  }

  private call(e: Extract<Expr, { k: "call" }>): void {
    const func = e.func;
    if (func.k === "name" && !this.slots.has(func.id)) {
      const def = this.functions.get(func.id);
      if (def !== undefined) {
        checkArity(
          def.name,
          def.params.map((p) => ({
            name: p.name,
            required: p.default === undefined,
            variadic: false,
          })),
          e,
        );
      }
      const b = def === undefined ? this.api.builtins.get(func.id) : undefined;
      if (b !== undefined) checkArity(func.id, b.sig.params, e);
    } else if (func.k === "attr") {
      const module = this.moduleOf(func.value);
      const b = module === "torch"
        ? this.api.torch.get(func.name)
        : module === "math"
        ? this.api.math.get(func.name)
        : undefined;
      if (b !== undefined) checkArity(b.sig.name, b.sig.params, e);
    }
  }

  private binary(e: Extract<Expr, { k: "binary" }>): void {
    const l = this.typeOf(e.left);
    const r = this.typeOf(e.right);
    const text = (l === "Tensor" && r === "str") || (l === "str" && r === "Tensor");
    if (text) {
      throw new ScriptError(`unsupported operand type(s) for ${e.op}: '${l}' and '${r}'`, e.span);
    }
  }

  /** The evident type of an expression, or undefined. */
  private typeOf(e: Expr): StaticType {
    switch (e.k) {
      case "name":
        return this.types.get(e.id);
      case "const":
        return e.value.type === "int" || e.value.type === "float" || e.value.type === "str"
          ? e.value.type
          : undefined;
      case "subscript": {
        const base = this.typeOf(e.value);
        if (base === "Tensor") return "Tensor";
        if (e.index.k === "slice") return base;
        return base === "List[Tensor]" ? "Tensor" : base === "List[str]" ? "str" : undefined;
      }
      case "call":
        if (
          e.func.k === "attr" && this.typeOf(e.func.value) === "Tensor" &&
          TENSOR_RESULT.has(e.func.name)
        ) {
          return "Tensor";
        }
        return undefined;
      case "binary": {
        const l = this.typeOf(e.left);
        const r = this.typeOf(e.right);
        return l === "Tensor" || r === "Tensor" ? "Tensor" : undefined;
      }
      case "unary":
        return e.op === "not" ? undefined : this.typeOf(e.operand);
    }
    return undefined;
  }
}

const TENSOR_ATTRIBUTES = new Set(["shape", "dtype", "device", "ndim", "T", "is_cuda"]);

function staticOfAnnotation(t: TypeExpr | undefined): StaticType {
  if (t === undefined || t.name === "Tensor" || t.name === "torch.Tensor") return "Tensor";
  if (t.name === "List") {
    const inner = t.args[0]?.name;
    return inner === "Tensor" ? "List[Tensor]" : inner === "str" ? "List[str]" : undefined;
  }
  return t.name === "int" || t.name === "float" || t.name === "str" ? t.name : undefined;
}

type ParamShape = Pick<Signature["params"][number], "name" | "required" | "variadic">;

function checkArity(
  name: string,
  params: readonly ParamShape[],
  e: Extract<Expr, { k: "call" }>,
): void {
  const variadic = params.some((p) => p.variadic);
  if (!variadic && e.args.length > params.length) {
    throw new ScriptError(
      `${name}() expected at most ${params.length} argument(s) but received ${e.args.length} argument(s)`,
      e.span,
    );
  }
  const given = new Set(e.keywords.map((k: Keyword) => k.name));
  for (const k of e.keywords) {
    if (!params.some((p) => p.name === k.name)) {
      throw new ScriptError(`${name}() got an unexpected keyword argument '${k.name}'`, k.span);
    }
  }
  const positional = variadic ? Infinity : e.args.length;
  params.forEach((p, i) => {
    if (p.required && i >= positional && !given.has(p.name)) {
      throw new ScriptError(`${name}() missing value for argument '${p.name}'`, e.span);
    }
  });
}
