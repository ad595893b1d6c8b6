import { UsageError } from '../core/errors.js';

/**
 * Which of the bot's pairs an alert means. `pair` must be one of them (BTC/USDT, any case).
 * `ticker` is what TradingView's {{ticker}} gives for the chart: BTCUSDT, possibly with the
 * exchange in front (BINANCE:BTCUSDT, {{exchange}}:{{ticker}}) or a perpetual's .P after it; it
 * matches a pair whose base and quote it spells. `signals.tickers` maps the rest by hand
 * ("XBTUSDT=BTC/USDT"). Anything else is not the bot's pair: refused, never guessed.
 */
export class TickerMap {
  private readonly byTicker = new Map<string, string>();
  private readonly byPair = new Map<string, string>();

  constructor(
    readonly pairs: readonly string[],
    overrides: string | null = null,
  ) {
    for (const p of pairs) {
      this.byPair.set(p.toUpperCase(), p);
      this.byTicker.set(compact(p), p);
    }
    for (const [ticker, pair] of Object.entries(parseTickerOverrides(overrides))) {
      const ours = this.byPair.get(pair.toUpperCase());
      if (ours === undefined) throw new UsageError(`signals.tickers maps ${ticker} to ${pair}, which is not one of the bot's pairs (${pairs.join(', ')})`);
      this.byTicker.set(ticker.toUpperCase(), ours);
    }
  }

  /** The bot's pair the alert names, or null. */
  resolve(a: { pair: string | null; ticker: string | null }): string | null {
    if (a.pair !== null) return this.byPair.get(a.pair.toUpperCase()) ?? null;
    if (a.ticker === null) return null;
    const t = a.ticker.toUpperCase();
    const exact = this.byTicker.get(t);
    if (exact !== undefined) return exact;
    const bare = t.slice(t.lastIndexOf(':') + 1).replace(/\.P$/, '');
    return this.byTicker.get(bare) ?? this.byTicker.get(compact(bare)) ?? null;
  }
}

/** `BTC/USDT` -> `BTCUSDT`; a settle currency (`BTC/USDT:USDT`) is not part of a chart's ticker. */
function compact(pair: string): string {
  return pair.split(':')[0]!.replace(/[/_-]/g, '').toUpperCase();
}

/** "XBTUSDT=BTC/USDT,ETHUSD=ETH/USDT" -> { XBTUSDT: 'BTC/USDT', ... } */
export function parseTickerOverrides(spec: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec === null || spec.trim() === '') return out;
  for (const part of spec.split(',')) {
    const m = /^\s*([A-Za-z0-9._:!-]+)\s*=\s*([A-Za-z0-9._-]+\/[A-Za-z0-9._:-]+)\s*$/.exec(part);
    if (!m) throw new UsageError(`signals.tickers ${JSON.stringify(part.trim())} must look like XBTUSDT=BTC/USDT`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
