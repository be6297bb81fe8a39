/**
 * Server/admin, transaction and cluster commands against the real server, driven by
 * redis-cli (including its interactive help, which reads COMMAND DOCS), the npm `redis`
 * client (single node and cluster mode) and RawClient for exact wire replies, RESP2 and RESP3.
 */
import assert from "node:assert/strict";
import { createClient, createCluster } from "redis";
import { encodePipeline, RawClient, Wire } from "./helpers/raw_client.ts";
import { redisCli, startTestServer } from "./helpers/server.ts";

/** `field -> value` pairs of an INFO text. */
function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

Deno.test("INFO parses in redis-cli and node-redis and counts what happened", async () => {
  const server = await startTestServer();
  const client = createClient({ url: `redis://127.0.0.1:${server.port}` });
  try {
    await client.connect();
    // node-redis's connect probes optional features; start counting after it.
    assert.equal(await client.configResetStat(), "OK");
    await client.set("k", "v");
    await assert.rejects(client.sendCommand(["NOPE"]), /unknown command 'NOPE'/);
    const info = await client.info("everything");
    const fields = infoFields(info);
    assert.equal(fields.get("tcp_port"), String(server.port));
    assert.equal(fields.get("redis_version"), "7.2.0");
    assert.equal(fields.get("db0"), "keys=1,expires=0,avg_ttl=0");
    assert.equal(fields.get("errorstat_ERR"), "count=1");
    assert.match(fields.get("cmdstat_set") ?? "", /^calls=1,usec=\d+,usec_per_call=[\d.]+,/);
    assert.ok(Number(fields.get("connected_clients")) >= 1);
    const cli = await redisCli(server.port, ["INFO", "keyspace"]);
    assert.equal(cli.trim(), "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0");
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("CONFIG GET/SET round-trips through node-redis with Redis's errors", async () => {
  const server = await startTestServer();
  const client = createClient({ url: `redis://127.0.0.1:${server.port}` });
  try {
    await client.connect();
    assert.deepEqual(await client.configGet("slowlog-*"), {
      "slowlog-log-slower-than": "10000",
      "slowlog-max-len": "128",
    });
    assert.equal(await client.configSet({ maxmemory: "1mb", "lua-time-limit": "100" }), "OK");
    assert.equal(server.state.keyspace.maxmemoryBytes, 1024 * 1024);
    await assert.rejects(
      client.configSet("no-such-param", "1"),
      /Unknown option or number of arguments for CONFIG SET - 'no-such-param'/,
    );
    assert.equal(
      (await redisCli(server.port, ["CONFIG", "GET", "maxmemory"])).trim(),
      "maxmemory\n1048576",
    );
    assert.match(await redisCli(server.port, ["CONFIG", "SET", "maxmemory", "x"]), /memory value/);
    // Where snapshots are written is no client's choice by default, as in Redis 7.
    assert.match(
      await redisCli(server.port, ["CONFIG", "SET", "dir", "/tmp"]),
      /'dir'\) - can't set protected config/,
    );
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("CLIENT REPLY OFF, SKIP and ON drop and restore replies as Redis does", async () => {
  const server = await startTestServer();
  const c = await RawClient.connect(server.port);
  try {
    // The same pipeline gives these bytes on redis-server 7.0.
    await c.send(encodePipeline([
      ["SET", "a", "1"],
      ["CLIENT", "REPLY", "OFF"], // silent, and so is everything up to ON, errors included
      ["SET", "a", "2"],
      ["NOPE"],
      ["CLIENT", "REPLY", "SKIP"], // changes nothing while replies are off
      ["CLIENT", "REPLY", "ON"],
      ["GET", "a"],
      ["CLIENT", "REPLY", "SKIP"], // silent, and drops the next command's reply
      ["INCR", "a"],
      ["CLIENT", "REPLY", "SKIP"],
      ["CLIENT", "REPLY", "SKIP"], // skipped itself, it skips the next one again
      ["GET", "a"],
      ["GET", "a"],
      ["CLIENT", "REPLY", "BAD"],
      ["PING"],
    ]));
    const expected: Wire[] = [
      { status: "OK" },
      { status: "OK" },
      "2",
      "3",
      { error: "ERR syntax error" },
      { status: "PONG" },
    ];
    for (const reply of expected) assert.deepEqual(await c.read(), reply);
    assert.equal(await c.call("GET", "a"), "3");
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("CLIENT LIST shows connections and CLIENT KILL closes one", async () => {
  const server = await startTestServer();
  const a = await RawClient.connect(server.port);
  const b = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await b.call("CLIENT", "SETNAME", "victim"), { status: "OK" });
    const bId = await b.call("CLIENT", "ID");
    const list = String(await a.call("CLIENT", "LIST"));
    assert.match(list, new RegExp(`^id=${bId} addr=127\\.0\\.0\\.1:\\d+ .*name=victim `, "m"));
    assert.equal(list.trimEnd().split("\n").length, 2);
    assert.equal(await a.call("CLIENT", "KILL", "ID", String(bId)), 1);
    assert.equal(await b.closedByServer(), true);
    assert.deepEqual(await a.call("PING"), { status: "PONG" });
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("redis-cli loads COMMAND DOCS without errors and prints help from it", async () => {
  const server = await startTestServer();
  try {
    const out = await redisCli(server.port, [], "COMMAND COUNT\nhelp CONFIG SET\nhelp WATCH\n");
    assert.match(out, /^\d+\n/);
    assert.equal(Number(out.split("\n")[0]), server.state.table.size);
    assert.match(out, /CONFIG SET.*parameter value \[parameter value \.\.\.\]/);
    assert.match(out, /WATCH.*key \[key \.\.\.\]/);
    assert.doesNotMatch(out, /ERR|Error|Unknown type/);
    for (const name of ["command|docs", "command|count"]) {
      const stat = server.state.commandStats.get(name);
      assert.ok(stat !== undefined && stat.calls >= 1 && stat.failed === 0, name);
    }
  } finally {
    await server.close();
  }
});

Deno.test("MULTI/EXEC, DISCARD and a WATCH conflict from a second client", async () => {
  const server = await startTestServer();
  const url = `redis://127.0.0.1:${server.port}`;
  const client = createClient({ url });
  const other = createClient({ url });
  try {
    await client.connect();
    await other.connect();
    assert.deepEqual(await client.multi().set("a", "1").get("a").ping().exec(), [
      "OK",
      "1",
      "PONG",
    ]);
    await client.watch("a");
    await other.set("a", "2");
    await assert.rejects(client.multi().set("a", "3").exec(), /WatchError|watched keys/i);
    assert.equal(await client.get("a"), "2");
    await client.watch("a");
    assert.deepEqual(await client.multi().set("a", "4").exec(), ["OK"]);
    assert.equal(await other.get("a"), "4");

    const raw = await RawClient.connect(server.port);
    try {
      assert.deepEqual(await raw.call("MULTI"), { status: "OK" });
      assert.deepEqual(await raw.call("SET", "b", "1"), { status: "QUEUED" });
      assert.deepEqual(await raw.call("DISCARD"), { status: "OK" });
      assert.equal(await raw.call("GET", "b"), null);
      assert.deepEqual(await raw.call("EXEC"), { error: "ERR EXEC without MULTI" });
    } finally {
      raw.close();
    }
  } finally {
    await client.close();
    await other.close();
    await server.close();
  }
});

Deno.test("EXEC answers EXECABORT after a command failed to queue", async () => {
  const server = await startTestServer();
  const raw = await RawClient.connect(server.port);
  try {
    await raw.call("MULTI");
    assert.deepEqual(await raw.call("SET", "k", "v"), { status: "QUEUED" });
    assert.deepEqual(await raw.call("ECHO"), {
      error: "ERR wrong number of arguments for 'echo' command",
    });
    assert.deepEqual(await raw.call("EXEC"), {
      error: "EXECABORT Transaction discarded because of previous errors.",
    });
    assert.equal(await raw.call("EXISTS", "k"), 0);
  } finally {
    raw.close();
    await server.close();
  }
});

Deno.test("MONITOR sees another client's commands", async () => {
  const server = await startTestServer();
  const monitor = await RawClient.connect(server.port);
  const other = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await monitor.call("MONITOR"), { status: "OK" });
    await other.call("ECHO", "watched");
    const line = await monitor.read() as { status: string };
    assert.match(line.status, /^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "ECHO" "watched"$/);
  } finally {
    monitor.close();
    other.close();
    await server.close();
  }
});

Deno.test("SLOWLOG with slowlog-log-slower-than 0 logs every command", async () => {
  const server = await startTestServer();
  const raw = await RawClient.connect(server.port);
  try {
    await raw.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await raw.call("SLOWLOG", "RESET");
    await raw.call("ECHO", "slow");
    const entries = await raw.call("SLOWLOG", "GET") as Wire[][];
    assert.deepEqual(entries[0]?.[3], ["ECHO", "slow"]);
    assert.match(String(entries[0]?.[4]), /^127\.0\.0\.1:\d+$/);
    assert.equal(typeof entries[0]?.[2], "number");
    assert.equal(await raw.call("SLOWLOG", "LEN"), 3);
  } finally {
    raw.close();
    await server.close();
  }
});

Deno.test("pipelined fast commands share clock readings yet each is counted and logged", async () => {
  const server = await startTestServer();
  const raw = await RawClient.connect(server.port);
  try {
    await raw.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await raw.call("CONFIG", "SET", "slowlog-max-len", "1000");
    await raw.call("SLOWLOG", "RESET");
    await raw.call("CONFIG", "RESETSTAT");
    // 100 SETs (fast) then a KEYS (not fast) in one write: more than one shared reading.
    const sets = Array.from({ length: 100 }, (_, i) => ["SET", `k${i}`, "v"]);
    await raw.send(encodePipeline([...sets, ["KEYS", "k1"], ["GET", "k1"]]));
    for (let i = 0; i < 102; i++) await raw.read();
    const stats = String(await raw.call("INFO", "commandstats"));
    const setUsec = Number(/cmdstat_set:calls=100,usec=(\d+),/.exec(stats)?.[1]);
    assert.match(stats, /cmdstat_keys:calls=1,/);
    assert.match(stats, /cmdstat_get:calls=1,/);
    const entries = await raw.call("SLOWLOG", "GET", "-1") as Wire[][];
    const logged = entries.map((e) => (e[3] as string[])[0]);
    // Shares are whole microseconds that add up: the slowlog's SET times sum to commandstats'.
    const loggedSetUsec = entries.filter((e) => (e[3] as string[])[0] === "SET")
      .reduce((sum, e) => sum + (e[2] as number), 0);
    assert.equal(loggedSetUsec, setUsec);
    // Newest first: every command once, in order.
    assert.deepEqual(logged, [
      "INFO",
      "GET",
      "KEYS",
      ...Array.from({ length: 100 }, () => "SET"),
      "CONFIG",
      "SLOWLOG",
    ]);
  } finally {
    raw.close();
    await server.close();
  }
});

Deno.test("maxclients refuses one client too many with Redis's error, then serves again", async () => {
  const server = await startTestServer({ maxclients: 2 });
  const a = await RawClient.connect(server.port);
  const b = await RawClient.connect(server.port);
  try {
    assert.deepEqual(await a.call("PING"), { status: "PONG" });
    assert.deepEqual(await b.call("PING"), { status: "PONG" });
    const c = await RawClient.connect(server.port);
    assert.deepEqual(await c.read(), { error: "ERR max number of clients reached" });
    assert.equal(await c.closedByServer(), true);
    c.close();
    assert.match(String(await a.call("INFO", "stats")), /rejected_connections:1\r\n/);
    b.close();
    // Give the server a moment to see b go, then a new client fits again.
    for (let tries = 0; tries < 50; tries++) {
      const d = await RawClient.connect(server.port);
      const reply = await d.call("PING");
      d.close();
      if (JSON.stringify(reply) === JSON.stringify({ status: "PONG" })) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail("no client was accepted after one left");
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});

Deno.test("SHUTDOWN NOSAVE from redis-cli stops the server", async () => {
  const server = await startTestServer();
  try {
    const out = await redisCli(server.port, ["SHUTDOWN", "NOSAVE"]);
    assert.equal(out.trim(), "");
    const stopped = await Promise.race([
      server.done.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    assert.equal(stopped, true);
    await assert.rejects(RawClient.connect(server.port));
  } finally {
    await server.close();
  }
});

Deno.test("CLUSTER KEYSLOT/SLOTS in redis-cli and a node-redis cluster client", async () => {
  const server = await startTestServer();
  const cluster = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${server.port}` }] });
  try {
    assert.equal((await redisCli(server.port, ["CLUSTER", "KEYSLOT", "foo"])).trim(), "12182");
    const slots = (await redisCli(server.port, ["CLUSTER", "SLOTS"])).trim().split("\n");
    assert.deepEqual(slots, ["0", "16383", "127.0.0.1", String(server.port), server.state.runId]);
    await cluster.connect();
    await cluster.set("{user1000}.following", "x");
    assert.equal(await cluster.get("{user1000}.following"), "x");
    assert.equal(await cluster.sendCommand("k", true, ["CLUSTER", "KEYSLOT", "k"]), 7629);
  } finally {
    await cluster.close();
    await server.close();
  }
});

Deno.test("COMMAND GETKEYS finds every key of AI commands, in redis-cli and node-redis", async () => {
  const server = await startTestServer();
  const client = createClient({ url: `redis://127.0.0.1:${server.port}` });
  try {
    await client.connect();
    const cli = async (...args: string[]) => (await redisCli(server.port, args)).trim();
    assert.equal(
      await cli(
        "COMMAND",
        "GETKEYS",
        "AI.DAGEXECUTE",
        "ROUTING",
        "{a}k",
        "|>",
        "AI.TENSORGET",
        "x",
      ),
      "{a}k",
    );
    assert.equal(
      await cli(
        "COMMAND",
        "GETKEYS",
        "AI.SCRIPTEXECUTE",
        "s",
        "f",
        "INPUTS",
        "1",
        "a",
        "OUTPUTS",
        "1",
        "b",
      ),
      "s\na\nb",
    );
    assert.equal(
      await cli("COMMAND", "GETKEYS", "AI.MODELEXECUTE", "m"),
      "ERR Invalid arguments specified for command",
    );
    assert.deepEqual(
      await client.commandGetKeys(["AI.MODELRUN", "m", "INPUTS", "a", "b", "OUTPUTS", "c"]),
      ["m", "a", "b", "c"],
    );
    assert.deepEqual(
      await client.commandGetKeysAndFlags([
        "AI.DAGEXECUTE_RO",
        "LOAD",
        "1",
        "t",
        "|>",
        "AI.MODELEXECUTE",
        "m",
      ]),
      [
        { key: "t", flags: ["RW", "access", "update", "variable_flags"] },
        { key: "m", flags: ["RW", "access", "update", "variable_flags"] },
      ],
    );
    const [info] = await client.commandInfo(["ai.modelexecute"]);
    assert.ok([...(info?.flags ?? [])].map(String).includes("movablekeys"));
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("RESP3 after HELLO 3: maps, sets and verbatim text", async () => {
  const server = await startTestServer();
  const raw = await RawClient.connect(server.port);
  try {
    const hello = await raw.call("HELLO", "3") as { map: [Wire, Wire][] };
    assert.ok(hello.map.some(([k, v]) => k === "proto" && v === 3));
    assert.deepEqual(await raw.call("CONFIG", "GET", "maxmemory"), { map: [["maxmemory", "0"]] });
    const info = await raw.call("INFO", "cluster");
    assert.deepEqual(info, { verbatim: "# Cluster\r\ncluster_enabled:1\r\n" });
    const [shard] = await raw.call("CLUSTER", "SHARDS") as Wire[];
    assert.deepEqual((shard as { map: [Wire, Wire][] }).map[0], ["slots", [0, 16383]]);
    const docs = await raw.call("COMMAND", "DOCS", "multi") as { map: [Wire, Wire][] };
    assert.equal(docs.map[0]?.[0], "multi");
    const [entry] = await raw.call("COMMAND", "INFO", "multi") as Wire[][];
    assert.deepEqual(entry?.[6], { set: [{ status: "@transaction" }, { status: "@fast" }] });
    const clientInfo = await raw.call("CLIENT", "INFO") as { verbatim: string };
    assert.match(clientInfo.verbatim, / cmd=client\|info .*resp=3 /);
  } finally {
    raw.close();
    await server.close();
  }
});
