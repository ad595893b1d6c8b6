import { describe, expect, it } from 'vitest';
import { ExitCode, InternalError, UsageError } from '../../../src/core/errors.js';
import { parseResult, serializeResult } from '../../../src/report/result-json.js';
import { RESULT_SCHEMA_VERSION, type BacktestResult } from '../../../src/report/result.js';
import { metrics, result } from './fixture.js';

/** A deep copy with every object's keys inserted in reverse order. */
function reversedKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reversedKeys) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).reverse()) out[k] = reversedKeys((v as Record<string, unknown>)[k]);
    return out as T;
  }
  return v;
}

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('serializeResult', () => {
  it('is byte-identical for objects built with different key insertion order', () => {
    const a = result();
    const b = reversedKeys(result());
    expect(Object.keys(b)[0]).toBe('equityCurve'); // the copy really is in another order
    expect(serializeResult(b)).toBe(serializeResult(a));
  });

  it('writes keys in the order of the type declaration', () => {
    const doc = JSON.parse(serializeResult(reversedKeys(result())));
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tradebot', 'strategy', 'data', 'settings', 'metrics', 'metricsNotes', 'warnings', 'trades', 'equityCurve']);
    expect(Object.keys(doc.data)).toEqual(['source', 'symbol', 'candles', 'from', 'to', 'timeframe', 'gaps']);
    expect(Object.keys(doc.metrics)[0]).toBe('startEquity');
    expect(Object.keys(doc.metrics).at(-1)).toBe('buyAndHoldReturn');
    expect(Object.keys(doc.trades[0])).toEqual([
      'symbol', 'side', 'entryTime', 'exitTime', 'entryPrice', 'exitPrice', 'qty', 'fees', 'pnl', 'returnPct', 'exitReason', 'open', 'entries', 'exits',
    ]);
  });

  it('sorts the keys of free-form maps such as params', () => {
    const r = result({ strategy: { name: 's', params: { zeta: 1, alpha: { y: 2, b: 3 } } } });
    const doc = JSON.parse(serializeResult(r));
    expect(Object.keys(doc.strategy.params)).toEqual(['alpha', 'zeta']);
    expect(Object.keys(doc.strategy.params.alpha)).toEqual(['b', 'y']);
  });

  it('uses 2-space indentation and a trailing newline', () => {
    const text = serializeResult(result());
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 2,');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('round-trips numbers in their shortest form', () => {
    const r = result({ metrics: metrics({ sharpe: 0.1 + 0.2, totalReturn: 1e-7 }) });
    const text = serializeResult(r);
    expect(text).toContain('"sharpe": 0.30000000000000004');
    expect(text).toContain('"totalReturn": 1e-7');
    expect(JSON.parse(text)).toEqual(r);
  });

  it('leaves out fields that are not part of the document', () => {
    const r = { ...result(), scratch: 1 } as BacktestResult;
    expect(JSON.parse(serializeResult(r))).not.toHaveProperty('scratch');
  });

  it.each([
    ['NaN metric', result({ metrics: metrics({ sharpe: NaN }) })],
    ['infinite metric', result({ metrics: metrics({ profitFactor: Infinity }) })],
    ['infinite param', result({ strategy: { name: 's', params: { k: -Infinity } } })],
    ['NaN equity', result({ equityCurve: [{ time: 0, equity: NaN }] })],
  ])('throws on a non-finite number (%s)', (_, r) => {
    expect(() => serializeResult(r)).toThrow(InternalError);
  });
});

