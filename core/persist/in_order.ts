/**
 * Results that may still be arriving, handed on in file order. A decoder reads a file front to
 * back but lets large bodies arrive in the background (`FrameReader.bodyAhead()`); each item
 * is finished (awaited, decoded) strictly in the order it was pushed, so what the caller sees,
 * and the first failure it is told of, are exactly what a sequential read would give.
 *
 * At most `itemsMax` items wait. A failure found further on (`fail()`) is reported only after
 * every earlier item has been finished, so an earlier failure wins; either way nothing is left
 * in flight when the error is thrown.
 */

export interface Pending<T> {
  /** Settles when the item's reads have (it rejects if one failed); never needs a handler. */
  readonly ready: Promise<void>;
  /** Waits for the item and completes it. */
  finish(): T | Promise<T>;
}

export class InOrder<T> {
  private queue: Pending<T>[] = [];

  constructor(private readonly itemsMax: number, private readonly out: (value: T) => void) {}

  /** Queues `item`; finishes the oldest once more than `itemsMax` wait. */
  async push(item: Pending<T>): Promise<void> {
    this.queue.push(item);
    if (this.queue.length > this.itemsMax) await this.next();
  }

  /** Finishes every queued item, in order. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.next();
  }

  /** Reports `error`, found after everything queued: an earlier item's failure comes first. */
  async fail(error: unknown): Promise<never> {
    await this.drain();
    throw error;
  }

  private async next(): Promise<void> {
    const item = this.queue.shift();
    if (item === undefined) return;
    try {
      this.out(await item.finish());
    } catch (e) {
      // Later items are dropped, but not before their reads have stopped.
      const rest = this.queue;
      this.queue = [];
      await Promise.allSettled(rest.map((p) => p.ready));
      throw e;
    }
  }
}
