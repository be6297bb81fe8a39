/**
 * The data commands at their limits on a real server: keys expiring lazily and in the
 * background, maxmemory refusing writes with Redis's OOM error, exact memory accounting
 * through in-place changes, and 1,000 concurrent clients.
 */
import assert from "node:assert/strict";
import { hashBytes, listBytes } from "../core/keyspace.ts";
import { encodeCommand, RawClient } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";

/** Polls `check` every 10 ms until it is true or `waitMs` passes; returns the last result. */
async function eventually(
  check: () => boolean | Promise<boolean>,
  waitMs = 3000,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("expired keys vanish when read and, untouched, in the background", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await client.call("SET", "lazy", "v"), { status: "OK" });
    assert.equal(await client.call("PEXPIRE", "lazy", 50), 1);
    const pttl = await client.call("PTTL", "lazy");
    assert.ok(typeof pttl === "number" && pttl > 0 && pttl <= 50);
    assert.ok(await eventually(async () => (await client.call("GET", "lazy")) === null));
    assert.equal(await client.call("TTL", "lazy"), -2);
    // Untouched keys: only the active expiry cycle can remove them.
    const db = server.state.keyspace.db(0);
    for (let i = 0; i < 60; i++) {
      await client.send(encodeCommand(["SET", `bg${i}`, "v", "PX", "30"]));
      await client.read();
    }
    await client.call("SET", "keeper", "v");
    assert.equal(db.size, 61);
    assert.ok(await eventually(() => db.size === 1), `left: ${db.size}`);
    assert.equal(await client.call("GET", "keeper"), "v");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("maxmemory refuses growing writes with Redis's OOM error and allows reads and deletes", async () => {
  const server = await startTestServer({ maxmemory: 1_000_000 });
  const client = await RawClient.connect(server.port);
  const oom = { error: "OOM command not allowed when used memory > 'maxmemory'." };
  try {
    const value = "x".repeat(100_000);
    let stored = 0;
    for (let i = 0; i < 20; i++) {
      const reply = await client.call("SET", `big${i}`, value);
      if ("status" in (reply as object)) stored++;
      else {
        assert.deepEqual(reply, oom);
        break;
      }
    }
    assert.ok(stored >= 9 && stored <= 11, `stored ${stored}`);
    for (const args of [["RPUSH", "l", "a"], ["HSET", "h", "f", "v"], ["APPEND", "big0", "x"]]) {
      assert.deepEqual(await client.call(...args), oom, args.join(" "));
    }
    assert.equal(await client.call("STRLEN", "big0"), 100_000);
    assert.equal(await client.call("DEL", "big0", "big1", "big2"), 3);
    assert.deepEqual(await client.call("SET", "small", "v"), { status: "OK" });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("memory accounting stays exact through in-place hash, list and string changes", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  const ks = server.state.keyspace;
  const db = ks.db(0);
  try {
    const baseline = ks.usedBytes;
    const steps: (string | number)[][] = [
      ["HSET", "h", "a", "1", "b", "22", "c", "333"],
      ["HSET", "h", "a", "longer value", "d", ""],
      ["HDEL", "h", "b", "nofield"],
      ["HINCRBY", "h", "n", 12345],
      ["HINCRBYFLOAT", "h", "a2", "1.5"],
      ["HSETNX", "h", "z", "zz"],
      ["RPUSH", "l", "a", "bb", "ccc", "dddd", "a", "a"],
      ["LPUSH", "l", "front"],
      ["LSET", "l", 1, "replacement"],
      ["LREM", "l", 0, "a"],
      ["LPOP", "l"],
      ["RPOP", "l", 1],
      ["LTRIM", "l", 0, 1],
      ["COPY", "h", "h2"],
      ["RENAME", "l", "l2"],
      ["APPEND", "s", "hello"],
      ["APPEND", "s", " world, a longer tail"],
      ["SETRANGE", "s", 3, "XYZ"],
      ["INCRBYFLOAT", "n", "2.5"],
    ];
    for (const args of steps) {
      const reply = await client.call(...args);
      assert.ok(!(typeof reply === "object" && reply !== null && "error" in reply), args.join(" "));
    }
    for (const key of ["h", "h2"]) {
      const entry = db.getTyped(key, "hash");
      assert.ok(entry !== undefined);
      assert.equal(entry.bytes, hashBytes(entry.value), key);
    }
    const list = db.getTyped("l2", "list");
    assert.ok(list !== undefined);
    assert.equal(list.bytes, listBytes(list.value));
    assert.equal(await client.call("DEL", "h", "h2", "l2", "s", "n"), 5);
    assert.equal(ks.usedBytes, baseline);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("1,000 concurrent clients each SET and GET their own key", async () => {
  const server = await startTestServer();
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, async (_, i) => {
        const client = await RawClient.connect(server.port);
        try {
          assert.deepEqual(await client.call("SET", `client:${i}`, `value ${i}`), { status: "OK" });
          assert.equal(await client.call("GET", `client:${i}`), `value ${i}`);
        } finally {
          client.close();
        }
      }),
    );
    const failures = results.filter((r) => r.status === "rejected");
    assert.equal(results.length - failures.length, 1000, String(failures[0]?.reason));
    assert.equal(server.state.keyspace.db(0).size, 1000);
  } finally {
    await server.close();
  }
});
