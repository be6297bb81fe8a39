/**
 * A double-ended queue over a power-of-two ring buffer: O(1) amortised pushes and pops at both
 * ends and O(1) indexed access, which is what a list's run of nodes needs (`PackedList`).
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

  /** Inserts `item` before index `index` (in `[0, length]`), shifting the later items: O(n). */
  insert(index: number, item: T): void {
    if (index < 0 || index > this.count) throw new RangeError(`deque index ${index}`);
    this.pushBack(item);
    const mask = this.items.length - 1;
    for (let i = this.count - 1; i > index; i--) {
      this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
    }
    this.items[(this.head + index) & mask] = item;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) {
      yield this.items[(this.head + i) & (this.items.length - 1)] as T;
    }
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
