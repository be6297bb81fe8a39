/**
 * Tensor routes against a real server: JSON, raw bytes and .npy (files written by numpy),
 * checked against what RESP's AI.TENSORGET returns for the same key, plus the error statuses.
 */
import assert from "node:assert/strict";
import { curl, startHttpServer } from "./helpers/http.ts";
import { npySave, python } from "./helpers/python.ts";
import { RawClient } from "./helpers/raw_client.ts";
import { redisCli } from "./helpers/server.ts";

Deno.test("PUT/GET /tensors in JSON round-trips every dtype, as RESP sees it", async () => {
  const server = await startHttpServer();
  const resp = await RawClient.connect(server.port);
  try {
    const cases = [
      {
        dtype: "FLOAT",
        shape: [2, 2],
        values: [1.5, -2, 0.25, 3],
        resp: ["1.5", "-2", "0.25", "3"],
      },
      { dtype: "DOUBLE", shape: [1], values: [0.1], resp: ["0.1"] },
      { dtype: "INT8", shape: [2], values: [-128, 127], resp: [-128, 127] },
      { dtype: "INT16", shape: [1], values: [-300], resp: [-300] },
      { dtype: "INT32", shape: [1, 2], values: [[-70000, 5]], resp: [-70000, 5] },
      { dtype: "UINT8", shape: [2], values: [0, 255], resp: [0, 255] },
      { dtype: "UINT16", shape: [1], values: [65535], resp: [65535] },
      { dtype: "BOOL", shape: [3], values: [true, false, 1], resp: [1, 0, 1] },
      { dtype: "STRING", shape: [2], values: ["a", "héllo"], resp: ["a", "héllo"] },
    ];
    for (const c of cases) {
      const put = await fetch(`${server.base}/tensors/t`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dtype: c.dtype, shape: c.shape, values: c.values }),
      });
      assert.equal(put.status, 200, c.dtype);
      assert.equal(await put.json(), "OK");
      const got = await (await fetch(`${server.base}/tensors/t`)).json();
      assert.equal(got.dtype, c.dtype);
      assert.deepEqual(got.shape, c.shape);
      const flat = c.values.flat().map((v) => c.dtype === "BOOL" ? Boolean(v) : v);
      assert.deepEqual(got.values, flat, c.dtype);
      const wire = await resp.call("AI.TENSORGET", "t", "VALUES");
      assert.deepEqual(wire, c.resp, c.dtype);
    }
    const big = '{"dtype":"INT64","shape":[2],"values":[9223372036854775807,-9223372036854775808]}';
    assert.equal((await curl(`${server.base}/tensors/i64`, ["-X", "PUT", "-d", big])).status, 200);
    const text = (await curl(`${server.base}/tensors/i64`)).text;
    assert.match(text, /"values":\[9223372036854775807,-9223372036854775808\]/);
    assert.deepEqual(await resp.call("AI.TENSORGET", "i64", "VALUES"), [
      9223372036854775807n,
      -9223372036854775808n,
    ]);
  } finally {
    resp.close();
    await server.close();
  }
});

Deno.test("raw tensors: curl --data-binary with X-Tensor-* headers, Accept octet-stream", async () => {
  const server = await startHttpServer();
  const file = await Deno.makeTempFile();
  try {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    await Deno.writeFile(file, new Uint8Array(data.buffer));
    const put = await curl(`${server.base}/tensors/raw`, [
      "-X",
      "PUT",
      "-H",
      "content-type: application/octet-stream",
      "-H",
      "X-Tensor-Dtype: FLOAT",
      "-H",
      "X-Tensor-Shape: 2,3",
      "--data-binary",
      `@${file}`,
    ]);
    assert.equal(put.status, 200);
    const got = await curl(`${server.base}/tensors/raw`, [
      "-H",
      "Accept: application/octet-stream",
    ]);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "application/octet-stream");
    assert.equal(got.headers.get("x-tensor-dtype"), "FLOAT");
    assert.equal(got.headers.get("x-tensor-shape"), "2,3");
    assert.deepEqual(got.body, new Uint8Array(data.buffer));
    const meta = await fetch(`${server.base}/tensors/raw`, { method: "HEAD" });
    assert.equal(meta.status, 200);
    assert.equal(meta.headers.get("x-tensor-shape"), "2,3");
    const unshaped = await fetch(`${server.base}/tensors/flat`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-tensor-dtype": "INT16" },
      body: new Uint8Array(new Int16Array([1, -1, 7]).buffer),
    });
    assert.equal(unshaped.status, 200);
    const flat = await (await fetch(`${server.base}/tensors/flat`)).json();
    assert.deepEqual(flat, { dtype: "INT16", shape: [3], values: [1, -1, 7] });
    const short = await curl(`${server.base}/tensors/raw`, [
      "-X",
      "PUT",
      "-H",
      "content-type: application/octet-stream",
      "-H",
      "X-Tensor-Dtype: FLOAT",
      "-H",
      "X-Tensor-Shape: 2,2",
      "--data-binary",
      `@${file}`,
    ]);
    assert.equal(short.status, 400);
    assert.deepEqual(JSON.parse(short.text), {
      error: "ERR data length does not match tensor shape and type",
    });
  } finally {
    await Deno.remove(file);
    await server.close();
  }
});

