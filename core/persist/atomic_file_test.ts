/**
 * replaceFile() and its SyncedWriter: a large file written with background fsyncs arrives
 * whole under its final name, and out of the page cache; a failed write leaves the old file
 * and no temporary file.
 */
import assert from "node:assert/strict";
import { residentPages, tempPagesDroppable } from "../../tests/helpers/page_residency.ts";
import { withTempDir } from "../../tests/helpers/persist_fixtures.ts";
import { replaceFile } from "./atomic_file.ts";

const CHUNK_BYTES = 24 * 1024 * 1024;

Deno.test("replaceFile() writes a large file whole, fsyncing behind the writes", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    // Three chunks: past the background fsync threshold twice.
    const result = await replaceFile(path, async (out) => {
      for (let i = 0; i < 3; i++) await out.write(new Uint8Array(CHUNK_BYTES).fill(i + 1));
      return "done";
    });
    assert.equal(result, "done");
    if (tempPagesDroppable()) {
      assert.ok(residentPages(path).every((r) => !r), "written pages stayed in the page cache");
    }
    const data = await Deno.readFile(path);
    assert.equal(data.length, 3 * CHUNK_BYTES);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual([data[i * CHUNK_BYTES], data[(i + 1) * CHUNK_BYTES - 1]], [i + 1, i + 1]);
    }
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["data"]);
  });
});

Deno.test("replaceFile() leaves the old file in place when the write fails", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    await assert.rejects(
      replaceFile(path, async (out) => {
        await out.write(new Uint8Array(CHUNK_BYTES * 2));
        throw new Error("disk full");
      }),
      /disk full/,
    );
    assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2, 3]));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["data"]);
  });
});
