import { Dec } from '../../src/core/money.js';
import { marketFor } from '../../src/core/market.js';
import { MutableCandleSeries } from '../../src/core/candles.js';
import { SimExchange } from '../../src/exchange/sim-exchange.js';
import { exchangePortContract, SYMBOL, type HarnessOptions } from './exchange-port.contract.js';

async function inMemory(o: HarnessOptions) {
  const ex = new SimExchange({
    markets: [marketFor(SYMBOL, { priceTick: new Dec(o.market.priceTick), amountStep: new Dec(o.market.amountStep), minAmount: new Dec(o.market.minAmount), minNotional: new Dec(o.market.minNotional) })],
    balances: { USDT: new Dec(o.balances.USDT), BTC: new Dec(o.balances.BTC) },
    feeRate: new Dec(o.fee),
    slippageBps: o.slippageBps,
    ...(o.maxVolumeFraction !== undefined ? { maxVolumeFraction: o.maxVolumeFraction } : {}),
  });
  const bars = new MutableCandleSeries(60_000);
  let t = 1_700_000_000_000;
  return {
    port: ex,
    // time moves by feeding the exchange a bar that trades only at `price`
    async advance(price: number, volume = 1e9) {
      bars.push((t += 60_000), price, price, price, price, volume);
      ex.onBar(SYMBOL, bars, bars.length - 1);
    },
    async close() {},
  };
}

exchangePortContract('in-memory SimExchange', inMemory);
