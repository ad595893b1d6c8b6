import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MutableCandleSeries, type CandleSeries } from '../../../src/core/candles.js';
import { StateError, UsageError } from '../../../src/core/errors.js';
import { CACHE_MAGIC, decodeCache, loadCandleCache, mergeCandles, writeCandleCache } from '../../../src/data/candle-cache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const T0 = Date.UTC(2024, 0, 1);
const M1 = 60_000;

/** n 1m candles from minute `start`, prices derived from the index (plus `bump`, to tell versions apart). */
function series(start: number, n: number, bump = 0): MutableCandleSeries {
  const s = new MutableCandleSeries(M1, n);
  for (let k = start; k < start + n; k++) {
    const o = 100 + k * 0.25 + bump;
    s.push(T0 + k * M1, o, o + 1.5, o - 1.25, o + 0.5, 10 + (k % 7) + bump);
  }
  return s;
}

function arrays(s: CandleSeries) {
  const n = s.length;
  return ['time', 'open', 'high', 'low', 'close', 'volume'].map((c) => Array.from((s as unknown as Record<string, Float64Array>)[c]!.subarray(0, n)));
}

let seq = 0;
const fileName = () => path.join(dir, `case-${++seq}`, 'BTC_USDT-1m.tbc');

describe('candle cache file', () => {
  it('round-trips: what is written loads back identical, with its exchange, symbol and timeframe', async () => {
    const file = fileName();
    const s = series(0, 1234);
    await writeCandleCache(file, META, s);
    const c = (await loadCandleCache(file, META))!;
    expect(c.meta).toEqual({ ...META, timeframeMs: M1 });
    expect(c.series.length).toBe(1234);
    expect(c.series.timeframeMs).toBe(M1);
    expect(arrays(c.series)).toEqual(arrays(s));
  });

  it('has the magic, a header padded to 8 bytes, and six float64 columns', async () => {
    const file = fileName();
    await writeCandleCache(file, META, series(0, 10));
    const bytes = readFileSync(file);
    expect(bytes.toString('latin1', 0, 8)).toBe(CACHE_MAGIC);
    const header = bytes.readUInt32LE(12);
    expect(header % 8).toBe(0);
    expect(bytes.length).toBe(header + 6 * 8 * 10);
    expect(bytes.readDoubleLE(header)).toBe(T0); // the time column comes first
  });

  it('round-trips an empty series', async () => {
    const file = fileName();
    await writeCandleCache(file, META, series(0, 0));
    expect((await loadCandleCache(file))!.series.length).toBe(0);
  });

  it('loads from a buffer at an odd offset (copied to an aligned one)', async () => {
    const file = fileName();
    await writeCandleCache(file, META, series(0, 50));
    const bytes = readFileSync(file);
    const shifted = Buffer.alloc(bytes.length + 3);
    bytes.copy(shifted, 3);
    const c = decodeCache(shifted.subarray(3), file);
    expect(arrays(c.series)).toEqual(arrays(series(0, 50)));
  });

  it('a missing file loads as null', async () => {
    expect(await loadCandleCache(path.join(dir, 'nope.tbc'))).toBeNull();
  });

  it('refuses a truncated file, naming it and saying how to rebuild it', async () => {
    const file = fileName();
    await writeCandleCache(file, META, series(0, 100));
    truncateSync(file, readFileSync(file).length - 8);
    const err = await loadCandleCache(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/truncated/);
    expect((err as Error).message).toMatch(/delete|download/);
  });

  it('refuses wrong magic, a newer format version, a bad header size and a file of another market', async () => {
    const file = fileName();
    await writeCandleCache(file, META, series(0, 20));
    const good = readFileSync(file);
    const cases: [string, (b: Buffer) => void][] = [
      ['magic', (b) => b.write('NOTCANDL', 0, 'latin1')],
      ['newer', (b) => b.writeUInt32LE(99, 8)],
      ['header', (b) => b.writeUInt32LE(13, 12)],
      ['count', (b) => b.writeDoubleLE(21, 16)],
    ];
    for (const [name, damage] of cases) {
      const b = Buffer.from(good);
      damage(b);
      expect(() => decodeCache(b, file), name).toThrow(UsageError);
    }
    // unsorted times inside an otherwise valid file
    const b = Buffer.from(good);
    const h = b.readUInt32LE(12);
    b.writeDoubleLE(T0 + 100 * M1, h + 8 * 5);
    expect(() => decodeCache(b, file)).toThrow(/not after the previous/);
    await expect(loadCandleCache(file, { ...META, symbol: 'ETH/USDT' })).rejects.toThrow(/holds binance BTC\/USDT 1m/);
    // a file that is not a cache at all
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n');
    await expect(loadCandleCache(file)).rejects.toThrow(UsageError);
  });

  it('a failed write leaves the previous file intact and no temp file behind', async () => {
    const file = fileName();
    const before = series(0, 100);
    await writeCandleCache(file, META, before);
    const bytes = readFileSync(file);
    const err = await writeCandleCache(file, META, series(0, 500, 7), {
      beforeRename: () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('ENOSPC');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    expect(arrays((await loadCandleCache(file))!.series)).toEqual(arrays(before));
  });

  it('a write into a place that cannot hold a directory fails with a StateError and creates nothing', async () => {
    const blocker = path.join(dir, `blocker-${++seq}`);
    writeFileSync(blocker, 'a file, not a directory');
    const file = path.join(blocker, 'binance', 'BTC_USDT-1m.tbc');
    await expect(writeCandleCache(file, META, series(0, 5))).rejects.toBeInstanceOf(StateError);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to write candles of another timeframe than the meta says', async () => {
    await expect(writeCandleCache(fileName(), { ...META, timeframe: '5m' }, series(0, 5))).rejects.toThrow(UsageError);
  });

  it('keeps the fetched spans in the header (version 2), normalized', async () => {
    const file = fileName();
    const spans: [number, number][] = [
      [T0 + 50 * M1, T0 + 80 * M1],
      [T0, T0 + 10 * M1],
      [T0 + 10 * M1, T0 + 20 * M1], // touches the one before: merged
    ];
    await writeCandleCache(file, META, series(0, 20), { fetched: spans });
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(8)).toBe(2);
    const c = (await loadCandleCache(file, META))!;
    expect(c.fetched).toEqual([
      [T0, T0 + 20 * M1],
      [T0 + 50 * M1, T0 + 80 * M1],
    ]);
    expect(arrays(c.series)).toEqual(arrays(series(0, 20)));
    // a damaged span is refused like any other damage
    const b = Buffer.from(bytes);
    const at = b.indexOf(Buffer.from(new Float64Array([T0 + 50 * M1]).buffer));
    expect(at).toBeLessThan(b.readUInt32LE(12)); // in the header, not a time in the columns
    b.writeDoubleLE(T0 + 90 * M1, at); // start after end
    expect(() => decodeCache(b, file)).toThrow(/fetched span/);
  });

  it('still loads a version 1 file (no fetched spans), and a newer tradebot rewrites it as version 2', async () => {
    const file = fileName();
    const s = series(0, 30);
    // version 1: the same layout without the span count
    const strings = [META.exchange, META.symbol, META.timeframe].map((x) => Buffer.from(x, 'utf8'));
    const raw = 32 + strings.reduce((a, x) => a + 2 + x.length, 0);
    const hsize = Math.ceil(raw / 8) * 8;
    const head = Buffer.alloc(hsize);
    head.write(CACHE_MAGIC, 0, 'latin1');
    head.writeUInt32LE(1, 8);
    head.writeUInt32LE(hsize, 12);
    head.writeDoubleLE(30, 16);
    head.writeDoubleLE(M1, 24);
    let p = 32;
    for (const x of strings) {
      head.writeUInt16LE(x.length, p);
      x.copy(head, p + 2);
      p += 2 + x.length;
    }
    const cols = (['time', 'open', 'high', 'low', 'close', 'volume'] as const).map((c) => Buffer.from(Float64Array.from(s[c].subarray(0, 30)).buffer));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.concat([head, ...cols]));
    const v1 = (await loadCandleCache(file, META))!;
    expect(v1.fetched).toEqual([]);
    expect(arrays(v1.series)).toEqual(arrays(s));
    await writeCandleCache(file, META, v1.series, { fetched: [[T0, T0 + 30 * M1]] });
    expect(readFileSync(file).readUInt32LE(8)).toBe(2);
    expect((await loadCandleCache(file, META))!.fetched).toEqual([[T0, T0 + 30 * M1]]);
  });
});

