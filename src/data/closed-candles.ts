/**
 * Live feeds receive the still-forming candle from exchanges (ccxt's fetchOHLCV returns it last).
 * It must never reach a strategy: a candle is closed once its open time plus the timeframe has
 * passed. Returns how many leading rows are closed at `now`.
 */
export function closedPrefix(openTimes: ArrayLike<number>, timeframeMs: number, now: number): number {
  let n = openTimes.length;
  while (n > 0 && openTimes[n - 1]! + timeframeMs > now) n--;
  return n;
}
