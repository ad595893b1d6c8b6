import { describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { UsageError } from '../../../src/core/errors.js';
import { liveBudget, shiftEquityMarks } from '../../../src/bot/live-capital.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});
/** a fresh tradebot home (allocations.json) and the account every bot here trades */
function at(): { home: string; account: string; now: number } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-budget-'));
  homes.push(home);
  return { home, account: 'binance key…1', now: 0 };
}

/** balances as decimal strings: a Dec's value, not its internal scale */
const text = (b: Record<string, Dec>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.toFixed()]));

const free = (v: string) => async () => new Dec(v);

describe('a live bot\'s budget', () => {
  it('is --cash, or the account\'s free quote balance, for a new bot', async () => {
    expect(text((await liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: null, requested: '1000', freeQuote: free('9000') })).balances)).toEqual({ USDT: '1000' });
    expect(text((await liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: null, requested: 'USDT=250.5', freeQuote: free('9000') })).balances)).toEqual({ USDT: '250.5' });
    expect(text((await liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: null, freeQuote: free('9000') })).balances)).toEqual({ USDT: '9000' });
  });

  it('refuses more than the account holds free, coins instead of quote, and an empty account', async () => {
    for (const [requested, f] of [['9001', '9000'], ['BTC=0.5', '9000'], ['USDT=1,BTC=1', '9000'], [undefined, '0'], ['-5', '9000'], ['1e309', '9000']] as const) {
      await expect(liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: null, requested, freeQuote: free(f) }), String(requested)).rejects.toBeInstanceOf(UsageError);
    }
  });

  it('is kept as stored on resume, without asking the account; a different --cash is refused', async () => {
    const never = async () => {
      throw new Error('the account is not asked on resume');
    };
    expect(text((await liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, freeQuote: never })).balances)).toEqual({ USDT: '1000' });
    expect(text((await liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, requested: '1000.0', freeQuote: never })).balances)).toEqual({ USDT: '1000' });
    await expect(liveBudget({ ...at(), bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, requested: '500', freeQuote: never })).rejects.toBeInstanceOf(UsageError);
  });

  it('is an amount or a share of what the account has free, less the other bots\' budgets', async () => {
    const where = at();
    expect(text((await liveBudget({ ...where, bot: 'a', quote: 'USDT', stored: null, requested: '25%', freeQuote: free('8000') })).balances)).toEqual({ USDT: '2000' });
    // 8000 free, 2000 of it a's: b may take at most 6000
    await expect(liveBudget({ ...where, bot: 'b', quote: 'USDT', stored: null, requested: '6000.01', freeQuote: free('8000') })).rejects.toBeInstanceOf(UsageError);
    expect(text((await liveBudget({ ...where, bot: 'b', quote: 'USDT', stored: null, requested: '50%', freeQuote: free('8000') })).balances)).toEqual({ USDT: '3000' });
    expect(text((await liveBudget({ ...where, bot: 'c', quote: 'USDT', stored: null, freeQuote: free('8000') })).balances)).toEqual({ USDT: '3000' });
    // nothing left for a fourth
    await expect(liveBudget({ ...where, bot: 'd', quote: 'USDT', stored: null, requested: '1', freeQuote: free('8000') })).rejects.toBeInstanceOf(UsageError);
    for (const bad of ['0%', '101%', 'x%', '%']) {
      await expect(liveBudget({ ...at(), bot: 'e', quote: 'USDT', stored: null, requested: bad, freeQuote: free('8000') }), bad).rejects.toBeInstanceOf(UsageError);
    }
    const doc = JSON.parse(readFileSync(path.join(where.home, 'allocations.json'), 'utf8')) as { accounts: Record<string, Record<string, { budget: string }>> };
    expect(Object.fromEntries(Object.entries(doc.accounts[where.account]!).map(([k, v]) => [k, v.budget]))).toEqual({ a: '2000', b: '3000', c: '3000' });
  });

  it('serves bots that ask at the same moment one after the other: together they never get more than is free', async () => {
    const where = at();
    // the free balance is read slowly, inside the lock: without it both would see all 10000
    const slowFree = async () => (await new Promise((r) => setTimeout(r, 30)), new Dec('10000'));
    const asks = ['a', 'b', 'c', 'd'].map((bot) => liveBudget({ ...where, bot, quote: 'USDT', stored: null, requested: '3000', freeQuote: slowFree }).then(() => 'ok', (e: unknown) => (e instanceof UsageError ? 'refused' : String(e))));
    const got = await Promise.all(asks);
    expect(got.filter((g) => g === 'ok')).toHaveLength(3);
    expect(got.filter((g) => g === 'refused')).toHaveLength(1);
  });

  it('moves the equity marks by what an operator accepted as gone, so PnL leaves it out', () => {
    const e = { start: '1000', dayStart: '1010', day: 1, last: '960', lastTime: 0 };
    expect(shiftEquityMarks(e, new Dec(-50))).toEqual({ ...e, start: '950', dayStart: '960' });
    expect(shiftEquityMarks(null, new Dec(-50))).toBeNull();
  });
});
