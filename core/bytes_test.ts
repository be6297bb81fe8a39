import assert from "node:assert/strict";
import { concatBytes, copyBytes, utf8Bytes } from "./bytes.ts";

Deno.test("concatBytes() joins parts in order", () => {
  assert.deepEqual(concatBytes([]), new Uint8Array(0));
  assert.deepEqual(
    concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]),
    Uint8Array.of(1, 2, 3),
  );
});

function pattern(bytes: Uint8Array, seed: number): Uint8Array {
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

Deno.test("copyBytes() copies like set() between plain and shared memory at any alignment", () => {
  const kinds = [
    (n: number) => new Uint8Array(n),
    (n: number) => new Uint8Array(new SharedArrayBuffer(n)),
  ];
  for (const length of [0, 3, 255, 256, 4097, 200_003]) {
    for (const makeSource of kinds) {
      for (const makeTarget of kinds) {
        for (const [sourceOffset, at] of [[0, 0], [1, 0], [0, 3], [2, 5], [4, 8]]) {
          const source = pattern(makeSource(length + 8), length).subarray(sourceOffset);
          const piece = source.subarray(0, length);
          const target = makeTarget(length + 16);
          copyBytes(target, piece, at);
          const want = new Uint8Array(length + 16);
          want.set(piece, at);
          const same = target.every((b, i) => b === want[i]);
          assert.ok(same, `${length} bytes from +${sourceOffset} to +${at}`);
        }
      }
    }
  }
});

Deno.test("utf8Bytes() matches TextEncoder for ASCII, non-ASCII and long text", () => {
  const encoder = new TextEncoder();
  for (
    const text of ["", "AI.DAGEXECUTE", "\0http:in:0", "clé", "😀", "x".repeat(65), "é".repeat(70)]
  ) {
    assert.deepEqual(utf8Bytes(text), encoder.encode(text));
  }
});
