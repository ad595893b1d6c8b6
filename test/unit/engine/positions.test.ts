/**
 * Strategy API version 2 and the position rules in the one engine, on hand-made candles whose
 * outcome is worked out in each test: partial exits, adds, ctx.trade, the ROI table, the profit
 * ladder with break-even, re-entries after a stop, DCA, Kelly and ATR stakes. Every leg keeps its
 * reason.
 */
import { describe, expect, it } from 'vitest';
import { composeBacktest } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor, type MarketInfo } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import type { StrategyContext, StrategyInstance, TradeView } from '../../../src/strategies/types.js';
import type { EngineSettings } from '../../../src/engine/engine.js';
import type { CandleSeries } from '../../../src/core/candles.js';
import { bars } from '../../support/candles.js';

function scripted(actions: Record<number, (ctx: StrategyContext) => void>): StrategyInstance {
  let i = -1;
  return {
    onCandle(ctx) {
      i++;
      actions[i]?.(ctx);
    },
  };
}

function backtest(series: CandleSeries, strategy: StrategyInstance, o: Partial<EngineSettings> & { market?: MarketInfo } = {}) {
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
  return composeBacktest({ series, market, strategy, settings, slippageBps: 0, balances: settings.initialBalances });
}

const legs = (l: readonly { time: number; price: Dec; qty: Dec; reason: string }[]) => l.map((x) => ({ time: x.time, price: x.price.toNumber(), qty: x.qty.toNumber(), reason: x.reason }));
const flat = (n: number, p = 100) => Array.from({ length: n }, () => [p, p + 0.5, p - 0.5, p] as [number, number, number, number]);

