/**
 * Persistence through the real server: SAVE and restart (with none of the snapshot left in the
 * page cache), append-only replay (model and script runs included), BGREWRITEAOF, and BGSAVE
 * under concurrent writes.
 */
import assert from "node:assert/strict";
import { DTYPES } from "../core/dtype.ts";
import type { DType } from "../core/dtype.ts";
import { CommandTable } from "../core/command.ts";
import { defaultConfig } from "../core/config.ts";
import { ServerState } from "../core/server_state.ts";
import { tensorBytes } from "../core/tensor.ts";
import { readSnapshotFile } from "../core/persist/snapshot_reader.ts";
import type { Running } from "../main.ts";
import {
  assertSameKeyspace,
  fillAllTypes,
  sampleTensor,
  withTempDir,
} from "./helpers/persist_fixtures.ts";
import { residentPages, tempPagesDroppable } from "./helpers/page_residency.ts";
import { Arg, assertNoErrors, calls, info, startIn, waitFor } from "./helpers/persist_server.ts";
import { encodePipeline, RawClient } from "./helpers/raw_client.ts";

const TESTDATA = new URL("../../shared/testdata/redisai/", import.meta.url);
const MNIST = new URL("mnist.onnx", TESTDATA);
const ONE = new URL("one.raw", TESTDATA);
const SCRIPT =
  "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n";

/** Writes of every kind, through commands (so the append-only log sees them). */
function everyKindOfWrite(): Arg[][] {
  const writes: Arg[][] = [
    ["SET", "str", "hello\r\n\0world"],
    ["SET", new Uint8Array([98, 0, 255]), new Uint8Array([0, 255, 128])],
    ["SET", "empty", ""],
    ["HSET", "{ds}.meta", "f1", "v1", new Uint8Array([0, 254]), new Uint8Array([1, 0]), "e", ""],
    ["HSET", "{ds}.meta", ".COMPLETE", "1"],
    ["HDEL", "{ds}.meta", "f1"],
    ["RPUSH", "list", "a", "", "{ds}"],
    ["LPUSH", "list", "z", "y"],
    ["LPOP", "list"],
    ["SET", "ttl", "soon", "EX", "3600"],
    ["SET", "counter", "1"],
    ["INCR", "counter"],
    ["SET", "doomed", "x"],
    ["DEL", "doomed"],
    ["MULTI"],
    ["INCR", "counter"],
    ["RPUSH", "list", "in-tx"],
    ["EXEC"],
    ["SELECT", "3"],
  ];
  for (const dtype of Object.keys(DTYPES) as DType[]) {
    const t = sampleTensor(dtype, [2, 3]);
    writes.push(["AI.TENSORSET", `t:${dtype}`, dtype, ...t.shape, "BLOB", tensorBytes(t)]);
  }
  const big = sampleTensor("FLOAT", [3, 1024, 200]);
  writes.push(["AI.TENSORSET", "t:big", "FLOAT", ...big.shape, "BLOB", tensorBytes(big)]);
  // Model and script runs are logged as their outputs, not re-run on replay.
  writes.push(
    ["AI.MODELSTORE", "m", "ONNX", "CPU", "TAG", "v1", "BLOB", Deno.readFileSync(MNIST)],
    ["AI.TENSORSET", "in", "FLOAT", 1, 1, 28, 28, "BLOB", Deno.readFileSync(ONE)],
    ["AI.MODELEXECUTE", "m", "INPUTS", 1, "in", "OUTPUTS", 1, "out"],
    ["AI.SCRIPTSTORE", "s", "CPU", "TAG", "t", "ENTRY_POINTS", 1, "bar", "SOURCE", SCRIPT],
    ["AI.SCRIPTEXECUTE", "s", "bar", "INPUTS", 1, "out", "OUTPUTS", 1, "sout"],
  );
  writes.push(["SELECT", "15"], ["SET", "last", "db15"]);
  return writes;
}

Deno.test("SAVE and restart bring back every entry type, byte for byte", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    let b: Running | undefined;
    try {
      fillAllTypes(a.state.keyspace, a.state.now());
      assert.deepEqual(await calls(a.port, [["SAVE"]]), [{ status: "OK" }]);
      await a.close();
      b = await startIn(dir);
      assertSameKeyspace(b.state.keyspace, a.state.keyspace);
      const keys = String(a.state.keyspace.totalKeys());
      assert.equal((await info(b.port)).get("rdb_last_load_keys_loaded"), keys);
    } finally {
      await a.close();
      await b?.close();
    }
  });
});

