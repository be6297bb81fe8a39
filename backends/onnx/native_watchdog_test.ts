import assert from "node:assert/strict";
import { INLINE_PREDICTED_US_MAX, RunTimes } from "./native_watchdog.ts";

const FAST_MS = INLINE_PREDICTED_US_MAX / 1000 / 2;
const SLOW_MS = (INLINE_PREDICTED_US_MAX / 1000) * 4;

function times(durationsMs: readonly number[]): RunTimes {
  const t = new RunTimes();
  for (const d of durationsMs) t.record(d);
  return t;
}

Deno.test("RunTimes.short needs a warm session (its first run doesn't count)", () => {
  assert.equal(times([]).short, false);
  assert.equal(times([FAST_MS, FAST_MS, FAST_MS]).short, false);
  assert.equal(times([SLOW_MS * 100, FAST_MS, FAST_MS, FAST_MS]).short, true);
});

Deno.test("RunTimes.short forgives one slow run among the recent ones, not two", () => {
  const fast = Array.from({ length: 8 }, () => FAST_MS);
  assert.equal(times([...fast, SLOW_MS, FAST_MS]).short, true);
  assert.equal(times([...fast, SLOW_MS, FAST_MS, SLOW_MS]).short, false);
  // Short again once one of the two has left the last eight.
  const t = times([...fast, SLOW_MS, SLOW_MS]);
  for (let i = 0; i < 6; i++) t.record(FAST_MS);
  assert.equal(t.short, false);
  t.record(FAST_MS);
  assert.equal(t.short, true);
});

Deno.test("RunTimes counts an off-thread run as slow only past the inline limit", () => {
  const t = times([FAST_MS, FAST_MS, FAST_MS, FAST_MS, FAST_MS]);
  // Waiting for a core on a busy server: 1.5 ms of wall time, no sign of a long model.
  for (let i = 0; i < 8; i++) t.record(1.5, true);
  assert.equal(t.short, true);
  t.record(2.5, true);
  t.record(2.5, true);
  assert.equal(t.short, false);
});
