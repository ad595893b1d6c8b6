/**
 * The fill model: one place, used by backtests, paper trading and the loopback simulator.
 *
 * - A market order decided on the close of bar t fills at the OPEN of bar t+1, moved against
 *   the order by the slippage (bps): buys pay open*(1+s), sells receive open*(1-s).
 * - A stop order triggers when the bar trades through its stop price; it fills at the stop price,
 *   or at the open when the bar gaps through it, plus slippage (it is a market order once triggered).
 * - A trailing stop's price is the highest high since entry (before this bar) times (1 - distance).
 * - A limit order fills when the bar trades through its price, at the limit price, or at the open
 *   when the bar opens beyond it; no slippage.
 * - Within one bar: pending market orders first (at the open), then stops, then limits and
 *   take-profits. So when a stop and a target both fall inside one bar, the stop hits first.
 * - The engine's position rules (ROI table, profit ladder, DCA adds, re-entries) come after all of
 *   that: they judge the bar's close and send market orders, which fill at the next bar's open.
 *   A bar that trades through the stop (or the break-even stop) leaves no position for a ladder
 *   level, however high it closes: the stop comes before any target or ladder level.
 * - Fees are a rate of the fill's notional, charged in the quote currency.
 */

export function slipped(side: 'buy' | 'sell', price: number, slippageBps: number): number {
  if (slippageBps === 0) return price;
  return side === 'buy' ? price * (1 + slippageBps / 10_000) : price * (1 - slippageBps / 10_000);
}

/** Price at which a stop triggers within a bar, before slippage, or NaN when it does not. */
export function stopTrigger(side: 'buy' | 'sell', stop: number, open: number, high: number, low: number): number {
  if (side === 'sell') {
    if (open <= stop) return open;
    return low <= stop ? stop : NaN;
  }
  if (open >= stop) return open;
  return high >= stop ? stop : NaN;
}

/** Price at which a limit order fills within a bar, or NaN when the bar does not reach it. */
export function limitTouch(side: 'buy' | 'sell', limit: number, open: number, high: number, low: number): number {
  if (side === 'buy') {
    if (open <= limit) return open;
    return low <= limit ? limit : NaN;
  }
  if (open >= limit) return open;
  return high >= limit ? limit : NaN;
}
