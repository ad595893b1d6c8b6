import { describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor, type MarketInfo } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { UsageError } from '../../../src/core/errors.js';
import type { StrategyContext, StrategyInstance } from '../../../src/strategies/types.js';
import type { EngineSettings } from '../../../src/engine/engine.js';
import type { CandleSeries } from '../../../src/core/candles.js';
import { bars } from '../../support/candles.js';

/** A strategy that acts on given bar indices: the engine's behaviour, not a strategy's, is under test. */
function scripted(actions: Record<number, (ctx: StrategyContext) => void>): StrategyInstance & { seen: number[] } {
  let i = -1;
  const seen: number[] = [];
  return {
    seen,
    onCandle(ctx) {
      i++;
      seen.push(ctx.close);
      actions[i]?.(ctx);
    },
  };
}

function backtest(series: CandleSeries, strategy: StrategyInstance, o: Partial<EngineSettings> & { market?: MarketInfo; slippageBps?: number } = {}) {
  const market = o.market ?? marketFor('BTC/USDT');
  const settings: EngineSettings = {
    quote: 'USDT',
    initialBalances: { USDT: new Dec(10_000) },
    stake: { kind: 'fraction', value: new Dec('0.5') },
    feeRate: new Dec('0.001'),
    limits: { maxOpenPositions: 1 },
    ids: new OrderIds('t'),
    onStrategyError: 'throw',
    ...o,
  };
  return composeBacktest({ series, market, strategy, settings, slippageBps: o.slippageBps ?? 0, balances: settings.initialBalances });
}

const S = bars([
  [100, 101, 99, 100],
  [100, 102, 99, 101],
  [102, 104, 101, 103], // buy decided on bar 1 fills here at 102
  [103, 106, 102, 105],
  [106, 107, 104, 104], // sell decided on bar 3 fills here at 106
  [104, 105, 103, 104],
]);

describe('the engine', () => {
  it('fills a decision taken on the close of bar t at the open of bar t+1, sized from the signal close', async () => {
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy(), 3: (c) => c.sell() }));
    await engine.run();
    const [rt] = engine.portfolio.closed;
    expect(rt!.entryTime).toBe(S.time[2]);
    expect(rt!.exitTime).toBe(S.time[4]);
    // qty = 50% of 10,000 / close[1] = 5000 / 101
    expect(rt!.entryQty.toNumber()).toBeCloseTo(5000 / 101, 12);
    const qty = 5000 / 101;
    const expectedCash = 10_000 - qty * 102 * 1.001 + qty * 106 * 0.999;
    expect(engine.portfolio.balance('USDT').toNumber()).toBeCloseTo(expectedCash, 9);
    expect(engine.portfolio.balance('BTC').toNumber()).toBe(0);
  });

  it('shows the strategy its own fill on the next candle and keeps an open position open at the end', async () => {
    const positions: boolean[] = [];
    const strat = scripted({ 0: (c) => c.buy() });
    const wrapped: StrategyInstance = { onCandle: (c) => (positions.push(c.inPosition), strat.onCandle(c)) };
    const { engine } = backtest(S, wrapped);
    await engine.run();
    expect(positions).toEqual([false, true, true, true, true, true]);
    expect(engine.portfolio.open.size).toBe(1);
    expect(engine.portfolio.closed).toHaveLength(0);
  });

  it('lets a strategy read only past candles', async () => {
    const errors: string[] = [];
    const { engine } = backtest(
      S,
      scripted({
        2: (c) => {
          expect(c.history.close(0)).toBe(103);
          expect(c.history.close(2)).toBe(100);
          expect(Number.isNaN(c.history.close(3))).toBe(true);
          try {
            c.history.close(-1);
          } catch (e) {
            errors.push((e as Error).name);
          }
        },
      }),
    );
    await engine.run();
    expect(errors).toEqual(['RangeError']);
  });

  it('does not send an entry below the exchange minimum, and records why', async () => {
    const market = marketFor('BTC/USDT', { amountStep: new Dec('0.001'), minNotional: new Dec(20_000) });
    const { engine, exchange } = backtest(S, scripted({ 1: (c) => c.buy() }), { market });
    await engine.run();
    expect(exchange.allOrders()).toHaveLength(0);
    expect(engine.decisions.map((d) => [d.outcome, d.code])).toEqual([['denied', 'below-min-notional']]);
  });

  it('rounds the quantity down to the exchange step before sending', async () => {
    const market = marketFor('BTC/USDT', { amountStep: new Dec('0.01') });
    const { engine, exchange } = backtest(S, scripted({ 1: (c) => c.buy() }), { market });
    await engine.run();
    expect(exchange.allOrders()[0]!.amount.toString()).toBe('49.5'); // 49.504950... rounded down
  });

  it('denies a second position beyond max open positions through the risk gate', async () => {
    const two = bars([[100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 99, 100]]);
    const { engine } = backtest(two, scripted({ 0: (c) => c.buy() }), { limits: { maxOpenPositions: 0 } });
    await engine.run();
    expect(engine.decisions[0]).toMatchObject({ outcome: 'denied', code: 'max-open-positions' });
  });

  it('stops a backtest on a strategy exception, naming the candle', async () => {
    const { engine } = backtest(S, scripted({ 2: () => { throw new Error('boom'); } }));
    const err = await engine.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(new Date(S.time[2]!).toISOString());
  });

  it('halts entries but keeps running on a strategy exception in live-style settings', async () => {
    const { engine } = backtest(S, scripted({ 1: () => { throw new Error('boom'); }, 3: (c) => c.buy() }), { onStrategyError: 'halt' });
    await engine.run();
    expect(engine.barsProcessed).toBe(S.length);
    expect(engine.risk.halt).not.toBeNull();
    expect(engine.decisions[0]).toMatchObject({ outcome: 'denied', code: 'halted' });
  });

  it('ignores a fill it has already applied (same trade id)', async () => {
    const { engine, exchange } = backtest(S, scripted({ 1: (c) => c.buy() }));
    await engine.run();
    const fill = exchange.trades()[0]!;
    const before = engine.portfolio.snapshot();
    engine.applyEvents([{ kind: 'fill', fill }]);
    expect(engine.portfolio.snapshot()).toEqual(before);
    expect(engine.duplicateFills).toBe(1);
  });

  it('keeps the ledger equal to the starting balance plus the sum of fills', async () => {
    const { engine, exchange } = backtest(S, scripted({ 0: (c) => c.buy(), 2: (c) => c.sell(), 3: (c) => c.buy() }));
    await engine.run();
    let usdt = new Dec(10_000);
    let btc = new Dec(0);
    for (const f of exchange.trades()) {
      const sign = f.side === 'buy' ? 1 : -1;
      btc = btc.plus(f.qty.mul(sign));
      usdt = usdt.minus(f.cost.mul(sign)).minus(f.fee);
    }
    expect(engine.portfolio.balance('USDT').eq(usdt)).toBe(true);
    expect(engine.portfolio.balance('BTC').eq(btc)).toBe(true);
    const ex = await exchange.fetchBalances();
    expect(ex.USDT!.total.eq(usdt)).toBe(true);
  });
});
