import { Dec, ZERO } from '../core/money.js';
import { isTerminal, type OrderStatus } from '../core/orders.js';
import { Portfolio, roundTripPnl } from '../core/portfolio.js';
import type { BotMode, BotRuntime, BotStateDoc } from './bot-state.js';

export interface PositionView {
  symbol: string;
  qty: string;
  entryPrice: string;
  /** the last close the bot saw, or null */
  lastPrice: string | null;
  /** null when there is no price to mark it at */
  unrealizedPnl: string | null;
}

export interface OpenOrderView {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  amount: string;
  price: string | null;
  stopPrice: string | null;
  filled: string;
  status: OrderStatus;
  purpose: string;
}

/**
 * Everything `status` shows of a bot's state document, worked out from it once: identity, the
 * runtime block, equity and PnL, positions, open orders. What depends on the moment status runs
 * (is the owner alive, how old is the heartbeat, is it still the same day) is left to the reader.
 * Both ways status reads a bot go through this: from the state file itself, and from the summary
 * the bot writes beside it (src/store/status-summary.ts), so the two cannot disagree.
 */
export interface StatusDigest {
  mode: BotMode;
  exchange: string;
  apiUrl: string | null;
  strategy: { name: string; params: Record<string, unknown> };
  pairs: string[];
  timeframe: string;
  quote: string;
  runtime: BotRuntime;
  riskHalt: { code: string; since: number; message: string } | null;
  /** `today` and `todayPct` are for the UTC day number `day`: shown only while it is that day */
  equity: { start: string; last: string; time: number; pnl: string; pnlPct: number | null; day: number; today: string; todayPct: number | null } | null;
  /** null: no engine snapshot yet */
  realizedPnl: string | null;
  unrealizedPnl: string | null;
  positions: PositionView[];
  openOrders: OpenOrderView[];
  /** the quote the bot was given (a live bot's budget, a paper bot's starting quote cash); absent in older summaries */
  budget?: string | null;
  /** the exchange and the (masked) key a bot trades: bots on one account share it */
  account?: string | null;
  /** the bot's ledger, per currency: what it owns; null before its first snapshot */
  balances?: Record<string, string> | null;
}

/** The digest of a (validated) state document. Pure. */
export function statusDigestOf(doc: BotStateDoc): StatusDigest {
  const digest: StatusDigest = {
    mode: doc.bot.mode,
    exchange: doc.bot.exchange,
    apiUrl: doc.bot.apiUrl ?? null,
    strategy: { name: doc.bot.strategy.name, params: doc.bot.strategy.params },
    pairs: doc.bot.pairs,
    timeframe: doc.bot.timeframe,
    quote: doc.bot.quote,
    runtime: doc.runtime,
    riskHalt: doc.engine?.risk?.halt ?? null,
    equity: equityOf(doc),
    realizedPnl: null,
    unrealizedPnl: null,
    positions: [],
    openOrders: [],
    budget: doc.settings.cash[doc.bot.quote] ?? null,
    account: `${doc.bot.exchange}${doc.bot.sandbox ? ' sandbox' : ''} ${doc.bot.account}`,
    balances: doc.engine ? { ...doc.engine.portfolio.balances } : null,
  };
  if (!doc.engine) return digest;
  const book = ledger(doc);
  digest.realizedPnl = book.realized.toFixed();
  digest.unrealizedPnl = book.unrealized.toFixed();
  digest.positions = book.positions;
  digest.openOrders = doc.engine.orders
    .filter((o) => !isTerminal(o.status))
    .map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      amount: o.amount,
      price: o.price ?? null,
      stopPrice: o.stopPrice ?? null,
      filled: o.filled,
      status: o.status,
      purpose: o.purpose,
    }));
  return digest;
}

function equityOf(doc: BotStateDoc): StatusDigest['equity'] {
  const e = doc.runtime.equity;
  if (!e) return null;
  const start = new Dec(e.start);
  const last = new Dec(e.last);
  const dayStart = new Dec(e.dayStart);
  return {
    start: e.start,
    last: e.last,
    time: e.lastTime,
    pnl: last.minus(start).toFixed(),
    pnlPct: start.isZero() ? null : last.div(start).minus(1).toNumber(),
    day: e.day,
    today: last.minus(dayStart).toFixed(),
    todayPct: dayStart.isZero() ? null : last.div(dayStart).minus(1).toNumber(),
  };
}

function ledger(doc: BotStateDoc): { realized: Dec; unrealized: Dec; positions: PositionView[] } {
  const snap = doc.engine!.portfolio;
  // roundTripPnl of a closed trip is proceeds − cost − fees: summed as three totals, because a
  // long-running bot has thousands of closed trips
  let proceeds = ZERO;
  let cost = ZERO;
  let fees = ZERO;
  for (const rt of snap.closed) {
    proceeds = proceeds.plus(rt.exitProceeds);
    cost = cost.plus(rt.entryCost);
    fees = fees.plus(rt.fees);
  }
  const p = Portfolio.restore({ ...snap, closed: [] });
  let unrealized = ZERO;
  const positions: PositionView[] = [];
  for (const [symbol, rt] of p.open) {
    const px = doc.runtime.prices[symbol];
    const mark = px !== undefined && Number.isFinite(px) ? new Dec(px) : undefined;
    const pnl = mark ? roundTripPnl(rt, mark) : null;
    if (pnl) unrealized = unrealized.plus(pnl);
    positions.push({
      symbol,
      qty: rt.qty.toFixed(),
      entryPrice: rt.entryPrice.toFixed(),
      lastPrice: mark ? mark.toFixed() : null,
      unrealizedPnl: pnl ? pnl.toFixed() : null,
    });
  }
  return { realized: proceeds.minus(cost).minus(fees), unrealized, positions };
}
