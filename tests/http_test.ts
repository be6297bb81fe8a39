/**
 * The HTTP server's framework, driven with curl and fetch against a real server: auth, the
 * JSON form of replies on `POST /command`, the error table, routing errors, limits, health and
 * Prometheus metrics.
 */
import assert from "node:assert/strict";
import { buildCommandTable } from "../core/commands/all.ts";
import { defaultConfig } from "../core/config.ts";
import { ServerState } from "../core/server_state.ts";
import { httpApp } from "../protocol/http/app.ts";
import { curl, parsePrometheus, startHttpServer } from "./helpers/http.ts";
import { RawClient } from "./helpers/raw_client.ts";
import { redisCli } from "./helpers/server.ts";

const json = (
  body: unknown,
) => ["-H", "content-type: application/json", "-d", JSON.stringify(body)];

Deno.test("HTTP requires the bearer token when requirepass is set, and leaks nothing", async () => {
  const server = await startHttpServer({ requirepass: "s3cret" });
  try {
    const health = await curl(`${server.base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.text), { status: "ok" });
    for (
      const auth of [[], ["-H", "Authorization: Bearer wrong"], ["-H", "Authorization: Basic x"]]
    ) {
      const denied = await curl(`${server.base}/command`, [...auth, ...json(["PING"])]);
      assert.equal(denied.status, 401);
      assert.deepEqual(JSON.parse(denied.text), { error: "ERR authentication required" });
      assert.equal(denied.headers.get("www-authenticate"), "Bearer");
    }
    const metrics = await curl(`${server.base}/metrics`);
    assert.equal(metrics.status, 401);
    const ok = await curl(`${server.base}/command`, [
      "-H",
      "Authorization: Bearer s3cret",
      ...json(["PING"]),
    ]);
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.text), "PONG");
  } finally {
    await server.close();
  }
});

Deno.test("POST /command answers every reply kind as JSON, errors with their status", async () => {
  const server = await startHttpServer();
  const post = async (body: unknown) => {
    const r = await fetch(`${server.base}/command`, { method: "POST", body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  try {
    assert.deepEqual(await post(["PING"]), { status: 200, body: "PONG" });
    assert.deepEqual(await post(["ECHO", 42]), { status: 200, body: "42" });
    assert.deepEqual(await post(["ECHO", { base64: "/wA=" }]), {
      status: 200,
      body: { base64: "/wA=" },
    });
    const hello = await post(["HELLO", "3"]);
    assert.equal(hello.status, 200);
    assert.equal(hello.body.proto, 3);
    assert.equal(hello.body.server, "redis");
    assert.deepEqual(await post([["ECHO", "a"], ["PING"], ["NOSUCH"]]), {
      status: 200,
      body: ["a", "PONG", { error: "ERR unknown command 'NOSUCH', with args beginning with: " }],
    });
    assert.deepEqual(await post([["MULTI"], ["SET", "k", "1"], ["INCR", "k"], ["EXEC"]]), {
      status: 200,
      body: ["OK", "QUEUED", "QUEUED", ["OK", 2]],
    });
    assert.deepEqual(await post(["GET", "k"]), { status: 200, body: "2" });
    assert.deepEqual(await post(["MONITOR"]), { status: 200, body: "OK" });
    assert.equal(server.state.monitors.size, 0);
    const unknown = await post(["NOSUCH", "x"]);
    assert.equal(unknown.status, 400);
    assert.equal(
      unknown.body.error,
      "ERR unknown command 'NOSUCH', with args beginning with: 'x' ",
    );
    const missing = await post(["AI.TENSORGET", "nope"]);
    assert.deepEqual(missing, {
      status: 404,
      body: { error: "ERR tensor key is empty or in a different shard" },
    });
    const arity = await post(["ECHO"]);
    assert.deepEqual(arity, {
      status: 400,
      body: { error: "ERR wrong number of arguments for 'echo' command" },
    });
    assert.equal((await post({ not: "an array" })).status, 400);
    assert.equal((await post([["PING"], "mixed"])).status, 400);
    assert.equal((await post(["ECHO", [1]])).status, 400);
    const malformed = await curl(`${server.base}/command`, ["-d", '["PING"']);
    assert.equal(malformed.status, 400);
    assert.match(JSON.parse(malformed.text).error, /^ERR invalid JSON body/);
  } finally {
    await server.close();
  }
});

Deno.test("HTTP answers 404 for unknown routes, 405 with Allow for wrong methods", async () => {
  const server = await startHttpServer();
  try {
    const missing = await curl(`${server.base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { error: "ERR no such route" });
    const method = await curl(`${server.base}/healthz`, ["-X", "DELETE"]);
    assert.equal(method.status, 405);
    assert.equal(method.headers.get("allow"), "GET, HEAD");
  } finally {
    await server.close();
  }
});

Deno.test("HTTP refuses oversize bodies (413) and headers (431)", async () => {
  const server = await startHttpServer({ "proto-max-bulk-len": 1024 * 1024 });
  try {
    const big = new Uint8Array(1024 * 1024 + 1).fill(32);
    const r = await fetch(`${server.base}/command`, { method: "POST", body: big });
    assert.equal(r.status, 413);
    assert.match((await r.json()).error, /exceeds the limit of 1048576 bytes/);
    const chunked = await fetch(`${server.base}/command`, {
      method: "POST",
      body: ReadableStream.from([big.subarray(0, 600_000), big.subarray(600_000)]),
    });
    assert.equal(chunked.status, 413);
    await chunked.body?.cancel();
    const headers = await fetch(`${server.base}/healthz`, {
      headers: { "x-filler": "a".repeat(40 * 1024) },
    });
    assert.equal(headers.status, 431);
    await headers.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("HTTP inflates gzip and deflate request bodies, and refuses other codings (415)", async () => {
  const server = await startHttpServer({ "proto-max-bulk-len": 1024 * 1024 });
  const post = async (
    path: string,
    body: Uint8Array<ArrayBuffer>,
    headers: Record<string, string>,
  ) => {
    const r = await fetch(`${server.base}${path}`, { method: "POST", body, headers });
    return { status: r.status, body: await r.json() };
  };
  const compress = (bytes: Uint8Array<ArrayBuffer>, format: CompressionFormat) =>
    new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream(format))).bytes();
  try {
    const ping = new TextEncoder().encode('["PING"]');
    for (const coding of ["gzip", "deflate"] as const) {
      const body = await compress(ping, coding);
      assert.deepEqual(await post("/command", body, { "content-encoding": coding }), {
        status: 200,
        body: "PONG",
      });
    }
    assert.deepEqual(await post("/command", ping, { "content-encoding": "br" }), {
      status: 415,
      body: { error: "ERR unsupported content coding 'br' (use gzip, deflate or identity)" },
    });
    assert.deepEqual(await post("/command", ping, { "content-encoding": "gzip" }), {
      status: 400,
      body: { error: "ERR the request body is not valid gzip" },
    });
    const bomb = await compress(new Uint8Array(2 * 1024 * 1024).fill(32), "gzip");
    const big = await post("/command", bomb, { "content-encoding": "gzip" });
    assert.equal(big.status, 413);
    assert.equal((await post("/command", ping, { "content-encoding": "identity" })).body, "PONG");
  } finally {
    await server.close();
  }
});

Deno.test("httpApp() answers 408 when a body stalls past the idle limit", async () => {
  const state = new ServerState(defaultConfig(), buildCommandTable());
  const app = httpApp(state, { bodyIdleMs: 20 });
  const stalled = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('["PI'));
    },
  });
  try {
    const r = await app(new Request("http://x/command", { method: "POST", body: stalled }));
    assert.equal(r.status, 408);
    assert.deepEqual(await r.json(), { error: "ERR timed out waiting for the request body" });
    const small = new Request("http://x/command", {
      method: "POST",
      headers: { "content-length": "10" },
      body: new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('["PI'));
        },
      }),
    });
    assert.equal((await app(small)).status, 408);
  } finally {
    app.close();
  }
});

