/**
 * Everything a script can call, assembled from the tables: Python builtins, the `torch`,
 * `math`, `redis` and `redisAI` modules, module constants, and the methods of tensors, lists
 * and strings. Tables over a `TensorOps` are built once per ops implementation; the Redis
 * modules are bound to a host per call. The static checker reads the same tables, so a name
 * is known at store time exactly when it can run.
 */
import { pythonBuiltins } from "./builtins.ts";
import { opError } from "./ops/script_tensor.ts";
import { cpuOps, TensorOps } from "./ops/tensor_ops.ts";
import { listMethods, strMethods } from "./py_methods.ts";
import { redisAIFunctions, redisFunctions, ScriptHost } from "./redis_api.ts";
import { Builtin, BuiltinRow, builtinTable } from "./signature.ts";
import { tensorMethods } from "./tensor_methods.ts";
import { TORCH_DTYPES, torchConstant, torchFunctions } from "./torch_functions.ts";
import { PyFloat, Value } from "./values.ts";

export interface OpsApi {
  readonly builtins: ReadonlyMap<string, Builtin>;
  readonly torch: ReadonlyMap<string, Builtin>;
  readonly math: ReadonlyMap<string, Builtin>;
  readonly tensorMethods: ReadonlyMap<string, Builtin>;
  readonly listMethods: ReadonlyMap<string, Builtin>;
  readonly strMethods: ReadonlyMap<string, Builtin>;
}

const MATH_CONSTANTS: ReadonlyMap<string, Value> = new Map([
  ["pi", new PyFloat(Math.PI)],
  ["e", new PyFloat(Math.E)],
  ["inf", new PyFloat(Infinity)],
  ["nan", new PyFloat(NaN)],
]);

/** The error types `raise` understands; calling one builds its message. */
export const EXCEPTION_NAMES = [
  "Exception",
  "RuntimeError",
  "ValueError",
  "TypeError",
  "IndexError",
  "KeyError",
  "AssertionError",
];

function mathModule(): Map<string, Builtin> {
  const unary = (name: string, fn: (x: number) => number): BuiltinRow => [
    `${name}(x)`,
    (a) => new PyFloat(fn(a.float(0))),
  ];
  return builtinTable([
    unary("sqrt", Math.sqrt),
    unary("exp", Math.exp),
    unary("log", Math.log),
    unary("fabs", Math.abs),
    ["pow(x, y)", (a) => new PyFloat(Math.pow(a.float(0), a.float(1)))],
    ["floor(x)", (a) => Math.floor(a.float(0))],
    ["ceil(x)", (a) => Math.ceil(a.float(0))],
    ["isnan(x)", (a) => Number.isNaN(a.float(0))],
    ["isinf(x)", (a) => Math.abs(a.float(0)) === Infinity],
  ]);
}

function exceptions(): Map<string, Builtin> {
  return builtinTable(
    EXCEPTION_NAMES.map((name) => [
      `${name}(message=None)`,
      (a) => (a.isNone(0) ? name : `${name}: ${a.str(0)}`),
    ]),
  );
}

const cache = new WeakMap<TensorOps, OpsApi>();

/** The host-independent tables for `ops` (built once). */
export function opsApi(ops: TensorOps): OpsApi {
  let api = cache.get(ops);
  if (api === undefined) {
    const builtins = pythonBuiltins(ops);
    for (const [name, b] of exceptions()) builtins.set(name, b);
    api = {
      builtins,
      torch: torchFunctions(ops),
      math: mathModule(),
      tensorMethods: tensorMethods(ops),
      listMethods: listMethods(ops),
      strMethods: strMethods(ops),
    };
    cache.set(ops, api);
  }
  return api;
}

/** A module's functions: `torch` and `math` from the ops tables, `redis`/`redisAI` on `host`. */
export function moduleFunctions(
  api: OpsApi,
  host: ScriptHost,
): ReadonlyMap<string, ReadonlyMap<string, Builtin>> {
  return new Map([
    ["torch", api.torch],
    ["math", api.math],
    ["redis", redisFunctions(host)],
    ["redisAI", redisAIFunctions(host)],
  ]);
}

/** A module constant (`torch.float32`, `math.pi`), or undefined. */
export function moduleConstant(module: string, name: string): Value | undefined {
  if (module === "torch") return torchConstant(name);
  if (module === "math") return MATH_CONSTANTS.get(name);
  return undefined;
}

const noHost: ScriptHost = {
  execute: () => {
    throw opError("no host");
  },
  modelExecute: () => {
    throw opError("no host");
  },
};

/** Names known to the static checker: builtins, modules and their members, methods. */
export const KNOWN = (() => {
  const api = opsApi(cpuOps);
  const modules = moduleFunctions(api, noHost);
  const members = new Map<string, Set<string>>();
  for (const [name, fns] of modules) members.set(name, new Set(fns.keys()));
  for (const dtype of TORCH_DTYPES.keys()) members.get("torch")?.add(dtype);
  for (const constant of MATH_CONSTANTS.keys()) members.get("math")?.add(constant);
  return {
    builtins: new Set(api.builtins.keys()),
    modules: members,
    tensorMethods: new Set(api.tensorMethods.keys()),
  };
})();
