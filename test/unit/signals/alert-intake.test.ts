import { describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { AlertBook } from '../../../src/signals/alert-book.js';
import { AlertIntake, type FateNote } from '../../../src/signals/alert-intake.js';
import type { AlertRecord } from '../../../src/signals/alert-record.js';
import { RateWindow } from '../../../src/signals/rate-window.js';
import { TickerMap } from '../../../src/signals/ticker-map.js';

const SECRET = 'a-secret-of-20-chars';
const NOW = Date.parse('2025-01-31T12:00:00Z');

function setup(o: { record?: (r: AlertRecord) => Promise<void>; rate?: number; keys?: string[] } = {}) {
  let now = NOW;
  const fates: FateNote[] = [];
  const records: AlertRecord[] = [];
  const book = new AlertBook(['BTC/USDT'], 60_000);
  const intake = new AlertIntake({
    book,
    tickers: new TickerMap(['BTC/USDT']),
    stake: { kind: 'fraction', value: new Dec('0.99') },
    secret: SECRET,
    maxLagMs: 60_000,
    rate: new RateWindow(o.rate ?? 100),
    now: () => now,
    record:
      o.record ??
      (async (r) => {
        records.push(r);
      }),
    keys: new Set(o.keys ?? []),
    onFate: (n) => fates.push(n),
  });
  const send = (x: Record<string, unknown>) => intake.receive(JSON.stringify({ secret: SECRET, pair: 'BTC/USDT', action: 'buy', time: new Date(now).toISOString(), ...x }));
  return { intake, book, fates, records, send, setNow: (t: number) => (now = t) };
}

describe('the webhook intake', () => {
  it('records an alert before answering it, then queues it for its candle', async () => {
    const t = setup();
    const a = await t.send({ id: 'tv-1' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'accepted', key: 'id:tv-1', pair: 'BTC/USDT' });
    expect(t.records).toEqual([{ time: new Date(NOW).toISOString(), pair: 'BTC/USDT', action: 'buy', orderType: 'market', id: 'tv-1', key: 'id:tv-1' }]);
    expect(t.book.pending).toBe(1);
    expect(t.fates.map((f) => f.fate)).toEqual(['accepted']);
  });

  it('never records the secret', async () => {
    const t = setup();
    await t.send({ id: 'tv-1' });
    expect(JSON.stringify(t.records)).not.toContain(SECRET);
  });

  it('a resent alert is a duplicate: answered 200, recorded once, queued once', async () => {
    const t = setup();
    await t.send({ id: 'tv-1' });
    const again = await t.send({ id: 'tv-1' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    expect(t.records).toHaveLength(1);
    expect(t.book.pending).toBe(1);
  });

  it('remembers the alerts of earlier runs', async () => {
    const t = setup({ keys: ['id:tv-1'] });
    expect((await t.send({ id: 'tv-1' })).body.status).toBe('duplicate');
    expect(t.records).toHaveLength(0);
  });

  it('a copy resent while the first is being recorded gets the first one answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: AlertRecord[] = [];
    const t = setup({ record: async (r) => (await gate, void written.push(r)) });
    const first = t.send({ id: 'tv-1' });
    const second = t.send({ id: 'tv-1' });
    expect(t.intake.busy).toBe(true);
    release();
    expect((await first).body.status).toBe('accepted');
    expect((await second).body.status).toBe('duplicate');
    expect(written).toHaveLength(1);
  });

  it('an alert that cannot be recorded is answered 503 (the sender retries) and remembered as nothing', async () => {
    let fail = true;
    const t = setup({ record: async () => {
      if (fail) throw new Error('ENOSPC: no space left on device');
    } });
    const a = await t.send({ id: 'tv-1' });
    expect(a.status).toBe(503);
    expect(t.book.pending).toBe(0);
    fail = false;
    expect((await t.send({ id: 'tv-1' })).body.status).toBe('accepted');
  });

  it.each([
    ['a wrong secret', { secret: 'a-secret-of-20-chaRS' }, 401, 'bad-secret'],
    ['no secret', { secret: undefined }, 401, 'bad-secret'],
    ['an unknown pair', { pair: 'ETH/USDT' }, 422, 'unknown-pair'],
    ['a size the engine cannot trade', { size: '0.1', sizeType: 'base' }, 422, 'unsupported'],
    ['a misspelled key', { acton: 'buy' }, 400, 'invalid'],
    ['an old alert', { time: new Date(NOW - 61_000).toISOString() }, 422, 'stale'],
    ['an alert from the future', { time: new Date(NOW + 61_000).toISOString() }, 422, 'stale'],
  ])('refuses %s, counted as such, nothing recorded', async (_what, x, status, fate) => {
    const t = setup();
    const a = await t.send(x);
    expect(a.status).toBe(status);
    expect(a.body).toMatchObject({ status: 'refused', fate });
    expect(t.fates.map((f) => f.fate)).toEqual([fate]);
    expect(t.records).toHaveLength(0);
    expect(t.book.pending).toBe(0);
  });

  it('refuses a body that is not JSON', async () => {
    const t = setup();
    expect((await t.intake.receive('buy BTC now')).status).toBe(400);
  });

  it('limits the rate of alerts with the right secret, and says when to come back', async () => {
    const t = setup({ rate: 3 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t.send({ id: `b-${i}` }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.retryAfterMs).toBeGreaterThan(0);
    t.setNow(NOW + 60_001);
    expect((await t.send({ id: 'b-5' })).status).toBe(200);
  });

  it('an alert received after the engine took a candle takes effect after that candle', async () => {
    const t = setup();
    t.book.claim(0, NOW + 5_000); // the candle closing 5 s from now is already the engine's
    const a = await t.send({ id: 'tv-1' });
    expect(a.body.takesEffect).toBe(new Date(NOW + 5_000).toISOString());
    expect(t.records[0]!.sentAt).toBe(new Date(NOW).toISOString());
  });
});