describe('strategy API v2: partial exits, adds and ctx.trade', () => {
  it('sells half, then the rest: one round trip with two exits', async () => {
    const S = bars([...flat(2), [100, 101, 99, 100], [104, 105, 103, 104], [110, 111, 109, 110], [120, 121, 119, 120]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy(), 3: (c) => c.sell({ fraction: 0.5, tag: 'half' }), 4: (c) => c.sell() }));
    await engine.run();
    expect(engine.portfolio.open.size).toBe(0);
    const [rt] = engine.portfolio.closed;
    const q = 5000 / 100;
    expect(legs(rt!.entries)).toEqual([{ time: S.time[2], price: 100, qty: q, reason: 'signal' }]);
    expect(legs(rt!.exits)).toEqual([
      { time: S.time[4], price: 110, qty: q / 2, reason: 'signal' },
      { time: S.time[5], price: 120, qty: q / 2, reason: 'signal' },
    ]);
    expect(rt!.exitReason).toBe('signal');
    // the average exit price of the round trip
    expect(rt!.exitPrice!.toNumber()).toBeCloseTo(115, 12);
  });

  it('adds to a position up to maxEntries and shows the trade to the strategy', async () => {
    const seen: (TradeView | undefined)[] = [];
    const S = bars([...flat(2), [100, 101, 99, 100], [90, 91, 89, 90], [90, 96, 89, 95], [95, 96, 94, 95], [95, 96, 94, 95], [95, 96, 94, 95]]);
    const snap = (c: StrategyContext) => seen.push(c.trade ? { ...c.trade, profitPct: c.trade.profitPct, maxProfitPct: c.trade.maxProfitPct } : undefined);
    const strat = scripted({
      0: snap,
      1: (c) => c.buy({ quote: 1000 }), // 10 at 100 (bar 2)
      2: snap,
      3: (c) => (snap(c), c.buy({ quote: 900 })), // 10 at 90 (bar 4)
      4: (c) => (snap(c), c.buy({ quote: 500 })), // a third entry: refused by maxEntries 2
      5: (c) => (snap(c), c.sell({ amount: 5 })), // fills at bar 6
      6: snap,
    });
    const { engine } = backtest(S, strat, { maxEntries: 2 });
    await engine.run();
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toMatchObject({ entries: 1, qty: 10, avgPrice: 100, openedAt: S.time[2], exitsDone: 0 });
    expect(seen[1]!.profitPct).toBeCloseTo(0, 12);
    expect(seen[2]).toMatchObject({ entries: 1, qty: 10 });
    expect(seen[2]!.profitPct).toBeCloseTo(-0.1, 12);
    // after the add: 10 at 100 and 10 at 90
    expect(seen[3]).toMatchObject({ entries: 2, qty: 20, avgPrice: 95 });
    expect(seen[3]!.profitPct).toBeCloseTo(0, 12);
    expect(seen[3]!.maxProfitPct).toBeCloseTo(100 / 95 - 1, 12); // the best close since the entry was 100
    expect(seen[4]).toMatchObject({ entries: 2, qty: 20 });
    expect(seen[5]).toMatchObject({ entries: 2, qty: 15, exitsDone: 1 });
    const rt = engine.portfolio.open.get('BTC/USDT')!;
    expect(legs(rt.entries).map((l) => [l.price, l.qty])).toEqual([
      [100, 10],
      [90, 10],
    ]);
  });

  it('keeps a v1 buy while in position a no-op (maxEntries 1)', async () => {
    const S = bars(flat(6));
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy(), 3: (c) => c.buy() }));
    await engine.run();
    expect(engine.portfolio.open.get('BTC/USDT')!.entries).toHaveLength(1);
  });

  it('refuses sizes that make no sense in the strategy, naming them', async () => {
    const bad = [(c: StrategyContext) => c.buy({ quote: 10, amount: 1 }), (c: StrategyContext) => c.sell({ fraction: 1.5 }), (c: StrategyContext) => c.buy({ fraction: -1 })];
    for (const f of bad) {
      const { engine } = backtest(bars(flat(3)), scripted({ 1: f }));
      await expect(engine.run()).rejects.toThrow(/strategy threw/);
    }
  });

  it('a partial exit leaves the rest protected: the stop follows the remaining quantity', async () => {
    const S = bars([...flat(2), [100, 101, 99, 100], [101, 102, 100, 101], [101, 102, 100, 101], [101, 102, 80, 85], [85, 86, 84, 85]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy(), 3: (c) => c.sell({ fraction: 0.4 }) }), { protection: { stopLoss: 0.05 } });
    await engine.run();
    const [rt] = engine.portfolio.closed;
    expect(legs(rt!.exits)).toEqual([
      { time: S.time[4], price: 101, qty: 20, reason: 'signal' },
      { time: S.time[5], price: 95, qty: 30, reason: 'stop-loss' },
    ]);
    expect(rt!.exitReason).toBe('stop-loss');
  });

  it('DCA adds are protected with the whole position at the new average', async () => {
    const S = bars([...flat(2), [100, 101, 99, 100], [92, 93, 91, 92], [92, 93, 91, 92], [92, 93, 80, 85], [85, 86, 84, 85]]);
    const { engine, exchange } = backtest(S, scripted({ 1: (c) => c.buy({ quote: 1000 }), 3: (c) => c.buy({ quote: 920 }) }), { maxEntries: 2, protection: { stopLoss: 0.1 } });
    await engine.run();
    // the add fills at bar 4 (10 at 92): the stop is placed again for 20 at 96 * 0.9 = 86.4; bar 5 trades through it
    const [rt] = engine.portfolio.closed;
    expect(legs(rt!.exits)).toEqual([{ time: S.time[5], price: 86.4, qty: 20, reason: 'stop-loss' }]);
    expect(exchange.allOrders().filter((o) => o.purpose === 'stop-loss').map((o) => [o.status, o.amount.toNumber(), o.stopPrice!.toNumber()])).toEqual([
      ['canceled', 10, 90],
      ['filled', 20, 86.4],
    ]);
  });
});

