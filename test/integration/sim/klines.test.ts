/**
 * /api/v3/klines through the real ccxt binance class: paging over a replayed file (the bundled 5m
 * sample), the forming candle, aggregation, 1s klines of the random walk, and unsupported intervals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Exchange, OHLCV } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TradebotError } from '../../../src/core/errors.js';
import type { CandleSeries } from '../../../src/core/candles.js';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { classifyCcxtError } from '../../../src/exchange/ccxt-errors.js';
import { startSim, type SimServer } from '../../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA } from '../../support/cli.js';
import { caught, ccxtFor, flatSim } from './helpers.js';

const S = 'BTC/USDT';
const M5 = 300_000;
const T0 = 1_704_067_200_000; // the sample's first candle, 2024-01-01
const START_INDEX = 2500; // the sim starts when this candle opens: 2500 closed candles of history

/** Every check a pager needs: ascending, no duplicates, no gaps, nothing after `now`, only the last one may be forming. */
function expectContiguous(rows: OHLCV[], stepMs: number, now: number): void {
  for (let i = 1; i < rows.length; i++) expect(rows[i]![0]! - rows[i - 1]![0]!, `gap or duplicate after ${rows[i - 1]![0]}`).toBe(stepMs);
  for (const [i, r] of rows.entries()) {
    expect(r[0]!).toBeLessThanOrEqual(now);
    if (i < rows.length - 1) expect(r[0]! + stepMs, `candle ${r[0]} is not closed at ${now}`).toBeLessThanOrEqual(now);
  }
}

