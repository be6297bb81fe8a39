/** Tests for store-time compilation: syntax and static errors, entry-point validation. */
import assert from "node:assert/strict";
import { blankNewlines } from "../../core/errors.ts";
import { checkEntryPoints, compileScript, ScriptCompileError } from "./compile.ts";

function compileError(src: string): string {
  try {
    compileScript(src);
  } catch (e) {
    assert(e instanceof ScriptCompileError);
    return e.message;
  }
  throw new Error(`compiled: ${src}`);
}

Deno.test("compileScript() reports `return 1` exactly as libtorch (redisai-py's test)", () => {
  assert.equal(
    blankNewlines(compileError("return 1")),
    `expected def but found 'return' here:   File "<string>", line 1 return 1 ~~~~~~ <--- HERE `,
  );
});

Deno.test("compileScript() points at the line and column of an error", () => {
  const message = compileError("def f(a):\n    b = a\n    return b + c\n");
  assert.equal(
    message,
    'undefined value c here:\n  File "<string>", line 3\ndef f(a):\n    b = a\n    return b + c\n' +
      "               ~ <--- HERE\n",
  );
});

Deno.test("compileScript() rejects obvious name and type errors at store time", () => {
  for (
    const [src, first] of [
      ["def f(a):\n    return torch.nonexistent(a)\n", "Unknown builtin op: aten::nonexistent."],
      ["def f(a):\n    return redis.run('GET')\n", "Unknown builtin op: redis::run."],
      [
        "def f(a):\n    return a.frobnicate()\n",
        "'Tensor' object has no attribute or method 'frobnicate'.",
      ],
      [
        "def f(a: List[Tensor]):\n    x = a[0]\n    return x.bogus\n",
        "'Tensor' object has no attribute or method 'bogus'.",
      ],
      ["def f(a):\n    return a + 'x'\n", "unsupported operand type(s) for +: 'Tensor' and 'str'"],
      ["def f(a: Frob):\n    return a\n", "Unknown type name 'Frob'"],
      [
        "def f(a):\n    return g(a, a)\ndef g(x):\n    return x\n",
        "g() expected at most 1 argument(s) but received 2 argument(s)",
      ],
      [
        "def f(a):\n    return g(y=a)\ndef g(x):\n    return x\n",
        "g() got an unexpected keyword argument 'y'",
      ],
      ["def f(a):\n    return torch.cat()\n", "cat() missing value for argument 'tensors'"],
      [
        "def f(a):\n    return len(a, a)\n",
        "len() expected at most 1 argument(s) but received 2 argument(s)",
      ],
      ["def f(a):\n    break\n", "'break' outside loop"],
      [
        "def f(a):\n    return a\ndef f(b):\n    return b\n",
        "function 'f' is defined more than once",
      ],
      ["def f(a, a):\n    return a\n", "duplicate argument 'a'"],
    ] as const
  ) {
    const message = compileError(src);
    assert(message.startsWith(`${first} here:\n  File "<string>", line `), `${src}\n=> ${message}`);
  }
});

Deno.test("compileScript() accepts the scripts RedisAI and SmartRedis users send", () => {
  const src = `
def redis_string_int_to_tensor(redis_value: Any):
    return torch.tensor(int(str(redis_value)))

def redis_int_list_to_tensor(redis_value: Any):
    values = redis.asList(redis_value)
    l  = [torch.tensor(int(str(v))).reshape(1,1) for v in values]
    return torch.cat(l, dim=0)

def test_hash(tensors: List[Tensor], keys: List[str], args: List[str]):
    key = keys[0]
    command_args = [key]
    for s in args:
        command_args.append(s)
    redis.execute("HSET", command_args)
    res = redis.execute("HVALS", key)
    redis.execute("DEL", key)
    return redis_int_list_to_tensor(res)

def pre_process_4ch(tensors: List[Tensor], keys: List[str], args: List[str]):
    image = tensors[0]
    return image.float().div(255)[:,:,:-1].contiguous().unsqueeze(0)
`;
  const script = compileScript(src);
  assert.deepEqual([...script.functions.keys()], [
    "redis_string_int_to_tensor",
    "redis_int_list_to_tensor",
    "test_hash",
    "pre_process_4ch",
  ]);
});

Deno.test("checkEntryPoints() uses RedisAI's texts", () => {
  const script = compileScript(`
def bar(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0]
def two(a, b):
    return a + b
def badtypes(tensors: List[Tensor], keys: List[str], args: List[Tensor]):
    return tensors[0]
`);
  checkEntryPoints(script, ["bar"]);
  for (
    const [names, message] of [
      [["bar", "bar1"], "Function bar1 does not exist in the given script."],
      [["two"], "Wrong number of inputs in function two. Expected 3 but was 2"],
      [
        ["badtypes"],
        "Wrong inputs type in function badtypes. Expected signature similar to: def badtypes(tensors: List[Tensor], keys: List[str], args: List[str])",
      ],
    ] as const
  ) {
    assert.throws(() => checkEntryPoints(script, names), (e: unknown) => {
      assert(e instanceof ScriptCompileError);
      assert.equal(e.message, message);
      return true;
    });
  }
});

Deno.test("compileScript() survives garbage without crashing", () => {
  const garbage = [
    "",
    "\x00\x01\x02",
    "def",
    "def f(:",
    "def f(x):\n\treturn x\n        return x\n",
    "def f(x):\n    return ((((\n",
    "\u{1F600}",
    "def f(x):\n    return '''\n",
    "def f(x):\n  if x:\n  return x\n",
  ];
  let seed = 12345;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const alphabet = "def f(x):\n    return [](){}:.,+-*/=<>'\"#\\ \t0123456789abcxyz";
    garbage.push(
      Array.from(
        { length: 1 + (seed % 60) },
        (_, k) => alphabet[(seed >> (k % 16)) % alphabet.length],
      ).join(""),
    );
  }
  for (const src of garbage) {
    try {
      compileScript(src);
    } catch (e) {
      assert(e instanceof ScriptCompileError, `${JSON.stringify(src)} threw ${e}`);
    }
  }
});
