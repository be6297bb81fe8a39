/**
 * AI.TENSORSET / AI.TENSORGET against the real server over the wire (RawClient): round trips of
 * every dtype through BLOB and VALUES over RESP2 and RESP3, zero-filled and scalar tensors, and
 * RedisAI's exact error texts.
 */
import assert from "node:assert/strict";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";

const encoder = new TextEncoder();

interface DTypeCase {
  readonly dtype: string;
  readonly values: readonly string[];
  /** The BLOB those values make. */
  readonly blob: Uint8Array;
  /** TENSORGET VALUES under RESP2 and RESP3. */
  readonly resp2: readonly Wire[];
  readonly resp3: readonly Wire[];
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function intCase(dtype: string, values: number[], array: ArrayBufferView): DTypeCase {
  return {
    dtype,
    values: values.map(String),
    blob: bytesOf(array),
    resp2: values,
    resp3: values,
  };
}

const CASES: readonly DTypeCase[] = [
  {
    dtype: "FLOAT",
    values: ["1", "-2.5", "0.1"],
    blob: bytesOf(new Float32Array([1, -2.5, 0.1])),
    resp2: ["1", "-2.5", "0.10000000149011612"],
    resp3: [{ double: "1" }, { double: "-2.5" }, { double: "0.10000000149011612" }],
  },
  {
    dtype: "DOUBLE",
    values: ["1", "-2.5", "0.1"],
    blob: bytesOf(new Float64Array([1, -2.5, 0.1])),
    resp2: ["1", "-2.5", "0.1"],
    resp3: [{ double: "1" }, { double: "-2.5" }, { double: "0.1" }],
  },
  intCase("INT8", [0, 5, 127], new Int8Array([0, 5, 127])),
  intCase("INT16", [0, 300, 32767], new Int16Array([0, 300, 32767])),
  intCase("INT32", [0, 70000, 2147483647], new Int32Array([0, 70000, 2147483647])),
  {
    dtype: "INT64",
    values: ["0", "5", "9223372036854775807"],
    blob: bytesOf(new BigInt64Array([0n, 5n, 9223372036854775807n])),
    resp2: [0, 5, 9223372036854775807n],
    resp3: [0, 5, 9223372036854775807n],
  },
  intCase("UINT8", [0, 200, 255], new Uint8Array([0, 200, 255])),
  intCase("UINT16", [0, 40000, 65535], new Uint16Array([0, 40000, 65535])),
  intCase("BOOL", [0, 1, 1], new Uint8Array([0, 1, 1])),
  {
    dtype: "STRING",
    values: ["a", "", "שלום"],
    blob: encoder.encode("a\0\0שלום\0"),
    resp2: ["a", "", "שלום"],
    resp3: ["a", "", "שלום"],
  },
];

Deno.test("AI.TENSORSET/TENSORGET round-trip every dtype over RESP2 and RESP3", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    for (const protocol of [2, 3] as const) {
      if (protocol === 3) assert.ok(!("error" in Object(await client.call("HELLO", "3"))));
      for (const c of CASES) {
        const key = `${c.dtype}:${protocol}`;
        assert.deepEqual(
          await client.call("AI.TENSORSET", key, c.dtype, 3, "VALUES", ...c.values),
          {
            status: "OK",
          },
        );
        client.binary = true;
        assert.deepEqual(await client.call("AI.TENSORGET", key, "BLOB"), { bytes: c.blob });
        client.binary = false;
        assert.deepEqual(
          await client.call("AI.TENSORSET", `${key}:b`, c.dtype, 3, "BLOB", c.blob),
          {
            status: "OK",
          },
        );
        assert.deepEqual(await client.call("AI.TENSORGET", `${key}:b`, "META", "VALUES"), [
          "dtype",
          c.dtype,
          "shape",
          [3],
          "values",
          protocol === 2 ? c.resp2 : c.resp3,
        ], `${c.dtype} over RESP${protocol}`);
        assert.deepEqual(
          await client.call("AI.TENSORGET", key, "VALUES"),
          protocol === 2 ? c.resp2 : c.resp3,
        );
      }
    }
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.TENSORGET defaults to META BLOB; BLOB-written negatives read back as integers", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    await client.call(
      "AI.TENSORSET",
      "t",
      "INT16",
      2,
      1,
      "BLOB",
      bytesOf(new Int16Array([-1, -32768])),
    );
    assert.deepEqual(await client.call("AI.TENSORGET", "t", "VALUES"), [-1, -32768]);
    client.binary = true;
    assert.deepEqual(await client.call("AI.TENSORGET", "t"), [
      { bytes: encoder.encode("dtype") },
      { bytes: encoder.encode("INT16") },
      { bytes: encoder.encode("shape") },
      [2, 1],
      { bytes: encoder.encode("blob") },
      { bytes: Uint8Array.of(255, 255, 0, 128) },
    ]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("AI.TENSORSET without data zero-fills; a tensor without dims is a scalar", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    await client.call("AI.TENSORSET", "z", "INT32", 2, 2);
    assert.deepEqual(await client.call("AI.TENSORGET", "z", "VALUES"), [0, 0, 0, 0]);
    await client.call("AI.TENSORSET", "s", "STRING", 3);
    assert.deepEqual(await client.call("AI.TENSORGET", "s", "BLOB"), "\0\0\0");
    assert.deepEqual(await client.call("AI.TENSORSET", "x", "FLOAT", "VALUES", 3), {
      status: "OK",
    });
    assert.deepEqual(await client.call("AI.TENSORGET", "x", "META", "VALUES"), [
      "dtype",
      "FLOAT",
      "shape",
      [],
      "values",
      ["3"],
    ]);
    await client.call("AI.TENSORSET", "y", "double", "BLOB", bytesOf(new Float64Array([2.5])));
    assert.deepEqual(await client.call("AI.TENSORGET", "y", "META"), [
      "dtype",
      "DOUBLE",
      "shape",
      [],
    ]);
    assert.deepEqual(await client.call("AI.TENSORSET", "e", "FLOAT", 0), {
      error: "ERR invalid or negative value found in tensor shape",
    });
  } finally {
    client.close();
    await server.close();
  }
});

