/**
 * Scripts through the real server: the AI.SCRIPT* commands with RedisAI's texts and reply
 * shapes (RawClient), the scripts RedisAI and SmartRedis users send (redis-cli and the npm
 * `redis` client), the Redis API inside scripts, TIMEOUT, MULTI, DAG ops, and scripts that
 * misbehave (the server keeps answering).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { redisCli, startTestServer, TestServer } from "./helpers/server.ts";
import { withTempDir } from "./helpers/persist_fixtures.ts";
import { calls, startIn } from "./helpers/persist_server.ts";

const EP = "(tensors: List[Tensor], keys: List[str], args: List[str])";

/** RedisAI's tests/flow/test_data/script.txt. */
const SCRIPT_TXT = `def bar${EP}:
    a = tensors[0]
    b = tensors[1]
    return a + b

def bar_variadic${EP}:
    a = tensors[0]
    l = tensors[1:]
    return a + l[0]

def long_func${EP}:
    sum=0
    for i in range(10000000):
        sum+=1
`;

/** RedisAI's old_script.txt (positional parameters). */
const OLD_SCRIPT = `def bar(a, b):
    return a + b

def bar_variadic(a, args : List[Tensor]):
    return args[0] + args[1]
`;

async function withServer(
  fn: (server: TestServer, c: RawClient) => Promise<void>,
  config: Parameters<typeof startTestServer>[0] = {},
): Promise<void> {
  const server = await startTestServer(config);
  const c = await RawClient.connect(server.port);
  try {
    await fn(server, c);
  } finally {
    c.close();
    await server.close();
  }
}

const values = (reply: Wire) => (reply as Wire[])[5];

Deno.test("AI.SCRIPTSTORE / SCRIPTGET / SCRIPTDEL / _SCRIPTSCAN answer as RedisAI", async () => {
  await withServer(async (_server, c) => {
    const source =
      `def bar${EP}:\n    """Docstring kept ✓."""\n    # comment\n    return tensors[0]\n`;
    assert.deepEqual(
      await c.call(
        "AI.SCRIPTSTORE",
        "s{1}",
        "cpu",
        "TAG",
        "v1",
        "ENTRY_POINTS",
        1,
        "bar",
        "SOURCE",
        source,
      ),
      { status: "OK" },
    );
    assert.deepEqual(await c.call("AI.SCRIPTGET", "s{1}", "META"), [
      "device",
      "cpu",
      "tag",
      "v1",
      "Entry Points",
      ["bar"],
    ]);
    assert.equal(await c.call("AI.SCRIPTGET", "s{1}", "SOURCE"), source);
    const both = await c.call("AI.SCRIPTGET", "s{1}");
    assert.deepEqual(both, [
      "device",
      "cpu",
      "tag",
      "v1",
      "Entry Points",
      ["bar"],
      "source",
      source,
    ]);
    assert.deepEqual(await c.call("AI.SCRIPTGET", "s{1}", "META", "SOURCE", "x"), {
      error: "ERR wrong number of arguments for 'AI.SCRIPTGET' command",
    });
    assert.deepEqual(await c.call("TYPE", "s{1}"), { status: "AI_SCRIPT" });
    assert.deepEqual(await c.call("AI.SCRIPTSET", "old{1}", "CPU", "SOURCE", OLD_SCRIPT), {
      status: "OK",
    });
    assert.deepEqual(await c.call("AI.SCRIPTGET", "old{1}", "META"), [
      "device",
      "CPU",
      "tag",
      "",
      "Entry Points",
      [],
    ]);
    assert.deepEqual(await c.call("AI._SCRIPTSCAN"), [["s{1}", "v1"], ["old{1}", ""]]);
    assert.deepEqual(await c.call("AI.SCRIPTDEL", "old{1}"), { status: "OK" });
    assert.deepEqual(await c.call("AI.SCRIPTDEL", "old{1}"), { error: "ERR script key is empty" });
    assert.deepEqual(await c.call("AI.SCRIPTGET", "nope"), { error: "ERR script key is empty" });
    await c.call("SET", "str", "x");
    const wrongType = {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    };
    assert.deepEqual(await c.call("AI.SCRIPTGET", "str"), wrongType);
    assert.deepEqual(await c.call("AI.SCRIPTDEL", "str"), wrongType);
    assert.deepEqual(
      await c.call("AI.SCRIPTSTORE", "str", "CPU", "ENTRY_POINTS", 1, "bar", "SOURCE", source),
      wrongType,
    );
  });
});

