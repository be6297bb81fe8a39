/**
 * The persistence commands and INFO persistence: SAVE, BGSAVE, LASTSAVE replies and errors,
 * save points, SHUTDOWN SAVE / NOSAVE.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { readSnapshotFile } from "../core/persist/snapshot_reader.ts";
import { withTempDir } from "./helpers/persist_fixtures.ts";
import { calls, info, startIn, waitFor } from "./helpers/persist_server.ts";
import { redisCli } from "./helpers/server.ts";

Deno.test("LASTSAVE and INFO persistence report saves; LASTSAVE never goes back", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    try {
      const before = await calls(a.port, [["LASTSAVE"]]);
      const fields = await info(a.port);
      for (const name of ["loading", "rdb_bgsave_in_progress", "aof_enabled", "rdb_saves"]) {
        assert.equal(fields.get(name), "0", name);
      }
      assert.equal(fields.get("rdb_last_bgsave_status"), "ok");
      assert.equal(fields.get("aof_last_write_status"), "ok");
      assert.equal(fields.get("rdb_last_save_time"), String(before[0]));
      await calls(a.port, [["SET", "a", "1"], ["SET", "b", "2"]]);
      assert.equal((await info(a.port)).get("rdb_changes_since_last_save"), "2");
      const redis = createClient({ socket: { port: a.port } });
      await redis.connect();
      try {
        assert.equal(await redis.sendCommand(["SAVE"]), "OK");
        const after = await redis.sendCommand(["LASTSAVE"]);
        assert(typeof after === "number" && after >= (before[0] as number));
      } finally {
        await redis.close();
      }
      const saved = await info(a.port);
      assert.equal(saved.get("rdb_changes_since_last_save"), "0");
      assert.equal(saved.get("rdb_saves"), "1");
      assert.deepEqual(await calls(a.port, [["BGSAVE", "NOW"], ["MULTI"], ["SAVE"], ["DISCARD"]]), [
        { error: "ERR syntax error" },
        { status: "OK" },
        { error: "ERR Command not allowed inside a transaction" },
        { status: "OK" },
      ]);
    } finally {
      await a.close();
    }
  });
});

Deno.test("save points trigger a background save", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir, { save: "1 2" });
    try {
      await calls(a.port, [["SET", "a", "1"], ["SET", "b", "2"]]);
      await waitFor(a.port, "rdb_saves", "1");
      const snap = await readSnapshotFile(`${dir}/dump.idb`, { server: a.state });
      assert.deepEqual(snap?.entries.map((e) => e.key).sort(), ["a", "b"]);
    } finally {
      await a.close();
    }
  });
});

Deno.test("SHUTDOWN SAVE writes a snapshot; SHUTDOWN NOSAVE doesn't", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    await calls(a.port, [["SET", "kept", "1"]]);
    await redisCli(a.port, ["shutdown", "save"]).catch(() => "");
    await a.done;
    const b = await startIn(dir);
    await calls(b.port, [["SET", "lost", "1"]]);
    await redisCli(b.port, ["shutdown", "nosave"]).catch(() => "");
    await b.done;
    const c = await startIn(dir);
    try {
      assert.deepEqual(await calls(c.port, [["GET", "kept"], ["GET", "lost"]]), ["1", null]);
    } finally {
      await c.close();
    }
  });
});
