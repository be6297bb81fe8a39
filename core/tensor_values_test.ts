import assert from "node:assert/strict";
import { DTYPES } from "./dtype.ts";
import { parseDouble, parseLongLong, parseValue } from "./tensor_values.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("parseLongLong() follows string2ll", () => {
  const cases: [string, number | bigint | undefined][] = [
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    ["9007199254740993", 9007199254740993n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["9223372036854775808", undefined],
    ["-0", undefined],
    ["007", undefined],
    ["+1", undefined],
    [" 1", undefined],
    ["1 ", undefined],
    ["1.5", undefined],
    ["-", undefined],
    ["", undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseLongLong(bytes(input)), expected, input);
});

Deno.test("parseDouble() follows string2d", () => {
  const cases: [string, number | undefined][] = [
    ["1", 1],
    ["-2.5e3", -2500],
    [".5", 0.5],
    ["5.", 5],
    ["+1", 1],
    ["inf", Infinity],
    ["-INF", -Infinity],
    ["0", 0],
    ["0e10", 0],
    ["1e400", undefined],
    ["1e-400", undefined],
    ["nan", undefined],
    [" 1", undefined],
    ["1x", undefined],
    ["", undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseDouble(input), expected, input);
});

Deno.test("parseDouble() reads strtod's hexadecimal form, with the same ERANGE refusals", () => {
  const cases: [string, number | undefined][] = [
    ["0x10", 16],
    ["0X1p-2", 0.25],
    ["0x.8", 0.5],
    ["-0x1.8p1", -3],
    ["+0x1.", 1],
    ["0x1e5", 485],
    ["0x1P+3", 8],
    ["0x0p99999", 0],
    ["0x1000p-1080", 3.16e-322],
    ["0x123456789abcdef0123p-10", 5.247073869855161e18],
    ["0x", undefined],
    ["0x.p1", undefined],
    ["0x1p", undefined],
    ["0x1g", undefined],
    ["0xap-2000", undefined],
    ["0x1p-1075", undefined],
    ["0x1p1024", undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseDouble(input), expected, input);
});

Deno.test("parseValue() refuses every negative signed value (RedisAI's cast bug)", () => {
  assert.equal(parseValue(DTYPES.INT8, bytes("-1")), undefined);
  assert.equal(parseValue(DTYPES.INT8, bytes("-128")), undefined);
  assert.equal(parseValue(DTYPES.INT8, bytes("127")), 127);
  assert.equal(parseValue(DTYPES.INT8, bytes("128")), undefined);
  assert.equal(parseValue(DTYPES.INT16, bytes("32767")), 32767);
  assert.equal(parseValue(DTYPES.INT32, bytes("2147483648")), undefined);
  assert.equal(parseValue(DTYPES.INT64, bytes("9223372036854775807")), 9223372036854775807n);
  assert.equal(parseValue(DTYPES.INT64, bytes("-1")), undefined);
  assert.equal(parseValue(DTYPES.INT32, bytes("1.87")), undefined);
});

Deno.test("parseValue() checks unsigned and BOOL ranges", () => {
  assert.equal(parseValue(DTYPES.UINT8, bytes("255")), 255);
  assert.equal(parseValue(DTYPES.UINT8, bytes("256")), undefined);
  assert.equal(parseValue(DTYPES.UINT16, bytes("65535")), 65535);
  assert.equal(parseValue(DTYPES.UINT16, bytes("-1")), undefined);
  assert.equal(parseValue(DTYPES.BOOL, bytes("1")), 1);
  assert.equal(parseValue(DTYPES.BOOL, bytes("2")), undefined);
  assert.equal(parseValue(DTYPES.FLOAT, bytes("0.1")), 0.1);
});
