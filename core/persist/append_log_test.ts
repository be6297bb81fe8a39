/**
 * AppendLog: groups, the fsync policies' promises, buffering before a file is adopted.
 */
import assert from "node:assert/strict";
import { CommandTable } from "../command.ts";
import { defaultConfig } from "../config.ts";
import { ServerState } from "../server_state.ts";
import { tensorBytes, tensorEntryBytes } from "../tensor.ts";
import { sampleTensor } from "../../tests/helpers/persist_fixtures.ts";
import { AppendLog, FsyncPolicy } from "./append_log.ts";
import { formatV1 } from "./format_v1.ts";
import { type LogOp, openDataFile } from "./snapshot_reader.ts";

const enc = new TextEncoder();
const ctx = { server: new ServerState(defaultConfig(), new CommandTable([])) };

async function withLog(
  policy: FsyncPolicy,
  fn: (log: AppendLog, path: string, adopt: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "inferdb-aof-" });
  const path = `${dir}/appendonly.aof`;
  const log = new AppendLog(path, () => policy);
  try {
    await fn(log, path, async () => {
      log.adopt(await Deno.open(path, { write: true, create: true }), 0, 0);
    });
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The file's groups, big blob bodies read on two extra handles. */
async function groups(path: string): Promise<LogOp[][]> {
  const opened = await openDataFile(path, { readHandles: 2 });
  assert(opened !== undefined);
  try {
    const { reader } = opened;
    const out: LogOp[][] = [];
    for (
      let g = await formatV1.logGroup(reader, ctx);
      g;
      g = await formatV1.logGroup(reader, ctx)
    ) {
      out.push(g);
    }
    return out;
  } finally {
    await opened.close();
  }
}

function set(key: string): Uint8Array[] {
  return [enc.encode("SET"), enc.encode(key), enc.encode("v")];
}

Deno.test("AppendLog.flush() writes one group per turn, ending in a commit", async () => {
  await withLog("no", async (log, path, adopt) => {
    await adopt();
    log.appendCommand(0, set("a"));
    log.appendCommand(2, set("b"));
    log.appendExpire(2, "b", 1234);
    log.flush();
    log.appendCommand(0, set("c"));
    log.flush();
    const read = await groups(path);
    assert.deepEqual(read.map((g) => g.map((op) => op.kind)), [
      ["command", "command", "expire"],
      ["command"],
    ]);
    assert.deepEqual(read[0]?.[2], { kind: "expire", db: 2, key: "b", atMs: 1234 });
    assert.equal(log.sizeBytes, (await Deno.stat(path)).size);
  });
});

Deno.test("AppendLog.durable() waits for fsync only under appendfsync always", async () => {
  await withLog("everysec", async (log, path, adopt) => {
    await adopt();
    log.appendCommand(0, set("a"));
    assert.equal(log.durable(), undefined);
    assert.equal(log.sizeBytes, 0, "not written yet");
    await new Promise((r) => setTimeout(r, 0));
    assert.equal((await groups(path)).length, 1, "written at the end of the turn");
  });
  await withLog("always", async (log, path, adopt) => {
    await adopt();
    assert.equal(log.durable(), undefined, "nothing to wait for");
    log.appendCommand(0, set("a"));
    const first = log.durable();
    log.appendCommand(0, set("b"));
    const second = log.durable();
    assert(first instanceof Promise && second instanceof Promise);
    await Promise.all([first, second]);
    assert.equal((await groups(path)).length, 2);
    assert.equal(log.durable(), undefined, "all durable");
  });
});

Deno.test("AppendLog keeps groups in memory until a file is adopted", async () => {
  await withLog("always", async (log, path, adopt) => {
    log.appendCommand(0, set("a"));
    const waiting = log.durable();
    assert(waiting instanceof Promise);
    let settled = false;
    waiting.then(() => settled = true);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(settled, false);
    assert(log.bufferedBytes > 0);
    await adopt();
    await waiting;
    assert.equal(log.bufferedBytes, 0);
    assert.deepEqual((await groups(path)).flat().map((op) => op.kind), ["command"]);
  });
});

Deno.test("AppendLog.appendEntry() logs a key's value (a big one too), and deletes", async () => {
  await withLog("no", async (log, path, adopt) => {
    await adopt();
    const value = new Uint8Array([1, 2, 3]);
    log.appendEntry(5, "k", { type: "string", value, bytes: 19 }, 99);
    log.appendEntry(5, "gone", undefined);
    const big = sampleTensor("FLOAT", [3, 1024, 200]);
    log.appendEntry(1, "big", { type: "tensor", value: big, bytes: tensorEntryBytes(big) });
    await log.close();
    const [group] = await groups(path);
    assert.equal(group?.length, 3);
    const [entry, del, tensor] = group ?? [];
    assert(tensor?.kind === "entry" && tensor.entry.type === "tensor");
    assert.deepEqual(tensorBytes(tensor.entry.value), tensorBytes(big));
    assert(entry?.kind === "entry");
    assert.deepEqual([entry.db, entry.key, entry.expireAtMs, entry.entry.value], [
      5,
      "k",
      99,
      value,
    ]);
    assert.deepEqual(del, { kind: "delete", db: 5, key: "gone" });
  });
});
