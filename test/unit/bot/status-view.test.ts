import { describe, expect, it } from 'vitest';
import { botState, statusView, HEARTBEAT_FRESH_MS } from '../../../src/bot/status.js';
import { fmtAge, fmtMoney, fmtPct, renderDetail, renderOverview } from '../../../src/report/status.js';
import { statusDigestOf } from '../../../src/store/status-digest.js';
import { botDoc } from '../../support/bot-fixture.js';

const NOW = 1_800_000_000_000;
const HOST = 'here';

function view(o: { status?: 'running' | 'paused' | 'halted' | 'stopped' | 'crashed' | 'starting'; lock?: { pid: number; host?: string } | null; alive?: boolean; beatAge?: number | null }) {
  const doc = botDoc('a', { now: NOW, status: o.status ?? 'running', pid: o.lock?.pid ?? null, heartbeatAgeMs: o.beatAge ?? 1_000 });
  return statusView({
    name: 'a',
    dir: '/h/bots/a',
    digest: statusDigestOf(doc),
    error: null,
    lock: o.lock ? { pid: o.lock.pid, host: o.lock.host ?? HOST, command: 'x', since: NOW - 5_000 } : null,
    heartbeat: o.beatAge === null ? null : { time: NOW - (o.beatAge ?? 1_000), pid: o.lock?.pid ?? null },
    now: NOW,
    host: HOST,
    isAlive: () => o.alive ?? true,
  });
}

describe('bot state', () => {
  it('running: the lock owner is alive on this host and its heartbeat is fresh', () => {
    expect(view({ lock: { pid: 10 } }).state).toBe('running');
    expect(view({ lock: { pid: 10 }, status: 'starting' }).state).toBe('running');
    expect(view({ lock: { pid: 10 }, status: 'paused' }).state).toBe('paused');
    expect(view({ lock: { pid: 10 }, status: 'halted' }).state).toBe('halted');
  });

  it('stale: the owner is alive but has not beaten for 10 s, here or on another host', () => {
    expect(view({ lock: { pid: 10 }, beatAge: HEARTBEAT_FRESH_MS }).state).toBe('stale');
    expect(view({ lock: { pid: 10, host: 'there' }, beatAge: 60_000 }).state).toBe('stale');
    expect(view({ lock: { pid: 10, host: 'there' } }).state).toBe('running');
    expect(view({ lock: { pid: 10, host: 'there' } }).pidAlive).toBeNull();
  });

  it('crashed: the file says running, paused or halted, and nobody owns it; stopped otherwise', () => {
    expect(view({ lock: { pid: 10 }, alive: false }).state).toBe('crashed');
    expect(view({ lock: null }).state).toBe('crashed');
    expect(view({ lock: null, status: 'paused' }).state).toBe('crashed');
    expect(view({ lock: null, status: 'stopped' }).state).toBe('stopped');
    expect(botState({ runtimeStatus: null, hasOwner: false, ownerAlive: null, heartbeatAgeMs: null })).toBe('stopped');
  });

  it('a heartbeat left by an earlier owner does not make a new one look alive', () => {
    const doc = botDoc('a', { now: NOW, status: 'running', pid: 7, heartbeatAgeMs: 60_000 });
    const v = statusView({ name: 'a', dir: '/d', digest: statusDigestOf(doc), error: null, lock: { pid: 10, host: HOST, command: 'x', since: NOW - 1 }, heartbeat: { time: NOW, pid: 7 }, now: NOW, host: HOST, isAlive: () => true });
    expect(v.heartbeatAgeMs).toBeNull();
    expect(v.state).toBe('stale');
  });

  it('uptime only while live; PnL today only when the bot wrote today', () => {
    expect(view({ lock: { pid: 10 } }).uptimeMs).toBe(3_600_000);
    expect(view({ lock: null, status: 'stopped' }).uptimeMs).toBeNull();
    const doc = botDoc('a', { now: NOW - 2 * 86_400_000 });
    const v = statusView({ name: 'a', dir: '/d', digest: statusDigestOf(doc), error: null, lock: null, heartbeat: null, now: NOW, host: HOST, isAlive: () => false });
    expect(v.equity!.today).toBeNull();
    expect(v.equity!.pnl).toBe('185.9');
  });
});

