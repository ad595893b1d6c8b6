import { describe, expect, it } from 'vitest';
import { closedPrefix } from '../../../src/data/closed-candles.js';

describe('closed candles', () => {
  const t = [0, 60_000, 120_000];
  it('drops the still-forming last candle', () => {
    expect(closedPrefix(t, 60_000, 150_000)).toBe(2);
  });
  it('keeps a candle whose close time has been reached', () => {
    expect(closedPrefix(t, 60_000, 180_000)).toBe(3);
  });
  it('returns 0 when nothing has closed yet', () => {
    expect(closedPrefix(t, 60_000, 59_999)).toBe(0);
  });
});
