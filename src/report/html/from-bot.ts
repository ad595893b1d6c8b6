import type { CandleSeries } from '../../core/candles.js';
import { findGaps } from '../../core/candles.js';
import { UsageError } from '../../core/errors.js';
import { computeMetrics } from '../../core/metrics.js';
import { Dec } from '../../core/money.js';
import { timeframeToMs } from '../../core/timeframe.js';
import { cachePath, loadCandleCache } from '../../data/candle-cache.js';
import { selectRange } from '../../data/select-range.js';
import type { BotStateDoc } from '../../store/bot-state.js';
import { botPaths } from '../../store/bot-paths.js';
import { readStateDoc } from '../../store/read-state.js';
import { exitReasonOf, toTradeLeg, type TradeRecord } from '../result.js';
import { equityFromTrades } from './equity-from-trades.js';
import { candlesSha256 } from './provenance.js';
import type { EquityInput, ReportInput } from './report-input.js';

type SerializedTrip = NonNullable<BotStateDoc['engine']>['portfolio']['closed'][number];

/**
 * A paper or live bot, from its state file alone: no exchange, no network, no ccxt. The state
 * keeps the round trips, the settings and the equity marks, not candles; the price chart and a
 * per-candle equity come from the candle cache of `tradebot data` when it holds the bot's pair
 * and timeframe over the bot's life. Without it, equity is drawn at the trades' exits.
 */
export async function reportFromBot(home: string, name: string, now: number): Promise<ReportInput> {
  const paths = botPaths(home, name);
  const doc = await readStateDoc(paths.state);
  if (!doc) throw new UsageError(`no bot named ${name} in ${home} (tradebot bots lists them)`);
  const id = doc.bot;
  const notes: string[] = [];
  const quote = id.quote;
  const prices = doc.runtime.prices;
  const trades = tradesOf(doc, prices);
  const start = doc.runtime.equity ? Number(doc.runtime.equity.start) : Number(doc.settings.cash[quote] ?? 0);
  const from = id.warmup?.until !== undefined && id.warmup !== null ? id.warmup.until + timeframeToMs(id.timeframe) : id.createdAt;
  const to = doc.runtime.equity?.lastTime ?? doc.runtime.heartbeat ?? now;
  const tfMs = timeframeToMs(id.timeframe);

  let candles: CandleSeries | null = null;
  if (id.pairs.length === 1) {
    candles = await cachedCandles(home, id.exchange, id.pairs[0]!, id.timeframe, from, to);
    if (!candles) notes.push(`No price chart: a bot keeps no candles, and the candle cache has none of ${id.pairs[0]} ${id.timeframe} on ${id.exchange} for the bot's span (tradebot data download fills it).`);
  } else {
    notes.push(`No price chart: the report draws one pair, this bot trades ${id.pairs.length} (${id.pairs.join(', ')}).`);
  }
  const nonQuote = Object.entries(doc.settings.cash).filter(([k, v]) => k !== quote && Number(v) !== 0);
  if (nonQuote.length > 0) notes.push(`Equity counts the quote currency and the bot's trades; the starting ${nonQuote.map(([k]) => k).join(', ')} balance is not marked to market.`);

  let equity: EquityInput | null;
  let metrics;
  if (candles) {
    const value = equityFromTrades(candles, trades, start);
    equity = { time: candles.time, value, perBar: true };
    metrics = computeMetrics({
      equity: value,
      time: candles.time,
      timeframeMs: tfMs,
      startEquity: start,
      trades: trades.map((t) => ({ pnl: Number(t.pnl), open: t.open })),
      barsInMarket: barsInMarket(candles, trades),
      feesPaid: Number(doc.engine?.portfolio.feesPaid ?? 0),
      buyAndHoldReturn: candles.close[candles.length - 1]! / candles.open[0]! - 1,
    });
  } else {
    const points = realisedCurve(trades, start, from, to, doc.runtime.equity ? Number(doc.runtime.equity.last) : null);
    equity = { time: points.map((p) => p[0]), value: points.map((p) => p[1]), perBar: false };
    const m = computeMetrics({
      equity: Float64Array.from(points.map((p) => p[1])),
      time: Float64Array.from(points.map((p) => p[0])),
      timeframeMs: tfMs,
      startEquity: start,
      trades: trades.map((t) => ({ pnl: Number(t.pnl), open: t.open })),
      barsInMarket: 0,
      feesPaid: Number(doc.engine?.portfolio.feesPaid ?? 0),
      buyAndHoldReturn: 0,
    });
    // per-bar statistics need per-bar equity: leave them out rather than show wrong ones
    metrics = { ...m, sharpe: null, sortino: null, calmar: null, exposure: 0, buyAndHoldReturn: 0 };
    notes.push('Without candles, drawdown is measured at trade exits only; Sharpe, Sortino, Calmar, exposure and buy-and-hold are not computed.');
  }

  return {
    kind: id.mode,
    title: `${id.mode === 'live' ? 'Live' : 'Paper'} bot ${id.name}: ${id.strategy.name} on ${id.pairs.join(', ')} ${id.timeframe}`,
    producedBy: doc.writtenBy,
    strategy: id.strategy,
    settings: [
      ['Bot', id.name],
      ['Mode', id.mode],
      ['Exchange', id.exchange + (id.apiUrl ? ` (${id.apiUrl})` : '')],
      ['Account', id.account],
      ['Status', doc.runtime.status],
      ['Created', new Date(id.createdAt).toISOString()],
      ['Starting balances', Object.entries(doc.settings.cash).map(([k, v]) => `${k}=${v}`).join(', ')],
      ['Stake', doc.settings.stake],
      ['Fee rate', doc.settings.fee],
      ['Slippage (bps)', String(doc.settings.slippageBps)],
      ...Object.entries(doc.settings.risk)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ],
    provenance: {
      source: candles ? `candle cache (${id.exchange} ${id.pairs[0]} ${id.timeframe})` : `bot state ${paths.state}`,
      symbol: id.pairs.join(', '),
      timeframe: id.timeframe,
      from: candles ? candles.time[0]! : from,
      to: candles ? candles.time[candles.length - 1]! : to,
      candles: candles?.length ?? 0,
      gaps: candles ? findGaps(candles) : [],
      ...(candles ? { candlesSha256: candlesSha256(candles) } : {}),
    },
    metrics,
    trades,
    startEquity: start,
    candles,
    equity,
    notes,
  };
}

