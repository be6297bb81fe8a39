import assert from "node:assert/strict";
import { globMatch } from "./glob.ts";

Deno.test("globMatch() handles Redis's pattern forms", () => {
  const cases: [string, string, boolean][] = [
    ["*", "", true],
    ["*", "anything", true],
    ["h?llo", "hello", true],
    ["h?llo", "hllo", false],
    ["h*llo", "heeeello", true],
    ["h[ae]llo", "hallo", true],
    ["h[ae]llo", "hillo", false],
    ["h[^e]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["h[a-b]llo", "hbllo", true],
    ["h[a-b]llo", "hcllo", false],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["*{0}*", "tensor{0}", true],
    ["*.onnx", "model.onnx.bak", false],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
  ];
  for (const [pattern, subject, expected] of cases) {
    assert.equal(globMatch(pattern, subject), expected, `${pattern} ~ ${subject}`);
  }
});

Deno.test("globMatch() reads malformed classes as Redis does", () => {
  const cases: [string, string, boolean][] = [
    ["[a-", "a", true],
    ["[a-", "-", true],
    ["[a-", "b", false],
    ["[a-]", "_", true],
    ["[a-]", "a", true],
    ["[a-]", "b", false],
    ["[a-]b", "b", true],
    ["[", "a", false],
    ["a[", "a[", false],
    ["[]a]", "a", false],
    ["[^]", "x", true],
  ];
  for (const [pattern, subject, expected] of cases) {
    assert.equal(globMatch(pattern, subject), expected, `${pattern} ~ ${subject}`);
  }
});

Deno.test("globMatch() can ignore case", () => {
  assert.equal(globMatch("MAXMEM*", "maxmemory", true), true);
  assert.equal(globMatch("MAXMEM*", "maxmemory"), false);
});