Deno.test("GET /metrics is Prometheus text and its counters move", async () => {
  const server = await startHttpServer();
  try {
    await redisCli(server.port, ["PING"]);
    const before = parsePrometheus((await curl(`${server.base}/metrics`)).text);
    const pings = before.get('inferdb_command_calls_total{command="ping"}');
    assert.equal(pings, 1);
    await redisCli(server.port, ["PING"]);
    await redisCli(server.port, ["NOSUCHCMD"]);
    const res = await curl(`${server.base}/metrics`);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const after = parsePrometheus(res.text);
    assert.equal(after.get('inferdb_command_calls_total{command="ping"}'), 2);
    assert.equal(after.get('inferdb_command_duration_seconds_count{command="ping"}'), 2);
    assert.equal(
      after.get('inferdb_command_duration_seconds_bucket{command="ping",le="+Inf"}'),
      2,
    );
    assert.equal(after.get('inferdb_errors_total{code="ERR"}'), 1);
    assert.equal(
      after.get('inferdb_http_requests_total{route="GET /metrics",status="200"}'),
      1,
    );
    assert.ok((after.get("inferdb_process_resident_memory_bytes") ?? 0) > 0);
    assert.ok(after.has("inferdb_connected_clients"));
    const changes = "inferdb_persistence_rdb_changes_since_last_save";
    assert.equal(after.get("inferdb_persistence_rdb_last_bgsave_status"), 1);
    await redisCli(server.port, ["SET", "a", "1"]);
    const later = parsePrometheus((await curl(`${server.base}/metrics`)).text);
    assert.equal(later.get(changes), (after.get(changes) ?? NaN) + 1);
    assert.equal(later.get('inferdb_keys{db="0"}'), 1);
    assert.ok(after.has("inferdb_tensor_bytes"));
  } finally {
    await server.close();
  }
});

