/**
 * RELIABILITY row 22: bad numbers where they enter the CLI (live, paper, orders create). Each exits
 * 2 with one line on stderr naming the input, before anything reaches the exchange; quantities are
 * rounded down to the step and prices to the tick before sending (checked on the simulator's record).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCliAsync } from '../support/cli-async.js';
import { cleanupTmpDirs, makeTmpDir, nonEmptyLines, stackLines } from '../support/cli.js';
import { LIVE_KEYS, liveSim, orderPosts } from '../support/live.js';
import { Dec } from '../../src/core/money.js';
import type { SimServer } from '../../src/exchange/sim-server/server.js';

const sims: SimServer[] = [];
afterAll(async () => {
  for (const s of sims.splice(0)) await s.close();
  cleanupTmpDirs();
});

async function sim(o: Parameters<typeof liveSim>[0] = {}): Promise<SimServer> {
  const s = await liveSim(o);
  sims.push(s);
  return s;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const BAD = ['-5', '0', 'NaN', 'Infinity', '-Infinity', '1e309', 'abc', ''];

/** [flag, values, what the stderr line must name] */
const BOT_CASES: [string, string[], RegExp][] = [
  ['--stake', [...BAD, '0%', '-5%', '150%', 'NaN%', '1e309%'], /stake/i],
  ['--fee', ['-0.001', 'NaN', 'Infinity', '1e309', '1', 'abc'], /fee/i],
  ['--slippage', ['-1', 'NaN', 'Infinity', '1e309'], /slippage/i],
  ['--stop-loss', ['-0.1', '0', 'NaN', 'Infinity', '1e309', '1.5'], /stop.?loss/i],
  ['--take-profit', ['-0.1', '0', 'NaN', '1e309'], /take.?profit/i],
  ['--max-open-positions', ['-1', '0', 'NaN', 'Infinity', '1.5'], /max.?open.?positions/i],
  ['--poll', ['-100', '0', 'NaN', '1e309'], /poll/i],
  ['--warmup', ['-1', '0', 'NaN', '1e309', '2.5'], /warmup/i],
];
const PAPER_CASES: [string, string[], RegExp][] = [...BOT_CASES, ['--cash', [...BAD, 'USDT=-1', 'USDT=NaN', 'USDT=1e309'], /cash/i]];

function expectOneLineNaming(r: { code: number | null; stdout: string; stderr: string }, names: RegExp, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(2);
  const lines = nonEmptyLines(r.stderr);
  expect(lines, `${what}: ${r.stderr}`).toHaveLength(1);
  expect(lines[0], what).toMatch(names);
  expect(stackLines(r.stderr), what).toEqual([]);
}

