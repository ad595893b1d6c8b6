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
import { ledgerChecks } from '../../../src/store/state-check.js';
import type { BotStateDoc } from '../../../src/store/bot-state.js';

/**
 * An exchange that charges its fee in the base currency (as Binance does on buys): the exit must
 * sell what the wallet really holds, net of that fee, and leave nothing behind.
 */
class BaseFeeExchange implements ExchangePort {
  constructor(private readonly feeRate = '0.001') {}
  readonly sent: OrderRequest[] = [];
  private events: ExchangeEvent[] = [];
  private seq = 0;
  market() {
    return undefined;
  }
  async submit(req: OrderRequest): Promise<SubmitResult> {
    this.sent.push(req);
    const price = new Dec(100);
    const fee = req.side === 'buy' ? req.amount.mul(this.feeRate) : req.amount.mul(price).mul(this.feeRate);
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

  it('live: the remainder too small to sell leaves the ledger as a transfer (external dust): not in equity, the books add up', async () => {
    const s = bars([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ]);
    const run = async (dustLeavesLedger: boolean) => {
      const ex = new BaseFeeExchange('0.00075');
      let i = -1;
      const strategy = {
        onCandle(ctx: StrategyContext) {
          i++;
          if (i === 0) ctx.buy();
          if (i === 1) ctx.sell();
        },
      };
      const market = marketFor('BTC/USDT', { amountStep: new Dec('0.001') });
      const engine = new Engine(
        [{ symbol: 'BTC/USDT', market, strategy }],
        { quote: 'USDT', initialBalances: { USDT: new Dec(1000) }, stake: { kind: 'fixed', value: new Dec(100) }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 1 }, ids: new OrderIds('t'), onStrategyError: 'throw', dustLeavesLedger },
        { clock: new SimulatedClock(), feed: new ArrayFeed([s]), exchange: ex, store: new MemoryStore() },
      );
      await engine.run();
      return { engine, ex };
    };
    const { engine, ex } = await run(true);
    // bought 1, the fee took 0.00075: 0.99925 held, 0.999 sellable on a 0.001 step
    expect(ex.sent.map((r) => [r.side, r.amount.toString()])).toEqual([
      ['buy', '1'],
      ['sell', '0.999'],
    ]);
    expect(engine.portfolio.closed).toHaveLength(1);
    expect(engine.portfolio.balance('BTC').toString()).toBe('0');
    expect(engine.portfolio.transfers.get('BTC')?.toString()).toBe('-0.00025');
    expect(engine.portfolio.equity({ 'BTC/USDT': 100 }, [engine.instruments[0]!.market]).eq(engine.portfolio.balance('USDT'))).toBe(true);
    const doc = { bot: { pairs: ['BTC/USDT'], mode: 'live' }, settings: { cash: { USDT: '1000' } }, engine: engine.snapshot() } as unknown as BotStateDoc;
    // (the quote rule of state check assumes fees in quote, so only the base rule applies here)
    expect(ledgerChecks(doc).find((l) => l.check === 'base-balance BTC')?.status).toBe('ok');
    // paper and backtests keep the remainder in the ledger, as their simulated exchange does
    expect((await run(false)).engine.portfolio.balance('BTC').toString()).toBe('0.00025');
  });
});
