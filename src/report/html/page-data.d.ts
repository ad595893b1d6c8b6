/**
 * The data the report page embeds (report-data.ts builds it, client/decode.ts reads it): one
 * contract for both sides. Packed columns are zig-zag varints in base64 (pack-ints.ts).
 */
/** One candle level as the page embeds it (decoded by client/decode.ts). */
export interface PackedLevel {
  timeframe: string;
  tfMs: number;
  bars: number;
  /** open time of the first bar */
  t0: number;
  /**
   * Per bar, five integers in price units (1/priceScale): bars since the previous bar, open minus
   * the previous close, close minus open, high above the body, low below the body.
   */
  candles: string;
  /** equity at each bar's close in 1/equityScale units, delta-coded; null when not known per bar */
  equity: string | null;
}

/** A line (times and one or more value columns) as the page embeds it (client/decode.ts). */
export interface PackedLine {
  t0: number;
  /** times are delta-coded in units of this many ms */
  tUnit: number;
  t: string;
  /** each column delta-coded in 1/scale units; NaN is not allowed */
  scale: number;
  values: string[];
}

/** The objective over two parameters: the best trial of each (x, y) cell, other parameters free. */
export interface ObjectiveGrid {
  objective: string;
  x: string;
  y: string;
  xs: string[];
  ys: string[];
  /** cells[yi][xi]; null where no trial ran (or a skipped combination) */
  cells: (number | null)[][];
  trials: number;
}

/** Calendar months (UTC) of an equity curve: the return of each month, and of each year. */
export interface MonthlyReturns {
  years: { year: number; months: (number | null)[]; total: number }[];
}

/** The JSON the page's script draws from: compact columns, decoded by client/decode.ts. */
export interface ReportData {
  startEquity: number;
  priceScale: number;
  equityScale: number;
  /** candle levels, finest first, the overview last; empty without candles */
  levels: PackedLevel[];
  /** timeframes left out to stay within the size budget, finest first */
  omittedLevels: string[];
  /** strategy equity and buy-and-hold (when candles are known), downsampled with LTTB */
  equity: PackedLine | null;
  hasBuyAndHold: boolean;
  /** drawdown from the running peak (fraction, <= 0), downsampled with LTTB */
  underwater: PackedLine | null;
  trades: PackedTrades;
  monthly: MonthlyReturns | null;
  heatmap: ObjectiveGrid | null;
  walkForwardEquity: PackedLine | null;
}

export interface PackedTrades {
  count: number;
  symbols: string[];
  /** per trade: index into symbols */
  symbol: string;
  /** entry times, ms, delta-coded */
  entry: string;
  /** exit time minus entry time, ms; -1 while open */
  held: string;
  entryPrice: string[];
  exitPrice: (string | null)[];
  qty: string[];
  fees: string[];
  pnl: string[];
  /** return in millionths */
  ret: string;
  reasons: string[];
  /** per trade: index into reasons (-1: none, still open) */
  reason: string;
}
