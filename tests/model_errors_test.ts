/**
 * Model command errors over the wire, exactly as RedisAI words and orders them: arity, the
 * model lookup, list counts, TIMEOUT, missing tensors, WRONGTYPE outputs, AI.CONFIG, and the
 * refusal of blocking runs inside MULTI.
 */
import assert from "node:assert/strict";
import { RawClient } from "./helpers/raw_client.ts";
import { redisaiFile } from "./helpers/redisai_data.ts";
import { startTestServer } from "./helpers/server.ts";

Deno.test("model command errors come in RedisAI's order and words", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    assert.deepEqual(
      await c.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", redisaiFile("mul_1.onnx")),
      { status: "OK" },
    );
    const cases: [unknown[], string][] = [
      [
        ["AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB"],
        "ERR wrong number of arguments for 'AI.MODELSTORE' command",
      ],
      [["AI.MODELSTORE", "m", "PYTORCH", "CPU", "BLOB", "x"], "ERR unsupported backend"],
      [["AI.MODELSTORE", "m", "ONNX", "CPU:1.8", "BLOB", "x"], "ERR Invalid DEVICE"],
      [
        ["AI.MODELSTORE", "m", "ONNX", "CPU", "BATCHSIZE", 2, "NOT_BLOB", "x"],
        "ERR Invalid argument, expected BLOB",
      ],
      [
        ["AI.MODELEXECUTE", "m", "INPUTS", 2, "a", "b", "OUTPUTS"],
        "ERR wrong number of arguments for 'AI.MODELEXECUTE' command",
      ],
      [["AI.MODELEXECUTE", "nope", "INPUTS", 1, "a", "OUTPUTS", 1, "b"], "ERR model key is empty"],
      [
        ["AI.MODELEXECUTE", "m", "INPUTS", 2, "a", "b", "OUTPUTS", 1, "c"],
        "Number of keys given as INPUTS here does not match model definition",
      ],
      [
        ["AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "b", "bad_arg"],
        "Invalid argument: bad_arg",
      ],
      [
        ["AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "b", "TIMEOUT", 0],
        "ERR Invalid value for TIMEOUT",
      ],
      [
        ["AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "b"],
        "ERR tensor key is empty or in a different shard",
      ],
      [
        ["AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS", "b", "c"],
        "Number of keys given as OUTPUTS here does not match model definition",
      ],
      [["AI.CONFIG", "NOPE"], "ERR unsupported subcommand"],
      [["AI.CONFIG", "LOADBACKEND", "TORCH", "x.so"], "ERR error loading backend"],
    ];
    for (const [args, error] of cases) {
      assert.deepEqual(
        await c.call(...args as (string | number)[]),
        { error },
        JSON.stringify(args),
      );
    }
    await c.call("SET", "s", "v");
    await c.call("AI.TENSORSET", "a", "FLOAT", 3, 2);
    const wrong = await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "s");
    assert.deepEqual(wrong, {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.deepEqual(await c.call("AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS", "out"), {
      status: "OK",
    });
    assert.deepEqual(await c.call("AI.TENSORGET", "out", "META"), ["dtype", "FLOAT", "shape", [
      3,
      2,
    ]]);
    assert.deepEqual(await c.call("MULTI"), { status: "OK" });
    await c.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "a", "OUTPUTS", 1, "b");
    assert.deepEqual(await c.call("EXEC"), [
      { error: "ERR Cannot run RedisAI command within a transaction or a LUA script" },
    ]);
  } finally {
    c.close();
    await server.close();
  }
});
