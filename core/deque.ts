/**
 * A double-ended queue over a power-of-two ring buffer: O(1) amortised pushes and pops at both
 * ends and O(1) indexed access, which is what Redis lists need (LPUSH/RPOP queues, LINDEX).
 * It grows by doubling and shrinks by half when a quarter full, so a drained list gives its
 * memory back. It refuses nothing: callers check indexes before `at`/`set`.
 */

const CAPACITY_MIN = 8;

export class Deque<T> implements Iterable<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(items: Iterable<T> = []) {
    this.items = slots(CAPACITY_MIN);
    for (const item of items) this.pushBack(item);
  }

  get length(): number {
    return this.count;
  }

  pushBack(item: T): void {
    if (this.count === this.items.length) this.resize(this.items.length * 2);
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  pushFront(item: T): void {
    if (this.count === this.items.length) this.resize(this.items.length * 2);
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.count++;
  }

  popFront(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    this.maybeShrink();
    return item;
  }

  popBack(): T | undefined {
    if (this.count === 0) return undefined;
    const at = (this.head + this.count - 1) & (this.items.length - 1);
    const item = this.items[at];
    this.items[at] = undefined;
    this.count--;
    this.maybeShrink();
    return item;
  }

  /** The item at `index` (0 is the front); undefined outside `[0, length)`. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) & (this.items.length - 1)];
  }

  /** Replaces the item at `index`, which must be in `[0, length)`. */
  set(index: number, item: T): void {
    if (index < 0 || index >= this.count) throw new RangeError(`deque index ${index}`);
    this.items[(this.head + index) & (this.items.length - 1)] = item;
  }

  /** Items `[start, end)` as an array, front first. */
  slice(start: number, end: number): T[] {
    const from = Math.max(0, start);
    const to = Math.min(this.count, end);
    const out: T[] = [];
    for (let i = from; i < to; i++) {
      out.push(this.items[(this.head + i) & (this.items.length - 1)] as T);
    }
    return out;
  }

  /** Keeps only the items for which `keep` is true, in order; returns how many were dropped. */
  retain(keep: (item: T, index: number) => boolean): number {
    const kept = this.slice(0, this.count).filter(keep);
    const dropped = this.count - kept.length;
    if (dropped > 0) this.replaceAll(kept);
    return dropped;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) {
      yield this.items[(this.head + i) & (this.items.length - 1)] as T;
    }
  }

  private replaceAll(items: readonly T[]): void {
    let capacity = CAPACITY_MIN;
    while (capacity < items.length) capacity *= 2;
    this.items = slots(capacity);
    for (let i = 0; i < items.length; i++) this.items[i] = items[i];
    this.head = 0;
    this.count = items.length;
  }

  private maybeShrink(): void {
    const capacity = this.items.length;
    if (capacity > CAPACITY_MIN && this.count <= capacity / 4) this.resize(capacity / 2);
  }

  private resize(capacity: number): void {
    const items = slots<T>(capacity);
    for (let i = 0; i < this.count; i++) {
      items[i] = this.items[(this.head + i) & (this.items.length - 1)];
    }
    this.items = items;
    this.head = 0;
  }
}

/**
 * An array of `n` empty slots built by pushing: `new Array(n)` makes a holey array that V8
 * keeps in slow dictionary mode once it is large, which made big lists 10× slower.
 */
function slots<T>(n: number): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push(undefined);
  return out;
}
