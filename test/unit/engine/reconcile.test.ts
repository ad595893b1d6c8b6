import { describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { reconcile, renderPlan } from '../../../src/engine/reconcile.js';

const d = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, new Dec(v)]));
const base = { prefix: 'tb1', currencies: ['USDT', 'BTC'], localOpen: [], exchangeOpen: [], lookups: {} };

describe('reconcile: the bot ledger against the account', () => {
  it('calls what the account holds beyond the ledger external, never drift', () => {
    const plan = reconcile({ ...base, ledger: d({ USDT: '1000', BTC: '0.01' }), exchangeTotals: d({ USDT: '9000', BTC: '0.51' }) });
    expect(plan.drift).toEqual([]);
    expect(plan.external).toEqual([
      { kind: 'external-balance', currency: 'USDT', local: '1000', exchange: '9000', amount: '8000' },
      { kind: 'external-balance', currency: 'BTC', local: '0.01', exchange: '0.51', amount: '0.5' },
    ]);
    expect(renderPlan(plan)).toMatch(/^= balance BTC: 0\.5 external/m);
  });

  it('calls a shortfall drift: something spent or sold the bot\'s money behind its back', () => {
    const plan = reconcile({ ...base, ledger: d({ USDT: '1000', BTC: '0.01' }), exchangeTotals: d({ USDT: '950', BTC: '0.01' }) });
    expect(plan.drift).toEqual([{ kind: 'adopt-balance', currency: 'USDT', local: '1000', exchange: '950', difference: '-50' }]);
    expect(plan.external).toEqual([]);
  });

  it('treats differences within exchange rounding as equal', () => {
    const plan = reconcile({ ...base, ledger: d({ USDT: '1000', BTC: '0.01' }), exchangeTotals: d({ USDT: '999.999999999', BTC: '0.010000001' }) });
    expect(plan.actions).toEqual([]);
  });
});
