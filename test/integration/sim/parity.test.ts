/**
 * One fill model: the same orders on the same candles fill identically in a backtest (SimExchange
 * fed bar by bar) and through real ccxt against the HTTP simulator replaying the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import type { OrderRequest } from '../../../src/core/orders.js';
import { readCandleFile } from '../../../src/data/read-candles.js';
import { SimExchange } from '../../../src/exchange/sim-exchange.js';
import { makeCcxt } from '../../../src/exchange/make-ccxt.js';
import { CcxtExchange } from '../../../src/exchange/ccxt-exchange.js';
import { startSim, SIM_API_KEY, SIM_API_SECRET } from '../../../src/exchange/sim-server/server.js';

const SYMBOL = 'BTC/USDT';
const T0 = 1_704_067_200_000; // 2024-01-01
const MARKET = { priceTick: new Dec('0.01'), amountStep: new Dec('0.001'), minAmount: new Dec('0.001'), minNotional: new Dec('1') };
const SETTINGS = { fee: '0.001', slippageBps: 5, maxVolumeFraction: 0.1 };
const START = 10; // candles before this one are history

function writeCandles(dir: string): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  let prev = 100;
  for (let i = 0; i < 40; i++) {
    const close = Math.round((100 + 10 * Math.sin(i / 4)) * 100) / 100;
    const open = prev;
    rows.push(`${T0 + i * 60_000},${open},${(Math.max(open, close) + 0.5).toFixed(2)},${(Math.min(open, close) - 0.5).toFixed(2)},${close},10`);
    prev = close;
  }
  const file = path.join(dir, 'binance_BTC_USDT-1m_parity.csv');
  writeFileSync(file, rows.join('\n'));
  return file;
}

const orders = (): OrderRequest[] => {
  const base = { symbol: SYMBOL, purpose: 'manual' as const, createdAt: T0 + START * 60_000 };
  return [
    { ...base, clientOrderId: 'p-market-buy', side: 'buy', type: 'market', amount: new Dec('0.5') },
    { ...base, clientOrderId: 'p-limit-buy', side: 'buy', type: 'limit', amount: new Dec('2.5'), price: new Dec(95) },
    { ...base, clientOrderId: 'p-limit-sell', side: 'sell', type: 'limit', amount: new Dec('1.5'), price: new Dec(109) },
    { ...base, clientOrderId: 'p-stop-sell', side: 'sell', type: 'stop', amount: new Dec('0.4'), stopPrice: new Dec(93) },
  ];
};

describe('sim server and backtest share one fill model', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-parity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the same orders on the same candles at the same prices, quantities and times', async () => {
    const file = writeCandles(dir);
    const { series } = await readCandleFile(file);

    // backtest: the exchange is shown each candle from START on
    const bt = new SimExchange({
      markets: [marketFor(SYMBOL, MARKET)],
      balances: { USDT: new Dec(10_000), BTC: new Dec(2) },
      feeRate: new Dec(SETTINGS.fee),
      slippageBps: SETTINGS.slippageBps,
      maxVolumeFraction: SETTINGS.maxVolumeFraction,
      feeDecimals: 8, // as the server charges, like Binance
    });
    for (const o of orders()) await bt.submit(o);
    for (let i = START; i < series.length; i++) bt.onBar(SYMBOL, series, i);

    // the HTTP simulator replays the file from candle START, clock frozen; real ccxt places the orders
    const sim = await startSim({ data: file, start: T0 + START * 60_000, speed: 0, balances: { USDT: 10_000, BTC: 2 }, market: MARKET, ...SETTINGS });
    try {
      const ex = await makeCcxt({ id: 'binance', apiUrl: sim.url, rateLimit: 1, env: { TRADEBOT_API_KEY: SIM_API_KEY, TRADEBOT_API_SECRET: SIM_API_SECRET } });
      const port = await CcxtExchange.connect(ex, { syncTime: true });
      for (const o of orders()) await port.submit(o);
      sim.control.advance(series.length * 60_000);

      const state = sim.control.state();
      const simFills = state.trades.map((t) => [Number(t.price), Number(t.qty), t.isBuyer ? 'buy' : 'sell', t.time]);
      const btFills = bt.trades().map((f) => [f.price.toNumber(), f.qty.toNumber(), f.side, f.time]);
      expect(btFills.length).toBeGreaterThanOrEqual(6); // partial fills happened
      expect(JSON.stringify(simFills)).toBe(JSON.stringify(btFills));

      for (const o of orders()) {
        const a = (await bt.fetchOrder(o.clientOrderId))!;
        const b = (await port.fetchOrder(o.clientOrderId, SYMBOL))!;
        expect([b.status, b.filled.toString(), b.cost.toString(), b.tradeIds.length], o.clientOrderId).toEqual([a.status, a.filled.toString(), a.cost.toString(), a.tradeIds.length]);
      }
      const bb = await port.fetchBalances();
      const ab = bt.balancesSync();
      // Binance writes balances with 8 decimals
      for (const c of ['USDT', 'BTC']) expect(bb[c]!.total.toString(), c).toBe(ab[c]!.total.toDecimalPlaces(8).toString());
    } finally {
      await sim.close();
    }
  });
});
