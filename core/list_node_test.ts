import assert from "node:assert/strict";
import { ListNode, NODE_BYTES_MAX, NODE_ITEMS_MAX, PACKED_BYTES_MAX } from "./list_node.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const all = (node: ListNode) => Array.from({ length: node.count }, (_, k) => [...node.read(k)]);

Deno.test("ListNode fills from both ends, growing past its first size", () => {
  const node = new ListNode(true);
  for (let i = 0; i < 40; i++) {
    assert.ok(node.pushFront(bytes(i, i)));
    assert.ok(node.pushBack(bytes(100 + i)));
  }
  assert.equal(node.count, 80);
  assert.equal(node.byteLength, 120);
  assert.deepEqual(all(node).slice(38, 42), [[1, 1], [0, 0], [100], [101]]);
  assert.equal(node.lengthAt(0), 2);
  assert.equal(node.dropFront(3), 6);
  assert.equal(node.dropBack(2), 2);
  assert.deepEqual([...node.copy(0)], [36, 36]);
  assert.deepEqual([...node.view(node.count - 1)], [137]);
});

Deno.test("ListNode refuses elements once full by items or by bytes", () => {
  const byItems = new ListNode(false);
  let n = 0;
  while (byItems.pushBack(new Uint8Array(0))) n++;
  assert.equal(n, NODE_ITEMS_MAX);
  const byBytes = new ListNode(true);
  const item = new Uint8Array(PACKED_BYTES_MAX);
  n = 0;
  while (byBytes.pushFront(item)) n++;
  assert.equal(n, NODE_BYTES_MAX / PACKED_BYTES_MAX);
});

Deno.test("ListNode reads hand out copies that later writes never change", () => {
  const node = new ListNode(false);
  node.pushBack(bytes(1, 2, 3));
  node.pushBack(bytes(4, 5, 6));
  const first = node.read(0);
  assert.equal(node.read(0), first); // kept for the next read
  node.overwrite(0, bytes(7, 8, 9));
  node.dropBack(1);
  node.pushBack(bytes(0, 0, 0));
  assert.deepEqual([...first], [1, 2, 3]);
  assert.deepEqual(all(node), [[7, 8, 9], [0, 0, 0]]);
  const empties = new ListNode(true);
  empties.pushFront(new Uint8Array(0));
  const grown = empties.clone(); // trimmed to zero data bytes
  assert.ok(grown.pushFront(bytes(1)) && grown.pushBack(bytes(2)));
  assert.deepEqual(all(grown), [[1], [], [2]]);
  const copy = node.clone();
  node.overwrite(1, bytes(5, 5, 5));
  assert.deepEqual(all(copy), [[7, 8, 9], [0, 0, 0]]);
  const out: Uint8Array[] = [];
  node.readInto(out, 0, 2);
  assert.deepEqual(out.map((v) => [...v]), [[7, 8, 9], [5, 5, 5]]);
});
