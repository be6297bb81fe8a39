import assert from "node:assert/strict";
import type { RunOptions } from "../../backends/backend.ts";
import { CommandError } from "../errors.ts";
import { numericTensor, Tensor } from "../tensor.ts";
import { BATCH_SIZE_ERROR } from "./batching.ts";
import { ManualClock } from "./clock.ts";
import { QueueModel, RunOutcome, RunQueue } from "./run_queue.ts";
import { ModelInfo, SessionHost } from "./session_host.ts";

/** A host whose runs finish when the test says so; it records what it was asked to run. */
class FakeHost implements SessionHost {
  readonly provider = "fake";
  readonly runs: { id: number; batch: number; signal: AbortSignal; mayBlock: boolean }[] = [];
  readonly #finish: (() => void)[] = [];
  /** Output dim 0 the model produces; `undefined` echoes the input's. */
  outputBatch: number | undefined;

  constructor(readonly concurrency = 1) {}

  load(): Promise<ModelInfo> {
    return Promise.resolve({ provider: "fake", inputs: [], outputs: [] });
  }

  run(
    id: number,
    inputs: readonly Tensor[],
    { signal, mayBlock }: Required<RunOptions>,
  ): Promise<(Tensor | undefined)[]> {
    const input = inputs[0] as Tensor;
    const batch = input.shape[0] as number;
    this.runs.push({ id, batch, signal, mayBlock });
    return new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new CommandError("killed")));
      const out = this.outputBatch === undefined ? input : zeros(this.outputBatch);
      this.#finish.push(() => resolve([out, undefined]));
    });
  }

  /** Completes the oldest unfinished run. */
  async finishOne(): Promise<void> {
    this.#finish.shift()?.();
    await flush();
  }

  unload(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function zeros(batch: number, width = 2): Tensor {
  return numericTensor("FLOAT", [batch, width], new Uint8Array(batch * width * 4));
}

function input(batch: number, width = 2): Tensor[] {
  return [zeros(batch, width)];
}

function model(id: number, batchSize = 0, minBatchSize = 0, minBatchTimeoutMs = 0): QueueModel {
  return { id, batchSize, minBatchSize, minBatchTimeoutMs };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(concurrency = 1, executionTimeoutMs = 0) {
  const clock = new ManualClock();
  const host = new FakeHost(concurrency);
  const queue = new RunQueue("CPU", [host], {
    clock,
    executionTimeoutMs: () => executionTimeoutMs,
  });
  const outcomes: RunOutcome[] = [];
  const submit = (m: QueueModel, inputs: Tensor[], timeoutMs = 0) => {
    const p = queue.submit(m, inputs, timeoutMs);
    p.then((o) => outcomes.push(o));
    return p;
  };
  return { clock, host, queue, outcomes, submit };
}

Deno.test("RunQueue.submit() runs unbatched requests one at a time per slot, in order", async () => {
  const { host, submit, outcomes } = setup();
  const m = model(1);
  submit(m, input(1));
  submit(m, input(1));
  await flush();
  assert.equal(host.runs.length, 1);
  await host.finishOne();
  assert.equal(host.runs.length, 2);
  await host.finishOne();
  assert.deepEqual(outcomes.map((o) => o.kind), ["ok", "ok"]);
});

Deno.test("RunQueue batches compatible requests up to BATCHSIZE and splits outputs", async () => {
  const { host, submit, outcomes } = setup();
  const m = model(1, 4);
  submit(model(9), input(1)); // occupies the only slot while the others queue
  submit(m, input(1));
  submit(m, input(2));
  submit(m, input(1, 3)); // different dims past 0: not batched with the others
  submit(m, input(2));
  await flush();
  await host.finishOne();
  assert.deepEqual(host.runs.map((r) => r.batch), [1, 5]); // 1 + 2 + 2 overshoots 4
  await host.finishOne();
  assert.deepEqual(host.runs.map((r) => r.batch), [1, 5, 1]);
  await host.finishOne();
  const shapes = outcomes.map((o) => o.kind === "ok" ? o.outputs[0]?.shape[0] : o.kind);
  assert.deepEqual(shapes, [1, 1, 2, 2, 1]);
});

Deno.test("RunQueue batches requests queued in the same turn though a slot is free", async () => {
  const { host, submit, outcomes } = setup();
  const m = model(1, 4);
  submit(m, input(1));
  submit(m, input(1));
  submit(m, input(2));
  await flush();
  assert.deepEqual(host.runs.map((r) => r.batch), [4]);
  await host.finishOne();
  const shapes = outcomes.map((o) => o.kind === "ok" ? o.outputs[0]?.shape[0] : o.kind);
  assert.deepEqual(shapes, [1, 1, 2]);
});

Deno.test("RunQueue holds a batch under MINBATCHSIZE until enough requests arrive", async () => {
  const { host, submit, clock } = setup();
  const m = model(1, 4, 3);
  submit(m, input(1));
  submit(m, input(1));
  await flush();
  clock.advance(60_000);
  assert.equal(host.runs.length, 0, "without MINBATCHTIMEOUT it waits forever");
  submit(model(2), input(1));
  await flush();
  assert.deepEqual(host.runs.map((r) => r.id), [2], "other models pass a waiting batch");
  await host.finishOne();
  submit(m, input(1));
  await flush();
  assert.deepEqual(host.runs.map((r) => [r.id, r.batch]), [[2, 1], [1, 3]]);
});

Deno.test("RunQueue releases a short batch once MINBATCHTIMEOUT has passed", async () => {
  const { host, submit, clock } = setup();
  submit(model(1, 4, 3, 100), input(1));
  await flush();
  clock.advance(100);
  assert.equal(host.runs.length, 0, "ready only once strictly more than MINBATCHTIMEOUT");
  clock.advance(1);
  await flush();
  assert.deepEqual(host.runs.map((r) => r.batch), [1]);
});

Deno.test("RunQueue answers TIMEDOUT for a request still queued at its TIMEOUT", async () => {
  const { host, submit, clock, outcomes } = setup();
  submit(model(1), input(1));
  submit(model(1), input(1), 50);
  await flush();
  clock.advance(49);
  assert.equal(outcomes.length, 0);
  clock.advance(1);
  await flush();
  assert.deepEqual(outcomes.map((o) => o.kind), ["timedout"]);
  await host.finishOne();
  assert.equal(host.runs.length, 1, "the expired request never ran");
});

Deno.test("RunQueue fails every request of a batch whose output batch size is wrong", async () => {
  const { host, submit, outcomes } = setup();
  const m = model(1, 2, 2);
  host.outputBatch = 1;
  submit(m, input(1));
  submit(m, input(1));
  await flush();
  await host.finishOne();
  assert.equal(outcomes.length, 2);
  for (const o of outcomes) {
    assert.equal(o.kind, "error");
    if (o.kind === "error") assert.equal(o.error.message, BATCH_SIZE_ERROR);
  }
});

Deno.test("RunQueue aborts a run that passes the execution timeout", async () => {
  const { host, submit, clock, outcomes } = setup(1, 500);
  submit(model(1), input(1));
  submit(model(1), input(1));
  await flush();
  clock.advance(500);
  await flush();
  assert.equal(host.runs[0]?.signal.aborted, true);
  assert.equal(outcomes[0]?.kind, "error");
  assert.equal(host.runs.length, 2, "the next request runs after the killed one");
});

Deno.test("RunQueue kills each run at its own deadline, with one timer for all", async () => {
  const { host, submit, clock } = setup(2, 500);
  submit(model(1), input(1));
  await flush();
  clock.advance(200);
  submit(model(1), input(1));
  await flush();
  assert.equal(clock.pending, 1);
  clock.advance(300);
  await flush();
  assert.deepEqual(host.runs.map((r) => r.signal.aborted), [true, false]);
  clock.advance(199);
  assert.equal(host.runs[1]?.signal.aborted, false);
  clock.advance(1);
  assert.equal(host.runs[1]?.signal.aborted, true);
});

Deno.test("RunQueue lets a host block only for runs of a model that doesn't batch", async () => {
  const { host, submit } = setup(2);
  submit(model(1), input(1));
  submit(model(1), input(1));
  await flush();
  await host.finishOne();
  await host.finishOne();
  submit(model(2, 4), input(1));
  await flush();
  assert.deepEqual(host.runs.map((r) => r.mayBlock), [true, true, false]);
});

Deno.test("RunQueue serves as many runs at once as the host's concurrency", async () => {
  const { host, submit } = setup(2);
  for (let i = 0; i < 3; i++) submit(model(1), input(1));
  await flush();
  assert.equal(host.runs.length, 2);
});

Deno.test("RunQueue.busyUs counts each slot's time spent running, for INFO's bthread fields", async () => {
  const { clock, host, queue, submit } = setup(2);
  assert.deepEqual(queue.busyUs, [0, 0]);
  submit(model(1), input(1));
  submit(model(1), input(1));
  await flush();
  clock.advance(3);
  await host.finishOne();
  clock.advance(2);
  await host.finishOne();
  assert.deepEqual([...queue.busyUs].sort((a, b) => a - b), [3000, 5000]);
});

Deno.test("RunQueue.close() fails queued requests, stops running ones and waits for them", async () => {
  const { host, queue, submit, outcomes } = setup();
  submit(model(1), input(1));
  submit(model(1), input(1));
  await flush();
  let closed = false;
  const closing = queue.close(new CommandError("ERR closing")).then(() => closed = true);
  await closing;
  assert.ok(closed);
  assert.equal(host.runs[0]?.signal.aborted, true);
  assert.deepEqual(outcomes.map((o) => o.kind === "error" ? o.error.message : o.kind), [
    "ERR closing",
    "killed",
  ]);
  const late = await queue.submit(model(1), input(1));
  assert.equal(late.kind, "error");
  assert.equal(host.runs.length, 1);
});
