import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sliceSeries, type CandleSeries } from '../core/candles.js';
import type { MarketInfo } from '../core/market.js';
import { loadCandleCache, mergeCandles, symbolFileName, writeCandleCache } from '../data/candle-cache.js';
import { storeMarketInfo, type StoredMarketInfo } from '../exchange/ccxt-market.js';
import { ensureDir } from '../store/ensure-dir.js';
import { writeFileDurable } from '../store/durable-write.js';
import type { Store } from '../engine/ports.js';

/**
 * The closed candles a paper or live bot acted on, warm-up history included, kept in its directory
 * for `tradebot parity`: `<bot>/candles/<BASE>_<QUOTE>-<tf>.tbc` in the candle cache's binary format
 * (src/data/candle-cache.ts, 48 bytes a candle), rewritten atomically after each batch the engine
 * handles, and the market rules the bot traded with beside it (`<BASE>_<QUOTE>.market.json`).
 *
 * Growth is bounded: a file keeps the newest RECORD_LIMIT candles (~4.8 MB; 69 days of 1m candles),
 * older ones are dropped; parity then compares the trades of the span still recorded.
 */
export const RECORD_LIMIT = 100_000;

export function recordDir(botDir: string): string {
  return join(botDir, 'candles');
}

export function recordPath(botDir: string, symbol: string, timeframe: string): string {
  return join(recordDir(botDir), `${symbolFileName(symbol)}-${timeframe}.tbc`);
}

export function recordMarketPath(botDir: string, symbol: string): string {
  return join(recordDir(botDir), `${symbolFileName(symbol)}.market.json`);
}

export class CandleRecorder {
  private readonly earlier: (CandleSeries | null)[];
  private readonly written: number[];

  private constructor(
    private readonly botDir: string,
    private readonly exchange: string,
    private readonly symbols: readonly string[],
    private readonly timeframe: string,
    earlier: (CandleSeries | null)[],
  ) {
    this.earlier = earlier;
    this.written = symbols.map(() => 0);
  }

  /** Opens the record, keeping what earlier runs recorded (a damaged file is started afresh). */
  static async open(o: { botDir: string; exchange: string; symbols: readonly string[]; timeframe: string; markets: readonly MarketInfo[] }): Promise<CandleRecorder> {
    await ensureDir(recordDir(o.botDir), 0o700);
    const earlier: (CandleSeries | null)[] = [];
    for (const symbol of o.symbols) {
      const loaded = await loadCandleCache(recordPath(o.botDir, symbol, o.timeframe), { exchange: o.exchange, symbol, timeframe: o.timeframe }).catch(() => null);
      // a copy: the loaded columns are views on bytes that the next write replaces
      earlier.push(loaded ? copySeries(loaded.series) : null);
    }
    for (const m of o.markets) await writeFileDurable(recordMarketPath(o.botDir, m.symbol), `${JSON.stringify(storeMarketInfo(m), null, 2)}\n`);
    return new CandleRecorder(o.botDir, o.exchange, o.symbols, o.timeframe, earlier);
  }

  /** Writes the candles of `series` (the feed's, all since this start) merged with earlier runs', when there are new ones. */
  async record(series: readonly CandleSeries[]): Promise<void> {
    for (let k = 0; k < this.symbols.length; k++) {
      const s = series[k]!;
      if (s.length === this.written[k]) continue;
      let merged = mergeCandles(this.earlier[k] ?? null, s).series;
      if (merged.length > RECORD_LIMIT) merged = sliceSeries(merged, merged.length - RECORD_LIMIT, merged.length);
      const symbol = this.symbols[k]!;
      await writeCandleCache(recordPath(this.botDir, symbol, this.timeframe), { exchange: this.exchange, symbol, timeframe: this.timeframe }, merged);
      this.written[k] = s.length;
    }
  }
}

export async function readRecordedMarket(botDir: string, symbol: string): Promise<StoredMarketInfo | null> {
  try {
    return JSON.parse(await readFile(recordMarketPath(botDir, symbol), 'utf8')) as StoredMarketInfo;
  } catch {
    return null;
  }
}

function copySeries(s: CandleSeries): CandleSeries {
  const c = (a: Float64Array) => Float64Array.from(a.subarray(0, s.length));
  return { time: c(s.time), open: c(s.open), high: c(s.high), low: c(s.low), close: c(s.close), volume: c(s.volume), length: s.length, timeframeMs: s.timeframeMs };
}


/**
 * The record is written before each state checkpoint, so a state never counts a candle the record
 * lacks. A record that cannot be written (a full disk) does not stop the trading: `onError` is told
 * once, and parity later reports the candles that are missing.
 */
export function recordBeforeCheckpoint<S extends Store>(store: S, recorder: CandleRecorder, series: readonly CandleSeries[], onError: (err: unknown) => void): S {
  const checkpoint = store.checkpoint.bind(store);
  let failed = false;
  store.checkpoint = async (snapshot) => {
    try {
      await recorder.record(series);
      failed = false;
    } catch (err) {
      if (!failed) onError(err);
      failed = true;
    }
    return checkpoint(snapshot);
  };
  return store;
}
