import { describe, expect, it } from 'vitest';
import { SimExchange } from '../../../src/exchange/sim-exchange.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderRejectedError } from '../../../src/core/errors.js';
import type { OrderRequest } from '../../../src/core/orders.js';
import type { ExchangeEvent } from '../../../src/engine/ports.js';
import { bars } from '../../support/candles.js';

const SYM = 'BTC/USDT';

function exchange(opts: { usdt?: number; btc?: number; fee?: number; slippageBps?: number; maxVolumeFraction?: number; market?: Parameters<typeof marketFor>[1] } = {}) {
  return new SimExchange({
    markets: [marketFor(SYM, opts.market ?? {})],
    balances: { USDT: new Dec(opts.usdt ?? 10_000), BTC: new Dec(opts.btc ?? 0) },
    feeRate: new Dec(opts.fee ?? 0.001),
    slippageBps: opts.slippageBps ?? 0,
    ...(opts.maxVolumeFraction !== undefined ? { maxVolumeFraction: opts.maxVolumeFraction } : {}),
  });
}

let seq = 0;
function req(p: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type'>): OrderRequest {
  return { clientOrderId: `t-${++seq}`, symbol: SYM, amount: new Dec(1), purpose: 'entry', createdAt: 0, ...p };
}

const fills = (evs: ExchangeEvent[]) => evs.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));

