/**
 * The watchdog thread of inline native runs (`native_watchdog.ts`): while the event loop's
 * thread is inside a synchronous ONNX Runtime `Run`, nothing on that thread can stop it, so
 * this Worker raises the run's terminate flag once its deadline passes. It shares only a small
 * SharedArrayBuffer with the main thread and sleeps in `Atomics.wait` (parked when no inline
 * run has happened lately), so it costs nothing while the server is idle.
 *
 * Protocol (indices into the Int32Array; see `native_watchdog.ts`): `GEN` is odd while an
 * inline run is in progress and changes with every run; `PARKED` is 1 while this thread waits
 * for the next run without a timeout (the main thread then notifies it; while runs keep
 * coming it rather looks every `INLINE_RUN_MS_MAX`, so a run may be stopped up to twice that
 * long after it began); `FIRED` is set once the terminate flag was raised, so the main thread
 * clears the flag before its next use; `STOP` (set with a notify) ends this thread. The
 * deadline is a Float64 in ms on the `performance.timeOrigin + performance.now()` scale.
 */
import { FIRED, GEN, INLINE_RUN_MS_MAX, PARKED, STOP, WatchdogStart } from "./native_watchdog.ts";

const terminateDefinition = { parameters: ["pointer"], result: "pointer" } as const;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function watch(start: WatchdogStart): void {
  const control = new Int32Array(start.buffer, 0, 4);
  const deadline = new Float64Array(start.buffer, 16, 1);
  const fnPointer = Deno.UnsafePointer.create<typeof terminateDefinition>(start.terminate);
  if (fnPointer === null) throw new Error("inferdb internal: null RunOptionsSetTerminate");
  const terminate = new Deno.UnsafeFnPointer(fnPointer, terminateDefinition);
  const runOptions = Deno.UnsafePointer.create(start.runOptions);
  let seen = -1;
  while (Atomics.load(control, STOP) === 0) {
    const gen = Atomics.load(control, GEN);
    if ((gen & 1) === 0) {
      // While runs keep coming, look again every tick instead of parking: a parked watchdog
      // costs the event loop a notify (a wake-up of this thread) on the next run.
      if (gen === seen) park(control, gen);
      else Atomics.wait(control, GEN, gen, INLINE_RUN_MS_MAX);
      seen = gen;
      continue;
    }
    seen = gen;
    const leftMs = (deadline[0] ?? 0) - nowMs();
    if (leftMs > 0) {
      Atomics.wait(control, GEN, gen, leftMs);
      continue;
    }
    // Past its deadline and still the same run: stop it. A run that ended in between may
    // leave the flag raised for the next one, which then fails over to the off-thread path.
    if (Atomics.load(control, GEN) === gen) {
      terminate.call(runOptions);
      Atomics.store(control, FIRED, 1);
    }
    park(control, gen);
  }
}

/** Sleeps until `GEN` moves on from `gen` (the main thread notifies a parked watchdog). */
function park(control: Int32Array, gen: number): void {
  Atomics.store(control, PARKED, 1);
  Atomics.wait(control, GEN, gen);
  Atomics.store(control, PARKED, 0);
}

self.onmessage = (e: MessageEvent<WatchdogStart>) => {
  self.postMessage("ready");
  watch(e.data);
  self.close();
};
