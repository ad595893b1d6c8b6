import { describe, expect, it } from 'vitest';
import { ExchangeError } from '../../../src/core/errors.js';
import { BannedError, ExchangeUnavailableError, NetworkError, RateLimitedError, UnknownOutcomeError } from '../../../src/exchange/ccxt-errors.js';
import { retryWait, withReadRetries, type ReadRetry } from '../../../src/exchange/read-retry.js';

const P: ReadRetry = { attempts: 4, baseMs: 500, maxWaitMs: 10_000 };

describe('retrying reads', () => {
  it('waits twice as long each time, between half and all of the back-off', () => {
    const e = new NetworkError('reset');
    expect(retryWait(e, 1, P, () => 0)).toBe(250);
    expect(retryWait(e, 1, P, () => 1)).toBe(500);
    expect(retryWait(e, 3, P, () => 1)).toBe(2000);
    expect(retryWait(new ExchangeUnavailableError('503', false), 2, P, () => 0)).toBe(500);
  });

  it('waits for a short rate limit, and never retries a ban, an order\'s unknown outcome or a refusal', () => {
    expect(retryWait(new RateLimitedError('429', 3000), 1, P, () => 0)).toBe(3000);
    expect(retryWait(new RateLimitedError('429', 60_000), 1, P)).toBeNull();
    expect(retryWait(new BannedError('418', Date.now() + 1000), 1, P)).toBeNull();
    expect(retryWait(new UnknownOutcomeError('lost'), 1, P)).toBeNull();
    expect(retryWait(new ExchangeUnavailableError('503 on an order', true), 1, P)).toBeNull();
    expect(retryWait(new ExchangeError('no', 'auth'), 1, P)).toBeNull();
    expect(retryWait(new Error('a bug'), 1, P)).toBeNull();
  });

  it('tries at most `attempts` times, then throws the last failure', async () => {
    let n = 0;
    const slept: number[] = [];
    const p: ReadRetry = { ...P, sleep: async (ms) => void slept.push(ms) };
    await expect(withReadRetries(async () => { n++; throw new NetworkError(`fail ${n}`); }, p)).rejects.toThrow('fail 4');
    expect(n).toBe(4);
    expect(slept).toHaveLength(3);
    n = 0;
    expect(await withReadRetries(async () => (++n < 3 ? Promise.reject(new NetworkError('x')) : 'ok'), p)).toBe('ok');
  });
});
