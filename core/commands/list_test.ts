/** Tests for list.ts: the order of checks in the list commands, as Redis 7 makes them. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

const WRONGTYPE = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };
const NOT_INTEGER = { error: "ERR value is not an integer or out of range" };

Deno.test("list() LINDEX and LSET check the key before the index, LRANGE and LTRIM after", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "s", "v");
  assert.equal(await h.call(c, "LINDEX", "missing", "x"), null);
  assert.deepEqual(await h.call(c, "LINDEX", "s", "x"), WRONGTYPE);
  assert.deepEqual(await h.call(c, "LSET", "missing", "x", "v"), { error: "ERR no such key" });
  assert.deepEqual(await h.call(c, "LSET", "s", "x", "v"), WRONGTYPE);
  assert.deepEqual(await h.call(c, "LRANGE", "s", "x", "0"), NOT_INTEGER);
  assert.deepEqual(await h.call(c, "LTRIM", "missing", "0", "x"), NOT_INTEGER);
  await h.call(c, "RPUSH", "l", "a");
  assert.deepEqual(await h.call(c, "LINDEX", "l", "x"), NOT_INTEGER);
  assert.deepEqual(await h.call(c, "LSET", "l", "1.5", "v"), NOT_INTEGER);
});
