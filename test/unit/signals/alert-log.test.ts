import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AlertLog, AlertTail } from '../../../src/signals/alert-log.js';
import { cleanupTmpDirs, makeTmpDir } from '../../support/cli.js';
import type { AlertRecord } from '../../../src/signals/alert-record.js';

afterAll(cleanupTmpDirs);

const rec = (key: string): AlertRecord => ({ time: '2025-01-31T12:00:00.000Z', pair: 'BTC/USDT', action: 'buy', orderType: 'market', key });

describe("a bot's alerts log", () => {
  it('keeps every accepted alert across opens', async () => {
    const file = path.join(makeTmpDir(), 'alerts.jsonl');
    const a = await AlertLog.open(file);
    expect(a.records).toEqual([]);
    await a.log.append(rec('k1'));
    await a.log.append(rec('k2'));
    await a.log.close();
    const b = await AlertLog.open(file);
    expect(b.records.map((r) => r.key)).toEqual(['k1', 'k2']);
    await b.log.close();
  });

  it('cuts a torn last line (never answered) so the next alert starts a clean line', async () => {
    const file = path.join(makeTmpDir(), 'alerts.jsonl');
    writeFileSync(file, `${JSON.stringify(rec('k1'))}\n{"time":"2025-01-3`);
    const a = await AlertLog.open(file);
    expect(a.cut).toBe(true);
    expect(a.records.map((r) => r.key)).toEqual(['k1']);
    await a.log.append(rec('k2'));
    await a.log.close();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as AlertRecord).key)).toEqual(['k1', 'k2']);
  });

  it('refuses a corrupt line in the middle, naming it', async () => {
    const file = path.join(makeTmpDir(), 'alerts.jsonl');
    writeFileSync(file, `garbage\n${JSON.stringify(rec('k1'))}\n`);
    await expect(AlertLog.open(file)).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/line 1 is corrupt/) });
  });

  it('a follower sees only complete lines added after it started', async () => {
    const file = path.join(makeTmpDir(), 'alerts.jsonl');
    writeFileSync(file, `${JSON.stringify(rec('before'))}\n`);
    const tail = new AlertTail(file);
    await tail.startAtEnd();
    expect(await tail.poll()).toEqual([]);
    appendFileSync(file, `${JSON.stringify(rec('k1'))}\n{"time":`);
    expect((await tail.poll()).map((r) => (r as AlertRecord).key)).toEqual(['k1']);
    appendFileSync(file, `"2025-01-31T12:00:00.000Z","pair":"BTC/USDT","action":"sell","orderType":"market","key":"k2"}\n`);
    expect((await tail.poll()).map((r) => (r as AlertRecord).key)).toEqual(['k2']);
  });
});
