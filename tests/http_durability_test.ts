/**
 * HTTP answers wait for durability like RESP replies: under `appendfsync always` a write
 * acknowledged over HTTP is already in the append-only log when its response arrives.
 */
import assert from "node:assert/strict";
import { startHttpServer } from "./helpers/http.ts";

Deno.test("PUT /tensors answers only after the write is in the append-only log", async () => {
  const server = await startHttpServer({ appendonly: true, appendfsync: "always" });
  try {
    for (let i = 0; i < 20; i++) {
      const key = `durable-${i}-marker`;
      const put = await fetch(`${server.base}/tensors/${key}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ dtype: "FLOAT", shape: [2], values: [1, 2] }),
      });
      await put.body?.cancel();
      assert.ok(put.ok, `PUT answered ${put.status}`);
      const log = await Deno.readFile(`${server.dir}/${server.state.config.appendfilename}`);
      const found = new TextDecoder("latin1").decode(log).includes(key);
      assert.ok(found, `${key} acknowledged but not in the log`);
    }
  } finally {
    await server.close();
  }
});
