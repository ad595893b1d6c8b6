import type { CandleSeries } from '../../core/candles.js';
import type { BacktestResult } from '../result.js';
import { candlesSha256, fileSha256 } from './provenance.js';
import type { EquityInput, ReportInput } from './report-input.js';

/** The settings rows of a backtest result. */
export function resultSettings(r: BacktestResult): [string, string][] {
  const rows: [string, string][] = [
    ['Cash', r.settings.cash],
    ['Stake', r.settings.stake],
    ['Fee rate', r.settings.fee],
    ['Slippage (bps)', String(r.settings.slippageBps)],
  ];
  for (const [k, v] of Object.entries(r.settings.risk)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return rows;
}

/**
 * A backtest just run: its result, the candles it traded, the engine's equity after every candle
 * (so nothing is rebuilt), and the data file it read, if any, for the hashes.
 */
export async function reportFromBacktest(
  result: BacktestResult,
  series: CandleSeries,
  equity: { time: Float64Array; value: Float64Array },
  dataFile: string | null,
): Promise<ReportInput> {
  const fileHash = dataFile ? await fileSha256(dataFile) : null;
  const perBar = alignEquity(series, equity, result.metrics.startEquity);
  return {
    kind: 'backtest',
    title: `Backtest: ${result.strategy.name} on ${result.data.symbol} ${result.data.timeframe}`,
    producedBy: result.tradebot,
    strategy: result.strategy,
    settings: resultSettings(result),
    provenance: {
      ...result.data,
      ...(fileHash ? { fileSha256: fileHash } : {}),
      candlesSha256: candlesSha256(series),
    },
    metrics: result.metrics,
    trades: result.trades,
    startEquity: result.metrics.startEquity,
    candles: series.length > 0 ? series : null,
    equity: perBar.time.length > 0 ? perBar : null,
    notes: [],
  };
}


/**
 * The engine marks no equity on warm-up candles (--warmup): nothing trades there, so the equity
 * is the start equity. Filled in, the curve lines up with the candles again.
 */
function alignEquity(series: CandleSeries, equity: { time: Float64Array; value: Float64Array }, start: number): EquityInput {
  const n = series.length;
  const skipped = n - equity.value.length;
  if (skipped === 0 || skipped < 0 || equity.time[0] !== series.time[skipped]) return { time: equity.time, value: equity.value, perBar: skipped === 0 };
  const value = new Float64Array(n).fill(start);
  value.set(equity.value, skipped);
  return { time: series.time, value, perBar: true };
}
