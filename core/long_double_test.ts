import assert from "node:assert/strict";
import { addLongDouble, formatLongDouble, INFINITE, parseLongDouble } from "./long_double.ts";

/** `a + b` as INCRBYFLOAT prints it, or why it cannot. */
function incr(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === undefined || y === undefined) return "not a float";
  if (x === INFINITE || y === INFINITE) return "inf";
  const sum = addLongDouble(x, y);
  return sum === INFINITE ? "inf" : formatLongDouble(sum);
}

Deno.test("addLongDouble() and formatLongDouble() match Redis 7 INCRBYFLOAT digit for digit", () => {
  // Expected values were read from redis-server 7.0.15.
  const cases: [string, string, string][] = [
    ["0.1", "0.2", "0.3"],
    ["1e20", "0.3", "100000000000000000000"],
    ["1.0000001", "-1", "0.0000001"],
    ["18446744073709551615", "0", "18446744073709551615"],
    ["100.1", "0", "100.1"],
    ["-0.0", "0", "0"],
    ["0", "1.5e-18", "0"],
    ["0", "2.5e-17", "0.00000000000000002"],
    ["0", ".5", "0.5"],
    ["0", "5.", "5"],
    ["0", "+5", "5"],
    ["0", "1e+2", "100"],
    ["0", "3.0000000000000000001", "3"],
    ["0", "0x10", "16"],
    ["17179869184", "1.5", "17179869185.5"],
    ["1", "-1.1", "-0.1"],
    ["10.5", "0.1", "10.6"],
    ["5.0e3", "2.0e2", "5200"],
  ];
  for (const [a, b, want] of cases) assert.equal(incr(a, b), want, `${a} + ${b}`);
  assert.equal(incr("1e308", "1e308").slice(0, 40), "1999999999999999999933717593116912913211");
});

Deno.test("parseLongDouble() refuses what Redis's string2ld refuses", () => {
  for (const bad of ["", " 1", "1 ", "abc", "nan", "1e", "e1", ".", "1e5000", "1e-5000", "0x"]) {
    assert.equal(parseLongDouble(bad), undefined, JSON.stringify(bad));
  }
  assert.equal(parseLongDouble("inf"), INFINITE);
  assert.equal(parseLongDouble("-Infinity"), INFINITE);
  assert.equal(parseLongDouble("1".repeat(5 * 1024)), undefined, "longer than 5 KiB");
});

Deno.test("addLongDouble() overflows to INFINITE past the long double range", () => {
  const max = parseLongDouble("1e4932");
  assert.ok(max !== undefined && max !== INFINITE);
  assert.equal(addLongDouble(max, max), INFINITE);
});
