import assert from "node:assert/strict";
import { Deque } from "./deque.ts";

Deno.test("Deque pushes and pops at both ends like an array model", () => {
  const deque = new Deque<number>();
  const model: number[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20_000; i++) {
    const r = rand();
    if (r < 0.3) {
      deque.pushBack(i);
      model.push(i);
    } else if (r < 0.6) {
      deque.pushFront(i);
      model.unshift(i);
    } else if (r < 0.8) {
      assert.equal(deque.popFront(), model.shift());
    } else {
      assert.equal(deque.popBack(), model.pop());
    }
    assert.equal(deque.length, model.length);
  }
  assert.deepEqual([...deque], model);
});

Deno.test("Deque at() and set() address items from the front", () => {
  const deque = new Deque(["a", "b", "c"]);
  deque.pushFront("z");
  assert.equal(deque.at(0), "z");
  assert.equal(deque.at(3), "c");
  assert.equal(deque.at(4), undefined);
  assert.equal(deque.at(-1), undefined);
  deque.set(1, "A");
  assert.deepEqual([...deque], ["z", "A", "b", "c"]);
  assert.throws(() => deque.set(4, "x"), RangeError);
});

Deno.test("Deque insert() shifts later items and popping an empty deque gives undefined", () => {
  const deque = new Deque([1, 2, 3]);
  deque.popFront();
  deque.pushBack(4);
  deque.insert(1, 9);
  deque.insert(0, 0);
  deque.insert(deque.length, 5);
  assert.deepEqual([...deque], [0, 2, 9, 3, 4, 5]);
  assert.throws(() => deque.insert(7, 1), RangeError);
  for (let i = 0; i < 6; i++) deque.popBack();
  assert.equal(deque.popBack(), undefined);
  assert.equal(deque.popFront(), undefined);
  assert.equal(deque.length, 0);
});

Deno.test("Deque shrinks after draining and still works", () => {
  const deque = new Deque<number>();
  for (let i = 0; i < 100_000; i++) deque.pushBack(i);
  for (let i = 0; i < 99_990; i++) assert.equal(deque.popFront(), i);
  deque.pushFront(-1);
  assert.deepEqual([...deque], [
    -1,
    99_990,
    99_991,
    99_992,
    99_993,
    99_994,
    99_995,
    99_996,
    99_997,
    99_998,
    99_999,
  ]);
});
