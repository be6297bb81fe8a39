/**
 * The data commands under real clients and real load: the npm `redis` client (RESP2 and
 * RESP3), redis-cli with binary arguments, binary keys with every byte value, 10,000
 * pipelined commands in one write, SCAN while keys are inserted, and COMMAND INFO key specs.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { encodeCommand, RawClient, Wire } from "./helpers/raw_client.ts";
import { redisCli, startTestServer } from "./helpers/server.ts";
import { concatBytes } from "../core/bytes.ts";

Deno.test("the npm redis client round-trips strings, hashes, lists and SCAN over RESP2 and RESP3", async () => {
  const server = await startTestServer();
  try {
    for (const RESP of [2, 3] as const) {
      const client = createClient({ socket: { port: server.port, host: "127.0.0.1" }, RESP });
      await client.connect();
      try {
        await client.flushDb();
        assert.equal(
          await client.set("s", "v", { expiration: { type: "PX", value: 100_000 } }),
          "OK",
        );
        assert.equal(await client.get("s"), "v");
        assert.ok((await client.pTTL("s")) > 99_000);
        assert.equal(await client.hSet("h", { a: "1", b: "2" }), 2);
        assert.deepEqual({ ...(await client.hGetAll("h")) }, { a: "1", b: "2" });
        assert.equal(await client.hIncrBy("h", "a", 41), 42);
        assert.equal(await client.rPush("l", ["a", "b", "c"]), 3);
        assert.deepEqual(await client.lRange("l", 0, -1), ["a", "b", "c"]);
        assert.deepEqual(await client.lPopCount("l", 2), ["a", "b"]);
        assert.equal(await client.lPopCount("nol", 2), null);
        assert.equal(String(await client.incrByFloat("f", 0.1)), "0.1");
        for (let i = 0; i < 50; i++) await client.set(`k${i}`, String(i));
        const seen: string[] = [];
        for await (const keys of client.scanIterator({ MATCH: "k*", COUNT: 7 })) seen.push(...keys);
        assert.equal(seen.length, 50);
        assert.deepEqual(new Set(seen).size, 50);
        await assert.rejects(client.lPush("s", "x"), /WRONGTYPE/);
      } finally {
        await client.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("redis-cli writes binary keys and values with NUL bytes and hash tags exactly", async () => {
  const server = await startTestServer();
  const raw = await RawClient.connect(server.port);
  raw.binary = true;
  try {
    const script = [
      'SET "k\\x00{tag}\\xff" "v\\x00\\r\\n\\xfe"',
      'HSET "h{tag}" "f\\x00" "\\x01\\x02"',
      'RPUSH "l\\x00" "" "\\x00"',
      "GET plain",
    ].join("\n");
    await redisCli(server.port, [], script + "\n");
    const key = new Uint8Array([107, 0, 123, 116, 97, 103, 125, 255]);
    assert.deepEqual(await raw.call("GET", key), { bytes: new Uint8Array([118, 0, 13, 10, 254]) });
    assert.deepEqual(await raw.call("HGETALL", "h{tag}"), [
      { bytes: new Uint8Array([102, 0]) },
      { bytes: new Uint8Array([1, 2]) },
    ]);
    assert.deepEqual(await raw.call("LRANGE", new Uint8Array([108, 0]), 0, -1), [
      { bytes: new Uint8Array(0) },
      { bytes: new Uint8Array([0]) },
    ]);
    const shown = await redisCli(server.port, ["--no-raw"], 'GET "k\\x00{tag}\\xff"\n');
    assert.equal(shown, '"v\\x00\\r\\n\\xfe"\n');
    assert.equal(await redisCli(server.port, ["HLEN", "h{tag}"]), "1\n");
  } finally {
    raw.close();
    await server.close();
  }
});

Deno.test("keys with every byte value survive KEYS, SCAN, RENAME, COPY and hash fields", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  client.binary = true;
  const hex = (w: Wire) => Array.from((w as { bytes: Uint8Array }).bytes).join(",");
  try {
    const keys = Array.from(
      { length: 256 },
      (_, i) => new Uint8Array([i, 0, 255, 13, 10, 123, i, 125]),
    );
    for (const key of keys) assert.deepEqual(await client.call("SET", key, key), { status: "OK" });
    const want = keys.map((k) => Array.from(k).join(",")).sort();
    const listed = (await client.call("KEYS", "*")) as Wire[];
    assert.deepEqual(listed.map(hex).sort(), want);
    const scanned: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = (await client.call("SCAN", cursor, "COUNT", 50)) as [Wire, Wire[]];
      cursor = new TextDecoder().decode((next as { bytes: Uint8Array }).bytes);
      scanned.push(...batch.map(hex));
    } while (cursor !== "0");
    assert.deepEqual(scanned.sort(), want);
    const [first, second] = keys as [Uint8Array, Uint8Array];
    assert.deepEqual(await client.call("RENAME", first, second), { status: "OK" });
    assert.deepEqual(await client.call("GET", second), { bytes: first });
    assert.equal(await client.call("COPY", second, first), 1);
    assert.equal(await client.call("HSET", "h", first, second), 1);
    assert.deepEqual(await client.call("HKEYS", "h"), [{ bytes: first }]);
    assert.deepEqual(await client.call("HGET", "h", first), { bytes: second });
    assert.equal(await client.call("EXISTS", ...keys), 256);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("big binary values and long APPEND chains round-trip byte for byte", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  client.binary = true;
  try {
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    assert.deepEqual(await client.call("SET", "big", big), { status: "OK" });
    assert.deepEqual(await client.call("GET", "big"), { bytes: big });
    assert.equal(await client.call("RPUSH", "l", big, "x"), 2);
    assert.deepEqual(await client.call("LINDEX", "l", 0), { bytes: big });
    assert.equal(await client.call("HSET", "h", "f", big), 1);
    assert.deepEqual(await client.call("HGET", "h", "f"), { bytes: big });
    assert.deepEqual(await client.call("GETRANGE", "big", 99_998, -1), {
      bytes: big.subarray(99_998),
    });
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const piece = new Uint8Array([i % 256, 0, 255]);
      pieces.push(piece);
      assert.equal(await client.call("APPEND", "chain", piece), 3 * (i + 1));
      if (i === 1000) assert.equal(await client.call("COPY", "chain", "snapshot"), 1);
    }
    assert.deepEqual(await client.call("GET", "chain"), { bytes: concatBytes(pieces) });
    assert.deepEqual(await client.call("GET", "snapshot"), {
      bytes: concatBytes(pieces.slice(0, 1001)),
    });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("10,000 commands pipelined in one write get their replies in order", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const commands: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 0) commands.push(encodeCommand(["SET", `p${i}`, `v${i}`]));
      else if (i % 3 === 1) commands.push(encodeCommand(["INCR", "counter"]));
      else commands.push(encodeCommand(["GET", `p${i - 2}`]));
    }
    await client.send(concatBytes(commands));
    let incrs = 0;
    for (let i = 0; i < 10_000; i++) {
      const reply = await client.read();
      if (i % 3 === 0) assert.deepEqual(reply, { status: "OK" });
      else if (i % 3 === 1) assert.equal(reply, ++incrs);
      else assert.equal(reply, `v${i - 2}`);
    }
    assert.equal(await client.call("GET", "counter"), String(incrs));
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("SCAN returns every key present for the whole scan while others come and go", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const stable = Array.from({ length: 500 }, (_, i) => `stable:${i}`);
    await client.send(concatBytes(stable.map((k) => encodeCommand(["SET", k, "1"]))));
    for (const _ of stable) await client.read();
    for (let i = 0; i < 200; i++) await client.call("SET", `temp:${i}`, "1");
    const seen: string[] = [];
    let cursor = "0";
    let step = 0;
    do {
      const [next, batch] = (await client.call("SCAN", cursor, "COUNT", 20)) as [string, string[]];
      cursor = next;
      seen.push(...batch);
      for (let j = 0; j < 10; j++) await client.call("SET", `new:${step}:${j}`, "1");
      await client.call("DEL", `temp:${step}`);
      step++;
    } while (cursor !== "0");
    const stableSeen = seen.filter((k) => k.startsWith("stable:"));
    assert.equal(stableSeen.length, 500, "each stable key exactly once");
    assert.equal(new Set(stableSeen).size, 500);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("COMMAND INFO reports the key positions and flags of the data commands", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const info = (await client.call("COMMAND", "INFO", "get", "mset", "del", "rename")) as Wire[][];
    const summary = info.map((row) => [row[0], row[1], row[3], row[4], row[5]]);
    assert.deepEqual(summary, [
      ["get", 2, 1, 1, 1],
      ["mset", -3, 1, -1, 2],
      ["del", -2, 1, -1, 1],
      ["rename", 3, 1, 2, 1],
    ]);
    assert.deepEqual(info[0]?.[2], [{ status: "readonly" }, { status: "fast" }]);
    assert.deepEqual(info[1]?.[2], [{ status: "write" }, { status: "denyoom" }]);
  } finally {
    client.close();
    await server.close();
  }
});
