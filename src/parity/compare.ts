import { Dec } from '../core/money.js';
import type { Evidence } from './evidence.js';
import type { ParityTrade } from './trades.js';

export type Cause = Evidence['kind'] | 'fill-price' | 'unexplained';

/** Most specific first: the first kind of evidence found near a divergence is its cause. */
const PRECEDENCE: Evidence['kind'][] = ['manual', 'unknown-outcome', 'rejected', 'partial-fill', 'risk-denied', 'restart-gap', 'late-candle'];

export interface MatchedTrade {
  session: ParityTrade;
  replay: ParityTrade;
  /** session minus replay, ms */
  entryDeltaMs: number;
  exitDeltaMs: number | null;
  /** how much worse (+) or better (−) the session's price was than the replay's fill model, in bps */
  entrySlippageBps: number;
  exitSlippageBps: number | null;
  /** session minus replay */
  feeDiff: string;
  pnlDiff: string;
  /** null: the trade is the same in both */
  cause: Cause | null;
  detail: string | null;
}

export interface LoneTrade {
  trade: ParityTrade;
  cause: Cause;
  detail: string;
}

export interface Comparison {
  matched: MatchedTrade[];
  sessionOnly: LoneTrade[];
  replayOnly: LoneTrade[];
}

/** Prices equal to this many bps are the same price (decimal strings of one fill model agree exactly). */
const SAME_PRICE_BPS = 1e-6;
/** Fees equal to this fraction are the same fee: an exchange rounds each fill's fee to its precision (8 places on Binance). */
const SAME_FEE = 1e-6;

/**
 * Pairs the session's trades with the replay's: per pair, in entry order, each session trade with
 * the nearest unpaired replay trade entered within `toleranceMs`. Every difference is attributed
 * to the evidence nearest to it in time (within two candles of where it happened).
 */
export function compareTrades(session: readonly ParityTrade[], replay: readonly ParityTrade[], evidence: readonly Evidence[], timeframeMs: number, toleranceMs = 3 * timeframeMs): Comparison {
  const used = new Set<number>();
  const matched: MatchedTrade[] = [];
  const sessionOnly: LoneTrade[] = [];
  const attribute = (symbol: string, times: number[], fallback: { cause: Cause; detail: string }) => explain(evidence, symbol, times, 2 * timeframeMs) ?? fallback;
  for (const s of session) {
    let best = -1;
    let bestD = Infinity;
    replay.forEach((r, j) => {
      if (used.has(j) || r.symbol !== s.symbol) return;
      const d = Math.abs(r.entryTime - s.entryTime);
      if (d <= toleranceMs && d < bestD) {
        best = j;
        bestD = d;
      }
    });
    if (best < 0) {
      const why = attribute(s.symbol, [s.entryTime, ...(s.exitTime !== null ? [s.exitTime] : [])], { cause: 'unexplained', detail: 'the replay made no such trade' });
      sessionOnly.push({ trade: s, ...why });
      continue;
    }
    used.add(best);
    const r = replay[best]!;
    const m = measure(s, r);
    // the replay fills at a candle's open; a live fill a moment later in that candle is the same decision on time
    const candleOf = (x: number) => Math.floor(x / timeframeMs);
    const sameCandle = (a: number | null, b: number | null) => a === null || b === null || candleOf(a) === candleOf(b);
    const timeDiffers = !sameCandle(s.entryTime, r.entryTime) || !sameCandle(s.exitTime, r.exitTime) || s.open !== r.open;
    const priceDiffers = Math.abs(m.entrySlippageBps) > SAME_PRICE_BPS || Math.abs(m.exitSlippageBps ?? 0) > SAME_PRICE_BPS;
    const qtyDiffers = !new Dec(s.qty).eq(r.qty);
    const feeDiffers = new Dec(m.feeDiff).abs().gt(new Dec(r.fees).abs().mul(SAME_FEE));
    let cause: Cause | null = null;
    let detail: string | null = null;
    if (timeDiffers || priceDiffers || qtyDiffers || feeDiffers) {
      const times = [s.entryTime, r.entryTime, ...[s.exitTime, r.exitTime].filter((t): t is number => t !== null)];
      const fallback = priceDiffers && !timeDiffers && !qtyDiffers
        ? { cause: 'fill-price' as const, detail: `filled ${fmtBps(m.entrySlippageBps)} bps at entry${m.exitSlippageBps !== null ? `, ${fmtBps(m.exitSlippageBps)} bps at exit` : ''} from the fill model (slippage or spread)` }
        : { cause: 'unexplained' as const, detail: [timeDiffers ? 'times differ' : '', qtyDiffers ? 'quantities differ' : '', feeDiffers ? 'fees differ' : ''].filter(Boolean).join(', ') };
      ({ cause, detail } = attribute(s.symbol, times, fallback));
    }
    matched.push({ ...m, cause, detail });
  }
  const replayOnly = replay
    .filter((_, j) => !used.has(j))
    .map((r) => ({ trade: r, ...attribute(r.symbol, [r.entryTime, ...(r.exitTime !== null ? [r.exitTime] : [])], { cause: 'unexplained', detail: 'the session made no such trade' }) }));
  return { matched, sessionOnly, replayOnly };
}

function measure(s: ParityTrade, r: ParityTrade): Omit<MatchedTrade, 'cause' | 'detail'> {
  const bps = (a: string, b: string, sign: 1 | -1) => (sign * (Number(a) - Number(b)) / Number(b)) * 10_000;
  return {
    session: s,
    replay: r,
    entryDeltaMs: s.entryTime - r.entryTime,
    exitDeltaMs: s.exitTime !== null && r.exitTime !== null ? s.exitTime - r.exitTime : null,
    // paying more on a buy and getting less on a sell are both worse
    entrySlippageBps: bps(s.entryPrice, r.entryPrice, 1),
    exitSlippageBps: s.exitPrice !== null && r.exitPrice !== null ? bps(s.exitPrice, r.exitPrice, -1) : null,
    feeDiff: new Dec(s.fees).minus(r.fees).toFixed(),
    pnlDiff: new Dec(s.pnl).minus(r.pnl).toFixed(),
  };
}

function explain(evidence: readonly Evidence[], symbol: string, times: readonly number[], slackMs: number): { cause: Cause; detail: string } | null {
  const near = evidence.filter((e) => (e.symbol === null || e.symbol === symbol) && times.some((t) => t >= e.time - slackMs && t <= (e.until ?? e.time) + slackMs));
  for (const kind of PRECEDENCE) {
    const hit = near.filter((e) => e.kind === kind);
    if (hit.length === 0) continue;
    // the nearest one names it
    const d = (e: Evidence) => Math.min(...times.map((t) => (t < e.time ? e.time - t : t > (e.until ?? e.time) ? t - (e.until ?? e.time) : 0)));
    hit.sort((a, b) => d(a) - d(b));
    return { cause: kind, detail: hit[0]!.detail };
  }
  return null;
}

function fmtBps(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(2);
}
