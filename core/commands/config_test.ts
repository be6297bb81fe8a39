/** Tests for config.ts: CONFIG GET/SET/RESETSTAT/REWRITE through the dispatcher. */
import assert from "node:assert/strict";
import { Harness, mapOf } from "../../tests/helpers/command_harness.ts";

Deno.test("config() GET matches several globs case-insensitively, each name once", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "CONFIG", "GET", "MAXMEMORY"), { map: [["maxmemory", "0"]] });
  assert.deepEqual(await h.call(c, "CONFIG", "GET", "slowlog-*", "*-max-len"), {
    map: [["slowlog-log-slower-than", "10000"], ["slowlog-max-len", "128"]],
  });
  assert.deepEqual(await h.call(c, "CONFIG", "GET", "no-such-thing"), { map: [] });
  assert.deepEqual(await h.call(c, "CONFIG", "GET", "lua-time-limit"), {
    map: [["lua-time-limit", "5000"]],
  });
  const everything = mapOf(await h.call(c, "CONFIG", "GET", "*"));
  assert.equal(everything["port"], "6379");
  assert.equal(everything["databases"], "16");
});

Deno.test("config() SET applies several pairs and mirrors maxmemory into the keyspace", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(
    await h.call(c, "CONFIG", "SET", "maxmemory", "10mb", "slowlog-max-len", "5"),
    { status: "OK" },
  );
  assert.equal(h.server.config.maxmemory, 10 * 1024 * 1024);
  assert.equal(h.server.keyspace.maxmemoryBytes, 10 * 1024 * 1024);
  assert.equal(h.server.config["slowlog-max-len"], 5);
});

Deno.test("config() SET is all or nothing and uses Redis's error texts", async () => {
  const h = new Harness();
  const c = h.client();
  const set = (...args: string[]) => h.call(c, "CONFIG", "SET", ...args);
  assert.deepEqual(await set("maxmemory", "1mb", "nope", "1"), {
    error: "ERR Unknown option or number of arguments for CONFIG SET - 'nope'",
  });
  assert.equal(h.server.config.maxmemory, 0);
  assert.equal(h.server.keyspace.maxmemoryBytes, 0);
  assert.deepEqual(await set("maxmemory", "1", "MAXMEMORY", "2"), {
    error: "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
  });
  assert.deepEqual(await set("maxmemory", "lots"), {
    error:
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
  });
  assert.deepEqual(await set("slowlog-max-len", "-5"), {
    error: "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - " +
      "argument must be between 0 and 9223372036854775807 inclusive",
  });
  assert.deepEqual(await set("port", "1"), {
    error:
      "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config",
  });
  // An odd count of parameters and values is a syntax error (arity only asks for one pair).
  assert.deepEqual(await set("maxmemory", "1", "slowlog-max-len"), { error: "ERR syntax error" });
  assert.deepEqual(await set("timeout", "-1"), {
    error: "ERR CONFIG SET failed (possibly related to argument 'timeout') - " +
      "argument must be between 0 and 2147483647 inclusive",
  });
  assert.deepEqual(await h.call(c, "CONFIG", "REWRITE"), {
    error: "ERR The server is running without a config file",
  });
});

Deno.test("config() SET guards dir and dbfilename as Redis 7's protected configs", async () => {
  const refused = (name: string) => ({
    error: `ERR CONFIG SET failed (possibly related to argument '${name}') - ` +
      "can't set protected config",
  });
  const outcomes = async (allow: string) => {
    const h = new Harness({ "enable-protected-configs": allow, dir: "/data" });
    const local = h.client("127.0.0.1:50001");
    const remote = h.client("10.1.2.3:50002");
    return [
      await h.call(remote, "CONFIG", "SET", "dir", "/elsewhere"),
      await h.call(local, "CONFIG", "SET", "dbfilename", "x.idb", "maxmemory", "1mb"),
      h.server.config.dir,
      h.server.config.maxmemory,
    ];
  };
  // The default: nobody, and a refused pair leaves the others in the same SET unapplied.
  assert.deepEqual(await outcomes("no"), [refused("dir"), refused("dbfilename"), "/data", 0]);
  assert.deepEqual(await outcomes("local"), [refused("dir"), { status: "OK" }, "/data", 1048576]);
  assert.deepEqual(await outcomes("yes"), [
    { status: "OK" },
    { status: "OK" },
    "/elsewhere",
    1048576,
  ]);
  const h = new Harness();
  const c = h.client("::1:50003");
  for (const name of ["enable-protected-configs", "appendfilename"]) {
    assert.deepEqual(await h.call(c, "CONFIG", "SET", name, "yes"), {
      error: `ERR CONFIG SET failed (possibly related to argument '${name}') - ` +
        "can't set immutable config",
    });
  }
  assert.equal(h.client("::1:50004").local, true);
  assert.equal(h.client("127.0.0.2:50005").local, false);
});

Deno.test("config() SET save refuses malformed save points and keeps the old value", async () => {
  const h = new Harness({ save: "3600 1" });
  const c = h.client();
  for (const bad of ["100", "100 x", "100 1 200"]) {
    assert.deepEqual(await h.call(c, "CONFIG", "SET", "save", bad), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
    });
  }
  assert.equal(h.server.config.save, "3600 1");
  assert.deepEqual(await h.call(c, "CONFIG", "SET", "save", "100 1 200 2"), { status: "OK" });
  assert.deepEqual(await h.call(c, "CONFIG", "SET", "save", ""), { status: "OK" });
});

Deno.test("config() RESETSTAT zeroes command and error statistics", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "PING");
  await h.call(c, "NOPE");
  assert.ok(h.server.commandStats.has("ping"));
  assert.equal(h.server.errorStats.get("ERR"), 1);
  assert.deepEqual(await h.call(c, "CONFIG", "RESETSTAT"), { status: "OK" });
  // Only the RESETSTAT call itself is counted afterwards, as in Redis.
  assert.deepEqual([...h.server.commandStats.keys()], ["config|resetstat"]);
  assert.equal(h.server.errorStats.size, 0);
  assert.equal(h.server.totalCommands, 1);
});
