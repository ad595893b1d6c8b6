import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { lastCandleClose, type TradeView } from './trades.js';

export type ProfitPeriod = 'daily' | 'weekly' | 'monthly';

/** One row of the per-period table: the trades that closed in it. */
export interface PeriodRow {
  /** 2024-05-01 (a day, or the Monday a week starts on) or 2024-05 (a month), UTC */
  period: string;
  start: number;
  trades: number;
  wins: number;
  losses: number;
  pnl: string;
  /** pnl over the bot's starting equity, a fraction (null when that is 0 or unknown) */
  pnlPct: number | null;
}

/** `tradebot profit` and Telegram's /profit and /daily. Money in decimal strings. */
export interface ProfitView {
  quote: string;
  closedTrades: number;
  openTrades: number;
  wins: number;
  losses: number;
  /** wins over closed trades, a fraction (null before the first one closes) */
  winRate: number | null;
  /** closed trades, net of fees */
  realizedPnl: string;
  /** open trades marked at the last close, net of their fees so far */
  unrealizedPnl: string;
  totalPnl: string;
  fees: string;
  startEquity: string | null;
  equity: string | null;
  best: { id: number; symbol: string; pnl: string; pnlPct: number | null } | null;
  worst: { id: number; symbol: string; pnl: string; pnlPct: number | null } | null;
  /** the last periods up to the bot's last candle, oldest first, empty ones included */
  periods: { kind: ProfitPeriod; rows: PeriodRow[] } | null;
}

export const DEFAULT_PERIODS: Record<ProfitPeriod, number> = { daily: 7, weekly: 8, monthly: 6 };

export function profitSummary(doc: BotStateDoc, trades: readonly TradeView[], o: { period?: ProfitPeriod; count?: number; now: number }): ProfitView {
  const closed = trades.filter((t) => !t.open);
  const open = trades.filter((t) => t.open);
  const sum = (xs: readonly TradeView[]) => xs.reduce((a, t) => (t.pnl !== null ? a.plus(t.pnl) : a), ZERO);
  const realized = sum(closed);
  const unrealized = sum(open);
  const wins = closed.filter((t) => new Dec(t.pnl!).gt(0)).length;
  const ranked = [...closed].sort((a, b) => new Dec(a.pnl!).cmp(new Dec(b.pnl!)));
  const pick = (t: TradeView | undefined) => (t ? { id: t.id, symbol: t.symbol, pnl: t.pnl!, pnlPct: t.pnlPct } : null);
  const startEquity = doc.runtime.equity?.start ?? null;
  return {
    quote: doc.bot.quote,
    closedTrades: closed.length,
    openTrades: open.length,
    wins,
    losses: closed.length - wins,
    winRate: closed.length > 0 ? wins / closed.length : null,
    realizedPnl: realized.toFixed(),
    unrealizedPnl: unrealized.toFixed(),
    totalPnl: realized.plus(unrealized).toFixed(),
    fees: trades.reduce((a, t) => a.plus(t.fees), ZERO).toFixed(),
    startEquity,
    equity: doc.runtime.equity?.last ?? null,
    best: pick(ranked.at(-1)),
    worst: pick(ranked[0]),
    periods: o.period ? { kind: o.period, rows: periodRows(closed, o.period, o.count ?? DEFAULT_PERIODS[o.period], lastCandleClose(doc) ?? o.now, startEquity) } : null,
  };
}

const DAY = 86_400_000;

/** The UTC start of the period holding `t`. */
export function periodStart(t: number, kind: ProfitPeriod): number {
  const day = t - (((t % DAY) + DAY) % DAY);
  if (kind === 'daily') return day;
  if (kind === 'weekly') return day - (((new Date(day).getUTCDay() + 6) % 7) * DAY); // weeks start on Monday
  const d = new Date(day);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function previous(start: number, kind: ProfitPeriod): number {
  if (kind === 'daily') return start - DAY;
  if (kind === 'weekly') return start - 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
}

function label(start: number, kind: ProfitPeriod): string {
  const iso = new Date(start).toISOString();
  return kind === 'monthly' ? iso.slice(0, 7) : iso.slice(0, 10);
}

function periodRows(closed: readonly TradeView[], kind: ProfitPeriod, count: number, end: number, startEquity: string | null): PeriodRow[] {
  const starts: number[] = [];
  for (let s = periodStart(end, kind); starts.length < count; s = previous(s, kind)) starts.unshift(s);
  const base: Decimal | null = startEquity !== null && !new Dec(startEquity).isZero() ? new Dec(startEquity) : null;
  return starts.map((start) => {
    const inIt = closed.filter((t) => periodStart(t.exitTime!, kind) === start);
    const pnl = inIt.reduce((a, t) => a.plus(t.pnl!), ZERO);
    const wins = inIt.filter((t) => new Dec(t.pnl!).gt(0)).length;
    return { period: label(start, kind), start, trades: inIt.length, wins, losses: inIt.length - wins, pnl: pnl.toFixed(), pnlPct: base ? pnl.div(base).toNumber() : null };
  });
}
