import assert from "node:assert/strict";
import { CommandError } from "./errors.ts";
import { parseScanCursor, parseScanOptions, scanStep } from "./scan_cursors.ts";

const enc = new TextEncoder();
const args = (...words: string[]) => words.map((w) => enc.encode(w));

Deno.test("scanStep() returns every name present for the whole scan, once, despite changes", () => {
  const owner = {};
  const live = new Set(Array.from({ length: 100 }, (_, i) => `k${i}`));
  const stable = new Set([...live].filter((_, i) => i % 3 !== 0));
  const seen: string[] = [];
  let cursor = 0;
  let step = 0;
  do {
    const result = scanStep(owner, cursor, 7, () => [...live]);
    seen.push(...result.names.filter((n) => live.has(n)));
    cursor = result.cursor;
    // Meanwhile: insert new names and delete some that are not in the stable set.
    live.add(`new${step}`);
    live.delete(`k${step * 3}`);
    step++;
  } while (cursor !== 0);
  for (const name of stable) assert.equal(seen.filter((n) => n === name).length, 1, name);
  assert.equal(new Set(seen).size, seen.length, "no name twice");
});

Deno.test("scanStep() answers a scan that fits at once, and ends on unknown or used cursors", () => {
  const owner = {};
  assert.deepEqual(scanStep(owner, 0, 10, () => ["a", "b"]), { cursor: 0, names: ["a", "b"] });
  const first = scanStep(owner, 0, 1, () => ["a", "b", "c"]);
  assert.deepEqual(first.names, ["a"]);
  assert.notEqual(first.cursor, 0);
  assert.deepEqual(scanStep(owner, first.cursor, 5, () => []).names, ["b", "c"]);
  assert.deepEqual(scanStep(owner, first.cursor, 5, () => []), { cursor: 0, names: [] });
  assert.deepEqual(scanStep({}, 12345, 5, () => ["x"]), { cursor: 0, names: [] });
});

Deno.test("parseScanCursor() accepts what strtoull accepts and refuses the rest", () => {
  assert.equal(parseScanCursor(enc.encode("0")), 0);
  assert.equal(parseScanCursor(enc.encode("00")), 0);
  assert.equal(parseScanCursor(enc.encode("-1")), 2 ** 64 - 1);
  for (const bad of ["abc", "", "18446744073709551616", "1.5", " 1"]) {
    assert.throws(() => parseScanCursor(enc.encode(bad)), /ERR invalid cursor/, bad);
  }
});

Deno.test("parseScanOptions() reads MATCH, COUNT and TYPE with Redis's errors", () => {
  assert.deepEqual(
    parseScanOptions(args("0", "match", "a*", "COUNT", "5", "type", "Hash"), 1, true),
    {
      pattern: "a*",
      count: 5,
      type: "hash",
    },
  );
  assert.deepEqual(parseScanOptions(args("0", "MATCH", "*"), 1, true).pattern, undefined);
  const syntax = (e: unknown) => e instanceof CommandError && e.message === "ERR syntax error";
  assert.throws(() => parseScanOptions(args("0", "COUNT", "0"), 1, true), syntax);
  assert.throws(() => parseScanOptions(args("0", "MATCH"), 1, true), syntax);
  assert.throws(() => parseScanOptions(args("0", "TYPE", "string"), 1, false), syntax);
  assert.throws(() => parseScanOptions(args("0", "COUNT", "x"), 1, true), /not an integer/);
});

Deno.test("scanStep() drops the oldest abandoned scans beyond 1,024 live cursors", () => {
  const owner = {};
  const names = ["a", "b", "c"];
  const cursors = Array.from({ length: 1025 }, () => scanStep(owner, 0, 1, () => names).cursor);
  assert.deepEqual(scanStep(owner, cursors[0] as number, 1, () => []), { cursor: 0, names: [] });
  assert.deepEqual(scanStep(owner, cursors[1] as number, 5, () => []).names, ["b", "c"]);
  assert.deepEqual(scanStep(owner, cursors[1024] as number, 5, () => []).names, ["b", "c"]);
});
