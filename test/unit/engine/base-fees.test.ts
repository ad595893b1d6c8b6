import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.js';
import { SimulatedClock } from '../../../src/engine/clocks.js';
import { ArrayFeed } from '../../../src/data/array-feed.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import type { OrderRequest } from '../../../src/core/orders.js';
import type { ExchangeEvent, ExchangePort, SubmitResult } from '../../../src/engine/ports.js';
import type { StrategyContext } from '../../../src/strategies/types.js';
import { bars } from '../../support/candles.js';

/**
 * An exchange that charges its fee in the base currency (as Binance does on buys): the exit must
 * sell what the wallet really holds, net of that fee, and leave nothing behind.
 */
class BaseFeeExchange implements ExchangePort {
  readonly sent: OrderRequest[] = [];
  private events: ExchangeEvent[] = [];
  private seq = 0;
  market() {
    return undefined;
  }
  async submit(req: OrderRequest): Promise<SubmitResult> {
    this.sent.push(req);
    const price = new Dec(100);
    const fee = req.side === 'buy' ? req.amount.mul('0.001') : req.amount.mul(price).mul('0.001');
    this.events.push({
      kind: 'fill',
      fill: { tradeId: `t${++this.seq}`, clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, qty: req.amount, price, cost: req.amount.mul(price), fee, feeCurrency: req.side === 'buy' ? 'BTC' : 'USDT', time: req.createdAt },
    });
    return { exchangeId: String(this.seq), status: 'open' };
  }
  async cancel() {}
  async fetchOrder() {
    return null;
  }
  async fetchBalances() {
    return {};
  }
  drainEvents(): ExchangeEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

describe('fees charged in the base currency', () => {
  it('sells exactly what the wallet holds after a base-currency fee, closing the round trip', async () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ]);
    const ex = new BaseFeeExchange();
    let i = -1;
    const strategy = {
      onCandle(ctx: StrategyContext) {
        i++;
        if (i === 0) ctx.buy();
        if (i === 1) ctx.sell();
      },
    };
    const engine = new Engine(
      [{ symbol: 'BTC/USDT', market: marketFor('BTC/USDT'), strategy }],
      { quote: 'USDT', initialBalances: { USDT: new Dec(1000) }, stake: { kind: 'fixed', value: new Dec(100) }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
      { clock: new SimulatedClock(), feed: new ArrayFeed([s]), exchange: ex, store: new MemoryStore() },
    );
    await engine.run();
    expect(ex.sent.map((r) => [r.side, r.amount.toString()])).toEqual([
      ['buy', '1'],
      ['sell', '0.999'],
    ]);
    expect(engine.portfolio.balance('BTC').toString()).toBe('0');
    expect(engine.portfolio.open.size).toBe(0);
    expect(engine.portfolio.closed).toHaveLength(1);
  });
});
