/**
 * Tests for string_edits.ts's LCS and SUBSTR (the rest is covered over the socket, and every
 * command here is also compared with redis-server by tests/differential_test.ts).
 */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

Deno.test("string_edits() LCS answers Redis's documented examples", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "MSET", "key1", "ohmytext", "key2", "mynewtext");
  const lcs = (...options: string[]) => h.call(c, "LCS", "key1", "key2", ...options);
  assert.equal(await lcs(), "mytext");
  assert.equal(await lcs("LEN"), 6);
  // The ranges come from the last match to the first: "text" (4–7, 5–8), then "my" (2–3, 0–1).
  assert.deepEqual(await lcs("IDX"), {
    map: [["matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]]], ["len", 6]],
  });
  assert.deepEqual(await lcs("IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"), {
    map: [["matches", [[[4, 7], [5, 8], 4]]], ["len", 6]],
  });
  // A missing key is the empty string.
  assert.equal(await h.call(c, "LCS", "key1", "missing"), "");
});

Deno.test("string_edits() LCS refuses what Redis refuses", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "s", "abc");
  await h.call(c, "RPUSH", "l", "abc");
  assert.deepEqual(await h.call(c, "LCS", "s", "l"), {
    error: "ERR The specified keys must contain string values",
  });
  assert.deepEqual(await h.call(c, "LCS", "s", "s", "IDX", "LEN"), {
    error: "ERR If you want both the length and indexes, please just use IDX.",
  });
  assert.deepEqual(await h.call(c, "LCS", "s", "s", "MINMATCHLEN"), { error: "ERR syntax error" });
  assert.deepEqual(await h.call(c, "LCS", "s", "s", "MINMATCHLEN", "x"), {
    error: "ERR value is not an integer or out of range",
  });
  // The (n+1)·(m+1) table of 32-bit lengths must fit in proto-max-bulk-len.
  await h.call(c, "CONFIG", "SET", "proto-max-bulk-len", "1mb");
  await h.call(c, "SET", "big", "a".repeat(600));
  assert.deepEqual(await h.call(c, "LCS", "big", "big", "LEN"), {
    error: "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
  });
  assert.equal(await h.call(c, "LCS", "big", "s", "LEN"), 1);
});

Deno.test("string_edits() SUBSTR is GETRANGE under its old name", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "SET", "k", "Hello World");
  assert.equal(await h.call(c, "SUBSTR", "k", "0", "4"), "Hello");
  assert.equal(await h.call(c, "SUBSTR", "k", "-5", "-1"), "World");
  assert.equal(await h.call(c, "SUBSTR", "missing", "0", "4"), "");
});
