/**
 * Unit tests of DAG execution with compute ops the tests control: dependency order, devices
 * in parallel and each device in order, failures (later ops `na`), TIMEOUT on an injected
 * clock, the intermediate-bytes limit, and the synchronous path without compute ops.
 */
import assert from "node:assert/strict";
import { CommandError } from "../errors.ts";
import { Tensor, zeroTensor } from "../tensor.ts";
import { fakeOp, RunFn } from "../../tests/helpers/dag_fakes.ts";
import { DagOutcome, executeDag } from "./dag_executor.ts";
import { ComputeOp, DagPlan, PlanOp, TIMED_OUT } from "./dag_plan.ts";

const FORMAT = { meta: true, blob: true, values: false };

function compute(op: ComputeOp, inputs: number[], outputs: number[]): PlanOp {
  return { kind: "compute", op, inputs, outputs };
}

function dagPlan(ops: PlanOp[], initial: (Tensor | undefined)[], timeoutMs = 0): DagPlan {
  return { initial, ops, persist: [], timeoutMs, tensorBytes: 0 };
}

const options = { now: () => 0, tensorBytesMax: 1 << 20 };

/** A run function that records its start and waits until the test releases it. */
function gate(log: string[], name: string, output: Tensor = zeroTensor("FLOAT", [1])) {
  let release: (() => void) | undefined;
  const run: RunFn = () => {
    log.push(`start ${name}`);
    return new Promise((resolve) => {
      release = () => {
        log.push(`end ${name}`);
        resolve([output]);
      };
    });
  };
  return { run, release: () => release?.() };
}

