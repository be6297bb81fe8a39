/**
 * Snapshot files: round trips of every entry type, point-in-time captures, and seeded
 * truncation and corruption fuzzing (`SEED=n` replays).
 */
import assert from "node:assert/strict";
import { CommandTable } from "../command.ts";
import { defaultConfig } from "../config.ts";
import { hashBytes, Keyspace, stringBytes } from "../keyspace.ts";
import { ServerState } from "../server_state.ts";
import {
  assertSameKeyspace,
  fillAllTypes,
  withTempDir,
} from "../../tests/helpers/persist_fixtures.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";
import { CorruptFileError } from "./frame.ts";
import { installEntry, readSnapshotFile } from "./snapshot_reader.ts";
import { captureKeyspace, FILE_HEADER_BYTES, MAGIC, saveSnapshotFile } from "./snapshot_writer.ts";

const NOW_MS = 1_700_000_000_000;
const ctx = { server: new ServerState(defaultConfig(), new CommandTable([])) };

async function load(path: string): Promise<Keyspace> {
  const contents = await readSnapshotFile(path, ctx);
  assert(contents !== undefined);
  const ks = new Keyspace(16, () => NOW_MS);
  for (const e of contents.entries) installEntry(ks, e);
  return ks;
}

function filled(): Keyspace {
  const ks = new Keyspace(16, () => NOW_MS);
  fillAllTypes(ks, NOW_MS);
  return ks;
}

Deno.test("saveSnapshotFile() and readSnapshotFile() round-trip every entry type", async () => {
  await withTempDir(async (dir) => {
    const original = filled();
    const path = `${dir}/dump.idb`;
    const bytes = await saveSnapshotFile(path, captureKeyspace(original));
    assert.equal((await Deno.stat(path)).size, bytes);
    assertSameKeyspace(await load(path), original);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["dump.idb"]);
  });
});

Deno.test("readSnapshotFile() returns undefined for a missing file", async () => {
  assert.equal(await readSnapshotFile("/nonexistent/inferdb/dump.idb", ctx), undefined);
});

Deno.test("captureKeyspace() is a point in time: later writes don't reach the file", async () => {
  await withTempDir(async (dir) => {
    const ks = filled();
    const capture = captureKeyspace(ks);
    const db0 = ks.db(0);
    const hash = db0.getTyped("{ds}.meta", "hash");
    const list = db0.getTyped("list", "list");
    assert(hash !== undefined && list !== undefined);
    hash.value.set(".COMPLETE", new Uint8Array([49]));
    hash.value.delete("f1");
    list.value.pushBack(new Uint8Array([9]));
    list.value.popFront();
    db0.delete("str");
    db0.set("new", {
      type: "string",
      value: new Uint8Array(1),
      bytes: stringBytes(new Uint8Array(1)),
    });
    await saveSnapshotFile(`${dir}/dump.idb`, capture);
    assertSameKeyspace(await load(`${dir}/dump.idb`), filled());
  });
});

Deno.test("captureKeyspace() leaves out keys whose time has passed", async () => {
  await withTempDir(async (dir) => {
    const ks = filled();
    ks.db(0).setExpire("str", NOW_MS - 1);
    await saveSnapshotFile(`${dir}/dump.idb`, captureKeyspace(ks));
    const loaded = await load(`${dir}/dump.idb`);
    assert.equal(loaded.db(0).entries.has("str"), false);
    assert.equal(loaded.totalKeys(), filled().totalKeys() - 1);
  });
});

Deno.test("snapshots hold hashes with more than 65,535 fields", async () => {
  await withTempDir(async (dir) => {
    const ks = new Keyspace(16, () => NOW_MS);
    const value = new Map<string, Uint8Array>();
    for (let i = 0; i < 70_000; i++) value.set(`field:${i}`, new Uint8Array([i & 255]));
    ks.db(0).set("big", { type: "hash", value, bytes: hashBytes(value) });
    await saveSnapshotFile(`${dir}/dump.idb`, captureKeyspace(ks));
    assertSameKeyspace(await load(`${dir}/dump.idb`), ks);
  });
});

async function assertRefused(path: string, what: string): Promise<CorruptFileError> {
  try {
    await readSnapshotFile(path, ctx);
  } catch (e) {
    assert(e instanceof CorruptFileError, `${what}: ${e}`);
    assert.match(e.message, new RegExp(`^${path}: .* at offset \\d+$`));
    return e;
  }
  throw new Error(`${what}: the damaged file was accepted`);
}

Deno.test("readSnapshotFile() refuses every truncation (seeded)", async () => {
  const seed = testSeed();
  console.log(`truncation fuzz seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  await withTempDir(async (dir) => {
    const path = `${dir}/dump.idb`;
    await saveSnapshotFile(path, captureKeyspace(filled()));
    const full = await Deno.readFile(path);
    const cuts = [0, 1, FILE_HEADER_BYTES, FILE_HEADER_BYTES + 5, full.length - 1];
    for (let i = 0; i < 40; i++) cuts.push(rng.int(full.length));
    for (const cut of cuts) {
      await Deno.writeFile(`${dir}/cut.idb`, full.subarray(0, cut));
      const e = await assertRefused(`${dir}/cut.idb`, `cut at ${cut} (seed ${seed})`);
      assert(e.truncated, `cut at ${cut} reported as damage: ${e.message}`);
      assert(e.offset <= cut, `cut at ${cut}, reported offset ${e.offset}`);
    }
  });
});

Deno.test("readSnapshotFile() refuses a flipped byte anywhere (seeded)", async () => {
  const seed = testSeed();
  console.log(`corruption fuzz seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  await withTempDir(async (dir) => {
    const path = `${dir}/dump.idb`;
    await saveSnapshotFile(path, captureKeyspace(filled()));
    const full = await Deno.readFile(path);
    for (let i = 0; i < 60; i++) {
      const at = i < 12 ? i : rng.int(full.length);
      const damaged = full.slice();
      damaged[at] = (damaged[at] as number) ^ (1 << rng.int(8));
      await Deno.writeFile(`${dir}/bad.idb`, damaged);
      const e = await assertRefused(`${dir}/bad.idb`, `flip at ${at} (seed ${seed})`);
      assert(e.offset <= at, `flip at ${at}, reported offset ${e.offset}`);
    }
  });
});

Deno.test("readSnapshotFile() names unknown formats", async () => {
  await withTempDir(async (dir) => {
    const header = new Uint8Array(FILE_HEADER_BYTES);
    header.set(MAGIC);
    header[8] = 99;
    await Deno.writeFile(`${dir}/v99.idb`, header);
    const e = await assertRefused(`${dir}/v99.idb`, "version 99");
    assert.match(e.message, /unsupported format version 99 \(this build reads 1\) at offset 8/);
    await Deno.writeFile(`${dir}/text.idb`, new TextEncoder().encode("REDIS0011 not ours"));
    assert.match((await assertRefused(`${dir}/text.idb`, "rdb")).message, /bad magic/);
  });
});
