/**
 * AI.DAGEXECUTE and friends over RESP against a real server: exact wire replies (RawClient),
 * version semantics, LOAD errors, PERSIST atomicity when a middle op fails, the mnist
 * pipeline TENSORSET → MODELEXECUTE → SCRIPTEXECUTE → TENSORGET from the npm `redis` client,
 * the `_RO` and deprecated forms, MULTI refusal, and persisted results surviving a restart
 * through the append-only log. Batching, concurrency and TIMEOUT are in dag_batching_test.ts.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { redisCli, startTestServer } from "./helpers/server.ts";

const testdata = new URL("../../shared/testdata/redisai/", import.meta.url);
const mnist = Deno.readFileSync(new URL("mnist.onnx", testdata));
const one = Deno.readFileSync(new URL("one.raw", testdata));

const POST_PROCESS = `
def post_process(tensors: List[Tensor], keys: List[str], args: List[str]):
    probs = torch.softmax(tensors[0], 1)
    return probs, probs.argmax(1)
`;

const ok = { status: "OK" };
const na = { status: "NA" };
const words = (line: string) => line.split(" ");

async function withServer(
  fn: (client: RawClient, port: number) => Promise<void>,
  config: Parameters<typeof startTestServer>[0] = {},
): Promise<void> {
  const server = await startTestServer(config);
  const client = await RawClient.connect(server.port);
  try {
    await fn(client, server.port);
  } finally {
    client.close();
    await server.close();
  }
}

Deno.test("AI.DAGEXECUTE: each TENSORSET makes a new version that later ops see", async () => {
  await withServer(async (c) => {
    const reply = await c.call(...words(
      "AI.DAGEXECUTE PERSIST 1 t |> AI.TENSORSET t FLOAT 2 VALUES 1 2 |> AI.TENSORGET t VALUES" +
        " |> ai.tensorset t INT8 1 3 VALUES 3 4 5 |> ai.tensorget t META VALUES",
    ));
    assert.deepEqual(reply, [ok, ["1", "2"], ok, ["dtype", "INT8", "shape", [1, 3], "values", [
      3,
      4,
      5,
    ]]]);
    // The last version was persisted.
    assert.deepEqual(await c.call("AI.TENSORGET", "t", "VALUES"), [3, 4, 5]);
    // The deprecated form needs no LOAD/PERSIST/ROUTING.
    assert.deepEqual(
      await c.call(
        ...words("AI.DAGRUN |> AI.TENSORSET x INT32 1 VALUES 7 |> AI.TENSORGET x VALUES"),
      ),
      [ok, [7]],
    );
  });
});

Deno.test("AI.DAGEXECUTE: LOAD of a missing or non-tensor key is one error reply", async () => {
  await withServer(async (c, port) => {
    await c.call("SET", "str", "x");
    await c.call("AI.TENSORSET", "a", "FLOAT", "1", "VALUES", "1");
    const load = (key: string) =>
      c.call(...words(`AI.DAGEXECUTE LOAD 2 a ${key} |> AI.TENSORGET a VALUES`));
    assert.deepEqual(await load("nope"), {
      error: "ERR tensor key is empty or in a different shard",
    });
    assert.deepEqual(await load("str"), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.deepEqual(await c.call(...words("AI.DAGEXECUTE LOAD 1 a |> AI.TENSORGET b")), {
      error: "ERR INPUT key cannot be found in DAG",
    });
    assert.deepEqual(await c.call(...words("AI.DAGEXECUTE LOAD 1 a |> AI.FOO")), {
      error: "Unsupported command within DAG",
    });
    const cli = await redisCli(port, words("AI.DAGEXECUTE LOAD 1 a BAD_ARG |> AI.TENSORGET a"));
    assert.equal(cli.trimEnd(), "ERR Invalid DAG command. Unexpected argument:  BAD_ARG");
    assert.deepEqual(await c.call(...words("AI.DAGEXECUTE LOAD 1 a |> AI.TENSORGET a VALUES")), [
      ["1"],
    ]);
  });
});

Deno.test("AI.DAGEXECUTE: a failing middle op stores nothing (PERSIST is atomic)", async () => {
  await withServer(async (c) => {
    assert.deepEqual(await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", mnist), ok);
    await c.call("AI.TENSORSET", "b", "INT8", "1", "VALUES", "9");
    const before = await c.call("DBSIZE");
    const reply = await c.call(...words(
      "AI.DAGEXECUTE PERSIST 2 a b |> AI.TENSORSET a FLOAT 1 VALUES 1 |> AI.TENSORSET bad FLOAT 2 2" +
        " |> AI.MODELEXECUTE m INPUTS 1 bad OUTPUTS 1 b |> AI.TENSORGET b VALUES |> AI.TENSORGET a VALUES",
    )) as Wire[];
    assert.equal(reply.length, 5);
    assert.deepEqual([reply[0], reply[1], reply[3], reply[4]], [ok, ok, na, ["1"]]);
    const error = reply[2] as { error: string };
    assert.match(error.error, /^Invalid rank for input: Input3 Got: 2 Expected: 4/);
    assert.deepEqual(await c.call("DBSIZE"), before);
    assert.deepEqual(await c.call("EXISTS", "a"), 0);
    assert.deepEqual(await c.call("AI.TENSORGET", "b", "VALUES"), [9]);
    // A PERSIST key holding another type: an error element, and no key written.
    await c.call("SET", "s", "x");
    const wrong = await c.call(...words(
      "AI.DAGEXECUTE PERSIST 2 fresh s |> AI.TENSORSET fresh FLOAT 1 |> AI.TENSORSET s FLOAT 1",
    ));
    assert.deepEqual(wrong, [ok, ok, {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    }]);
    assert.deepEqual(await c.call("EXISTS", "fresh"), 0);
  });
});

Deno.test("AI.DAGEXECUTE: mnist pipeline with a post-processing script, npm redis client", async () => {
  const server = await startTestServer();
  const client = createClient({ socket: { port: server.port, host: "127.0.0.1" } });
  await client.connect();
  try {
    await client.sendCommand(["AI.MODELSTORE", "mnist", "ONNX", "CPU", "BLOB", Buffer.from(mnist)]);
    const stored = await client.sendCommand(
      words("AI.SCRIPTSTORE post CPU ENTRY_POINTS 1 post_process SOURCE").concat(POST_PROCESS),
    );
    assert.equal(stored, "OK");
    const reply = await client.sendCommand([
      ...words("AI.DAGEXECUTE PERSIST 1 digit |> AI.TENSORSET image FLOAT 1 1 28 28 BLOB"),
      Buffer.from(one),
      ...words("|> AI.MODELEXECUTE mnist INPUTS 1 image OUTPUTS 1 logits"),
      ...words("|> AI.SCRIPTEXECUTE post post_process INPUTS 1 logits OUTPUTS 2 probs digit"),
      ...words("|> AI.TENSORGET digit VALUES |> AI.TENSORGET probs VALUES"),
    ]) as unknown[];
    assert.deepEqual(reply.slice(0, 4), ["OK", "OK", "OK", [1]]);
    const probs = (reply[4] as string[]).map(Number);
    assert.equal(probs.length, 10);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(probs.indexOf(Math.max(...probs)), 1);
    assert.deepEqual(await client.sendCommand(["AI.TENSORGET", "digit", "VALUES"]), [1]);
    // Intermediates stay out of the keyspace.
    assert.deepEqual(await client.sendCommand(["EXISTS", "image", "logits", "probs"]), 0);
    const info = await client.sendCommand(["AI.INFO", "mnist"]) as unknown[];
    assert.equal(info[info.indexOf("calls") + 1], 1);
  } finally {
    await client.quit();
    await server.close();
  }
});

Deno.test("AI.DAGEXECUTE_RO runs models but refuses PERSIST and SCRIPTEXECUTE", async () => {
  await withServer(async (c) => {
    await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", mnist);
    await c.call("AI.TENSORSET", "img", "FLOAT", "1", "1", "28", "28", "BLOB", one);
    const reply = await c.call(...words(
      "AI.DAGEXECUTE_RO LOAD 1 img |> AI.MODELEXECUTE m INPUTS 1 img OUTPUTS 1 out |> AI.TENSORGET out META",
    ));
    assert.deepEqual(reply, [ok, ["dtype", "FLOAT", "shape", [1, 10]]]);
    assert.deepEqual(await c.call("EXISTS", "out"), 0);
    assert.deepEqual(
      await c.call(...words("AI.DAGEXECUTE_RO PERSIST 1 x |> AI.TENSORSET x FLOAT 1")),
      { error: "ERR PERSIST cannot be specified in a read-only DAG" },
    );
    assert.deepEqual(
      await c.call(...words("AI.DAGEXECUTE_RO LOAD 1 img |> AI.SCRIPTEXECUTE s f INPUTS 1 img")),
      { error: "ERR AI.SCRIPTEXECUTE command cannot be specified in a read-only DAG" },
    );
    assert.deepEqual(
      await c.call(
        ...words(
          "AI.DAGRUN_RO LOAD 1 img |> AI.MODELRUN m INPUTS img OUTPUTS o |> AI.TENSORGET o META",
        ),
      ),
      [ok, ["dtype", "FLOAT", "shape", [1, 10]]],
    );
    assert.deepEqual(
      await c.call(...words("AI.DAGEXECUTE LOAD 1 img |> AI.MODELRUN m INPUTS img OUTPUTS o")),
      { error: "Deprecated AI.MODELRUN cannot be used in AI.DAGEXECUTE command" },
    );
  });
});

Deno.test("AI.DAGEXECUTE inside MULTI answers RedisAI's refusal in EXEC", async () => {
  await withServer(async (c) => {
    assert.deepEqual(await c.call("MULTI"), ok);
    assert.deepEqual(
      await c.call(...words("AI.DAGEXECUTE ROUTING r |> AI.TENSORSET t FLOAT 1")),
      { status: "QUEUED" },
    );
    assert.deepEqual(await c.call("EXEC"), [{
      error: "ERR Cannot run RedisAI command within a transaction or a LUA script",
    }]);
  });
});

const WRITER = `
def write(tensors: List[Tensor], keys: List[str], args: List[str]):
    redis.execute("SET", keys[0], "v")
    return tensors[0]
`;

Deno.test("AI.DAGEXECUTE logs values, not itself: a restart restores without re-running", async () => {
  const dir = await Deno.makeTempDir({ prefix: "inferdb-dag-aof-" });
  try {
    const config = { dir, appendonly: true, appendfsync: "always", save: "" };
    await withServer(async (c) => {
      await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", mnist);
      await c.call(...words("AI.SCRIPTSTORE s CPU ENTRY_POINTS 1 write SOURCE"), WRITER);
      const reply = await c.call(...[
        ...words("AI.DAGEXECUTE PERSIST 1 out |> AI.TENSORSET img FLOAT 1 1 28 28 BLOB"),
        one,
        ...words("|> AI.MODELEXECUTE m INPUTS 1 img OUTPUTS 1 out"),
        ...words("|> AI.SCRIPTEXECUTE s write KEYS 1 k INPUTS 1 img OUTPUTS 1 copy"),
      ]);
      assert.deepEqual(reply, [ok, ok, ok]);
    }, config);
    const log = new TextDecoder().decode(await Deno.readFile(`${dir}/appendonly.aof`));
    assert.ok(!log.includes("AI.DAGEXECUTE"), "the DAG command itself was logged");
    await withServer(async (c) => {
      const meta = await c.call("AI.TENSORGET", "out", "META");
      assert.deepEqual(meta, ["dtype", "FLOAT", "shape", [1, 10]]);
      assert.deepEqual(await c.call("GET", "k"), "v");
      const info = await c.call("AI.INFO", "m") as Wire[];
      assert.equal(info[info.indexOf("calls") + 1], 0, "the model ran again on replay");
    }, config);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
