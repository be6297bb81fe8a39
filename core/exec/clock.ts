/**
 * Time as the run queues see it: a monotonic `now()` in milliseconds and one-shot timers.
 * Batching windows, TIMEOUTs and the execution kill switch all go through a `Clock`, so tests
 * drive them with `ManualClock` instead of sleeping.
 */

export interface Clock {
  /** Milliseconds on a monotonic scale (fractions allowed). */
  now(): number;
  /** Calls `fn` after `delayMs`; returns a function that cancels it. */
  setTimer(fn: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, delayMs) => {
    const id = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(id);
  },
};

interface Timer {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** A clock that moves only when told to: `advance()` fires due timers in time order. */
export class ManualClock implements Clock {
  #nowMs = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#nowMs;
  }

  setTimer(fn: () => void, delayMs: number): () => void {
    const timer = { atMs: this.#nowMs + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.atMs <= targetMs);
      if (due.length === 0) break;
      const next = due.reduce((a, b) =>
        a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq) ? a : b
      );
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#nowMs = Math.max(this.#nowMs, next.atMs);
      next.fn();
    }
    this.#nowMs = targetMs;
  }
}
