import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSim } from '../../src/exchange/sim-server/server.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';

/** Several pairs in one bot, several bots at once: each bot its own state, each pair its own candles. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('paper with several pairs and several bots', () => {
  it('runs two bots at once, one of them on two pairs, each pair deciding on its own candles in time order', async () => {
    const s = await startSim({ speed: 600, walk: { symbols: [{ symbol: 'BTC/USDT', price: 30_000 }, { symbol: 'ETH/USDT', price: 2_000 }], volatility: 0.002, seed: 7, timeframe: '1m' } });
    cleanups.push(() => s.close());
    const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-multi-'));
    cleanups.push(() => rmSync(h, { recursive: true, force: true }));
    const common = ['--timeframe', '1m', '--param', 'fast=3', '--param', 'slow=6', '--warmup', '20'];
    const both = spawnPaper({ home: h, bot: 'both', url: s.url, extra: ['--pair', 'BTC/USDT,ETH/USDT', ...common] });
    const eth = spawnPaper({ home: h, bot: 'eth', url: s.url, extra: ['--pair', 'ETH/USDT', ...common] });
    cleanups.push(() => void both.child.kill('SIGKILL'), () => void eth.child.kill('SIGKILL'));

    await waitFor('trades on both pairs', () => {
      const d = readState(h, 'both');
      const traded = new Set([...(d?.engine?.portfolio.closed ?? []), ...Object.values(d?.engine?.portfolio.open ?? {})].map((rt) => rt.symbol));
      return traded.has('BTC/USDT') && traded.has('ETH/USDT');
    }, 60_000);
    both.child.kill('SIGTERM');
    eth.child.kill('SIGTERM');
    expect((await both.exited).code).toBe(0);
    expect((await eth.exited).code).toBe(0);

    const d = readState(h, 'both')!;
    expect(d.bot.pairs).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(d.engine!.lastBarTime).toHaveLength(2);
    expect(d.engine!.lastBarTime.every((t) => typeof t === 'number')).toBe(true);
    expect(Object.keys(d.runtime.prices).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    const e = readState(h, 'eth')!;
    expect(e.bot.pairs).toEqual(['ETH/USDT']);
    expect(e.engine!.portfolio.balances.BTC).toBeUndefined();
  }, 90_000);
});
