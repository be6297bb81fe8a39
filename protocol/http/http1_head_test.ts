import assert from "node:assert/strict";
import { HttpError } from "./errors.ts";
import { headEnd, parseHead } from "./http1_head.ts";

const enc = new TextEncoder();
const head = (text: string) => parseHead(enc.encode(text));

function refuses(text: string, status: number, message: RegExp): void {
  assert.throws(() => head(text), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, status);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("headEnd() finds the blank line that ends a head, or -1", () => {
  const bytes = enc.encode("GET / HTTP/1.1\r\nhost: a\r\n\r\nBODY");
  assert.equal(headEnd(bytes, 0, bytes.length), bytes.length - 4);
  assert.equal(headEnd(bytes, 0, bytes.length - 5), -1);
  // A scan may resume three bytes before where the last one stopped.
  assert.equal(headEnd(bytes, 20, bytes.length), bytes.length - 4);
  assert.equal(headEnd(enc.encode("GET / HTTP/1.1\n\n"), 0, 16), -1);
});

Deno.test("parseHead() reads the request line, fields and framing", () => {
  const h = head(
    "POST /v2/models/m/infer?x=1 HTTP/1.1\r\nHost: example:8080\r\nContent-Length: 12\r\n" +
      "X-Thing:   padded value \t\r\nx-thing: second\r\n\r\n",
  );
  assert.equal(h.method, "POST");
  assert.equal(h.target, "/v2/models/m/infer?x=1");
  assert.equal(h.host, "example:8080");
  assert.deepEqual(h.body, { kind: "length", bytes: 12 });
  assert.deepEqual(h.headers.slice(2), [["x-thing", "padded value"], ["x-thing", "second"]]);
  assert.equal(h.keepAlive, true);
  assert.equal(h.expectContinue, false);
});

Deno.test("parseHead() decides keep-alive by version and Connection", () => {
  assert.equal(head("GET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n").keepAlive, false);
  assert.equal(head("GET / HTTP/1.0\r\n\r\n").keepAlive, false);
  assert.equal(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive, true);
  assert.equal(head("GET / HTTP/1.0\r\n\r\n").host, undefined);
});

Deno.test("parseHead() takes chunked framing, and closes when Content-Length comes too", () => {
  const chunked = head("PUT /t HTTP/1.1\r\nhost: a\r\ntransfer-encoding: Chunked\r\n\r\n");
  assert.deepEqual(chunked.body, { kind: "chunked" });
  assert.equal(chunked.keepAlive, true);
  const both = head(
    "PUT /t HTTP/1.1\r\nhost: a\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n",
  );
  assert.deepEqual(both.body, { kind: "chunked" });
  assert.equal(both.keepAlive, false);
  const expect = head("PUT /t HTTP/1.1\r\nhost: a\r\nexpect: 100-Continue\r\n\r\n");
  assert.equal(expect.expectContinue, true);
  assert.deepEqual(head("PUT /t HTTP/1.1\r\nhost: a\r\ncontent-length: 5, 5\r\n\r\n").body, {
    kind: "length",
    bytes: 5,
  });
});

Deno.test("parseHead() refuses ambiguous or malformed heads with RFC 9112's statuses", () => {
  refuses("GET /\r\n\r\n", 400, /bad request line/);
  refuses("GET  / HTTP/1.1\r\nhost: a\r\n\r\n", 400, /bad request line/);
  refuses("G(T / HTTP/1.1\r\nhost: a\r\n\r\n", 400, /bad request line/);
  refuses("GET / HTTP/2.0\r\nhost: a\r\n\r\n", 505, /version not supported/);
  refuses("GET / HTTX/1.1\r\nhost: a\r\n\r\n", 400, /bad HTTP version/);
  refuses("GET / HTTP/1.1\r\n\r\n", 400, /one Host header/);
  refuses("GET / HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n", 400, /one Host header/);
  refuses("GET / HTTP/1.1\r\nhost: a\r\n folded\r\n\r\n", 400, /bad header line/);
  refuses("GET / HTTP/1.1\r\nhost : a\r\n\r\n", 400, /bad header name/);
  refuses("GET / HTTP/1.1\r\nhost: a\r\nx: a\x00b\r\n\r\n", 400, /bad value for header 'x'/);
  refuses("PUT / HTTP/1.1\r\nhost: a\r\ncontent-length: 5, 6\r\n\r\n", 400, /Content-Length/);
  refuses("PUT / HTTP/1.1\r\nhost: a\r\ncontent-length: -1\r\n\r\n", 400, /Content-Length/);
  refuses(
    "PUT / HTTP/1.1\r\nhost: a\r\ncontent-length: 99999999999999999999\r\n\r\n",
    400,
    /Content-Length/,
  );
  refuses("PUT / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip\r\n\r\n", 400, /end in chunked/);
  refuses(
    "PUT / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n",
    501,
    /unsupported transfer coding/,
  );
});
