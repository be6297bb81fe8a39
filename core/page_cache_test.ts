import assert from "node:assert/strict";
import { residentPages, tempPagesDroppable } from "../tests/helpers/page_residency.ts";
import { withTempDir } from "../tests/helpers/persist_fixtures.ts";
import { PageCache } from "./page_cache.ts";

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;

/** Writes `bytes` to `path`, synced (clean pages can be dropped), and reads it back in. */
async function cachedFile(path: string, bytes: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true });
  await file.write(new Uint8Array(bytes).fill(7));
  await file.sync();
  file.close();
  await Deno.readFile(path);
  assert.ok(residentPages(path).every((r) => r), "the file's pages were not cached");
}

Deno.test("PageCache.drop() drops the cached pages of a range, then of the whole file", {
  ignore: !tempPagesDroppable(),
}, async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    await cachedFile(path, 8 * MIB);
    const cache = PageCache.open(path);
    assert.ok(cache !== undefined);
    await cache.drop(0, 4 * MIB);
    const resident = residentPages(path);
    const half = 4 * MIB / PAGE_BYTES;
    assert.ok(resident.slice(0, half).every((r) => !r), "the range stayed cached");
    assert.ok(resident.slice(half).every((r) => r), "pages past the range were dropped");
    await cache.drop(0, 0);
    await cache.close();
    assert.ok(residentPages(path).every((r) => !r), "the file stayed cached");
    assert.deepEqual(await Deno.readFile(path), new Uint8Array(8 * MIB).fill(7));
  });
});

Deno.test("PageCache.open() gives undefined for a file that is not there", () => {
  assert.equal(PageCache.open("/nonexistent/inferdb/page-cache-test"), undefined);
});