Deno.test("AI.SCRIPTSTORE / SCRIPTSET refuse bad arguments and scripts with RedisAI's texts", async () => {
  await withServer(async (_server, c) => {
    const store = (...rest: (string | number)[]) =>
      c.call("AI.SCRIPTSTORE", "k{1}", "CPU", ...rest);
    const cases: [() => Promise<Wire>, string][] = [
      [
        () => c.call("AI.SCRIPTSTORE", "k{1}", "CPU", "SOURCE", "return 1"),
        "ERR wrong number of arguments for 'AI.SCRIPTSTORE' command",
      ],
      [
        () => store("NO_ENTRY_POINTS", 1, "bar", "SOURCE", SCRIPT_TXT),
        "ERR Insufficient arguments, missing script entry points",
      ],
      [
        () => store("ENTRY_POINTS", "x", "bar", "SOURCE", SCRIPT_TXT),
        "ERR Non numeric entry points number provided to AI.SCRIPTSTORE command",
      ],
      [
        () => store("ENTRY_POINTS", 5, "bar", "bar_variadic", "SOURCE", SCRIPT_TXT),
        "ERR Insufficient arguments, missing script entry points",
      ],
      [
        () => store("ENTRY_POINTS", 1, "bar", "SRC", SCRIPT_TXT),
        "ERR Insufficient arguments, missing script SOURCE",
      ],
      [
        () => store("ENTRY_POINTS", 2, "bar", "bar1", "SOURCE", SCRIPT_TXT),
        "Function bar1 does not exist in the given script.",
      ],
      [
        () => store("ENTRY_POINTS", 1, "bar", "SOURCE", OLD_SCRIPT),
        "Wrong number of inputs in function bar. Expected 3 but was 2",
      ],
      [
        () =>
          store(
            "ENTRY_POINTS",
            1,
            "bar",
            "SOURCE",
            `def bar(tensors: List[Tensor], keys: List[str], args: List[Tensor]):\n    return tensors[0]\n`,
          ),
        "Wrong inputs type in function bar. Expected signature similar to: def bar(tensors: List[Tensor], keys: List[str], args: List[str])",
      ],
      [
        () => store("ENTRY_POINTS", 1, "bar", "SOURCE", "return 1"),
        `expected def but found 'return' here:   File "<string>", line 1 return 1 ~~~~~~ <--- HERE `,
      ],
      [
        () => c.call("AI.SCRIPTSET", "k{1}", "CPU", "SOURCE"),
        "ERR wrong number of arguments for 'AI.SCRIPTSET' command",
      ],
      [
        () => c.call("AI.SCRIPTSET", "k{1}", "CPU", "TAG", "t", "SOURCE"),
        "ERR wrong number of arguments for 'AI.SCRIPTSET' command",
      ],
      [
        () => c.call("AI.SCRIPTSET", "k{1}", "CPU", "SRC", "x"),
        "ERR Insufficient arguments, missing script SOURCE",
      ],
      [
        () => c.call("AI.SCRIPTSET", "k{1}", "TPU", "SOURCE", OLD_SCRIPT),
        "ERR Error configuring script: unsupported device",
      ],
    ];
    for (const [reply, error] of cases) assert.deepEqual(await reply(), { error });
    const garbage = await c.call(
      "AI.SCRIPTSET",
      "k{1}",
      "CPU",
      "SOURCE",
      "def f(x):\n    return x +* 2\n",
    );
    assert.match(
      (garbage as { error: string }).error,
      /^expected an expression but found '\*' here: {3}File "<string>", line 2/,
    );
    assert.deepEqual(await c.call("EXISTS", "k{1}"), 0);
  });
});

