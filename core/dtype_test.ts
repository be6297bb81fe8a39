import assert from "node:assert/strict";
import { DTYPES, parseDType } from "./dtype.ts";

Deno.test("parseDType() accepts RedisAI's names case-insensitively", () => {
  for (const name of Object.keys(DTYPES)) {
    assert.equal(parseDType(name), name);
    assert.equal(parseDType(name.toLowerCase()), name);
  }
  assert.equal(parseDType("Int32"), "INT32");
  assert.equal(parseDType("uInt16"), "UINT16");
});

Deno.test("parseDType() refuses what RedisAI refuses", () => {
  for (
    const name of ["UINT32", "UINT64", "FLOAT16", "INT", "INT128", "INT08", "half", "", "FLOAT "]
  ) {
    assert.equal(parseDType(name), undefined, name);
  }
});

Deno.test("DTYPES views have the right element size", () => {
  for (const info of Object.values(DTYPES)) {
    if (info.kind === "string") continue;
    const view = info.view(new ArrayBuffer(16), 0, 16 / info.bytes);
    assert.equal(view.BYTES_PER_ELEMENT, info.bytes, info.name);
  }
});
