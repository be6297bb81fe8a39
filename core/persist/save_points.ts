/**
 * The `save` parameter: `<seconds> <changes>` pairs, as Redis writes them ("3600 1 300 100 60
 * 10000"): snapshot once at least `changes` writes happened and more than `seconds` passed
 * since the last successful save. An empty string disables automatic snapshots.
 */

export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

/** Parses the `save` parameter; `undefined` when it is malformed. */
export function parseSavePoints(text: string): SavePoint[] | undefined {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  if (words.length % 2 !== 0 || !words.every((w) => /^\d+$/.test(w))) return undefined;
  const points: SavePoint[] = [];
  for (let i = 0; i < words.length; i += 2) {
    points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
  }
  return points;
}

/** Whether some save point is due. */
export function savePointDue(
  points: readonly SavePoint[],
  changes: number,
  sinceSaveMs: number,
): boolean {
  return points.some((p) => changes >= p.changes && sinceSaveMs > p.seconds * 1000);
}
