/**
 * Bounds native runs made on the event loop's own thread ("inline"). Such a run blocks every
 * client until it returns, and the MODEL_EXECUTION_TIMEOUT timer can't fire meanwhile, so
 * each one is armed with a deadline that a watchdog Worker (`native_watchdog_worker.ts`)
 * enforces by raising ONNX Runtime's terminate flag on the run options the inline runs share.
 * A run stopped this way is not an error: its caller runs it again off-thread, where the
 * real kill switch applies.
 *
 * One set of run options serves every inline run: only the event loop's thread makes them, one
 * at a time. Those options live as long as the process, because the watchdog may still hold
 * their address after a run ends.
 *
 * The watchdog starts with the first session; until it has answered, `ready` is false and
 * callers stay off-thread. If it can't start (a compiled binary without the worker module),
 * inline runs are simply never made.
 */
import { check, OrtNative, outSlot, slotPointer } from "./native_api.ts";

/** Int32 slots of the shared control buffer (the Float64 deadline sits at byte 16). */
export const GEN = 0;
export const PARKED = 1;
export const FIRED = 2;
export const STOP = 3;

/** What the watchdog Worker is started with. */
export interface WatchdogStart {
  readonly buffer: SharedArrayBuffer;
  /** Address of `RunOptionsSetTerminate`. */
  readonly terminate: bigint;
  /** Address of the run options every inline run uses. */
  readonly runOptions: bigint;
}

/**
 * The inline rule. A run is made on the event loop's thread only when
 * 1. its queue allows it (`RunOptions.mayBlock`: a model that doesn't batch). Busy queues
 *    too: a short run costs the event loop less than the hand-off to a runtime thread and back
 *    (measured with mnist and 16 clients: 35% more runs a second inline);
 * 2. the session is warm (`WARM_RUNS` runs) and of its last `RECENT_RUNS` runs at most one
 *    took longer than `INLINE_PREDICTED_US_MAX` (one outlier is the machine's noise; two are
 *    the model: a stopped inline run counts as a slow one);
 * 3. the watchdog is up: it stops the run once it has taken `INLINE_RUN_MS_MAX` (noticed
 *    within as long again), and the run is then made again off-thread, where
 *    MODEL_EXECUTION_TIMEOUT's kill switch applies as always.
 * So no run holds the event loop for more than a few ms (PING stays prompt), and a run that
 * could reach the timeout (a Loop whose trip count is an input) costs at most that much extra
 * before it goes the usual way. The one visible difference: a MODEL_EXECUTION_TIMEOUT below
 * a few ms may kill such a run that much later.
 */
export const INLINE_RUN_MS_MAX = 2;
export const INLINE_PREDICTED_US_MAX = 500;
const WARM_RUNS = 4;
const RECENT_RUNS = 8;

/**
 * Deno's Worker, taken when this module loads: onnxruntime-web's WASM build, once imported
 * on a thread (always later, through ort.ts's dynamic import), replaces `globalThis.Worker`
 * with node:worker_threads' Worker for its own threads, and the watchdog script can't run in
 * one of those.
 */
const DenoWorker = globalThis.Worker;

/** Recent run times of one session: predicts whether its next run is short. */
export class RunTimes {
  #runs = 0;
  /** Whether each of the last `RECENT_RUNS` runs was slow, as a ring. */
  readonly #slow: boolean[] = Array.from({ length: RECENT_RUNS }, () => false);
  #slowCount = 0;

  /**
   * Counts a run that took `durationMs` (wall time of the runtime call). An off-thread run's
   * wall time also holds its wait for a core, which under load is most of it, so only one
   * longer than an inline run may take says the model is slow; otherwise a busy server would
   * keep short models off-thread, where they cost it more.
   */
  record(durationMs: number, offThread = false): void {
    // A session's first run also plans its memory: it says little about the next ones.
    if (this.#runs++ === 0) return;
    const at = this.#runs % RECENT_RUNS;
    const slow =
      durationMs * 1000 > (offThread ? INLINE_RUN_MS_MAX * 1000 : INLINE_PREDICTED_US_MAX);
    this.#slowCount += Number(slow) - Number(this.#slow[at]);
    this.#slow[at] = slow;
  }

