/** Interpreter tests: the language, the calling convention, the Redis API and the limits. */
import assert from "node:assert/strict";
import type { Tensor } from "../../core/tensor.ts";
import { compileScript } from "./compile.ts";
import type { ScriptLimits } from "./limits.ts";
import type { HostReply, ScriptHost } from "./redis_api.ts";
import { runScript, ScriptCall, ScriptRunError } from "./run_script.ts";

const f32 = (shape: number[], values: number[]): Tensor => ({
  dtype: "FLOAT",
  shape,
  data: new Float32Array(values),
});
const values = (t: Tensor | undefined) => Array.from(t?.data as ArrayLike<number | bigint>, Number);

const noHost: ScriptHost = { execute: () => null, modelExecute: () => [] };

interface Options {
  inputs?: Tensor[];
  keys?: string[];
  args?: string[];
  outputs?: number;
  entry?: boolean;
  host?: ScriptHost;
  limits?: ScriptLimits;
}

function run(src: string, fn: string, o: Options = {}): Tensor[] {
  const call: ScriptCall = {
    fn,
    inputs: o.inputs ?? [],
    keys: o.keys ?? [],
    args: o.args ?? [],
    outputCount: o.outputs ?? 1,
    entryPoints: o.entry === false ? [] : [fn],
  };
  return runScript(compileScript(src), call, {
    host: o.host ?? noHost,
    ...(o.limits ? { limits: o.limits } : {}),
  });
}

function runError(src: string, fn: string, o: Options = {}): string {
  try {
    run(src, fn, o);
  } catch (e) {
    assert(e instanceof ScriptRunError, String(e));
    return e.message;
  }
  throw new Error("ran without error");
}

/** Evaluates `expr` in an entry point and returns the scalar it wraps in a tensor. */
function evalScalar(body: string): number {
  const src = `def f(tensors: List[Tensor], keys: List[str], args: List[str]):\n${
    body.split("\n").map((l) => `    ${l}`).join("\n")
  }\n`;
  return values(run(src, "f")[0])[0] as number;
}

const EP = "(tensors: List[Tensor], keys: List[str], args: List[str])";

Deno.test("runScript() calls entry points with (tensors, keys, args)", () => {
  const src = `def bar${EP}:\n    a = tensors[0]\n    b = tensors[1]\n    return a + b\n` +
    `def bar_variadic${EP}:\n    a = tensors[0]\n    l = tensors[1:]\n    return a + l[0]\n`;
  const inputs = [f32([2, 2], [2, 3, 2, 3]), f32([2, 2], [2, 3, 2, 3])];
  assert.deepEqual(values(run(src, "bar", { inputs })[0]), [4, 6, 4, 6]);
  assert.deepEqual(values(run(src, "bar_variadic", { inputs })[0]), [4, 6, 4, 6]);
});

Deno.test("runScript() binds legacy functions positionally, List[Tensor] taking the rest", () => {
  const src = "def bar(a, b):\n    return a + b\n" +
    "def bar_variadic(a, args : List[Tensor]):\n    return args[0] + args[1]\n" +
    "def count(a, rest: List[Tensor], b):\n    return torch.tensor(len(rest)) + b\n" +
    "def typed(a: int):\n    return a\n";
  const three = [f32([1], [1]), f32([1], [2]), f32([1], [3])];
  assert.deepEqual(values(run(src, "bar", { inputs: three.slice(0, 2), entry: false })[0]), [3]);
  assert.deepEqual(values(run(src, "bar_variadic", { inputs: three, entry: false })[0]), [5]);
  assert.deepEqual(values(run(src, "count", { inputs: [...three, ...three], entry: false })[0]), [
    7,
  ]);
  assert.equal(runError(src, "nope", { entry: false }), "Function does not exist: nope");
  assert.equal(
    runError(src, "bar", { inputs: three.slice(0, 1), entry: false }),
    "Wrong number of inputs provided to function: bar",
  );
  assert.equal(
    runError(src, "typed", { inputs: three, entry: false }),
    "Unsupported input type in function definition: typed",
  );
});

