import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { readCandleFile } from '../../../src/data/read-candles.js';

const tmp = mkdtempSync(join(tmpdir(), 'tradebot-read-candles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileNo = 0;
/** A real file in the temp folder; returns its path. */
function file(content: string | Buffer, ext = 'csv'): string {
  const p = join(tmp, `candles-${++fileNo}.${ext}`);
  writeFileSync(p, content);
  return p;
}

/** Asserts a UsageError (exit code 2) on one line whose message holds every part. */
async function expectUsageError(p: Promise<unknown>, ...parts: string[]): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const u = err as UsageError;
  expect(u.exitCode).toBe(2);
  expect(u.message).not.toMatch(/[\r\n]/);
  for (const part of parts) expect(u.message).toContain(part);
  return u.message;
}

const T0 = Date.UTC(2024, 0, 1); // 1704067200000
const M5 = 300_000;
const HEADER = 'timestamp_ms,open,high,low,close,volume';

/** n valid CSV rows at a fixed step (in ms), as lines. */
function rows(n: number, step = M5, start = T0): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${start + i * step},${100 + i},${102 + i},${99 + i},${101 + i},${10 + i}.5`);
  return out;
}

describe('readCandleFile: formats', () => {
  it('reads a CSV with a header', async () => {
    const p = file([HEADER, ...rows(4)].join('\n') + '\n');
    const r = await readCandleFile(p);
    expect(r.source).toBe(p);
    expect(r.timeframe).toBe('5m');
    expect(r.series.length).toBe(4);
    expect(r.series.timeframeMs).toBe(M5);
    expect(Array.from(r.series.time)).toEqual([T0, T0 + M5, T0 + 2 * M5, T0 + 3 * M5]);
    expect(Array.from(r.series.open)).toEqual([100, 101, 102, 103]);
    expect(Array.from(r.series.high)).toEqual([102, 103, 104, 105]);
    expect(Array.from(r.series.low)).toEqual([99, 100, 101, 102]);
    expect(Array.from(r.series.close)).toEqual([101, 102, 103, 104]);
    expect(Array.from(r.series.volume)).toEqual([10.5, 11.5, 12.5, 13.5]);
    expect(r.gaps).toEqual([]);
  });

  it('reads a CSV without a header, with another header spelling, and skips blank lines', async () => {
    const a = await readCandleFile(file(rows(3).join('\n')));
    expect(a.series.length).toBe(3);
    const b = await readCandleFile(file(['date,Open,High,Low,Close,Volume', ...rows(3), '', '', ''].join('\n')));
    expect(b.series.length).toBe(3);
    const c = await readCandleFile(file(['', HEADER, ...rows(2), '', ...rows(2, M5, T0 + 2 * M5), '  '].join('\n')));
    expect(c.series.length).toBe(4);
  });

  it('tolerates CRLF, a UTF-8 BOM, extra trailing columns and spaces around values', async () => {
    const crlf = await readCandleFile(file([HEADER, ...rows(3)].join('\r\n') + '\r\n'));
    expect(crlf.series.length).toBe(3);
    expect(Array.from(crlf.series.volume)).toEqual([10.5, 11.5, 12.5]);
    const bom = await readCandleFile(file('\uFEFF' + [HEADER, ...rows(2)].join('\n')));
    expect(bom.series.length).toBe(2);
    const extra = await readCandleFile(
      file([`${HEADER},trades,extra`, ...rows(3).map((l) => `${l},42,x`)].join('\r\n')),
    );
    expect(Array.from(extra.series.volume)).toEqual([10.5, 11.5, 12.5]);
    const spaced = await readCandleFile(file(`${T0}, 1.5 ,2,1,1.5, 3\n${T0 + M5},1.5,2,1,2,4 \n`));
    expect(Array.from(spaced.series.open)).toEqual([1.5, 1.5]);
    expect(Array.from(spaced.series.volume)).toEqual([3, 4]);
  });

  it('parses numbers exactly like Number(), including exponents and long mantissas', async () => {
    const vals = ['0.1', '105573.73', '0.00162008', '1e-8', '1.2345678901234567', '12345678901234567890', '3.'];
    const lines = vals.map((v, i) => `${T0 + i * M5},${v},${v},${v},${v},${v}`);
    const r = await readCandleFile(file(lines.join('\n')));
    expect(Array.from(r.series.close)).toEqual(vals.map(Number));
    expect(Array.from(r.series.volume)).toEqual(vals.map(Number));
  });

  it('accepts epoch seconds, epoch ms and ISO 8601 timestamps, always returning epoch ms', async () => {
    const tail = ',1,2,0.5,1.5,7';
    const sec = await readCandleFile(file([`${T0 / 1000}${tail}`, `${T0 / 1000 + 60}${tail}`].join('\n')));
    expect(Array.from(sec.series.time)).toEqual([T0, T0 + 60_000]);
    expect(sec.timeframe).toBe('1m');
    const ms = await readCandleFile(file([`${T0}${tail}`, `${T0 + 60_000}${tail}`].join('\n')));
    expect(Array.from(ms.series.time)).toEqual([T0, T0 + 60_000]);
    const iso = await readCandleFile(
      file([`date,open,high,low,close,volume`, `2024-01-01T00:00:00Z${tail}`, `2024-01-01T01:00:00.000Z${tail}`].join('\n')),
    );
    expect(Array.from(iso.series.time)).toEqual([T0, T0 + 3_600_000]);
    expect(iso.timeframe).toBe('1h');
    const spaceIso = await readCandleFile(file([`2024-01-01 00:00:00${tail}`, `2024-01-02 00:00:00${tail}`].join('\n')));
    expect(Array.from(spaceIso.series.time)).toEqual([T0, T0 + 86_400_000]);
    expect(spaceIso.timeframe).toBe('1d');
  });

  it("reads freqtrade's JSON array form", async () => {
    const data = [
      [T0, 100, 102, 99, 101, 10],
      [T0 + 60_000, 101, 103, 100, 102, 11],
      [T0 + 120_000, 102, 104, 101, 103, 12],
    ];
    const r = await readCandleFile(file(`  \n${JSON.stringify(data)}\n`, 'json'));
    expect(r.timeframe).toBe('1m');
    expect(Array.from(r.series.time)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(Array.from(r.series.close)).toEqual([101, 102, 103]);
    expect(Array.from(r.series.volume)).toEqual([10, 11, 12]);
  });

  it('detects JSON by content, not by the file name', async () => {
    const data = [
      [T0, 1, 1, 1, 1, 1],
      [T0 + M5, 1, 1, 1, 1, 1],
    ];
    const r = await readCandleFile(file(JSON.stringify(data), 'csv'));
    expect(r.series.length).toBe(2);
  });

  it('gunzips .gz files (CSV and JSON)', async () => {
    const csv = await readCandleFile(file(gzipSync([HEADER, ...rows(5)].join('\n')), 'csv.gz'));
    expect(csv.series.length).toBe(5);
    expect(csv.series.time[4]).toBe(T0 + 4 * M5);
    const json = await readCandleFile(
      file(
        gzipSync(
          JSON.stringify([
            [T0, 1, 2, 1, 2, 3],
            [T0 + M5, 2, 2, 1, 1, 3],
          ]),
        ),
        'json.gz',
      ),
    );
    expect(Array.from(json.series.close)).toEqual([2, 1]);
  });

  it('returns arrays trimmed to the row count', async () => {
    const r = await readCandleFile(file([HEADER, ...rows(3), '', '', '', ''].join('\n')));
    for (const a of [r.series.time, r.series.open, r.series.high, r.series.low, r.series.close, r.series.volume]) {
      expect(a).toBeInstanceOf(Float64Array);
      expect(a.length).toBe(3);
    }
  });
});

describe('readCandleFile: timeframe and gaps', () => {
  it('infers the most common delta', async () => {
    // deltas: 5m, 5m, 10m, 5m, 15m -> 5m
    const times = [0, 5, 10, 20, 25, 40].map((m) => T0 + m * 60_000);
    const r = await readCandleFile(file(times.map((t) => `${t},1,1,1,1,1`).join('\n')));
    expect(r.timeframe).toBe('5m');
    expect(r.gaps).toEqual([
      { after: T0 + 10 * 60_000, before: T0 + 20 * 60_000, missing: 1 },
      { after: T0 + 25 * 60_000, before: T0 + 40 * 60_000, missing: 2 },
    ]);
  });

  it('breaks ties toward the smallest delta', async () => {
    // deltas: 2m, 4m -> one each -> 2m
    const times = [0, 2, 6].map((m) => T0 + m * 60_000);
    const r = await readCandleFile(file(times.map((t) => `${t},1,1,1,1,1`).join('\n')));
    expect(r.timeframe).toBe('2m');
    expect(r.gaps).toEqual([{ after: T0 + 2 * 60_000, before: T0 + 6 * 60_000, missing: 1 }]);
  });

  it('uses a given timeframe and reports the gaps it implies', async () => {
    // every delta is 10m: inferred 10m, no gaps; as 5m data every step misses one bar
    const p = file(rows(4, 2 * M5).join('\n'));
    expect((await readCandleFile(p)).timeframe).toBe('10m');
    const r = await readCandleFile(p, { timeframe: '5m' });
    expect(r.timeframe).toBe('5m');
    expect(r.series.timeframeMs).toBe(M5);
    expect(r.gaps.length).toBe(3);
    expect(r.gaps.every((g) => g.missing === 1)).toBe(true);
    expect((await readCandleFile(file(rows(3, 3_600_000).join('\n')), { timeframe: '60m' })).timeframe).toBe('1h');
  });

  it('rejects a delta smaller than the given timeframe, naming the row', async () => {
    const p = file([HEADER, ...rows(3, M5)].join('\n'));
    await expectUsageError(readCandleFile(p, { timeframe: '15m' }), p, 'line 3');
  });

  it('rejects a delta that is not a multiple of the given timeframe, naming the row', async () => {
    const times = [0, 5, 10, 17].map((m) => T0 + m * 60_000);
    const p = file([HEADER, ...times.map((t) => `${t},1,1,1,1,1`)].join('\n'));
    await expectUsageError(readCandleFile(p, { timeframe: '5m' }), p, 'line 5');
  });

  it('rejects rows off the inferred grid too', async () => {
    const times = [0, 5, 10, 15, 17].map((m) => T0 + m * 60_000);
    const p = file(times.map((t) => `${t},1,1,1,1,1`).join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 5');
  });

  it('rejects a bad timeframe option', async () => {
    await expectUsageError(readCandleFile(file(rows(3).join('\n')), { timeframe: 'fortnight' }), 'fortnight');
  });

  it('reports gaps and never fills them', async () => {
    const lines = [...rows(3), ...rows(2, M5, T0 + 10 * M5)];
    const r = await readCandleFile(file([HEADER, ...lines].join('\n')));
    expect(r.series.length).toBe(5);
    expect(r.gaps).toEqual([{ after: T0 + 2 * M5, before: T0 + 10 * M5, missing: 7 }]);
  });
});

describe('readCandleFile: errors are one-line UsageErrors naming the file and line', () => {
  it('missing file', async () => {
    const p = join(tmp, 'nope.csv');
    await expectUsageError(readCandleFile(p), 'not found', p);
  });

  it('unreadable file (a directory)', async () => {
    const d = join(tmp, 'a-directory.csv');
    mkdirSync(d);
    await expectUsageError(readCandleFile(d), d);
  });

  it('empty and whitespace-only files', async () => {
    const a = file('');
    await expectUsageError(readCandleFile(a), a, 'empty');
    const b = file(' \r\n\n  \n');
    await expectUsageError(readCandleFile(b), b, 'empty');
    const c = file(gzipSync(''), 'csv.gz');
    await expectUsageError(readCandleFile(c), c, 'empty');
  });

  it('a .gz file that is not gzip', async () => {
    const p = file(rows(3).join('\n'), 'csv.gz');
    await expectUsageError(readCandleFile(p), p, 'gzip');
  });

  it('wrong column count', async () => {
    const p = file([HEADER, ...rows(2), `${T0 + 2 * M5},1,2,0.5,1`, ...rows(1, M5, T0 + 3 * M5)].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 4', '5');
  });

  it('wrong column count in JSON names the array index', async () => {
    const p = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0 + M5, 1, 1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(p), p, 'index 1');
    const q = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], 'oops']), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1', 'oops');
  });

  it.each([
    ['abc', 'open'],
    ['', 'open'],
    ['Infinity', 'open'],
    ['NaN', 'open'],
    ['0x10', 'open'],
    ['1e999', 'open'],
  ])('non-numeric or non-finite value %j', async (bad) => {
    const p = file([HEADER, ...rows(2), `${T0 + 2 * M5},${bad},2,0.5,1,1`].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 4', JSON.stringify(bad));
  });

  it('non-numeric volume and bad timestamps', async () => {
    const v = file([...rows(2), `${T0 + 2 * M5},1,2,0.5,1,lots`].join('\n'));
    await expectUsageError(readCandleFile(v), v, 'line 3', 'lots');
    const t = file([HEADER, ...rows(2), `2024-13-45T00:00:00Z,1,2,0.5,1,1`].join('\n'));
    await expectUsageError(readCandleFile(t), t, 'line 4', '2024-13-45');
    const neg = file([HEADER, ...rows(2), `-5,1,2,0.5,1,1`].join('\n'));
    await expectUsageError(readCandleFile(neg), neg, 'line 4', '-5');
  });

  it('non-numeric values in JSON', async () => {
    const p = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0 + M5, 1, 'x', 1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(p), p, 'index 1', '"x"');
    const q = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [null, 1, 1, 1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1', 'null');
  });

  it('negative price', async () => {
    const p = file([HEADER, ...rows(2), `${T0 + 2 * M5},1,2,-0.5,1,1`].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 4', '-0.5');
    const q = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0 + M5, -1, 1, -1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1', '-1');
  });

  it('OHLC violation: high below max(open, close)', async () => {
    const p = file([HEADER, ...rows(2), `${T0 + 2 * M5},1,1.5,0.5,1.75,1`].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 4', '1.5');
  });

  it('OHLC violation: low above min(open, close)', async () => {
    const p = file([HEADER, ...rows(2), `${T0 + 2 * M5},1,2,1.25,1.5,1`].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 4', '1.25');
    const q = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0 + M5, 1, 2, 1.25, 1.5, 1]]), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1', '1.25');
  });

  it('rows out of order', async () => {
    const lines = rows(60);
    // line 57 of the file (header is line 1) goes back in time
    const back = lines[55]!.replace(String(T0 + 55 * M5), String(T0 + 2 * M5));
    lines[55] = back;
    const p = file([HEADER, ...lines].join('\n'));
    await expectUsageError(readCandleFile(p), p, 'line 57', '2024-01-01T00:10:00.000Z');
    const q = file(JSON.stringify([[T0 + M5, 1, 1, 1, 1, 1], [T0, 1, 1, 1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1');
  });

  it('duplicate timestamps', async () => {
    const lines = rows(4);
    lines[2] = lines[2]!.replace(String(T0 + 2 * M5), String(T0 + M5));
    const p = file([HEADER, ...lines].join('\n'));
    const msg = await expectUsageError(readCandleFile(p), p, 'line 4');
    expect(msg).toMatch(/duplicate/i);
    const q = file(JSON.stringify([[T0, 1, 1, 1, 1, 1], [T0, 1, 1, 1, 1, 1]]), 'json');
    await expectUsageError(readCandleFile(q), q, 'index 1');
  });

  it('line numbers count blank lines and CRLF files correctly', async () => {
    const p = file([HEADER, '', ...rows(2), '', `${T0 + 2 * M5},1,2,0.5,zz,1`].join('\r\n'));
    await expectUsageError(readCandleFile(p), p, 'line 6', 'zz');
  });

  it('fewer than 2 rows', async () => {
    const one = file([HEADER, ...rows(1)].join('\n'));
    await expectUsageError(readCandleFile(one), one, '1');
    const none = file(HEADER + '\n');
    await expectUsageError(readCandleFile(none), none, '0');
    const json = file('[]', 'json');
    await expectUsageError(readCandleFile(json), json, '0');
  });

  it('invalid JSON', async () => {
    const bad = file('[[1, 2, 3', 'json');
    await expectUsageError(readCandleFile(bad), bad, 'JSON');
  });
});

describe('readCandleFile: a plain CSV file larger than its read chunks (1 MiB) is parsed as a whole one', () => {
  /** over 1 MiB of rows with every shape the parser has: CRLF, blank lines, ISO dates, spaces, exponents, extra columns. */
  function bigCsv(n: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = T0 + i * M5;
      const base = `${100 + (i % 1000) / 100},${102 + (i % 1000) / 100},${99 + (i % 1000) / 100},${101 + (i % 1000) / 100}`;
      if (i % 997 === 0) out.push(`${new Date(t).toISOString()}, ${base},1.5e1`);
      else if (i % 991 === 0) out.push(`${t},${base},${10 + i}.25,extra,columns`);
      else out.push(`${t},${base},${10 + i}.5`);
      if (i % 4999 === 0) out.push('');
    }
    return out;
  }

  it('gives the same columns as the same bytes gzipped (read whole), with LF and CRLF lines cut at any chunk edge', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `\ufeff${[HEADER, ...bigCsv(30_000)].join(eol)}`;
      expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 20);
      const streamed = await readCandleFile(file(text));
      const whole = await readCandleFile(file(gzipSync(text), 'csv.gz'));
      expect(streamed.series.length).toBe(30_000);
      for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Buffer.from(streamed.series[k].buffer, streamed.series[k].byteOffset, 30_000 * 8).equals(Buffer.from(whole.series[k].buffer, whole.series[k].byteOffset, 30_000 * 8)), k).toBe(true);
      }
      expect(streamed.timeframe).toBe('5m');
    }
  }, 30_000);

  it('names the right line of an error far past the first chunk, and reads a line longer than a chunk', async () => {
    const lines = bigCsv(50_000);
    lines[40_000] = lines[40_000]!.replace(/,[^,]*$/, ',nope');
    const p = file([HEADER, ...lines].join('\n'));
    const bad = lines.findIndex((l) => l.endsWith(',nope'));
    // the header is line 1, so the rows array's index i is line i + 2
    await expectUsageError(readCandleFile(p), p, `line ${bad + 2}`, 'nope');

    const long = rows(3);
    long[1] = `${long[1]},${'x'.repeat(3 * (1 << 20))}`; // extra columns are ignored, however long
    const q = file([HEADER, ...long].join('\n'));
    const got = await readCandleFile(q);
    expect(got.series.length).toBe(3);
    expect(got.series.close[2]).toBe(103);
  }, 30_000);
});
