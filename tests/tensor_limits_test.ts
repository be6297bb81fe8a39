/**
 * Tensors under pressure against the real server: size, rank and bulk-length limits refused
 * cleanly, maxmemory and memory accounting, zero-copy adoption of big BLOBs, pipelined mixes
 * of TENSORSET/TENSORGET, and concurrent writers on one key.
 */
import assert from "node:assert/strict";
import { encodeCommand, RawClient } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";
import { concatBytes } from "../core/bytes.ts";

const KIB = 1024;
const MIB = 1024 * KIB;

function floatBlob(count: number, fill: number): Uint8Array {
  return new Uint8Array(new Float32Array(count).fill(fill).buffer);
}

Deno.test("tensor size, rank and bulk limits are refused cleanly", async () => {
  const server = await startTestServer({
    "tensor-max-bytes": 64 * KIB,
    "tensor-max-rank": 4,
    "proto-max-bulk-len": MIB,
  });
  const client = await RawClient.connect(server.port);
  const sizeError = { error: `ERR tensor size exceeds tensor-max-bytes (${64 * KIB} bytes)` };
  try {
    const at = 16 * KIB;
    assert.deepEqual(
      await client.call("AI.TENSORSET", "k", "FLOAT", at, "BLOB", floatBlob(at, 1)),
      {
        status: "OK",
      },
    );
    assert.deepEqual(
      await client.call("AI.TENSORSET", "k", "FLOAT", at + 1, "BLOB", floatBlob(at + 1, 1)),
      sizeError,
    );
    assert.deepEqual(await client.call("AI.TENSORSET", "k", "FLOAT", at + 1), sizeError);
    assert.deepEqual(
      await client.call("AI.TENSORSET", "k", "STRING", 1, "BLOB", new Uint8Array(64 * KIB + 1)),
      sizeError,
    );
    const huge = "4294967296";
    assert.deepEqual(await client.call("AI.TENSORSET", "k", "INT8", huge, huge, huge), sizeError);
    assert.deepEqual(await client.call("AI.TENSORSET", "k", "FLOAT", 1, 1, 1, 1, 1), {
      error: "ERR tensor rank exceeds tensor-max-rank (4)",
    });
    assert.deepEqual(await client.call("CONFIG", "SET", "tensor-max-bytes", "1024"), {
      status: "OK",
    });
    assert.deepEqual(await client.call("AI.TENSORSET", "k2", "FLOAT", 257), {
      error: "ERR tensor size exceeds tensor-max-bytes (1024 bytes)",
    });
    assert.deepEqual(await client.call("AI.TENSORSET", "k2", "FLOAT", 256), { status: "OK" });
    const stored = server.state.keyspace.db(0).get("k");
    assert.equal(
      stored?.type === "tensor" && stored.value.shape[0],
      at,
      "k keeps the last good value",
    );
    // A bulk longer than proto-max-bulk-len is a protocol error that closes the connection
    // before the payload is read (let alone allocated).
    const header = new TextEncoder().encode(
      `*6\r\n$12\r\nAI.TENSORSET\r\n$1\r\nk\r\n$5\r\nUINT8\r\n$7\r\n1048577\r\n$4\r\nBLOB\r\n$${
        MIB + 1
      }\r\n`,
    );
    await client.send(header);
    assert.deepEqual(await client.read(), { error: "ERR Protocol error: invalid bulk length" });
    assert.ok(await client.closedByServer());
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("maxmemory refuses new tensors with Redis's OOM error; usedBytes counts them", async () => {
  const server = await startTestServer({ maxmemory: 2 * MIB });
  const client = await RawClient.connect(server.port);
  const keyspace = server.state.keyspace;
  try {
    const before = keyspace.usedBytes;
    assert.deepEqual(
      await client.call("AI.TENSORSET", "a", "FLOAT", 256 * KIB, "BLOB", floatBlob(256 * KIB, 1)),
      {
        status: "OK",
      },
    );
    const afterA = keyspace.usedBytes;
    assert.ok(afterA - before >= MIB && afterA - before < MIB + KIB, `charged ${afterA - before}`);
    assert.deepEqual(await client.call("AI.TENSORSET", "b", "FLOAT", 300 * KIB), {
      error: "OOM command not allowed when used memory > 'maxmemory'.",
    });
    assert.equal(keyspace.db(0).get("b"), undefined);
    assert.equal(keyspace.usedBytes, afterA);
    // Replacing with a smaller tensor frees memory and is allowed.
    assert.deepEqual(await client.call("AI.TENSORSET", "a", "FLOAT", 4), { status: "OK" });
    assert.ok(keyspace.usedBytes < afterA - MIB + KIB);
    assert.deepEqual(await client.call("AI.TENSORSET", "b", "FLOAT", 300 * KIB), { status: "OK" });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("a big BLOB becomes the tensor's storage without a second copy", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const blob = floatBlob(64 * KIB, 0.5);
    await client.call("AI.TENSORSET", "big", "FLOAT", 64 * KIB, "BLOB", blob);
    const entry = server.state.keyspace.db(0).get("big");
    assert.ok(entry?.type === "tensor");
    const data = entry.value.data;
    assert.ok(data instanceof Float32Array);
    assert.equal(data.byteOffset, 0, "reader's own buffer adopted");
    assert.equal(data.buffer.byteLength, blob.length, "exactly the argument, no slab");
    assert.equal(data[65535], 0.5);
    client.binary = true;
    assert.deepEqual(await client.call("AI.TENSORGET", "big", "BLOB"), { bytes: blob });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("pipelined TENSORSET/TENSORGET mixes answer in order", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const commands: Uint8Array[] = [];
    const expected: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      const key = `p${i % 5}`;
      if (i % 10 === 7) {
        commands.push(encodeCommand(["AI.TENSORSET", key, "INT8", 1, "VALUES", -i]));
        expected.push({ error: "ERR invalid value" });
      } else if (i % 3 === 0) {
        commands.push(
          encodeCommand(["AI.TENSORSET", key, "FLOAT", 40 * KIB, "BLOB", floatBlob(40 * KIB, i)]),
        );
        commands.push(encodeCommand(["AI.TENSORGET", key, "META"]));
        expected.push({ status: "OK" }, ["dtype", "FLOAT", "shape", [40 * KIB]]);
      } else {
        commands.push(encodeCommand(["AI.TENSORSET", key, "INT32", 1, "VALUES", i]));
        commands.push(encodeCommand(["AI.TENSORGET", key, "VALUES"]));
        expected.push({ status: "OK" }, [i]);
      }
    }
    await client.send(concatBytes(commands));
    const replies = [];
    for (let i = 0; i < expected.length; i++) replies.push(await client.read());
    assert.deepEqual(replies, expected);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("concurrent clients writing one key leave one whole tensor", async () => {
  const server = await startTestServer();
  const clients = await Promise.all(
    Array.from({ length: 8 }, () => RawClient.connect(server.port)),
  );
  const count = 16 * KIB;
  try {
    const replies = await Promise.all(clients.map(async (client, id) => {
      const out = [];
      for (let i = 0; i < 20; i++) {
        out.push(
          await client.call("AI.TENSORSET", "shared", "FLOAT", count, "BLOB", floatBlob(count, id)),
        );
        out.push(await client.call("AI.TENSORGET", "shared", "META"));
      }
      return out;
    }));
    for (const list of replies) {
      for (let i = 0; i < list.length; i += 2) {
        assert.deepEqual(list[i], { status: "OK" });
        assert.deepEqual(list[i + 1], ["dtype", "FLOAT", "shape", [count]]);
      }
    }
    const entry = server.state.keyspace.db(0).get("shared");
    assert.ok(entry?.type === "tensor");
    const first = entry.value.data[0] as number;
    assert.ok(first >= 0 && first < 8);
    assert.ok(entry.value.data.every((v) => v === first), "one writer's tensor, whole");
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
});
