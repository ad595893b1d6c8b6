import { describe, expect, it } from 'vitest';
import { checkHealth, parseMaxAge, type HealthInputs } from '../../../src/bot/health-check.js';

const NOW = 1_800_000_000_000;
const base: HealthInputs = { state: 'running', error: null, heartbeatAgeMs: 1000, lastCandleAt: NOW - 30_000, startedAt: NOW - 5 * 3_600_000, timeframe: '1m', riskHalt: null, now: NOW, maxAgeMs: 120_000 };

describe('checkHealth (status --check, /health)', () => {
  it('is healthy while running or paused with a fresh heartbeat and a candle within one timeframe plus max-age', () => {
    expect(checkHealth(base)).toMatchObject({ ok: true, reason: expect.stringMatching(/^running: heartbeat 1 s old, last candle 30 s ago$/) });
    expect(checkHealth({ ...base, state: 'paused' }).ok).toBe(true);
    // a 1h bot sees a candle an hour: 61 minutes is fine, 63 is not
    expect(checkHealth({ ...base, timeframe: '1h', lastCandleAt: NOW - 61 * 60_000 }).ok).toBe(true);
    expect(checkHealth({ ...base, timeframe: '1h', lastCandleAt: NOW - 63 * 60_000 })).toEqual({ ok: false, reason: expect.stringMatching(/^last candle handled 3780 s ago \(max 3720 s/) });
    // just started: no candle yet, the start counts
    expect(checkHealth({ ...base, lastCandleAt: null, startedAt: NOW - 10_000 }).ok).toBe(true);
  });

  it('says why it is not', () => {
    expect(checkHealth({ ...base, state: 'stopped' })).toEqual({ ok: false, reason: 'not running (stopped)' });
    expect(checkHealth({ ...base, state: 'crashed' }).reason).toBe('not running (crashed)');
    expect(checkHealth({ ...base, state: 'stale', heartbeatAgeMs: 15_000 }).reason).toBe('not answering: no heartbeat for 15 s');
    expect(checkHealth({ ...base, heartbeatAgeMs: 200_000 }).reason).toMatch(/^heartbeat 200 s old \(max 120 s\)/);
    expect(checkHealth({ ...base, state: 'halted', riskHalt: { code: 'max-drawdown', message: 'drawdown 12% exceeds the limit 10%' } }).reason).toBe('halted: drawdown 12% exceeds the limit 10%');
    expect(checkHealth({ ...base, error: 'state file x is invalid' }).reason).toBe('state unreadable: state file x is invalid');
    expect(checkHealth({ ...base, lastCandleAt: NOW - 200_000 }).ok).toBe(false);
  });

  it('reads --max-age as a duration and refuses anything else', () => {
    expect(parseMaxAge('2m')).toBe(120_000);
    expect(parseMaxAge('90s')).toBe(90_000);
    expect(parseMaxAge('45')).toBe(45_000);
    expect(parseMaxAge('1h')).toBe(3_600_000);
    for (const bad of ['', '0', '-1m', 'soon', '2d']) expect(() => parseMaxAge(bad), bad).toThrow(/--max-age/);
  });
});
