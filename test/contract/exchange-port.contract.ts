/**
 * The ExchangePort contract: one suite that every exchange adapter must pass (Hummingbot's
 * connector tests are the model). Run against the in-memory SimExchange and against the ccxt
 * adapter talking to the loopback simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/money.js';
import { OrderRejectedError } from '../../src/core/errors.js';
import { roundAmount, roundPrice } from '../../src/core/market.js';
import type { OrderRequest } from '../../src/core/orders.js';
import type { ExchangeEvent, ExchangePort } from '../../src/engine/ports.js';

export const SYMBOL = 'BTC/USDT';

export interface HarnessOptions {
  balances: { USDT: string; BTC: string };
  fee: string;
  slippageBps: number;
  maxVolumeFraction?: number;
  market: { priceTick: string; amountStep: string; minAmount: string; minNotional: string };
  /** the market price before the first advance */
  startPrice: number;
}

export interface Harness {
  port: ExchangePort;
  /** the market trades at `price` (with `volume`, for partial fills); resting orders see it */
  advance(price: number, volume?: number): Promise<void>;
  close(): Promise<void>;
}

export type HarnessFactory = (o: HarnessOptions) => Promise<Harness>;

const DEFAULTS: HarnessOptions = {
  balances: { USDT: '10000', BTC: '1' },
  fee: '0.001',
  slippageBps: 10,
  market: { priceTick: '0.01', amountStep: '0.00001', minAmount: '0.001', minNotional: '10' },
  startPrice: 100,
};

let seq = 0;
const runId = Date.now().toString(36);
function req(p: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type' | 'amount'>): OrderRequest {
  return { clientOrderId: `ct-${runId}-${++seq}`, symbol: SYMBOL, purpose: 'manual', createdAt: 0, ...p };
}

async function rejection(p: Promise<unknown>): Promise<OrderRejectedError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(OrderRejectedError);
    return err as OrderRejectedError;
  }
  throw new Error('expected the exchange to refuse');
}

const fillsOf = (evs: ExchangeEvent[], coid: string) => evs.flatMap((e) => (e.kind === 'fill' && e.fill.clientOrderId === coid ? [e.fill] : []));

