import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { describeSharedData, sharedFile } from '../../support/shared-data.js';

const SAMPLE = fileURLToPath(new URL('../../../data/binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz', import.meta.url));

describe('the shipped sample data/binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz', () => {
  it('loads: 71,769 5m candles from 2024-01-01, no gaps', async () => {
    const r = await readCandleFile(SAMPLE);
    expect(r.series.length).toBe(71_769);
    expect(r.series.time[0]).toBe(1_704_067_200_000);
    expect(r.series.time[r.series.length - 1]).toBe(Date.UTC(2024, 8, 6, 4, 40));
    expect(r.timeframe).toBe('5m');
    expect(r.gaps).toEqual([]);
    expect(r.series.close[0]).toBe(42397.23);
  });
});

describeSharedData('reference data in ../shared/data', () => {
  const file = sharedFile;
  const missingBars = (gaps: { missing: number }[]) => gaps.reduce((a, g) => a + g.missing, 0);

  it('binance 5m 2020-12-01..2021-07-17: 65,741 rows, 6 gaps totalling 177 missing bars', async () => {
    const r = await readCandleFile(file('binance_BTC_USDT-5m_2020-12-01_2021-07-17.csv'));
    expect(r.series.length).toBe(65_741);
    expect(r.timeframe).toBe('5m');
    expect(r.gaps.length).toBe(6);
    expect(missingBars(r.gaps)).toBe(177);
  });

  it('freqtrade UNITTEST 1m 2017-11: 13,681 rows, 538 gaps totalling 717 missing bars', async () => {
    const r = await readCandleFile(file('freqtrade_UNITTEST_BTC-1m_2017-11.csv'));
    expect(r.series.length).toBe(13_681);
    expect(r.timeframe).toBe('1m');
    expect(r.gaps.length).toBe(538);
    expect(missingBars(r.gaps)).toBe(717);
  });

  it('binance 5m 2024-12-31..2026-02-19: 119,784 rows, no gaps', async () => {
    const r = await readCandleFile(file('binance_BTC_USDT-5m_2024-12-31_2026-02-19.csv'));
    expect(r.series.length).toBe(119_784);
    expect(r.timeframe).toBe('5m');
    expect(r.gaps).toEqual([]);
  });

  it('binance 1m 2025-05-20..2025-08-18: 130,708 rows, no gaps', async () => {
    const r = await readCandleFile(file('binance_BTC_USDT-1m_2025-05-20_2025-08-18.csv'));
    expect(r.series.length).toBe(130_708);
    expect(r.timeframe).toBe('1m');
    expect(r.gaps).toEqual([]);
    expect(r.series.time[0]).toBe(1_747_699_200_000);
  });
});