Deno.test("AI.SCRIPTEXECUTE / SCRIPTRUN parse errors match RedisAI", async () => {
  await withServer(async (_server, c) => {
    await c.call(
      "AI.SCRIPTSTORE",
      "s",
      "CPU",
      "ENTRY_POINTS",
      2,
      "bar",
      "bar_variadic",
      "SOURCE",
      SCRIPT_TXT,
    );
    await c.call("AI.TENSORSET", "a", "FLOAT", 1, "VALUES", 1);
    const ex = (...rest: (string | number)[]) => c.call("AI.SCRIPTEXECUTE", "s", "bar", ...rest);
    const cases: [() => Promise<Wire>, string][] = [
      [
        () => c.call("AI.SCRIPTEXECUTE", "s"),
        "ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command",
      ],
      [
        () => c.call("AI.SCRIPTEXECUTE", "nope", "bar", "INPUTS", 1, "a"),
        "ERR script key is empty",
      ],
      [
        () => c.call("AI.SCRIPTEXECUTE", "s", "bar"),
        "ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command",
      ],
      [
        () => ex("OUTPUTS", 1, "x"),
        "ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command",
      ],
      [() => ex("KEYS", 1), "ERR Missing arguments after KEYS keyword"],
      [() => ex("KEYS", 0, "x"), "ERR Invalid or negative value found in number of KEYS"],
      [
        () => ex("KEYS", 3, "x", "y"),
        "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments",
      ],
      [() => ex("INPUTS", "OUTPUTS"), "ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE"],
      [() => ex("KEYS", 1, "{1}", "ARGS"), "ERR Invalid arguments provided to AI.SCRIPTEXECUTE"],
      [
        () => ex("KEYS", 1, "{1}", "ARGS", "x"),
        "ERR Invalid argument for keys count in AI.SCRIPTEXECUTE",
      ],
      [
        () => ex("INPUTS", 1, "a", "OUTPUTS", "x"),
        "ERR Invalid argument for outputs count in AI.SCRIPTEXECUTE",
      ],
      [
        () => ex("INPUTS", 3, "a", "b"),
        "ERR number of inputs to AI.SCRIPTEXECUTE command does not match the number of given arguments",
      ],
      [
        () => ex("INPUTS", 1, "a", "OUTPUTS", 2, "x"),
        "ERR number of outputs to AI.SCRIPTEXECUTE command does not match the number of given arguments",
      ],
      [
        () => ex("INPUTS", 1, "a", "INPUTS", 1, "a"),
        "ERR Already Encountered INPUTS scope in AI.SCRIPTEXECUTE command",
      ],
      [
        () => ex("INPUTS", 1, "a", "TIMEOUT"),
        "ERR No value provided for TIMEOUT in AI.SCRIPTEXECUTE",
      ],
      [() => ex("INPUTS", 1, "a", "TIMEOUT", 0), "ERR Invalid value for TIMEOUT"],
      [
        () => ex("INPUTS", 1, "a", "TIMEOUT", 5, "x"),
        "ERR Encountered problem parsing AI.SCRIPTEXECUTE",
      ],
      [
        () => ex("INPUTS", 1, "a", "BOGUS"),
        "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: BOGUS",
      ],
      [
        () => ex("INPUTS", 1, "missing", "OUTPUTS", 1, "x"),
        "ERR tensor key is empty or in a different shard",
      ],
      [
        () => c.call("AI.SCRIPTEXECUTE", "s", "INPUTS", "INPUTS", 1, "a"),
        "ERR function name not specified",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s"),
        "ERR wrong number of arguments for 'AI.SCRIPTRUN' command",
      ],
      [() => c.call("AI.SCRIPTRUN", "s", "bar", "x"), "ERR Unrecongnized parameter to SCRIPTRUN"],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "TIMEOUT", 1, "TIMEOUT", 1),
        "ERR Already encountered an TIMEOUT section in SCRIPTRUN",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "INPUTS", "a", "INPUTS"),
        "ERR Already encountered an INPUTS keyword in SCRIPTRUN",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "INPUTS", "a", "OUTPUTS", "x", "INPUTS"),
        "ERR Already encountered an INPUTS section in SCRIPTRUN",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "INPUTS", "a", "OUTPUTS", "x", "OUTPUTS"),
        "ERR Already encountered an OUTPUTS keyword in SCRIPTRUN",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "$"),
        "ERR Encountered a variable size list of tensors outside of input section",
      ],
      [
        () => c.call("AI.SCRIPTRUN", "s", "bar", "INPUTS", "$", "a", "$"),
        "ERR Already encountered a variable size list of tensors",
      ],
    ];
    for (const [reply, error] of cases) assert.deepEqual(await reply(), { error });
  });
});

