import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('stratgy', 'strategy')).toBe(1);
    expect(editDistance('fee', 'fe')).toBe(1);
    expect(editDistance('sharpe', 'shrape')).toBe(1); // transposition
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('stops early past the limit', () => {
    expect(editDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('didYouMean', () => {
  const risk = ['stopLoss', 'takeProfit', 'trailingStop', 'riskPerTrade', 'maxOpenPositions'];

  it('matches case-insensitively and returns the candidate as spelled', () => {
    expect(didYouMean('stoploss', risk)).toBe('stopLoss');
    expect(didYouMean('STOPLOSS', risk)).toBe('stopLoss');
  });

  it('suggests within distance 2', () => {
    expect(didYouMean('stratgy', ['exchange', 'strategy', 'stake'])).toBe('strategy');
    expect(didYouMean('takeProfti', risk)).toBe('takeProfit');
    expect(didYouMean('trailinStp', risk)).toBe('trailingStop');
  });

  it('suggests prefix matches both ways', () => {
    expect(didYouMean('maxOpen', risk)).toBe('maxOpenPositions');
    expect(didYouMean('takeProfitPct', risk)).toBe('takeProfit');
  });

  it('prefers the closest candidate', () => {
    expect(didYouMean('stake', ['strategy', 'stake'])).toBe('stake');
    expect(didYouMean('fees', ['fee', 'from'])).toBe('fee');
  });

  it('suggests nothing for unrelated or very short input', () => {
    expect(didYouMean('banana', risk)).toBeUndefined();
    expect(didYouMean('x', ['to', 'id'])).toBeUndefined();
    expect(didYouMean('', risk)).toBeUndefined();
    expect(didYouMean('anything', [])).toBeUndefined();
  });
});
