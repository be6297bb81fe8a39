/** Tests for object.ts: OBJECT ENCODING/REFCOUNT/IDLETIME/FREQ and MEMORY USAGE. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

Deno.test("object() ENCODING names Redis 7.0's encodings for each kind of value", async () => {
  const h = new Harness();
  const c = h.client();
  const cases: [string, string][] = [
    ["123", "int"],
    ["-5", "int"],
    ["0123", "embstr"],
    ["99999999999999999999", "embstr"],
    ["hello", "embstr"],
    ["x".repeat(44), "embstr"],
    ["x".repeat(45), "raw"],
  ];
  for (const [value, encoding] of cases) {
    await h.call(c, "SET", "s", value);
    assert.equal(await h.call(c, "OBJECT", "ENCODING", "s"), encoding, value);
  }
  await h.call(c, "RPUSH", "l", "a");
  assert.equal(await h.call(c, "OBJECT", "encoding", "l"), "quicklist");
  await h.call(c, "HSET", "h", "f", "v");
  assert.equal(await h.call(c, "OBJECT", "ENCODING", "h"), "listpack");
  await h.call(c, "HSET", "h", "g", "y".repeat(65));
  assert.equal(await h.call(c, "OBJECT", "ENCODING", "h"), "hashtable");
  await h.call(c, "AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1", "2");
  assert.equal(await h.call(c, "OBJECT", "ENCODING", "t"), "raw");
  assert.equal(await h.call(c, "OBJECT", "ENCODING", "missing"), null);
});

Deno.test("object() REFCOUNT is Redis's shared-object count for small integers, else 1", async () => {
  const h = new Harness();
  const c = h.client();
  for (const [value, count] of [["123", 2147483647], ["10000", 1], ["-5", 1], ["abc", 1]]) {
    await h.call(c, "SET", "s", String(value));
    assert.equal(await h.call(c, "OBJECT", "REFCOUNT", "s"), count);
  }
  assert.equal(await h.call(c, "OBJECT", "REFCOUNT", "missing"), null);
});

Deno.test("object() IDLETIME counts seconds since the last access, which OBJECT is not", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "k", "v");
  h.nowMs += 5_500;
  h.server.keyspace.tickClock();
  assert.equal(await h.call(c, "OBJECT", "IDLETIME", "k"), 5);
  assert.equal(await h.call(c, "OBJECT", "IDLETIME", "k"), 5);
  await h.call(c, "GET", "k");
  assert.equal(await h.call(c, "OBJECT", "IDLETIME", "k"), 0);
  assert.equal(await h.call(c, "OBJECT", "IDLETIME", "missing"), null);
});

Deno.test("object() FREQ refuses without an LFU policy, but answers nil for a missing key", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "k", "v");
  assert.deepEqual(await h.call(c, "OBJECT", "FREQ", "k"), {
    error: "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please " +
      "note that when switching between policies at runtime LRU and LFU data will take some " +
      "time to adjust.",
  });
  assert.equal(await h.call(c, "OBJECT", "FREQ", "missing"), null);
});

Deno.test("object() rejects unknown subcommands and wrong counts as Redis 7", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "OBJECT", "foo"), {
    error: "ERR unknown subcommand 'foo'. Try OBJECT HELP.",
  });
  assert.deepEqual(await h.call(c, "OBJECT", "ENCODING", "a", "b"), {
    error: "ERR wrong number of arguments for 'object|encoding' command",
  });
  assert.deepEqual(await h.call(c, "MEMORY", "USAGE"), {
    error: "ERR wrong number of arguments for 'memory|usage' command",
  });
  assert.deepEqual(await h.call(c, "MEMORY", "foo"), {
    error: "ERR unknown subcommand 'foo'. Try MEMORY HELP.",
  });
});

Deno.test("memory() USAGE estimates a key's bytes, tensor data included, nil when missing", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "s", "v");
  const small = await h.call(c, "MEMORY", "USAGE", "s");
  assert.ok(typeof small === "number" && small > 1);
  await h.call(c, "SET", "s", "v".repeat(1000));
  assert.equal(await h.call(c, "MEMORY", "USAGE", "s"), small + 999);
  await h.call(c, "AI.TENSORSET", "t", "FLOAT", "256");
  const usage = await h.call(c, "MEMORY", "USAGE", "t", "SAMPLES", "0");
  assert.ok(typeof usage === "number" && usage > 1024);
  assert.equal(await h.call(c, "MEMORY", "USAGE", "missing"), null);
  for (
    const [args, error] of [
      [["SAMPLES"], "ERR syntax error"],
      [["SAMPLES", "x"], "ERR value is not an integer or out of range"],
      [["SAMPLES", "-1"], "ERR syntax error"],
      [["FOO", "1"], "ERR syntax error"],
    ] as const
  ) {
    assert.deepEqual(await h.call(c, "MEMORY", "USAGE", "s", ...args), { error });
  }
});