  get short(): boolean {
    return this.#runs >= WARM_RUNS && this.#slowCount <= 1;
  }
}

type State = "stopped" | "starting" | "ready" | "failed";

export class InlineWatchdog {
  /** Run options for inline runs; never released (see the module doc). */
  readonly runOptions: Deno.PointerObject;
  readonly #ort: OrtNative;
  /** Shared with the current watchdog thread (each thread gets fresh ones). */
  #control = new Int32Array(new SharedArrayBuffer(16));
  #deadline = new Float64Array(new SharedArrayBuffer(8));
  #gen = 0;
  #state: State = "stopped";
  #worker: Worker | undefined;

  constructor(ort: OrtNative) {
    this.#ort = ort;
    const slot = outSlot();
    check(ort, ort.fn.CreateRunOptions(slot));
    this.runOptions = slotPointer(slot);
  }

  /** Whether inline runs may be made now. */
  get ready(): boolean {
    return this.#state === "ready";
  }

  /** Starts the watchdog thread unless it runs (it takes a while: start it before it's needed). */
  start(): void {
    if (this.#state !== "stopped") return;
    // A thread stopped earlier may have left the flag raised.
    check(this.#ort, this.#ort.fn.RunOptionsUnsetTerminate(this.runOptions));
    const buffer = new SharedArrayBuffer(24);
    this.#control = new Int32Array(buffer, 0, 4);
    this.#deadline = new Float64Array(buffer, 16, 1);
    let worker: Worker;
    try {
      worker = new DenoWorker(new URL("./native_watchdog_worker.ts", import.meta.url), {
        type: "module",
      });
    } catch {
      this.#state = "failed";
      return;
    }
    this.#state = "starting";
    worker.onmessage = () => {
      if (this.#worker === worker && this.#state === "starting") this.#state = "ready";
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (this.#worker === worker) this.#state = "failed";
    };
    const start: WatchdogStart = {
      buffer,
      terminate: this.#ort.terminateAddress,
      runOptions: BigInt(Deno.UnsafePointer.value(this.runOptions)),
    };
    worker.postMessage(start);
    this.#worker = worker;
  }

  /**
   * Stops the watchdog thread (no session is left to run inline). It ends by itself once told:
   * `Worker.terminate()` can't reach a thread inside `Atomics.wait`, which would then keep the
   * process from exiting.
   */
  stop(): void {
    if (this.#worker === undefined) return;
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, GEN);
    this.#worker = undefined;
    if (this.#state !== "failed") this.#state = "stopped";
  }

  /**
   * Runs `fn` (a synchronous `Run` with `this.runOptions`) under a deadline `limitMs` from
   * now; returns its result.
   */
  guard<T>(limitMs: number, fn: () => T): T {
    const control = this.#control;
    if (Atomics.load(control, FIRED) === 1) {
      Atomics.store(control, FIRED, 0);
      check(this.#ort, this.#ort.fn.RunOptionsUnsetTerminate(this.runOptions));
    }
    this.#deadline[0] = performance.timeOrigin + performance.now() + limitMs;
    this.#advance();
    try {
      return fn();
    } finally {
      this.#advance();
    }
  }

  /** Moves `GEN` on (odd: a run starts, even: it ended) and wakes a parked watchdog. */
  #advance(): void {
    this.#gen = (this.#gen + 1) | 0;
    Atomics.store(this.#control, GEN, this.#gen);
    if (Atomics.load(this.#control, PARKED) === 1) Atomics.notify(this.#control, GEN);
  }
}

/** The inline-run watchdog of each opened runtime, and how many sessions hold one. */
const watchdogs = new Map<OrtNative, InlineWatchdog>();
let holders = 0;

/** The runtime's watchdog for a new session (started now: its thread takes a while). */
export function holdInlineWatchdog(ort: OrtNative): InlineWatchdog {
  let watchdog = watchdogs.get(ort);
  if (watchdog === undefined) {
    watchdog = new InlineWatchdog(ort);
    watchdogs.set(ort, watchdog);
  }
  watchdog.start();
  holders++;
  return watchdog;
}

/** A session closed; the last one stops the watchdogs (their threads would outlive it). */
export function releaseInlineWatchdog(): void {
  if (--holders === 0) { for (const watchdog of watchdogs.values()) watchdog.stop(); }
}

/** Whether inline runs can be made now (some runtime's watchdog is up); tests wait for it. */
export function inlineRunsReady(): boolean {
  return [...watchdogs.values()].some((w) => w.ready);
}
