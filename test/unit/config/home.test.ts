import { describe, expect, it } from 'vitest';
import { cacheRoot, resolveHome } from '../../../src/config/home.js';
import { cachePath } from '../../../src/data/candle-cache.js';

describe('resolveHome', () => {
  const base = { homedir: '/home/ann', cwd: '/work' };

  it('prefers the config key, then TRADEBOT_HOME, then the platform data dir', () => {
    expect(resolveHome({ ...base, configHome: '/srv/tb', env: { TRADEBOT_HOME: '/x' }, platform: 'linux' })).toBe('/srv/tb');
    expect(resolveHome({ ...base, configHome: null, env: { TRADEBOT_HOME: '/x' }, platform: 'linux' })).toBe('/x');
    expect(resolveHome({ ...base, env: {}, platform: 'linux' })).toBe('/home/ann/.local/share/tradebot');
  });

  it('follows XDG_DATA_HOME on Linux when it is absolute, and ignores a relative one', () => {
    expect(resolveHome({ ...base, env: { XDG_DATA_HOME: '/data' }, platform: 'linux' })).toBe('/data/tradebot');
    expect(resolveHome({ ...base, env: { XDG_DATA_HOME: 'rel' }, platform: 'linux' })).toBe('/home/ann/.local/share/tradebot');
  });

  it('uses Application Support on macOS and LOCALAPPDATA on Windows', () => {
    expect(resolveHome({ ...base, env: {}, platform: 'darwin' })).toBe('/home/ann/Library/Application Support/tradebot');
    expect(resolveHome({ homedir: 'C:\\Users\\ann', env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, platform: 'win32' })).toBe('C:\\Users\\ann\\AppData\\Local\\tradebot');
    expect(resolveHome({ homedir: 'C:\\Users\\ann', env: {}, platform: 'win32' })).toBe('C:\\Users\\ann\\AppData\\Local\\tradebot');
  });

  it('resolves a relative TRADEBOT_HOME against the working directory', () => {
    expect(resolveHome({ ...base, env: { TRADEBOT_HOME: 'tb' }, platform: 'linux' })).toBe('/work/tb');
  });
});

describe('cache file names', () => {
  it('is <home>/cache/<exchange>/<BASE>_<QUOTE>-<tf>.tbc, one per exchange, pair and timeframe', () => {
    expect(cacheRoot('/h')).toBe('/h/cache');
    expect(cachePath('/h', { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' })).toBe('/h/cache/binance/BTC_USDT-5m.tbc');
    expect(cachePath('/h', { exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1h' })).toBe('/h/cache/bybit/BTC_USDT_USDT-1h.tbc');
  });

  it('keeps a month and a minute apart on case-insensitive disks', () => {
    const m = cachePath('/h', { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1M' });
    const mi = cachePath('/h', { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    expect(m.toLowerCase()).not.toBe(mi.toLowerCase());
  });
});
