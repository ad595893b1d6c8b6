import { Dec } from '../core/money.js';
import type { BotStateDoc } from '../store/bot-state.js';
import type { Cause, Comparison, LoneTrade, MatchedTrade } from './compare.js';
import type { ParityTrade } from './trades.js';

/** The `tradebot parity --json` document: a public interface, versioned. */
export const PARITY_SCHEMA_VERSION = 1;

export const CAUSES: readonly Cause[] = ['fill-price', 'late-candle', 'restart-gap', 'rejected', 'risk-denied', 'manual', 'unknown-outcome', 'partial-fill', 'unexplained'];

/** The figures `--assert` may name. */
export const PARITY_METRICS = ['matched', 'identical', 'slippageBps', 'worstSlippageBps', 'sessionOnly', 'replayOnly', 'divergent', 'pnlDiff'] as const;

export interface ParitySummary {
  sessionTrades: number;
  replayTrades: number;
  matchedTrades: number;
  /** matched trades over the larger of the two trade counts (1 when neither traded) */
  matched: number;
  /** matched trades that are the same in every field, over the larger trade count */
  identical: number;
  divergent: number;
  sessionOnly: number;
  replayOnly: number;
  /** mean and worst (largest) price difference against the fill model over every matched entry and exit, bps; + is worse */
  slippageBps: number;
  worstSlippageBps: number;
  sessionPnl: string;
  replayPnl: string;
  /** session minus replay */
  pnlDiff: string;
  feeDiff: string;
  /** the PnL difference each cause explains (session minus replay), only causes that occurred */
  pnlDiffByCause: Partial<Record<Cause, string>>;
}

export interface ParityDoc {
  schemaVersion: number;
  kind: 'parity';
  bot: { name: string; mode: string; exchange: string; pairs: string[]; timeframe: string; strategy: string; params: Record<string, unknown> };
  /** the candles replayed, and the trades compared (entry times) */
  span: { candlesFrom: number; candlesTo: number; candles: number; from: number; to: number };
  summary: ParitySummary;
  matched: MatchedTrade[];
  sessionOnly: LoneTrade[];
  replayOnly: LoneTrade[];
  notes: string[];
}

export function buildParityDoc(p: { doc: BotStateDoc; cmp: Comparison; session: ParityTrade[]; replay: ParityTrade[]; span: ParityDoc['span']; notes: string[] }): ParityDoc {
  const { cmp } = p;
  const legs = cmp.matched.flatMap((m) => [m.entrySlippageBps, ...(m.exitSlippageBps !== null ? [m.exitSlippageBps] : [])]);
  const most = Math.max(p.session.length, p.replay.length);
  const sum = (ts: readonly ParityTrade[]) => ts.reduce((a, t) => a.plus(t.pnl), new Dec(0));
  const byCause = new Map<Cause, Dec>();
  const add = (c: Cause | null, x: Dec) => c !== null && byCause.set(c, (byCause.get(c) ?? new Dec(0)).plus(x));
  for (const m of cmp.matched) add(m.cause, new Dec(m.pnlDiff));
  for (const l of cmp.sessionOnly) add(l.cause, new Dec(l.trade.pnl));
  for (const l of cmp.replayOnly) add(l.cause, new Dec(l.trade.pnl).neg());
  const identical = cmp.matched.filter((m) => m.cause === null).length;
  const sessionPnl = sum(p.session);
  const replayPnl = sum(p.replay);
  const id = p.doc.bot;
  return {
    schemaVersion: PARITY_SCHEMA_VERSION,
    kind: 'parity',
    bot: { name: id.name, mode: id.mode, exchange: id.exchange, pairs: id.pairs, timeframe: id.timeframe, strategy: id.strategy.name, params: id.strategy.params },
    span: p.span,
    summary: {
      sessionTrades: p.session.length,
      replayTrades: p.replay.length,
      matchedTrades: cmp.matched.length,
      matched: most === 0 ? 1 : cmp.matched.length / most,
      identical: most === 0 ? 1 : identical / most,
      divergent: cmp.matched.length - identical,
      sessionOnly: cmp.sessionOnly.length,
      replayOnly: cmp.replayOnly.length,
      slippageBps: legs.length === 0 ? 0 : legs.reduce((a, b) => a + b, 0) / legs.length,
      worstSlippageBps: legs.length === 0 ? 0 : Math.max(...legs),
      sessionPnl: sessionPnl.toFixed(),
      replayPnl: replayPnl.toFixed(),
      pnlDiff: sessionPnl.minus(replayPnl).toFixed(),
      feeDiff: cmp.matched.reduce((a, m) => a.plus(m.feeDiff), new Dec(0)).toFixed(),
      pnlDiffByCause: Object.fromEntries(CAUSES.filter((c) => byCause.has(c)).map((c) => [c, byCause.get(c)!.toFixed()])),
    },
    matched: cmp.matched,
    sessionOnly: cmp.sessionOnly,
    replayOnly: cmp.replayOnly,
    notes: p.notes,
  };
}

/** The figures an --assert condition reads. */
export function parityFigures(d: ParityDoc): Record<string, number> {
  const s = d.summary;
  return {
    matched: s.matched,
    identical: s.identical,
    slippageBps: s.slippageBps,
    worstSlippageBps: s.worstSlippageBps,
    sessionOnly: s.sessionOnly,
    replayOnly: s.replayOnly,
    divergent: s.divergent,
    pnlDiff: Number(s.pnlDiff),
  };
}
