/** Tests for cluster.ts: a single node owning every slot. */
import assert from "node:assert/strict";
import { Harness, mapOf, Plain } from "../../tests/helpers/command_harness.ts";
import { utf8 } from "../keys.ts";

Deno.test("cluster() SLOTS, SHARDS and NODES show one node with slots 0-16383", async () => {
  const h = new Harness();
  const c = h.client();
  const id = h.server.runId;
  assert.deepEqual(await h.call(c, "CLUSTER", "SLOTS"), [[0, 16383, ["127.0.0.1", 6379, id, []]]]);
  const [shard] = await h.call(c, "CLUSTER", "SHARDS") as Plain[];
  const fields = mapOf(shard ?? null);
  assert.deepEqual(fields["slots"], [0, 16383]);
  const [node] = fields["nodes"] as Plain[];
  assert.deepEqual(mapOf(node ?? null), {
    id,
    port: 6379,
    ip: "127.0.0.1",
    endpoint: "127.0.0.1",
    role: "master",
    "replication-offset": 0,
    health: "online",
  });
  assert.equal(
    await h.call(c, "CLUSTER", "NODES"),
    `${id} 127.0.0.1:6379@16379 myself,master - 0 0 0 connected 0-16383\n`,
  );
  assert.equal(await h.call(c, "CLUSTER", "MYID"), id);
});

Deno.test("cluster() SLOTS names the address the client connected to", async () => {
  const h = new Harness();
  const remote = h.client("10.0.0.9:40000", "10.0.0.7:6379");
  const [[, , node]] = await h.call(remote, "CLUSTER", "SLOTS") as [[Plain, Plain, Plain[]]];
  assert.deepEqual(node?.slice(0, 2), ["10.0.0.7", 6379]);
  assert.match(String(await h.call(remote, "CLUSTER", "NODES")), / 10\.0\.0\.7:6379@16379 /);
});

Deno.test("cluster() INFO reports a healthy cluster of one", async () => {
  const h = new Harness();
  const info = String(await h.call(h.client(), "CLUSTER", "INFO"));
  assert.match(info, /^cluster_state:ok\r\ncluster_slots_assigned:16384\r\n/);
  assert.match(info, /\r\ncluster_known_nodes:1\r\ncluster_size:1\r\n/);
});

Deno.test("cluster() KEYSLOT hashes binary keys and hash tags", async () => {
  const h = new Harness();
  const c = h.client();
  assert.equal(await h.call(c, "CLUSTER", "KEYSLOT", "foo"), 12182);
  assert.equal(await h.call(c, "CLUSTER", "KEYSLOT", "{user1000}.following"), 3443);
  assert.equal(await h.call(c, "CLUSTER", "KEYSLOT", new Uint8Array([123, 0, 0, 125, 46])), 0);
  assert.deepEqual(await h.call(c, "CLUSTER", "KEYSLOT"), {
    error: "ERR wrong number of arguments for 'cluster|keyslot' command",
  });
});

Deno.test("cluster() COUNTKEYSINSLOT and GETKEYSINSLOT look at database 0", async () => {
  const h = new Harness();
  const c = h.client();
  const db = h.server.keyspace.db(0);
  for (const key of ["{t}a", "{t}b", "foo"]) {
    db.set(key, { type: "string", value: utf8("v"), bytes: 17 });
  }
  const slot = String(await h.call(c, "CLUSTER", "KEYSLOT", "t"));
  assert.equal(await h.call(c, "CLUSTER", "COUNTKEYSINSLOT", slot), 2);
  assert.deepEqual(await h.call(c, "CLUSTER", "GETKEYSINSLOT", slot, "1"), ["{t}a"]);
  assert.deepEqual(await h.call(c, "CLUSTER", "COUNTKEYSINSLOT", "16384"), {
    error: "ERR Invalid slot",
  });
  assert.deepEqual(await h.call(c, "CLUSTER", "GETKEYSINSLOT", "1", "-1"), {
    error: "ERR Invalid slot or number of keys",
  });
  assert.deepEqual(await h.call(c, "CLUSTER", "COUNTKEYSINSLOT", "x"), {
    error: "ERR value is not an integer or out of range",
  });
  assert.deepEqual(await h.call(c, "READONLY"), { status: "OK" });
});
