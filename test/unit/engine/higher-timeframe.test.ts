/**
 * ctx.timeframe: higher-timeframe candles built while the base series is read, against the
 * independent resampler of `tradebot data resample` (src/data/resample.ts) run on the candles
 * closed so far. At every base candle the strategy sees exactly the higher-timeframe candles of
 * that prefix: none that has not closed (no lookahead), none missing; gaps in the data included.
 */
import { describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { UsageError } from '../../../src/core/errors.js';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { resampleCandles } from '../../../src/data/resample.js';
import { findGaps, seriesFromArrays, type CandleSeries } from '../../../src/core/candles.js';
import type { StrategyInstance } from '../../../src/strategies/types.js';
import { describeSharedData, sharedFile } from '../../support/shared-data.js';
import { bars } from '../../support/candles.js';

function prefix(s: CandleSeries, n: number): CandleSeries {
  const sub = (a: Float64Array) => a.subarray(0, n);
  return seriesFromArrays({ time: sub(s.time), open: sub(s.open), high: sub(s.high), low: sub(s.low), close: sub(s.close), volume: sub(s.volume) }, s.timeframeMs, n);
}

function run(series: CandleSeries, strategy: StrategyInstance) {
  const cash = new Dec(10_000);
  const { engine } = composeBacktest({
    series,
    market: marketFor('BTC/USDT'),
    strategy,
    slippageBps: 0,
    balances: { USDT: cash },
    settings: { quote: 'USDT', initialBalances: { USDT: cash }, stake: { kind: 'fraction', value: new Dec('0.5') }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
  });
  return engine.run();
}

/** At sampled base candles, the whole visible history of `tf` against resampleCandles(prefix). */
async function checkAgainstResample(series: CandleSeries, tf: string, tfMs: number, every: number): Promise<{ checked: number; closedSum: number; multi: number }> {
  let i = -1;
  let checked = 0;
  let closedSum = 0;
  let multi = 0;
  let prevLen = 0;
  const problems: string[] = [];
  await run(series, {
    onCandle(ctx) {
      i++;
      const h = ctx.timeframe(tf);
      closedSum += h.closed;
      if (h.closed > 1) multi++;
      if (h.history.length - prevLen !== h.closed) problems.push(`${i}: closed ${h.closed} but ${h.history.length - prevLen} new candles`);
      prevLen = h.history.length;
      if (i % every !== 0 && i !== series.length - 1) return;
      checked++;
      const want = resampleCandles(prefix(series, i + 1), tfMs);
      if (want.length !== h.history.length) {
        problems.push(`${i}: ${h.history.length} candles visible, the resample of the prefix has ${want.length}`);
        return;
      }
      for (let ago = 0; ago < Math.min(want.length, 50); ago++) {
        const j = want.length - 1 - ago;
        const got = [h.history.time(ago), h.history.open(ago), h.history.high(ago), h.history.low(ago), h.history.close(ago), h.history.volume(ago)];
        const exp = [want.time[j], want.open[j], want.high[j], want.low[j], want.close[j], want.volume[j]];
        if (got.some((x, k) => x !== exp[k])) problems.push(`${i} ago ${ago}: ${got.join(',')} vs ${exp.join(',')}`);
      }
      // the latest closed candle closed no later than the base candle that just closed
      if (want.length > 0) expect(h.time + tfMs).toBeLessThanOrEqual(ctx.time + series.timeframeMs);
    },
  });
  expect(problems.slice(0, 5)).toEqual([]);
  return { checked, closedSum, multi };
}

describe('higher timeframes built from the base candles (ctx.timeframe)', () => {
  it('shows a 1h candle only once its last 5m candle has closed', async () => {
    const t0 = Date.UTC(2024, 0, 1, 0, 30);
    const rows = Array.from({ length: 30 }, (_, k) => [100 + k, 101 + k, 99 + k, 100.5 + k] as [number, number, number, number]);
    const s = bars(rows, t0);
    (s as { timeframeMs: number }).timeframeMs = 300_000;
    for (let k = 0; k < 30; k++) s.time[k] = t0 + k * 300_000;
    const seen: [number, number, number][] = [];
    await run(s, { onCandle: (ctx) => void seen.push([ctx.time, ctx.timeframe('1h').history.length, ctx.timeframe('1h').closed]) });
    // 00:30..00:55 belong to a 1h bucket cut by the start: left out; 01:00..01:55 closes with the 01:55 candle
    const at = (h: number, m: number) => seen.find(([t]) => t === Date.UTC(2024, 0, 1, h, m))!;
    expect(at(1, 50)).toEqual([Date.UTC(2024, 0, 1, 1, 50), 0, 0]);
    expect(at(1, 55)).toEqual([Date.UTC(2024, 0, 1, 1, 55), 1, 1]);
    expect(at(2, 0)).toEqual([Date.UTC(2024, 0, 1, 2, 0), 1, 0]);
  });

  it('refuses a timeframe below the base one or not a multiple of it, in one line (exit 2)', async () => {
    const s = bars([[1, 1, 1, 1]]);
    for (const tf of ['30s', '1m', '90s']) {
      await expect(run(s, { onCandle: (ctx) => void ctx.timeframe(tf) })).rejects.toSatisfy((e: unknown) => e instanceof UsageError && e.exitCode === 2 && !e.message.includes('\n'));
    }
  });
});

describeSharedData('higher timeframes against the independent resampler', () => {
  it('1m candles with 538 gaps -> 15m and 1h: the visible candles equal the resample of the candles closed so far', async () => {
    const { series } = await readCandleFile(sharedFile('freqtrade_UNITTEST_BTC-1m_2017-11.csv'));
    const a = await checkAgainstResample(series, '15m', 900_000, 41);
    const b = await checkAgainstResample(series, '1h', 3_600_000, 97);
    expect(a.checked).toBeGreaterThan(300);
    expect(b.checked).toBeGreaterThan(100);
    // every candle of the full resample became visible once
    expect(b.closedSum).toBe(resampleCandles(series, 3_600_000).length);
    expect(findGaps(series).length).toBeGreaterThan(500); // the gaps the rule about missing last candles is about
  }, 120_000);

  it('5m candles with gaps -> 4h', async () => {
    const { series } = await readCandleFile(sharedFile('binance_BTC_USDT-5m_2020-12-01_2021-07-17.csv'));
    const r = await checkAgainstResample(prefix(series, 30_000), '4h', 14_400_000, 499);
    expect(r.checked).toBeGreaterThan(50);
  }, 120_000);
});
