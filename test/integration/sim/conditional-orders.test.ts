/**
 * STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT through the real ccxt binance class: they rest untriggered
 * with their balance locked, trigger when the price crosses the trigger, then rest as a limit and
 * fill when the price reaches the limit; a cancel releases what they locked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OrderRejectedError } from '../../../src/core/errors.js';
import { classifyCcxtError } from '../../../src/exchange/ccxt-errors.js';
import { startSim, type SimServer } from '../../../src/exchange/sim-server/server.js';
import { bal, caught, ccxtFor, flatSim, MARKET, setPrice, simState } from './helpers.js';

const S = 'BTC/USDT';

describe('conditional limit orders through ccxt', () => {
  let sim: SimServer;
  let ex: Exchange;

  beforeAll(async () => {
    sim = await flatSim();
    ex = await ccxtFor(sim.url);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.control.reset();
    await setPrice(sim.url, 30_000);
  });

  const orderOf = async (id: string) => (await simState(sim.url)).orders.find((o) => String(o.orderId) === id)!;

  it('a STOP_LOSS_LIMIT sell rests untriggered, triggers on a gap through its stop, rests at its limit, and fills there', async () => {
    const o = await ex.createOrder(S, 'limit', 'sell', 0.1, 28_900, { triggerPrice: 29_000 });
    expect(o.info.type).toBe('STOP_LOSS_LIMIT');
    expect(o.status).toBe('open');
    let s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '0.9', used: '0.1', total: '1' });
    expect((await orderOf(o.id)).isWorking).toBe(false);

    // above the stop: nothing happens
    await setPrice(sim.url, 29_500);
    let q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.triggerPrice, q.price]).toEqual(['open', 0, 29_000, 28_900]);
    expect((await orderOf(o.id)).isWorking).toBe(false);

    // a gap below both the stop and the limit: triggered, but a sell limit at 28900 is not reached at 28800
    await setPrice(sim.url, 28_800);
    q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled]).toEqual(['open', 0]);
    expect((await orderOf(o.id)).isWorking).toBe(true);
    s = await simState(sim.url);
    expect(s.trades).toHaveLength(0);
    expect(bal(s, 'BTC')).toEqual({ free: '0.9', used: '0.1', total: '1' });

    // the price comes back to the limit: it fills there, fee in quote
    await setPrice(sim.url, 28_900);
    q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.1, 28_900]);
    const trades = await ex.fetchMyTrades(S, undefined, undefined, { orderId: o.id });
    expect(trades.map((t) => [t.price, t.amount, t.fee?.cost, t.fee?.currency, t.side])).toEqual([[28_900, 0.1, 2.89, 'USDT', 'sell']]);
    s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '0.9', used: '0', total: '0.9' });
    expect(bal(s, 'USDT')).toEqual({ free: '12887.11', used: '0', total: '12887.11' }); // 10000 + 2890 - 2.89
  });

  it('a STOP_LOSS_LIMIT sell whose trigger and limit are both crossed by one move fills at once, at the limit or better', async () => {
    const o = await ex.createOrder(S, 'limit', 'sell', 0.2, 29_000, { stopPrice: 29_500 });
    expect(o.info.type).toBe('STOP_LOSS_LIMIT');
    await setPrice(sim.url, 29_400);
    const q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.2, 29_400]);
  });

  it('a TAKE_PROFIT_LIMIT sell triggers when the price rises to its stop and fills when it reaches the limit', async () => {
    const o = await ex.createOrder(S, 'limit', 'sell', 0.25, 31_100, { takeProfitPrice: 31_000 });
    expect(o.info.type).toBe('TAKE_PROFIT_LIMIT');
    await setPrice(sim.url, 29_000); // a fall does not trigger a take-profit
    expect((await orderOf(o.id)).isWorking).toBe(false);
    await setPrice(sim.url, 31_050); // triggered; the limit 31100 is not reached
    let q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled]).toEqual(['open', 0]);
    expect((await orderOf(o.id)).isWorking).toBe(true);
    expect(bal(await simState(sim.url), 'BTC')).toEqual({ free: '0.75', used: '0.25', total: '1' });
    await setPrice(sim.url, 31_100);
    q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.25, 31_100]);
    const s = await simState(sim.url);
    expect(bal(s, 'BTC')).toEqual({ free: '0.75', used: '0', total: '0.75' });
    expect(bal(s, 'USDT')).toEqual({ free: '17767.225', used: '0', total: '17767.225' }); // 10000 + 7775 - 7.775
  });

  it('a TAKE_PROFIT_LIMIT buy (by type name) locks quote, triggers on a fall to its stop, and fills at its limit', async () => {
    const o = await ex.createOrder(S, 'TAKE_PROFIT_LIMIT', 'buy', 0.1, 28_950, { stopPrice: 29_000 });
    expect(o.info.type).toBe('TAKE_PROFIT_LIMIT');
    let s = await simState(sim.url);
    // locked: amount × the higher of limit and stop, plus the fee
    expect(bal(s, 'USDT')).toEqual({ free: '7097.1', used: '2902.9', total: '10000' });
    await setPrice(sim.url, 28_990); // triggered, the buy limit 28950 is not reached
    expect((await ex.fetchOrder(o.id, S)).status).toBe('open');
    expect((await orderOf(o.id)).isWorking).toBe(true);
    await setPrice(sim.url, 28_950);
    const q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.1, 28_950]);
    s = await simState(sim.url);
    expect(bal(s, 'USDT')).toEqual({ free: '7102.105', used: '0', total: '7102.105' }); // 10000 - 2895 - 2.895
    expect(bal(s, 'BTC')).toEqual({ free: '1.1', used: '0', total: '1.1' });
  });

  it('a STOP_LOSS_LIMIT buy triggers when the price rises through its stop', async () => {
    const o = await ex.createOrder(S, 'limit', 'buy', 0.1, 31_050, { triggerPrice: 31_000 });
    expect(o.info.type).toBe('STOP_LOSS_LIMIT');
    expect(bal(await simState(sim.url), 'USDT').used).toBe('3108.105'); // 0.1 × 31050 × 1.001
    await setPrice(sim.url, 30_999.99);
    expect((await ex.fetchOrder(o.id, S)).status).toBe('open');
    await setPrice(sim.url, 31_020);
    const q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.1, 31_020]);
    expect(bal(await simState(sim.url), 'USDT')).toEqual({ free: '6894.898', used: '0', total: '6894.898' }); // 10000 - 3102 - 3.102
  });

  it('cancelling an untriggered and a triggered conditional order releases exactly what they locked', async () => {
    const before = await simState(sim.url);
    const buy = await ex.createOrder(S, 'TAKE_PROFIT_LIMIT', 'buy', 0.1, 28_000, { stopPrice: 28_500 });
    const sell = await ex.createOrder(S, 'limit', 'sell', 0.3, 28_900, { triggerPrice: 29_000 });
    let s = await simState(sim.url);
    expect(bal(s, 'USDT').used).toBe('2852.85'); // 0.1 × 28500 × 1.001
    expect(bal(s, 'BTC').used).toBe('0.3');
    await setPrice(sim.url, 28_800); // triggers the sell (limit not reached), not the buy
    expect((await orderOf(sell.id)).isWorking).toBe(true);
    expect((await orderOf(buy.id)).isWorking).toBe(false);

    const c1 = await ex.cancelOrder(buy.id, S);
    const c2 = await ex.cancelOrder(sell.id, S);
    expect([c1.status, c2.status]).toEqual(['canceled', 'canceled']);
    s = await simState(sim.url);
    for (const c of ['USDT', 'BTC']) expect(bal(s, c)).toEqual(bal(before, c));
    expect(s.trades).toHaveLength(0);
    // the cancelled orders stay cancelled when the price later crosses them
    await setPrice(sim.url, 28_000);
    await setPrice(sim.url, 29_000);
    s = await simState(sim.url);
    expect(s.trades).toHaveLength(0);
    expect(s.orders.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED']);
  });

  it('STOP_LOSS and TAKE_PROFIT (market) orders trigger and fill at the crossing price', async () => {
    const sl = await ex.createOrder(S, 'market', 'sell', 0.1, undefined, { triggerPrice: 29_000 });
    const tp = await ex.createOrder(S, 'market', 'sell', 0.2, undefined, { takeProfitPrice: 31_000 });
    expect([sl.info.type, tp.info.type]).toEqual(['STOP_LOSS', 'TAKE_PROFIT']);
    expect(bal(await simState(sim.url), 'BTC').used).toBe('0.3');
    await setPrice(sim.url, 31_200); // the take-profit only
    expect((await ex.fetchOrder(sl.id, S)).status).toBe('open');
    let q = await ex.fetchOrder(tp.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.2, 31_200]);
    await setPrice(sim.url, 28_990);
    q = await ex.fetchOrder(sl.id, S);
    expect([q.status, q.filled, q.average]).toEqual(['closed', 0.1, 28_990]);
    expect(bal(await simState(sim.url), 'BTC')).toEqual({ free: '0.7', used: '0', total: '0.7' });
  });

  it('a triggered stop-limit that filled in part releases the rest of its lock when cancelled', async () => {
    const part = await flatSim({ maxVolumeFraction: 0.5 });
    try {
      const px = await ccxtFor(part.url);
      const o = await px.createOrder(S, 'limit', 'sell', 1, 28_900, { triggerPrice: 29_000 });
      await setPrice(part.url, 28_950, undefined, 0.4); // triggers; half of 0.4 may fill at 28950
      let q = await px.fetchOrder(o.id, S);
      expect([q.status, q.filled, q.remaining]).toEqual(['open', 0.2, 0.8]);
      expect(bal(await simState(part.url), 'BTC')).toEqual({ free: '0', used: '0.8', total: '0.8' });
      await px.cancelOrder(o.id, S);
      q = await px.fetchOrder(o.id, S);
      expect([q.status, q.filled]).toEqual(['canceled', 0.2]);
      const s = await simState(part.url);
      expect(bal(s, 'BTC')).toEqual({ free: '0.8', used: '0', total: '0.8' });
      expect(bal(s, 'USDT')).toEqual({ free: '15784.21', used: '0', total: '15784.21' }); // 10000 + 5790 - 5.79
    } finally {
      await part.close();
    }
  });

  it('IOC and FOK stop-limits get one chance, in the move that triggers them, and expire with their lock released', async () => {
    const part = await flatSim({ maxVolumeFraction: 0.5, balances: { USDT: 10_000, BTC: 4 } });
    try {
      const px = await ccxtFor(part.url);
      const ioc = await px.createOrder(S, 'limit', 'sell', 1, 28_900, { triggerPrice: 29_000, timeInForce: 'IOC' });
      const fok = await px.createOrder(S, 'limit', 'sell', 1, 28_900, { triggerPrice: 29_000, timeInForce: 'FOK' });
      const gap = await px.createOrder(S, 'limit', 'sell', 1, 28_500, { triggerPrice: 28_600, timeInForce: 'IOC' });
      const fok2 = await px.createOrder(S, 'limit', 'sell', 0.5, 28_400, { triggerPrice: 28_500, timeInForce: 'FOK' });
      expect(bal(await simState(part.url), 'BTC').used).toBe('3.5');
      // 0.4 traded at 28950: the IOC takes half of it (0.2) and expires the rest; the FOK cannot fill 1 and expires
      await setPrice(part.url, 28_950, undefined, 0.4);
      let q = await px.fetchOrder(ioc.id, S);
      expect([q.status, q.filled]).toEqual(['expired', 0.2]);
      q = await px.fetchOrder(fok.id, S);
      expect([q.status, q.filled]).toEqual(['expired', 0]);
      // a gap below the IOC's limit: triggered, nothing to take, expired
      await setPrice(part.url, 28_400, undefined, 100);
      q = await px.fetchOrder(gap.id, S);
      expect([q.status, q.filled]).toEqual(['expired', 0]);
      // the second FOK was triggered by the same move, with volume for all of it
      q = await px.fetchOrder(fok2.id, S);
      expect([q.status, q.filled, q.average]).toEqual(['closed', 0.5, 28_400]);
      const s = await simState(part.url);
      expect(s.orders.map((o) => o.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED', 'FILLED']);
      expect(bal(s, 'BTC')).toEqual({ free: '3.3', used: '0', total: '3.3' });
    } finally {
      await part.close();
    }
  });

  it('refuses a stop that would trigger at once, with no order placed and nothing locked', async () => {
    const e = await caught(ex.createOrder(S, 'limit', 'sell', 0.1, 30_500, { triggerPrice: 30_100 }));
    const ours = classifyCcxtError(e, { operation: 'submit' });
    expect(ours).toBeInstanceOf(OrderRejectedError);
    expect((ours as OrderRejectedError).code).toBe('would-trigger');
    const s = await simState(sim.url);
    expect(s.orders).toHaveLength(0);
    expect(bal(s, 'BTC')).toEqual({ free: '1', used: '0', total: '1' });
  });

  it('a price set step by step through the stop and back up to the limit fills at the limit', async () => {
    const o = await ex.createOrder(S, 'limit', 'sell', 0.1, 29_700, { triggerPrice: 29_800 });
    for (const p of [29_900, 29_850, 29_600, 29_650]) await setPrice(sim.url, p);
    expect((await ex.fetchOrder(o.id, S)).status).toBe('open');
    await setPrice(sim.url, 29_750);
    const q = await ex.fetchOrder(o.id, S);
    expect([q.status, q.average]).toEqual(['closed', 29_750]);
  });
});

describe('conditional limit orders on replayed candles', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-cond-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = 1_704_067_200_000;

  it('candles closing through the stop trigger it, and a later candle reaching the limit fills it', async () => {
    // 1m candles: 0-4 history around 100, 5 flat, 6 gaps down to 93 (below stop 95 and limit 94), 7 trades up to 94.5
    const rows = ['timestamp,open,high,low,close,volume'];
    const bars: [number, number, number, number][] = [
      [100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 99, 100],
      [100, 100.5, 99.5, 100],
      [93, 93.5, 92, 93],
      [93.5, 94.5, 93, 94.2],
      [94.2, 96, 94, 95],
    ];
    bars.forEach(([o, h, l, c], i) => rows.push(`${T0 + i * 60_000},${o},${h},${l},${c},10`));
    const file = path.join(dir, 'binance_BTC_USDT-1m_cond.csv');
    writeFileSync(file, rows.join('\n'));
    const sim = await startSim({ data: file, start: T0 + 5 * 60_000, speed: 0, balances: { USDT: 1000, BTC: 1 }, fee: '0.001', market: MARKET });
    try {
      const ex = await ccxtFor(sim.url);
      // the clock is frozen in the past: sync before each signed request
      const synced = async <T>(f: () => Promise<T>) => {
        await ex.loadTimeDifference();
        return f();
      };
      const o = await synced(() => ex.createOrder(S, 'limit', 'sell', 0.5, 94, { triggerPrice: 95 }));
      sim.control.advance(60_000); // candle 5 closes: nothing
      expect((await simState(sim.url)).orders[0]!.isWorking).toBe(false);
      sim.control.advance(60_000); // candle 6 closes: triggered at its open 93, the limit 94 not reached
      let s = await simState(sim.url);
      expect([s.orders[0]!.isWorking, s.orders[0]!.status, s.trades.length]).toEqual([true, 'NEW', 0]);
      expect(bal(s, 'BTC')).toEqual({ free: '0.5', used: '0.5', total: '1' });
      sim.control.advance(60_000); // candle 7 reaches 94.5: filled at the limit
      const q = await synced(() => ex.fetchOrder(o.id, S));
      expect([q.status, q.filled, q.average]).toEqual(['closed', 0.5, 94]);
      s = await simState(sim.url);
      expect(s.trades.map((t) => [t.price, t.qty, t.time])).toEqual([['94.00000000', '0.50000000', T0 + 7 * 60_000]]);
      expect(bal(s, 'BTC')).toEqual({ free: '0.5', used: '0', total: '0.5' });
      expect(bal(s, 'USDT')).toEqual({ free: '1046.953', used: '0', total: '1046.953' }); // 1000 + 47 - 0.047
    } finally {
      await sim.close();
    }
  });
});
