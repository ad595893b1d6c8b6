import { describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { indicators } from '../../../src/indicators/index.js';
import { httpSignalStrategy } from '../../../src/signals/http-signal-strategy.js';
import { ServiceRunner } from '../../../src/signals/service-runner.js';
import type { AttemptResult } from '../../../src/signals/signal-client.js';
import type { StrategyDefinition } from '../../../src/strategies/types.js';
import { bars } from '../../support/candles.js';

const T0 = 1_700_000_000_000;
const S = bars(Array.from({ length: 12 }, (_, i) => [100 + i, 101 + i, 99 + i, 100 + i] as const), T0);
const long = (confidence = 0.9): AttemptResult => ({ ok: true, answer: { signal: 'long', confidence } });
const flat: AttemptResult = { ok: true, answer: { signal: 'flat', confidence: 0.9 } };
const down: AttemptResult = { ok: false, error: 'answered HTTP 503' };

/** A fallback that wants out on every candle: when it decides, the position ends. */
const alwaysSell: StrategyDefinition = { name: 'always-sell', description: '', params: {}, create: () => ({ onCandle: (ctx) => (ctx.inPosition ? ctx.sell() : undefined) }) };

async function run(answer: (bar: number) => AttemptResult, o: { fallback?: StrategyDefinition; cacheTtlMs?: number; minConfidence?: number } = {}) {
  const asked: { bar: number; requestId: string; auth: string | null }[] = [];
  const logged: Record<string, unknown>[] = [];
  const runner = new ServiceRunner({
    url: 'http://127.0.0.1:9/decide',
    token: 'tok',
    pairs: ['BTC/USDT'],
    timeframe: '1m',
    timeframeMs: 60_000,
    timeoutMs: 1000,
    cacheTtlMs: o.cacheTtlMs ?? 0,
    minConfidence: o.minConfidence ?? 0.5,
    candles: 3,
    fallback: o.fallback ?? null,
    shadowOf: null,
    log: (_level, event, fields) => void (event === 'signal-decision' && logged.push(fields)),
    onChange: () => undefined,
    before: null,
    backoffMs: 1,
    ask: async (req) => {
      const body = JSON.parse(req.body) as { symbol: string; candles: { time: number }[] };
      const bar = (body.candles.at(-1)!.time - T0) / 60_000;
      asked.push({ bar, requestId: req.requestId, auth: req.token });
      expect(body.candles.length).toBeLessThanOrEqual(3);
      return answer(bar);
    },
  });
  const market = marketFor('BTC/USDT');
  const { engine } = composeBacktest({
    series: S,
    market,
    strategy: httpSignalStrategy.create({}, { indicators, signals: runner.tools }),
    settings: { quote: 'USDT', initialBalances: { USDT: new Dec(10_000) }, stake: { kind: 'fraction', value: new Dec('0.5') }, feeRate: new Dec(0), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
    slippageBps: 0,
    balances: { USDT: new Dec(10_000) },
    wrapFeed: (f) => runner.wrapFeed(f),
  });
  runner.attach(engine);
  await engine.run();
  runner.settle();
  const trips = [...engine.portfolio.closed, ...engine.portfolio.open.values()].map((t) => ({ entry: (t.entryTime - T0) / 60_000, exit: t.exitTime === null ? null : (t.exitTime - T0) / 60_000 }));
  return { trips, asked, logged, runner };
}

describe('the http-signal strategy', () => {
  it('enters on long, exits on flat: the candle after the answer', async () => {
    const r = await run((bar) => (bar >= 1 && bar < 4 ? long() : flat));
    expect(r.trips).toEqual([{ entry: 2, exit: 5 }]);
    expect(r.asked.map((a) => a.bar)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(r.asked.every((a) => a.auth === 'tok')).toBe(true);
  });

  it('enters only at the minimum confidence or above', async () => {
    expect((await run((bar) => (bar === 1 ? long(0.49) : bar === 3 ? long(0.5) : flat), { minConfidence: 0.5 })).trips[0]!.entry).toBe(4);
  });

  it('treats short as flat on spot: it exits, it never enters', async () => {
    const r = await run((bar) => (bar >= 1 && bar < 4 ? long() : { ok: true, answer: { signal: 'short', confidence: 1 } }));
    expect(r.trips).toEqual([{ entry: 2, exit: 5 }]);
  });

  it('writes the request id next to the decision it led to', async () => {
    const r = await run((bar) => (bar === 1 ? long() : bar === 6 ? flat : long(0.1)));
    const entry = r.logged.find((l) => l.asked === 'buy')!;
    expect(entry).toMatchObject({ source: 'service', signal: 'long', confidence: 0.9, outcome: 'submitted', pair: 'BTC/USDT' });
    expect(entry.requestId).toBe(r.asked.find((a) => a.bar === 1)!.requestId);
  });

  it('asks 3 times, then stands on its last answer while it is younger than cacheTtl, then on the fallback', async () => {
    // up and long for bars 0-2, then down for good; the last answer (bar 2) is kept for 2 candles
    const r = await run((bar) => (bar <= 2 ? long() : down), { fallback: alwaysSell, cacheTtlMs: 150_000 });
    const sources = r.logged.map((l) => l.source);
    expect(sources.slice(0, 3)).toEqual(['service', 'service', 'service']);
    expect(sources.slice(3, 5)).toEqual(['cache', 'cache']); // bars 3 and 4: 60 and 120 s after bar 2's answer
    expect(sources[5]).toBe('fallback'); // bar 5: 180 s, too old
    expect(r.trips).toEqual([{ entry: 1, exit: 6 }]); // the fallback sold on bar 5
    // bar 3: 3 attempts; bar 4: 2 more open the breaker; then no request goes out
    expect(r.asked.filter((a) => a.bar === 3)).toHaveLength(3);
    expect(r.asked.filter((a) => a.bar >= 3)).toHaveLength(5);
    expect(r.runner.service.breaker.state).toBe('open');
    expect(r.runner.runtime().degraded?.message).toMatch(/signal service down: answered HTTP 503/);
  });

  it('without a fallback decides nothing while the service is down: the position stays', async () => {
    const r = await run((bar) => (bar <= 1 ? long() : down));
    expect(r.trips).toEqual([{ entry: 1, exit: null }]);
    expect(r.runner.service.counts.none).toBeGreaterThan(0);
  });

  it('a service that recovers is followed again and is no longer degraded', async () => {
    let calls = 0;
    const r = await run((bar) => {
      calls++;
      if (bar === 2 && calls < 6) return down; // bar 2: all 3 attempts fail
      return bar < 5 ? long() : flat;
    });
    expect(r.trips).toEqual([{ entry: 1, exit: 6 }]);
    expect(r.runner.runtime().degraded).toBeNull();
  });
});