Deno.test("scripts run with entry points, positionally, variadically and in DAGs", async () => {
  await withServer(async (server, c) => {
    const cli = (...args: (string | number)[]) => redisCli(server.port, args.map(String));
    assert.equal(
      await cli(
        "AI.SCRIPTSTORE",
        "s{1}",
        "CPU",
        "ENTRY_POINTS",
        2,
        "bar",
        "bar_variadic",
        "SOURCE",
        SCRIPT_TXT,
      ),
      "OK\n",
    );
    assert.equal(await cli("AI.SCRIPTSET", "old{1}", "CPU", "SOURCE", OLD_SCRIPT), "OK\n");
    for (const k of ["a{1}", "b{1}"]) {
      await cli("AI.TENSORSET", k, "FLOAT", 2, 2, "VALUES", 2, 3, 2, 3);
    }
    await cli("AI.SCRIPTEXECUTE", "s{1}", "bar", "INPUTS", 2, "a{1}", "b{1}", "OUTPUTS", 1, "c{1}");
    assert.equal(await cli("AI.TENSORGET", "c{1}", "VALUES"), "4\n6\n4\n6\n");
    await cli(
      "AI.SCRIPTEXECUTE",
      "s{1}",
      "bar_variadic",
      "INPUTS",
      3,
      "a{1}",
      "b{1}",
      "b{1}",
      "OUTPUTS",
      1,
      "c{1}",
    );
    assert.equal(await cli("AI.TENSORGET", "c{1}", "VALUES"), "4\n6\n4\n6\n");
    assert.equal(
      await cli("AI.SCRIPTRUN", "old{1}", "bar", "INPUTS", "a{1}", "b{1}", "OUTPUTS", "d{1}"),
      "OK\n",
    );
    assert.equal(await cli("AI.TENSORGET", "d{1}", "VALUES"), "4\n6\n4\n6\n");
    await cli(
      "AI.SCRIPTRUN",
      "old{1}",
      "bar_variadic",
      "INPUTS",
      "a{1}",
      "$",
      "b{1}",
      "b{1}",
      "OUTPUTS",
      "e{1}",
    );
    assert.equal(await cli("AI.TENSORGET", "e{1}", "VALUES"), "4\n6\n4\n6\n");
    assert.deepEqual(
      await c.call("AI.SCRIPTRUN", "old{1}", "bar", "INPUTS", "a{1}", "OUTPUTS", "x{1}"),
      {
        error: "Wrong number of inputs provided to function: bar",
      },
    );
    assert.deepEqual(await c.call("AI.SCRIPTEXECUTE", "s{1}", "nope", "INPUTS", 1, "a{1}"), {
      error: "Function does not exist: nope",
    });
    assert.deepEqual(
      await c.call(
        "AI.SCRIPTEXECUTE",
        "s{1}",
        "bar",
        "INPUTS",
        2,
        "a{1}",
        "b{1}",
        "OUTPUTS",
        2,
        "x{1}",
        "y{1}",
      ),
      {
        error: "Function returned unexpected number of outputs - bar",
      },
    );
    const dag = await c.call(
      "AI.DAGEXECUTE",
      "LOAD",
      2,
      "a{1}",
      "b{1}",
      "PERSIST",
      1,
      "sum{1}",
      "|>",
      "AI.SCRIPTEXECUTE",
      "s{1}",
      "bar",
      "INPUTS",
      2,
      "a{1}",
      "b{1}",
      "OUTPUTS",
      1,
      "sum{1}",
      "|>",
      "AI.TENSORGET",
      "sum{1}",
      "VALUES",
    );
    assert.deepEqual(dag, [{ status: "OK" }, ["4", "6", "4", "6"]]);
    assert.deepEqual(values(await c.call("AI.TENSORGET", "sum{1}", "META", "VALUES")), [
      "4",
      "6",
      "4",
      "6",
    ]);
    await c.call("SET", "str{1}", "x");
    assert.deepEqual(
      await c.call(
        "AI.SCRIPTEXECUTE",
        "s{1}",
        "bar",
        "INPUTS",
        2,
        "a{1}",
        "b{1}",
        "OUTPUTS",
        1,
        "str{1}",
      ),
      {
        error: "WRONGTYPE Operation against a key holding the wrong kind of value",
      },
    );
  });
});

const PROCESSING = `def pre_process_3ch(image):
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
def one_to_one(data):
    """Sample torchscript script that returns the
    highest element in an array."""
    # return the highest element
    return data.max(1)[0]
def two_to_one(data, data_2):
    merged = torch.cat((data, data_2))
    return merged.max(1)[0]
`;

