/** Tests for databases.ts: MOVE and SWAPDB. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

Deno.test("databases() MOVE moves any type with its TTL, only when the target lacks the key", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "s", "v", "EX", "100");
  await h.call(c, "RPUSH", "l", "a", "b");
  await h.call(c, "HSET", "h", "f", "v");
  await h.call(c, "AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1", "2");
  const used = h.server.keyspace.usedBytes;
  for (const key of ["s", "l", "h", "t"]) assert.equal(await h.call(c, "MOVE", key, "3"), 1, key);
  assert.equal(h.server.keyspace.db(0).size, 0);
  assert.equal(h.server.keyspace.usedBytes, used);
  await h.call(c, "SELECT", "3");
  assert.equal(await h.call(c, "TTL", "s"), 100);
  assert.deepEqual(await h.call(c, "LRANGE", "l", "0", "-1"), ["a", "b"]);
  assert.deepEqual(await h.call(c, "AI.TENSORGET", "t", "VALUES"), [{ double: 1 }, { double: 2 }]);
  await h.call(c, "SELECT", "0");
  await h.call(c, "SET", "s", "other");
  assert.equal(await h.call(c, "MOVE", "s", "3"), 0);
  assert.equal(await h.call(c, "GET", "s"), "other");
  assert.equal(await h.call(c, "MOVE", "missing", "3"), 0);
});

Deno.test("databases() MOVE checks the index as Redis 7", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "k", "v");
  const cases: [string, string][] = [
    ["0", "ERR source and destination objects are the same"],
    ["16", "ERR DB index is out of range"],
    ["-1", "ERR DB index is out of range"],
    ["x", "ERR value is not an integer or out of range"],
    ["99999999999", "ERR value is out of range, value must between -2147483648 and 2147483647"],
  ];
  for (const [index, error] of cases) {
    assert.deepEqual(await h.call(c, "MOVE", "k", index), { error }, index);
  }
});

Deno.test("databases() SWAPDB exchanges two databases' keys and TTLs", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "a", "0", "EX", "50");
  await h.call(c, "AI.TENSORSET", "t", "INT8", "1", "VALUES", "7");
  await h.call(c, "SELECT", "1");
  await h.call(c, "SET", "b", "1");
  assert.deepEqual(await h.call(c, "SWAPDB", "0", "1"), { status: "OK" });
  assert.deepEqual(await h.call(c, "KEYS", "*"), ["a", "t"]);
  assert.equal(await h.call(c, "TTL", "a"), 50);
  await h.call(c, "SELECT", "0");
  assert.deepEqual(await h.call(c, "KEYS", "*"), ["b"]);
  assert.deepEqual(await h.call(c, "SWAPDB", "2", "2"), { status: "OK" });
  const cases: [string[], string][] = [
    [["0", "x"], "ERR invalid second DB index"],
    [["x", "0"], "ERR invalid first DB index"],
    [["0", "99999999999"], "ERR invalid second DB index"],
    [["0", "16"], "ERR DB index is out of range"],
  ];
  for (const [args, error] of cases) {
    assert.deepEqual(await h.call(c, "SWAPDB", ...args), { error }, args.join(" "));
  }
});

Deno.test("databases() SWAPDB and MOVE invalidate WATCH and work inside MULTI", async () => {
  const h = new Harness();
  const c = h.client();
  const other = h.client();
  await h.call(other, "SELECT", "1");
  await h.call(other, "SET", "k", "v");
  await h.call(c, "WATCH", "k");
  await h.call(other, "SWAPDB", "0", "1");
  await h.call(c, "MULTI");
  await h.call(c, "GET", "k");
  assert.equal(await h.call(c, "EXEC"), null);
  await h.call(c, "MULTI");
  await h.call(c, "MOVE", "k", "5");
  await h.call(c, "SWAPDB", "5", "6");
  assert.deepEqual(await h.call(c, "EXEC"), [1, { status: "OK" }]);
  await h.call(c, "SELECT", "6");
  assert.equal(await h.call(c, "GET", "k"), "v");
});
