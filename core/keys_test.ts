import assert from "node:assert/strict";
import { bytesToKey, keyToBytes } from "./keys.ts";

Deno.test("bytesToKey() round-trips every byte value at every length", () => {
  for (const n of [0, 1, 3, 4, 5, 7, 8, 63, 64, 65, 9000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) % 256);
    const key = bytesToKey(bytes);
    assert.equal(key.length, n);
    assert.deepEqual(keyToBytes(key), bytes);
  }
  assert.equal(bytesToKey(Uint8Array.from([0, 255, 123, 125])), "\u0000\u00ff{}");
});
