/** Tests for strings.ts (GETSET; the other string commands are covered over the socket). */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

Deno.test("strings() GETSET returns the old value, stores the new one and drops the TTL", async () => {
  const h = new Harness();
  const c = h.client();
  assert.equal(await h.call(c, "GETSET", "k", "1"), null);
  await h.call(c, "EXPIRE", "k", "100");
  assert.equal(await h.call(c, "GETSET", "k", "2"), "1");
  assert.equal(await h.call(c, "GET", "k"), "2");
  assert.equal(await h.call(c, "TTL", "k"), -1);
  await h.call(c, "RPUSH", "l", "a");
  assert.deepEqual(await h.call(c, "GETSET", "l", "x"), {
    error: "WRONGTYPE Operation against a key holding the wrong kind of value",
  });
  assert.deepEqual(await h.call(c, "LRANGE", "l", "0", "-1"), ["a"]);
});