export function exchangePortContract(name: string, factory: HarnessFactory): void {
  describe(`ExchangePort contract: ${name}`, () => {
    let h: Harness | undefined;
    const open = async (o: Partial<HarnessOptions> = {}) => {
      h = await factory({ ...DEFAULTS, ...o });
      await h.advance((o.startPrice ?? DEFAULTS.startPrice));
      return h;
    };
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('fills a market buy at the market price plus slippage and charges the fee in quote', async () => {
      const { port, advance } = await open();
      const r = req({ side: 'buy', type: 'market', amount: new Dec(2) });
      const sent = await port.submit(r);
      expect(sent.exchangeId).toBeTruthy();
      await advance(100);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('filled');
      expect(o!.filled.toString()).toBe('2');
      expect(o!.cost.toNumber()).toBeCloseTo(200.2, 9);
      expect(o!.fee.toNumber()).toBeCloseTo(0.2002, 9);
      const b = await port.fetchBalances();
      expect(b.BTC!.total.toString()).toBe('3');
      expect(b.USDT!.total.toNumber()).toBeCloseTo(10_000 - 200.2 - 0.2002, 9);
    });

    it('rests a limit buy below the market with its quote locked, and fills it at the limit when the price gets there', async () => {
      const { port, advance } = await open();
      const r = req({ side: 'buy', type: 'limit', amount: new Dec(1), price: new Dec(95) });
      await port.submit(r);
      expect((await port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
      let b = await port.fetchBalances();
      expect(b.USDT!.used.toNumber()).toBeCloseTo(95.095, 9);
      expect(b.USDT!.free.plus(b.USDT!.used).toString()).toBe(b.USDT!.total.toString());
      await advance(96);
      expect((await port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
      await advance(95);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('filled');
      expect(o!.cost.toNumber()).toBeCloseTo(95, 9);
      b = await port.fetchBalances();
      expect(b.USDT!.used.toNumber()).toBe(0);
      expect(b.BTC!.total.toString()).toBe('2');
    });

    it('fills a limit sell above the market when the price rises to it', async () => {
      const { port, advance } = await open();
      const r = req({ side: 'sell', type: 'limit', amount: new Dec('0.5'), price: new Dec(110) });
      await port.submit(r);
      expect((await port.fetchBalances()).BTC!.used.toString()).toBe('0.5');
      await advance(109.99);
      expect((await port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
      await advance(110);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('filled');
      expect(o!.cost.toNumber()).toBeCloseTo(55, 9);
    });

    it('fills across several trades when each may take only part of the volume, with distinct trade ids', async () => {
      const { port, advance } = await open({ maxVolumeFraction: 0.5, startPrice: 101 });
      const r = req({ side: 'buy', type: 'limit', amount: new Dec(4), price: new Dec(100) });
      await port.submit(r);
      port.drainEvents();
      await advance(100, 2);
      const partial = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(partial!.status).toBe('open');
      expect(partial!.filled.toString()).toBe('1');
      await advance(100, 4);
      await advance(100, 100);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('filled');
      expect(o!.filled.toString()).toBe('4');
      const fills = fillsOf(port.drainEvents(), r.clientOrderId);
      expect(fills.map((f) => f.qty.toNumber())).toEqual([1, 2, 1]);
      expect(new Set(fills.map((f) => f.tradeId)).size).toBe(3);
      expect(o!.tradeIds).toHaveLength(3);
    });

    it('cancels a resting order and releases what it locked', async () => {
      const { port } = await open();
      const r = req({ side: 'buy', type: 'limit', amount: new Dec(1), price: new Dec(90) });
      await port.submit(r);
      await port.cancel(r.clientOrderId, SYMBOL);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('canceled');
      const b = await port.fetchBalances();
      expect(b.USDT!.used.toNumber()).toBe(0);
      expect(b.USDT!.free.toString()).toBe('10000');
    });

    it('refuses to cancel an order that already filled, as not found', async () => {
      const { port, advance } = await open();
      const r = req({ side: 'buy', type: 'market', amount: new Dec(1) });
      await port.submit(r);
      await advance(100);
      const e = await rejection(port.cancel(r.clientOrderId, SYMBOL));
      expect(e.code).toBe('order-not-found');
      expect((await port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('filled');
    });

    it('finds an order by its client order id, and answers null for an id it never saw', async () => {
      const { port } = await open();
      const r = req({ side: 'sell', type: 'limit', amount: new Dec('0.25'), price: new Dec('120.5') });
      const sent = await port.submit(r);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o).toMatchObject({ clientOrderId: r.clientOrderId, symbol: SYMBOL, side: 'sell', type: 'limit', exchangeId: sent.exchangeId });
      expect(o!.amount.toString()).toBe('0.25');
      expect(o!.price!.toString()).toBe('120.5');
      expect(await port.fetchOrder(`never-${runId}`, SYMBOL)).toBeNull();
    });

    it('reports balances as free + used = total', async () => {
      const { port } = await open();
      const b = await port.fetchBalances();
      expect(b.USDT!.free.toString()).toBe('10000');
      expect(b.BTC!.total.toString()).toBe('1');
      for (const e of Object.values(b)) expect(e.free.plus(e.used).eq(e.total)).toBe(true);
    });

    it('refuses orders below the minimum amount and the minimum notional', async () => {
      const { port } = await open();
      expect((await rejection(port.submit(req({ side: 'buy', type: 'limit', amount: new Dec('0.0005'), price: new Dec(100) })))).code).toBe('below-min-amount');
      expect((await rejection(port.submit(req({ side: 'buy', type: 'limit', amount: new Dec('0.05'), price: new Dec(100) })))).code).toBe('below-min-notional');
    });

    it('publishes its precision: amounts rounded down to the step and prices to the tick are accepted, others refused', async () => {
      const { port } = await open();
      const m = port.market(SYMBOL)!;
      expect(m.amountStep!.toString()).toBe('0.00001');
      expect(m.priceTick!.toString()).toBe('0.01');
      const amount = roundAmount(m, new Dec('0.123456789'));
      const price = roundPrice(m, new Dec('95.12345'), 'buy');
      expect(amount.toString()).toBe('0.12345');
      expect(price.toString()).toBe('95.12');
      await port.submit(req({ side: 'buy', type: 'limit', amount, price }));
      expect((await rejection(port.submit(req({ side: 'buy', type: 'limit', amount: new Dec('0.123456'), price })))).code).toBe('invalid-order');
      expect((await rejection(port.submit(req({ side: 'buy', type: 'limit', amount, price: new Dec('95.123') })))).code).toBe('invalid-order');
    });

    it('refuses a buy it cannot pay and a sell of more than the account holds', async () => {
      const { port } = await open();
      expect((await rejection(port.submit(req({ side: 'buy', type: 'limit', amount: new Dec(200), price: new Dec(99) })))).code).toBe('insufficient-funds');
      expect((await rejection(port.submit(req({ side: 'sell', type: 'limit', amount: new Dec(2), price: new Dec(150) })))).code).toBe('insufficient-funds');
      expect((await port.fetchBalances()).USDT!.used.toNumber()).toBe(0);
    });

    it('triggers a stop-loss sell when the price falls through its stop, and fills it with slippage', async () => {
      const { port, advance } = await open();
      const r = req({ side: 'sell', type: 'stop', amount: new Dec('0.5'), stopPrice: new Dec(95) });
      await port.submit(r);
      await advance(97);
      expect((await port.fetchOrder(r.clientOrderId, SYMBOL))!.status).toBe('open');
      await advance(94);
      const o = await port.fetchOrder(r.clientOrderId, SYMBOL);
      expect(o!.status).toBe('filled');
      // a single-price bar at 94 gaps through the stop: it fills at 94, minus 10 bps
      expect(o!.cost.toNumber()).toBeCloseTo(0.5 * 94 * 0.999, 9);
    });
  });
}