const ERRORS: readonly [readonly (string | Uint8Array | number)[], string][] = [
  [["AI.TENSORSET", "k"], "ERR wrong number of arguments for 'AI.TENSORSET' command"],
  [["ai.tensorset", "k", "FLOAT"], "ERR wrong number of arguments for 'ai.tensorset' command"],
  [["AI.TENSORGET"], "ERR wrong number of arguments for 'AI.TENSORGET' command"],
  [
    ["AI.TENSORGET", "f", "META", "BLOB", "X"],
    "ERR wrong number of arguments for 'AI.TENSORGET' command",
  ],
  [["AI.TENSORSET", "k", "UINT32", 1], "ERR invalid data type"],
  [["AI.TENSORSET", "k", "FLOAT", "-1"], "ERR invalid or negative value found in tensor shape"],
  [["AI.TENSORSET", "k", "FLOAT", "abc"], "ERR invalid or negative value found in tensor shape"],
  [
    ["AI.TENSORSET", "k", "FLOAT", 1, "BLOB"],
    "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command",
  ],
  [
    ["AI.TENSORSET", "k", "FLOAT", 1, "blob", "abcd", "efgh"],
    "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command",
  ],
  [
    ["AI.TENSORSET", "k", "FLOAT", 2, "VALUES", 1],
    "ERR wrong number of values was given in 'AI.TENSORSET' command",
  ],
  [
    ["AI.TENSORSET", "k", "FLOAT", 2, "BLOB", "abc"],
    "ERR data length does not match tensor shape and type",
  ],
  [
    ["AI.TENSORSET", "k", "BOOL", 2, "BLOB", Uint8Array.of(2, 0)],
    "ERR BOOL tensor elements must be 0 or 1",
  ],
  [
    ["AI.TENSORSET", "k", "STRING", 2, "BLOB", "a\0"],
    "ERR Number of string elements in data blob does not match tensor length",
  ],
  [
    ["AI.TENSORSET", "k", "STRING", 1, "VALUES", "a\0b"],
    "ERR C-string value contains null character",
  ],
  [["AI.TENSORSET", "k", "INT8", 2, "VALUES", -1, -128], "ERR invalid value"],
  [["AI.TENSORSET", "k", "INT32", 1, "VALUES", 1.87], "ERR invalid value"],
  [["AI.TENSORSET", "k", "FLOAT", 1, "VALUES", "x"], "ERR invalid value"],
  [["AI.TENSORGET", "missing"], "ERR tensor key is empty or in a different shard"],
  [["AI.TENSORGET", "missing", "FOO"], "ERR tensor key is empty or in a different shard"],
  [["AI.TENSORGET", "f", "FOO"], "ERR unsupported data format"],
  [["AI.TENSORGET", "f", "BLOB", "VALUES"], "ERR both BLOB and VALUES specified"],
  [
    ["AI.TENSORSET", "str", "INT32", 2, "unsupported", 2, 3],
    "WRONGTYPE Operation against a key holding the wrong kind of value",
  ],
  [
    ["AI.TENSORGET", "str", "FOO"],
    "WRONGTYPE Operation against a key holding the wrong kind of value",
  ],
];

Deno.test("AI.TENSORSET/TENSORGET reply with RedisAI's exact error texts", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const db = server.state.keyspace.db(0);
    db.set("str", { type: "string", value: encoder.encode("v"), bytes: 17 });
    await client.call("AI.TENSORSET", "f", "FLOAT", 1);
    for (const [args, error] of ERRORS) {
      assert.deepEqual(await client.call(...args), { error }, args.join(" "));
    }
    assert.deepEqual(await client.call("AI.TENSORGET", "f", "VALUES"), ["0"], "f untouched");
    assert.equal(db.get("k"), undefined, "nothing stored by a failed TENSORSET");
  } finally {
    client.close();
    await server.close();
  }
});
