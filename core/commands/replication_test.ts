/** Tests for replication.ts: ROLE, WAIT and REPLICAOF as a replica-less master answers them. */
import assert from "node:assert/strict";
import { Harness, type Plain } from "../../tests/helpers/command_harness.ts";

Deno.test("replication() ROLE reports a master with offset 0 and no replicas", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "ROLE"), ["master", 0, []]);
  const [role] = await h.call(c, "COMMAND", "INFO", "role") as Plain[][];
  assert.deepEqual(role?.[2], {
    set: ["noscript", "loading", "stale", "fast"].map((status) => ({ status })),
  });
});

Deno.test("replication() WAIT counts no acknowledging replicas and checks its arguments", async () => {
  const h = new Harness();
  const c = h.client();
  assert.equal(await h.call(c, "WAIT", "0", "0"), 0);
  assert.equal(await h.call(c, "WAIT", "1", "10"), 0);
  assert.deepEqual(await h.call(c, "WAIT", "x", "0"), {
    error: "ERR value is not an integer or out of range",
  });
  assert.deepEqual(await h.call(c, "WAIT", "0", "1.5"), {
    error: "ERR timeout is not an integer or out of range",
  });
  assert.deepEqual(await h.call(c, "WAIT", "0", "-1"), { error: "ERR timeout is negative" });
  assert.deepEqual(await h.call(c, "WAIT", "0"), {
    error: "ERR wrong number of arguments for 'wait' command",
  });
});

Deno.test("replication() REPLICAOF NO ONE is a no-op; following a master is refused", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "REPLICAOF", "no", "one"), { status: "OK" });
  assert.deepEqual(await h.call(c, "SLAVEOF", "NO", "ONE"), { status: "OK" });
  assert.deepEqual(await h.call(c, "REPLICAOF", "no", "two"), {
    error: "ERR Invalid master port",
  });
  assert.deepEqual(await h.call(c, "REPLICAOF", "127.0.0.1", "70000"), {
    error: "ERR Invalid master port",
  });
  assert.deepEqual(await h.call(c, "REPLICAOF", "127.0.0.1", "6380"), {
    error: "ERR REPLICAOF not allowed in cluster mode.",
  });
});
