import { candleLevels } from './candle-levels.js';
import { lttb } from './lttb.js';
import { monthlyReturns } from './monthly-returns.js';
import { decimalsOf, packInts } from './pack-ints.js';
import { packLevel } from './pack-level.js';
import { packLine, scaleFor } from './pack-line.js';
import type { PackedLevel, PackedLine, PackedTrades, ReportData } from './page-data.js';
import type { ReportInput } from './report-input.js';
import { objectiveGrid } from './objective-grid.js';



export interface ReportDataOptions {
  /** size the candle levels may take, in bytes of the page */
  levelBudget: number;
  overviewBars?: number;
  linePoints?: number;
}

const OVERVIEW_BARS = 2500;
const LINE_POINTS = 2000;

export function buildReportData(input: ReportInput, opts: ReportDataOptions): ReportData {
  const overviewBars = opts.overviewBars ?? OVERVIEW_BARS;
  const linePoints = opts.linePoints ?? LINE_POINTS;
  const start = input.startEquity;
  const equityScale = scaleFor(Math.max(start, ...(input.metrics ? [input.metrics.finalEquity] : [])));
  const s = input.candles;
  let priceScale = 1;
  const levels: PackedLevel[] = [];
  const omittedLevels: string[] = [];
  const eq = input.equity;
  if (s && s.length > 0) {
    priceScale = 10 ** Math.max(decimalsOf(s.open), decimalsOf(s.high), decimalsOf(s.low), decimalsOf(s.close));
    const all = candleLevels(s, overviewBars); // finest first
    const perBar = eq?.perBar ? { values: eq.value, scale: equityScale } : null;
    // the overview always; then finer levels, coarse to fine, while they fit
    let used = 0;
    const kept: PackedLevel[] = [];
    let stop = false;
    for (let i = all.length - 1; i >= 0; i--) {
      const packed = packLevel(all[i]!, priceScale, perBar);
      const size = packed.candles.length + (packed.equity?.length ?? 0) + 100;
      if (i === all.length - 1 || (!stop && used + size <= opts.levelBudget)) {
        kept.unshift(packed);
        used += size;
      } else {
        stop = true; // a gap in the zoom ladder would help no one: stop at the first level that does not fit
        omittedLevels.unshift(packed.timeframe);
      }
    }
    levels.push(...kept);
  }

  let equity: PackedLine | null = null;
  let underwater: PackedLine | null = null;
  let hasBuyAndHold = false;
  if (eq && eq.time.length > 0) {
    const n = eq.time.length;
    const columns: ArrayLike<number>[] = [eq.value];
    let pick = lttb(eq.time, eq.value, linePoints);
    if (eq.perBar && s && s.length === n) {
      const bh = new Float64Array(n);
      const open0 = s.open[0]!;
      for (let i = 0; i < n; i++) bh[i] = (start * s.close[i]!) / open0;
      columns.push(bh);
      hasBuyAndHold = true;
      pick = union(pick, lttb(eq.time, bh, linePoints));
    }
    equity = packLine(
      pick.map((i) => eq.time[i]!),
      columns.map((c) => pick.map((i) => c[i]!)),
      equityScale,
    );
    const dd = new Float64Array(n);
    let peak = start;
    for (let i = 0; i < n; i++) {
      const v = eq.value[i]!;
      if (v > peak) peak = v;
      dd[i] = peak > 0 ? v / peak - 1 : 0;
    }
    const ddPick = lttb(eq.time, dd, linePoints);
    underwater = packLine(
      ddPick.map((i) => eq.time[i]!),
      [ddPick.map((i) => dd[i]!)],
      1e6,
    );
  }

  const wf = input.walkForward;
  return {
    startEquity: start,
    priceScale,
    equityScale,
    levels,
    omittedLevels,
    equity,
    hasBuyAndHold,
    underwater,
    trades: packTrades(input),
    monthly: eq && eq.time.length > 0 ? monthlyReturns(eq.time, eq.value, start) : null,
    heatmap: input.optimize ? objectiveGrid(input.optimize) : null,
    walkForwardEquity:
      wf && wf.equityCurve.length > 0
        ? packLine(
            wf.equityCurve.map((p) => p.time),
            [wf.equityCurve.map((p) => p.equity)],
            scaleFor(wf.equityCurve[0]!.equity),
          )
        : null,
  };
}

function union(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function packTrades(input: ReportInput): PackedTrades {
  const trades = [...input.trades].sort((a, b) => a.entryTime - b.entryTime);
  const symbols: string[] = [];
  const reasons: string[] = [];
  const index = (list: string[], v: string) => {
    let i = list.indexOf(v);
    if (i < 0) i = list.push(v) - 1;
    return i;
  };
  let prev = 0;
  return {
    count: trades.length,
    symbols,
    symbol: packInts(trades.map((t) => index(symbols, t.symbol))),
    entry: packInts(
      trades.map((t) => {
        const d = t.entryTime - prev;
        prev = t.entryTime;
        return d;
      }),
    ),
    held: packInts(trades.map((t) => (t.exitTime === null ? -1 : t.exitTime - t.entryTime))),
    entryPrice: trades.map((t) => t.entryPrice),
    exitPrice: trades.map((t) => t.exitPrice),
    qty: trades.map((t) => t.qty),
    fees: trades.map((t) => t.fees),
    pnl: trades.map((t) => t.pnl),
    ret: packInts(trades.map((t) => Math.round(t.returnPct * 1e6))),
    reasons,
    reason: packInts(trades.map((t) => (t.exitReason === null ? -1 : index(reasons, t.exitReason)))),
  };
}