describe('parseResult', () => {
  it('reads back what serializeResult wrote', () => {
    const r = result();
    expect(parseResult(serializeResult(r), 'base.json')).toEqual(r);
  });

  it('reads a schemaVersion 1 document (trades without entries and exits)', () => {
    const doc = JSON.parse(serializeResult(result()));
    doc.schemaVersion = 1;
    for (const t of doc.trades) {
      delete t.entries;
      delete t.exits;
      if (t.exitReason === 'take-profit') t.exitReason = 'signal';
    }
    const r = parseResult(JSON.stringify(doc), 'v1.json');
    expect(r.schemaVersion).toBe(1);
    expect(r.trades[0]!.entries).toBeUndefined();
  });

  it('checks the legs of a schemaVersion 2 trade, naming the field', () => {
    const missing = JSON.parse(serializeResult(result()));
    delete missing.trades[1].exits;
    expect(catchError(() => parseResult(JSON.stringify(missing), 'v2.json')).message).toContain('trades[1].exits must be an array');
    const reason = JSON.parse(serializeResult(result()));
    reason.trades[0].exits[0].reason = 'ladder-0';
    expect(catchError(() => parseResult(JSON.stringify(reason), 'v2.json')).message).toContain('trades[0].exits[0].reason');
    const ok = JSON.parse(serializeResult(result()));
    ok.trades[0].exits = [
      { time: 1, price: '43000', qty: '0.05', fee: '2', reason: 'ladder-1' },
      { time: 2, price: '43100', qty: '0.05', fee: '2', reason: 'roi' },
    ];
    ok.trades[0].exitReason = 'roi';
    expect(parseResult(JSON.stringify(ok), 'v2.json').trades[0]!.exits[1]!.reason).toBe('roi');
  });

  it('writes the legs of a trade with their keys in order', () => {
    const text = serializeResult(result());
    const leg = JSON.parse(text).trades[0].exits[0];
    expect(Object.keys(leg)).toEqual(['time', 'price', 'qty', 'fee', 'reason']);
    expect(Object.keys(JSON.parse(text).trades[0]).slice(-3)).toEqual(['open', 'entries', 'exits']);
  });

  it('reads a document written before metricsNotes and warnings existed, as empty ones', () => {
    const doc = JSON.parse(serializeResult(result()));
    delete doc.metricsNotes;
    delete doc.warnings;
    const read = parseResult(JSON.stringify(doc), 'old.json');
    expect(read.metricsNotes).toEqual({});
    expect(read.warnings).toEqual([]);
  });

  it('rejects a note on something that is not a metric, naming it', () => {
    const doc = JSON.parse(serializeResult(result({ metricsNotes: { cagr: 'span under 30 days: not annualised' } })));
    expect(parseResult(JSON.stringify(doc), 'a.json').metricsNotes).toEqual({ cagr: 'span under 30 days: not annualised' });
    doc.metricsNotes.sharp = 'typo';
    const err = catchError(() => parseResult(JSON.stringify(doc), 'a.json'));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('metricsNotes.sharp');
  });

  it('rejects a newer schemaVersion, naming the file', () => {
    const doc = JSON.parse(serializeResult(result()));
    doc.schemaVersion = RESULT_SCHEMA_VERSION + 1;
    const err = catchError(() => parseResult(JSON.stringify(doc), 'runs/base.json'));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(ExitCode.usage);
    expect(err.message).toContain('runs/base.json');
    expect(err.message).toContain(String(RESULT_SCHEMA_VERSION + 1));
  });

  it.each([
    ['not JSON', 'hello'],
    ['an empty file', ''],
    ['an array', '[]'],
    ['an unrelated object', '{"name":"package"}'],
    ['a bad schemaVersion', '{"schemaVersion":"1"}'],
    ['a zero schemaVersion', '{"schemaVersion":0}'],
  ])('rejects %s as not a tradebot result', (_, text) => {
    const err = catchError(() => parseResult(text, 'garbage.json'));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('garbage.json');
  });

  it('names the first malformed field', () => {
    const doc = JSON.parse(serializeResult(result()));
    doc.metrics.sharpe = 'high';
    const err = catchError(() => parseResult(JSON.stringify(doc), 'base.json'));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('metrics.sharpe');
  });

  it('accepts null for metrics that may be undefined but not for others', () => {
    const doc = JSON.parse(serializeResult(result()));
    doc.metrics.sharpe = null;
    expect(parseResult(JSON.stringify(doc), 'a.json').metrics.sharpe).toBeNull();
    doc.metrics.maxDrawdown = null;
    expect(() => parseResult(JSON.stringify(doc), 'a.json')).toThrow(/metrics\.maxDrawdown/);
  });

  it('rejects a trade with a malformed decimal', () => {
    const doc = JSON.parse(serializeResult(result()));
    doc.trades[1].pnl = 'lots';
    expect(() => parseResult(JSON.stringify(doc), 'a.json')).toThrow(/trades\[1\]\.pnl/);
  });
});