describe('bad numbers for a bot (live, paper): exit 2 naming the input, before any request', () => {
  for (const mode of ['paper', 'live'] as const) {
    it(`${mode}`, async () => {
      const s = await sim();
      const cases = (mode === 'paper' ? PAPER_CASES : BOT_CASES).flatMap(([flag, values, names]) => values.map((v) => ({ flag, v, names })));
      const results = await pool(cases, 6, async ({ flag, v }) => {
        const cwd = makeTmpDir();
        const args = [mode, '--bot', 'b', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', `${flag}=${v}`, ...(mode === 'live' ? ['--yes'] : [])];
        const r = await runCliAsync(args, { cwd, env: { TRADEBOT_HOME: cwd, NO_COLOR: '1', ...LIVE_KEYS } });
        return { r, cwd };
      });
      results.forEach(({ r, cwd }, i) => {
        const c = cases[i]!;
        expectOneLineNaming(r, c.names, `${mode} ${c.flag}=${c.v}`);
        expect(existsSync(path.join(cwd, 'bots', 'b', 'state.json')), `${c.flag}=${c.v}: no state written`).toBe(false);
      });
      expect(s.control.requests(), 'caught before any request').toEqual([]);
    }, 180_000);
  }
});

describe('bad numbers for orders create: exit 2 naming the input, nothing sent', () => {
  const X = (url: string) => ['orders', 'create', '--exchange', 'binance', '--exchange-url', url, '--pair', 'BTC/USDT', '--side', 'buy', '--yes'];

  /** Runs the cases; returns one line per case that did not exit 2 with one stderr line naming its input. */
  async function refusals(s: SimServer, cases: { args: string[]; names: RegExp; what: string }[]): Promise<string[]> {
    const h = makeTmpDir();
    const results = await pool(cases, 4, (c) => runCliAsync([...X(s.url), ...c.args], { cwd: h, home: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS } }));
    const failures: string[] = [];
    results.forEach((r, i) => {
      const c = cases[i]!;
      const lines = nonEmptyLines(r.stderr);
      if (r.code !== 2 || lines.length !== 1 || !c.names.test(lines[0]!) || stackLines(r.stderr).length > 0) failures.push(`${c.what}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.trim())}`);
    });
    return failures;
  }

  it('refuses negative, zero, NaN, infinite and overflowing amounts and prices, and a price below one tick', async () => {
    const s = await sim();
    const cases: { args: string[]; names: RegExp; what: string }[] = [
      ...BAD.filter((v) => v !== '').map((v) => ({ args: ['--type', 'market', `--amount=${v}`], names: /amount/i, what: `--amount ${v}` })),
      ...BAD.filter((v) => v !== '').map((v) => ({ args: ['--type', 'limit', '--amount', '0.001', `--price=${v}`], names: /price/i, what: `--price ${v}` })),
      // below one tick (0.01): rounds to nothing
      { args: ['--type', 'limit', '--amount', '0.001', '--price', '0.001'], names: /price/i, what: 'a price below the tick' },
    ];
    expect(await refusals(s, cases)).toEqual([]);
    expect(orderPosts(s).size, 'nothing was sent').toBe(0);
  }, 180_000);

  it('refuses, as an input error (exit 2), an amount below one step and orders below the minimum amount or notional', async () => {
    const s = await sim();
    const price = s.control.state().prices['BTC/USDT']!;
    expect(price * 0.00001).toBeLessThan(5); // the notional case really is below the 5 USDT minimum
    const cases: { args: string[]; names: RegExp; what: string }[] = [
      // below one step (0.00001): rounds down to nothing
      { args: ['--type', 'market', '--amount', '0.000001'], names: /amount/i, what: 'an amount below the step' },
      // at the minimum amount, but worth well under the minimum notional
      { args: ['--type', 'market', '--amount', '0.00001'], names: /notional|minimum/i, what: 'a market order below the minimum notional' },
      { args: ['--type', 'limit', '--amount', '0.001', '--price', '1'], names: /notional|minimum/i, what: 'a limit order below the minimum notional' },
    ];
    const failures = await refusals(s, cases);
    expect(orderPosts(s).size, 'nothing was sent').toBe(0);
    // a market whose minimum amount (0.001) is above its step (0.00001)
    const big = await sim({ market: { minAmount: new Dec('0.001') } });
    failures.push(...(await refusals(big, [{ args: ['--type', 'market', '--amount', '0.0005'], names: /amount|minimum/i, what: 'an amount below the minimum amount' }])));
    expect(orderPosts(big).size, 'nothing was sent').toBe(0);
    expect(failures).toEqual([]);
  }, 120_000);

  it('rounds the amount down to the step and the price to the tick (in the buyer\'s favour) before sending', async () => {
    const s = await sim();
    const h = makeTmpDir();
    const price = s.control.state().prices['BTC/USDT']!;
    const limit = `${Math.floor(price * 0.5)}.129`; // off tick (0.01), far below the market: it rests
    const r = await runCliAsync(['orders', 'create', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.0012345678', '--price', limit, '--yes'], {
      cwd: h,
      home: h,
      env: { TRADEBOT_HOME: h, NO_COLOR: '1', ...LIVE_KEYS },
    });
    expect(r.code, r.stderr).toBe(0);
    const posts = [...orderPosts(s).entries()];
    expect(posts).toHaveLength(1);
    const [id, n] = posts[0]!;
    expect(n).toBe(1);
    const post = s.control.requests().find((q) => q.method === 'POST' && q.path === '/api/v3/order')!;
    expect(new Dec(post.params.quantity!).eq('0.00123')).toBe(true);
    expect(new Dec(post.params.price!).eq(`${Math.floor(price * 0.5)}.12`)).toBe(true);
    const o = s.control.state().orders.find((x) => x.clientOrderId === id)!;
    expect(new Dec(String(o.origQty)).eq('0.00123')).toBe(true);
    expect(new Dec(String(o.price)).eq(`${Math.floor(price * 0.5)}.12`)).toBe(true);
    expect(o.status).toBe('NEW');
  }, 60_000);
});
