import { describe, expect, it } from 'vitest';
import { AlertBook, type BookedAlert } from '../../../src/signals/alert-book.js';

const TF = 60_000;
const alert = (key: string, time: number, side: 'buy' | 'sell' = 'buy', pair = 'BTC/USDT'): BookedAlert => ({
  key,
  pair,
  time,
  alert: { action: side, pair, ticker: null, id: key, time, price: null, size: null, sizeType: null, orderType: 'market' },
  order: { side, type: 'market' },
});

describe('alerts waiting for their candle', () => {
  it('an alert at time t is acted on at the first candle that closes after t', () => {
    const b = new AlertBook(['BTC/USDT'], TF);
    b.add(alert('a', 90_000));
    expect(b.take('BTC/USDT', 0)).toBeNull(); // closes at 60 000
    expect(b.take('BTC/USDT', 60_000)?.key).toBe('a'); // closes at 120 000
    expect(b.pending).toBe(0);
  });

  it('an alert exactly at a close waits for the next candle', () => {
    const b = new AlertBook(['BTC/USDT'], TF);
    b.add(alert('a', 120_000));
    expect(b.take('BTC/USDT', 60_000)).toBeNull();
    expect(b.take('BTC/USDT', 120_000)?.key).toBe('a');
  });

  it('of two alerts in one candle the later wins and the earlier is superseded', () => {
    const b = new AlertBook(['BTC/USDT'], TF);
    b.add(alert('late', 70_000, 'sell'));
    b.add(alert('early', 65_000, 'buy'));
    expect(b.take('BTC/USDT', 60_000)?.key).toBe('late');
    const [applied] = b.drainApplied();
    expect(applied!.superseded.map((x) => x.key)).toEqual(['early']);
  });

  it('keeps pairs apart', () => {
    const b = new AlertBook(['BTC/USDT', 'ETH/USDT'], TF);
    b.add(alert('e', 10_000, 'buy', 'ETH/USDT'));
    expect(b.take('BTC/USDT', 0)).toBeNull();
    expect(b.take('ETH/USDT', 0)?.key).toBe('e');
  });

  it('an alert received after the engine has a candle takes effect after it', () => {
    const b = new AlertBook(['BTC/USDT'], TF);
    b.claim(0, 120_000);
    expect(b.effectiveTime('BTC/USDT', 100_000)).toBe(120_000);
    expect(b.effectiveTime('BTC/USDT', 130_000)).toBe(130_000);
    b.claim(0, 60_000); // claims only move forward
    expect(b.effectiveTime('BTC/USDT', 100_000)).toBe(120_000);
  });

  it('drops what took effect before the candles start', () => {
    const b = new AlertBook(['BTC/USDT'], TF);
    b.add(alert('old', 5_000));
    b.add(alert('new', 70_000));
    expect(b.dropBefore(60_000).map((x) => x.key)).toEqual(['old']);
    expect(b.pending).toBe(1);
  });
});
