import assert from "node:assert/strict";
import {
  ProtobufError,
  ProtoReader,
  WIRE_BYTES,
  WIRE_FIXED32,
  WIRE_VARINT,
} from "./protobuf_reader.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";

function varintBytes(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
  return out;
}

Deno.test("ProtoReader.varint() reads int64 values, negatives as two's complement", () => {
  for (const value of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 53n - 1n, -1n, -(2n ** 40n)]) {
    const reader = new ProtoReader(new Uint8Array(varintBytes(value)));
    assert.equal(reader.varint(), Number(value));
    assert.ok(reader.done);
  }
  const max = new ProtoReader(new Uint8Array(varintBytes(2n ** 63n - 1n)));
  assert.equal(max.varint(), 2 ** 63);
});

Deno.test("ProtoReader reads tags, packed and unpacked repeated fields, and skips", () => {
  const floats = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const bytes = new Uint8Array([
    (1 << 3) | WIRE_BYTES,
    3,
    ...varintBytes(1n),
    ...varintBytes(300n), // packed varints
    (1 << 3) | WIRE_VARINT,
    5, // one more, unpacked
    (2 << 3) | WIRE_BYTES,
    8,
    ...floats, // packed floats
    (3 << 3) | WIRE_FIXED32,
    0,
    0,
    0x80,
    0x3f, // unpacked float 1.0
    (4 << 3) | 1,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8, // fixed64, skipped
  ]);
  const reader = new ProtoReader(bytes);
  const ints: number[] = [];
  const fs: number[] = [];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) reader.varints(wire, ints);
    else if (field === 2 || field === 3) reader.floats(wire, fs);
    else reader.skip(wire);
  }
  assert.deepEqual(ints, [1, 300, 5]);
  assert.deepEqual(fs, [1.5, -2, 1]);
});

Deno.test("ProtoReader refuses truncated fields, long varints and unknown wire types", () => {
  assert.throws(() => new ProtoReader(new Uint8Array([0x80])).varint(), ProtobufError);
  assert.throws(() => new ProtoReader(new Uint8Array(11).fill(0xff)).varint(), ProtobufError);
  assert.throws(() => new ProtoReader(new Uint8Array([5, 1, 2])).bytes(), ProtobufError);
  assert.throws(() => new ProtoReader(new Uint8Array([])).skip(3), ProtobufError);
  assert.throws(() => new ProtoReader(new Uint8Array([0])).tag(), ProtobufError);
});

Deno.test("ProtoReader fuzz: random bytes only ever end in a ProtobufError", () => {
  const seed = testSeed();
  console.log(`seed ${seed} (replay with SEED=${seed})`);
  const random = seededRandom(seed);
  for (let round = 0; round < 2000; round++) {
    const bytes = Uint8Array.from({ length: random.int(40) }, () => random.int(256));
    const reader = new ProtoReader(bytes);
    try {
      while (!reader.done) {
        const [, wire] = reader.tag();
        reader.skip(wire);
      }
    } catch (e) {
      assert.ok(e instanceof ProtobufError, `round ${round}: ${e}`);
    }
  }
});