function tradesOf(doc: BotStateDoc, prices: Record<string, number>): TradeRecord[] {
  const pf = doc.engine?.portfolio;
  if (!pf) return [];
  const record = (rt: SerializedTrip, open: boolean): TradeRecord => {
    const mark = open && prices[rt.symbol] !== undefined ? new Dec(prices[rt.symbol]!) : null;
    const held = new Dec(rt.qty);
    const pnl = new Dec(rt.exitProceeds)
      .plus(open && mark ? held.mul(mark) : 0)
      .minus(rt.entryCost)
      .minus(rt.fees);
    const cost = new Dec(rt.entryCost);
    return {
      symbol: rt.symbol,
      side: 'long',
      entryTime: rt.entryTime,
      exitTime: open ? null : rt.exitTime,
      entryPrice: rt.entryPrice,
      exitPrice: open ? null : rt.exitPrice,
      qty: rt.entryQty,
      fees: rt.fees,
      pnl: pnl.toFixed(),
      returnPct: cost.isZero() ? 0 : pnl.div(cost).toNumber(),
      exitReason: open ? null : exitReasonOf(rt.exitReason),
      open,
      entries: (rt.entries ?? []).map(toTradeLeg),
      exits: (rt.exits ?? []).map(toTradeLeg),
    };
  };
  return [...pf.closed.map((rt) => record(rt, false)), ...Object.values(pf.open).map((rt) => record(rt, true))];
}

async function cachedCandles(home: string, exchange: string, symbol: string, timeframe: string, from: number, to: number): Promise<CandleSeries | null> {
  const file = cachePath(home, { exchange, symbol, timeframe });
  const loaded = await loadCandleCache(file, { exchange, symbol, timeframe }).catch(() => null);
  if (!loaded || loaded.series.length === 0) return null;
  const s = loaded.series;
  const tf = loaded.meta.timeframeMs;
  // the cache must span the bot's life, or the rebuilt equity would start or end mid-run
  if (s.time[0]! > from || s.time[s.length - 1]! + tf < to - tf) return null;
  try {
    return selectRange({ series: s, source: file, timeframe, gaps: [] }, Math.floor(from / tf) * tf, to).series;
  } catch {
    return null;
  }
}

function barsInMarket(s: CandleSeries, trades: readonly TradeRecord[]): number {
  const held = new Uint8Array(s.length);
  for (const t of trades) {
    // bars whose close falls inside the trade
    let i = 0;
    let hi = s.length;
    while (i < hi) {
      const mid = (i + hi) >>> 1;
      if (s.time[mid]! + s.timeframeMs <= t.entryTime) i = mid + 1;
      else hi = mid;
    }
    for (; i < s.length && (t.exitTime === null || s.time[i]! + s.timeframeMs <= t.exitTime); i++) held[i] = 1;
  }
  return held.reduce((a, b) => a + b, 0);
}

/** Equity at the start, at each exit (realised), and the last mark the bot wrote. */
function realisedCurve(trades: readonly TradeRecord[], start: number, from: number, to: number, last: number | null): [number, number][] {
  const points: [number, number][] = [[from, start]];
  let e = start;
  for (const t of [...trades].filter((x) => !x.open && x.exitTime !== null).sort((a, b) => a.exitTime! - b.exitTime!)) {
    e += Number(t.pnl);
    points.push([Math.max(t.exitTime!, points[points.length - 1]![0]), e]);
  }
  if (last !== null && to >= points[points.length - 1]![0]) points.push([to, last]);
  return points;
}