describe('status formatting', () => {
  it('formats ages, money and percentages', () => {
    expect(fmtAge(400)).toBe('0.4 s');
    expect(fmtAge(42_000)).toBe('42 s');
    expect(fmtAge(190_000)).toBe('3m 10s');
    expect(fmtAge(2 * 3_600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(fmtAge(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(fmtMoney('1234567.891')).toBe('1,234,567.89');
    expect(fmtMoney('-0.001')).toBe('0.00');
    expect(fmtMoney('-12.5', 2, true)).toBe('-12.50');
    expect(fmtMoney('12.5', 2, true)).toBe('+12.50');
    expect(fmtPct(0.01859)).toBe('+1.86%');
    expect(fmtPct(null)).toBe('–');
  });

  it('an error row does not widen the columns of the others', () => {
    const ok = view({ lock: { pid: 10 } });
    const bad = { ...view({ lock: null, status: 'stopped' }), name: 'b', error: 'state file /a/very/long/path/state.json is unusable' };
    const lines = renderOverview([ok, bad], { empty: '' }).split('\n');
    expect(lines[1]!.indexOf('BTC/USDT')).toBe(lines[0]!.indexOf('PAIRS'));
    expect(lines[2]).toMatch(/^b\s+paper\s+error\s+state file/);
  });
});

describe('last error', () => {
  const withRefusal = (refusedAt: number, o: { lastError?: { time: number; message: string } } = {}) => {
    const doc = botDoc('a', { now: NOW, status: 'stopped', ...(o.lastError ? { lastError: o.lastError } : {}) });
    return statusView({ name: 'a', dir: '/h/bots/a', digest: statusDigestOf(doc), error: null, lock: null, heartbeat: null, refused: { time: refusedAt, command: 'tradebot paper --bot a', message: 'fee is 0.001, not 0.002', exitCode: 2 }, now: NOW, host: HOST, isAlive: () => false }).lastError;
  };
  const startedAt = NOW - 3_600_000; // the fixture's last start

  it('a start refused after the last start is the last error', () => {
    expect(withRefusal(startedAt + 1)).toEqual({ time: startedAt + 1, message: 'start refused: fee is 0.001, not 0.002' });
  });

  it('a refusal before the last start is over; an error the bot wrote later wins', () => {
    expect(withRefusal(startedAt - 1)).toBeNull();
    const later = { time: startedAt + 10, message: 'crashed' };
    expect(withRefusal(startedAt + 1, { lastError: later })).toEqual(later);
  });
});

describe("a signal bot's status", () => {
  const withSignals = (signals: NonNullable<ReturnType<typeof statusView>['signals']>) => {
    const doc = botDoc('a', { now: NOW, status: 'running', pid: 10 });
    doc.runtime.signals = signals;
    return statusView({ name: 'a', dir: '/h/bots/a', digest: statusDigestOf(doc), error: null, lock: { pid: 10, host: HOST, command: 'x', since: NOW - 5_000 }, heartbeat: { time: NOW - 1_000, pid: 10 }, now: NOW, host: HOST, isAlive: () => true });
  };

  it('shows where a webhook bot listens and what became of its alerts', () => {
    const alerts = { accepted: 3, acted: 2, denied: 0, ignored: 1, superseded: 0, duplicate: 2, stale: 1, 'bad-secret': 4, 'unknown-pair': 0, invalid: 0, unsupported: 0, 'rate-limited': 0, failed: 0 };
    const v = withSignals({ strategy: 'webhook', listen: '127.0.0.1:8080', shadowOf: null, alerts, pending: 1, lastAlert: { time: NOW - 12_000, pair: 'BTC/USDT', action: 'buy', fate: 'acted' }, service: null, degraded: null });
    expect(v.signals?.alerts?.['bad-secret']).toBe(4);
    const text = renderDetail(v, { now: NOW });
    expect(text).toContain('signals       webhook listening on 127.0.0.1:8080: alerts 3 accepted, 2 acted, 1 ignored, 2 duplicate, 1 stale, 4 bad-secret; 1 waiting for their candle');
    expect(text).toContain('last alert    buy BTC/USDT acted, 12 s ago');
  });

  it('says since when the signal service is down', () => {
    const since = NOW - 60_000;
    const v = withSignals({
      strategy: 'http-signal',
      listen: null,
      shadowOf: null,
      alerts: null,
      pending: null,
      lastAlert: null,
      service: { url: 'https://model.example/decide', breaker: 'open', reopensAt: NOW + 20_000, answers: { service: 10, cache: 2, fallback: 1, none: 0 }, failedRequests: 5, lastRequestId: 'r' },
      degraded: { since, message: 'signal service down: answered HTTP 503' },
    });
    const text = renderDetail(v, { now: NOW });
    expect(text).toContain(`breaker open until ${new Date(NOW + 20_000).toISOString()}; 10 answers, 2 from the last answer, 1 by the fallback, 5 failed requests`);
    expect(text).toContain(`degraded      signal service down since ${new Date(since).toISOString()}: answered HTTP 503`);
  });
});