Deno.test("GET /metrics gives every model key its own series, binary keys included", async () => {
  const server = await startHttpServer();
  const resp = await RawClient.connect(server.port);
  try {
    const onnx = await Deno.readFile(
      new URL("../../shared/testdata/redisai/mul_1.onnx", import.meta.url),
    );
    const keys = [[0x78, 0xfe], [0x78, 0xff], [0x78, 0x25, 0x46, 0x46], [0x6d]];
    for (const key of keys) {
      const stored = await resp.call(
        "AI.MODELSTORE",
        new Uint8Array(key),
        "ONNX",
        "CPU",
        "BLOB",
        onnx,
      );
      assert.deepEqual(stored, { status: "OK" });
    }
    const metrics = parsePrometheus((await curl(`${server.base}/metrics`)).text);
    const runs = [...metrics.keys()].filter((s) => s.startsWith("inferdb_ai_runs_total{"));
    assert.deepEqual(runs.sort(), [
      'inferdb_ai_runs_total{db="0",key="m",type="model"}',
      'inferdb_ai_runs_total{db="0",key="x%25FF",type="model"}',
      'inferdb_ai_runs_total{db="0",key="x%FE",type="model"}',
      'inferdb_ai_runs_total{db="0",key="x%FF",type="model"}',
    ]);
  } finally {
    resp.close();
    await server.close();
  }
});

Deno.test("GET /keys pages with SCAN (match, type, cursor); ?db= selects the database", async () => {
  const server = await startHttpServer();
  try {
    for (let i = 0; i < 30; i++) await redisCli(server.port, ["SET", `user:${i}`, "x"]);
    await redisCli(server.port, ["HSET", "user:h", "f", "v"]);
    await redisCli(server.port, ["-n", "3", "SET", "elsewhere", "x"]);
    const seen = new Set<string>();
    let cursor = "0";
    do {
      const page = await (await fetch(`${server.base}/keys?match=user:*&cursor=${cursor}&count=7`))
        .json();
      for (const key of page.keys) seen.add(key);
      cursor = page.cursor;
    } while (cursor !== "0");
    assert.equal(seen.size, 31);
    const hashes = await (await fetch(`${server.base}/keys?type=hash&count=100`)).json();
    assert.deepEqual(hashes, { cursor: "0", keys: ["user:h"] });
    const db3 = await (await fetch(`${server.base}/keys?db=3`)).json();
    assert.deepEqual(db3.keys, ["elsewhere"]);
    const badDb = await fetch(`${server.base}/keys?db=99`);
    assert.equal(badDb.status, 400);
    assert.deepEqual(await badDb.json(), { error: "ERR DB index is out of range" });
  } finally {
    await server.close();
  }
});

Deno.test("SHUTDOWN sent over HTTP answers OK and stops the server", async () => {
  const server = await startHttpServer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const r = await curl(`${server.base}/command`, ["-m", "10", ...json(["SHUTDOWN", "NOSAVE"])]);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text), "OK");
    // Closing waits for the requests being answered; this one must not wait on itself.
    const stuck = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("still running after 10 s"), 10_000);
    });
    assert.equal(await Promise.race([server.done.then(() => "stopped"), stuck]), "stopped");
  } finally {
    clearTimeout(timer);
    await server.close();
  }
});
