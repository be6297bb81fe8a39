/**
 * `PackedList` against an array model: seeded random operations (`SEED=n` replays) with
 * element sizes around the packed limit, checking every reply and that replies handed out
 * never change afterwards.
 */
import assert from "node:assert/strict";
import { PACKED_BYTES_MAX } from "./list_node.ts";
import { PackedList } from "./packed_list.ts";
import { seededRandom, testSeed } from "../tests/helpers/rng.ts";

type Random = ReturnType<typeof seededRandom>;

function element(random: Random, tag: number): Uint8Array {
  const sizes = [0, 1, 3, 3, 3, 17, 100, PACKED_BYTES_MAX, PACKED_BYTES_MAX + 1, 2000];
  const out = new Uint8Array(sizes[random.int(sizes.length)] as number);
  for (let i = 0; i < out.length; i++) out[i] = (tag + i * 7) & 0xff;
  return out;
}

const bytesOf = (items: Iterable<Uint8Array>) => [...items].map((v) => [...v]);
const total = (items: readonly Uint8Array[]) => items.reduce((n, v) => n + v.length, 0);

/** One random operation on both the list and the model; returns replies to re-check later. */
function step(random: Random, list: PackedList, model: Uint8Array[], tag: number): Uint8Array[] {
  const r = random.int(100);
  const index = random.int(model.length + 2) - 1;
  if (r < 30) {
    const item = element(random, tag);
    list.pushFront(item);
    model.unshift(item.slice());
    // Small elements are copied in; large ones that own their whole buffer are kept as is.
    if (item.length <= PACKED_BYTES_MAX) item.fill(0xee);
  } else if (r < 60) {
    const item = element(random, tag);
    list.pushBack(item);
    model.push(item.slice());
  } else if (r < 68) {
    const got = list.popFront();
    assert.deepEqual(got, model.shift());
    return got === undefined ? [] : [got];
  } else if (r < 76) {
    const got = list.popBack();
    assert.deepEqual(got, model.pop());
    return got === undefined ? [] : [got];
  } else if (r < 80) {
    const n = random.int(Math.min(model.length, 3000) + 1);
    list.removeFront(n);
    model.splice(0, n);
  } else if (r < 84) {
    const n = random.int(Math.min(model.length, 3000) + 1);
    list.removeBack(n);
    model.splice(model.length - n, n);
  } else if (r < 89) {
    const got = list.at(index);
    assert.deepEqual(got, model[index]);
    return got === undefined ? [] : [got];
  } else if (r < 94 && index >= 0 && index < model.length) {
    const sameLength = new Uint8Array(model[index]?.length ?? 0).fill(tag & 0xff);
    const item = random.int(2) === 0 ? element(random, tag) : sameLength;
    list.set(index, item);
    model[index] = item.slice();
  } else if (r < 96) {
    const end = index + random.int(300);
    const got = list.slice(index, end);
    assert.deepEqual(bytesOf(got), bytesOf(model.slice(Math.max(0, index), Math.max(0, end))));
    return got;
  } else if (r < 98 && index >= 0 && index <= model.length) {
    const item = element(random, tag);
    list.insert(index, item);
    model.splice(index, 0, item.slice());
  } else {
    const fromBack = random.int(2) === 0;
    const size = random.int(4);
    let left = random.int(5);
    const keep = (v: Uint8Array) => v.length !== size || left-- <= 0;
    const dropped = list.retain(keep, fromBack);
    const kept = fromBack ? model.slice().reverse() : model.slice();
    left = dropped;
    const rest = kept.filter((v) => v.length !== size || left-- <= 0);
    model.splice(0, model.length, ...(fromBack ? rest.reverse() : rest));
  }
  return [];
}

Deno.test("PackedList matches an array model under random operations (seeded)", () => {
  const seed = testSeed();
  console.log(`packed list fuzz seed ${seed} (SEED=${seed} replays)`);
  const random = seededRandom(seed);
  let list = new PackedList();
  const model: Uint8Array[] = [];
  const handedOut: [Uint8Array, number[]][] = [];
  for (let i = 0; i < 30_000; i++) {
    // Grow in phases so nodes fill up, then drain.
    const growing = Math.floor(i / 5000) % 2 === 0;
    if (random.int(300) === 0) list = list.clone(); // clones must take every operation too
    const op = step(random, list, model, i);
    if (!growing) {
      const n = Math.min(list.length, random.int(6));
      list.removeBack(n);
      model.splice(model.length - n, n);
    }
    for (const v of op.slice(0, 2)) handedOut.push([v, [...v]]);
    assert.equal(list.length, model.length, `length after step ${i} (seed ${seed})`);
    assert.equal(list.byteLength, total(model));
  }
  assert.deepEqual(bytesOf(list), bytesOf(model));
  assert.deepEqual(bytesOf(list.reversed()), bytesOf(model.slice().reverse()));
  for (const [v, bytes] of handedOut) assert.deepEqual([...v], bytes);
});

Deno.test("PackedList clone() shares nothing the original changes", () => {
  const items = Array.from({ length: 5000 }, (_, i) => new TextEncoder().encode(`v${i}`));
  const list = PackedList.from(items);
  list.pushBack(new Uint8Array(PACKED_BYTES_MAX + 5).fill(7));
  const copy = list.clone();
  const before = bytesOf(copy);
  list.removeFront(100);
  for (let i = 0; i < 200; i++) list.pushFront(new Uint8Array([i, i, i]));
  list.set(2500, new Uint8Array([1]));
  list.retain((v) => v.length !== 2);
  assert.deepEqual(bytesOf(copy), before);
  assert.equal(copy.length, 5001);
  assert.equal(copy.byteLength, total(before.map((v) => new Uint8Array(v))));
});

Deno.test("PackedList keeps large elements whole and returns them as stored", () => {
  const slab = new Uint8Array(PACKED_BYTES_MAX * 4).fill(9);
  const big = slab.subarray(1, 1 + PACKED_BYTES_MAX * 3);
  const list = PackedList.from([new Uint8Array([1]), big, new Uint8Array([2])]);
  slab.fill(0); // stored as a copy: the caller's view may be of a receive buffer
  const stored = list.at(1);
  assert.deepEqual(stored, new Uint8Array(PACKED_BYTES_MAX * 3).fill(9));
  assert.equal(list.at(1), stored);
  assert.equal(list.slice(0, 3)[1], stored);
  list.set(1, new Uint8Array([3, 3]));
  assert.deepEqual(bytesOf(list), [[1], [3, 3], [2]]);
  assert.deepEqual(stored, new Uint8Array(PACKED_BYTES_MAX * 3).fill(9));
});