Deno.test("SAVE and a restart's load leave none of the snapshot in the page cache", {
  ignore: !tempPagesDroppable(),
}, async () => {
  await withTempDir(async (dir) => {
    // 8 MiB: large enough for the loader's parallel reads (files of 4 MiB or more).
    const blob = Uint8Array.from({ length: 8 * 1024 * 1024 }, (_, i) => (i * 7) & 255);
    const path = `${dir}/dump.idb`;
    const a = await startIn(dir);
    let b: Running | undefined;
    try {
      const set: Arg[] = ["AI.TENSORSET", "t", "UINT8", blob.length, "BLOB", blob];
      assert.deepEqual(await calls(a.port, [set, ["SAVE"]]), [{ status: "OK" }, { status: "OK" }]);
      assert.ok(residentPages(path).every((r) => !r), "SAVE left the snapshot cached");
      await a.close();
      await Deno.readFile(path); // cached again, for the load to give back
      b = await startIn(dir);
      assert.ok(residentPages(path).every((r) => !r), "the load left the snapshot cached");
      const client = await RawClient.connect(b.port);
      client.binary = true;
      try {
        const got = await client.call("AI.TENSORGET", "t", "BLOB") as { bytes: Uint8Array };
        assert.deepEqual(got.bytes, blob);
      } finally {
        client.close();
      }
    } finally {
      await a.close();
      await b?.close();
    }
  });
});

Deno.test("the append-only log replays every kind of write after a restart", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir, { appendonly: true, appendfsync: "always" });
    let b: Running | undefined;
    let c: Running | undefined;
    try {
      assertNoErrors(await calls(a.port, everyKindOfWrite()));
      const sizeBefore = (await Deno.stat(`${dir}/appendonly.aof`)).size;
      await calls(a.port, [["GET", "str"], ["DEL", "missing"], ["EXISTS", "list"]]);
      assert.equal((await Deno.stat(`${dir}/appendonly.aof`)).size, sizeBefore);
      await a.close();
      b = await startIn(dir, { appendonly: true });
      assertSameKeyspace(b.state.keyspace, a.state.keyspace);
      assert.deepEqual(await calls(b.port, [["GET", "counter"]]), ["3"]);
      assert(b.state.commandStats.has("ai.tensorset"), "writes were replayed as commands");
      assert(!b.state.commandStats.has("ai.modelexecute"), "model runs are not replayed");
      assert(!b.state.commandStats.has("ai.scriptexecute"), "script runs are not replayed");
      // The same data through a snapshot.
      assert.deepEqual(await calls(b.port, [["SAVE"]]), [{ status: "OK" }]);
      await b.close();
      c = await startIn(dir);
      assertSameKeyspace(c.state.keyspace, a.state.keyspace);
    } finally {
      await a.close();
      await b?.close();
      await c?.close();
    }
  });
});

Deno.test("BGREWRITEAOF compacts the log and keeps writes made while it runs", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir, { appendonly: true });
    let b: Running | undefined;
    try {
      const writes: Arg[][] = [];
      for (let i = 0; i < 300; i++) {
        writes.push(["SET", "k", String(i)], ["HSET", "h", `f${i % 7}`, i]);
      }
      assertNoErrors(await calls(a.port, writes));
      const path = `${dir}/appendonly.aof`;
      const before = (await Deno.stat(path)).size;
      // Writes pipelined behind BGREWRITEAOF land while it runs (a tail bigger than 256 KiB).
      const during: Arg[][] = [["BGREWRITEAOF"]];
      for (let i = 0; i < 6; i++) during.push(["SET", `during:${i}`, "x".repeat(100_000)]);
      during.push(["SET", "k", "final"]);
      const client = await RawClient.connect(a.port);
      try {
        await client.send(encodePipeline(during));
        assert.deepEqual(await client.read(), {
          status: "Background append only file rewriting started",
        });
        for (let i = 1; i < during.length; i++) {
          assert.deepEqual(await client.read(), { status: "OK" });
        }
      } finally {
        client.close();
      }
      await waitFor(a.port, "aof_rewrite_in_progress", "0");
      const fields = await info(a.port);
      assert.equal(fields.get("aof_last_bgrewrite_status"), "ok");
      assert.equal(fields.get("aof_rewrites"), "2"); // creating the log counts as one
      assert(Number(fields.get("aof_base_size")) < before, "the rewrite compacts");
      await a.close();
      b = await startIn(dir, { appendonly: true });
      assertSameKeyspace(b.state.keyspace, a.state.keyspace);
      assert.deepEqual(await calls(b.port, [["GET", "k"], ["STRLEN", "during:5"]]), [
        "final",
        100_000,
      ]);
    } finally {
      await a.close();
      await b?.close();
    }
  });
});