Deno.test("SmartRedis's processing scripts run from the npm redis client (RESP2 and RESP3)", async () => {
  const server = await startTestServer();
  try {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ socket: { port: server.port, host: "127.0.0.1" }, RESP });
      await client.connect();
      try {
        assert.equal(
          await client.sendCommand(["AI.SCRIPTSET", "proc", "CPU", "SOURCE", PROCESSING]),
          "OK",
        );
        const image = new Uint8Array(784).map((_, i) => i % 256);
        await client.sendCommand([
          "AI.TENSORSET",
          "img",
          "UINT8",
          "28",
          "28",
          "BLOB",
          Buffer.from(image),
        ]);
        await client.sendCommand([
          "AI.SCRIPTRUN",
          "proc",
          "pre_process_3ch",
          "INPUTS",
          "img",
          "OUTPUTS",
          "pre",
        ]);
        const meta = await client.sendCommand(["AI.TENSORGET", "pre", "META"]);
        assert.deepEqual(meta, ["dtype", "FLOAT", "shape", [1, 1, 28, 28]]);
        const blob = await client.sendCommand(["AI.TENSORGET", "pre", "BLOB"], {
          typeMapping: { 36: Buffer },
        });
        const pre = new Float32Array(new Uint8Array(blob as unknown as Buffer).slice().buffer);
        const f = Math.fround;
        const expected = (v: number) => f(f(f(v / 28) - f(0.1307)) / f(0.3081));
        assert.equal(pre[3 * 28 + 5], expected((5 * 28 + 3) % 256));
        await client.sendCommand([
          "AI.TENSORSET",
          "out",
          "FLOAT",
          "2",
          "3",
          "VALUES",
          "0.1",
          "0.7",
          "0.2",
          "0.9",
          "0.05",
          "0.05",
        ]);
        await client.sendCommand([
          "AI.SCRIPTRUN",
          "proc",
          "post_process",
          "INPUTS",
          "out",
          "OUTPUTS",
          "cls",
        ]);
        assert.deepEqual(await client.sendCommand(["AI.TENSORGET", "cls", "VALUES"]), [1, 0]);
        await client.sendCommand([
          "AI.TENSORSET",
          "d",
          "INT64",
          "1",
          "5",
          "VALUES",
          "1",
          "2",
          "3",
          "4",
          "5",
        ]);
        await client.sendCommand([
          "AI.SCRIPTRUN",
          "proc",
          "one_to_one",
          "INPUTS",
          "d",
          "OUTPUTS",
          "m",
        ]);
        assert.deepEqual(await client.sendCommand(["AI.TENSORGET", "m", "VALUES"]), [5]);
        await client.sendCommand([
          "AI.TENSORSET",
          "d1",
          "INT64",
          "1",
          "4",
          "VALUES",
          "1",
          "2",
          "3",
          "4",
        ]);
        await client.sendCommand([
          "AI.TENSORSET",
          "d2",
          "INT64",
          "1",
          "4",
          "VALUES",
          "5",
          "6",
          "7",
          "8",
        ]);
        await client.sendCommand([
          "AI.SCRIPTRUN",
          "proc",
          "two_to_one",
          "INPUTS",
          "d1",
          "d2",
          "OUTPUTS",
          "m2",
        ]);
        assert.deepEqual(await client.sendCommand(["AI.TENSORGET", "m2", "VALUES"]), [4, 8]);
        assert.equal(await client.sendCommand(["AI.SCRIPTGET", "proc", "SOURCE"]), PROCESSING);
      } finally {
        await client.close();
      }
    }
  } finally {
    await server.close();
  }
});

/** The Redis API parts of RedisAI's redis_scripts.py, as entry points. */
const REDIS_SCRIPTS = `
def redis_string_int_to_tensor(redis_value: Any):
    return torch.tensor(int(str(redis_value)))
def redis_string_float_to_tensor(redis_value: Any):
    return torch.tensor(float(str((redis_value))))
def redis_int_list_to_tensor(redis_value: Any):
    values = redis.asList(redis_value)
    l  = [torch.tensor(int(str(v))).reshape(1,1) for v in values]
    return torch.cat(l, dim=0)
def test_int_set_get${EP}:
    key = keys[0]
    value = args[0]
    redis.execute("SET", key, value)
    res = redis.execute("GET", key)
    redis.execute("DEL", key)
    return redis_string_int_to_tensor(res)
def test_int_set_incr${EP}:
    key = keys[0]
    redis.execute("SET", key, args[0])
    res = redis.execute("INCR", key)
    redis.execute("DEL", key)
    return redis_string_int_to_tensor(res)
def test_float_set_get${EP}:
    redis.execute("SET", keys[0], args[0])
    res = redis.execute("GET", keys[0])
    redis.execute("DEL", keys[0])
    return redis_string_float_to_tensor(res)
def test_int_list${EP}:
    key = keys[0]
    for value in args:
        redis.execute("RPUSH", key, value)
    res = redis.execute("LRANGE", key, "0", str(len(args)))
    redis.execute("DEL", key)
    return redis_int_list_to_tensor(res)
def test_str_list${EP}:
    for value in args:
        redis.execute("RPUSH", keys[0], value)
def test_hash${EP}:
    key = keys[0]
    command_args = [key]
    for s in args:
        command_args.append(s)
    redis.execute("HSET", command_args)
    res = redis.execute("HVALS", key)
    redis.execute("DEL", key)
    return redis_int_list_to_tensor(res)
def test_set_key${EP}:
    redis.execute("SET", [keys[0], args[0]])
def func${EP}:
    redis.execute("SET", keys[0], args[0])
    a = torch.stack(tensors).sum()
    b = redis_string_int_to_tensor(redis.execute("GET", keys[0]))
    redis.execute("DEL", keys[0])
    return b + a
def test_redis_command_error${EP}:
    redis.execute("SET", keys[0])
def test_redis_error_message${EP}:
    redis.execute("RPUSH", keys[0], "1")
def test_blocked${EP}:
    redis.execute("AI.SCRIPTEXECUTE", "s", "f", "KEYS", "1", keys[0])
`;

