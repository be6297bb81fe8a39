/** Tests for errors.ts: texts built from user input. */
import assert from "node:assert/strict";
import { errors } from "./errors.ts";

Deno.test("errors.unknownCommand() lists arguments like Redis: 128 characters, each cut at NUL", () => {
  const ten = Array.from({ length: 30 }, () => "abcdefghij");
  assert.equal(
    errors.unknownCommand("NOPE", ten).message,
    `ERR unknown command 'NOPE', with args beginning with: ${"'abcdefghij' ".repeat(10)}`,
  );
  assert.equal(
    errors.unknownCommand("NO\0PE", ["a\0b", "x".repeat(200), "y"]).message,
    `ERR unknown command 'NO', with args beginning with: 'a' '${"x".repeat(124)}' `,
  );
});
