/**
 * AI.TENSORSET / AI.TENSORGET from real clients: redis-cli (RESP2 and RESP3, `-x` for binary
 * blobs) and the npm `redis` client (RESP2 and RESP3), plus one.raw from the RedisAI test data
 * stored as FLOAT 1 1 28 28 and read back byte-identical.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createClient, RESP_TYPES } from "redis";
import { RawClient } from "./helpers/raw_client.ts";
import { redisCli, startTestServer } from "./helpers/server.ts";

Deno.test("AI.TENSORSET/TENSORGET work from redis-cli over RESP2 and RESP3", async () => {
  const server = await startTestServer();
  try {
    const set = await redisCli(server.port, [
      "AI.TENSORSET",
      "k",
      "FLOAT",
      "2",
      "VALUES",
      "1",
      "0.5",
    ]);
    assert.equal(set, "OK\n");
    assert.equal(await redisCli(server.port, ["AI.TENSORGET", "k", "VALUES"]), "1\n0.5\n");
    assert.equal(await redisCli(server.port, ["-3", "AI.TENSORGET", "k", "VALUES"]), "1\n0.5\n");
    const meta = await redisCli(server.port, ["-3", "AI.TENSORGET", "k", "META"]);
    assert.equal(meta, "dtype\nFLOAT\nshape\n2\n");
    const err = await redisCli(server.port, ["AI.TENSORGET", "nope"]);
    assert.match(err, /ERR tensor key is empty or in a different shard/);
  } finally {
    await server.close();
  }
});

Deno.test("AI.TENSORSET/TENSORGET work from the npm redis client over RESP2 and RESP3", async () => {
  const server = await startTestServer();
  try {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ socket: { port: server.port, host: "127.0.0.1" }, RESP });
      await client.connect();
      try {
        const blob = new Uint8Array(new Float32Array([1.5, 0.1]).buffer);
        assert.equal(
          await client.sendCommand([
            "AI.TENSORSET",
            "n",
            "FLOAT",
            "1",
            "2",
            "BLOB",
            Buffer.from(blob),
          ]),
          "OK",
        );
        const values = await client.sendCommand(["AI.TENSORGET", "n", "VALUES"]);
        assert.deepEqual(
          values,
          RESP === 2 ? ["1.5", "0.10000000149011612"] : [1.5, 0.10000000149011612],
        );
        const got = await client.sendCommand(["AI.TENSORGET", "n", "BLOB"], {
          typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer },
        });
        assert.ok(got instanceof Buffer);
        assert.deepEqual(new Uint8Array(got), blob);
        await assert.rejects(
          client.sendCommand(["AI.TENSORGET", "n", "JSON"]),
          /unsupported data format/,
        );
      } finally {
        await client.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("one.raw stored as FLOAT 1 1 28 28 reads back byte-identical", async () => {
  const raw = await Deno.readFile(
    new URL("../../shared/testdata/redisai/one.raw", import.meta.url),
  );
  assert.equal(raw.length, 28 * 28 * 4);
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const cli = new Deno.Command("redis-cli", {
      args: [
        "-p",
        String(server.port),
        "-x",
        "AI.TENSORSET",
        "one",
        "FLOAT",
        "1",
        "1",
        "28",
        "28",
        "BLOB",
      ],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = cli.stdin.getWriter();
    await writer.write(raw);
    await writer.close();
    assert.equal(new TextDecoder().decode((await cli.output()).stdout), "OK\n");
    client.binary = true;
    assert.deepEqual(await client.call("AI.TENSORGET", "one", "BLOB"), { bytes: raw });
    client.binary = false;
    assert.deepEqual(await client.call("AI.TENSORGET", "one", "META"), ["dtype", "FLOAT", "shape", [
      1,
      1,
      28,
      28,
    ]]);
  } finally {
    client.close();
    await server.close();
  }
});