const REDIS_ENTRY_POINTS = [
  "test_int_set_get",
  "test_int_set_incr",
  "test_float_set_get",
  "test_int_list",
  "test_str_list",
  "test_hash",
  "test_set_key",
  "func",
  "test_redis_command_error",
  "test_redis_error_message",
  "test_blocked",
];

Deno.test("scripts reach the keyspace through redis.execute with RedisAI's error wrapping", async () => {
  await withServer(async (_server, c) => {
    const ok = await c.call(
      "AI.SCRIPTSTORE",
      "redis_scripts{1}",
      "CPU",
      "ENTRY_POINTS",
      REDIS_ENTRY_POINTS.length,
      ...REDIS_ENTRY_POINTS,
      "SOURCE",
      REDIS_SCRIPTS,
    );
    assert.deepEqual(ok, { status: "OK" });
    const ex = (fn: string, ...rest: (string | number)[]) =>
      c.call("AI.SCRIPTEXECUTE", "redis_scripts{1}", fn, ...rest);
    const get = (key: string) => c.call("AI.TENSORGET", key, "META", "VALUES");
    await ex("test_set_key", "KEYS", 1, "x{1}", "ARGS", 1, 1);
    assert.equal(await c.call("GET", "x{1}"), "1");
    await ex("test_int_set_get", "KEYS", 1, "x{1}", "ARGS", 1, 1, "OUTPUTS", 1, "y{1}");
    assert.deepEqual(await get("y{1}"), ["dtype", "INT64", "shape", [], "values", [1]]);
    assert.equal(await c.call("EXISTS", "x{1}"), 0);
    await ex("test_int_set_incr", "KEYS", 1, "x{1}", "ARGS", 1, 1, "OUTPUTS", 1, "y{1}");
    assert.deepEqual(await get("y{1}"), ["dtype", "INT64", "shape", [], "values", [2]]);
    await ex("test_float_set_get", "KEYS", 1, "x{1}", "ARGS", 1, "1.1", "OUTPUTS", 1, "y{1}");
    const fl = await get("y{1}") as Wire[];
    assert.deepEqual(fl.slice(0, 4), ["dtype", "FLOAT", "shape", []]);
    assert(Math.abs(Number((fl[5] as string[])[0]) - 1.1) < 1e-6);
    await ex("test_int_list", "KEYS", 1, "int_list{1}", "ARGS", 2, 1, 2, "OUTPUTS", 1, "y{1}");
    assert.deepEqual(await get("y{1}"), ["dtype", "INT64", "shape", [2, 1], "values", [1, 2]]);
    await ex("test_str_list", "KEYS", 1, "str_list{1}", "ARGS", 2, "1", "2");
    assert.deepEqual(await c.call("LRANGE", "str_list{1}", "0", "2"), ["1", "2"]);
    await ex(
      "test_hash",
      "KEYS",
      1,
      "hash{1}",
      "ARGS",
      4,
      "field1",
      1,
      "field2",
      2,
      "OUTPUTS",
      1,
      "y{1}",
    );
    assert.deepEqual(await get("y{1}"), ["dtype", "INT64", "shape", [2, 1], "values", [1, 2]]);
    for (const [k, v] of [["t1{1}", 40], ["t2{1}", 10], ["t3{1}", 1]] as const) {
      await c.call("AI.TENSORSET", k, "FLOAT", "VALUES", v);
    }
    await ex(
      "func",
      "KEYS",
      1,
      "k{1}",
      "INPUTS",
      3,
      "t1{1}",
      "t2{1}",
      "t3{1}",
      "ARGS",
      1,
      "3",
      "OUTPUTS",
      1,
      "y{1}",
    );
    assert.deepEqual(values(await get("y{1}")), ["54"]);
    const commandError = await ex("test_redis_command_error", "KEYS", 1, "x{1}") as {
      error: string;
    };
    assert.match(commandError.error, /Redis command returned an error: Invalid argument/);
    await c.call("HSET", "hash{1}", "f", "v");
    const typeError = await ex("test_redis_error_message", "KEYS", 1, "hash{1}") as {
      error: string;
    };
    assert.match(
      typeError.error,
      /Redis command returned an error: WRONGTYPE Operation against a key holding the wrong kind of value/,
    );
    const blocked = await ex("test_blocked", "KEYS", 1, "x{1}") as { error: string };
    assert.match(blocked.error, /This Redis command is not allowed from script/);
    assert.deepEqual(await c.call("PING"), { status: "PONG" });
  });
});

