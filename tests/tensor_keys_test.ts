/**
 * Tensor keys under Redis's generic key commands (TYPE, EXISTS, DEL, UNLINK, RENAME, COPY,
 * EXPIRE, SCAN TYPE), INFO memory accounting, and AI.TENSORSET/TENSORGET inside MULTI/EXEC.
 */
import assert from "node:assert/strict";
import { RawClient } from "./helpers/raw_client.ts";
import { redisaiFile } from "./helpers/redisai_data.ts";
import { startTestServer } from "./helpers/server.ts";

async function usedMemory(client: RawClient): Promise<number> {
  const info = await client.call("INFO", "memory");
  assert.equal(typeof info, "string");
  const match = /used_memory:(\d+)/.exec(info as string);
  assert.ok(match !== null, "INFO memory has used_memory");
  return Number(match[1]);
}

Deno.test("tensor keys work with TYPE, EXISTS, RENAME, COPY, EXPIRE, SCAN, DEL", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    await client.call("AI.TENSORSET", "t", "INT32", 2, "VALUES", 1, 2);
    await client.call("SET", "s", "v");
    assert.deepEqual(await client.call("TYPE", "t"), { status: "AI_TENSOR" });
    assert.equal(await client.call("EXISTS", "t", "s", "nope"), 2);
    assert.deepEqual(await client.call("RENAME", "t", "u"), { status: "OK" });
    assert.deepEqual(await client.call("AI.TENSORGET", "t"), {
      error: "ERR tensor key is empty or in a different shard",
    });
    assert.deepEqual(await client.call("AI.TENSORGET", "u", "VALUES"), [1, 2]);
    assert.equal(await client.call("COPY", "u", "c"), 1);
    assert.deepEqual(await client.call("AI.TENSORGET", "c", "META", "VALUES"), [
      "dtype",
      "INT32",
      "shape",
      [2],
      "values",
      [1, 2],
    ]);
    // Overwriting the source leaves the copy alone (tensors are replaced, never mutated).
    await client.call("AI.TENSORSET", "u", "INT32", 2, "VALUES", 7, 8);
    assert.deepEqual(await client.call("AI.TENSORGET", "c", "VALUES"), [1, 2]);
    assert.deepEqual(await client.call("SCAN", 0, "TYPE", "AI_TENSOR", "COUNT", 100), [
      "0",
      ["u", "c"],
    ]);
    assert.deepEqual(await client.call("SCAN", 0, "TYPE", "ai_tensor"), ["0", ["u", "c"]]);
    assert.equal(await client.call("EXPIRE", "c", 100), 1);
    const ttl = await client.call("TTL", "c");
    assert.ok(typeof ttl === "number" && ttl > 90 && ttl <= 100);
    assert.deepEqual(await client.call("AI.TENSORSET", "c", "INT32", 1), { status: "OK" });
    assert.equal(await client.call("TTL", "c"), -1, "TENSORSET replaces the key and its TTL");
    assert.equal(await client.call("DEL", "u"), 1);
    assert.equal(await client.call("UNLINK", "c"), 1);
    assert.equal(await client.call("EXISTS", "u", "c"), 0);
    assert.deepEqual(await client.call("AI.TENSORSET", "s", "INT32", 1), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("INFO memory and usedBytes count tensor bytes, and DEL gives them back", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const before = await usedMemory(client);
    const usedBefore = server.state.keyspace.usedBytes;
    await client.call("AI.TENSORSET", "m", "DOUBLE", 128 * 1024);
    const grown = (await usedMemory(client)) - before;
    assert.ok(grown >= 1024 * 1024 && grown < 1024 * 1024 + 1024, `grew ${grown}`);
    assert.equal(server.state.keyspace.usedBytes - usedBefore, grown);
    await client.call("DEL", "m");
    assert.equal(await usedMemory(client), before);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.TENSORSET and AI.TENSORGET run inside MULTI/EXEC", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await client.call("MULTI"), { status: "OK" });
    assert.deepEqual(await client.call("AI.TENSORSET", "x", "UINT8", 2, "VALUES", 3, 4), {
      status: "QUEUED",
    });
    assert.deepEqual(await client.call("AI.TENSORGET", "x", "VALUES"), { status: "QUEUED" });
    assert.deepEqual(await client.call("AI.TENSORSET", "y", "INT8", 1, "VALUES", -1), {
      status: "QUEUED",
    });
    assert.deepEqual(await client.call("EXEC"), [
      { status: "OK" },
      [3, 4],
      { error: "ERR invalid value" },
    ]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.TENSORSET and AI.TENSORGET short of arguments queue in MULTI and fail inside EXEC", async () => {
  // Redis sees module commands with arity -1: RedisAI checks arity itself when the command runs.
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await client.call("MULTI"), { status: "OK" });
    assert.deepEqual(await client.call("ai.tensorset", "k", "FLOAT"), { status: "QUEUED" });
    assert.deepEqual(await client.call("AI.TENSORSET", "x", "INT8", 1), { status: "QUEUED" });
    assert.deepEqual(await client.call("AI.TENSORGET"), { status: "QUEUED" });
    assert.deepEqual(await client.call("EXEC"), [
      { error: "ERR wrong number of arguments for 'ai.tensorset' command" },
      { status: "OK" },
      { error: "ERR wrong number of arguments for 'AI.TENSORGET' command" },
    ]);
    assert.deepEqual(await client.call("AI.TENSORGET", "x", "VALUES"), [0]);
    assert.deepEqual(await client.call("AI.TENSORSET", "k"), {
      error: "ERR wrong number of arguments for 'AI.TENSORSET' command",
    });
    const stats = String(await client.call("INFO", "commandstats"));
    assert.match(stats, /cmdstat_ai\.tensorset:calls=3,.*rejected_calls=0,failed_calls=2/);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.TENSORGET counts keyspace hits and misses as RedisModule_OpenKey does", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  const stat = async (name: string) => {
    const info = String(await client.call("INFO", "stats"));
    return Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
  };
  try {
    await client.call("AI.TENSORSET", "t", "INT8", 1);
    await client.call("SET", "s", "v");
    await client.call("AI.TENSORGET", "t", "VALUES");
    await client.call("AI.TENSORGET", "nope");
    // The key is found before its type is checked: WRONGTYPE still counts a hit.
    assert.deepEqual(await client.call("AI.TENSORGET", "s"), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.equal(await stat("keyspace_hits"), 2);
    assert.equal(await stat("keyspace_misses"), 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.* reads count keyspace hits and misses; MODELDEL and SCRIPTDEL don't", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  const stats = async () => {
    const info = String(await client.call("INFO", "stats"));
    const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
    return [field("keyspace_hits"), field("keyspace_misses")];
  };
  const source = "def add(tensors: List[Tensor], keys: List[str], args: List[str]):\n" +
    "    return tensors[0] + tensors[0]";
  try {
    await client.call("AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", redisaiFile("mnist.onnx"));
    await client.call("AI.SCRIPTSTORE", "s", "CPU", "ENTRY_POINTS", 1, "add", "SOURCE", source);
    await client.call("AI.TENSORSET", "img", "FLOAT", 1, 1, 28, 28, "BLOB", redisaiFile("one.raw"));
    assert.deepEqual(await stats(), [0, 0]);
    await client.call("AI.MODELGET", "m", "META");
    await client.call("AI.SCRIPTGET", "s", "META");
    await client.call("AI.MODELGET", "none");
    assert.deepEqual(await stats(), [2, 1]);
    // A run reads its model or script and each input.
    await client.call("AI.MODELEXECUTE", "m", "INPUTS", 1, "img", "OUTPUTS", 1, "out");
    await client.call("AI.SCRIPTEXECUTE", "s", "add", "INPUTS", 1, "img", "OUTPUTS", 1, "sum");
    await client.call("AI.DAGEXECUTE", "LOAD", 1, "img", "|>", "AI.TENSORGET", "img", "META");
    assert.deepEqual(await stats(), [7, 1]);
    assert.deepEqual(await client.call("AI.MODELDEL", "m"), { status: "OK" });
    assert.deepEqual(await client.call("AI.SCRIPTDEL", "s"), { status: "OK" });
    assert.deepEqual(await stats(), [7, 1]);
  } finally {
    client.close();
    await server.close();
  }
});
