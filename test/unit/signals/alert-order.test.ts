import { describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { engineOrderFor } from '../../../src/signals/alert-order.js';
import type { Stake } from '../../../src/core/sizing.js';

const pct99: Stake = { kind: 'fraction', value: new Dec('0.99') };
const fixed500: Stake = { kind: 'fixed', value: new Dec(500) };
const a = (x: Partial<Parameters<typeof engineOrderFor>[0]>) => ({ action: 'buy' as const, orderType: 'market' as const, price: null, size: null, sizeType: null, ...x });

describe('an alert as what the engine offers', () => {
  it('buy enters with the stake, sell and exit sell the position', () => {
    expect(engineOrderFor(a({}), pct99)).toEqual({ order: { side: 'buy', type: 'market' } });
    expect(engineOrderFor(a({ action: 'sell' }), pct99)).toEqual({ order: { side: 'sell', type: 'market' } });
    expect(engineOrderFor(a({ action: 'exit' }), pct99)).toEqual({ order: { side: 'sell', type: 'market' } });
  });

  it('a limit alert keeps its price; a market alert price is for the record', () => {
    expect(engineOrderFor(a({ orderType: 'limit', price: 41000 }), pct99)).toEqual({ order: { side: 'buy', type: 'limit', price: 41000 } });
    expect(engineOrderFor(a({ price: 41000 }), pct99)).toEqual({ order: { side: 'buy', type: 'market' } });
  });

  it('a size is honoured when it is what the engine trades: the stake, or all of a position', () => {
    expect('order' in engineOrderFor(a({ size: '99', sizeType: 'percent' }), pct99)).toBe(true);
    expect('order' in engineOrderFor(a({ size: '500', sizeType: 'quote' }), fixed500)).toBe(true);
    expect('order' in engineOrderFor(a({ action: 'exit', size: '100', sizeType: 'percent' }), pct99)).toBe(true);
  });

  it('refuses any other size instead of trading another amount', () => {
    expect(engineOrderFor(a({ size: '0.01', sizeType: 'base' }), pct99)).toMatchObject({ unsupported: expect.stringMatching(/buys with its stake \(99%\)/) });
    expect(engineOrderFor(a({ size: '50', sizeType: 'percent' }), pct99)).toMatchObject({ unsupported: expect.any(String) });
    expect(engineOrderFor(a({ size: '100', sizeType: 'quote' }), fixed500)).toMatchObject({ unsupported: expect.any(String) });
    expect(engineOrderFor(a({ action: 'sell', size: '50', sizeType: 'percent' }), pct99)).toMatchObject({ unsupported: expect.stringMatching(/sells whole positions/) });
  });
});
