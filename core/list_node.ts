/**
 * One node of a `PackedList`: a run of small list elements stored back to back in one
 * ArrayBuffer, with a Uint16Array of element bounds in front of the bytes (Redis's quicklist
 * node, minus the compression). A node fills from either end, so pushes at the list's head and
 * tail are both plain writes into free space.
 *
 * Invariants: live elements are `k` in `[first, last)`, element `k` spans bytes
 * `[bounds[k], bounds[k + 1])`; capacities stay within `NODE_BYTES_MAX` and `NODE_ITEMS_MAX`,
 * so bounds fit in 16 bits. A node grows by doubling, and moves its elements within the same
 * size only when that leaves half of it free, so pushes stay O(1) amortised.
 *
 * Bytes outside the live range are reused: nothing may keep a view of a node's bytes past the
 * next change. Readers get owned copies instead, which `read` keeps per element so that
 * reading the same range again (LRANGE on a list's head) allocates nothing; a copy is
 * immutable, so a cached one is dropped, never changed.
 */
import { copiedBytes, COPY_LOOP_BYTES_MAX } from "./value_arena.ts";

/** Data bytes of a full node (Redis's default list-max-listpack-size is 8 KiB too). */
export const NODE_BYTES_MAX = 8192;
/** Elements of a full node; bounds the node's metadata when elements are tiny or empty. */
export const NODE_ITEMS_MAX = 2048;
/** Elements above this size are stored alone, as their own Uint8Array, and never copied. */
export const PACKED_BYTES_MAX = 512;

const FIRST_BYTES = 32;
const FIRST_ITEMS = 4;

export class ListNode {
  private bytes: Uint8Array;
  private bounds: Uint16Array;
  private first: number;
  private last: number;
  /** Copies handed out by `read`, by bound index; cleared for elements dropped or replaced. */
  private cache: (Uint8Array | undefined)[] | undefined;
  /** Which ends have asked for room: 1 the front, 2 the back. */
  private ends: number;

  /** An empty node that fills from its end (`atFront`, for pushes at the head) or its start. */
  constructor(atFront: boolean, bytesCap = FIRST_BYTES, itemsCap = FIRST_ITEMS) {
    const buffer = new ArrayBuffer((itemsCap + 1) * 2 + bytesCap);
    this.bounds = new Uint16Array(buffer, 0, itemsCap + 1);
    this.bytes = new Uint8Array(buffer, (itemsCap + 1) * 2, bytesCap);
    this.first = this.last = atFront ? itemsCap : 0;
    this.bounds[this.first] = atFront ? bytesCap : 0;
    this.ends = atFront ? 1 : 2;
  }

  get count(): number {
    return this.last - this.first;
  }

  /** Total bytes of the live elements. */
  get byteLength(): number {
    return (this.bounds[this.last] as number) - (this.bounds[this.first] as number);
  }

  /** Byte length of element `k` (0 is the node's front). */
  lengthAt(k: number): number {
    const i = this.first + k;
    return (this.bounds[i + 1] as number) - (this.bounds[i] as number);
  }

  /** An owned copy of element `k`, kept for later reads. */
  read(k: number): Uint8Array {
    const i = this.first + k;
    const cache = this.cache ??= new Array<Uint8Array | undefined>(this.bounds.length);
    return cache[i] ??= this.copyAt(i);
  }

  /** Appends owned copies of elements `[k, k + n)` to `out`, kept for later reads. */
  readInto(out: Uint8Array[], k: number, n: number): void {
    const cache = this.cache ??= new Array<Uint8Array | undefined>(this.bounds.length);
    for (let i = this.first + k, end = i + n; i < end; i++) out.push(cache[i] ??= this.copyAt(i));
  }

  /** An owned copy of element `k`, for an element about to be dropped (not kept). */
  copy(k: number): Uint8Array {
    const i = this.first + k;
    return this.cache?.[i] ?? this.copyAt(i);
  }

  /** A view of element `k`, valid only until this node next changes. */
  view(k: number): Uint8Array {
    const i = this.first + k;
    return this.bytes.subarray(this.bounds[i] as number, this.bounds[i + 1] as number);
  }

  /** Adds `item` (at most PACKED_BYTES_MAX bytes) at the front; false when the node is full. */
  pushFront(item: Uint8Array): boolean {
    const n = item.length;
    if (this.first === 0 || (this.bounds[this.first] as number) < n) {
      if (!this.makeRoom(n, true)) return false;
    }
    const at = (this.bounds[this.first] as number) - n;
    write(this.bytes, at, item);
    this.bounds[--this.first] = at;
    return true;
  }