Deno.test("runScript() flattens outputs and checks their count as RedisAI does", () => {
  const src = `def pair${EP}:\n    return tensors[0], tensors[0] * 2\n` +
    `def listed${EP}:\n    return [tensors[0], tensors[0]]\n` +
    `def nothing${EP}:\n    x = 1\n` +
    `def number${EP}:\n    return 3\n` +
    `def mixed${EP}:\n    return tensors[0], 3\n`;
  const inputs = [f32([1], [1.5])];
  assert.deepEqual(run(src, "pair", { inputs, outputs: 2 }).map(values), [[1.5], [3]]);
  assert.deepEqual(run(src, "listed", { inputs, outputs: 2 }).map(values), [[1.5], [1.5]]);
  assert.deepEqual(run(src, "nothing", { outputs: 0 }), []);
  assert.equal(
    runError(src, "pair", { inputs, outputs: 1 }),
    "Function returned unexpected number of outputs - pair",
  );
  assert.equal(
    runError(src, "number", { outputs: 1 }),
    "Function returned non-tensor valuesnumber",
  );
  assert.equal(
    runError(src, "nothing", { outputs: 1 }),
    "Function returned non-tensor valuesnothing",
  );
  assert.equal(
    runError(src, "mixed", { inputs, outputs: 2 }),
    "Function returned non-tensor valuesmixed",
  );
});

Deno.test("runScript() refuses a tuple holding a non-tensor before it counts the outputs", () => {
  const src = `def mixed${EP}:\n    return tensors[0], [tensors[0], tensors[0]]\n`;
  const inputs = [f32([1], [1.5])];
  for (const outputs of [1, 2, 3]) {
    assert.equal(
      runError(src, "mixed", { inputs, outputs }),
      "Function returned non-tensor valuesmixed",
    );
  }
});

Deno.test("runScript() runs Python control flow and data structures", () => {
  assert.equal(
    evalScalar(
      "s = 0\nfor i in range(10):\n    if i % 2 == 0:\n        continue\n    if i > 7:\n        break\n    s += i\nreturn torch.tensor(s)",
    ),
    1 + 3 + 5 + 7,
  );
  assert.equal(evalScalar("n = 1\nwhile n < 100:\n    n *= 3\nreturn torch.tensor(n)"), 243);
  assert.equal(
    evalScalar("l = [x * y for x in range(3) for y in [1, 10] if x]\nreturn torch.tensor(sum(l))"),
    33,
  );
  assert.equal(evalScalar("a, (b, c) = 1, (2, 3)\nreturn torch.tensor(a * 100 + b * 10 + c)"), 123);
  assert.equal(
    evalScalar(
      "l = [3, 1, 2]\nl.append(5)\nl.extend([7])\nl.insert(0, 9)\nx = l.pop()\nl.remove(1)\nreturn torch.tensor(len(l) * 100 + x * 10 + l[-1])",
    ),
    4 * 100 + 70 + 5,
  );
  assert.equal(
    evalScalar(
      "l = list(range(10))\nm = l[2:8:2] + l[::-3]\nreturn torch.tensor(m[0] * 1000 + m[2] * 100 + m[3] * 10 + len(m))",
    ),
    2000 + 600 + 90 + 7,
  );
  assert.equal(
    evalScalar(
      "s = 'a,b,,c'.split(',')\nt = '-'.join(s)\nreturn torch.tensor(len(t) + (10 if 'b' in s else 0))",
    ),
    6 + 10,
  );
  assert.equal(
    evalScalar("x = None\ny = x is None and 5 or 6\nreturn torch.tensor(y if not x else 0)"),
    5,
  );
  assert.equal(
    evalScalar(
      "d = 0\nfor i, v in enumerate([5, 6]):\n    d += i * v\nfor a, b in zip([1, 2], [3, 4]):\n    d += a * b\nreturn torch.tensor(d)",
    ),
    6 + 11,
  );
  assert.equal(evalScalar("return torch.tensor(7 // 2 * 10 + -7 // 2 + 7 % -3)"), 30 - 4 - 2);
  assert.equal(
    evalScalar(
      "return torch.tensor(int('42') + int(3.9) + int(-3.9) + len(str(1.0)) + len(str(1e20)))",
    ),
    42 + 3 - 3 + 3 + 5,
  );
  assert.equal(
    evalScalar(
      "return torch.tensor(float('1.5') * 2 + max(1, 4, 2) - min([3, 2]) + abs(-2) + round(2.5))",
    ),
    3 + 4 - 2 + 2 + 2,
  );
  assert.equal(evalScalar("return torch.tensor('{}-{}'.format(1, 'x') == '1-x')"), 1);
});

