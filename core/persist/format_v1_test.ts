/**
 * The format v1 decoder with large blob bodies read in the background (extra read handles):
 * the same keyspace, and for damaged or cut files the very same error (message, offset,
 * truncation), as reading everything in order on one handle. Seeded (`SEED=n` replays).
 */
import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { CommandTable } from "../command.ts";
import { defaultConfig } from "../config.ts";
import { hashBytes, Keyspace } from "../keyspace.ts";
import { ServerState } from "../server_state.ts";
import { tensorEntryBytes } from "../tensor.ts";
import {
  assertSameKeyspace,
  fillAllTypes,
  sampleTensor,
  withTempDir,
} from "../../tests/helpers/persist_fixtures.ts";
import { seededRandom, testSeed } from "../../tests/helpers/rng.ts";
import { CorruptFileError, FRAME_HEADER_BYTES, KIND_BLOB, KIND_RECORD } from "./frame.ts";
import { installEntry, readSnapshotFile } from "./snapshot_reader.ts";
import { captureKeyspace, FILE_HEADER_BYTES, saveSnapshotFile } from "./snapshot_writer.ts";

const NOW_MS = 1_700_000_000_000;
const ctx = { server: new ServerState(defaultConfig(), new CommandTable([])) };

/**
 * Every type, plus tensors from 200 KiB to 2.4 MiB (blob frames of one to three pieces), then
 * a hash whose records outgrow the reader's short read after a body goes to the pool.
 */
function bigKeyspace(): Keyspace {
  const ks = new Keyspace(16, () => NOW_MS);
  fillAllTypes(ks, NOW_MS);
  for (let i = 0; i < 12; i++) {
    const tensor = sampleTensor("FLOAT", [50 * 1024 * (1 + (i % 4))], i);
    ks.db(1).set(`big:${i}`, { type: "tensor", value: tensor, bytes: tensorEntryBytes(tensor) });
  }
  const fields = new Map(
    Array.from({ length: 3000 }, (_, i) => [`field:${i}`, new Uint8Array(8).fill(i)]),
  );
  ks.db(2).set("wide", { type: "hash", value: fields, bytes: hashBytes(fields) });
  return ks;
}

type Outcome = Keyspace | CorruptFileError;

async function load(path: string, readHandles: number): Promise<Outcome> {
  try {
    const contents = await readSnapshotFile(path, ctx, { readHandles });
    assert(contents !== undefined);
    const ks = new Keyspace(16, () => NOW_MS);
    for (const e of contents.entries) installEntry(ks, e);
    return ks;
  } catch (e) {
    if (e instanceof CorruptFileError) return e;
    throw e;
  }
}

/** Loads `path` in order and with 3 extra handles; both must agree. */
async function loadBothWays(path: string, what: string): Promise<Outcome> {
  const sequential = await load(path, 0);
  const parallel = await load(path, 3);
  if (sequential instanceof CorruptFileError || parallel instanceof CorruptFileError) {
    assert(sequential instanceof CorruptFileError, `${what}: only the parallel load failed`);
    assert(parallel instanceof CorruptFileError, `${what}: only the sequential load failed`);
    const fields = (e: CorruptFileError) => [e.message, e.offset, e.truncated];
    assert.deepEqual(fields(parallel), fields(sequential), what);
  } else {
    assertSameKeyspace(parallel, sequential);
  }
  return parallel;
}

/** The blob frames of a snapshot file with at least `bytesMin` of body: offsets and sizes. */
function blobFrames(file: Uint8Array, bytesMin: number): { at: number; bytes: number }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: { at: number; bytes: number }[] = [];
  for (let at = FILE_HEADER_BYTES; at < file.length;) {
    const bytes = view.getUint32(at + 4, true);
    if (file[at + 8] === KIND_BLOB && bytes >= bytesMin) out.push({ at, bytes });
    at += FRAME_HEADER_BYTES + bytes;
  }
  return out;
}