describe('position rules', () => {
  it('roi: exits once the close reaches the minimal return for the trade age', async () => {
    // 1m bars; table 0:0.05, 3:0.01 — at 2 minutes a +3% close is not enough, at 3 minutes +1% is
    const S = bars([...flat(2), [100, 101, 99, 100], [100, 104, 100, 103], [103, 104, 100, 101], [101, 102, 100, 101], [101, 102, 100, 101]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), { positions: { roi: [{ minutes: 0, profit: 0.05 }, { minutes: 3, profit: 0.01 }] } });
    await engine.run();
    const [rt] = engine.portfolio.closed;
    // entry fills at bar 2 (open time t2); bar 4 closes at t2 + 3 min with +1%: sold at bar 5's open
    expect(legs(rt!.exits)).toEqual([{ time: S.time[5], price: 101, qty: 50, reason: 'roi' }]);
  });

  it('ladder: books each level at the next open, moves the stop to break-even after level 1', async () => {
    const S = bars([
      ...flat(2),
      [100, 101, 99, 100], // entry fills at 100
      [100, 101.5, 100, 101.2], // close +1.2%: level 1 (30%) sells at the next open
      [101, 102, 100.5, 101], // level 1 fills at 101; the stop moves to 100 for the rest
      [101, 101, 99, 99.5], // trades through 100: the break-even stop sells the rest at 100
      [99.5, 100, 99, 99.5],
    ]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), {
      protection: { stopLoss: 0.05 },
      positions: { ladder: [{ profit: 0.01, fraction: 0.3 }, { profit: 0.02, fraction: 0.3 }, { profit: 0.04, fraction: 0.4 }], breakevenAfter: 1 },
    });
    await engine.run();
    const [rt] = engine.portfolio.closed;
    expect(legs(rt!.exits)).toEqual([
      { time: S.time[4], price: 101, qty: 15, reason: 'ladder-1' },
      { time: S.time[5], price: 100, qty: 35, reason: 'stop-loss' },
    ]);
  });

  it('ladder: several levels crossed by one close sell one order each; the last sells the rest', async () => {
    const S = bars([...flat(2), [100, 101, 99, 100], [100, 106, 100, 105], [105, 106, 104, 105], [105, 106, 104, 105]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), { positions: { ladder: [{ profit: 0.01, fraction: 0.3 }, { profit: 0.02, fraction: 0.3 }, { profit: 0.04, fraction: 0.4 }] } });
    await engine.run();
    const [rt] = engine.portfolio.closed;
    expect(legs(rt!.exits).map((l) => [l.reason, l.qty, l.price])).toEqual([
      ['ladder-1', 15, 105],
      ['ladder-2', 15, 105],
      ['ladder-3', 20, 105],
    ]);
    expect(rt!.exitReason).toBe('ladder-3');
  });

  it('within one candle the stop comes before a ladder level', async () => {
    // bar 3 trades down through the stop (95) and closes above +1%: the stop wins, no ladder order
    const S = bars([...flat(2), [100, 101, 99, 100], [100, 102, 94, 101.5], [101, 102, 100, 101]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), { protection: { stopLoss: 0.05 }, positions: { ladder: [{ profit: 0.01, fraction: 1 }] } });
    await engine.run();
    const [rt] = engine.portfolio.closed;
    expect(legs(rt!.exits)).toEqual([{ time: S.time[3], price: 95, qty: 50, reason: 'stop-loss' }]);
  });

  it('reentry: buys again when the close is back at the stopped entry within the window, at most N times', async () => {
    const S = bars([
      ...flat(2),
      [100, 101, 99, 100], // 2: entry at 100, stop 98
      [100, 100, 97, 99], // 3: stop at 98
      [99, 100.5, 98.5, 100.2], // 4: close back above 100: re-enter (1 of 2)
      [100.2, 100.3, 97, 97.5], // 5: re-entry fills at 100.2, stop 98.196 hits
      [97.5, 101, 97, 100.5], // 6: back above the stopped entry 100.2: re-enter (2 of 2)
      [100.5, 100.6, 90, 91], // 7: fills at 100.5 and the stop 98.49 hits
      [91, 101, 90, 101], // 8: back above, but the chain is used up
      [101, 102, 100, 101],
    ]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), { protection: { stopLoss: 0.02 }, positions: { reentry: { times: 2, windowBars: 3 } } });
    await engine.run();
    const trips = engine.portfolio.closed.map((rt) => [rt.entries[0]!.reason, rt.entries[0]!.price.toNumber(), rt.exitReason]);
    expect(trips).toEqual([
      ['signal', 100, 'stop-loss'],
      ['reentry', 100.2, 'stop-loss'],
      ['reentry', 100.5, 'stop-loss'],
    ]);
    expect(engine.portfolio.open.size).toBe(0);
  });

  it('reentry: not after the window', async () => {
    const S = bars([...flat(2), [100, 101, 99, 100], [100, 100, 97, 97], ...flat(3, 97), [97, 101, 97, 101], [101, 102, 100, 101]]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy() }), { protection: { stopLoss: 0.02 }, positions: { reentry: { times: 2, windowBars: 2 } } });
    await engine.run();
    expect(engine.portfolio.closed).toHaveLength(1);
    expect(engine.portfolio.open.size).toBe(0);
  });

  it('dca: adds when the close is a further step below the average entry, each scale times the previous', async () => {
    const S = bars([
      ...flat(2),
      [100, 101, 99, 100], // entry: 1000 quote at 100 = 10
      [100, 100, 97, 97.9], // -2.1%: add 1500 quote
      [97.9, 98, 97, 97.5], // add fills at 97.9
      [97.5, 98, 95, 95.5], // average (1000 + 1500) / (10 + 15.32) = 98.74; -3.3%: add 2250
      [95.5, 96, 94, 95], // fills
      [95, 96, 90, 90], // further down: no more adds (2 at most)
      [90, 91, 89, 90],
    ]);
    const { engine } = backtest(S, scripted({ 1: (c) => c.buy({ quote: 1000 }) }), { positions: { dca: { times: 2, step: 0.02, scale: 1.5 } } });
    await engine.run();
    const rt = engine.portfolio.open.get('BTC/USDT')!;
    expect(rt.entries.map((l) => [l.reason, l.cost.toNumber()])).toEqual([
      ['signal', 1000],
      ['dca', expect.closeTo(1500, 6)],
      ['dca', expect.closeTo(2250, 6)],
    ]);
    expect(rt.entries[1]!.time).toBe(S.time[4]);
    expect(rt.entries[2]!.time).toBe(S.time[6]);
  });
});

