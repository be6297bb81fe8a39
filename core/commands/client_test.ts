/** Tests for client.ts: CLIENT subcommands through the dispatcher. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

Deno.test("client() ID, SETNAME, GETNAME and SETINFO set what CLIENT INFO shows", async () => {
  const h = new Harness();
  const c = h.client("10.0.0.1:4242");
  assert.equal(await h.call(c, "CLIENT", "ID"), c.id);
  assert.equal(await h.call(c, "CLIENT", "GETNAME"), null);
  assert.deepEqual(await h.call(c, "CLIENT", "SETNAME", "worker-1"), { status: "OK" });
  assert.equal(await h.call(c, "CLIENT", "GETNAME"), "worker-1");
  assert.deepEqual(await h.call(c, "CLIENT", "SETINFO", "lib-name", "redis-py"), { status: "OK" });
  assert.deepEqual(await h.call(c, "CLIENT", "SETINFO", "LIB-VER", "5.0.1"), { status: "OK" });
  h.nowMs += 3500;
  const info = await h.call(c, "CLIENT", "INFO");
  assert.equal(
    info,
    `id=${c.id} addr=10.0.0.1:4242 laddr=127.0.0.1:6379 fd=-1 name=worker-1 age=3 idle=3 ` +
      "flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 " +
      "rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|info user=default " +
      "redir=-1 resp=2 lib-name=redis-py lib-ver=5.0.1\n",
  );
  assert.deepEqual(await h.call(c, "CLIENT", "SETNAME", ""), { status: "OK" });
  assert.equal(await h.call(c, "CLIENT", "GETNAME"), null);
});

Deno.test("client() refuses names with spaces and unknown SETINFO attributes", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "CLIENT", "SETNAME", "a b"), {
    error: "ERR Client names cannot contain spaces, newlines or special characters.",
  });
  assert.deepEqual(await h.call(c, "CLIENT", "SETINFO", "lib-name", "a\nb"), {
    error: "ERR lib-name cannot contain spaces, newlines or special characters.",
  });
  assert.deepEqual(await h.call(c, "CLIENT", "SETINFO", "color", "red"), {
    error: "ERR Unrecognized option 'color'",
  });
  assert.deepEqual(await h.call(c, "CLIENT", "NO-EVICT", "on"), { status: "OK" });
  assert.deepEqual(await h.call(c, "CLIENT", "NO-TOUCH", "maybe"), { error: "ERR syntax error" });
  assert.deepEqual(await h.call(c, "CLIENT", "SETNAME"), {
    error: "ERR wrong number of arguments for 'client|setname' command",
  });
  assert.deepEqual(await h.call(c, "CLIENT", "FOO"), {
    error: "ERR unknown subcommand 'FOO'. Try CLIENT HELP.",
  });
});

Deno.test("client() LIST shows every client with flags and filters by ID and TYPE", async () => {
  const h = new Harness();
  const a = h.client();
  const b = h.client();
  await h.call(b, "MULTI");
  const all = String(await h.call(a, "CLIENT", "LIST")).split("\n");
  assert.equal(all.length, 3);
  assert.equal(all[2], "");
  assert.match(all[0] ?? "", new RegExp(`^id=${a.id} .* flags=N .* cmd=client\\|list `));
  assert.match(all[1] ?? "", new RegExp(`^id=${b.id} .* flags=x .* multi=0 .* cmd=multi `));
  const one = String(await h.call(a, "CLIENT", "LIST", "ID", String(b.id), "999"));
  assert.match(one, new RegExp(`^id=${b.id} [^\\n]*\\n$`));
  assert.equal(await h.call(a, "CLIENT", "LIST", "TYPE", "pubsub"), "");
  assert.deepEqual(await h.call(a, "CLIENT", "LIST", "TYPE", "cats"), {
    error: "ERR Unknown client type 'cats'",
  });
  assert.deepEqual(await h.call(a, "CLIENT", "LIST", "ID", "x"), {
    error: "ERR Invalid client ID",
  });
});

Deno.test("client() LIST ID lists clients in the order the IDs were given", async () => {
  const h = new Harness();
  const a = h.client();
  const b = h.client();
  const lines = String(await h.call(a, "CLIENT", "LIST", "ID", String(b.id), String(a.id)))
    .split("\n");
  assert.deepEqual(lines.map((l) => l.split(" ")[0]), [`id=${b.id}`, `id=${a.id}`, ""]);
});

Deno.test("client() LIST shows a queued command as the client's last command", async () => {
  const h = new Harness();
  const a = h.client();
  const b = h.client();
  await h.call(b, "MULTI");
  await h.call(b, "CONFIG", "GET", "maxmemory");
  assert.match(String(await h.call(a, "CLIENT", "LIST", "ID", String(b.id))), / cmd=config\|get /);
  await h.call(b, "PING");
  assert.match(String(await h.call(a, "CLIENT", "LIST", "ID", String(b.id))), / cmd=ping /);
});

Deno.test("client() KILL closes by address (old form) or by filters (a count)", async () => {
  const h = new Harness();
  const me = h.client("127.0.0.1:1000");
  const other = h.client("127.0.0.1:2000");
  const third = h.client("127.0.0.1:3000");
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "127.0.0.1:2000"), { status: "OK" });
  assert.equal(other.closed.count, 1);
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "1.2.3.4:5"), {
    error: "ERR No such client",
  });
  assert.equal(await h.call(me, "CLIENT", "KILL", "ID", String(third.id)), 1);
  assert.equal(third.closed.count, 1);
  // SKIPME yes (the default) spares the caller.
  assert.equal(await h.call(me, "CLIENT", "KILL", "ADDR", "127.0.0.1:1000"), 0);
  assert.equal(await h.call(me, "CLIENT", "KILL", "ADDR", "127.0.0.1:1000", "SKIPME", "no"), 1);
  assert.equal(me.closed.count, 1);
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "ID", "0"), {
    error: "ERR client-id should be greater than 0",
  });
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "TYPE", "x"), {
    error: "ERR Unknown client type 'x'",
  });
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "ID", "1", "SKIPME"), {
    error: "ERR syntax error",
  });
  assert.deepEqual(await h.call(me, "CLIENT", "KILL", "USER", "bob"), {
    error: "ERR No such user 'bob'",
  });
});

Deno.test("client() KILL MAXAGE closes only connections at least that old", async () => {
  const h = new Harness();
  const me = h.client();
  const old = h.client();
  h.nowMs += 10_000;
  const young = h.client();
  assert.equal(await h.call(me, "CLIENT", "KILL", "MAXAGE", "5"), 1);
  assert.equal(old.closed.count, 1);
  assert.equal(young.closed.count, 0);
});