/** Lets queued promise reactions run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("executeDag() is synchronous without compute ops", () => {
  const t = zeroTensor("INT8", [2]);
  const outcome = executeDag(
    dagPlan([{ kind: "tensorset" }, { kind: "tensorget", input: 0, format: FORMAT }], [t]),
    options,
  );
  assert.ok(!(outcome instanceof Promise));
  assert.deepEqual([outcome.results, outcome.slots[0] === t], [["ok", "ok"], true]);
});

Deno.test("executeDag() runs devices in parallel and each device in DAG order", async () => {
  const log: string[] = [];
  const gpu = gate(log, "gpu");
  const cpu1 = gate(log, "cpu1");
  const cpu2 = gate(log, "cpu2");
  const input = zeroTensor("FLOAT", [1]);
  const plan = dagPlan([
    compute(fakeOp("GPU", ["a"], ["x"], gpu.run), [0], [1]),
    compute(fakeOp("CPU", ["a"], ["y"], cpu1.run), [0], [2]),
    compute(fakeOp("CPU", ["a"], ["z"], cpu2.run), [0], [3]),
  ], [input, undefined, undefined, undefined]);
  const done = executeDag(plan, options);
  await settle();
  assert.deepEqual(log, ["start gpu", "start cpu1"]);
  cpu1.release();
  await settle();
  assert.deepEqual(log, ["start gpu", "start cpu1", "end cpu1", "start cpu2"]);
  cpu2.release();
  gpu.release();
  const outcome = await done;
  assert.deepEqual(outcome.results, ["ok", "ok", "ok"]);
  assert.ok(outcome.slots.every((t) => t !== undefined));
});

Deno.test("executeDag() waits for an op's inputs across devices", async () => {
  const log: string[] = [];
  const first = gate(log, "gpu");
  const second = gate(log, "cpu");
  const plan = dagPlan([
    compute(fakeOp("GPU", ["a"], ["x"], first.run), [0], [1]),
    compute(fakeOp("CPU", ["x"], ["y"], second.run), [1], [2]),
  ], [zeroTensor("FLOAT", [1]), undefined, undefined]);
  const done = executeDag(plan, options);
  await settle();
  assert.deepEqual(log, ["start gpu"]);
  first.release();
  await settle();
  second.release();
  const outcome = await done;
  assert.deepEqual(log, ["start gpu", "end gpu", "start cpu", "end cpu"]);
  assert.equal(outcome.failed, false);
});

Deno.test("executeDag() leaves ops after a failure unrun and marks the DAG failed", async () => {
  const ran: string[] = [];
  const fail: RunFn = () => Promise.reject(new CommandError("Incompatible shapes"));
  const echo = (name: string): RunFn => (inputs) => {
    ran.push(name);
    return Promise.resolve([inputs[0]]);
  };
  const plan = dagPlan([
    compute(fakeOp("CPU", ["a"], ["x"], echo("first")), [0], [1]),
    compute(fakeOp("CPU", ["x"], ["y"], fail), [1], [2]),
    compute(fakeOp("CPU", ["y"], ["z"], echo("dependent")), [2], [3]),
    compute(fakeOp("CPU", ["a"], ["w"], echo("independent")), [0], [4]),
    { kind: "tensorget", input: 3, format: FORMAT },
  ], [zeroTensor("FLOAT", [1]), undefined, undefined, undefined, undefined]);
  const outcome = await executeDag(plan, options);
  assert.deepEqual(ran, ["first"]);
  assert.equal(outcome.failed, true);
  const [ok, error, dependent, independent] = outcome.results;
  assert.deepEqual([ok, dependent, independent], ["ok", "na", "na"]);
  assert.ok(error instanceof CommandError && error.message === "Incompatible shapes");
  assert.equal(outcome.slots[3], undefined);
});

Deno.test("executeDag() turns unexpected exceptions into internal error elements", async () => {
  const boom: RunFn = () => Promise.reject(new TypeError("bad"));
  const plan = dagPlan([compute(fakeOp("CPU", ["a"], ["x"], boom), [0], [1])], [
    zeroTensor("FLOAT", [1]),
    undefined,
  ]);
  const original = console.error;
  console.error = () => {};
  let outcome: DagOutcome;
  try {
    outcome = await executeDag(plan, options);
  } finally {
    console.error = original;
  }
  const [result] = outcome.results;
  assert.ok(result instanceof CommandError && result.message === "ERR internal error: bad");
});

Deno.test("executeDag() times out the whole DAG on its clock and passes what is left to queues", async () => {
  let nowMs = 1000;
  const timeouts: number[] = [];
  const slow: RunFn = (inputs, runOptions) => {
    timeouts.push(runOptions.timeoutMs);
    nowMs += 60;
    return Promise.resolve([inputs[0]]);
  };
  const plan = dagPlan(
    [
      compute(fakeOp("CPU", ["a"], ["x"], slow), [0], [1]),
      compute(fakeOp("CPU", ["x"], ["y"], slow), [1], [2]),
    ],
    [zeroTensor("FLOAT", [1]), undefined, undefined],
    50,
  );
  const outcome = await executeDag(plan, { ...options, now: () => nowMs });
  assert.deepEqual(timeouts, [50]);
  assert.equal(outcome.timedOut, true);
  assert.deepEqual(outcome.results, ["ok", "na"]);
});

Deno.test("executeDag() reports a queue's TIMEDOUT as the DAG's", async () => {
  const expired: RunFn = () => Promise.resolve(TIMED_OUT);
  const plan = dagPlan([compute(fakeOp("CPU", ["a"], ["x"], expired), [0], [1])], [
    zeroTensor("FLOAT", [1]),
    undefined,
  ], 10);
  const outcome = await executeDag(plan, options);
  assert.equal(outcome.timedOut, true);
});

Deno.test("executeDag() fails an op whose outputs overflow dag-max-tensor-bytes", async () => {
  const big: RunFn = () => Promise.resolve([zeroTensor("FLOAT", [8])]);
  const plan: DagPlan = {
    ...dagPlan([compute(fakeOp("CPU", ["a"], ["x"], big), [0], [1])], [
      zeroTensor("FLOAT", [1]),
      undefined,
    ]),
    tensorBytes: 8,
  };
  const outcome = await executeDag(plan, { ...options, tensorBytesMax: 32 });
  const [result] = outcome.results;
  assert.ok(result instanceof CommandError);
  assert.equal(
    result.message,
    "ERR DAG intermediate tensors exceed dag-max-tensor-bytes (32 bytes)",
  );
  assert.equal(outcome.slots[1], undefined);
});

Deno.test("executeDag() refuses an input its producer did not produce", async () => {
  const none: RunFn = () => Promise.resolve([undefined]);
  const plan = dagPlan([
    compute(fakeOp("CPU", ["a"], ["x"], none), [0], [1]),
    compute(fakeOp("CPU", ["x"], ["y"]), [1], [2]),
  ], [zeroTensor("FLOAT", [1]), undefined, undefined]);
  const outcome = await executeDag(plan, options);
  const [first, second] = outcome.results;
  assert.equal(first, "ok");
  assert.ok(second instanceof CommandError);
  assert.equal(second.message, "ERR INPUT key cannot be found in DAG");
});
