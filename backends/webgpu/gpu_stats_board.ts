/**
 * GPU statistics shared across threads for INFO. The WebGPU executor runs in Workers (on a
 * CPU adapter like lavapipe, GPU work blocks the thread that waits for it), but INFO is answered
 * on the main thread; a `SharedArrayBuffer` board bridges them without messages. Each Worker
 * claims a slot and overwrites its own counters after every load, run and close; readers sum
 * the slots. Counters are float64 (exact below 2^53); a torn read can only be one update stale.
 */

export const GPU_STAT_FIELDS = [
  "bytesAllocated",
  "bytesInUse",
  "bytesPeak",
  "buffers",
  "pipelines",
  "deviceLosses",
  "sessions",
  "fallbackSessions",
  "cpuFallbackSessions",
  "runs",
  "fallbackRuns",
  "cpuFallbackRuns",
  "scriptRuns",
  "scriptGpuOps",
  "scriptCpuOps",
] as const;

export type GpuStatField = (typeof GPU_STAT_FIELDS)[number];
export type GpuStats = Record<GpuStatField, number>;

/** Workers that can report at once; more share the last slot (their counts then overwrite). */
const SLOTS = 32;
const HEADER_BYTES = 8;

export class GpuStatsBoard {
  readonly buffer: SharedArrayBuffer;
  readonly #claims: Int32Array;
  readonly #values: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ??
      new SharedArrayBuffer(HEADER_BYTES + 8 * SLOTS * GPU_STAT_FIELDS.length);
    this.#claims = new Int32Array(this.buffer, 0, 1);
    this.#values = new Float64Array(this.buffer, HEADER_BYTES);
  }

  /** A slot for one writer. */
  claim(): number {
    return Math.min(Atomics.add(this.#claims, 0, 1), SLOTS - 1);
  }

  /** Overwrites the slot's counters named in `stats` (a writer reports only what it keeps). */
  write(slot: number, stats: Partial<GpuStats>): void {
    GPU_STAT_FIELDS.forEach((field, i) => {
      const value = stats[field];
      if (value !== undefined) this.#values[slot * GPU_STAT_FIELDS.length + i] = value;
    });
  }

  /** Every slot summed (peaks too: each Worker has its own device). */
  totals(): GpuStats {
    const sums = Object.fromEntries(GPU_STAT_FIELDS.map((f) => [f, 0])) as GpuStats;
    for (let slot = 0; slot < SLOTS; slot++) {
      GPU_STAT_FIELDS.forEach((
        field,
        i,
      ) => (sums[field] += this.#values[slot * GPU_STAT_FIELDS.length + i] ?? 0));
    }
    return sums;
  }
}

let board: GpuStatsBoard | undefined;

/** This thread's board: on the main thread, the one INFO reads and Workers are given. */
export function gpuStatsBoard(): GpuStatsBoard {
  board ??= new GpuStatsBoard();
  return board;
}