Deno.test("big tensors stream back whole: raw and .npy bodies over 256 KiB pieces match RESP", async () => {
  const server = await startHttpServer();
  const resp = await RawClient.connect(server.port);
  const file = await Deno.makeTempFile({ suffix: ".npy" });
  try {
    // Not a multiple of the 256 KiB stream piece, so the last piece is a short one.
    const values = new Int32Array(300_001).map((_, i) => i * 7 - 1000);
    const blob = new Uint8Array(values.buffer);
    assert.deepEqual(
      await resp.call("AI.TENSORSET", "big", "INT32", values.length, "BLOB", blob),
      { status: "OK" },
    );
    const raw = await fetch(`${server.base}/tensors/big`, {
      headers: { accept: "application/octet-stream" },
    });
    assert.equal(raw.headers.get("content-length"), String(blob.length));
    assert.deepEqual(new Uint8Array(await raw.arrayBuffer()), blob);
    const npy = await curl(`${server.base}/tensors/big`, ["-H", "Accept: application/x-npy"]);
    assert.equal(npy.status, 200);
    const header = npy.body.length - blob.length;
    assert.deepEqual(npy.body.subarray(header), blob);
    await Deno.writeFile(file, npy.body);
    const summary = await python(
      `import numpy as np; a = np.load('${file}'); print(a.dtype, a.shape, int(a[-1]), end='')`,
    );
    assert.equal(new TextDecoder().decode(summary), `int32 (300001,) ${300_000 * 7 - 1000}`);
  } finally {
    await Deno.remove(file);
    resp.close();
    await server.close();
  }
});

Deno.test(".npy files from numpy go in with curl and come back loadable by numpy", async () => {
  const server = await startHttpServer();
  const file = await Deno.makeTempFile({ suffix: ".npy" });
  try {
    await Deno.writeFile(file, await npySave("np.arange(12, dtype='<i4').reshape(3, 4) - 5"));
    const put = await curl(`${server.base}/tensors/np`, [
      "-X",
      "PUT",
      "-H",
      "content-type: application/x-npy",
      "--data-binary",
      `@${file}`,
    ]);
    assert.equal(put.status, 200);
    const json = await (await fetch(`${server.base}/tensors/np`)).json();
    assert.deepEqual(json.shape, [3, 4]);
    assert.deepEqual(json.values, Array.from({ length: 12 }, (_, i) => i - 5));
    // Without a Content-Type (curl's form default), the npy magic is recognised.
    await Deno.writeFile(file, await npySave("np.array([[0.5, 1.5]], dtype='<f8')"));
    const sniffed = await curl(`${server.base}/tensors/np2`, [
      "-X",
      "PUT",
      "--data-binary",
      `@${file}`,
    ]);
    assert.equal(sniffed.status, 200);
    const got = await curl(`${server.base}/tensors/np2`, [
      "-H",
      "Accept: application/x-npy",
      "-o",
      file,
    ]);
    assert.equal(got.headers.get("content-type"), "application/x-npy");
    const loaded = await python(
      `import numpy as np; a = np.load(${
        JSON.stringify(file)
      }); print(a.dtype.str, a.shape, a.tolist())`,
    );
    assert.equal(new TextDecoder().decode(loaded).trim(), "<f8 (1, 2) [[0.5, 1.5]]");
    for (const expr of ["np.array([1], dtype='>i4')", "np.asfortranarray(np.ones((2, 2)))"]) {
      await Deno.writeFile(file, await npySave(expr));
      const refused = await curl(`${server.base}/tensors/bad`, [
        "-X",
        "PUT",
        "-H",
        "content-type: application/x-npy",
        "--data-binary",
        `@${file}`,
      ]);
      assert.equal(refused.status, 400, expr);
      assert.match(JSON.parse(refused.text).error, /^ERR invalid npy file: /);
    }
  } finally {
    await Deno.remove(file);
    await server.close();
  }
});