describe('dynamic stakes', () => {
  it('kelly: the floor until enough closed trades, then F times the Kelly fraction of their returns, capped by max-stake', async () => {
    // 12 trades: 8 wins of +2%, 4 losses of -1% (gross); then a 13th entry
    const rows: [number, number, number, number][] = [...flat(2)];
    const acts: Record<number, (c: StrategyContext) => void> = {};
    for (let t = 0; t < 12; t++) {
      const i = rows.length;
      const win = t % 3 !== 2;
      rows.push([100, 100.5, 99.5, 100], [100, 100.5, 99.5, 100], [win ? 102 : 99, 102.5, 98.5, 100]);
      acts[i - 1] = (c) => c.buy();
      acts[i + 1] = (c) => c.sell();
    }
    const last = rows.length;
    rows.push([100, 100.5, 99.5, 100], [100, 100.5, 99.5, 100], [100, 100.5, 99.5, 100]);
    acts[last] = (c) => c.buy();
    const sizes: number[] = [];
    const S = bars(rows);
    const { engine } = backtest(S, scripted(acts), { stake: { kind: 'kelly', value: new Dec('0.5') }, kelly: { window: 50, minTrades: 10, floor: 0.02 }, maxStake: { kind: 'fraction', value: new Dec('0.9') } });
    await engine.run();
    for (const rt of [...engine.portfolio.closed, ...engine.portfolio.open.values()]) sizes.push(rt.entries[0]!.cost.toNumber());
    expect(sizes).toHaveLength(13);
    // the first ten at the floor: 2% of equity at the signal close
    expect(sizes[0]! / 10_000).toBeCloseTo(0.02, 6);
    // after 10+ trades: win rate and payoff from the closed trades' net returns
    const rets = engine.portfolio.closed.slice(0, 12).map((rt) => rt.exitProceeds.minus(rt.entryCost).minus(rt.fees).div(rt.entryCost).toNumber());
    const wins = rets.filter((r) => r > 0);
    const losses = rets.filter((r) => r < 0);
    const w = wins.length / rets.length;
    const payoff = wins.reduce((s, x) => s + x, 0) / wins.length / (-losses.reduce((s, x) => s + x, 0) / losses.length);
    const f = 0.5 * (w - (1 - w) / payoff);
    expect(f).toBeGreaterThan(0.02);
    const equityAtSignal = engine.equityValue[last]!;
    expect(sizes[12]! / equityAtSignal).toBeCloseTo(f, 6);
  });

  it('atr: risks R of equity per ATR(14) of stop distance', async () => {
    const rows: [number, number, number, number][] = Array.from({ length: 20 }, (_, i) => [100, 101 + (i % 2), 99, 100]);
    const S = bars(rows);
    const { engine } = backtest(S, scripted({ 17: (c) => c.buy() }), { stake: { kind: 'atr', value: new Dec('0.01') } });
    await engine.run();
    // true ranges: 2 or 3 alternately (high 101/102, low 99, close 100); ATR(14) (Wilder, TA-Lib seed) at bar 17
    const tr = rows.map(([, h, l], i) => (i === 0 ? NaN : Math.max(h - l, Math.abs(h - 100), Math.abs(l - 100))));
    let atr = tr.slice(1, 15).reduce((s, x) => s + x, 0) / 14;
    for (let i = 15; i <= 17; i++) atr = (atr * 13 + tr[i]!) / 14;
    const rt = engine.portfolio.open.get('BTC/USDT')!;
    expect(rt.entryQty.toNumber()).toBeCloseTo((10_000 * 0.01) / atr, 9);
  });
});