Deno.test("runScript() calls script functions with keywords, defaults and recursion", () => {
  const src = `def scale(x, k: float = 2.0, offset: int = 0):\n    return x * k + offset\n` +
    `def fact(n: int) -> int:\n    return 1 if n <= 1 else n * fact(n - 1)\n` +
    `def f${EP}:\n    return scale(tensors[0], offset=fact(5)) + scale(tensors[0], k=0.5)\n`;
  assert.deepEqual(values(run(src, "f", { inputs: [f32([2], [1, 2])] })[0]), [122.5, 125]);
});

Deno.test("runScript() does tensor element assignment without touching its inputs", () => {
  const src =
    `def f${EP}:\n    x = tensors[0]\n    x[0] = 10\n    x[1:, 0] = torch.tensor([7.0])\n` +
    `    mean = torch.zeros(3)\n    mean[0], mean[1], mean[2] = 0.485, 0.456, 0.406\n    x[0, 1] += 1\n` +
    `    return x, mean\n`;
  const input = f32([2, 2], [1, 2, 3, 4]);
  const [x, mean] = run(src, "f", { inputs: [input], outputs: 2 });
  assert.deepEqual(values(x), [10, 11, 7, 4]);
  assert.deepEqual(values(mean), [0.485, 0.456, 0.406].map(Math.fround));
  assert.deepEqual(values(input), [1, 2, 3, 4]);
});

Deno.test("runScript() runs the MNIST pre- and post-processing scripts", () => {
  const src = `def pre_process_3ch(image):
    mean = torch.zeros(1).float().to(image.device)
    std = torch.zeros(1).float().to(image.device)
    mean[0] = 0.1307
    std[0] = 0.3081
    mean = mean.unsqueeze(1).unsqueeze(1)
    std = std.unsqueeze(1).unsqueeze(1)
    temp = image.float().div(28).permute(1, 0)
    return temp.sub(mean).div(std).unsqueeze(0)
def post_process(output):
    return output.max(1)[1]
`;
  const image = {
    dtype: "UINT8" as const,
    shape: [28, 28],
    data: Uint8Array.from({ length: 784 }, (_, i) => i % 256),
  };
  const [pre] = run(src, "pre_process_3ch", { inputs: [image], entry: false });
  assert.deepEqual(pre?.shape, [1, 1, 28, 28]);
  const at = (r: number, c: number) => values(pre)[r * 28 + c] as number;
  const expected = (v: number) =>
    Math.fround(Math.fround(Math.fround(v / 28) - Math.fround(0.1307)) / Math.fround(0.3081));
  assert.equal(at(0, 1), expected(28 % 256));
  assert.equal(at(3, 5), expected((5 * 28 + 3) % 256));
  const [post] = run(src, "post_process", {
    inputs: [f32([2, 3], [0.1, 0.7, 0.2, 0.9, 0.05, 0.05])],
    entry: false,
  });
  assert.equal(post?.dtype, "INT64");
  assert.deepEqual(values(post), [1, 0]);
});