describe('simulated exchange fill model', () => {
  it('fills a market buy at the next bar open plus slippage and charges the fee in quote', async () => {
    const ex = exchange({ slippageBps: 10 });
    const s = bars([[100, 110, 90, 105]]);
    await ex.submit(req({ side: 'buy', type: 'market', amount: new Dec(2) }));
    ex.onBar(SYM, s, 0);
    const [f] = fills(ex.drainEvents());
    expect(f!.price.toNumber()).toBeCloseTo(100.1, 12);
    expect(f!.fee.toNumber()).toBeCloseTo(2 * 100.1 * 0.001, 12);
    const b = await ex.fetchBalances();
    expect(b.BTC!.total.toString()).toBe('2');
    expect(b.USDT!.total.toNumber()).toBeCloseTo(10_000 - 200.2 - 0.2002, 9);
  });

  it('fills a limit buy at its price when the bar trades through it, and at the open when the bar opens below it', async () => {
    const ex = exchange();
    const s = bars([
      [100, 101, 99.5, 100], // not reached
      [100, 100, 94, 96], // trades through 95
      [90, 92, 89, 91], // opens below 93
    ]);
    await ex.submit(req({ clientOrderId: 'a', side: 'buy', type: 'limit', price: new Dec(95) }));
    await ex.submit(req({ clientOrderId: 'b', side: 'buy', type: 'limit', price: new Dec(93) }));
    ex.onBar(SYM, s, 0);
    expect(fills(ex.drainEvents())).toHaveLength(0);
    ex.onBar(SYM, s, 1);
    const f1 = fills(ex.drainEvents());
    expect(f1.map((f) => [f.clientOrderId, f.price.toNumber()])).toEqual([['a', 95]]);
    ex.onBar(SYM, s, 2);
    expect(fills(ex.drainEvents()).map((f) => [f.clientOrderId, f.price.toNumber()])).toEqual([['b', 90]]);
  });

  it('assumes the stop hits first when a stop-loss and a take-profit both fall inside one bar', async () => {
    const ex = exchange();
    const s = bars([
      [100, 100, 100, 100],
      [100, 120, 80, 100], // both 95 (stop) and 110 (target) inside
    ]);
    await ex.submit(req({ side: 'buy', type: 'market', protection: { stopLoss: 0.05, takeProfit: 0.1 } }));
    ex.onBar(SYM, s, 0); // entry at 100, bracket placed
    ex.drainEvents();
    ex.onBar(SYM, s, 1);
    const evs = ex.drainEvents();
    const exits = fills(evs);
    expect(exits).toHaveLength(1);
    expect(exits[0]!.price.toNumber()).toBe(95);
    expect(ex.openOrders()).toHaveLength(0); // the target was cancelled with it (one-cancels-other)
  });

  it('checks a stop on the bar its entry filled on, and fills at the open when the bar gaps through it', async () => {
    const ex = exchange();
    const s = bars([
      [100, 100, 94, 96], // entry at the open (100), stop 98 hit inside the same bar
      [100, 100, 100, 100],
    ]);
    await ex.submit(req({ side: 'buy', type: 'market', protection: { stopLoss: 0.02 } }));
    ex.onBar(SYM, s, 0);
    expect(fills(ex.drainEvents()).map((f) => f.price.toNumber())).toEqual([100, 98]);

    const ex2 = exchange();
    const s2 = bars([
      [100, 101, 99, 100],
      [90, 91, 85, 88], // gaps below the 98 stop
    ]);
    await ex2.submit(req({ side: 'buy', type: 'market', protection: { stopLoss: 0.02 } }));
    ex2.onBar(SYM, s2, 0);
    ex2.onBar(SYM, s2, 1);
    expect(fills(ex2.drainEvents()).map((f) => f.price.toNumber())).toEqual([100, 90]);
  });

  it('trails the stop below the highest high seen before the current bar', async () => {
    const ex = exchange();
    const s = bars([
      [100, 100, 100, 100], // entry at 100; trail 10% -> 90
      [100, 120, 100, 118], // high 120 -> stop becomes 108 from the next bar
      [118, 119, 109, 110], // 109 > 108: holds
      [110, 111, 105, 106], // hits 108
    ]);
    await ex.submit(req({ side: 'buy', type: 'market', protection: { trailingStop: 0.1 } }));
    for (let i = 0; i < 4; i++) ex.onBar(SYM, s, i);
    const f = fills(ex.drainEvents());
    expect(f).toHaveLength(2);
    expect(f[1]!.price.toNumber()).toBeCloseTo(108, 9);
    expect(f[1]!.time).toBe(s.time[3]);
  });

  it('expires a market buy that the free balance cannot pay at the fill price', async () => {
    const ex = exchange({ usdt: 100 });
    const s = bars([[120, 120, 120, 120]]);
    await ex.submit(req({ side: 'buy', type: 'market', amount: new Dec(1) }));
    ex.onBar(SYM, s, 0);
    const evs = ex.drainEvents();
    expect(fills(evs)).toHaveLength(0);
    expect(evs.some((e) => e.kind === 'status' && e.status === 'expired')).toBe(true);
    expect((await ex.fetchBalances()).USDT!.total.toString()).toBe('100');
  });

  it('fills large orders partially across candles when a volume fraction is configured', async () => {
    const ex = exchange({ maxVolumeFraction: 0.001, usdt: 1e9 }); // 1000 volume per bar -> 1 BTC per bar
    const s = bars([
      [100, 100, 100, 100],
      [101, 101, 101, 101],
      [102, 102, 102, 102],
    ]);
    await ex.submit(req({ clientOrderId: 'big', side: 'buy', type: 'market', amount: new Dec('2.5') }));
    for (let i = 0; i < 3; i++) ex.onBar(SYM, s, i);
    const f = fills(ex.drainEvents());
    expect(f.map((x) => x.qty.toString())).toEqual(['1', '1', '0.5']);
    expect(new Set(f.map((x) => x.tradeId)).size).toBe(3);
    expect((await ex.fetchOrder('big'))!.status).toBe('filled');
  });

  it('locks balances for open orders and releases them on cancel', async () => {
    const ex = exchange({ fee: 0 });
    await ex.submit(req({ clientOrderId: 'l', side: 'buy', type: 'limit', price: new Dec(50), amount: new Dec(100) }));
    let b = await ex.fetchBalances();
    expect(b.USDT!.used.toString()).toBe('5000');
    expect(b.USDT!.free.toString()).toBe('5000');
    await ex.cancel('l', SYM);
    b = await ex.fetchBalances();
    expect(b.USDT!.used.toString()).toBe('0');
    expect(b.USDT!.free.toString()).toBe('10000');
    await expect(ex.cancel('l', SYM)).rejects.toMatchObject({ code: 'order-not-found' });
  });

  it('refuses insufficient funds, off-step amounts, off-tick prices, minimums and duplicate client ids', async () => {
    const ex = exchange({ usdt: 100, market: { amountStep: new Dec('0.001'), priceTick: new Dec('0.01'), minNotional: new Dec(10) } });
    const code = async (r: OrderRequest) => {
      try {
        await ex.submit(r);
        return 'accepted';
      } catch (e) {
        return (e as OrderRejectedError).code;
      }
    };
    expect(await code(req({ side: 'buy', type: 'limit', price: new Dec(200), amount: new Dec(1) }))).toBe('insufficient-funds');
    expect(await code(req({ side: 'buy', type: 'limit', price: new Dec(20), amount: new Dec('0.0005') }))).toBe('invalid-order');
    expect(await code(req({ side: 'buy', type: 'limit', price: new Dec('20.001'), amount: new Dec(1) }))).toBe('invalid-order');
    expect(await code(req({ side: 'buy', type: 'limit', price: new Dec(5), amount: new Dec(1) }))).toBe('below-min-notional');
    expect(await code(req({ clientOrderId: 'dup', side: 'buy', type: 'limit', price: new Dec(20), amount: new Dec(1) }))).toBe('accepted');
    expect(await code(req({ clientOrderId: 'dup', side: 'buy', type: 'limit', price: new Dec(20), amount: new Dec(1) }))).toBe('invalid-order');
  });
});
