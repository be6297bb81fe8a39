/**
 * A Redis list value stored like Redis's quicklist: a deque of nodes, each holding many small
 * elements back to back in one buffer (`ListNode`), so a list of a million short elements is
 * about five hundred objects, not a million. That keeps pushes free of per-element allocation
 * and the garbage collector from copying and marking every element.
 *
 * Pushes and pops at both ends are O(1) amortised; indexed access walks nodes from the nearer
 * end. Elements above `PACKED_BYTES_MAX` are kept whole as their own node (a Uint8Array that
 * is never changed, so reads return it as is); small elements are read out as owned copies,
 * since node bytes are reused, and nodes keep the copies they handed out for the next read.
 * Everything handed out stays valid whatever the list does next.
 */
import { Deque } from "./deque.ts";
import { ListNode, PACKED_BYTES_MAX } from "./list_node.ts";
import { ownedBytes } from "./value_arena.ts";

/** A node: packed small elements, or one large element on its own. */
type Node = ListNode | Uint8Array;

export class PackedList implements Iterable<Uint8Array> {
  private nodes = new Deque<Node>();
  private count = 0;
  private totalBytes = 0;

  /** A list of copies of `items`, front first. */
  static from(items: Iterable<Uint8Array>): PackedList {
    const list = new PackedList();
    for (const item of items) list.pushBack(item);
    return list;
  }

  get length(): number {
    return this.count;
  }

  /** Total bytes of the elements. */
  get byteLength(): number {
    return this.totalBytes;
  }

  /** Adds `item` at the front: copied, unless large and the whole of its buffer (`ownedBytes`). */
  pushFront(item: Uint8Array): void {
    this.count++;
    this.totalBytes += item.length;
    if (item.length > PACKED_BYTES_MAX) return this.nodes.pushFront(ownedBytes(item));
    const head = this.nodes.at(0);
    if (head instanceof ListNode && head.pushFront(item)) return;
    const node = new ListNode(true);
    node.pushFront(item);
    this.nodes.pushFront(node);
  }

  /** Adds `item` at the back: copied, unless large and the whole of its buffer (`ownedBytes`). */
  pushBack(item: Uint8Array): void {
    this.count++;
    this.totalBytes += item.length;
    if (item.length > PACKED_BYTES_MAX) return this.nodes.pushBack(ownedBytes(item));
    const tail = this.nodes.at(this.nodes.length - 1);
    if (tail instanceof ListNode && tail.pushBack(item)) return;
    const node = new ListNode(false);
    node.pushBack(item);
    this.nodes.pushBack(node);
  }

  popFront(): Uint8Array | undefined {
    const node = this.nodes.at(0);
    if (node === undefined) return undefined;
    const out = node instanceof ListNode ? node.copy(0) : node;
    this.removeFront(1);
    return out;
  }

  popBack(): Uint8Array | undefined {
    const node = this.nodes.at(this.nodes.length - 1);
    if (node === undefined) return undefined;
    const out = node instanceof ListNode ? node.copy(node.count - 1) : node;
    this.removeBack(1);
    return out;
  }

  /** Drops the first `n` elements (at most `length`). */
  removeFront(n: number): void {
    while (n > 0) {
      const node = this.nodes.at(0) as Node;
      const size = sizeOf(node);
      if (size <= n) {
        this.nodes.popFront();
        this.forget(size, node.byteLength);
        n -= size;
      } else {
        this.forget(n, (node as ListNode).dropFront(n));
        n = 0;
      }
    }
  }

  /** Drops the last `n` elements (at most `length`). */
  removeBack(n: number): void {
    while (n > 0) {
      const node = this.nodes.at(this.nodes.length - 1) as Node;
      const size = sizeOf(node);
      if (size <= n) {
        this.nodes.popBack();
        this.forget(size, node.byteLength);
        n -= size;
      } else {
        this.forget(n, (node as ListNode).dropBack(n));
        n = 0;
      }
    }
  }

