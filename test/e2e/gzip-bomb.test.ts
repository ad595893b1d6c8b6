/**
 * A gzip bomb (a small .gz expanding to far more than any candle file) is refused while it is
 * being decompressed: one line naming the file, exit 2, without first inflating all of it.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUNZIP_FLOOR, GUNZIP_MAX_RATIO, gunzipLimit } from '../../src/data/read-candles.js';
import { cleanupTmpDirs, makeTmpDir, runCli, stackLines } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const MIB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = makeTmpDir();
  // 256 MiB of one repeated candle row: about 250 KB once gzipped, a ratio of about 1000
  const row = Buffer.from('1704067200000,100,101,99,100.5,10\n');
  const chunk = Buffer.alloc(MIB - (MIB % row.length), row.toString());
  async function* rows() {
    yield Buffer.from('timestamp,open,high,low,close,volume\n');
    for (let i = 0; i < 256; i++) yield chunk;
  }
  await pipeline(Readable.from(rows()), createGzip({ level: 9 }), createWriteStream(path.join(dir, 'bomb.csv.gz')));
}, 60_000);

describe('gzip bombs', { timeout: 60_000 }, () => {
  for (const args of [
    ['backtest', '--data', 'bomb.csv.gz'],
    ['data', 'check', 'bomb.csv.gz'],
    ['data', 'import', 'bomb.csv.gz', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m', '--home', 'home'],
  ]) {
    it(`${args.slice(0, 2).join(' ')} refuses a .gz that expands past its limit: exit 2, one line naming it`, () => {
      const r = runCli(args, { cwd: dir, timeoutMs: 30_000 });
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('bomb.csv.gz');
      expect(stackLines(r.stderr)).toEqual([]);
      expect(r.stdout).toBe('');
    });
  }

  it('the limit is a ratio of the compressed size, with a floor and a cap', () => {
    expect(gunzipLimit(1000)).toBe(GUNZIP_FLOOR);
    expect(gunzipLimit(10 * MIB)).toBe(10 * MIB * GUNZIP_MAX_RATIO);
    expect(gunzipLimit(100 * MIB)).toBe(512 * MIB);
  });
});
