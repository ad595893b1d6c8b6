import type { CandleSeries, Gap } from '../../core/candles.js';
import type { Metrics } from '../../core/metrics.js';
import type { TradeRecord } from '../result.js';
import type { OptimizeReport, WalkForwardReport } from './research-input.js';

/**
 * Everything the HTML report shows, whatever it came from (a backtest just run, a result file, a
 * bot's state files, an optimize or walk-forward document). Builders in from-*.ts fill it; the
 * renderer reads nothing else.
 */
export interface ReportInput {
  kind: 'backtest' | 'paper' | 'live' | 'optimize' | 'walk-forward';
  title: string;
  /** the tradebot version that produced the run, and the one writing the report */
  producedBy: string;
  strategy: { name: string; params: Record<string, unknown> } | null;
  /** label -> value, shown as given (escaped) */
  settings: [string, string][];
  provenance: Provenance | null;
  metrics: Metrics | null;
  trades: readonly TradeRecord[];
  startEquity: number;
  /** the price chart's candles; equity.perBar lines up with them */
  candles: CandleSeries | null;
  equity: EquityInput | null;
  /** what could not be shown, and why: printed at the top of the page */
  notes: string[];
  optimize?: OptimizeReport;
  walkForward?: WalkForwardReport;
}

export interface EquityInput {
  time: ArrayLike<number>;
  value: ArrayLike<number>;
  /** one value per candle of `candles` (zoomable detail); false for a sparse curve */
  perBar: boolean;
}

export interface Provenance {
  source: string;
  symbol: string;
  timeframe: string;
  from: number;
  to: number;
  candles: number;
  gaps: readonly Gap[];
  /** sha256 of the data file's bytes, when the file was read for the report */
  fileSha256?: string;
  /** sha256 of the candles used (time, open, high, low, close, volume as float64), in range */
  candlesSha256?: string;
}
