/** Tests for the latency histogram. */
import assert from "node:assert/strict";
import { LATENCY_BOUNDS_US, LatencyHistogram } from "./latency_histogram.ts";

Deno.test("LatencyHistogram.observe() counts each value in the first bucket that holds it", () => {
  const h = new LatencyHistogram();
  h.observe(10);
  h.observe(11);
  h.observe(20_000_000);
  assert.equal(h.count, 3);
  assert.equal(h.sumUs, 20_000_021);
  assert.equal(h.counts[0], 1);
  assert.equal(h.counts[1], 1);
  assert.equal(h.counts[LATENCY_BOUNDS_US.length], 1);
  const cumulative = h.cumulative();
  assert.equal(cumulative[0], 1);
  assert.equal(cumulative[1], 2);
  assert.equal(cumulative.at(-1), 3);
});
