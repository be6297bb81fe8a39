/** Tests for transactions.ts: MULTI/EXEC/DISCARD/WATCH through the real dispatcher. */
import assert from "node:assert/strict";
import { command } from "../command.ts";
import { bytesToKey } from "../keys.ts";
import { stringBytes } from "../keyspace.ts";
import { OK } from "../reply.ts";
import { Harness } from "../../tests/helpers/command_harness.ts";

/** Test-only rows: a plain write, an asynchronous command and a blocking (RedisAI-like) one. */
const rows = [
  command({
    name: "t.set",
    arity: 3,
    flags: ["write", "denyoom"],
    group: "string",
    summary: "test write",
    handler: (ctx, args) => {
      const value = args[2] as Uint8Array;
      ctx.db.set(bytesToKey(args[1] as Uint8Array), {
        type: "string",
        value,
        bytes: stringBytes(value),
      });
      return OK;
    },
  }),
  command({
    name: "t.later",
    arity: 2,
    flags: [],
    group: "server",
    summary: "test async",
    handler: (_ctx, args) => Promise.resolve(args[1] as Uint8Array),
  }),
  command({
    name: "t.run",
    arity: 1,
    flags: ["blocking"],
    group: "server",
    summary: "test blocking",
    handler: () => Promise.resolve(OK),
  }),
];

Deno.test("exec() runs the queued commands in order and returns their replies", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  assert.deepEqual(await h.call(c, "MULTI"), { status: "OK" });
  assert.deepEqual(await h.call(c, "t.set", "k", "v"), { status: "QUEUED" });
  assert.deepEqual(await h.call(c, "PING"), { status: "QUEUED" });
  assert.deepEqual(await h.call(c, "DBSIZE"), { status: "QUEUED" });
  assert.deepEqual(await h.call(c, "EXEC"), [{ status: "OK" }, { status: "PONG" }, 1]);
  assert.equal(c.multi, undefined);
  assert.deepEqual(await h.call(c, "EXEC"), { error: "ERR EXEC without MULTI" });
});

Deno.test("exec() keeps order across a queued command that returns a Promise", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  await h.call(c, "MULTI");
  await h.call(c, "PING", "a");
  await h.call(c, "t.later", "b");
  await h.call(c, "PING", "c");
  assert.deepEqual(await h.call(c, "EXEC"), ["a", "b", "c"]);
});

Deno.test("exec() answers the RedisAI error for a blocking command and runs the rest", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  await h.call(c, "MULTI");
  await h.call(c, "t.run");
  await h.call(c, "MONITOR");
  await h.call(c, "PING");
  assert.deepEqual(await h.call(c, "EXEC"), [
    { error: "ERR Cannot run RedisAI command within a transaction or a LUA script" },
    { error: "ERR MONITOR isn't allowed for DENY BLOCKING client" },
    { status: "PONG" },
  ]);
  assert.equal(c.monitor, false);
});

Deno.test("exec() aborts with EXECABORT after a command failed to queue", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  await h.call(c, "MULTI");
  await h.call(c, "t.set", "k", "v");
  assert.deepEqual(await h.call(c, "t.set", "k"), {
    error: "ERR wrong number of arguments for 't.set' command",
  });
  assert.deepEqual(await h.call(c, "NOPE"), {
    error: "ERR unknown command 'NOPE', with args beginning with: ",
  });
  assert.deepEqual(await h.call(c, "EXEC"), {
    error: "EXECABORT Transaction discarded because of previous errors.",
  });
  assert.equal(h.server.keyspace.db(0).size, 0);
  assert.equal(c.multiFailed, false);
});

Deno.test("exec() aborts after an unknown subcommand or a subcommand's arity error", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "MULTI");
  assert.deepEqual(await h.call(c, "CONFIG", "FOO"), {
    error: "ERR unknown subcommand 'FOO'. Try CONFIG HELP.",
  });
  assert.deepEqual(await h.call(c, "CONFIG", "RESETSTAT", "x"), {
    error: "ERR wrong number of arguments for 'config|resetstat' command",
  });
  assert.deepEqual(await h.call(c, "EXEC"), {
    error: "EXECABORT Transaction discarded because of previous errors.",
  });
});

Deno.test("exec() refused before it runs ends the transaction with EXECABORT and the reason", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  await h.call(c, "SET", "w", "1");
  await h.call(c, "WATCH", "w");
  await h.call(c, "MULTI");
  await h.call(c, "t.set", "k", "v");
  assert.deepEqual(await h.call(c, "EXEC", "extra"), {
    error:
      "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
  });
  assert.equal(c.multi, undefined);
  assert.equal(c.watched.size, 0);
  assert.deepEqual(await h.call(c, "EXEC"), { error: "ERR EXEC without MULTI" });
  assert.equal(h.server.keyspace.db(0).size, 1);
  const locked = new Harness({ requirepass: "pw" }, rows);
  assert.deepEqual(await locked.call(locked.client(), "EXEC"), {
    error: "EXECABORT Transaction discarded because of: NOAUTH Authentication required.",
  });
});

