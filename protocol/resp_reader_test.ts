import assert from "node:assert/strict";
import { ProtocolError, RespReader, RespReaderLimits, splitInline } from "./resp_reader.ts";
import { concatBytes } from "../core/bytes.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const LIMITS: RespReaderLimits = { bulkBytesMax: 512 * 1024 * 1024 };

/** Encodes a request as a RESP multibulk. */
function multibulk(args: readonly (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const bytes = typeof a === "string" ? enc.encode(a) : a;
    parts.push(enc.encode(`$${bytes.length}\r\n`), bytes, enc.encode("\r\n"));
  }
  return concatBytes(parts);
}

/** Every request the reader yields for `input` fed at once, as text. */
function readAll(input: Uint8Array | string, limits = LIMITS): string[][] {
  const reader = new RespReader(limits);
  reader.feed(typeof input === "string" ? enc.encode(input) : input);
  const out: string[][] = [];
  for (let args = reader.next(); args !== undefined; args = reader.next()) {
    out.push(args.map((a) => dec.decode(a)));
  }
  return out;
}

function protocolError(input: Uint8Array | string, limits = LIMITS): string {
  try {
    readAll(input, limits);
  } catch (e) {
    assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${e}`);
    return e.message;
  }
  throw new Error("expected a protocol error");
}

Deno.test("RespReader next() reads multibulk requests and skips empty ones", () => {
  const input =
    "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*0\r\n*-1\r\n*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\nv\n\r\n";
  assert.deepEqual(readAll(input), [["GET", "k"], ["SET", "", "v\n"]]);
});

Deno.test("RespReader next() reads inline commands, skipping blank lines", () => {
  assert.deepEqual(readAll("PING\r\n\r\n\nSET k v\nGET  k \r\n"), [["PING"], ["SET", "k", "v"], [
    "GET",
    "k",
  ]]);
  assert.deepEqual(readAll("SET \"a b\" 'c d'\r\n*1\r\n$4\r\nPING\r\n"), [["SET", "a b", "c d"], [
    "PING",
  ]]);
  assert.deepEqual(readAll("PING"), [], "an inline command waits for its newline");
});

Deno.test("splitInline() follows sdssplitargs quoting and escapes", () => {
  const cases: [string, string[]][] = [
    ["a b  c", ["a", "b", "c"]],
    ['"a b" c', ["a b", "c"]],
    ["'a b' c", ["a b", "c"]],
    ['a"b c"', ["ab c"]],
    ['"a\\x41\\n\\"z"', ['aA\n"z']],
    ["'it\\'s' '\\n'", ["it's", "\\n"]],
    ['"\\q\\x4g"', ["qx4g"]],
    ["x\ty\x0bz", ["x", "y\x0bz"]],
    ["\"\" ''", ["", ""]],
    ['"a"\x0bb', ["a", "b"]],
    ["a\\b", ["a\\b"]],
    ['"x\\\\y"', ["x\\y"]],
    ["a\0b c", ["a"]],
    ["   ", []],
  ];
  for (const [line, want] of cases) {
    assert.deepEqual(splitInline(enc.encode(line)).map((a) => dec.decode(a)), want, line);
  }
  for (const line of ['"a"b', '"abc', "'abc", '"trail\\"', "a'b"]) {
    assert.throws(
      () => splitInline(enc.encode(line)),
      (e) =>
        e instanceof ProtocolError && e.message === "Protocol error: unbalanced quotes in request",
      line,
    );
  }
});

Deno.test("splitInline() returns unquoted tokens as views of the line", () => {
  const line = enc.encode('SET key "quoted"');
  const [cmd, key] = splitInline(line);
  assert.equal(cmd?.buffer, line.buffer);
  assert.equal(key?.byteOffset, 4);
});

Deno.test("RespReader refuses bad input with Redis's error texts", () => {
  const multibulk = "Protocol error: invalid multibulk length";
  const bulk = "Protocol error: invalid bulk length";
  const cases: [string, string][] = [
    ["*abc\r\n", multibulk],
    ["*1x\r\n", multibulk],
    ["*\r\n", multibulk],
    ["*01\r\n", multibulk],
    ["*-0\r\n", multibulk],
    ["*+1\r\n", multibulk],
    ["*1\n$1\r\na\r\n", multibulk],
    ["*12345678901234567\r\n", multibulk],
    ["*1048577\r\n", multibulk],
    ["*1\r\n$abc\r\n", bulk],
    ["*1\r\n$-1\r\n", bulk],
    ["*1\r\n$01\r\na\r\n", bulk],
    ["*1\r\n$\r\n", bulk],
    ["*1\r\n$2000\r\n", bulk],
    ["*2\r\n$1\r\na\r\nx\r\n", "Protocol error: expected '$', got 'x'"],
    ["*1\r\n:1\r\n", "Protocol error: expected '$', got ':'"],
    ['SET "a\r\n', "Protocol error: unbalanced quotes in request"],
  ];
  for (const [input, message] of cases) {
    assert.equal(protocolError(input, { bulkBytesMax: 1024 }), message, JSON.stringify(input));
  }
  const longLine = "x".repeat(64 * 1024 + 1);
  assert.equal(protocolError(longLine), "Protocol error: too big inline request");
  assert.deepEqual(readAll(`ECHO ${"y".repeat(1000)}\r\n`)[0]?.[1]?.length, 1000);
  assert.equal(
    protocolError("x".repeat(101), { bulkBytesMax: 1024, inlineBytesMax: 100 }),
    "Protocol error: too big inline request",
  );
  assert.equal(
    protocolError("*3\r\n", { bulkBytesMax: 1024, argCountMax: 2 }),
    "Protocol error: invalid multibulk length",
  );
});

Deno.test("RespReader gives big arguments a buffer of their own", () => {
  const big = new Uint8Array(40_000).map((_, i) => i % 251);
  const edge = new Uint8Array(32 * 1024).fill(7);
  const small = new Uint8Array(32 * 1024 - 1).fill(9);
  const stream = multibulk(["SET", "k", big, edge, small]);
  const reader = new RespReader(LIMITS);
  // Socket-style: read into writable() regions in odd-sized pieces.
  let offset = 0;
  let args: Uint8Array[] | undefined;
  while (args === undefined) {
    const region = reader.writable();
    const n = Math.min(region.length, 1000, stream.length - offset);
    region.set(stream.subarray(offset, offset + n));
    reader.commit(n);
    offset += n;
    args = reader.next();
  }
  assert.equal(offset, stream.length);
  const [, , gotBig, gotEdge, gotSmall] = args;
  for (const [got, want] of [[gotBig, big], [gotEdge, edge]] as const) {
    assert.ok(got !== undefined);
    assert.equal(got.byteOffset, 0);
    assert.equal(got.buffer.byteLength, want.length);
    assert.deepEqual(got, want);
  }
  assert.ok(
    gotSmall !== undefined && gotSmall.buffer.byteLength > gotSmall.length,
    "below 32 KiB stays in the slab",
  );
  assert.deepEqual(gotSmall, small);
  assert.equal(reader.pendingBytes, 0);
});

Deno.test("RespReader feed() goes on past a big argument that is complete but unread", () => {
  const big = new Uint8Array(33_000).fill(1);
  const stream = concatBytes([multibulk(["SET", "k", big]), multibulk(["GET", "k"])]);
  assert.deepEqual(readAll(stream).map((args) => args.map((a) => a.length)), [[3, 1, 33_000], [
    3,
    1,
  ]]);
});

Deno.test("RespReader argument views stay valid after later reads", () => {
  const reader = new RespReader(LIMITS);
  reader.feed(multibulk(["SET", "first", "value-1"]));
  const first = reader.next();
  assert.ok(first !== undefined);
  // A partial request, then enough traffic to roll over several slabs.
  reader.feed(enc.encode("*2\r\n$4\r\nECHO\r\n$5\r\nhel"));
  assert.equal(reader.next(), undefined);
  const kept: Uint8Array[][] = [];
  reader.feed(enc.encode("lo\r\n"));
  for (let i = 0; i < 5000; i++) {
    reader.feed(multibulk(["SET", `key-${i}`, "x".repeat(i % 300)]));
    for (let args = reader.next(); args !== undefined; args = reader.next()) kept.push(args);
  }
  assert.deepEqual(first.map((a) => dec.decode(a)), ["SET", "first", "value-1"]);
  assert.deepEqual(kept[0]?.map((a) => dec.decode(a)), ["ECHO", "hello"]);
  assert.equal(kept.length, 5001);
  assert.deepEqual(kept[5000]?.map((a) => dec.decode(a)), ["SET", "key-4999", "x".repeat(199)]);
});

Deno.test("RespReader pendingBytes counts what an incomplete request holds", () => {
  const reader = new RespReader(LIMITS);
  reader.feed(enc.encode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva"));
  assert.equal(reader.next(), undefined);
  // Parsed arguments (SET, k) plus the unparsed tail ($5\r\nva).
  assert.equal(reader.pendingBytes, 3 + 1 + 6);
  reader.feed(enc.encode("lue\r\n"));
  assert.deepEqual(reader.next()?.map((a) => dec.decode(a)), ["SET", "k", "value"]);
  assert.equal(reader.pendingBytes, 0);
  reader.feed(enc.encode(`*2\r\n$40000\r\n${"z".repeat(1000)}`));
  assert.equal(reader.next(), undefined);
  assert.equal(reader.pendingBytes, 40000, "a big argument's buffer counts in full");
});
