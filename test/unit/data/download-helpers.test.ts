import { describe, expect, it } from 'vitest';
import { candleClose, closestSymbols } from '../../../src/data/download.js';
import { DownloadProgress } from '../../../src/report/data-report.js';

const T0 = Date.UTC(2024, 0, 1);

describe('closestSymbols', () => {
  it('lists the three nearest symbols, case-insensitively', () => {
    const symbols = ['ETH/BTC', 'BTC/USDT', 'BTC/USDC', 'ETH/USDT', 'BTC/TUSD', 'DOGE/USDT'];
    expect(closestSymbols('btc/usdx', symbols)).toEqual(['BTC/USDT', 'BTC/USDC', 'BTC/TUSD']);
  });
});

describe('candleClose', () => {
  it('adds the timeframe, and calendar months for 1M', () => {
    expect(candleClose('5m', 300_000)(T0)).toBe(T0 + 300_000);
    expect(candleClose('1M', 30 * 86_400_000)(Date.UTC(2024, 0, 1))).toBe(Date.UTC(2024, 1, 1)); // 31 days
    expect(candleClose('1M', 30 * 86_400_000)(Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1)); // 29 days
  });
});

describe('DownloadProgress', () => {
  it('shows candles, percent and an ETA, redrawing one line', () => {
    let now = 0;
    let written = '';
    const stream = { write: (s: string) => ((written += s), true), columns: 120 } as unknown as NodeJS.WritableStream;
    const p = new DownloadProgress(stream, () => now);
    p.onEvent({ type: 'start', symbol: 'BTC/USDT', timeframe: '1m', expected: 4000, cached: 0 });
    now = 2000;
    p.onEvent({ type: 'page', symbol: 'BTC/USDT', timeframe: '1m', fetched: 1000, expected: 4000, cursor: 0 });
    expect(p.line()).toMatch(/BTC\/USDT 1m .*25% 1,000\/4,000 candles ETA 0:06/);
    expect(written).toContain('\r');
    expect(written).not.toContain('\n');
  });
});