Deno.test("multi() refuses nesting and watch() refuses to run inside MULTI", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  await h.call(c, "MULTI");
  assert.deepEqual(await h.call(c, "MULTI"), { error: "ERR MULTI calls can not be nested" });
  assert.deepEqual(await h.call(c, "WATCH", "k"), {
    error: "ERR WATCH inside MULTI is not allowed",
  });
  await h.call(c, "PING");
  assert.deepEqual(await h.call(c, "EXEC"), [{ status: "PONG" }]);
});

Deno.test("discard() drops the queue and the watched keys", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  assert.deepEqual(await h.call(c, "DISCARD"), { error: "ERR DISCARD without MULTI" });
  await h.call(c, "WATCH", "k");
  await h.call(c, "MULTI");
  await h.call(c, "t.set", "k", "v");
  assert.deepEqual(await h.call(c, "DISCARD"), { status: "OK" });
  assert.equal(c.multi, undefined);
  assert.equal(c.watched.size, 0);
  assert.equal(h.server.keyspace.db(0).watchers.size, 0);
  assert.equal(h.server.keyspace.db(0).size, 0);
});

Deno.test("exec() returns nil when another client changed a watched key", async () => {
  const h = new Harness({}, rows);
  const a = h.client();
  const b = h.client();
  assert.deepEqual(await h.call(a, "WATCH", "k", "other"), { status: "OK" });
  await h.call(b, "t.set", "k", "theirs");
  await h.call(a, "MULTI");
  await h.call(a, "t.set", "k", "mine");
  assert.equal(await h.call(a, "EXEC"), null);
  const entry = h.server.keyspace.db(0).get("k");
  assert.equal(entry?.type === "string" && new TextDecoder().decode(entry.value), "theirs");
  // The next transaction starts clean.
  await h.call(a, "MULTI");
  await h.call(a, "t.set", "k", "mine");
  assert.deepEqual(await h.call(a, "EXEC"), [{ status: "OK" }]);
});

Deno.test("exec() runs when watched keys were untouched or UNWATCHed", async () => {
  const h = new Harness({}, rows);
  const a = h.client();
  const b = h.client();
  await h.call(a, "WATCH", "k");
  await h.call(b, "t.set", "elsewhere", "1");
  await h.call(a, "MULTI");
  await h.call(a, "PING");
  assert.deepEqual(await h.call(a, "EXEC"), [{ status: "PONG" }]);
  await h.call(a, "WATCH", "k");
  await h.call(b, "t.set", "k", "1");
  assert.deepEqual(await h.call(a, "UNWATCH"), { status: "OK" });
  await h.call(a, "MULTI");
  await h.call(a, "PING");
  assert.deepEqual(await h.call(a, "EXEC"), [{ status: "PONG" }]);
});

Deno.test("exec() treats a watched key whose TTL passed as changed", async () => {
  const h = new Harness({}, rows);
  const a = h.client();
  await h.call(a, "t.set", "k", "v");
  h.server.keyspace.db(0).setExpire("k", h.nowMs + 1000);
  await h.call(a, "WATCH", "k");
  h.nowMs += 2000;
  await h.call(a, "MULTI");
  await h.call(a, "PING");
  assert.equal(await h.call(a, "EXEC"), null);
});

Deno.test("exec() is aborted by FLUSHALL from another client", async () => {
  const h = new Harness({}, rows);
  const a = h.client();
  const b = h.client();
  await h.call(a, "t.set", "k", "v");
  await h.call(a, "WATCH", "k");
  await h.call(b, "FLUSHALL");
  await h.call(a, "MULTI");
  await h.call(a, "PING");
  assert.equal(await h.call(a, "EXEC"), null);
});

Deno.test("exec() is not aborted by FLUSHDB or FLUSHALL when the watched key did not exist", async () => {
  const h = new Harness({}, rows);
  const a = h.client();
  const b = h.client();
  await h.call(b, "t.set", "other", "v");
  await h.call(a, "WATCH", "missing");
  await h.call(b, "FLUSHDB");
  await h.call(b, "FLUSHALL");
  await h.call(a, "MULTI");
  await h.call(a, "PING");
  assert.deepEqual(await h.call(a, "EXEC"), [{ status: "PONG" }]);
});

Deno.test("dispatch() refuses a no_multi command (SHUTDOWN) inside MULTI", async () => {
  const h = new Harness({}, rows);
  const c = h.client();
  let shutdowns = 0;
  h.server.shutdown = () => {
    shutdowns++;
    return Promise.resolve();
  };
  await h.call(c, "MULTI");
  assert.deepEqual(await h.call(c, "SHUTDOWN", "NOSAVE"), {
    error: "ERR Command not allowed inside a transaction",
  });
  assert.deepEqual(await h.call(c, "EXEC"), {
    error: "EXECABORT Transaction discarded because of previous errors.",
  });
  assert.equal(shutdowns, 0);
});
