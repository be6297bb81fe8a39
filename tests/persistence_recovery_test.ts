/**
 * Start-up with damaged data files (seeded; `SEED=n` replays): a cut-short append-only log
 * loads without its last write (or is refused with `aof-load-truncated no`), damage anywhere
 * else is refused with the file and offset named, and `start-empty-on-corrupt` moves a
 * damaged file aside. Nothing of a refused file is ever served.
 */
import assert from "node:assert/strict";
import type { Config } from "../core/config.ts";
import { Running, start } from "../main.ts";
import { withTempDir } from "./helpers/persist_fixtures.ts";
import { RawClient } from "./helpers/raw_client.ts";
import { seededRandom, testSeed } from "./helpers/rng.ts";

const WRITES = 30;

function launch(dir: string, config: Partial<Config> = {}): Running {
  return start({ port: 0, "http-port": 0, dir, save: "", ...config });
}

/** Writes `k<i>` one at a time; returns the log's size after each acknowledged write. */
async function buildLog(dir: string): Promise<{ bytes: Uint8Array; sizes: number[] }> {
  const server = launch(dir, { appendonly: true, appendfsync: "always" });
  await server.ready;
  const client = await RawClient.connect(server.port);
  const path = `${dir}/appendonly.aof`;
  const sizes = [(await Deno.stat(path)).size];
  try {
    for (let i = 0; i < WRITES; i++) {
      assert.deepEqual(await client.call("SET", `k${i}`, `value ${i}`.repeat(i)), { status: "OK" });
      sizes.push((await Deno.stat(path)).size);
    }
  } finally {
    client.close();
    await server.close();
  }
  return { bytes: await Deno.readFile(path), sizes };
}

/** The keys a server started on `dir` holds, or the reason it refused to start. */
async function outcome(dir: string, config: Partial<Config>): Promise<string[] | Error> {
  const server = launch(dir, { appendonly: true, ...config });
  try {
    await server.ready;
  } catch (e) {
    await server.done;
    return e as Error;
  }
  try {
    return [...server.state.keyspace.db(0).keys()].sort((a, b) =>
      Number(a.slice(1)) - Number(b.slice(1))
    );
  } finally {
    await server.close();
  }
}

function keysUpTo(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `k${i}`);
}

Deno.test("a cut-short log loads without its last write, or is refused (seeded)", async () => {
  const seed = testSeed();
  console.log(`log truncation seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  await withTempDir(async (dir) => {
    const { bytes, sizes } = await buildLog(dir);
    const path = `${dir}/appendonly.aof`;
    const base = sizes[0] as number;
    for (let round = 0; round < 12; round++) {
      const cut = round === 0 ? base - 1 : base + rng.int(bytes.length - base);
      const whole = sizes.filter((s) => s <= cut).length - 1;
      await Deno.writeFile(path, bytes.subarray(0, cut));
      const loaded = await outcome(dir, { "aof-load-truncated": true });
      if (whole < 0) {
        assert(loaded instanceof Error, `cut ${cut} in the preamble was accepted (seed ${seed})`);
        assert.match(loaded.message, new RegExp(`${path}: .* at offset \\d+`));
        continue;
      }
      assert.deepEqual(loaded, keysUpTo(whole), `cut at ${cut} (seed ${seed})`);
      assert.equal((await Deno.stat(path)).size, sizes[whole], "trimmed to the last whole write");
      if (cut === sizes[whole]) continue;
      await Deno.writeFile(path, bytes.subarray(0, cut));
      const refused = await outcome(dir, { "aof-load-truncated": false });
      assert(refused instanceof Error, `cut at ${cut} loaded with aof-load-truncated no`);
      const offset = Number(/ at offset (\d+)/.exec(refused.message)?.[1]);
      assert.match(refused.message, new RegExp(`^${path}: `));
      assert(offset >= (sizes[whole] as number) && offset <= cut, refused.message);
    }
  });
});

Deno.test("a damaged byte in the log is refused, never loaded (seeded)", async () => {
  const seed = testSeed();
  console.log(`log corruption seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  await withTempDir(async (dir) => {
    const { bytes, sizes } = await buildLog(dir);
    const path = `${dir}/appendonly.aof`;
    const lastGroup = sizes[WRITES - 1] as number;
    for (let round = 0; round < 16; round++) {
      const at = rng.int(bytes.length);
      const damaged = bytes.slice();
      damaged[at] = (damaged[at] as number) ^ (1 << rng.int(8));
      await Deno.writeFile(path, damaged);
      const loaded = await outcome(dir, {});
      if (at < lastGroup) {
        assert(loaded instanceof Error, `flip at ${at} was loaded (seed ${seed})`);
        assert.match(loaded.message, new RegExp(`^${path}: .* at offset \\d+`));
      } else if (!(loaded instanceof Error)) {
        assert.deepEqual(loaded, keysUpTo(WRITES - 1), `flip at ${at} in the last write`);
      }
    }
  });
});

Deno.test("start-empty-on-corrupt moves a damaged snapshot aside and starts empty", async () => {
  await withTempDir(async (dir) => {
    const a = launch(dir);
    await a.ready;
    const client = await RawClient.connect(a.port);
    try {
      assert.deepEqual(await client.call("SET", "k", "v"), { status: "OK" });
      assert.deepEqual(await client.call("SAVE"), { status: "OK" });
    } finally {
      client.close();
      await a.close();
    }
    const path = `${dir}/dump.idb`;
    const bytes = await Deno.readFile(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x10;
    await Deno.writeFile(path, bytes);
    const refused = launch(dir);
    await assert.rejects(refused.ready, new RegExp(`${path}: checksum mismatch at offset \\d+`));
    await refused.done;
    const b = launch(dir, { "start-empty-on-corrupt": true });
    try {
      await b.ready;
      assert.equal(b.state.keyspace.totalKeys(), 0);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert(names.some((n) => n.startsWith("dump.idb.corrupt-")), names.join(","));
      assert(!names.includes("dump.idb"));
    } finally {
      await b.close();
    }
  });
});
