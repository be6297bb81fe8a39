/** Unit tests for the script lexer. */
import assert from "node:assert/strict";
import { tokenize } from "./lexer.ts";
import { ScriptError } from "./source_error.ts";

const kinds = (src: string) =>
  tokenize(src).map((t) => t.kind === "op" || t.kind === "name" ? t.text : t.kind);

Deno.test("tokenize() emits INDENT/DEDENT and skips comments and blank lines", () => {
  const src = "def f(x):\n    # comment\n\n    if x:\n        return 1\n    return 2\n";
  assert.deepEqual(kinds(src), [
    "def",
    "f",
    "(",
    "x",
    ")",
    ":",
    "newline",
    "indent",
    "if",
    "x",
    ":",
    "newline",
    "indent",
    "return",
    "int",
    "newline",
    "dedent",
    "return",
    "int",
    "newline",
    "dedent",
    "eof",
  ]);
});

Deno.test("tokenize() joins lines inside brackets and after a backslash", () => {
  assert.deepEqual(kinds("x = (1 +\n  2)\ny = 3 + \\\n 4\n"), [
    "x",
    "=",
    "(",
    "int",
    "+",
    "int",
    ")",
    "newline",
    "y",
    "=",
    "int",
    "+",
    "int",
    "newline",
    "eof",
  ]);
});

Deno.test("tokenize() decodes string escapes, raw strings and docstrings", () => {
  const strings = tokenize(`a = "t\\tab\\n\\x41\\u00e9\\\\"\nb = r"\\n"\nc = '''x\n"y"'''\n`)
    .filter((t) => t.kind === "string").map((t) => t.text);
  assert.deepEqual(strings, ["t\tab\nA\u00e9\\", "\\n", 'x\n"y"']);
});

Deno.test("tokenize() reads ints, floats, hex and underscores", () => {
  const numbers = tokenize("a = 1 + 2.5 + .5 + 1e3 + 0x1F + 1_000 + 3.\n")
    .filter((t) => t.kind === "int" || t.kind === "float").map((t) => [t.kind, t.value]);
  assert.deepEqual(numbers, [
    ["int", 1],
    ["float", 2.5],
    ["float", 0.5],
    ["float", 1000],
    ["int", 31],
    ["int", 1000],
    ["float", 3],
  ]);
});

Deno.test("tokenize() refuses bad input with a position", () => {
  for (
    const [src, message, start] of [
      ["x = 'abc\n", "unterminated string literal", 4],
      [
        "def f(x):\n    x = 1\n  y = 2\n",
        "unindent does not match any outer indentation level",
        22,
      ],
      ["x = $\n", "invalid character '$'", 4],
      ["x = (1, 2]\n", "unmatched ']'", 9],
      ["x = f'a'\n", "f-strings are not supported", 4],
      ["x = 012\n", "leading zeros in decimal integer literals are not permitted", 4],
    ] as const
  ) {
    assert.throws(() => tokenize(src), (e: unknown) => {
      assert(e instanceof ScriptError);
      assert.equal(e.message, message);
      assert.equal(e.span?.start, start);
      return true;
    });
  }
});

Deno.test("tokenize() bounds bracket nesting", () => {
  assert.throws(
    () => tokenize("x = " + "(".repeat(500) + ")".repeat(500)),
    /nested deeper than 100/,
  );
});
