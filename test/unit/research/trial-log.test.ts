import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateError } from '../../../src/core/errors.js';
import { configDefaults } from '../../../src/config/schema.js';
import { readTrialLog, TrialLogWriter, TRIAL_LOG_SCHEMA_VERSION, type LogHeader, type SkipLine } from '../../../src/research/trial-log.js';

const dir = mkdtempSync(join(tmpdir(), 'tradebot-trial-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hashes = { data: 'd', strategy: 's', settings: 'x', version: '0.1.0' };
const header: LogHeader = {
  type: 'header',
  schemaVersion: TRIAL_LOG_SCHEMA_VERSION,
  run: 'r',
  tradebot: '0.1.0',
  hashes,
  request: { config: configDefaults(), spaceFlags: [], fixedParams: [], spaces: [], search: { method: 'grid', trials: null, seed: 1 }, objective: 'sharpe', minTrades: 0, shard: null, blocks: 16, total: 10, range: [0, 10] },
  data: { source: 'x.csv', symbol: 'BTC/USDT', timeframe: '5m', candles: 10, from: 0, to: 1 },
};
const skip = (index: number): SkipLine => ({ type: 'skip', index, params: { fast: index }, reason: 'no', hashes });

describe('the trial log', () => {
  it('appends lines after its header and reads them back by index', async () => {
    const file = join(dir, 'a.jsonl');
    const w = await TrialLogWriter.create(file, header);
    w.append(skip(3));
    w.append(skip(1));
    await w.close();
    const log = (await readTrialLog(file))!;
    expect(log.header).toEqual(header);
    expect([...log.lines.keys()]).toEqual([3, 1]);
    expect(log.tornTail).toBe(false);
  });

  it('drops a torn last line and cuts it off before appending again', async () => {
    const file = join(dir, 'b.jsonl');
    const w = await TrialLogWriter.create(file, header);
    w.append(skip(0));
    await w.close();
    appendFileSync(file, '{"type":"skip","index":1,"par');
    const log = (await readTrialLog(file))!;
    expect(log.tornTail).toBe(true);
    expect([...log.lines.keys()]).toEqual([0]);
    const again = TrialLogWriter.open(file, log.validBytes);
    again.append(skip(1));
    await again.close();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l).type)).toEqual(['header', 'skip', 'skip']);
    expect([...(await readTrialLog(file))!.lines.keys()]).toEqual([0, 1]);
  });

  it('refuses a damaged line before the end, a line from other inputs, and a missing file reads as none', async () => {
    const file = join(dir, 'c.jsonl');
    writeFileSync(file, `${JSON.stringify(header)}\nnot json\n${JSON.stringify(skip(2))}\n`);
    await expect(readTrialLog(file)).rejects.toThrow(StateError);
    writeFileSync(file, `${JSON.stringify(header)}\n${JSON.stringify({ ...skip(2), hashes: { ...hashes, data: 'other' } })}\n`);
    await expect(readTrialLog(file)).rejects.toThrow(/other inputs/);
    expect(await readTrialLog(join(dir, 'none.jsonl'))).toBeNull();
  });
});
