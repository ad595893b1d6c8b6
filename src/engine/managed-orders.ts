import { Dec } from '../core/money.js';
import type { Order } from '../core/orders.js';
import type { RoundTrip } from '../core/portfolio.js';
import { roiAt, type PositionRules } from '../core/position-rules.js';
import type { Intent, TradeState } from './context.js';

/**
 * The orders the position rules ask for on one closed candle, before the strategy's own. Every
 * rule judges the close, as the strategy does, and its order is a market order: it fills at the
 * next open in a backtest and in paper, at once in live. That is what makes the three modes take
 * the same decisions; a level crossed inside a candle that closes below it is not taken.
 *
 * - roi: the whole position once the close is `roi(age)` above the average entry;
 * - ladder: each level's share of the entered quantity once the close reaches it (several levels
 *   crossed by one close: one order each); the last level sells what is left;
 * - dca: an add of `scale` times the previous entry's cost once the close is `step` below the
 *   average entry, at most `times` adds (and maxEntries entries);
 * - reentry: flat, after a stop-loss, a stake-sized entry once the close is back at the stopped
 *   trade's entry price, within `windowBars` candles of the stop, at most `times` in a chain.
 *
 * The stop-loss itself rests on the exchange and is matched within each candle first (the fill
 * model): a candle that hits the stop leaves no position for a rule to act on.
 */
export interface ManagedInput {
  rules: PositionRules;
  symbol: string;
  /** open time of the closed candle, and its close */
  time: number;
  close: number;
  timeframeMs: number;
  /** the open trade: its float view and its ledger */
  trade: TradeState | undefined;
  rt: RoundTrip | undefined;
  maxEntries: number;
  /** the bot's orders that can still fill */
  active: Iterable<Order>;
  /** closed round trips, oldest first */
  closed: readonly RoundTrip[];
}

export function managedIntents(x: ManagedInput, out: Intent[]): void {
  const r = x.rules;
  const t = x.trade;
  const rt = x.rt;
  if (t !== undefined && rt !== undefined) {
    const profit = x.close / t.avgPrice - 1;
    if (r.roi !== undefined) {
      const age = (x.time + x.timeframeMs - t.openedAt) / 60_000;
      if (profit >= roiAt(r.roi, age)) {
        out.push({ side: 'sell', type: 'market', cause: 'roi' });
        return;
      }
    }
    let pendingBuy = false;
    let ladderSent = 0;
    let dcaSent = 0;
    for (const o of x.active) {
      if (o.symbol !== x.symbol) continue;
      if (o.side === 'buy') pendingBuy = true;
      if (o.cause !== undefined && o.cause.startsWith('ladder-')) ladderSent = Math.max(ladderSent, Number(o.cause.slice(7)));
      if (o.cause === 'dca') dcaSent++;
    }
    if (r.ladder !== undefined) {
      let done = ladderSent;
      for (const l of rt.exits) if (l.reason.startsWith('ladder-')) done = Math.max(done, Number(l.reason.slice(7)));
      const levels = r.ladder;
      for (let n = done; n < levels.length && profit >= levels[n]!.profit; n++) {
        const last = n === levels.length - 1;
        out.push(last ? { side: 'sell', type: 'market', cause: `ladder-${n + 1}` } : { side: 'sell', type: 'market', cause: `ladder-${n + 1}`, qty: rt.entryQty.mul(new Dec(levels[n]!.fraction)) });
        if (last) return;
      }
    }
    if (r.dca !== undefined && !pendingBuy) {
      let adds = dcaSent;
      for (const l of rt.entries) if (l.reason === 'dca') adds++;
      if (adds < r.dca.times && t.entries < x.maxEntries && x.close <= t.avgPrice * (1 - r.dca.step)) {
        const prev = rt.entries[rt.entries.length - 1]!;
        out.push({ side: 'buy', type: 'market', cause: 'dca', spend: prev.cost.mul(new Dec(r.dca.scale)) });
      }
    }
    return;
  }
  if (r.reentry !== undefined) reentry(x, r.reentry, out);
}

function reentry(x: ManagedInput, rule: { times: number; windowBars: number }, out: Intent[]): void {
  // the last closed trade of this symbol, and how many re-entries its chain already took
  let last: RoundTrip | undefined;
  let chain = 0;
  for (let j = x.closed.length - 1; j >= 0; j--) {
    const rt = x.closed[j]!;
    if (rt.symbol !== x.symbol) continue;
    if (last === undefined) {
      last = rt;
      if (rt.exitReason !== 'stop-loss' || rt.exitTime === null) return;
    }
    if (rt.entries[0]?.reason === 'reentry' && rt.exitReason === 'stop-loss') chain++;
    else break;
  }
  if (last === undefined || chain >= rule.times) return;
  const tf = x.timeframeMs;
  const stopBar = last.exitTime! - (last.exitTime! % tf);
  if (x.time > stopBar + rule.windowBars * tf) return;
  if (!(x.close >= last.entryPrice.toNumber())) return;
  for (const o of x.active) if (o.symbol === x.symbol && o.side === 'buy') return;
  out.push({ side: 'buy', type: 'market', cause: 'reentry' });
}