/** A host that keeps a tiny string keyspace and answers like the server would. */
function fakeHost(log: string[][]): ScriptHost {
  const store = new Map<string, string>();
  return {
    execute(args): HostReply {
      log.push([...args]);
      const [cmd = "", key = "", value = ""] = args;
      switch (cmd.toUpperCase()) {
        case "SET":
          if (args.length !== 3) return { error: "Invalid argument" };
          store.set(key, value);
          return "OK";
        case "GET":
          return store.get(key) ?? null;
        case "INCR":
          store.set(key, String(Number(store.get(key) ?? 0) + 1));
          return Number(store.get(key));
        case "LRANGE":
          return ["1", "2"];
        case "RPUSH":
          return { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
      }
      return null;
    },
    modelExecute(key, inputs, n) {
      if (key !== "m") throw new ScriptRunError("ERR model key is empty");
      return Array.from({ length: n }, () => ({ ...inputs[0] as Tensor }));
    },
  };
}

Deno.test("runScript() gives scripts redis.execute, redis.asList and redisAI.model_execute", () => {
  const src = `def redis_string_int_to_tensor(redis_value: Any):
    return torch.tensor(int(str(redis_value)))
def redis_int_list_to_tensor(redis_value: Any):
    values = redis.asList(redis_value)
    l  = [torch.tensor(int(str(v))).reshape(1,1) for v in values]
    return torch.cat(l, dim=0)
def int_set_get${EP}:
    key = keys[0]
    value = int(args[0])
    redis.execute("SET", key, str(value))
    res = redis.execute("GET", key)
    return redis_string_int_to_tensor(res)
def incr${EP}:
    redis.execute("SET", [keys[0], args[0]])
    return redis_string_int_to_tensor(redis.execute("INCR", keys[0]))
def float_get${EP}:
    redis.execute("SET", keys[0], args[0])
    return torch.tensor(float(str((redis.execute("GET", keys[0])))))
def int_list${EP}:
    return redis_int_list_to_tensor(redis.execute("LRANGE", keys[0], "0", str(len(args))))
def func${EP}:
    redis.execute("SET", keys[0], args[0])
    a = torch.stack(tensors).sum()
    b = redis_string_int_to_tensor(redis.execute("GET", keys[0]))
    return b + a
def model${EP}:
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return redisAI.model_execute(keys[0], [a], 1)
def bad_command${EP}:
    redis.execute("SET", keys[0])
def wrong_type${EP}:
    redis.execute("RPUSH", keys[0], "1")
`;
  const log: string[][] = [];
  const host = fakeHost(log);
  const one = run(src, "int_set_get", { keys: ["x{1}"], args: ["1"], host })[0];
  assert.equal(one?.dtype, "INT64");
  assert.deepEqual(one?.shape, []);
  assert.deepEqual(values(one), [1]);
  assert.deepEqual(log[0], ["SET", "x{1}", "1"]);
  assert.deepEqual(values(run(src, "incr", { keys: ["k"], args: ["1"], host })[0]), [2]);
  const fl = run(src, "float_get", { keys: ["k"], args: ["1.1"], host })[0];
  assert.equal(fl?.dtype, "FLOAT");
  assert.deepEqual(values(fl), [Math.fround(1.1)]);
  const list = run(src, "int_list", { keys: ["k"], args: ["1", "2"], host })[0];
  assert.deepEqual([list?.dtype, list?.shape, values(list)], ["INT64", [2, 1], [1, 2]]);
  const inputs = [f32([], [40]), f32([], [10]), f32([], [1])];
  assert.deepEqual(values(run(src, "func", { inputs, keys: ["k"], args: ["3"], host })[0]), [54]);
  assert.deepEqual(values(run(src, "model", { keys: ["m"], host })[0]), [1, 2, 3, 4, 5, 6]);
  assert.match(runError(src, "model", { keys: ["nope"], host }), /ERR model key is empty/);
  assert.match(
    runError(src, "bad_command", { keys: ["k"], outputs: 0, host }),
    /Redis command returned an error: Invalid argument/,
  );
  assert.match(
    runError(src, "wrong_type", { keys: ["k"], outputs: 0, host }),
    /Redis command returned an error: WRONGTYPE Operation against a key holding the wrong kind of value/,
  );
});

const SMALL: ScriptLimits = {
  stepsMax: 100_000,
  callDepthMax: 50,
  allocBytesMax: 1 << 20,
  callBytesMax: 8 << 20,
  workMax: 1_000_000,
};

Deno.test("runScript() ends runaway scripts with clear errors", () => {
  const src = `def spin${EP}:\n    while True:\n        pass\n` +
    `def big${EP}:\n    return torch.zeros(100000, 100000)\n` +
    `def grow${EP}:\n    l = [0]\n    for i in range(60):\n        l = l + l\n` +
    `def churn${EP}:\n    for i in range(1000):\n        x = torch.zeros(100000)\n` +
    `def deep(n: int) -> int:\n    return deep(n + 1)\n` +
    `def recurse${EP}:\n    deep(0)\n` +
    `def mm${EP}:\n    return torch.ones(200, 200) @ torch.ones(200, 200)\n`;
  assert.match(
    runError(src, "spin", { limits: SMALL, outputs: 0 }),
    /script step limit exceeded: more than 100000/,
  );
  assert.match(
    runError(src, "big", { limits: SMALL }),
    /script memory limit exceeded: cannot allocate 40000000000 bytes/,
  );
  assert.match(runError(src, "big"), /script memory limit exceeded/);
  assert.match(
    runError(src, "grow", { limits: SMALL, outputs: 0 }),
    /script memory limit exceeded/,
  );
  assert.match(
    runError(src, "churn", { limits: SMALL, outputs: 0 }),
    /script memory limit exceeded: .* bytes left for this call/,
  );
  const deep = runError(src, "recurse", { limits: SMALL, outputs: 0 });
  assert.match(deep, /RecursionError: maximum recursion depth exceeded \(50 calls\)/);
  assert.match(
    runError(src, "mm", { limits: SMALL }),
    /script compute limit exceeded: 8000000 more operations/,
  );
  assert.match(deep, /line 14, in deep/);
  assert.match(deep, /\[\.\.\. 42 frames omitted \.\.\.\]/);
});

Deno.test("runScript() reports runtime errors with a TorchScript traceback", () => {
  const src = `def helper(x):\n    return x[5]\n` +
    `def f${EP}:\n    a = tensors[0]\n    return helper(a)\n` +
    `def g${EP}:\n    return tensors[0] + tensors[1]\n` +
    `def h${EP}:\n    l = [1]\n    return torch.tensor(l[3])\n` +
    `def z${EP}:\n    return torch.tensor(1 // 0)\n` +
    `def w${EP}:\n    return torch.cat(tensors[0])\n` +
    `def u${EP}:\n    return helper(3)\n`;
  const inputs = [f32([3], [1, 2, 3]), f32([4], [1, 2, 3, 4])];
  assert.equal(
    runError(src, "f", { inputs }),
    "The following operation failed in the TorchScript interpreter.\n" +
      "Traceback of TorchScript (most recent call last):\n" +
      '  File "<string>", line 5, in f\n    return helper(a)\n           ~~~~~~~~~ <--- HERE\n' +
      '  File "<string>", line 2, in helper\n    return x[5]\n           ~~~~ <--- HERE\n' +
      "RuntimeError: index 5 is out of bounds for dimension 0 with size 3\n",
  );
  assert.match(
    runError(src, "g", { inputs }),
    /RuntimeError: The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 0/,
  );
  assert.match(runError(src, "h"), /RuntimeError: list index out of range/);
  assert.match(runError(src, "z"), /ZeroDivisionError: integer division or modulo by zero/);
  assert.match(
    runError(src, "w", { inputs }),
    /cat\(\) Expected a value of type 'List\[Tensor\]' for argument 'tensors' but instead found type 'Tensor'/,
  );
  assert.match(
    runError(src, "u"),
    /Expected a value of type 'Tensor' for helper\(\) argument 'x' but instead found type 'int'/,
  );
});
