/**
 * Redis glob patterns (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) over byte strings, as KEYS, SCAN
 * MATCH and CONFIG GET use them. Iterative with backtracking on the last `*`: no recursion,
 * linear-ish on ordinary patterns. Malformed classes read as Redis reads them: `[a-` is an
 * unclosed class of `a` and `-`, and `[a-]` a range from `a` to `]`.
 */

/** True when `subject` matches `pattern` (both byte strings). */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const p = nocase ? pattern.toLowerCase() : pattern;
  const s = nocase ? subject.toLowerCase() : subject;
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length) {
      const c = p[pi];
      if (c === "*") {
        starP = pi++;
        starS = si;
        continue;
      }
      const step = matchOne(p, pi, s[si] as string);
      if (step > 0) {
        pi += step;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/** Matches one subject char at pattern position `pi`; returns pattern chars consumed or 0. */
function matchOne(p: string, pi: number, ch: string): number {
  const c = p[pi];
  if (c === "?") return 1;
  if (c === "\\" && pi + 1 < p.length) return p[pi + 1] === ch ? 2 : 0;
  if (c !== "[") return c === ch ? 1 : 0;
  let i = pi + 1;
  const negate = p[i] === "^";
  if (negate) i++;
  let matched = false;
  while (i < p.length && p[i] !== "]") {
    if (p[i] === "\\" && i + 1 < p.length) {
      if (p[i + 1] === ch) matched = true;
      i += 2;
    } else if (p[i + 1] === "-" && i + 2 < p.length) {
      let lo = p[i] as string;
      let hi = p[i + 2] as string;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) matched = true;
      i += 3;
    } else {
      if (p[i] === ch) matched = true;
      i++;
    }
  }
  if (negate) matched = !matched;
  // An unclosed class ends with the pattern, as in Redis's stringmatchlen.
  return matched ? Math.min(i + 1, p.length) - pi : 0;
}
