/**
 * "Did you mean ...?" suggestions for mistyped names: config keys, strategy names, metric names.
 *
 * Comparison is case-insensitive. A candidate qualifies when
 *  - its optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions) distance
 *    from the input is at most 2 (at most 1 for inputs of 3 characters or fewer, so that "x"
 *    does not suggest "to"), or
 *  - one is a prefix of the other and the shorter has at least 3 characters ("strat" -> "strategy",
 *    "takeProfitPct" -> "takeProfit").
 * The closest candidate wins (edit distance first, then prefix matches by length difference);
 * ties go to the earlier candidate, so callers control the order.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  if (needle === '') return undefined;
  const maxDistance = needle.length <= 3 ? 1 : 2;

  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    let score = Number.POSITIVE_INFINITY;
    const distance = editDistance(needle, hay, maxDistance);
    if (distance <= maxDistance) {
      score = distance;
    } else if (Math.min(needle.length, hay.length) >= 3 && (hay.startsWith(needle) || needle.startsWith(hay))) {
      // after every edit-distance match; closer lengths first
      score = maxDistance + 1 + Math.abs(hay.length - needle.length) / 1000;
    }
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions and transpositions of
 * adjacent characters each cost 1). Returns `limit + 1` as soon as the distance must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prevPrev: number[] = new Array<number>(n + 1).fill(0);
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = new Array<number>(n + 1).fill(0);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prevPrev[j - 2]! + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = cur;
  }
  return prev[n]!;
}
