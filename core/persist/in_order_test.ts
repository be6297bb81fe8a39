/**
 * InOrder: items come out in push order whatever order they finish in; the first failure in
 * that order wins, over later items and over a failure found further on; nothing is left
 * running when it is thrown.
 */
import assert from "node:assert/strict";
import { InOrder, Pending } from "./in_order.ts";

/** An item that becomes ready after `delayMs` (failing with `error` when given). */
function item(value: number, delayMs: number, log: string[], error?: Error): Pending<number> {
  const ready = new Promise<void>((resolve, reject) =>
    setTimeout(() => {
      log.push(`ready ${value}`);
      if (error === undefined) resolve();
      else reject(error);
    }, delayMs)
  );
  ready.catch(() => {});
  return {
    ready,
    finish: async () => {
      await ready;
      return value;
    },
  };
}

Deno.test("InOrder hands items on in push order, keeping at most itemsMax waiting", async () => {
  const out: number[] = [];
  const log: string[] = [];
  const order = new InOrder<number>(2, (v) => out.push(v));
  for (const [value, delayMs] of [[1, 30], [2, 0], [3, 10], [4, 0]] as const) {
    await order.push(item(value, delayMs, log));
  }
  // Pushing the 3rd and 4th items finished the 1st and 2nd.
  assert.deepEqual(out, [1, 2]);
  await order.drain();
  assert.deepEqual(out, [1, 2, 3, 4]);
});

Deno.test("InOrder.fail() reports an earlier item's failure first, after all reads stop", async () => {
  const log: string[] = [];
  const order = new InOrder<number>(8, () => {});
  await order.push(item(1, 0, log));
  await order.push(item(2, 20, log, new Error("item 2")));
  await order.push(item(3, 40, log, new Error("item 3")));
  await assert.rejects(order.fail(new Error("further on")), /item 2/);
  assert.deepEqual(log, ["ready 1", "ready 2", "ready 3"]);
  await assert.rejects(new InOrder<number>(8, () => {}).fail(new Error("alone")), /alone/);
});
