import assert from "node:assert/strict";
import { text, utf8 } from "./keys.ts";
import { slowlogArgs } from "./slowlog.ts";

Deno.test("slowlogArgs() copies short arguments", () => {
  const arg = utf8("value");
  const [copy] = slowlogArgs([arg]);
  assert.deepEqual(copy, arg);
  assert.notEqual(copy?.buffer, arg.buffer);
});

Deno.test("slowlogArgs() clips long arguments and long argument lists like Redis", () => {
  const long = new Uint8Array(200).fill(97);
  const [clipped] = slowlogArgs([long]);
  assert.equal(text(clipped ?? new Uint8Array()), "a".repeat(128) + "... (72 more bytes)");
  const many = Array.from({ length: 40 }, (_, i) => utf8(String(i)));
  const kept = slowlogArgs(many);
  assert.equal(kept.length, 32);
  assert.equal(text(kept[31] ?? new Uint8Array()), "... (9 more arguments)");
});
