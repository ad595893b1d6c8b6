import { describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { UsageError } from '../../../src/core/errors.js';
import { liveBudget, shiftEquityMarks } from '../../../src/bot/live-capital.js';

/** balances as decimal strings: a Dec's value, not its internal scale */
const text = (b: Record<string, Dec>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.toFixed()]));

const free = (v: string) => async () => new Dec(v);

describe('a live bot\'s budget', () => {
  it('is --cash, or the account\'s free quote balance, for a new bot', async () => {
    expect(text((await liveBudget({ bot: 'b', quote: 'USDT', stored: null, requested: '1000', freeQuote: free('9000') })).balances)).toEqual({ USDT: '1000' });
    expect(text((await liveBudget({ bot: 'b', quote: 'USDT', stored: null, requested: 'USDT=250.5', freeQuote: free('9000') })).balances)).toEqual({ USDT: '250.5' });
    expect(text((await liveBudget({ bot: 'b', quote: 'USDT', stored: null, freeQuote: free('9000') })).balances)).toEqual({ USDT: '9000' });
  });

  it('refuses more than the account holds free, coins instead of quote, and an empty account', async () => {
    for (const [requested, f] of [['9001', '9000'], ['BTC=0.5', '9000'], ['USDT=1,BTC=1', '9000'], [undefined, '0'], ['-5', '9000'], ['1e309', '9000']] as const) {
      await expect(liveBudget({ bot: 'b', quote: 'USDT', stored: null, requested, freeQuote: free(f) }), String(requested)).rejects.toBeInstanceOf(UsageError);
    }
  });

  it('is kept as stored on resume, without asking the account; a different --cash is refused', async () => {
    const never = async () => {
      throw new Error('the account is not asked on resume');
    };
    expect(text((await liveBudget({ bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, freeQuote: never })).balances)).toEqual({ USDT: '1000' });
    expect(text((await liveBudget({ bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, requested: '1000.0', freeQuote: never })).balances)).toEqual({ USDT: '1000' });
    await expect(liveBudget({ bot: 'b', quote: 'USDT', stored: { USDT: '1000' }, requested: '500', freeQuote: never })).rejects.toBeInstanceOf(UsageError);
  });

  it('moves the equity marks by what an operator accepted as gone, so PnL leaves it out', () => {
    const e = { start: '1000', dayStart: '1010', day: 1, last: '960', lastTime: 0 };
    expect(shiftEquityMarks(e, new Dec(-50))).toEqual({ ...e, start: '950', dayStart: '960' });
    expect(shiftEquityMarks(null, new Dec(-50))).toBeNull();
  });
});