Deno.test("TIMEOUT answers TIMEDOUT for a run still queued; the main thread stays free", async () => {
  await withServer(async (server, c) => {
    await c.call(
      "AI.SCRIPTSTORE",
      "s",
      "CPU",
      "ENTRY_POINTS",
      2,
      "bar",
      "long_func",
      "SOURCE",
      SCRIPT_TXT,
    );
    await c.call("AI.TENSORSET", "a", "FLOAT", 1, "VALUES", 1);
    // Warm the worker up so the long run starts at once.
    await c.call("AI.SCRIPTEXECUTE", "s", "bar", "INPUTS", 2, "a", "a", "OUTPUTS", 1, "w");
    const other = await RawClient.connect(server.port);
    const third = await RawClient.connect(server.port);
    try {
      const long = c.call("AI.SCRIPTEXECUTE", "s", "long_func", "INPUTS", 0);
      const startMs = performance.now();
      assert.deepEqual(await third.call("PING"), { status: "PONG" });
      const pingMs = performance.now() - startMs;
      const timedOut = other.call(
        "AI.SCRIPTEXECUTE",
        "s",
        "bar",
        "INPUTS",
        2,
        "a",
        "a",
        "OUTPUTS",
        1,
        "t",
        "TIMEOUT",
        1,
      );
      assert.deepEqual(await timedOut, { status: "TIMEDOUT" });
      assert.deepEqual(await long, { status: "OK" });
      assert(pingMs < 200, `PING took ${pingMs} ms during a long script`);
      assert.equal(await other.call("EXISTS", "t"), 0);
    } finally {
      other.close();
      third.close();
    }
  });
});

Deno.test("runaway scripts end with clear errors and the server stays healthy", async () => {
  await withServer(async (_server, c) => {
    const source = `def spin${EP}:\n    while True:\n        pass\n` +
      `def huge${EP}:\n    return torch.zeros(100000, 100000)\n` +
      `def deep(n: int) -> int:\n    return deep(n + 1)\n` +
      `def recurse${EP}:\n    return torch.tensor(deep(0))\n` +
      `def oob${EP}:\n    return tensors[0][:, 7]\n` +
      `def few${EP}:\n    return tensors[0] + tensors[3]\n`;
    const names = ["spin", "huge", "recurse", "oob", "few"];
    await c.call(
      "AI.SCRIPTSTORE",
      "bad",
      "CPU",
      "ENTRY_POINTS",
      names.length,
      ...names,
      "SOURCE",
      source,
    );
    await c.call("AI.TENSORSET", "m", "FLOAT", 2, 3);
    const run = async (fn: string, outputs = 1) => {
      const reply = await c.call(
        "AI.SCRIPTEXECUTE",
        "bad",
        fn,
        "INPUTS",
        1,
        "m",
        "OUTPUTS",
        outputs,
        ...(outputs ? ["o"] : []),
      );
      return (reply as { error: string }).error;
    };
    assert.match(await run("spin", 0), /script step limit exceeded: more than 100000 statements/);
    assert.match(
      await run("huge"),
      /script memory limit exceeded: cannot allocate 40000000000 bytes/,
    );
    assert.match(await run("recurse"), /RecursionError: maximum recursion depth exceeded/);
    assert.match(await run("oob"), /index 7 is out of bounds for dimension 1 with size 3/);
    assert.match(await run("few"), /list index out of range/);
    assert.deepEqual(await c.call("PING"), { status: "PONG" });
    assert.deepEqual(await c.call("MULTI"), { status: "OK" });
    assert.deepEqual(await c.call("AI.SCRIPTEXECUTE", "bad", "oob", "INPUTS", 1, "m"), {
      status: "QUEUED",
    });
    assert.deepEqual(await c.call("EXEC"), [
      { error: "ERR Cannot run RedisAI command within a transaction or a LUA script" },
    ]);
  }, { "script-max-steps": 100_000 });
});

Deno.test("AI.INFO reports script runs (samples -1) and RESETSTAT clears them", async () => {
  await withServer(async (_server, c) => {
    await c.call(
      "AI.SCRIPTSTORE",
      "s",
      "CPU",
      "TAG",
      "t1",
      "ENTRY_POINTS",
      1,
      "bar",
      "SOURCE",
      SCRIPT_TXT,
    );
    await c.call("AI.TENSORSET", "a", "FLOAT", 1, "VALUES", 1);
    for (let i = 0; i < 2; i++) {
      await c.call("AI.SCRIPTEXECUTE", "s", "bar", "INPUTS", 2, "a", "a", "OUTPUTS", 1, "o");
    }
    await c.call("AI.SCRIPTEXECUTE", "s", "bar", "INPUTS", 1, "a", "OUTPUTS", 1, "o");
    const info = await c.call("AI.INFO", "s") as Wire[];
    assert.deepEqual(info.slice(0, 10), [
      "key",
      "s",
      "type",
      "SCRIPT",
      "backend",
      "TORCH",
      "device",
      "CPU",
      "tag",
      "t1",
    ]);
    assert.deepEqual([info[12], info[13], info[14], info[15], info[16], info[17]], [
      "samples",
      -1,
      "calls",
      3,
      "errors",
      1,
    ]);
    assert(typeof info[11] === "number" && info[11] > 0);
    assert.deepEqual(await c.call("AI.INFO", "s", "RESETSTAT"), { status: "OK" });
    const reset = await c.call("AI.INFO", "s") as Wire[];
    assert.deepEqual(reset.slice(10), ["duration", 0, "samples", -1, "calls", 0, "errors", 0]);
  });
});

