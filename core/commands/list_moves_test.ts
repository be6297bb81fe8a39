/** Tests for list_moves.ts: RPOPLPUSH, LMOVE, LINSERT and LPOS. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

const WRONGTYPE = { error: "WRONGTYPE Operation against a key holding the wrong kind of value" };

Deno.test("list_moves() RPOPLPUSH and LMOVE move one element, deleting an emptied source", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "RPUSH", "src", "a", "b", "c");
  assert.equal(await h.call(c, "RPOPLPUSH", "src", "dst"), "c");
  assert.equal(await h.call(c, "LMOVE", "src", "dst", "left", "RIGHT"), "a");
  assert.deepEqual(await h.call(c, "LRANGE", "dst", "0", "-1"), ["c", "a"]);
  assert.equal(await h.call(c, "LMOVE", "src", "dst", "RIGHT", "LEFT"), "b");
  assert.equal(await h.call(c, "EXISTS", "src"), 0);
  assert.deepEqual(await h.call(c, "LRANGE", "dst", "0", "-1"), ["b", "c", "a"]);
  assert.equal(await h.call(c, "RPOPLPUSH", "dst", "dst"), "a");
  assert.deepEqual(await h.call(c, "LRANGE", "dst", "0", "-1"), ["a", "b", "c"]);
  assert.equal(await h.call(c, "RPOPLPUSH", "missing", "dst"), null);
});

Deno.test("list_moves() a move keeps the lists' TTLs and checks types before popping", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "RPUSH", "src", "a", "b");
  await h.call(c, "RPUSH", "dst", "x");
  await h.call(c, "EXPIRE", "src", "100");
  await h.call(c, "EXPIRE", "dst", "200");
  await h.call(c, "LMOVE", "src", "dst", "LEFT", "LEFT");
  assert.equal(await h.call(c, "TTL", "src"), 100);
  assert.equal(await h.call(c, "TTL", "dst"), 200);
  await h.call(c, "SET", "s", "v");
  assert.deepEqual(await h.call(c, "RPOPLPUSH", "src", "s"), WRONGTYPE);
  assert.deepEqual(await h.call(c, "LMOVE", "s", "dst", "LEFT", "LEFT"), WRONGTYPE);
  assert.equal(await h.call(c, "RPOPLPUSH", "missing", "s"), null);
  assert.deepEqual(await h.call(c, "LRANGE", "src", "0", "-1"), ["b"]);
  assert.deepEqual(await h.call(c, "LMOVE", "src", "dst", "LEFT", "UP"), {
    error: "ERR syntax error",
  });
});

Deno.test("list_moves() LINSERT puts an element beside the first pivot", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "RPUSH", "l", "a", "b", "b");
  assert.equal(await h.call(c, "LINSERT", "l", "BEFORE", "b", "X"), 4);
  assert.equal(await h.call(c, "LINSERT", "l", "after", "b", "Y"), 5);
  assert.deepEqual(await h.call(c, "LRANGE", "l", "0", "-1"), ["a", "X", "b", "Y", "b"]);
  assert.equal(await h.call(c, "LINSERT", "l", "BEFORE", "zz", "X"), -1);
  assert.equal(await h.call(c, "LINSERT", "missing", "BEFORE", "a", "X"), 0);
  assert.deepEqual(await h.call(c, "LINSERT", "l", "MIDDLE", "a", "X"), {
    error: "ERR syntax error",
  });
  await h.call(c, "SET", "s", "v");
  assert.deepEqual(await h.call(c, "LINSERT", "s", "BEFORE", "a", "X"), WRONGTYPE);
});

Deno.test("list_moves() LPOS finds matches by RANK, COUNT and MAXLEN as Redis 7", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "RPUSH", "p", "a", "b", "c", "1", "2", "3", "c", "c");
  const cases: [string[], unknown][] = [
    [[], 2],
    [["RANK", "2"], 6],
    [["RANK", "-1"], 7],
    [["COUNT", "0"], [2, 6, 7]],
    [["COUNT", "2", "RANK", "-1"], [7, 6]],
    [["MAXLEN", "3"], 2],
    [["MAXLEN", "2"], null],
    [["COUNT", "0", "MAXLEN", "3"], [2]],
    [["RANK", "-2", "MAXLEN", "2"], 6],
  ];
  for (const [options, expected] of cases) {
    assert.deepEqual(await h.call(c, "LPOS", "p", "c", ...options), expected, options.join(" "));
  }
  assert.equal(await h.call(c, "LPOS", "p", "zz"), null);
  assert.deepEqual(await h.call(c, "LPOS", "p", "zz", "COUNT", "0"), []);
  assert.equal(await h.call(c, "LPOS", "missing", "c"), null);
  assert.deepEqual(await h.call(c, "LPOS", "missing", "c", "COUNT", "1"), []);
});

Deno.test("list_moves() LPOS rejects bad options with Redis's texts", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "RPUSH", "p", "a");
  const cases: [string[], string][] = [
    [
      ["RANK", "0"],
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or " +
      "use negative to start from the end of the list",
    ],
    [["RANK", "x"], "ERR value is not an integer or out of range"],
    [["COUNT", "-1"], "ERR COUNT can't be negative"],
    [["COUNT", "x"], "ERR COUNT can't be negative"],
    [["MAXLEN", "-1"], "ERR MAXLEN can't be negative"],
    [["RANK"], "ERR syntax error"],
    [["FOO", "1"], "ERR syntax error"],
  ];
  for (const [options, error] of cases) {
    assert.deepEqual(await h.call(c, "LPOS", "p", "a", ...options), { error }, options.join(" "));
  }
  await h.call(c, "SET", "s", "v");
  assert.deepEqual(await h.call(c, "LPOS", "s", "a"), WRONGTYPE);
});
