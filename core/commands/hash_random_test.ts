/** Tests for hash_random.ts: HRANDFIELD. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";

async function filled(): Promise<[Harness, ReturnType<Harness["client"]>]> {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "HSET", "h", "a", "1", "b", "2", "c", "3");
  return [h, c];
}

Deno.test("hash_random() HRANDFIELD picks distinct fields for a positive count", async () => {
  const [h, c] = await filled();
  const one = await h.call(c, "HRANDFIELD", "h");
  assert.ok(one === "a" || one === "b" || one === "c");
  const two = await h.call(c, "HRANDFIELD", "h", "2") as string[];
  assert.equal(new Set(two).size, 2);
  assert.deepEqual(await h.call(c, "HRANDFIELD", "h", "5", "WITHVALUES"), [
    "a",
    "1",
    "b",
    "2",
    "c",
    "3",
  ]);
  assert.deepEqual(await h.call(c, "HRANDFIELD", "h", "0"), []);
});

Deno.test("hash_random() HRANDFIELD repeats fields for a negative count", async () => {
  const [h, c] = await filled();
  const many = await h.call(c, "HRANDFIELD", "h", "-20") as string[];
  assert.equal(many.length, 20);
  assert.ok(many.every((f) => ["a", "b", "c"].includes(f)));
  const pairs = await h.call(c, "HRANDFIELD", "h", "-4", "withvalues") as string[];
  assert.equal(pairs.length, 8);
  for (let i = 0; i < 8; i += 2) {
    assert.equal(pairs[i + 1], { a: "1", b: "2", c: "3" }[pairs[i] as "a" | "b" | "c"]);
  }
});

Deno.test("hash_random() HRANDFIELD WITHVALUES gives pairs in RESP3", async () => {
  const [h, c] = await filled();
  c.protocol = 3;
  const pairs = await h.call(c, "HRANDFIELD", "h", "-2", "WITHVALUES") as string[][];
  assert.equal(pairs.length, 2);
  for (const pair of pairs) assert.equal(pair.length, 2);
});

Deno.test("hash_random() HRANDFIELD answers nil or empty for a missing key, and Redis's errors", async () => {
  const [h, c] = await filled();
  assert.equal(await h.call(c, "HRANDFIELD", "missing"), null);
  assert.deepEqual(await h.call(c, "HRANDFIELD", "missing", "-2", "WITHVALUES"), []);
  await h.call(c, "SET", "s", "v");
  const cases: [string[], string][] = [
    [["s"], "WRONGTYPE Operation against a key holding the wrong kind of value"],
    [["s", "1"], "WRONGTYPE Operation against a key holding the wrong kind of value"],
    [["h", "x"], "ERR value is not an integer or out of range"],
    [["h", "1", "foo"], "ERR syntax error"],
    [["h", "1", "WITHVALUES", "x"], "ERR syntax error"],
    [
      ["h", "-9223372036854775808"],
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    ],
    [["h", "-4611686018427387904", "WITHVALUES"], "ERR value is out of range"],
  ];
  for (const [args, error] of cases) {
    assert.deepEqual(await h.call(c, "HRANDFIELD", ...args), { error }, args.join(" "));
  }
});
