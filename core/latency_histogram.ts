/**
 * A fixed-bucket latency histogram (cumulative, Prometheus-style) in microseconds. Observing is
 * a short scan over 16 bounds and two additions, cheap enough for every command. The bounds
 * span 10 µs to 10 s, roughly 1-2.5-5 per decade.
 */

/** Upper bounds of the buckets in µs; the last (implicit) bucket is +Inf. */
export const LATENCY_BOUNDS_US: readonly number[] = [
  10,
  25,
  50,
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  25_000,
  50_000,
  100_000,
  250_000,
  1_000_000,
  10_000_000,
];

export class LatencyHistogram {
  /** Per-bucket counts (not cumulative); index `LATENCY_BOUNDS_US.length` is +Inf. */
  readonly counts = new Array<number>(LATENCY_BOUNDS_US.length + 1).fill(0);
  count = 0;
  sumUs = 0;

  observe(durationUs: number): void {
    let i = 0;
    while (i < LATENCY_BOUNDS_US.length && durationUs > (LATENCY_BOUNDS_US[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    this.sumUs += durationUs;
  }

  /** Cumulative counts per bound, +Inf last (what a Prometheus `_bucket` series shows). */
  cumulative(): number[] {
    let running = 0;
    return this.counts.map((c) => running += c);
  }
}
