import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStateDoc, type BotStateDoc } from '../../../src/store/bot-state.js';
import { futureBarProblem, meaningProblem } from '../../../src/store/state-meaning.js';
import { readStateDoc } from '../../../src/store/read-state.js';
import { StateError } from '../../../src/core/errors.js';
import { botDoc } from '../../support/bot-fixture.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tradebot-meaning-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fixture bot (its books add up), then one change. */
const damaged = (change: (d: BotStateDoc) => void): BotStateDoc => {
  const d = botDoc('m');
  change(d);
  return d;
};

describe('a state document that cannot be true is refused, naming the field', () => {
  const cases: [string, (d: BotStateDoc) => void, string][] = [
    ['a negative balance', (d) => (d.engine!.portfolio.balances.USDT = '-5'), 'engine.portfolio.balances.USDT'],
    ['a negative position', (d) => (d.engine!.portfolio.open['BTC/USDT']!.qty = '-0.1'), 'engine.portfolio.open.BTC/USDT.qty'],
    ['a negative order amount', (d) => (d.engine!.orders[0]!.amount = '-0.1'), 'engine.orders[0].amount'],
    ['a 400-digit balance', (d) => (d.engine!.portfolio.balances.USDT = '9'.repeat(400)), 'engine.portfolio.balances.USDT'],
    ['a balance in exponent notation', (d) => (d.engine!.portfolio.balances.USDT = '1e309'), 'engine.portfolio.balances.USDT'],
    ['filled above the amount', (d) => (d.engine!.orders[0]!.filled = '0.2'), 'engine.orders[0].filled'],
    ['an unknown order status', (d) => ((d.engine!.orders[1]!.status as string) = 'done'), 'engine.orders[1].status'],
    ['a non-integer idSequence', (d) => (d.engine!.idSequence = 3.5), 'engine.idSequence'],
    ['a negative idSequence', (d) => (d.engine!.idSequence = -1), 'engine.idSequence'],
    ['an infinite number (1e309 in the file)', (d) => (d.runtime.prices['BTC/USDT'] = Number.POSITIVE_INFINITY), 'runtime.prices.BTC/USDT'],
    ['an infinite lastBarTime', (d) => (d.engine!.lastBarTime[0] = Number.POSITIVE_INFINITY), 'engine.lastBarTime[0]'],
    ['a fractional lastBarTime', (d) => (d.engine!.lastBarTime[0] = 1.5), 'engine.lastBarTime[0]'],
    ['a currency the bot does not trade', (d) => (d.engine!.portfolio.balances.ETH = '1'), 'engine.portfolio.balances.ETH'],
    ['starting cash in a currency the bot does not trade', (d) => (d.settings.cash.DOGE = '5'), 'settings.cash.DOGE'],
    ['a simulated account in a currency the bot does not trade', (d) => (d.exchange!.accounts.ETH = { free: '1', used: '0' }), 'exchange.accounts.ETH'],
    ['a negative simulated balance', (d) => (d.exchange!.accounts.USDT!.free = '-1'), 'exchange.accounts.USDT.free'],
    ['a round trip on a pair the bot does not trade', (d) => (d.engine!.portfolio.closed[0]!.symbol = 'ETH/USDT'), 'engine.portfolio.closed[0].symbol'],
    ['a fee rate of 1 or more', (d) => (d.settings.fee = '1.5'), 'settings.fee'],
    ['a portfolio in another quote currency', (d) => (d.engine!.portfolio.quote = 'EUR'), 'engine.portfolio.quote'],
    ['more lastBarTime entries than pairs', (d) => d.engine!.lastBarTime.push(1), 'engine.lastBarTime'],
    ['a fractional generation', (d) => (d.generation = 0.5), 'generation'],
  ];
  for (const [what, change, field] of cases) {
    it(what, () => {
      const doc = damaged(change);
      expect(meaningProblem(doc)).toMatch(new RegExp(`^${field.replace(/[.[\]/]/g, '\\$&')} `));
      expect(() => checkStateDoc(doc as unknown as Record<string, unknown>, '/x/state.json')).toThrow(StateError);
    });
  }

  it('accepts what a running bot really writes: a fee currency owed below zero, dust, zero balances, long fractions', () => {
    expect(meaningProblem(botDoc('m'))).toBeNull();
    expect(meaningProblem(botDoc('m', { position: false }))).toBeNull();
    const d = botDoc('m');
    d.engine!.orders[0]!.feeCurrency = 'BNB';
    d.engine!.portfolio.balances.BNB = '-0.0012';
    d.engine!.portfolio.balances.BTC = '0.000000012345678901234567890123';
    d.engine!.lastBarTime = [null];
    expect(meaningProblem(d)).toBeNull();
  });

  it('a lastBarTime after the exchange\'s present is in the future; one before it is not', () => {
    const d = botDoc('m');
    const t = d.engine!.lastBarTime[0]!;
    expect(futureBarProblem(d, t - 1)).toMatch(/^engine\.lastBarTime\[0\] .* is in the future/);
    expect(futureBarProblem(d, t)).toBeNull();
  });

  it('a state file holding 1e309 is refused when read, naming the file and the field', async () => {
    const file = path.join(tmp, 'bots', 'inf', 'state.json');
    const text = JSON.stringify(botDoc('inf'), null, 1).replace(/"idSequence": \d+/, '"idSequence": 1e309');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    const err = await readStateDoc(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('engine.idSequence');
  });
});