  /** Adds `item` (at most PACKED_BYTES_MAX bytes) at the back; false when the node is full. */
  pushBack(item: Uint8Array): boolean {
    const n = item.length;
    const at = this.bounds[this.last] as number;
    if (this.last === this.bounds.length - 1 || this.bytes.length - at < n) {
      if (!this.makeRoom(n, false)) return false;
      return this.pushBack(item);
    }
    write(this.bytes, at, item);
    this.bounds[++this.last] = at + n;
    return true;
  }

  /** Drops `k` elements from the front; returns their total bytes. */
  dropFront(k: number): number {
    const before = this.bounds[this.first] as number;
    this.forget(this.first, this.first + k);
    this.first += k;
    return (this.bounds[this.first] as number) - before;
  }

  /** Drops `k` elements from the back; returns their total bytes. */
  dropBack(k: number): number {
    const before = this.bounds[this.last] as number;
    this.forget(this.last - k, this.last);
    this.last -= k;
    return before - (this.bounds[this.last] as number);
  }

  /** Overwrites element `k` with `item` of the same length. */
  overwrite(k: number, item: Uint8Array): void {
    this.forget(this.first + k, this.first + k + 1);
    write(this.bytes, this.bounds[this.first + k] as number, item);
  }

  /** A copy sharing nothing with this node, trimmed to the live elements. */
  clone(): ListNode {
    const out = new ListNode(false, this.byteLength, this.count);
    out.place(this.span(), 0, 0);
    return out;
  }

  /**
   * Moves the live elements into a buffer with room for `n` more bytes at the front or back;
   * false when the node is full (see `capacityFor`).
   */
  private makeRoom(n: number, atFront: boolean): boolean {
    const bytesCap = capacityFor(this.bytes.length, this.byteLength + n, NODE_BYTES_MAX);
    const itemsCap = capacityFor(this.bounds.length - 1, this.count + 1, NODE_ITEMS_MAX);
    if (bytesCap === undefined || itemsCap === undefined) return false;
    const old = this.span();
    this.cache = undefined;
    const buffer = new ArrayBuffer((itemsCap + 1) * 2 + bytesCap);
    this.bounds = new Uint16Array(buffer, 0, itemsCap + 1);
    this.bytes = new Uint8Array(buffer, (itemsCap + 1) * 2, bytesCap);
    const live = (old.bounds[old.last] as number) - (old.bounds[old.first] as number);
    const count = old.last - old.first;
    // Free space goes to the end that asked, or is split when both ends push (a short list
    // used as a deque), so that alternating pushes don't move the elements every time.
    this.ends |= atFront ? 1 : 2;
    const before = (free: number, want: number) => {
      if (this.ends !== 3) return atFront ? free : 0;
      const half = Math.floor(free / 2);
      return atFront ? Math.max(half, want) : Math.min(half, free - want);
    };
    this.place(old, before(itemsCap - count, 1), before(bytesCap - live, n));
    return true;
  }

  private copyAt(i: number): Uint8Array {
    return copiedBytes(this.bytes, this.bounds[i] as number, this.bounds[i + 1] as number);
  }

  /** Drops cached copies of the elements at bound indexes `[from, to)`. */
  private forget(from: number, to: number): void {
    const cache = this.cache;
    if (cache !== undefined) cache.fill(undefined, from, to);
  }

  private span(): Span {
    return { bytes: this.bytes, bounds: this.bounds, first: this.first, last: this.last };
  }

  /** Copies the live elements of `from` to start at bound `first` and byte `at` of this node. */
  private place(from: Span, first: number, at: number): void {
    const start = from.bounds[from.first] as number;
    this.bytes.set(from.bytes.subarray(start, from.bounds[from.last] as number), at);
    for (let k = 0; k <= from.last - from.first; k++) {
      this.bounds[first + k] = (from.bounds[from.first + k] as number) - start + at;
    }
    this.first = first;
    this.last = first + from.last - from.first;
  }
}

/** A node's storage and live range, as `makeRoom` and `clone` copy it. */
interface Span {
  readonly bytes: Uint8Array;
  readonly bounds: Uint16Array;
  readonly first: number;
  readonly last: number;
}

function write(target: Uint8Array, at: number, item: Uint8Array): void {
  const n = item.length;
  if (n > COPY_LOOP_BYTES_MAX) return target.set(item, at);
  for (let i = 0; i < n; i++) target[at + i] = item[i] as number;
}

/**
 * The capacity to move into for `need`: the same while `need` fills at most half of it (the
 * move makes room on one side), else doubled up to `max`; undefined when even `max` is too
 * small. A move thus costs at most as much as the pushes it makes room for: O(1) amortised.
 */
function capacityFor(capacity: number, need: number, max: number): number | undefined {
  if (need <= capacity / 2) return capacity;
  if (capacity >= max) return undefined;
  let next = Math.max(capacity, 1) * 2;
  while (next < need) next *= 2;
  return next <= max ? next : undefined;
}
