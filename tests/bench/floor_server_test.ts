/**
 * The Deno floor server that tensor_bench.ts measures beside inferdb: it must really store and
 * return what it is sent (small values copied out of its receive buffer, large ones read into
 * buffers of their own), pipelined and split across reads, or its figures mean nothing.
 */
import assert from "node:assert/strict";
import { encodePipeline, RawClient } from "../helpers/raw_client.ts";
import { startFloor } from "./lib.ts";

function pattern(bytes: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 31 + seed) & 255);
}

Deno.test("the floor server stores and returns small and large values", async () => {
  const server = await startFloor();
  const client = await RawClient.connect(server.port);
  client.binary = true;
  try {
    assert.deepEqual(await client.call("PING"), { status: "PONG" });
    assert.equal(await client.call("GET", "missing"), null);
    const small = pattern(4096, 1);
    const large = pattern(3 * 1024 * 1024 + 5, 2);
    // Pipelined, so replies to several requests from one read go out together.
    await client.send(encodePipeline([["SET", "s", small], ["SET", "l", large], ["GET", "s"]]));
    assert.deepEqual(await client.read(), { status: "OK" });
    assert.deepEqual(await client.read(), { status: "OK" });
    assert.deepEqual(await client.read(), { bytes: small });
    assert.deepEqual(await client.call("GET", "l"), { bytes: large });
    // A request cut into pieces at awkward places still reads whole.
    const request = encodePipeline([["SET", "s", large], ["GET", "s"]]);
    for (const cut of [1, 9, 20, 70_000, request.length - 1]) {
      await client.send(request.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      await client.send(request.subarray(cut));
      assert.deepEqual(await client.read(), { status: "OK" });
      assert.deepEqual(await client.read(), { bytes: large });
    }
  } finally {
    client.close();
    await server.stop();
  }
});
