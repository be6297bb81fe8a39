/** Tests for the script run queues and workers (real workers, fake host). */
import assert from "node:assert/strict";
import type { Tensor } from "../../../core/tensor.ts";
import { compileScript } from "../compile.ts";
import { DEFAULT_SCRIPT_LIMITS } from "../limits.ts";
import type { ScriptCall } from "../run_script.ts";
import { HostHandler, ScriptJob, ScriptPool } from "./script_pool.ts";

const SOURCE = `def bar(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]
def get(tensors: List[Tensor], keys: List[str], args: List[str]):
    return torch.tensor(int(str(redis.execute("GET", keys[0]))) + 1)
def spin(tensors: List[Tensor], keys: List[str], args: List[str]):
    x = 0
    while True:
        x += 1
def model(tensors: List[Tensor], keys: List[str], args: List[str]):
    return redisAI.model_execute(keys[0], tensors, 1)[0] * 2
`;

const compiled = compileScript(SOURCE);

const host: HostHandler = {
  execute: (args) => Promise.resolve(args[1] === "k" ? "41" : null),
  modelExecute: (_key, inputs) => Promise.resolve([inputs[0] as Tensor]),
};

function job(fn: string, o: Partial<ScriptCall> & { deadlineMs?: number } = {}): ScriptJob {
  return {
    script: { ...compiled, id: 1 },
    call: { fn, inputs: [], keys: [], args: [], outputCount: 1, entryPoints: [fn], ...o },
    limits: { ...DEFAULT_SCRIPT_LIMITS, stepsMax: 200_000 },
    deadlineMs: o.deadlineMs,
    host,
  };
}

const f32 = (v: number[]): Tensor => {
  const data = new Float32Array(new SharedArrayBuffer(v.length * 4));
  data.set(v);
  return { dtype: "FLOAT", shape: [v.length], data };
};

Deno.test("ScriptPool runs scripts in workers with the host bridge", async () => {
  let nowMs = 1000;
  const pool = new ScriptPool({ threadsPerQueue: 1, now: () => nowMs });
  try {
    const added = await pool.run("cpu", job("bar", { inputs: [f32([1, 2]), f32([3, 4])] }));
    assert(added.kind === "ok");
    assert.deepEqual(Array.from(added.outputs[0]?.data as Float32Array), [4, 6]);
    const got = await pool.run("CPU", job("get", { keys: ["k"] }));
    assert(got.kind === "ok");
    assert.deepEqual(Array.from(got.outputs[0]?.data as BigInt64Array), [42n]);
    const viaModel = await pool.run("cpu", job("model", { keys: ["m"], inputs: [f32([1.5])] }));
    assert(viaModel.kind === "ok");
    assert.deepEqual(Array.from(viaModel.outputs[0]?.data as Float32Array), [3]);
    const spinning = pool.run("cpu", job("spin", { outputCount: 0 }));
    const late = pool.run("cpu", job("bar", { deadlineMs: 1500, inputs: [f32([1]), f32([1])] }));
    nowMs = 2000;
    const [spun, timedOut] = await Promise.all([spinning, late]);
    assert(spun.kind === "error");
    assert.match(spun.message, /script step limit exceeded/);
    assert.equal(timedOut.kind, "timedout");
    const again = await pool.run("cpu", job("bar", { inputs: [f32([1]), f32([1])] }));
    assert(again.kind === "ok");
  } finally {
    pool.close();
  }
});

Deno.test("ScriptPool.close() fails queued jobs", async () => {
  const pool = new ScriptPool({ threadsPerQueue: 1, now: () => 0 });
  const first = pool.run("gpu:0", job("spin", { outputCount: 0 }));
  const second = pool.run("gpu:0", job("bar"));
  pool.close();
  assert.deepEqual(await second, { kind: "error", message: "ERR server is shutting down" });
  assert.equal((await first).kind, "error");
});

Deno.test("ScriptPool runs pure scripts inline on an idle queue, in a worker past the budget", async () => {
  const pure = compileScript(`def add(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]
def loop(tensors: List[Tensor], keys: List[str], args: List[str]):
    s = 0
    for i in range(50000):
        s += 1
    return torch.tensor(s)
def bad(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[2]
`);
  const pool = new ScriptPool({ threadsPerQueue: 1, now: () => 0 });
  const pureJob = (fn: string): ScriptJob => ({
    ...job(fn, { inputs: [f32([1]), f32([2])] }),
    script: { ...pure, id: 2 },
  });
  try {
    const added = await pool.run("cpu", pureJob("add"));
    assert(added.kind === "ok");
    assert.deepEqual(Array.from(added.outputs[0]?.data as Float32Array), [3]);
    assert.equal(pool.workerCount(), 0);
    const bad = await pool.run("cpu", pureJob("bad"));
    assert(bad.kind === "error");
    assert.match(bad.message, /list index out of range/);
    assert.equal(pool.workerCount(), 0);
    const looped = await pool.run("cpu", pureJob("loop"));
    assert(looped.kind === "ok");
    assert.deepEqual(Array.from(looped.outputs[0]?.data as BigInt64Array), [50000n]);
    assert.equal(pool.workerCount(), 1);
  } finally {
    pool.close();
  }
});
