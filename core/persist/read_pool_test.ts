/**
 * ReadPool: reads at any offset on its own handles, a read waiting while every handle is
 * busy, refuses a path that no longer names the file the caller has open, and drops the
 * file's cached pages behind its reads.
 */
import assert from "node:assert/strict";
import { residentPages, tempPagesDroppable } from "../../tests/helpers/page_residency.ts";
import { withTempDir } from "../../tests/helpers/persist_fixtures.ts";
import { DROP_STEP_BYTES, ReadPool } from "./read_pool.ts";

const MIB = 1024 * 1024;
const PAGE_BYTES = 4096;

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
      await pool.close();
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

Deno.test("ReadPool drops the cached pages behind its reads, and the rest on close()", {
  ignore: !tempPagesDroppable(),
}, async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data`;
    const bytes = 2 * DROP_STEP_BYTES + 16 * MIB;
    const data = new Uint8Array(bytes);
    for (let at = 0; at < bytes; at += PAGE_BYTES) {
      data.fill((at / PAGE_BYTES) & 255, at, at + PAGE_BYTES);
    }
    {
      using out = await Deno.open(path, { write: true, create: true });
      await out.write(data);
      await out.sync();
    }
    using file = await Deno.open(path);
    const pool = await ReadPool.open(path, { same: await file.stat(), handles: 2 });
    assert(pool !== undefined);
    const dests: Uint8Array[] = [];
    // One read at a time, so the drops fall at whole steps (32 and 64 MiB here): reads that
    // settle out of order can move a drop past a step, up to the last read's end.
    for (let at = 0; at < bytes; at += MIB) {
      const dest = new Uint8Array(MIB);
      dests.push(dest);
      assert.ok(await (await pool.begin(at, dest)).complete);
    }
    // The drops run in the background once the reads settle: give them a few seconds at most.
    const stepPages = DROP_STEP_BYTES / PAGE_BYTES;
    const behind = () => residentPages(path).slice(0, 2 * stepPages).filter((r) => r).length;
    for (const t = Date.now(); behind() > 0 && Date.now() - t < 5000;) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(behind(), 0, "pages behind the reads stayed cached");
    const tail = residentPages(path).slice(-8 * MIB / PAGE_BYTES);
    assert.ok(tail.every((r) => r), "pages less than a step behind were dropped");
    await pool.close();
    assert.ok(residentPages(path).every((r) => !r), "close() left pages cached");
    assert.deepEqual(
      dests,
      Array.from({ length: bytes / MIB }, (_, i) => data.subarray(i * MIB, (i + 1) * MIB)),
    );
  });
});
