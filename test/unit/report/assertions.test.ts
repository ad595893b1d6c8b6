import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { METRIC_NAMES } from '../../../src/core/metrics.js';
import { checkAssertions, parseAssertions } from '../../../src/report/assertions.js';
import { metrics } from './fixture.js';

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(ExitCode.usage);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseAssertions', () => {
  it('parses comma-separated conditions', () => {
    const parsed = parseAssertions('sharpe>=1.2,maxDrawdown<=0.25,trades>=10');
    expect(parsed.map(({ metric, op, value }) => ({ metric, op, value }))).toEqual([
      { metric: 'sharpe', op: '>=', value: 1.2 },
      { metric: 'maxDrawdown', op: '<=', value: 0.25 },
      { metric: 'trades', op: '>=', value: 10 },
    ]);
  });

  it('tolerates whitespace', () => {
    const parsed = parseAssertions('  sharpe >= 1.2 ,  maxDrawdown<= 0.25 ');
    expect(parsed.map((a) => [a.metric, a.op, a.value])).toEqual([
      ['sharpe', '>=', 1.2],
      ['maxDrawdown', '<=', 0.25],
    ]);
  });

  it.each(['>=', '<=', '>', '<', '==', '!='])('parses operator %s', (op) => {
    const [a] = parseAssertions(`winRate${op}0.5`);
    expect(a!.op).toBe(op);
    expect(a!.value).toBe(0.5);
  });

  it('parses negative, fractional and exponent numbers', () => {
    expect(parseAssertions('totalReturn>-0.1')[0]!.value).toBe(-0.1);
    expect(parseAssertions('totalReturn>.5')[0]!.value).toBe(0.5);
    expect(parseAssertions('feesPaid<1e3')[0]!.value).toBe(1000);
  });

  it('accepts metric names in another case or with separators', () => {
    expect(parseAssertions('max_drawdown<=0.3')[0]!.metric).toBe('maxDrawdown');
    expect(parseAssertions('SHARPE>1')[0]!.metric).toBe('sharpe');
  });

  it('suggests the closest metric and lists all metrics for an unknown one', () => {
    const err = usageError(() => parseAssertions('sharp>=1.2'));
    expect(err.message).toContain('"sharp"');
    expect(err.message).toMatch(/did you mean "sharpe"/);
    for (const name of METRIC_NAMES) expect(err.message).toContain(name);
  });

  it.each(['sharpe', 'sharpe>=', '>=1', 'sharpe>=abc', 'sharpe>=1.2.3', 'sharpe>>1', 'sharpe>=NaN', 'sharpe>=Infinity'])(
    'rejects malformed "%s", naming the fragment',
    (fragment) => {
      const err = usageError(() => parseAssertions(`trades>=1,${fragment}`));
      expect(err.message).toContain(fragment);
    },
  );

  it('suggests the right operator for a mistyped one', () => {
    expect(usageError(() => parseAssertions('sharpe=>1')).message).toContain('>=');
    expect(usageError(() => parseAssertions('trades=3')).message).toContain('==');
  });

  it('rejects an empty expression and an empty fragment', () => {
    usageError(() => parseAssertions(''));
    usageError(() => parseAssertions('sharpe>1,,trades>2'));
    usageError(() => parseAssertions('sharpe>1,'));
  });
});

describe('checkAssertions', () => {
  const m = metrics({ sharpe: 0.84, maxDrawdown: 0.2, trades: 10 });

  it('returns nothing when every condition holds', () => {
    expect(checkAssertions(m, parseAssertions('sharpe>=0.5,maxDrawdown<=0.25,trades>=10'))).toEqual([]);
  });

  it('returns one line per breached condition with the value, the breach and the requirement', () => {
    const lines = checkAssertions(m, parseAssertions('sharpe>=1.2,maxDrawdown<=0.25,trades>=20'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('sharpe');
    expect(lines[0]).toContain('0.84');
    expect(lines[0]).toContain('<');
    expect(lines[0]).toContain('sharpe>=1.2');
    expect(lines[1]).toContain('trades>=20');
  });

  it.each([
    ['>=', 0.84, true],
    ['>=', 0.85, false],
    ['<=', 0.84, true],
    ['<=', 0.83, false],
    ['>', 0.83, true],
    ['>', 0.84, false],
    ['<', 0.85, true],
    ['<', 0.84, false],
    ['==', 0.84, true],
    ['==', 0.8, false],
    ['!=', 0.8, true],
    ['!=', 0.84, false],
  ] as const)('sharpe 0.84 %s %d holds: %s', (op, value, holds) => {
    expect(checkAssertions(m, parseAssertions(`sharpe${op}${value}`))).toHaveLength(holds ? 0 : 1);
  });

  it('shows enough digits to make a near miss visible', () => {
    const [line] = checkAssertions(metrics({ sharpe: 1.19999 }), parseAssertions('sharpe>=1.2'));
    expect(line).toContain('1.19999');
  });

  it('treats a null metric as breaching every condition on it', () => {
    const lines = checkAssertions(metrics({ sharpe: null }), parseAssertions('sharpe>=1,sharpe<1,sharpe!=5,trades>=0'));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toContain('sharpe');
      expect(line).toMatch(/undefined/);
    }
  });
});