async function rawKlines(url: string, q: Record<string, string | number>): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/api/v3/klines?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`);
  return { status: r.status, body: await r.json() };
}

describe('klines of a replayed file through ccxt', () => {
  let sim: SimServer;
  let ex: Exchange;
  let file: CandleSeries;
  const now = T0 + START_INDEX * M5;

  beforeAll(async () => {
    file = (await readCandleFile(SAMPLE_DATA)).series;
    sim = await startSim({ data: SAMPLE_DATA, start: now, speed: 0 });
    ex = await ccxtFor(sim.url);
  }, 30_000);
  afterAll(() => sim.close());

  it('pages from `since` over more than 1000 candles, 1000 at a time: every closed candle once, in order, then the forming one', async () => {
    const all: OHLCV[] = [];
    let since = T0;
    let calls = 0;
    for (;;) {
      const page = await ex.fetchOHLCV(S, '5m', since, 1000);
      calls++;
      expect(page.length).toBeLessThanOrEqual(1000);
      if (page.length === 0) break;
      all.push(...page);
      since = page[page.length - 1]![0]! + 1;
      if (page.length < 1000) break;
    }
    expect(calls).toBe(3);
    expect(all).toHaveLength(START_INDEX + 1);
    expect(all[0]![0]).toBe(T0);
    expectContiguous(all, M5, now);
    // the closed candles are the file's
    for (const i of [0, 1, 999, 1000, 1001, 2000, START_INDEX - 1]) {
      expect(all[i], `candle ${i}`).toEqual([file.time[i], file.open[i], file.high[i], file.low[i], file.close[i], file.volume[i]]);
    }
    // the forming one shows only what is known now: its open
    const o = file.open[START_INDEX]!;
    expect(all[START_INDEX]).toEqual([now, o, o, o, o, 0]);
  });

  it("ccxt's own pagination (paginate with since and until) gets the same candles", async () => {
    const rows = await ex.fetchOHLCV(S, '5m', T0, undefined, { paginate: true, until: now });
    expect(rows).toHaveLength(START_INDEX + 1);
    expect(rows[0]![0]).toBe(T0);
    expectContiguous(rows, M5, now);
  });

  it('a raw client paging with startTime = the last open time + 1 gets no duplicate; limit is capped at 1000', async () => {
    const a = await rawKlines(sim.url, { symbol: 'BTCUSDT', interval: '5m', startTime: T0, limit: 5000 });
    expect(a.status).toBe(200);
    expect(a.body).toHaveLength(1000);
    const last = a.body[999][0] as number;
    const b = await rawKlines(sim.url, { symbol: 'BTCUSDT', interval: '5m', startTime: last + 1, limit: 3 });
    expect(b.body.map((k: unknown[]) => k[0])).toEqual([last + M5, last + 2 * M5, last + 3 * M5]);
    // Binance's row: open time, OHLCV as strings, close time = open + interval - 1
    expect(b.body[0][6]).toBe(last + 2 * M5 - 1);
    expect(typeof b.body[0][1]).toBe('string');
    // a startTime on a boundary includes that candle
    const c = await rawKlines(sim.url, { symbol: 'BTCUSDT', interval: '5m', startTime: last, limit: 1 });
    expect(c.body[0][0]).toBe(last);
  });

  it('without since: the most recent candles, the forming one last; with only an end time: the ones up to it', async () => {
    const recent = await ex.fetchOHLCV(S, '5m', undefined, 1000);
    expect(recent).toHaveLength(1000);
    expect(recent[999]![0]).toBe(now);
    expectContiguous(recent, M5, now);
    const dflt = await ex.fetchOHLCV(S, '5m');
    expect(dflt).toHaveLength(500);
    expect(dflt[499]![0]).toBe(now);

    const until = T0 + 1000 * M5;
    const upTo = await ex.fetchOHLCV(S, '5m', undefined, 10, { until });
    expect(upTo.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => until - (9 - i) * M5));
  });

  it('aggregates to larger intervals: 1h candles from twelve 5m ones, paged the same way', async () => {
    const H = 3_600_000;
    const rows = await ex.fetchOHLCV(S, '1h', T0, 1000);
    // 2500 candles of 5m = 208 full hours and 4 candles of the 209th, plus the forming one in it
    expect(rows).toHaveLength(209);
    expectContiguous(rows, H, now);
    const first = rows[0]!;
    const r = (a: Float64Array) => Array.from(a.subarray(0, 12));
    expect(first).toEqual([T0, file.open[0], Math.max(...r(file.high)), Math.min(...r(file.low)), file.close[11], expect.closeTo(r(file.volume).reduce((x, y) => x + y, 0), 6)]);
    // the last hour holds the four closed candles of it and the forming one's open
    const lastHour = rows[208]!;
    expect(lastHour[0]).toBe(T0 + 208 * H);
    expect(lastHour[4]).toBe(file.open[START_INDEX]);
    expect(lastHour[1]).toBe(file.open[START_INDEX - 4]);
  });

  it('weekly klines open on Mondays, as Binance\'s do, and daily ones at midnight UTC', async () => {
    const W = 7 * 86_400_000;
    // 2024-01-01 was a Monday; the sim is in the second week
    const weeks = await ex.fetchOHLCV(S, '1w', T0 - W, 10);
    expect(weeks.map((r) => r[0])).toEqual([T0, T0 + W]);
    expect(new Date(weeks[1]![0]!).getUTCDay()).toBe(1);
    const n = 7 * 288;
    const r = (a: Float64Array) => Array.from(a.subarray(0, n));
    expect(weeks[0]!.slice(0, 5)).toEqual([T0, file.open[0], Math.max(...r(file.high)), Math.min(...r(file.low)), file.close[n - 1]]);
    expect(weeks[1]![1]).toBe(file.open[n]);
    expect(weeks[1]![4]).toBe(file.open[START_INDEX]);
    // without a start: the same two
    expect((await ex.fetchOHLCV(S, '1w')).map((k) => k[0])).toEqual([T0, T0 + W]);
    // a start inside the first week begins with the second
    expect((await ex.fetchOHLCV(S, '1w', T0 + 1, 10)).map((k) => k[0])).toEqual([T0 + W]);
    const days = await ex.fetchOHLCV(S, '1d', T0, 100);
    expect(days.map((k) => k[0])).toEqual(Array.from({ length: 9 }, (_, i) => T0 + i * 86_400_000));
  });

  it('moving the clock closes candles and shows them, and nothing after the clock', async () => {
    sim.control.advance(3 * M5 + 1000);
    const t = sim.control.now();
    const rows = await ex.fetchOHLCV(S, '5m', now - M5, 10);
    expect(rows.map((r) => r[0])).toEqual([now - M5, now, now + M5, now + 2 * M5, now + 3 * M5]);
    expectContiguous(rows, M5, t);
    expect(rows[3]).toEqual([now + 2 * M5, file.open[START_INDEX + 2], file.high[START_INDEX + 2], file.low[START_INDEX + 2], file.close[START_INDEX + 2], file.volume[START_INDEX + 2]]);
    const o = file.open[START_INDEX + 3]!;
    expect(rows[4]).toEqual([now + 3 * M5, o, o, o, o, 0]);
  });

  it('an interval the data cannot make, or Binance does not have, is a -1120 that we classify as a clear exchange error', async () => {
    for (const tf of ['1s', '1m', '1M', '7m']) {
      const e = await caught(ex.fetchOHLCV(S, tf, undefined, 10));
      expect(e.constructor.name, tf).toBe('BadRequest');
      expect(e.message).toContain('-1120');
      const ours = classifyCcxtError(e, { operation: 'read' }) as TradebotError;
      expect(ours).toBeInstanceOf(TradebotError);
      expect(ours.exitCode).toBe(4);
      expect(ours.message).toMatch(/Invalid interval/);
      expect(ours.message).toMatch(/-1120/);
    }
    const raw = await rawKlines(sim.url, { symbol: 'BTCUSDT', interval: '2m' });
    expect([raw.status, raw.body.code]).toEqual([400, -1120]);
    const missing = await rawKlines(sim.url, { symbol: 'BTCUSDT' });
    expect([raw.status, missing.body.code]).toEqual([400, -1102]);
  });
});

describe('klines of a file with a gap', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-klines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inside the gap, no candle from after the clock is served and the price is the last close', async () => {
    const rows = ['timestamp,open,high,low,close,volume'];
    // candles 0-9, then nothing until 20-29
    for (const i of [...Array(10).keys(), ...Array.from({ length: 10 }, (_, k) => 20 + k)]) rows.push(`${T0 + i * 60_000},${100 + i},${101 + i},${99 + i},${100.5 + i},5`);
    const file = path.join(dir, 'binance_BTC_USDT-1m_gap.csv');
    writeFileSync(file, rows.join('\n'));
    const sim = await startSim({ data: file, start: T0 + 14 * 60_000 + 30_000, speed: 0 });
    try {
      const ex = await ccxtFor(sim.url);
      const k = await ex.fetchOHLCV(S, '1m', T0, 100);
      expect(k.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * 60_000));
      expect((await ex.fetchTicker(S)).last).toBe(109.5);
      sim.control.advance(6 * 60_000); // candle 20 opens
      const k2 = await ex.fetchOHLCV(S, '1m', T0 + 10 * 60_000, 100);
      expect(k2).toEqual([[T0 + 20 * 60_000, 120, 120, 120, 120, 0]]);
      expect((await ex.fetchTicker(S)).last).toBe(120);
    } finally {
      await sim.close();
    }
  });
});

describe('1s klines of the random walk', () => {
  let sim: SimServer;
  let ex: Exchange;
  beforeAll(async () => {
    sim = await flatSim({ walk: { volatility: 0.001, seed: 7 } });
    ex = await ccxtFor(sim.url);
  });
  afterAll(() => sim.close());

  it('serves contiguous 1s candles up to now, the forming second last, and 1m ones made of them', async () => {
    const rows = await ex.fetchOHLCV(S, '1s', undefined, 120);
    const now = sim.control.now();
    expect(rows).toHaveLength(120);
    expectContiguous(rows, 1000, now);
    expect(rows[119]![0]).toBeGreaterThanOrEqual(Math.floor(now / 1000) * 1000 - 1000);
    // candles chain: each opens at the previous close
    for (let i = 1; i < 119; i++) expect(rows[i]![1]).toBe(rows[i - 1]![4]);
    expect(new Set(rows.map((r) => r[4])).size).toBeGreaterThan(10); // it walks

    const since = rows[10]![0]!;
    const paged = await ex.fetchOHLCV(S, '1s', since, 50);
    expect(paged).toHaveLength(50);
    expect(paged[0]![0]).toBe(since);
    expect(paged.slice(0, 50)).toEqual(rows.slice(10, 60));

    const minutes = await ex.fetchOHLCV(S, '1m', undefined, 30);
    expectContiguous(minutes, 60_000, sim.control.now());
    expect(minutes.length).toBeGreaterThanOrEqual(30);
  });
});
