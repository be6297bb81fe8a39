/** Tests for command_syntax.ts: Redis doc notation → COMMAND DOCS argument trees. */
import assert from "node:assert/strict";
import { parseSyntax } from "./command_syntax.ts";

Deno.test("parseSyntax() reads plain arguments, keys and pure tokens", () => {
  assert.deepEqual(parseSyntax("key value [GET]"), [
    { name: "key", type: "key" },
    { name: "value", type: "string" },
    { name: "get", type: "pure-token", token: "GET", optional: true },
  ]);
});

Deno.test("parseSyntax() attaches a token to the argument after it", () => {
  assert.deepEqual(parseSyntax("[MATCH pattern] [COUNT count]"), [
    { name: "pattern", type: "string", token: "MATCH", optional: true },
    { name: "count", type: "string", token: "COUNT", optional: true },
  ]);
});

Deno.test("parseSyntax() collapses `x [x ...]` into one repeatable argument", () => {
  assert.deepEqual(parseSyntax("key [key ...]"), [{ name: "key", type: "key", multiple: true }]);
  assert.deepEqual(parseSyntax("parameter value [parameter value ...]"), [{
    name: "parameter-value",
    type: "block",
    multiple: true,
    arguments: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
  }]);
  assert.deepEqual(parseSyntax("[ID client-id [client-id ...]]"), [
    { name: "client-id", type: "string", token: "ID", multiple: true, optional: true },
  ]);
});

Deno.test("parseSyntax() reads alternatives as oneof, required or optional", () => {
  assert.deepEqual(parseSyntax("<ON | OFF>"), [{
    name: "on-off",
    type: "oneof",
    arguments: [
      { name: "on", type: "pure-token", token: "ON" },
      { name: "off", type: "pure-token", token: "OFF" },
    ],
  }]);
  assert.deepEqual(parseSyntax("[EX seconds | PERSIST]"), [{
    name: "seconds-persist",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "seconds", type: "string", token: "EX" },
      { name: "persist", type: "pure-token", token: "PERSIST" },
    ],
  }]);
});

Deno.test("parseSyntax() refuses unbalanced brackets", () => {
  assert.throws(() => parseSyntax("[key"), /bad command syntax/);
  assert.throws(() => parseSyntax("key]"), /bad command syntax/);
});
