/**
 * Every position feature backtested on a slice of a shared Binance file: each one acts (its
 * reason shows on the trades' legs), and the books add up: the legs of each trade make its
 * quantity and fees, and the final equity is the cash plus every trade's PnL.
 */
import { expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../../src/backtest.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { BacktestResult } from '../../src/report/result.js';
import { Dec } from '../../src/core/money.js';
import { describeSharedData, sharedFile } from '../support/shared-data.js';

const V2 = fileURLToPath(new URL('../fixtures/strategies/positions-v2.mjs', import.meta.url));

async function backtest(over: ConfigInput): Promise<BacktestResult> {
  const cfg = resolveConfig({
    cash: 10_000,
    stake: '30%',
    fee: 0.001,
    market: { amountStep: 0.00001, priceTick: 0.01, minAmount: 0.00001, minNotional: 5 },
    ...over,
    backtest: { data: sharedFile('binance_BTC_USDT-5m_2024-12-31_2026-02-19.csv'), from: '2025-03-01', to: '2025-03-20', ...over.backtest },
  });
  return (await runBacktest(cfg, { cwd: process.cwd() })).result;
}

function reasons(r: BacktestResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of r.trades) for (const l of [...t.entries, ...t.exits]) out[l.reason] = (out[l.reason] ?? 0) + 1;
  return out;
}

function booksAddUp(r: BacktestResult): void {
  let pnl = new Dec(0);
  for (const t of r.trades) {
    const sum = (legs: typeof t.entries, k: 'qty' | 'fee') => legs.reduce((s, l) => s.plus(new Dec(l[k])), new Dec(0));
    expect(sum(t.entries, 'qty').eq(new Dec(t.qty)), 'entries make the quantity').toBe(true);
    expect(sum(t.entries, 'fee').plus(sum(t.exits, 'fee')).eq(new Dec(t.fees)), 'legs make the fees').toBe(true);
    if (!t.open) {
      expect(sum(t.exits, 'qty').lte(new Dec(t.qty))).toBe(true);
      expect(t.exitReason).toBe(t.exits.at(-1)!.reason);
    }
    pnl = pnl.plus(new Dec(t.pnl));
  }
  expect(r.metrics.finalEquity).toBeCloseTo(new Dec(10_000).plus(pnl).toNumber(), 6);
}

describeSharedData('position features on a shared 5m file (March 2025)', () => {
  const cases: { name: string; cfg: ConfigInput; expect: string[] }[] = [
    { name: 'roi table', cfg: { risk: { roi: '0:0.01,60:0.004,240:0' } }, expect: ['roi'] },
    { name: 'ladder with a stop and break-even', cfg: { risk: { stopLoss: 0.01, takeProfitLadder: '0.003:0.3,0.006:0.3,0.01:0.4', breakevenAfter: 1 } }, expect: ['ladder-1', 'ladder-2', 'ladder-3', 'stop-loss'] },
    { name: 're-entries after a stop', cfg: { risk: { stopLoss: 0.004, reentry: 2, reentryWindow: 12 } }, expect: ['reentry', 'stop-loss'] },
    { name: 'dca', cfg: { risk: { dca: 2, dcaStep: 0.004, dcaScale: 1.5 } }, expect: ['dca'] },
    { name: 'kelly stake', cfg: { stake: 'kelly:0.5', risk: { maxStake: '50%', kellyMinTrades: 5 } }, expect: ['signal'] },
    { name: 'atr stake', cfg: { stake: 'atr:0.002', risk: { maxStake: '60%' } }, expect: ['signal'] },
    { name: 'a v2 strategy: higher timeframe, partial exits', cfg: { strategy: { name: V2, params: {} } }, expect: ['signal'] },
  ];
  for (const c of cases) {
    it(`${c.name}: acts, and the books add up`, async () => {
      const r = await backtest(c.cfg);
      const seen = reasons(r);
      for (const want of c.expect) expect(seen[want] ?? 0, `${want} in ${JSON.stringify(seen)}`).toBeGreaterThan(0);
      expect(r.metrics.trades).toBeGreaterThan(5);
      booksAddUp(r);
    });
  }

  it('kelly sizes by the closed trades once there are enough, atr by the volatility', async () => {
    const k = await backtest({ stake: 'kelly:0.5', risk: { maxStake: '50%', kellyMinTrades: 5, kellyFloor: 0.01 } });
    const costs = k.trades.map((t) => t.entries[0]!.price).map((p, i) => Number(p) * Number(k.trades[i]!.entries[0]!.qty));
    // the first five at the floor (1% of equity), later ones differ
    for (const c of costs.slice(0, 5)) expect(c).toBeLessThan(110);
    expect(new Set(costs.slice(5).map((c) => Math.round(c))).size).toBeGreaterThan(1);
    const a = await backtest({ stake: 'atr:0.002' });
    const qtys = a.trades.map((t) => Number(t.qty));
    expect(Math.max(...qtys) / Math.min(...qtys)).toBeGreaterThan(1.5); // sizes follow the ATR
  });

  it('a v2 strategy with partial exits: trades with two exits', async () => {
    const r = await backtest({ strategy: { name: V2, params: {} } });
    expect(r.trades.some((t) => t.exits.length === 2)).toBe(true);
  });
});
