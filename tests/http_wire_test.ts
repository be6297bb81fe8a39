/**
 * The HTTP/1.1 server on the wire, driven over raw sockets: keep-alive and pipelined requests,
 * `Expect: 100-continue`, chunked request bodies, HEAD, HTTP/1.0, and malformed input, which
 * gets a 4xx and a closed connection while the server keeps serving everyone else.
 */
import assert from "node:assert/strict";
import { concatBytes } from "../core/bytes.ts";
import { buildCommandTable } from "../core/commands/all.ts";
import { defaultConfig } from "../core/config.ts";
import { ServerState } from "../core/server_state.ts";
import { HttpServer } from "../protocol/http/http_server.ts";
import { curl, startHttpServer } from "./helpers/http.ts";
import { RawClient } from "./helpers/raw_client.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface RawResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: Uint8Array;
}

/** A keep-alive HTTP/1.1 connection that sends raw bytes and reads responses one at a time. */
class RawHttp {
  private buf = new Uint8Array(0);

  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<RawHttp> {
    return new RawHttp(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async send(bytes: Uint8Array | string): Promise<void> {
    const data = typeof bytes === "string" ? enc.encode(bytes) : bytes;
    for (let at = 0; at < data.length;) at += await this.conn.write(data.subarray(at));
  }

  /** Reads more bytes; false at end of stream. */
  private async more(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    this.buf = concatBytes([this.buf, chunk.subarray(0, n)]);
    return true;
  }

  /** The next response (`head`: it answers a HEAD, so no body follows its headers). */
  async response(head = false): Promise<RawResponse> {
    let end = -1;
    while ((end = dec.decode(this.buf).indexOf("\r\n\r\n")) < 0) {
      if (!(await this.more())) throw new Error("closed before a response");
    }
    const lines = dec.decode(this.buf.subarray(0, end)).split("\r\n");
    const status = Number((lines[0] ?? "").split(" ")[1]);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = head || status === 100 ? 0 : Number(headers.get("content-length") ?? 0);
    while (this.buf.length < end + 4 + length) {
      if (!(await this.more())) throw new Error("closed mid-body");
    }
    const body = this.buf.slice(end + 4, end + 4 + length);
    this.buf = this.buf.slice(end + 4 + length);
    return { status, headers, body };
  }

  /** True when the server closed the connection (nothing more to read). */
  async closed(): Promise<boolean> {
    return this.buf.length === 0 && !(await this.more());
  }

  close(): void {
    this.conn.close();
  }
}

const ping = enc.encode(JSON.stringify(["PING"]));

function post(path: string, body: Uint8Array, extra = ""): Uint8Array {
  const head = `POST ${path} HTTP/1.1\r\nhost: t\r\ncontent-length: ${body.length}\r\n${extra}\r\n`;
  return concatBytes([enc.encode(head), body]);
}

Deno.test("HTTP/1.1 keeps connections alive and answers pipelined requests in order", async () => {
  const server = await startHttpServer();
  const c = await RawHttp.open(server.httpPort);
  try {
    await c.send(concatBytes([
      post("/command", enc.encode(JSON.stringify(["SET", "k", "v1"]))),
      post("/command", enc.encode(JSON.stringify(["GET", "k"]))),
      enc.encode("GET /healthz HTTP/1.1\r\nhost: t\r\n\r\n"),
    ]));
    const set = await c.response();
    assert.equal(set.status, 200);
    assert.equal(dec.decode(set.body), '"OK"');
    assert.match(set.headers.get("date") ?? "", /GMT$/);
    assert.equal(set.headers.get("content-type"), "application/json");
    assert.equal(dec.decode((await c.response()).body), '"v1"');
    assert.deepEqual(JSON.parse(dec.decode((await c.response()).body)), { status: "ok" });
    // Head and body in separate writes, the body split too.
    const split = post("/command", ping);
    await c.send(split.subarray(0, 20));
    await c.send(split.subarray(20, split.length - 3));
    await c.send(split.subarray(split.length - 3));
    assert.equal(dec.decode((await c.response()).body), '"PONG"');
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("HTTP answers Expect: 100-continue, and reads chunked request bodies", async () => {
  const server = await startHttpServer();
  const c = await RawHttp.open(server.httpPort);
  try {
    await c.send(
      `POST /command HTTP/1.1\r\nhost: t\r\ncontent-length: ${ping.length}\r\n` +
        "expect: 100-continue\r\n\r\n",
    );
    assert.equal((await c.response()).status, 100);
    await c.send(ping);
    assert.equal(dec.decode((await c.response()).body), '"PONG"');
    // A big body is read as it is pulled: the 100 comes before the first read.
    const big = enc.encode(JSON.stringify(["ECHO", "x".repeat(200_000)]));
    await c.send(
      `POST /command HTTP/1.1\r\nhost: t\r\ncontent-length: ${big.length}\r\n` +
        "expect: 100-continue\r\n\r\n",
    );
    assert.equal((await c.response()).status, 100);
    await c.send(big);
    const echoed = await c.response();
    assert.equal(echoed.status, 200);
    assert.equal(JSON.parse(dec.decode(echoed.body)).length, 200_000);
    const body = dec.decode(ping);
    await c.send(
      "POST /command HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n" +
        `3;x=y\r\n${body.slice(0, 3)}\r\n${(body.length - 3).toString(16)}\r\n${
          body.slice(3)
        }\r\n` +
        "0\r\ntrailer: 1\r\n\r\n",
    );
    assert.equal(dec.decode((await c.response()).body), '"PONG"');
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("HTTP HEAD sends headers only; HTTP/1.0 closes after its response", async () => {
  const server = await startHttpServer();
  const c = await RawHttp.open(server.httpPort);
  try {
    const resp = await RawClient.connect(server.port);
    assert.deepEqual(await resp.call("AI.TENSORSET", "t", "FLOAT", "2", "VALUES", "1", "2"), {
      status: "OK",
    });
    resp.close();
    await c.send("HEAD /tensors/t HTTP/1.1\r\nhost: t\r\naccept: application/octet-stream\r\n\r\n");
    const head = await c.response(true);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("x-tensor-shape"), "2");
    assert.equal(head.headers.get("content-length"), "8");
    await c.send("GET /tensors/t HTTP/1.1\r\nhost: t\r\naccept: application/octet-stream\r\n\r\n");
    const got = await c.response();
    assert.deepEqual(got.body, new Uint8Array(new Float32Array([1, 2]).buffer));
    assert.equal(got.headers.get("content-length"), "8");
    for (const path of ["/v2", "/healthz", "/metrics"]) {
      await c.send(`HEAD ${path} HTTP/1.1\r\nhost: t\r\n\r\n`);
      const meta = await c.response(true);
      assert.equal(meta.status, 200, path);
      assert.ok(Number(meta.headers.get("content-length")) > 0, path);
    }
    await c.send("GET /healthz HTTP/1.0\r\n\r\n");
    const old = await c.response();
    assert.equal(old.status, 200);
    assert.equal(old.headers.get("connection"), "close");
    assert.equal(await c.closed(), true);
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("HTTP refuses malformed requests with 4xx and a close, and keeps serving", async () => {
  const server = await startHttpServer();
  try {
    const cases: [string, number, RegExp][] = [
      ["BAD REQUEST\r\n\r\n", 400, /bad request line/],
      ["GET / HTTP/1.1\r\n\r\n", 400, /one Host header/],
      ["GET / HTTP/3.0\r\nhost: t\r\n\r\n", 505, /version not supported/],
      ["GET /x HTTP/1.1\r\nhost: a b\r\n\r\n", 400, /bad request target/],
      [`GET / HTTP/1.1\r\nhost: t\r\nx: ${"a".repeat(70_000)}\r\n\r\n`, 431, /too large/],
      [
        "POST /command HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        400,
        /chunk/,
      ],
    ];
    for (const [request, status, message] of cases) {
      const c = await RawHttp.open(server.httpPort);
      try {
        await c.send(request);
        const r = await c.response();
        assert.equal(r.status, status, request.slice(0, 40));
        assert.match(JSON.parse(dec.decode(r.body)).error, message);
        assert.equal(await c.closed(), true);
      } finally {
        c.close();
      }
    }
    assert.equal((await curl(`${server.base}/healthz`)).status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("HTTP closes a connection whose refused upload was left unread", async () => {
  const server = await startHttpServer({ "proto-max-bulk-len": 100_000 });
  const c = await RawHttp.open(server.httpPort);
  try {
    await c.send("POST /command HTTP/1.1\r\nhost: t\r\ncontent-length: 200000\r\n\r\n");
    const r = await c.response();
    assert.equal(r.status, 413);
    assert.equal(r.headers.get("connection"), "close");
    assert.equal(await c.closed(), true);
  } finally {
    c.close();
    await server.close();
  }
});

Deno.test("HttpServer closes a connection whose request head stalls past the limit", async () => {
  const state = new ServerState(defaultConfig(), buildCommandTable());
  const http = new HttpServer(state, { hostname: "127.0.0.1", port: 0, stallMsMax: 40 });
  const stalled = await RawHttp.open(http.port);
  const idle = await RawHttp.open(http.port);
  try {
    await stalled.send("GET /healthz HTTP/1.1\r\nho");
    assert.equal(await stalled.closed(), true);
    // A connection idle between requests is not a stalled head: it still gets answers.
    await idle.send("GET /healthz HTTP/1.1\r\nhost: t\r\n\r\n");
    assert.equal((await idle.response()).status, 200);
  } finally {
    stalled.close();
    idle.close();
    await http.close();
  }
});

Deno.test("HttpServer.close() drops a client stuck mid-request instead of waiting for it", async () => {
  const state = new ServerState(defaultConfig(), buildCommandTable());
  const http = new HttpServer(state, { hostname: "127.0.0.1", port: 0 });
  const stuck = await RawHttp.open(http.port);
  try {
    await stuck.send('POST /command HTTP/1.1\r\nhost: t\r\ncontent-length: 10\r\n\r\n["PI');
    // Let the server read the head and start waiting for the rest of the body.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await http.close();
    assert.equal(await stuck.closed(), true);
  } finally {
    stuck.close();
  }
});

Deno.test("HttpServer disconnects a client that stops reading its response", async () => {
  const state = new ServerState(defaultConfig(), buildCommandTable());
  const http = new HttpServer(state, { hostname: "127.0.0.1", port: 0, stallMsMax: 100 });
  const bytes = 32 * 1024 * 1024;
  const writer = await RawHttp.open(http.port);
  const reader = await Deno.connect({ hostname: "127.0.0.1", port: http.port });
  try {
    await writer.send(
      `PUT /tensors/big HTTP/1.1\r\nhost: t\r\ncontent-type: application/octet-stream\r\n` +
        `x-tensor-dtype: UINT8\r\nx-tensor-shape: ${bytes}\r\ncontent-length: ${bytes}\r\n\r\n`,
    );
    await writer.send(new Uint8Array(bytes));
    assert.equal((await writer.response()).status, 200);
    const get = "GET /tensors/big HTTP/1.1\r\nhost: t\r\naccept: application/octet-stream\r\n\r\n";
    await reader.write(new TextEncoder().encode(get));
    // Read nothing for a while: the socket buffers fill, the server's write waits, and the
    // stall limit closes the connection. What arrives after is less than the whole body.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let received = 0;
    const chunk = new Uint8Array(1024 * 1024);
    for (
      let n = await reader.read(chunk);
      n !== null;
      n = await reader.read(chunk).catch(() => null)
    ) {
      received += n;
    }
    assert.ok(received < bytes, `received ${received} of ${bytes} bytes`);
  } finally {
    writer.close();
    reader.close();
    await http.close();
  }
});
