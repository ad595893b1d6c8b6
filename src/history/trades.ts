import { Dec, ZERO } from '../core/money.js';
import { Portfolio, roundTripPnl, type RoundTrip } from '../core/portfolio.js';
import type { JournalEntry } from '../engine/ports.js';
import { exitReasonOf, type ExitReason } from '../report/result.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { timeframeToMs } from '../core/timeframe.js';

/** One order of a round trip, with the exchange's id and the trades that filled it. */
export interface TradeOrderRef {
  clientOrderId: string;
  exchangeId: string | null;
  /** the exchange's trade ids of its fills, in order */
  tradeIds: string[];
}

/** A round trip as `tradebot trades` shows it. Money in decimal strings, times in epoch ms. */
export interface TradeView {
  /** 1 for the bot's first round trip, in entry order */
  id: number;
  symbol: string;
  open: boolean;
  entryTime: number;
  /** null while open */
  exitTime: number | null;
  /** exit − entry; for an open trade, up to the last candle the bot saw */
  durationMs: number | null;
  qty: string;
  entryPrice: string;
  exitPrice: string | null;
  /** an open trade: the last close the bot saw, null when none */
  markPrice: string | null;
  fees: string;
  /** net of fees; an open trade's is unrealised, marked at markPrice (null without one) */
  pnl: string | null;
  /** pnl over the entry cost, a fraction */
  pnlPct: number | null;
  exitReason: ExitReason | null;
  entryOrders: TradeOrderRef[];
  exitOrders: TradeOrderRef[];
}

type FillEntry = Extract<JournalEntry, { type: 'fill' }>;

/**
 * The bot's round trips from its files: the ledger's round trips (state.json, the engine's own
 * accounting) with the orders and exchange trades that made them (journal.jsonl). A fill is put
 * with the round trip of its pair that was open at its time: a buy with the last one entered by
 * then, a sell with the first one not yet closed before it.
 */
export function buildTrades(doc: BotStateDoc, journal: readonly JournalEntry[]): TradeView[] {
  if (!doc.engine) return [];
  const p = Portfolio.restore(doc.engine.portfolio);
  const trips = [...p.closed, ...p.open.values()].sort((a, b) => a.entryTime - b.entryTime);
  const exchangeIds = new Map<string, string>();
  for (const e of journal) if (e.type === 'sent') exchangeIds.set(e.clientOrderId, e.exchangeId);
  for (const o of doc.engine.orders) if (o.exchangeId && !exchangeIds.has(o.clientOrderId)) exchangeIds.set(o.clientOrderId, o.exchangeId);

  const refs = trips.map(() => ({ entry: new Map<string, TradeOrderRef>(), exit: new Map<string, TradeOrderRef>() }));
  const bySymbol = new Map<string, number[]>();
  trips.forEach((t, i) => bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), i]));
  for (const e of journal) {
    if (e.type !== 'fill') continue;
    const k = tripOf(e, trips, bySymbol.get(e.fill.symbol) ?? []);
    if (k === undefined) continue;
    const side = e.fill.side === 'buy' ? refs[k]!.entry : refs[k]!.exit;
    const id = e.fill.clientOrderId;
    let ref = side.get(id);
    if (!ref) side.set(id, (ref = { clientOrderId: id, exchangeId: exchangeIds.get(id) ?? null, tradeIds: [] }));
    ref.tradeIds.push(String(e.fill.tradeId));
  }

  const marketNow = lastCandleClose(doc);
  return trips.map((t, i): TradeView => {
    const open = t.exitTime === null || p.open.get(t.symbol) === t;
    const px = doc.runtime.prices[t.symbol];
    const mark = open && px !== undefined && Number.isFinite(px) ? new Dec(px) : undefined;
    const pnl = open ? (mark ? roundTripPnl(t, mark) : null) : roundTripPnl(t);
    const end = open ? marketNow : t.exitTime;
    return {
      id: i + 1,
      symbol: t.symbol,
      open,
      entryTime: t.entryTime,
      exitTime: open ? null : t.exitTime,
      durationMs: end !== null ? Math.max(0, end - t.entryTime) : null,
      qty: t.entryQty.toFixed(),
      entryPrice: t.entryPrice.toFixed(),
      exitPrice: open ? null : (t.exitPrice?.toFixed() ?? null),
      markPrice: mark ? mark.toFixed() : null,
      fees: t.fees.toFixed(),
      pnl: pnl ? pnl.toFixed() : null,
      pnlPct: pnl && !t.entryCost.isZero() ? pnl.div(t.entryCost).toNumber() : null,
      exitReason: open ? null : exitReasonOf(t.exitReason),
      entryOrders: [...refs[i]!.entry.values()],
      exitOrders: [...refs[i]!.exit.values()],
    };
  });
}

function tripOf(e: FillEntry, trips: readonly RoundTrip[], candidates: readonly number[]): number | undefined {
  const t = e.fill.time;
  if (e.fill.side === 'buy') {
    let found: number | undefined;
    for (const k of candidates) if (trips[k]!.entryTime <= t) found = k;
    return found;
  }
  for (const k of candidates) {
    const trip = trips[k]!;
    if (trip.entryTime <= t && (trip.exitTime === null || trip.exitTime >= t)) return k;
  }
  return undefined;
}

/** The market's "now" as the bot last saw it: the close of its last candle (a replayed market runs in the past). */
export function lastCandleClose(doc: BotStateDoc): number | null {
  const times = (doc.engine?.lastBarTime ?? []).filter((t): t is number => t !== null);
  if (times.length === 0) return null;
  let tf = 0;
  try {
    tf = timeframeToMs(doc.bot.timeframe);
  } catch {
    // a timeframe this tradebot does not know: the open time will do
  }
  return Math.max(...times) + tf;
}

/** Sum of fees over trades, for the summary lines. */
export function totalFees(trades: readonly TradeView[]): string {
  return trades.reduce((a, t) => a.plus(t.fees), ZERO).toFixed();
}