Deno.test("BGSAVE is a point-in-time snapshot while writes keep being answered", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    try {
      const bulk = sampleTensor("FLOAT", [256, 1024]);
      for (let i = 0; i < 32; i++) {
        assertNoErrors(
          await calls(a.port, [[
            "AI.TENSORSET",
            `bulk:${i}`,
            "FLOAT",
            256,
            1024,
            "BLOB",
            tensorBytes(bulk),
          ]]),
        );
      }
      const writer = await RawClient.connect(a.port);
      let stop = false;
      let acked = 0;
      const writing = (async () => {
        while (!stop) {
          const n = acked + 1;
          const tx = [["MULTI"], ["INCR", "c"], ["RPUSH", "l", n], ["HSET", "h", `f${n}`, n], [
            "EXEC",
          ]];
          for (const args of tx) await writer.call(...args);
          acked = n;
        }
      })();
      const saver = await RawClient.connect(a.port);
      try {
        while (acked < 20) await new Promise((r) => setTimeout(r, 5));
        await saver.send(
          encodePipeline([["BGSAVE"], ["INFO", "persistence"]]),
        );
        assert.deepEqual(await saver.read(), { status: "Background saving started" });
        const during = await saver.read();
        assert.match(String(during), /rdb_bgsave_in_progress:1/);
        assert.deepEqual(await saver.call("BGSAVE"), {
          error: "ERR Background save already in progress",
        });
        await waitFor(a.port, "rdb_bgsave_in_progress", "0");
      } finally {
        stop = true;
        await writing;
        writer.close();
        saver.close();
      }
      const server = { server: new ServerState(defaultConfig(), new CommandTable([])) };
      const snap = await readSnapshotFile(`${dir}/dump.idb`, server);
      assert(snap !== undefined);
      const byKey = new Map(snap.entries.map((e) => [e.key, e.entry]));
      const c = byKey.get("c");
      const l = byKey.get("l");
      const h = byKey.get("h");
      assert(c?.type === "string" && l?.type === "list" && h?.type === "hash");
      const count = Number(new TextDecoder().decode(c.value));
      assert(count >= 20 && count <= acked, `snapshot counter ${count}, acked ${acked}`);
      assert.equal(l.value.length, count);
      assert.equal(h.value.size, count);
      assert.equal(snap.keys, 35);
    } finally {
      await a.close();
    }
  });
});

Deno.test("CONFIG SET appendonly yes starts the log from the current data", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    let b: Running | undefined;
    try {
      assertNoErrors(await calls(a.port, [["SET", "before", "1"], ["RPUSH", "l", "x"]]));
      assert.deepEqual(await calls(a.port, [["CONFIG", "SET", "appendonly", "yes"]]), [
        { status: "OK" },
      ]);
      await waitFor(a.port, "aof_enabled", "1");
      await waitFor(a.port, "aof_rewrite_in_progress", "0");
      assertNoErrors(await calls(a.port, [["SET", "after", "2"], ["RPUSH", "l", "y"]]));
      await a.close();
      b = await startIn(dir, { appendonly: true });
      assertSameKeyspace(b.state.keyspace, a.state.keyspace);
      assert.deepEqual(await calls(b.port, [["CONFIG", "SET", "appendonly", "no"]]), [
        { status: "OK" },
      ]);
      await waitFor(b.port, "aof_enabled", "0");
    } finally {
      await a.close();
      await b?.close();
    }
  });
});
