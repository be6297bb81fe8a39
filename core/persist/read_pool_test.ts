/**
 * ReadPool: reads at any offset on its own handles, a read waiting while every handle is
 * busy, and refuses a path that no longer names the file the caller has open.
 */
import assert from "node:assert/strict";
import { withTempDir } from "../../tests/helpers/persist_fixtures.ts";
import { ReadPool } from "./read_pool.ts";

Deno.test("ReadPool reads ranges in parallel, up to its handle count", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255);
    await Deno.writeFile(path, data);
    using file = await Deno.open(path);
    const pool = await ReadPool.open(path, { same: await file.stat(), handles: 2 });
    assert(pool !== undefined);
    try {
      const dests = [0, 100_000, 200_000].map(() => new Uint8Array(100_000));
      const first = await pool.begin(200_000, dests[2] as Uint8Array);
      const second = await pool.begin(0, dests[0] as Uint8Array);
      // Both handles are busy: the third read starts once one of them is free.
      const third = await pool.begin(100_000, dests[1] as Uint8Array);
      const reads = [first, second, third];
      assert.deepEqual(await Promise.all(reads.map((r) => r.complete)), [true, true, true]);
      dests.forEach((d, i) => assert.deepEqual(d, data.subarray(i * 100_000, (i + 1) * 100_000)));
      const past = await pool.begin(250_000, new Uint8Array(100_000));
      assert.equal(await past.complete, false);
    } finally {
      pool.close();
    }
  });
});

Deno.test("ReadPool.open() refuses a path replaced since the file was opened", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    await Deno.writeFile(path, new Uint8Array(10));
    using file = await Deno.open(path);
    await Deno.writeFile(`${dir}/other`, new Uint8Array(10));
    await Deno.rename(`${dir}/other`, path);
    assert.equal(await ReadPool.open(path, { same: await file.stat(), handles: 2 }), undefined);
  });
});