const testdata = new URL("../../shared/testdata/redisai/", import.meta.url);

Deno.test("scripts run ONNX models through redisAI.model_execute", async () => {
  await withServer(async (_server, c) => {
    const mul = await Deno.readFile(new URL("mul_1.onnx", testdata));
    assert.deepEqual(await c.call("AI.MODELSTORE", "m{1}", "ONNX", "CPU", "BLOB", mul), {
      status: "OK",
    });
    const source = `def run${EP}:
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return redisAI.model_execute(keys[0], [a], 1)
def run_bad_input${EP}:
    a = torch.tensor([1.0, 2.0, 3.0])
    return redisAI.model_execute(keys[0], [a], 1)
`;
    await c.call(
      "AI.SCRIPTSTORE",
      "s{1}",
      "CPU",
      "ENTRY_POINTS",
      2,
      "run",
      "run_bad_input",
      "SOURCE",
      source,
    );
    assert.deepEqual(
      await c.call("AI.SCRIPTEXECUTE", "s{1}", "run", "KEYS", 1, "m{1}", "OUTPUTS", 1, "y{1}"),
      { status: "OK" },
    );
    assert.deepEqual(await c.call("AI.TENSORGET", "y{1}", "META", "VALUES"), [
      "dtype",
      "FLOAT",
      "shape",
      [3, 2],
      "values",
      ["1", "4", "9", "16", "25", "36"],
    ]);
    const missing = await c.call(
      "AI.SCRIPTEXECUTE",
      "s{1}",
      "run",
      "KEYS",
      1,
      "nope{1}",
      "OUTPUTS",
      1,
      "y{1}",
    );
    assert.match((missing as { error: string }).error, /ERR model key is empty/);
    const bad = await c.call(
      "AI.SCRIPTEXECUTE",
      "s{1}",
      "run_bad_input",
      "KEYS",
      1,
      "m{1}",
      "OUTPUTS",
      1,
      "y{1}",
    );
    assert.match((bad as { error: string }).error, /Invalid rank for input/);
  });
});

Deno.test("the append-only log keeps a script's writes without running it again on replay", async () => {
  await withTempDir(async (dir) => {
    const source =
      `def push${EP}:\n    for v in args:\n        redis.execute("RPUSH", keys[0], v)\n`;
    const a = await startIn(dir, { appendonly: true, appendfsync: "always" });
    try {
      assert.deepEqual(
        await calls(a.port, [
          ["AI.SCRIPTSTORE", "s", "CPU", "ENTRY_POINTS", 1, "push", "SOURCE", source],
          ["AI.SCRIPTEXECUTE", "s", "push", "KEYS", 1, "l", "ARGS", 2, "x", "y"],
        ]),
        [{ status: "OK" }, { status: "OK" }],
      );
    } finally {
      await a.close();
    }
    const b = await startIn(dir, { appendonly: true });
    try {
      const [list, meta] = await calls(b.port, [["LRANGE", "l", 0, -1], [
        "AI.SCRIPTGET",
        "s",
        "META",
      ]]);
      assert.deepEqual(list, ["x", "y"]);
      assert.deepEqual(meta, ["device", "CPU", "tag", "", "Entry Points", ["push"]]);
    } finally {
      await b.close();
    }
  });
});

Deno.test("redis.execute of an AI command short of arguments gets the module's arity error", async () => {
  // RedisModule_Call sees module commands with arity -1, so the command itself answers.
  await withServer(async (_server, c) => {
    const source = `def short(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("AI.TENSORSET", keys[0], "FLOAT")
`;
    const stored = await c.call(
      "AI.SCRIPTSTORE",
      "s",
      "CPU",
      "ENTRY_POINTS",
      1,
      "short",
      "SOURCE",
      source,
    );
    assert.deepEqual(stored, { status: "OK" });
    const reply = await c.call("AI.SCRIPTEXECUTE", "s", "short", "KEYS", 1, "k") as {
      error: string;
    };
    assert.match(
      reply.error,
      /Redis command returned an error: ERR wrong number of arguments for 'AI\.TENSORSET' command/,
    );
  });
});
