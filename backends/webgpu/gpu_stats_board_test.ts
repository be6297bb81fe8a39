import assert from "node:assert/strict";
import { GPU_STAT_FIELDS, GpuStats, GpuStatsBoard } from "./gpu_stats_board.ts";

const stats = (value: number): GpuStats =>
  Object.fromEntries(GPU_STAT_FIELDS.map((f) => [f, value])) as GpuStats;

Deno.test("GpuStatsBoard sums what writers sharing its buffer report in their own slots", () => {
  const main = new GpuStatsBoard();
  const worker1 = new GpuStatsBoard(main.buffer);
  const worker2 = new GpuStatsBoard(main.buffer);
  const [slot1, slot2] = [worker1.claim(), worker2.claim()];
  assert.notEqual(slot1, slot2);
  worker1.write(slot1, stats(3));
  worker2.write(slot2, stats(4));
  worker1.write(slot1, { ...stats(1), runs: 10 });
  assert.deepEqual(main.totals(), { ...stats(5), runs: 14 });
});
