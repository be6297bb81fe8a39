/**
 * Http1Input over scripted byte sources: random pipelined request streams (bodies by length,
 * small and large, and chunked with extensions and trailers) split at random points must give
 * the same heads and bodies for every split; truncated and misframed input must end in the
 * named HttpError. The fuzz test prints its seed; `SEED=n` replays it.
 */
import assert from "node:assert/strict";
import { concatBytes } from "../../core/bytes.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";
import { HttpError } from "./errors.ts";
import { ByteSource, HEAD_BYTES_MAX, Http1Input, SMALL_BODY_BYTES_MAX } from "./http1_input.ts";

const enc = new TextEncoder();

/** A source that hands out `bytes` in the given piece sizes, then end of stream. */
function scripted(bytes: Uint8Array, pieces: () => number): ByteSource {
  let at = 0;
  return {
    read(into: Uint8Array): Promise<number | null> {
      if (at === bytes.length) return Promise.resolve(null);
      const n = Math.min(into.length, bytes.length - at, Math.max(1, pieces()));
      into.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  };
}

const noContinue = () => Promise.resolve();

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return concatBytes(parts);
}

/** Reads the next request's body the way the server does. */
async function nextBody(input: Http1Input): Promise<Uint8Array | undefined> {
  const head = await input.head();
  if (head === null) return undefined;
  if (head.body.kind === "chunked") return await collect(input.chunked(noContinue));
  if (head.body.bytes <= SMALL_BODY_BYTES_MAX) return await input.receive(head.body.bytes);
  return await collect(input.fixed(head.body.bytes, noContinue));
}

Deno.test("Http1Input yields the same requests for every split of a pipelined stream", async () => {
  const seed = testSeed();
  console.log(`http1_input fuzz seed: ${seed} (replay with SEED=${seed})`);
  const rng = seededRandom(seed);
  for (let round = 0; round < 40; round++) {
    const bodies: Uint8Array[] = [];
    const wire: Uint8Array[] = [];
    for (let r = 0; r < 1 + rng.int(6); r++) {
      const size = rng.next() < 0.1 ? SMALL_BODY_BYTES_MAX + rng.int(200_000) : rng.int(3000);
      const body = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)));
      const full = size > body.length
        ? concatBytes([body, new Uint8Array(size - body.length)])
        : body;
      bodies.push(full);
      if (rng.next() < 0.5) {
        wire.push(enc.encode(`POST /r${r} HTTP/1.1\r\nhost: h\r\ncontent-length: ${size}\r\n\r\n`));
        wire.push(full);
        continue;
      }
      wire.push(
        enc.encode(`POST /r${r} HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n`),
      );
      for (let at = 0; at < full.length;) {
        const n = Math.min(full.length - at, 1 + rng.int(5000));
        wire.push(enc.encode(`${n.toString(16)}${rng.next() < 0.2 ? ";ext=1" : ""}\r\n`));
        wire.push(full.subarray(at, at + n), enc.encode("\r\n"));
        at += n;
      }
      wire.push(enc.encode(rng.next() < 0.3 ? "0\r\nx-trailer: 1\r\n\r\n" : "0\r\n\r\n"));
    }
    const maxPiece = [1, 7, 100, 70_000][rng.int(4)] as number;
    const input = new Http1Input(scripted(concatBytes(wire), () => 1 + rng.int(maxPiece)));
    for (const expected of bodies) assert.deepEqual(await nextBody(input), expected);
    assert.equal(await input.head(), null);
    assert.equal(input.broken, false);
  }
});

async function failsWith(text: string | Uint8Array, status: number, message: RegExp) {
  const bytes = typeof text === "string" ? enc.encode(text) : text;
  const input = new Http1Input(scripted(bytes, () => 10));
  await assert.rejects(nextBody(input), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, status);
    assert.match(e.message, message);
    return true;
  });
  return input;
}

Deno.test("Http1Input refuses truncated, oversize and misframed requests", async () => {
  await failsWith("GET / HTTP/1.1\r\nhost:", 400, /connection closed mid-head/);
  await failsWith(`GET / HTTP/1.1\r\nx: ${"a".repeat(HEAD_BYTES_MAX)}`, 431, /too large/);
  await failsWith("PUT / HTTP/1.1\r\nhost: h\r\ncontent-length: 10\r\n\r\nabc", 400, /mid-body/);
  const chunked = "PUT / HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n";
  assert.equal((await failsWith(`${chunked}zz\r\n`, 400, /bad chunk size/)).broken, true);
  await failsWith(`${chunked}3\r\nabcd\r\n0\r\n\r\n`, 400, /longer than its size/);
  await failsWith(`${chunked}3\nabc\r\n`, 400, /bare LF/);
  await failsWith(`${chunked}${"1".repeat(5000)}`, 400, /chunk line too long/);
  await failsWith(`${chunked}3\r\nab`, 400, /mid-body/);
});

Deno.test("Http1Input.fixed() calls beforeRead only when it must wait for the socket", async () => {
  let calls = 0;
  const beforeRead = () => {
    calls++;
    return Promise.resolve();
  };
  const here = enc.encode("PUT / HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\nabc");
  const whole = new Http1Input(scripted(here, () => here.length));
  await whole.head();
  assert.deepEqual(await collect(whole.fixed(3, beforeRead)), enc.encode("abc"));
  assert.equal(calls, 0);
  const split = new Http1Input(scripted(here, () => here.length - 2));
  await split.head();
  assert.deepEqual(await collect(split.fixed(3, beforeRead)), enc.encode("abc"));
  assert.equal(calls, 1);
});
