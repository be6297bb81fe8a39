/**
 * One device's run queue (RedisAI's `RunQueueInfo`): a FIFO of model runs served by a fixed
 * set of slots on session hosts. Dispatch follows RedisAI's worker loop (§3): the front-most
 * request that can go now runs, alone or with the compatible requests behind it up to
 * BATCHSIZE (the last one may overshoot); a batch short of MINBATCHSIZE waits, for at most
 * MINBATCHTIMEOUT after its first request was queued when one is set, and otherwise until
 * enough requests arrive. Requests of other models behind a waiting batch still run.
 *
 * TIMEOUT counts from enqueue: a request still queued when it expires answers TIMEDOUT and
 * never runs; a running request is never interrupted by it. MODEL_EXECUTION_TIMEOUT stops a
 * run that takes too long (one timer, armed for the earliest deadline, serves every run). A
 * run of a model that doesn't batch may be made on the event loop's thread by its host
 * (`RunOptions.mayBlock`). All time comes from the injected `Clock`.
 */
import { CommandError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import {
  BATCH_SIZE_ERROR,
  batchMatches,
  batchSizeOf,
  concatInputs,
  splitOutputs,
} from "./batching.ts";
import type { Clock } from "./clock.ts";
import type { SessionHost } from "./session_host.ts";

/** What the queue needs to know about a model. */
export interface QueueModel {
  readonly id: number;
  readonly batchSize: number;
  readonly minBatchSize: number;
  readonly minBatchTimeoutMs: number;
}

export type RunOutcome =
  | {
    readonly kind: "ok";
    readonly outputs: readonly (Tensor | undefined)[];
    /** Wall time of the backend call (the whole batch's when batched). */
    readonly durationUs: number;
  }
  | { readonly kind: "timedout" }
  | { readonly kind: "error"; readonly error: CommandError };

interface Queued {
  readonly model: QueueModel;
  readonly inputs: readonly Tensor[];
  readonly batch: number;
  readonly enqueuedMs: number;
  readonly settle: (outcome: RunOutcome) => void;
  cancelTimeout: () => void;
}

export interface RunQueueOptions {
  readonly clock: Clock;
  /** MODEL_EXECUTION_TIMEOUT in ms, read at each run (0: none). */
  readonly executionTimeoutMs: () => number;
}

/** One of the queue's threads: a place on a host, with the time it has spent running. */
interface Slot {
  readonly host: SessionHost;
  busyUs: number;
}

const noop = () => {};

export class RunQueue {
  #items: Queued[] = [];
  #pumpQueued = false;
  /** One slot per run a host serves at once (a host appears as often as its concurrency). */
  readonly #slots: readonly Slot[];
  readonly #free: Slot[];
  readonly #clock: Clock;
  #cancelWake: () => void = noop;
  #running = 0;
  /** Aborts of the runs in progress (close() stops them), with their kill deadlines. */
  readonly #aborts = new Map<AbortController, number>();
  /** One timer serves every kill deadline: it stays armed across short runs instead of being
   * set and cleared for each (it fires at most once per MODEL_EXECUTION_TIMEOUT). */
  #killAtMs = Infinity;
  #cancelKill: () => void = noop;
  #idle: (() => void) | undefined;
  #closed: CommandError | undefined;

  constructor(
    readonly device: string,
    /** Distinct hosts; each serves up to its `concurrency` runs at once. */
    readonly hosts: readonly SessionHost[],
    private readonly options: RunQueueOptions,
  ) {
    this.#clock = options.clock;
    this.#slots = hosts.flatMap((host) =>
      Array.from({ length: host.concurrency }, () => ({ host, busyUs: 0 }))
    );
    this.#free = [...this.#slots];
  }

  /** Runs the queue can serve at once (its threads). */
  get slots(): number {
    return this.#slots.length;
  }

  /** Requests waiting to run. */
  get queued(): number {
    return this.#items.length;
  }

  /** Runs in progress. */
  get running(): number {
    return this.#running;
  }

  /** Time each slot has spent running, in µs (INFO's `bthread_n<i>_used_cpu_total`). */
  get busyUs(): readonly number[] {
    return this.#slots.map((slot) => slot.busyUs);
  }

  /** Queues a run of `model` on `inputs`; `timeoutMs` > 0 is the request's TIMEOUT. */
  submit(model: QueueModel, inputs: readonly Tensor[], timeoutMs = 0): Promise<RunOutcome> {
    const closed = this.#closed;
    if (closed !== undefined) return Promise.resolve({ kind: "error", error: closed });
    return new Promise((settle) => {
      const item: Queued = {
        model,
        inputs,
        batch: model.batchSize > 0 ? batchSizeOf(inputs) : 0,
        enqueuedMs: this.#clock.now(),
        settle,
        cancelTimeout: noop,
      };
      if (timeoutMs > 0) {
        item.cancelTimeout = this.#clock.setTimer(() => this.#expire(item), timeoutMs);
      }
      this.#items.push(item);
      if (item.batch === 0) this.#pump();
      else this.#pumpSoon();
    });
  }

  #expire(item: Queued): void {
    const at = this.#items.indexOf(item);
    if (at < 0) return;
    this.#items.splice(at, 1);
    item.settle({ kind: "timedout" });
    this.#pump();
  }

  /** Pumps once the requests read in this turn of the event loop are queued too, so that
   * requests that arrive together batch together (as RedisAI's worker thread, woken by the
   * first, finds the others queued behind it) instead of the first running alone. */
  #pumpSoon(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      if (this.#closed === undefined) this.#pump();
    });
  }

  /** Starts every run that can start now; arms a wake-up for the next batching deadline. */
  #pump(): void {
    this.#cancelWake();
    this.#cancelWake = noop;
    const now = this.#clock.now();
    let wakeAtMs = Infinity;
    const waiting = new Set<Queued>();
    for (let i = 0; i < this.#items.length && this.#free.length > 0;) {
      const first = this.#items[i] as Queued;
      if (waiting.has(first)) {
        i++;
        continue;
      }
      const group = this.#group(i);
      const readyAtMs = this.#readyAtMs(first, group);
      if (readyAtMs <= now) {
        this.#items = this.#items.filter((item) => !group.includes(item));
        this.#start(this.#free.pop() as Slot, group);
      } else {
        for (const item of group) waiting.add(item);
        wakeAtMs = Math.min(wakeAtMs, readyAtMs);
        i++;
      }
    }
    if (wakeAtMs !== Infinity && this.#free.length > 0) {
      this.#cancelWake = this.#clock.setTimer(() => this.#pump(), wakeAtMs - now);
    }
  }

  /** The request at `index` and the compatible requests behind it, up to BATCHSIZE. */
  #group(index: number): Queued[] {
    const first = this.#items[index] as Queued;
    const { batchSize } = first.model;
    if (first.batch === 0 || first.batch >= batchSize) return [first];
    const group = [first];
    let size = first.batch;
    for (let j = index + 1; j < this.#items.length && size < batchSize; j++) {
      const other = this.#items[j] as Queued;
      if (other.model !== first.model || other.batch === 0) continue;
      if (!batchMatches(first.inputs, other.inputs)) continue;
      group.push(other);
      size += other.batch;
    }
    return group;
  }

  /** When `group` may run: now, after its MINBATCHTIMEOUT, or never (Infinity). */
  #readyAtMs(first: Queued, group: readonly Queued[]): number {
    const { batchSize, minBatchSize, minBatchTimeoutMs } = first.model;
    if (first.batch === 0 || first.batch >= batchSize || minBatchSize === 0) return -Infinity;
    const size = group.reduce((n, item) => n + item.batch, 0);
    if (size >= minBatchSize) return -Infinity;
    // RedisAI: ready once (now - first queued) > MINBATCHTIMEOUT.
    return minBatchTimeoutMs > 0 ? first.enqueuedMs + minBatchTimeoutMs + 1 : Infinity;
  }

  #start(slot: Slot, group: readonly Queued[]): void {
    for (const item of group) item.cancelTimeout();
    // Not a model that batches (requests arriving during a run must be read to batch): the
    // host may run it on this thread if it can keep that short. Busy queues included: a short
    // run costs the event loop less inline than the hand-off to and from another thread.
    const mayBlock = group.length === 1 && (group[0] as Queued).model.batchSize === 0;
    this.#running++;
    const startMs = this.#clock.now();
    this.#execute(slot.host, group, mayBlock).finally(() => {
      slot.busyUs += Math.round((this.#clock.now() - startMs) * 1000);
      this.#running--;
      this.#free.push(slot);
      if (this.#running === 0) this.#idle?.();
      this.#pump();
    });
  }

  async #execute(host: SessionHost, group: readonly Queued[], mayBlock: boolean): Promise<void> {
    const first = group[0] as Queued;
    const abort = new AbortController();
    const startMs = this.#clock.now();
    const limitMs = this.options.executionTimeoutMs();
    const killAtMs = limitMs > 0 ? startMs + limitMs : Infinity;
    this.#aborts.set(abort, killAtMs);
    if (killAtMs < this.#killAtMs) this.#armKill(killAtMs, startMs);
    let outputs: (Tensor | undefined)[];
    try {
      const inputs = group.length === 1 ? first.inputs : concatInputs(group.map((q) => q.inputs));
      outputs = await host.run(first.model.id, inputs, { signal: abort.signal, mayBlock });
    } catch (e) {
      const error = asCommandError(e);
      for (const item of group) item.settle({ kind: "error", error });
      return;
    } finally {
      this.#aborts.delete(abort);
    }
    const durationUs = Math.round((this.#clock.now() - startMs) * 1000);
    if (group.length === 1) {
      first.settle({ kind: "ok", outputs, durationUs });
      return;
    }
    const shares = splitOutputs(outputs, group.map((q) => q.batch));
    group.forEach((item, i) => {
      const share = shares?.[i];
      item.settle(
        share === undefined
          ? { kind: "error", error: new CommandError(BATCH_SIZE_ERROR) }
          : { kind: "ok", outputs: share, durationUs },
      );
    });
  }

  #armKill(atMs: number, nowMs: number): void {
    this.#cancelKill();
    this.#killAtMs = atMs;
    this.#cancelKill = this.#clock.setTimer(() => this.#sweepKills(), atMs - nowMs);
  }

  /** Stops every run past its deadline; re-arms for the earliest deadline left. */
  #sweepKills(): void {
    this.#killAtMs = Infinity;
    this.#cancelKill = noop;
    const now = this.#clock.now();
    let nextMs = Infinity;
    for (const [abort, atMs] of this.#aborts) {
      if (atMs <= now) abort.abort();
      else nextMs = Math.min(nextMs, atMs);
    }
    if (nextMs !== Infinity) this.#armKill(nextMs, now);
  }

  /** Fails everything still queued, stops the runs in progress and waits for them to end
   * (their hosts may then be closed safely). */
  close(reason: CommandError): Promise<void> {
    this.#closed = reason;
    this.#cancelWake();
    this.#cancelKill();
    this.#free.length = 0;
    const items = this.#items;
    this.#items = [];
    for (const item of items) {
      item.cancelTimeout();
      item.settle({ kind: "error", error: reason });
    }
    for (const abort of this.#aborts.keys()) abort.abort();
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle = resolve);
  }
}

function asCommandError(e: unknown): CommandError {
  if (e instanceof CommandError) return e;
  console.error("inferdb: model run failed unexpectedly:", e);
  return new CommandError(`ERR ${e instanceof Error ? e.message : String(e)}`, "internal");
}
