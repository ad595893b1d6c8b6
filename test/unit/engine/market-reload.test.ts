import { describe, expect, it } from 'vitest';
import type { Exchange } from 'ccxt';
import { CcxtExchange } from '../../../src/exchange/ccxt-exchange.js';

/** A ccxt exchange reduced to what loading markets needs (precision as tick sizes, like Binance). */
function fakeExchange(step: number, minCost: number) {
  const market = (s: number, c: number) => ({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', spot: true, precision: { amount: s, price: 0.01 }, limits: { amount: { min: s }, cost: { min: c } } });
  const ex = {
    precisionMode: 4,
    markets: {} as Record<string, unknown>,
    rules: { step, minCost },
    async loadMarkets() {
      ex.markets = { 'BTC/USDT': market(ex.rules.step, ex.rules.minCost) };
      return ex.markets;
    },
  };
  return ex;
}

describe('market rules reloaded while a bot runs', () => {
  it('updates the step and minimums in place, so holders of the market see the new rules', async () => {
    const ex = fakeExchange(0.001, 10);
    const port = await CcxtExchange.connect(ex as unknown as Exchange);
    const held = port.market('BTC/USDT')!;
    expect(held.amountStep!.toString()).toBe('0.001');
    expect(await port.refreshMarkets()).toEqual([]);

    ex.rules = { step: 0.0001, minCost: 5 };
    expect(await port.refreshMarkets()).toEqual(['BTC/USDT']);
    expect(port.market('BTC/USDT')).toBe(held);
    expect(held.amountStep!.toString()).toBe('0.0001');
    expect(held.minNotional!.toString()).toBe('5');
  });
});