Deno.test("tensor routes map errors to statuses: 400, 404, 406, 415", async () => {
  const server = await startHttpServer();
  const put = (body: unknown, type = "application/json") =>
    fetch(`${server.base}/tensors/e`, {
      method: "PUT",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    assert.deepEqual(await put({ dtype: "FLOAT16", shape: [1], values: [1] }), {
      status: 400,
      body: { error: "ERR invalid data type" },
    });
    assert.deepEqual(await put({ dtype: "INT8", shape: [1], values: [300] }), {
      status: 400,
      body: { error: "ERR invalid value" },
    });
    assert.deepEqual(await put({ dtype: "FLOAT", shape: [2], values: [1] }), {
      status: 400,
      body: { error: "ERR wrong number of values was given in 'AI.TENSORSET' command" },
    });
    assert.deepEqual(await put({ dtype: "FLOAT", shape: [0], values: [] }), {
      status: 400,
      body: { error: "ERR invalid or negative value found in tensor shape" },
    });
    assert.equal((await put("{oops")).status, 400);
    assert.equal((await put("x", "image/png")).status, 415);
    const missing = await fetch(`${server.base}/tensors/none`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      error: "ERR tensor key is empty or in a different shard",
    });
    assert.equal((await fetch(`${server.base}/tensors/none`, { method: "HEAD" })).status, 404);
    await put({ dtype: "FLOAT", shape: [1], values: [1] });
    const html = await fetch(`${server.base}/tensors/e`, { headers: { accept: "text/html" } });
    assert.equal(html.status, 406);
    await html.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("binary keys travel percent-encoded in tensor URLs", async () => {
  const server = await startHttpServer();
  const resp = await RawClient.connect(server.port);
  try {
    const r = await fetch(`${server.base}/tensors/a%00b%FF%2Fc`, {
      method: "PUT",
      body: JSON.stringify({ dtype: "UINT8", shape: [1], values: [9] }),
    });
    assert.equal(r.status, 200);
    await r.body?.cancel();
    const key = new Uint8Array([0x61, 0, 0x62, 0xff, 0x2f, 0x63]);
    assert.deepEqual(await resp.call("AI.TENSORGET", key, "VALUES"), [9]);
  } finally {
    resp.close();
    await server.close();
  }
});

Deno.test("DELETE /tensors removes only tensors: 204, then 404; 409 for another type", async () => {
  const server = await startHttpServer();
  try {
    await fetch(`${server.base}/tensors/d`, {
      method: "PUT",
      body: JSON.stringify({ dtype: "FLOAT", shape: [1], values: [1] }),
    }).then((r) => r.body?.cancel());
    assert.equal((await curl(`${server.base}/tensors/d`, ["-X", "DELETE"])).status, 204);
    assert.equal((await curl(`${server.base}/tensors/d`)).status, 404);
    assert.equal((await curl(`${server.base}/tensors/d`, ["-X", "DELETE"])).status, 404);
    await redisCli(server.port, ["SET", "s", "v"]);
    const wrong = await curl(`${server.base}/tensors/s`, ["-X", "DELETE"]);
    assert.equal(wrong.status, 409);
    assert.deepEqual(JSON.parse(wrong.text), {
      error: "WRONGTYPE Operation against a key holding the wrong kind of value",
    });
    assert.equal(await redisCli(server.port, ["GET", "s"]), "v\n");
    const put = await curl(`${server.base}/tensors/s`, [
      "-X",
      "PUT",
      "-d",
      '{"dtype":"FLOAT","shape":[1],"values":[0]}',
    ]);
    assert.equal(put.status, 409);
  } finally {
    await server.close();
  }
});