/** Sets the kind of the frame at `at`, resealing its header so only the kind is wrong. */
function setKind(file: Uint8Array, at: number, kind: number): void {
  file[at + 8] = kind;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  view.setUint32(at, crc32(file.subarray(at + 4, at + FRAME_HEADER_BYTES)), true);
}

async function withSnapshot(fn: (dir: string, full: Uint8Array) => Promise<void>) {
  await withTempDir(async (dir) => {
    await saveSnapshotFile(`${dir}/dump.idb`, captureKeyspace(bigKeyspace()));
    await fn(dir, await Deno.readFile(`${dir}/dump.idb`));
  });
}

Deno.test("readSnapshotFile() with extra read handles loads big blobs exactly", async () => {
  await withSnapshot(async (dir) => {
    const loaded = await loadBothWays(`${dir}/dump.idb`, "intact file");
    assert(loaded instanceof Keyspace);
    assertSameKeyspace(loaded, bigKeyspace());
  });
});

Deno.test("readSnapshotFile() with extra read handles reports damage as in order (seeded)", async () => {
  const seed = testSeed();
  console.log(`parallel load seed ${seed} (SEED=${seed} replays)`);
  const rng = seededRandom(seed);
  await withSnapshot(async (dir, full) => {
    const bodies = blobFrames(full, 256 * 1024);
    const path = `${dir}/bad.idb`;
    for (let i = 0; i < 24; i++) {
      const damaged = full.slice();
      // Mostly inside big bodies (read in the background), sometimes anywhere.
      const frame = bodies[rng.int(bodies.length)];
      assert(frame !== undefined);
      const at = rng.next() < 0.75
        ? frame.at + FRAME_HEADER_BYTES + rng.int(frame.bytes)
        : rng.int(full.length);
      damaged[at] = (damaged[at] as number) ^ (1 << rng.int(8));
      await Deno.writeFile(path, damaged);
      const e = await loadBothWays(path, `flip at ${at} (seed ${seed})`);
      assert(e instanceof CorruptFileError, `flip at ${at} accepted (seed ${seed})`);
    }
    for (let i = 0; i < 16; i++) {
      const cut = rng.int(full.length);
      await Deno.writeFile(path, full.subarray(0, cut));
      const e = await loadBothWays(path, `cut at ${cut} (seed ${seed})`);
      assert(e instanceof CorruptFileError && e.truncated, `cut at ${cut} (seed ${seed})`);
    }
  });
});

Deno.test("readSnapshotFile() with extra read handles reports the first of two faults", async () => {
  await withSnapshot(async (dir, full) => {
    const bodies = blobFrames(full, 256 * 1024);
    const first = bodies[2];
    const later = bodies[bodies.length - 2];
    assert(first !== undefined && later !== undefined && later.at > first.at + 4 * 1024 * 1024);
    const path = `${dir}/bad.idb`;
    // A blob frame of the wrong kind alone, then after a damaged body.
    const wrongKind = full.slice();
    setKind(wrongKind, later.at, KIND_RECORD);
    await Deno.writeFile(path, wrongKind);
    let e = await loadBothWays(path, "wrong kind");
    assert(e instanceof CorruptFileError);
    assert.equal(e.message, `${path}: expected a blob frame at offset ${later.at}`);
    const both = wrongKind.slice();
    const inBody = first.at + FRAME_HEADER_BYTES + first.bytes - 1;
    both[inBody] = (both[inBody] as number) ^ 1;
    await Deno.writeFile(path, both);
    e = await loadBothWays(path, "damaged body, then wrong kind");
    assert(e instanceof CorruptFileError);
    assert.equal(e.message, `${path}: checksum mismatch at offset ${first.at}`);
    assert.equal(e.truncated, false);
    // The file ends inside the last big body: a torn write.
    const last = bodies[bodies.length - 1];
    assert(last !== undefined);
    await Deno.writeFile(path, full.subarray(0, last.at + FRAME_HEADER_BYTES + last.bytes - 1));
    e = await loadBothWays(path, "cut in the last body");
    assert(e instanceof CorruptFileError && e.truncated);
  });
});