describe('mergeCandles', () => {
  it('is the sorted union by time, without duplicates', () => {
    const { series: m, added } = mergeCandles(series(10, 10), series(0, 30, 0));
    expect(m.length).toBe(30);
    expect(added).toBe(20);
    expect(Array.from(m.time)).toEqual(Array.from({ length: 30 }, (_, k) => T0 + k * M1));
  });

  it('keeps the existing candle when both have the same time', () => {
    const existing = series(0, 5, 0);
    const { series: m, added } = mergeCandles(existing, series(3, 5, 1000));
    expect(added).toBe(3);
    expect(m.open[3]).toBe(existing.open[3]); // existing wins
    expect(m.open[4]).toBe(existing.open[4]);
    expect(m.open[5]).toBe(100 + 5 * 0.25 + 1000); // new candle from incoming
  });

  it('accepts incoming candles unsorted or duplicated, keeping the first of equal times', () => {
    const inc = new MutableCandleSeries(M1);
    inc.push(T0 + 2 * M1, 3, 3, 3, 3, 1);
    inc.push(T0, 1, 1, 1, 1, 1);
    inc.push(T0 + 2 * M1, 9, 9, 9, 9, 9);
    inc.push(T0 + M1, 2, 2, 2, 2, 1);
    const { series: m } = mergeCandles(null, inc);
    expect(Array.from(m.time)).toEqual([T0, T0 + M1, T0 + 2 * M1]);
    expect(Array.from(m.open)).toEqual([1, 2, 3]);
  });

  it('fills a hole at the front and one at the back at once', () => {
    const { series: m, added } = mergeCandles(series(5, 5), series(0, 15, 3));
    expect(added).toBe(10);
    expect(m.length).toBe(15);
    for (let k = 1; k < m.length; k++) expect(m.time[k]! - m.time[k - 1]!).toBe(M1);
  });

  it('refuses to mix timeframes', () => {
    const five = new MutableCandleSeries(300_000);
    five.push(T0, 1, 1, 1, 1, 1);
    expect(() => mergeCandles(series(0, 2), five)).toThrow(UsageError);
  });
});
