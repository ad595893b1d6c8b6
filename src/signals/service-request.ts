import type { CandleSeries } from '../core/candles.js';
import { indicators } from '../indicators/index.js';

/** Indicators sent with every request, by name; null while one is still warming up. */
const SENT = {
  ema20: () => indicators.ema(20),
  ema50: () => indicators.ema(50),
  rsi14: () => indicators.rsi(14),
} as const;

/**
 * The body the signal service gets for a candle: `{symbol, timeframe, candles, indicators}` with
 * the last `candles` closed candles (oldest first, the one that just closed last) and a few
 * indicators over every candle the bot has seen (history included), as it would have had them.
 */
export class ServiceRequest {
  private readonly state: { single: Record<string, { update(x: number): number; value: number }>; atr: ReturnType<typeof indicators.atr> }[];

  constructor(
    readonly pairs: readonly string[],
    readonly timeframe: string,
    readonly candles: number,
  ) {
    this.state = pairs.map(() => ({ single: Object.fromEntries(Object.entries(SENT).map(([k, make]) => [k, make()])), atr: indicators.atr(14) }));
  }

  /** Every candle passes here once, in order, whether the service is asked about it or not. */
  observe(k: number, s: CandleSeries, i: number): void {
    const st = this.state[k]!;
    for (const ind of Object.values(st.single)) ind.update(s.close[i]!);
    st.atr.update(s.high[i]!, s.low[i]!, s.close[i]!);
  }

  body(k: number, s: CandleSeries, i: number): string {
    const from = Math.max(0, i + 1 - this.candles);
    const rows = [];
    for (let j = from; j <= i; j++) rows.push({ time: s.time[j]!, open: s.open[j]!, high: s.high[j]!, low: s.low[j]!, close: s.close[j]!, volume: s.volume[j]! });
    const st = this.state[k]!;
    const ind: Record<string, number | null> = {};
    for (const [name, x] of Object.entries(st.single)) ind[name] = Number.isFinite(x.value) ? x.value : null;
    ind.atr14 = Number.isFinite(st.atr.value) ? st.atr.value : null;
    return JSON.stringify({ symbol: this.pairs[k], timeframe: this.timeframe, candles: rows, indicators: ind });
  }
}
