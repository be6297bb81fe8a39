import assert from "node:assert/strict";
import { CommandError } from "../core/errors.ts";
import {
  BoolReply,
  DoubleReply,
  MapReply,
  NullArrayReply,
  OK,
  PushReply,
  Reply,
  SetReply,
  Status,
  VerbatimReply,
} from "../core/reply.ts";
import { formatDouble, RespWriter } from "./resp_writer.ts";

const dec = new TextDecoder();

function encode(reply: Reply, protocol: 2 | 3): string {
  const writer = new RespWriter();
  writer.protocol = protocol;
  writer.write(reply);
  return writer.take().map((c) => dec.decode(c)).join("");
}

Deno.test("RespWriter write() encodes every reply kind in RESP2 and RESP3", () => {
  const cases: [string, Reply, string, string][] = [
    ["nil", null, "$-1\r\n", "_\r\n"],
    ["null array", NullArrayReply.instance, "*-1\r\n", "_\r\n"],
    ["integer", 42, ":42\r\n", ":42\r\n"],
    ["negative integer", -7, ":-7\r\n", ":-7\r\n"],
    [
      "integers of many digits",
      [10, -99, 1234567, 2 ** 53 - 1],
      "*4\r\n:10\r\n:-99\r\n:1234567\r\n:9007199254740991\r\n",
      "*4\r\n:10\r\n:-99\r\n:1234567\r\n:9007199254740991\r\n",
    ],
    ["integer past 2^53", 2 ** 70, ":1180591620717411303424\r\n", ":1180591620717411303424\r\n"],
    ["bigint", 9223372036854775807n, ":9223372036854775807\r\n", ":9223372036854775807\r\n"],
    ["non-integer number", 1.5, "$3\r\n1.5\r\n", ",1.5\r\n"],
    ["text bulk", "héllo", "$6\r\nhéllo\r\n", "$6\r\nhéllo\r\n"],
    ["empty bulk", "", "$0\r\n\r\n", "$0\r\n\r\n"],
    ["binary bulk", new Uint8Array([0, 13, 10]), "$3\r\n\0\r\n\r\n", "$3\r\n\0\r\n\r\n"],
    ["array", [1, "a", null], "*3\r\n:1\r\n$1\r\na\r\n$-1\r\n", "*3\r\n:1\r\n$1\r\na\r\n_\r\n"],
    ["nested array", [[], [OK]], "*2\r\n*0\r\n*1\r\n+OK\r\n", "*2\r\n*0\r\n*1\r\n+OK\r\n"],
    ["status", new Status("QUEUED"), "+QUEUED\r\n", "+QUEUED\r\n"],
    ["error", new CommandError("ERR bad\r\nthing"), "-ERR bad  thing\r\n", "-ERR bad  thing\r\n"],
    [
      "map",
      new MapReply([["a", 1], ["b", [2]]]),
      "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n",
      "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n",
    ],
    ["empty map", new MapReply([]), "*0\r\n", "%0\r\n"],
    [
      "set",
      new SetReply(["x", "y"]),
      "*2\r\n$1\r\nx\r\n$1\r\ny\r\n",
      "~2\r\n$1\r\nx\r\n$1\r\ny\r\n",
    ],
    ["double", new DoubleReply(3.25), "$4\r\n3.25\r\n", ",3.25\r\n"],
    ["double inf", new DoubleReply(Infinity), "$3\r\ninf\r\n", ",inf\r\n"],
    ["double -inf", new DoubleReply(-Infinity), "$4\r\n-inf\r\n", ",-inf\r\n"],
    ["double nan", new DoubleReply(NaN), "$3\r\nnan\r\n", ",nan\r\n"],
    ["bool true", new BoolReply(true), ":1\r\n", "#t\r\n"],
    ["bool false", new BoolReply(false), ":0\r\n", "#f\r\n"],
    ["verbatim", new VerbatimReply("a\r\nb"), "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n"],
    ["push", new PushReply(["m", 1]), "*2\r\n$1\r\nm\r\n:1\r\n", ">2\r\n$1\r\nm\r\n:1\r\n"],
  ];
  for (const [name, reply, resp2, resp3] of cases) {
    assert.equal(encode(reply, 2), resp2, `${name} (RESP2)`);
    assert.equal(encode(reply, 3), resp3, `${name} (RESP3)`);
  }
});

