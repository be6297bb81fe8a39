/**
 * FrameBuffer against FrameReader (seeded; `SEED=n` replays): frames and commands of every
 * size, across chunk boundaries and as referenced views, read back exactly.
 */
import assert from "node:assert/strict";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";
import { asArray, asBytesArray, decodeRecord } from "./codec.ts";
import { FrameReader, KIND_BLOB, KIND_RECORD } from "./frame.ts";
import { FrameBuffer } from "./frame_buffer.ts";

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

Deno.test("FrameBuffer frames read back exactly, whatever their sizes (seeded)", async () => {
  const seed = testSeed();
  console.log(`frame buffer seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  const sizes = [0, 1, 255, 256, 65_535, 65_536, 16_383, 16_384, 70_000];
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
  const size = () => rng.next() < 0.3 ? sizes[rng.int(sizes.length)] as number : rng.int(300);
  const buffer = new FrameBuffer();
  const expected: { kind: number; body?: Uint8Array; db?: number; args?: Uint8Array[] }[] = [];
  for (let i = 0; i < 400; i++) {
    if (rng.next() < 0.5) {
      const body = bytes(size() || 1);
      buffer.frame(KIND_BLOB, body);
      expected.push({ kind: KIND_BLOB, body });
    } else {
      const db = rng.next() < 0.9 ? rng.int(128) : 128 + rng.int(70_000);
      const args = Array.from(
        { length: rng.next() < 0.9 ? 1 + rng.int(5) : 17 },
        () => bytes(size()),
      );
      buffer.command(db, args);
      expected.push({ kind: KIND_RECORD, db, args });
    }
  }
  const data = concat(buffer.take());
  assert.equal(buffer.byteLength, 0);
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, data);
    using file = await Deno.open(path);
    const reader = new FrameReader(file, path, data.byteLength);
    for (const want of expected) {
      const header = await reader.header();
      assert(header !== undefined, `seed ${seed}`);
      assert.equal(header.kind, want.kind);
      const body = await reader.body(header);
      if (want.body !== undefined) {
        assert.deepEqual(body, want.body);
      } else {
        const [tag, db, args] = asArray(decodeRecord(body));
        assert.deepEqual([tag, db, asBytesArray(args)], ["c", want.db, want.args]);
      }
    }
    assert.equal(await reader.header(), undefined);
  } finally {
    await Deno.remove(path);
  }
});
