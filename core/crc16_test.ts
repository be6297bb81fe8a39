/** Tests for crc16.ts against Redis's reference values. */
import assert from "node:assert/strict";
import { crc16, keyHashSlot } from "./crc16.ts";
import { utf8 } from "./keys.ts";

Deno.test("crc16() matches the XMODEM check value", () => {
  assert.equal(crc16(utf8("123456789")), 0x31c3);
  assert.equal(crc16(new Uint8Array(0)), 0);
});

Deno.test("keyHashSlot() gives Redis's slots", () => {
  assert.equal(keyHashSlot(utf8("foo")), 12182);
  assert.equal(keyHashSlot(utf8("bar")), 5061);
  assert.equal(keyHashSlot(utf8("hello")), 866);
});

Deno.test("keyHashSlot() hashes only a non-empty {tag}", () => {
  const following = keyHashSlot(utf8("{user1000}.following"));
  assert.equal(following, keyHashSlot(utf8("{user1000}.followers")));
  assert.equal(following, keyHashSlot(utf8("user1000")));
  // Empty tag: the whole key. Only the first '{' and the first '}' after it count.
  assert.equal(keyHashSlot(utf8("foo{}{bar}")), crc16(utf8("foo{}{bar}")) & 16383);
  assert.equal(keyHashSlot(utf8("foo{{bar}}zap")), keyHashSlot(utf8("{bar")));
  assert.equal(keyHashSlot(utf8("foo{bar}{zap}")), keyHashSlot(utf8("bar")));
  assert.equal(keyHashSlot(utf8("a{b")), crc16(utf8("a{b")) & 16383);
});

Deno.test("keyHashSlot() puts SmartRedis's {\\0\\0} prefix on slot 0", () => {
  assert.equal(keyHashSlot(new Uint8Array([0x7b, 0, 0, 0x7d, 0x2e, 0x6d])), 0);
});
