/**
 * Seeded pseudo-random numbers for fuzz and crash tests. Each test prints its seed; run it
 * again with `SEED=n` to replay a failure exactly.
 */

/** The seed from `SEED`, or a fresh random one. */
export function testSeed(): number {
  const fromEnv = Deno.env.get("SEED");
  return fromEnv !== undefined ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/** A mulberry32 generator: `next()` in [0, 1), `int(n)` in [0, n). */
export function seededRandom(seed: number): { next(): number; int(n: number): number } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}
