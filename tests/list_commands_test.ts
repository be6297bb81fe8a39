/**
 * Lists long enough to span many packed nodes, on a real server: every list command against
 * an array model (the model's rules were checked against redis-server 7 with random command
 * sequences), replies queued in MULTI that must not change when later commands reuse node
 * space, and the same list after SAVE and restart and after append-only replay.
 */
import assert from "node:assert/strict";
import { RawClient, Wire } from "./helpers/raw_client.ts";
import { startTestServer } from "./helpers/server.ts";
import { withTempDir } from "./helpers/persist_fixtures.ts";
import { assertNoErrors, calls, startIn } from "./helpers/persist_server.ts";

/** Element `i`: mostly 3 bytes (many per node), some empty, some large (a node of their own). */
function element(i: number): string {
  if (i % 97 === 0) return "";
  if (i % 211 === 0) return `big${i}`.padEnd(700, "x");
  return `${i % 1000}`.padStart(3, "0");
}

/** A range as LRANGE computes it, from the model. */
function range(model: readonly string[], start: number, stop: number): string[] {
  const n = model.length;
  const from = Math.max(0, start < 0 ? n + start : start);
  const to = Math.min(n - 1, stop < 0 ? n + stop : stop);
  return from > to ? [] : model.slice(from, to + 1);
}

/** LREM on the model: removes up to |count| matches (all for 0), from the tail if negative. */
function lrem(model: string[], count: number, value: string): number {
  const order = model.map((_, i) => i);
  if (count < 0) order.reverse();
  const drop = order.filter((i) => model[i] === value).slice(
    0,
    count === 0 ? undefined : Math.abs(count),
  );
  const kept = model.filter((_, i) => !drop.includes(i));
  model.splice(0, model.length, ...kept);
  return drop.length;
}

async function fill(client: RawClient, key: string, count: number): Promise<string[]> {
  const model: string[] = [];
  for (let at = 0; at < count; at += 500) {
    const batch = Array.from({ length: 500 }, (_, j) => element(at + j));
    const front = (at / 500) % 2 === 0;
    await client.call(front ? "LPUSH" : "RPUSH", key, ...batch);
    if (front) model.unshift(...batch.reverse());
    else model.push(...batch);
  }
  return model;
}

Deno.test("lists spanning many nodes answer every list command like an array model", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    const model = await fill(client, "l", 20_000);
    const check = async () => {
      assert.equal(await client.call("LLEN", "l"), model.length);
      assert.deepEqual(await client.call("LRANGE", "l", 0, -1), model);
    };
    await check();
    for (const i of [0, 1, 4999, 10_000, -1, -7000]) {
      assert.equal(await client.call("LINDEX", "l", i), model.at(i));
    }
    assert.deepEqual(await client.call("LRANGE", "l", 9000, 9500), range(model, 9000, 9500));
    assert.deepEqual(await client.call("LRANGE", "l", -300, -250), range(model, -300, -250));
    // LSET: same length (in place), longer, large, and back to small.
    for (
      const [i, v] of [[5, "abc"], [6000, "a longer value"], [6001, "y".repeat(900)], [
        12_345,
        "",
      ]] as const
    ) {
      assert.deepEqual(await client.call("LSET", "l", i, v), { status: "OK" });
      model[i] = v;
    }
    await check();
    for (const [count, value] of [[5, "007"], [-3, ""], [0, "123"]] as const) {
      assert.equal(await client.call("LREM", "l", count, value), lrem(model, count, value));
    }
    await check();
    assert.deepEqual(await client.call("LTRIM", "l", 1234, -2345), { status: "OK" });
    model.splice(0, model.length, ...range(model, 1234, -2345));
    assert.deepEqual(await client.call("LPOP", "l", 3000), model.splice(0, 3000));
    assert.deepEqual(await client.call("RPOP", "l", 2500), model.splice(-2500).reverse());
    await check();
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("replies queued in MULTI keep their bytes when later commands reuse the space", async () => {
  const server = await startTestServer();
  const client = await RawClient.connect(server.port);
  try {
    await client.call("RPUSH", "q", "aaa", "bbb", "ccc");
    const queued: (string | number)[][] = [
      ["LRANGE", "q", 0, -1],
      ["LINDEX", "q", 0],
      ["LPOP", "q"],
      ["LPUSH", "q", "zzz"],
      ["LSET", "q", 1, "yyy"],
      ["LRANGE", "q", 0, -1],
    ];
    await client.call("MULTI");
    for (const args of queued) await client.call(...args);
    const want: Wire = [["aaa", "bbb", "ccc"], "aaa", "aaa", 3, { status: "OK" }, [
      "zzz",
      "yyy",
      "ccc",
    ]];
    assert.deepEqual(await client.call("EXEC"), want);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("a list of many nodes survives SAVE and restart, and append-only replay", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir, { appendonly: true });
    let model: string[];
    try {
      const client = await RawClient.connect(a.port);
      try {
        model = await fill(client, "l", 8000);
        assertNoErrors([await client.call("LSET", "l", 10, "z".repeat(600))]);
        model[10] = "z".repeat(600);
        assertNoErrors([await client.call("SAVE")]);
      } finally {
        client.close();
      }
    } finally {
      await a.close();
    }
    for (const config of [{ appendonly: true }, { appendonly: false }]) {
      const b = await startIn(dir, config);
      try {
        assert.deepEqual(await calls(b.port, [["LRANGE", "l", 0, -1]]), [model]);
      } finally {
        await b.close();
      }
    }
  });
});
