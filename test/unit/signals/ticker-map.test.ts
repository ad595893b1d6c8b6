import { describe, expect, it } from 'vitest';
import { TickerMap } from '../../../src/signals/ticker-map.js';

describe('which pair an alert means', () => {
  const m = new TickerMap(['BTC/USDT', 'ETH/USDT'], 'XBTUSDT=BTC/USDT');

  it.each([
    [{ pair: 'BTC/USDT', ticker: null }, 'BTC/USDT'],
    [{ pair: 'eth/usdt', ticker: null }, 'ETH/USDT'],
    [{ pair: null, ticker: 'BTCUSDT' }, 'BTC/USDT'],
    [{ pair: null, ticker: 'BINANCE:ETHUSDT' }, 'ETH/USDT'],
    [{ pair: null, ticker: 'BINANCE:BTCUSDT.P' }, 'BTC/USDT'],
    [{ pair: null, ticker: 'XBTUSDT' }, 'BTC/USDT'],
    [{ pair: null, ticker: 'KRAKEN:XBTUSDT' }, 'BTC/USDT'],
  ])('%j is %s', (a, pair) => {
    expect(m.resolve(a)).toBe(pair);
  });

  it.each([[{ pair: 'SOL/USDT', ticker: null }], [{ pair: null, ticker: 'BTCUSD' }], [{ pair: null, ticker: 'SOLUSDT' }]])('%j is none of the bot pairs', (a) => {
    expect(m.resolve(a)).toBeNull();
  });

  it('refuses a hand mapping to a pair the bot does not trade', () => {
    expect(() => new TickerMap(['BTC/USDT'], 'ETHUSD=ETH/USDT')).toThrow(/not one of the bot's pairs/);
    expect(() => new TickerMap(['BTC/USDT'], 'nonsense')).toThrow(/must look like/);
  });
});
