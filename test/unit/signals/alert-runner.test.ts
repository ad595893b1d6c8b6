import { afterAll, describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { indicators } from '../../../src/indicators/index.js';
import { AlertRunner } from '../../../src/signals/alert-runner.js';
import { TickerMap } from '../../../src/signals/ticker-map.js';
import { webhookStrategy } from '../../../src/signals/webhook-strategy.js';
import { bars } from '../../support/candles.js';
import { cleanupTmpDirs, makeTmpDir, writeFile } from '../../support/cli.js';

afterAll(cleanupTmpDirs);

const T0 = 1_700_000_000_000;
const S = bars(Array.from({ length: 10 }, (_, i) => [100 + i, 101 + i, 99 + i, 100 + i] as const), T0);
const at = (bar: number, plusSec = 30) => new Date(T0 + bar * 60_000 + plusSec * 1000).toISOString();

async function replay(lines: Record<string, unknown>[], o: { paused?: boolean; warmup?: number } = {}) {
  const dir = makeTmpDir();
  const file = writeFile(dir, 'alerts.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const runner = await AlertRunner.fromFile({ file, shownAs: 'alerts.jsonl', pairs: ['BTC/USDT'], timeframeMs: 60_000, stake: { kind: 'fraction', value: new Dec('0.5') }, tickers: new TickerMap(['BTC/USDT']), series: S, warmup: o.warmup ?? 0 });
  const { engine } = composeBacktest({
    series: S,
    market: marketFor('BTC/USDT'),
    strategy: webhookStrategy.create({}, { indicators, signals: runner.tools }),
    settings: { quote: 'USDT', initialBalances: { USDT: new Dec(10_000) }, stake: { kind: 'fraction', value: new Dec('0.5') }, feeRate: new Dec(0), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
    slippageBps: 0,
    balances: { USDT: new Dec(10_000) },
    wrapFeed: (f) => runner.wrapFeed(f),
  });
  runner.attach(engine);
  if (o.paused) engine.setPaused(true);
  await engine.run();
  runner.settle();
  const trips = [...engine.portfolio.closed, ...engine.portfolio.open.values()].map((t) => ({ entry: (t.entryTime - T0) / 60_000, exit: t.exitTime === null ? null : (t.exitTime - T0) / 60_000 }));
  return { trips, fates: runner.runtime().alerts!, summary: runner.summary()[0] };
}

describe('replaying alerts through the engine', () => {
  it('acts on each alert at the first candle that closes after it, and says what became of each', async () => {
    const r = await replay([
      { time: at(1), pair: 'BTC/USDT', action: 'buy', id: 'b1' },
      { time: at(2), pair: 'BTC/USDT', action: 'buy', id: 'b2' }, // already in: nothing to do
      { time: at(4, 10), pair: 'BTC/USDT', action: 'buy', id: 'b3' }, // superseded by the exit in the same candle
      { time: at(4, 40), pair: 'BTC/USDT', action: 'exit', id: 'x1' },
      { time: at(6), ticker: 'BTCUSDT', action: 'sell', id: 's1' }, // flat: nothing to do
      { time: at(7), pair: 'BTC/USDT', action: 'buy', id: 'b1' }, // the same id again: a duplicate
    ]);
    expect(r.trips).toEqual([{ entry: 2, exit: 5 }]);
    expect(r.fates).toMatchObject({ acted: 2, ignored: 2, superseded: 1, duplicate: 1, denied: 0 });
  });

  it('an alert the risk gate refuses is counted as denied', async () => {
    const r = await replay([{ time: at(1), pair: 'BTC/USDT', action: 'buy' }], { paused: true });
    expect(r.trips).toEqual([]);
    expect(r.fates).toMatchObject({ denied: 1, acted: 0 });
  });

  it('alerts before the first traded candle (or in the warm-up) and after the last are reported, never acted on', async () => {
    const r = await replay(
      [
        { time: at(-5), pair: 'BTC/USDT', action: 'buy', id: 'early' },
        { time: at(1), pair: 'BTC/USDT', action: 'buy', id: 'warm' },
        { time: at(3), pair: 'BTC/USDT', action: 'buy', id: 'ok' },
        { time: at(30), pair: 'BTC/USDT', action: 'exit', id: 'late' },
        { time: at(3), pair: 'ETH/USDT', action: 'buy', id: 'eth' },
      ],
      { warmup: 2 },
    );
    expect(r.trips).toEqual([{ entry: 4, exit: null }]);
    expect(r.summary).toBe('alerts: 4 read, 1 acted on, 0 denied, 0 with nothing to do, 0 superseded, 1 for other pairs, 2 before the first traded candle, 1 after the last candle');
  });
});