Deno.test("formatDouble() writes inf, -inf, nan and shortest round-trip digits", () => {
  assert.equal(formatDouble(Infinity), "inf");
  assert.equal(formatDouble(-Infinity), "-inf");
  assert.equal(formatDouble(NaN), "nan");
  assert.equal(formatDouble(0.1), "0.1");
  assert.equal(Number(formatDouble(1 / 3)), 1 / 3);
});

Deno.test("formatDouble() lays digits out as Redis 7.2's d2string and fpconv_dtoa do", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [2 ** 62, "4611686018427387904"],
    [-(2 ** 62), "-4611686018427387904"],
    [2 ** 63, "9223372036854776000"],
    [1e20, "1e+20"],
    [1e21, "1e+21"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123.456, "123.456"],
    [1234567.125, "1234567.125"],
    [12345.669921875, "1.2345669921875e+4"],
    [0.30000001192092896, "0.30000001192092896"],
    [0.001234, "0.001234"],
    [0.0001234, "1.234e-4"],
    [0.000001, "0.000001"],
    [1.5e-6, "1.5e-6"],
    [-1.5e-6, "-1.5e-6"],
    [1e-7, "1e-7"],
    [1.5e-300, "1.5e-300"],
  ];
  for (const [value, text] of cases) assert.equal(formatDouble(value), text, String(value));
});

Deno.test("RespWriter queues a big payload as its own chunk without copying it", () => {
  const writer = new RespWriter();
  const payload = new Uint8Array(64 * 1024).fill(3);
  writer.write("before");
  writer.write(payload);
  writer.write("after");
  assert.equal(writer.pendingBytes, 12 + 8 + payload.length + 2 + 11);
  const chunks = writer.take();
  assert.ok(chunks.includes(payload), "the payload itself is one of the chunks");
  const text = chunks.map((c) => c === payload ? "<payload>" : dec.decode(c)).join("");
  assert.equal(text, "$6\r\nbefore\r\n$65536\r\n<payload>\r\n$5\r\nafter\r\n");
  assert.equal(writer.pendingBytes, 0);
  assert.deepEqual(writer.take(), []);
});

Deno.test("RespWriter take() packs a pipelined batch of small replies into one chunk", () => {
  const writer = new RespWriter();
  for (let i = 0; i < 1000; i++) writer.write(OK);
  const chunks = writer.take();
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]?.length, 5000);
});

Deno.test("RespWriter write() refuses an unknown reply kind instead of writing nothing", () => {
  const writer = new RespWriter();
  assert.throws(() => writer.write(new Map() as unknown as Reply), /unknown reply kind/);
});

Deno.test("RespWriter never rewrites bytes it handed out, while they may still be in flight", () => {
  const writer = new RespWriter(64);
  const taken: { chunk: Uint8Array; text: string }[] = [];
  for (let i = 0; i < 200; i++) {
    writer.write(`reply ${i}`);
    if (i % 7 === 0) writer.write(new Uint8Array(40 + i).fill(i)); // grows the buffer
    if (i % 3 === 0) {
      for (const chunk of writer.take()) taken.push({ chunk, text: dec.decode(chunk) });
    }
  }
  for (const chunk of writer.take()) taken.push({ chunk, text: dec.decode(chunk) });
  for (const { chunk, text } of taken) assert.equal(dec.decode(chunk), text);
  assert.ok(taken.map((t) => t.text).join("").startsWith("$7\r\nreply 0\r\n"));
});

Deno.test("RespWriter copies a SharedArrayBuffer payload intact at any alignment", () => {
  const payload = new Uint8Array(new SharedArrayBuffer(4099));
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
  for (const prefix of ["", "a", "ab", "abc"]) {
    const writer = new RespWriter();
    writer.write(prefix);
    writer.write(payload);
    const out = new Uint8Array(writer.take().flatMap((c) => [...c]));
    const head = `$${prefix.length}\r\n${prefix}\r\n$4099\r\n`;
    assert.equal(dec.decode(out.subarray(0, head.length)), head);
    assert.deepEqual(out.subarray(head.length, head.length + 4099), payload.slice());
  }
});
