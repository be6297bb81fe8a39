/**
 * The commands that move values between keys and databases (MOVE, SWAPDB, LMOVE, RPOPLPUSH,
 * LINSERT, GETSET), driven by redis-cli on a real server with every entry type: the data they
 * leave survives append-only replay, BGREWRITEAOF and a snapshot; and OBJECT and MEMORY USAGE
 * answer redis-cli's `--memkeys`.
 */
import assert from "node:assert/strict";
import type { Running } from "../main.ts";
import { assertSameKeyspace, withTempDir } from "./helpers/persist_fixtures.ts";
import { assertNoErrors, calls, startIn, waitFor } from "./helpers/persist_server.ts";
import { redisCli } from "./helpers/server.ts";

const TESTDATA = new URL("../../shared/testdata/redisai/", import.meta.url);
const MNIST = new URL("mnist.onnx", TESTDATA);
const SCRIPT = "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n" +
  "    return tensors[0]\n";

/** Moves of every kind, one redis-cli session (SELECT and MULTI carry across lines). */
const MOVES = [
  "SET s v EX 3600",
  "GETSET g new",
  "RPUSH l a b c",
  "HSET h f v",
  "AI.TENSORSET t FLOAT 2 VALUES 1 2",
  "MOVE s 2",
  "MOVE t 2",
  "MOVE m 2",
  "MOVE sc 2",
  "LMOVE l l2 LEFT RIGHT",
  "RPOPLPUSH l l2",
  "LINSERT l2 BEFORE a X",
  "SWAPDB 2 3",
  "MULTI",
  "MOVE h 4",
  "SWAPDB 4 5",
  "EXEC",
  "SELECT 3",
  "EXPIRE t 7200",
  "RPUSH l3 x",
  "SWAPDB 3 0",
].join("\n");

async function expectSame(dir: string, expected: Running, appendonly: boolean): Promise<Running> {
  const next = await startIn(dir, { appendonly });
  assertSameKeyspace(next.state.keyspace, expected.state.keyspace);
  return next;
}

Deno.test("MOVE, SWAPDB and the list moves survive replay, BGREWRITEAOF and a snapshot", async () => {
  await withTempDir(async (dir) => {
    const servers: Running[] = [await startIn(dir, { appendonly: true, appendfsync: "always" })];
    const last = () => servers[servers.length - 1] as Running;
    try {
      assertNoErrors(
        await calls(last().port, [
          ["AI.MODELSTORE", "m", "ONNX", "CPU", "BLOB", Deno.readFileSync(MNIST)],
          ["AI.SCRIPTSTORE", "sc", "CPU", "ENTRY_POINTS", 1, "bar", "SOURCE", SCRIPT],
        ]),
      );
      const out = await redisCli(last().port, [], MOVES);
      assert.ok(!out.includes("ERR"), out);
      assert.deepEqual(
        await calls(last().port, [["SELECT", "0"], ["KEYS", "*"], ["TTL", "s"], ["TTL", "t"]]),
        [{ status: "OK" }, ["s", "t", "m", "sc", "l3"], 3600, 7200],
      );
      await last().close();
      servers.push(await expectSame(dir, last(), true));
      assert.deepEqual(await calls(last().port, [["BGREWRITEAOF"]]), [
        { status: "Background append only file rewriting started" },
      ]);
      await waitFor(last().port, "aof_rewrite_in_progress", "0");
      assertNoErrors(await calls(last().port, [["SAVE"]]));
      await last().close();
      servers.push(await expectSame(dir, last(), true));
      await last().close();
      servers.push(await expectSame(dir, last(), false));
      assert.deepEqual(
        await calls(last().port, [
          ["SELECT", "5"],
          ["HGET", "h", "f"],
          ["SELECT", "3"],
          ["LRANGE", "l2", "0", "-1"],
          ["GET", "g"],
        ]),
        [{ status: "OK" }, "v", { status: "OK" }, ["c", "X", "a"], "new"],
      );
    } finally {
      for (const s of servers) await s.close();
    }
  });
});

Deno.test("redis-cli --memkeys sizes every key through MEMORY USAGE", async () => {
  await withTempDir(async (dir) => {
    const a = await startIn(dir);
    try {
      await redisCli(a.port, [], "SET s hello\nRPUSH l a b\nAI.TENSORSET t FLOAT 256\n");
      const out = await redisCli(a.port, ["--memkeys"]);
      assert.match(out, /Biggest string found '"s"' has \d+ bytes/);
      assert.match(out, /Biggest AI_TENSOR found '"t"' has (\d{4,}) bytes/);
      assert.equal(await redisCli(a.port, ["OBJECT", "ENCODING", "l"]), "quicklist\n");
    } finally {
      await a.close();
    }
  });
});
