import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSince, readLog, type LogRecord } from '../../../src/bot/log-reader.js';
import { BotLog } from '../../../src/bot/bot-log.js';
import { logFormatter } from '../../../src/report/log-lines.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-logs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('parseSince', () => {
  it('takes durations back from now and ISO dates', () => {
    expect(parseSince('10m', NOW)).toBe(NOW - 600_000);
    expect(parseSince('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('3d', NOW)).toBe(NOW - 3 * 86_400_000);
    expect(parseSince('2024-05-01', NOW)).toBe(Date.UTC(2024, 4, 1));
    expect(parseSince('2024-05-01T10:30Z', NOW)).toBe(Date.UTC(2024, 4, 1, 10, 30));
  });

  it('refuses anything else with a usage error', () => {
    for (const bad of ['', 'yesterday', '10', '-5m', '10y', '2024-13-01']) expect(() => parseSince(bad, NOW), bad).toThrow(/--since/);
  });
});

describe('readLog', () => {
  it('reads the rotations oldest first, then the live file, filtered by --since', async () => {
    const dir = path.join(tmp, 'a');
    const log = path.join(dir, 'log.jsonl');
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const line = (t: number, event: string) => `${JSON.stringify({ time: t, level: 'info', event })}\n`;
    writeFileSync(`${log}.2`, line(1, 'a'));
    writeFileSync(`${log}.1`, line(2, 'b') + line(3, 'c'));
    writeFileSync(log, line(4, 'd') + 'not json\n' + line(5, 'e') + '{"time":6,"lev');
    const got: string[] = [];
    await readLog(log, { since: null, onRecord: (r) => got.push(r.time === null ? r.raw : r.event) });
    expect(got).toEqual(['a', 'b', 'c', 'd', 'not json', 'e']);
    const since: string[] = [];
    await readLog(log, { since: 3, onRecord: (r) => since.push(r.event) });
    expect(since).toEqual(['c', 'd', '?', 'e']);
  });

  it('follows the live file across a rotation without losing or repeating a line', async () => {
    const dir = path.join(tmp, 'b');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'log.jsonl');
    const log = new BotLog(file, 400, 3); // rotates every few lines
    await log.write(0, 'info', 'n', { i: 0 });
    const seen: number[] = [];
    const ac = new AbortController();
    const following = readLog(file, { since: null, signal: ac.signal, pollMs: 20, onRecord: (r: LogRecord) => seen.push(r.fields.i as number) });
    for (let i = 1; i < 40; i++) {
      await log.write(i, 'info', 'n', { i, pad: 'x'.repeat(40) });
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    await new Promise((r) => setTimeout(r, 150));
    ac.abort();
    await following;
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('log lines', () => {
  it('prints time level event key=value, quoting what needs it', () => {
    const f = logFormatter();
    const rec: LogRecord = { time: NOW, level: 'warn', event: 'feed-degraded', fields: { message: 'timed out after 10 s', pairs: ['BTC/USDT', 'ETH/USDT'], n: 3, o: { a: 1 } }, raw: '{}' };
    expect(f(rec)).toBe('2024-05-01T12:00:00.000Z warn  feed-degraded message="timed out after 10 s" pairs=BTC/USDT,ETH/USDT n=3 o={"a":1}\n');
    expect(logFormatter({ json: true })(rec)).toBe('{}\n');
  });
});

describe('recordFilter (logs --level, --event)', () => {
  const rec = (level: string, event: string) => ({ time: 1, level, event, fields: {}, raw: '' });
  it('--level keeps that level and above', async () => {
    const { recordFilter } = await import('../../../src/bot/log-reader.js');
    const warn = recordFilter({ level: 'warn' })!;
    expect([rec('info', 'fill'), rec('warn', 'order-rejected'), rec('error', 'crashed')].filter(warn).map((r) => r.event)).toEqual(['order-rejected', 'crashed']);
    expect(recordFilter({ level: 'error' })!(rec('warn', 'x'))).toBe(false);
  });
  it('--event takes names and prefixes, combined with --level', async () => {
    const { recordFilter } = await import('../../../src/bot/log-reader.js');
    const f = recordFilter({ events: 'fill, order-*' })!;
    expect([rec('info', 'fill'), rec('info', 'order-sent'), rec('info', 'signal'), rec('warn', 'order-rejected')].filter(f).map((r) => r.event)).toEqual(['fill', 'order-sent', 'order-rejected']);
    const both = recordFilter({ events: 'order-*', level: 'warn' })!;
    expect([rec('info', 'order-sent'), rec('warn', 'order-rejected')].filter(both).map((r) => r.event)).toEqual(['order-rejected']);
    expect(recordFilter({})).toBeUndefined();
  });
  it('refuses a level or event list it cannot read', async () => {
    const { recordFilter } = await import('../../../src/bot/log-reader.js');
    expect(() => recordFilter({ level: 'debug' })).toThrow(/--level "debug" must be one of info, warn, error/);
    expect(() => recordFilter({ events: ',' })).toThrow(/--event/);
    expect(() => recordFilter({ events: 'fill;rm' })).toThrow(/--event/);
  });
});
