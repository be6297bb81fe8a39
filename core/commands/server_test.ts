/** Tests for server.ts: DBSIZE, TIME, FLUSHDB/FLUSHALL, SHUTDOWN, SLOWLOG and MONITOR. */
import assert from "node:assert/strict";
import { Harness, plain } from "../../tests/helpers/command_harness.ts";

function addKey(h: Harness, db: number, key: string): void {
  h.server.keyspace.db(db).set(key, { type: "string", value: new Uint8Array(1), bytes: 17 });
}

Deno.test("server() DBSIZE counts the selected database; FLUSHDB/FLUSHALL empty them", async () => {
  const h = new Harness();
  const c = h.client();
  addKey(h, 0, "a");
  addKey(h, 0, "b");
  addKey(h, 1, "c");
  assert.equal(await h.call(c, "DBSIZE"), 2);
  await h.call(c, "SELECT", "1");
  assert.equal(await h.call(c, "DBSIZE"), 1);
  assert.deepEqual(await h.call(c, "FLUSHDB", "sync"), { status: "OK" });
  assert.equal(h.server.keyspace.db(0).size, 2);
  assert.equal(h.server.keyspace.db(1).size, 0);
  assert.deepEqual(await h.call(c, "FLUSHALL", "LATER"), { error: "ERR syntax error" });
  assert.deepEqual(await h.call(c, "FLUSHDB", "ASYNC", "SYNC"), { error: "ERR syntax error" });
  assert.deepEqual(await h.call(c, "FLUSHALL", "ASYNC"), { status: "OK" });
  assert.equal(h.server.keyspace.totalKeys(), 0);
  assert.equal(h.server.keyspace.usedBytes, 0);
});

Deno.test("server() TIME gives seconds and microseconds from the server clock", async () => {
  const h = new Harness();
  h.nowMs = 1_700_000_000_123;
  assert.deepEqual(await h.call(h.client(), "TIME"), ["1700000000", "123000"]);
});

Deno.test("server() SHUTDOWN passes SAVE/NOSAVE to the hook and reports its failure", async () => {
  const h = new Harness();
  const c = h.client();
  const calls: (boolean | undefined)[] = [];
  h.server.shutdown = (save) => {
    calls.push(save);
    return save === true ? Promise.reject(new Error("disk full")) : Promise.resolve();
  };
  assert.deepEqual(await h.call(c, "SHUTDOWN", "NOSAVE"), { status: "OK" });
  assert.deepEqual(await h.call(c, "SHUTDOWN"), { status: "OK" });
  const error = console.error;
  console.error = () => {};
  try {
    assert.deepEqual(await h.call(c, "SHUTDOWN", "SAVE", "NOW"), {
      error: "ERR Errors trying to SHUTDOWN. Check logs.",
    });
  } finally {
    console.error = error;
  }
  assert.deepEqual(await h.call(c, "SHUTDOWN", "SAVE", "NOSAVE"), { error: "ERR syntax error" });
  assert.deepEqual(calls, [false, undefined, true]);
});

Deno.test("server() SHUTDOWN ABORT has no shutdown in progress to abort", async () => {
  const h = new Harness();
  const c = h.client();
  const calls: (boolean | undefined)[] = [];
  h.server.shutdown = (save) => {
    calls.push(save);
    return Promise.resolve();
  };
  assert.deepEqual(await h.call(c, "SHUTDOWN", "abort"), {
    error: "ERR No shutdown in progress.",
  });
  assert.deepEqual(await h.call(c, "SHUTDOWN", "NOSAVE", "ABORT"), { error: "ERR syntax error" });
  assert.deepEqual(calls, []);
});

Deno.test("server() SLOWLOG records commands over the threshold, newest first", async () => {
  const h = new Harness({ "slowlog-log-slower-than": 0, "slowlog-max-len": 3 });
  const c = h.client("127.0.0.1:7000");
  await h.call(c, "CLIENT", "SETNAME", "slow");
  await h.call(c, "ECHO", "x".repeat(130));
  await h.call(c, "PING");
  const [newest, older] = await h.call(c, "SLOWLOG", "GET", "2") as unknown[][];
  assert.equal(newest?.[0], 2);
  assert.deepEqual(newest?.slice(3), [["PING"], "127.0.0.1:7000", "slow"]);
  assert.equal(typeof newest?.[1], "number");
  assert.deepEqual(older?.[3], ["ECHO", `${"x".repeat(128)}... (2 more bytes)`]);
  assert.equal(await h.call(c, "SLOWLOG", "LEN"), 3);
  assert.equal((await h.call(c, "SLOWLOG", "GET", "-1") as unknown[]).length, 3);
  assert.deepEqual(await h.call(c, "SLOWLOG", "GET", "-2"), {
    error: "ERR count should be greater than or equal to -1",
  });
  assert.deepEqual(await h.call(c, "SLOWLOG", "RESET"), { status: "OK" });
  // The RESET itself is logged after the reset, as in Redis.
  assert.equal(await h.call(c, "SLOWLOG", "LEN"), 1);
});

Deno.test("server() MONITOR streams other clients' commands to the monitor", async () => {
  const h = new Harness();
  const monitor = h.client();
  const other = h.client("127.0.0.1:9000");
  assert.deepEqual(await h.call(monitor, "MONITOR"), { status: "OK" });
  h.nowMs = 1_700_000_000_500;
  await h.call(other, "ECHO", "hi there");
  assert.equal(monitor.pushes.length, 1);
  const line = plain(monitor.pushes[0] ?? null);
  assert.deepEqual(line, { status: '1700000000.500000 [0 127.0.0.1:9000] "ECHO" "hi there"' });
});

Deno.test("server() SLOWLOG and MONITOR show passwords as (redacted); MONITOR skips admin commands", async () => {
  const h = new Harness({ "slowlog-log-slower-than": 0 });
  const monitor = h.client();
  const c = h.client();
  await h.call(monitor, "MONITOR");
  await h.call(c, "AUTH", "default", "pw1");
  await h.call(c, "HELLO", "2", "SETNAME", "n", "AUTH", "default", "pw2");
  await h.call(c, "CONFIG", "SET", "maxmemory", "0", "REQUIREPASS", "");
  const r = "(redacted)";
  const logged = (await h.call(c, "SLOWLOG", "GET", "3") as unknown[][]).map((e) => e[3]);
  assert.deepEqual(logged, [
    ["CONFIG", "SET", "maxmemory", "0", "REQUIREPASS", r],
    ["HELLO", "2", "SETNAME", "n", "AUTH", r, r],
    ["AUTH", r, r],
  ]);
  const lines = monitor.pushes.map((p) => (plain(p) as { status: string }).status);
  assert.deepEqual(lines.map((l) => l.replace(/^.*\] /, "")), [
    `"AUTH" "${r}" "${r}"`,
    `"HELLO" "2" "SETNAME" "n" "AUTH" "${r}" "${r}"`,
  ]);
});
