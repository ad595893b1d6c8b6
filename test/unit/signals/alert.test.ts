import { describe, expect, it } from 'vitest';
import { alertKey, AlertProblem, parseAlertJson, parseAlertTime, readAlert } from '../../../src/signals/alert.js';

const base = { secret: 's', pair: 'BTC/USDT', action: 'buy', time: '2025-01-31T12:00:00Z' };

function problem(raw: Record<string, unknown>): AlertProblem {
  try {
    readAlert(raw, 'webhook');
  } catch (err) {
    if (err instanceof AlertProblem) return err;
    throw err;
  }
  throw new Error('the alert was accepted');
}

describe('reading an alert', () => {
  it('reads the TradingView fields, defaulting to a market order', () => {
    const a = readAlert({ ...base, id: 'a1', price: '42000.5', action: 'BUY' }, 'webhook');
    expect(a).toEqual({ action: 'buy', pair: 'BTC/USDT', ticker: null, id: 'a1', time: Date.parse('2025-01-31T12:00:00Z'), price: 42000.5, size: null, sizeType: null, orderType: 'market' });
  });

  it('takes epoch milliseconds as the time, as a number or digits', () => {
    expect(parseAlertTime(1738324800000)).toBe(1738324800000);
    expect(parseAlertTime('1738324800000')).toBe(1738324800000);
  });

  it.each([
    [{ ...base, acton: 'buy' }, 'acton', /did you mean "action"/],
    [{ secret: 's', action: 'buy', time: base.time }, 'pair', /needs a "pair"/],
    [{ ...base, time: undefined }, 'time', /needs a "time"/],
    [{ ...base, time: 'yesterday' }, 'time', /ISO date/],
    [{ ...base, time: -5 }, 'time', /ISO date/],
    [{ ...base, action: 'short' }, 'action', /buy, sell, exit/],
    [{ ...base, price: 'NaN' }, 'price', /positive number/],
    [{ ...base, price: -1 }, 'price', /positive number/],
    [{ ...base, price: Infinity }, 'price', /positive number/],
    [{ ...base, size: '1e309' }, 'size', /positive number/],
    [{ ...base, size: 0 }, 'size', /positive number/],
    [{ ...base, size: 150, sizeType: 'percent' }, 'size', /above 100 percent/],
    [{ ...base, sizeType: 'quote' }, 'size', /without a "size"/],
    [{ ...base, orderType: 'limit' }, 'price', /limit alert needs a "price"/],
    [{ ...base, orderType: 'stop' }, 'orderType', /market, limit/],
    [{ ...base, pair: 'BTC/USDT; rm -rf' }, 'pair', /market name/],
    [{ ...base, id: 'x'.repeat(200) }, 'id', /at most 128/],
  ])('refuses %j, naming %s', (raw, field, message) => {
    const p = problem(raw as Record<string, unknown>);
    expect(p.field).toBe(field);
    expect(p.message).toMatch(message);
    expect(p.exitCode).toBe(2);
  });

  it('a size without a sizeType counts base units, as TradingView contracts do', () => {
    expect(readAlert({ ...base, size: '0.5' }, 'webhook')).toMatchObject({ size: '0.5', sizeType: 'base' });
  });

  it('a body that is not a JSON object is refused', () => {
    expect(() => parseAlertJson('buy BTC')).toThrow(/not valid JSON/);
    expect(() => parseAlertJson('[1]')).toThrow(/JSON object/);
  });

  it('a file line may carry its key and the sender time, a webhook body may not', () => {
    expect(readAlert({ ...base, key: 'k', sentAt: base.time }, 'file').action).toBe('buy');
    expect(problem({ ...base, key: 'k' }).field).toBe('key');
  });
});

describe('the key that makes a resent alert the same alert', () => {
  it('is the id when there is one', () => {
    expect(alertKey(readAlert({ ...base, id: 'tv-1' }, 'webhook'))).toBe('id:tv-1');
  });

  it('is a hash of the fields otherwise: the same fields give the same key, another time another key', () => {
    const a = alertKey(readAlert(base, 'webhook'));
    expect(alertKey(readAlert({ ...base, secret: 'other' }, 'webhook'))).toBe(a);
    expect(alertKey(readAlert({ ...base, time: '2025-01-31T12:00:01Z' }, 'webhook'))).not.toBe(a);
    expect(a).toMatch(/^sha256:[0-9a-f]{32}$/);
  });
});
