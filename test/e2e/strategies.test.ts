/**
 * `tradebot strategies`: the built-in strategies and their parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, runCli } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const BUILT_INS = ['ema-cross', 'rsi', 'bollinger', 'macd', 'webhook', 'http-signal'];
/** the signal strategies take their settings from the config's signals section, not parameters */
const SIGNAL_STRATEGIES = ['webhook', 'http-signal'];

interface ListedStrategy {
  name: string;
  description: string;
  params: Record<string, { type: string; default: unknown; min?: number; max?: number; description: string }>;
}

describe('tradebot strategies', { timeout: 30_000 }, () => {
  let listed: ListedStrategy[];

  beforeAll(() => {
    const r = runCli(['strategies', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; strategies: ListedStrategy[] };
    expect(doc.schemaVersion).toBe(1);
    listed = doc.strategies;
  });

  it('--json lists each built-in strategy with a description and its parameter schema', () => {
    expect(listed.map((s) => s.name)).toEqual(BUILT_INS);
    for (const s of listed) {
      expect(s.description, s.name).not.toBe('');
      if (!SIGNAL_STRATEGIES.includes(s.name)) expect(Object.keys(s.params).length, s.name).toBeGreaterThan(0);
      for (const [name, spec] of Object.entries(s.params)) {
        expect(['int', 'number', 'boolean', 'string'], `${s.name}.${name}`).toContain(spec.type);
        expect(spec.default, `${s.name}.${name}`).not.toBeUndefined();
        expect(typeof spec.description, `${s.name}.${name}`).toBe('string');
        if (spec.min !== undefined && typeof spec.default === 'number') expect(spec.default).toBeGreaterThanOrEqual(spec.min);
        if (spec.max !== undefined && typeof spec.default === 'number') expect(spec.default).toBeLessThanOrEqual(spec.max);
      }
    }
    const ema = listed.find((s) => s.name === 'ema-cross')!;
    expect(ema.params.fast).toMatchObject({ type: 'int', default: 12 });
    expect(ema.params.slow).toMatchObject({ type: 'int', default: 26 });
  });

  it('lists each built-in strategy with every parameter and its default in the text listing', () => {
    const r = runCli(['strategies']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // one block per strategy: from its name line to the next strategy's
    const text = r.stdout;
    for (const s of listed) {
      const start = text.search(new RegExp(`^${s.name}\\b`, 'm'));
      expect(start, s.name).toBeGreaterThanOrEqual(0);
      const rest = text.slice(start + s.name.length);
      const nextStart = rest.search(/^\S/m);
      const block = nextStart === -1 ? rest : rest.slice(0, nextStart);
      for (const [name, spec] of Object.entries(s.params)) {
        const line = block.split('\n').find((l) => new RegExp(`^\\s+${name}\\b`).test(l));
        expect(line, `${s.name}.${name}`).toBeDefined();
        expect(line, `${s.name}.${name}`).toContain(`default: ${String(spec.default)}`);
      }
    }
  });

  it('every listed strategy runs with its defaults; a signal strategy says which source it needs', () => {
    for (const s of listed) {
      if (SIGNAL_STRATEGIES.includes(s.name)) {
        const r = runCli(['backtest', '--from', '2024-01-01', '--to', '2024-01-03', '--strategy', s.name, '--json']);
        expect(r.code, s.name).toBe(2);
        expect(r.stderr, s.name).toMatch(s.name === 'webhook' ? /--signals-file FILE/ : /--signal-url URL/);
        continue;
      }
      const r = runCli(['backtest', '--from', '2024-01-01', '--to', '2024-01-03', '--strategy', s.name, '--json']);
      expect(r.code, `${s.name}: ${r.stderr}`).toBe(0);
      const doc = JSON.parse(r.stdout) as { strategy: { name: string; params: Record<string, unknown> } };
      expect(doc.strategy.name).toBe(s.name);
      expect(doc.strategy.params).toEqual(Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, v.default])));
    }
  });
});
