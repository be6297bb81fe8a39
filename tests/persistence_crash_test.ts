/**
 * Crash tests against a real server process (seeded; `SEED=n` replays): `kill -9` at random
 * moments while clients write, then a restart must hold every acknowledged write
 * (`appendfsync always`); a kill during BGSAVE leaves a loadable snapshot; SIGTERM saves; a
 * damaged file makes start-up fail with the file and offset named.
 */
import assert from "node:assert/strict";
import { ChildServer, runServerToExit, spawnServer } from "./helpers/child_server.ts";
import { withTempDir } from "./helpers/persist_fixtures.ts";
import { encodePipeline, RawClient, Wire } from "./helpers/raw_client.ts";
import { seededRandom, testSeed } from "./helpers/rng.ts";

type Rng = ReturnType<typeof seededRandom>;

/** What the server acknowledged, per writer: SET values, list lengths, tensor blobs. */
interface Acked {
  readonly strings: Map<string, string>;
  readonly lists: Map<string, number>;
  readonly tensors: Map<string, Uint8Array>;
}

function blob(n: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (n * 31 + i) & 255;
  return out;
}

/** Pipelines batches of writes until the connection dies, recording each acknowledgement. */
async function writer(port: number, id: number, rng: Rng, acked: Acked): Promise<void> {
  const client = await RawClient.connect(port);
  const list = `list:${id}`;
  try {
    for (let n = 0;; n++) {
      const key = `k:${id}:${n}`;
      const tensor = `t:${id}:${n}`;
      const data = blob(n, 4 * (1 + rng.int(16384)));
      const value = `v${n}`.repeat(1 + rng.int(50));
      const batch = [
        ["SET", key, value],
        ["RPUSH", list, String(n)],
        ["AI.TENSORSET", tensor, "FLOAT", data.length / 4, "BLOB", data],
      ];
      await client.send(encodePipeline(batch));
      assert.deepEqual(await client.read(), { status: "OK" });
      acked.strings.set(key, value);
      assert.equal(await client.read(), n + 1);
      acked.lists.set(list, n + 1);
      assert.deepEqual(await client.read(), { status: "OK" });
      acked.tensors.set(tensor, data);
    }
  } catch (e) {
    // The kill ends the connection mid-batch; only a wrong reply is a failure.
    if (e instanceof assert.AssertionError) throw e;
  } finally {
    client.close();
  }
}

async function assertHolds(port: number, acked: Acked, seed: number): Promise<void> {
  const client = await RawClient.connect(port);
  client.binary = true;
  const text = (w: Wire) => new TextDecoder().decode((w as { bytes: Uint8Array }).bytes);
  try {
    for (const [key, value] of acked.strings) {
      assert.equal(text(await client.call("GET", key)), value, `${key} lost (seed ${seed})`);
    }
    for (const [key, length] of acked.lists) {
      const items = await client.call("LRANGE", key, 0, -1) as Wire[];
      assert(items.length >= length, `${key} lost items (seed ${seed})`);
      items.forEach((item, i) => assert.equal(text(item), String(i), `${key}[${i}]`));
    }
    for (const [key, data] of acked.tensors) {
      const got = await client.call("AI.TENSORGET", key, "BLOB") as { bytes: Uint8Array };
      assert.deepEqual(got.bytes, data, `${key} differs (seed ${seed})`);
    }
  } finally {
    client.close();
  }
}

async function kill(server: ChildServer): Promise<void> {
  server.process.kill("SIGKILL");
  const status = await server.finished();
  assert.equal(status.signal, "SIGKILL");
}

Deno.test("kill -9 under load loses no acknowledged write (appendfsync always, seeded)", async () => {
  const seed = testSeed();
  console.log(`crash seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  const acked: Acked = { strings: new Map(), lists: new Map(), tensors: new Map() };
  const args = ["--appendonly", "yes", "--appendfsync", "always", "--save", ""];
  await withTempDir(async (dir) => {
    for (let round = 0; round < 3; round++) {
      const server = await spawnServer(dir, args);
      try {
        await assertHolds(server.port, acked, seed);
        if (round === 1) {
          const client = await RawClient.connect(server.port);
          const reply = await client.call("BGREWRITEAOF");
          client.close();
          assert.deepEqual(reply, { status: "Background append only file rewriting started" });
        }
        const writers = [0, 1, 2].map((id) => writer(server.port, round * 10 + id, rng, acked));
        await new Promise((r) => setTimeout(r, 100 + rng.int(400)));
        await kill(server);
        await Promise.all(writers);
      } catch (e) {
        server.process.kill("SIGKILL");
        await server.finished();
        throw new Error(`${e}\n--- server output ---\n${server.output()}`);
      }
    }
    assert(acked.strings.size > 0, "the writers got acknowledgements");
    const last = await spawnServer(dir, args);
    try {
      await assertHolds(last.port, acked, seed);
    } finally {
      last.process.kill("SIGTERM");
      assert.equal((await last.finished()).code, 0);
    }
  });
});

Deno.test("kill -9 during BGSAVE leaves a snapshot that loads (seeded)", async () => {
  const seed = testSeed();
  console.log(`bgsave crash seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  const data = blob(7, 1024 * 1024);
  const fill = async (port: number, prefix: string) => {
    const client = await RawClient.connect(port);
    try {
      const batch = Array.from({ length: 48 }, (_, i) => [
        "AI.TENSORSET",
        `${prefix}:${i}`,
        "UINT8",
        data.length,
        "BLOB",
        data,
      ]);
      await client.send(encodePipeline(batch));
      for (const _ of batch) assert.deepEqual(await client.read(), { status: "OK" });
      return client;
    } catch (e) {
      client.close();
      throw e;
    }
  };
  await withTempDir(async (dir) => {
    const first = await spawnServer(dir, ["--save", ""]);
    const client = await fill(first.port, "old");
    assert.deepEqual(await client.call("SAVE"), { status: "OK" });
    client.close();
    const more = await fill(first.port, "new");
    assert.deepEqual(await more.call("BGSAVE"), { status: "Background saving started" });
    more.close();
    await new Promise((r) => setTimeout(r, rng.int(60)));
    await kill(first);
    const second = await spawnServer(dir, ["--save", ""]);
    try {
      const check = await RawClient.connect(second.port);
      const size = await check.call("DBSIZE");
      check.close();
      assert(size === 48 || size === 96, `loaded ${size} keys (seed ${seed})`);
      assert.match(second.output(), /loaded (48|96) keys from .*dump\.idb/);
    } finally {
      second.process.kill("SIGKILL");
      await second.finished();
    }
  });
});

Deno.test("SIGTERM saves a snapshot; a damaged one stops the next start-up", async () => {
  await withTempDir(async (dir) => {
    const server = await spawnServer(dir);
    const client = await RawClient.connect(server.port);
    assert.deepEqual(await client.call("SET", "survives", "sigterm"), { status: "OK" });
    client.close();
    server.process.kill("SIGTERM");
    assert.equal((await server.finished()).code, 0);
    assert.match(server.output(), /saving the final snapshot/);
    const path = `${dir}/dump.idb`;
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.subarray(0, bytes.length - 5));
    const refused = await runServerToExit(dir);
    assert.equal(refused.code, 1);
    assert.match(refused.output, new RegExp(`refusing to start: ${path}: .* at offset \\d+`));
    await Deno.writeFile(path, bytes);
    const again = await spawnServer(dir);
    try {
      const check = await RawClient.connect(again.port);
      assert.equal(await check.call("GET", "survives"), "sigterm");
      check.close();
    } finally {
      again.process.kill("SIGKILL");
      await again.finished();
    }
  });
});