  /** The element at `index` (0 is the front); undefined outside `[0, length)`. */
  at(index: number): Uint8Array | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const [node, k] = this.locate(index);
    return node instanceof ListNode ? node.read(k) : node;
  }

  /** Replaces the element at `index`, which must be in `[0, length)`. */
  set(index: number, item: Uint8Array): void {
    if (index < 0 || index >= this.count) throw new RangeError(`list index ${index}`);
    const [node, k, at] = this.locate(index);
    const old = node instanceof ListNode ? node.lengthAt(k) : node.length;
    this.totalBytes += item.length - old;
    if (node instanceof ListNode && item.length === old) return node.overwrite(k, item);
    this.repack(at, node, k, item, true);
  }

  /** Inserts `item` before the element at `index`, which must be in `[0, length]`. */
  insert(index: number, item: Uint8Array): void {
    if (index < 0 || index > this.count) throw new RangeError(`list index ${index}`);
    if (index === 0) return this.pushFront(item);
    if (index === this.count) return this.pushBack(item);
    const [node, k, at] = this.locate(index);
    this.count++;
    this.totalBytes += item.length;
    this.repack(at, node, k, item, false);
  }

  /**
   * Re-packs node `at` with `item` in place of its element `k` (`replace`) or before it: one
   * node, or a few when they no longer fit in one.
   */
  private repack(at: number, node: Node, k: number, item: Uint8Array, replace: boolean): void {
    const rebuilt = new PackedList();
    for (let j = 0; j < sizeOf(node); j++) {
      if (j === k) rebuilt.pushBack(item);
      if (j !== k || !replace) rebuilt.pushBack(viewOf(node, j));
    }
    const parts = [...rebuilt.nodes];
    this.nodes.set(at, parts[0] as Node);
    for (let j = 1; j < parts.length; j++) this.nodes.insert(at + j, parts[j] as Node);
  }

  /** Copies of the elements `[start, end)`, front first (clamped to the list). */
  slice(start: number, end: number): Uint8Array[] {
    const from = Math.max(0, start);
    const to = Math.min(this.count, end);
    const out: Uint8Array[] = [];
    if (from >= to) return out;
    let [node, k, at] = this.locate(from);
    for (let left = to - from; left > 0; k = 0, node = this.nodes.at(++at) as Node) {
      if (node instanceof ListNode) {
        const n = Math.min(left, node.count - k);
        node.readInto(out, k, n);
        left -= n;
      } else {
        out.push(node);
        left--;
      }
    }
    return out;
  }

  /**
   * Keeps only the elements for which `keep` is true, in order, visiting them from the front
   * (or the back when `fromBack`); returns how many were dropped. `keep` sees views that are
   * valid only during the call.
   */
  retain(keep: (item: Uint8Array) => boolean, fromBack = false): number {
    const kept = new PackedList();
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes.at(fromBack ? this.nodes.length - 1 - i : i) as Node;
      const size = sizeOf(node);
      for (let j = 0; j < size; j++) {
        const item = viewOf(node, fromBack ? size - 1 - j : j);
        if (!keep(item)) continue;
        if (fromBack) kept.pushFront(item);
        else kept.pushBack(item);
      }
    }
    const dropped = this.count - kept.count;
    if (dropped > 0) {
      this.nodes = kept.nodes;
      this.count = kept.count;
      this.totalBytes = kept.totalBytes;
    }
    return dropped;
  }

  /** A copy that shares nothing this list may change (large elements are shared, immutable). */
  clone(): PackedList {
    const out = new PackedList();
    for (const node of this.nodes) {
      out.nodes.pushBack(node instanceof ListNode ? node.clone() : node);
    }
    out.count = this.count;
    out.totalBytes = this.totalBytes;
    return out;
  }

  /** The elements, front first, as views valid until the list next changes. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (const node of this.nodes) {
      for (let j = 0; j < sizeOf(node); j++) yield viewOf(node, j);
    }
  }

  /** The elements, back first, as views valid until the list next changes. */
  *reversed(): Generator<Uint8Array> {
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes.at(i) as Node;
      for (let j = sizeOf(node) - 1; j >= 0; j--) yield viewOf(node, j);
    }
  }

  private forget(count: number, bytes: number): void {
    this.count -= count;
    this.totalBytes -= bytes;
  }

  /** The node holding element `index`, the element's place in it and the node's index. */
  private locate(index: number): [Node, number, number] {
    const nodes = this.nodes;
    if (index < this.count / 2) {
      for (let at = 0;; at++) {
        const node = nodes.at(at) as Node;
        const size = sizeOf(node);
        if (index < size) return [node, index, at];
        index -= size;
      }
    }
    let fromBack = this.count - 1 - index;
    for (let at = nodes.length - 1;; at--) {
      const node = nodes.at(at) as Node;
      const size = sizeOf(node);
      if (fromBack < size) return [node, size - 1 - fromBack, at];
      fromBack -= size;
    }
  }
}

function sizeOf(node: Node): number {
  return node instanceof ListNode ? node.count : 1;
}

function viewOf(node: Node, k: number): Uint8Array {
  return node instanceof ListNode ? node.view(k) : node;
}
