/**
 * Config files: where they are found, how flags override them, and the config commands.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/report/result.js';
import { TINY_RANGE, cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, sampleCsvHead, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const RSI_JSON_YAML = 'strategy:\n  name: rsi\nbacktest:\n  json: true\n';

interface ShownConfig {
  source: string | null;
  config: {
    strategy: { name: string; params: Record<string, unknown> };
    cash: number;
    stake: string | number;
    fee: number;
    backtest: { json: boolean; tolerance: number; data: string | null };
    risk: { maxOpenPositions: number; stopLoss: number | null };
  };
}

function showJson(cwd: string, args: string[] = [], home?: string): ShownConfig {
  const r = runCli(['config', 'show', '--json', ...args], { cwd, ...(home ? { home } : {}) });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ShownConfig;
}

describe('config files for backtest', { timeout: 30_000 }, () => {
  it('honours tradebot.config.yaml in the working directory', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', RSI_JSON_YAML);
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code, r.stderr).toBe(0);
    // backtest.json: true -> the document, not the text report
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.strategy.name).toBe('rsi');
    expect(doc.strategy.params).toEqual({ period: 14, lower: 30, upper: 70 });
  });

  it('lets a flag override the config file', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', RSI_JSON_YAML);
    const r = runCli(['backtest', ...TINY_RANGE, '--strategy', 'macd'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as BacktestResult;
    expect(doc.strategy.name).toBe('macd');
  });

  it("drops the config's parameters when a flag picks another strategy, and merges --param with them otherwise", () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: rsi\n  params:\n    period: 10\nbacktest:\n  json: true\n');
    const other = runCli(['backtest', ...TINY_RANGE, '--strategy', 'macd'], { cwd });
    expect(other.code, other.stderr).toBe(0);
    expect((JSON.parse(other.stdout) as BacktestResult).strategy.params).toEqual({ fast: 12, slow: 26, signal: 9 });
    const same = runCli(['backtest', ...TINY_RANGE, '--param', 'lower=25'], { cwd });
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as BacktestResult).strategy.params).toEqual({ period: 10, lower: 25, upper: 70 });
  });

  it('finds .tradebotrc.json', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, '.tradebotrc.json', JSON.stringify({ strategy: { name: 'bollinger' }, backtest: { json: true } }));
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).strategy.name).toBe('bollinger');
  });

  it('finds .tradebotrc.yaml', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, '.tradebotrc.yaml', 'strategy:\n  name: macd\n');
    expect(showJson(cwd).config.strategy.name).toBe('macd');
  });

  it('finds the "tradebot" property of package.json', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'package.json', JSON.stringify({ name: 'my-bot', version: '1.0.0', tradebot: { strategy: { name: 'macd' }, backtest: { json: true } } }));
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).strategy.name).toBe('macd');
  });

  it('ignores a package.json without a "tradebot" property', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'package.json', JSON.stringify({ name: 'unrelated' }));
    const shown = showJson(cwd);
    expect(shown.source).toBeNull();
    expect(shown.config.strategy.name).toBe('ema-cross');
  });

  it('prefers tradebot.config.yaml over .tradebotrc.json in the same directory', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: rsi\n');
    writeFile(cwd, '.tradebotrc.json', JSON.stringify({ strategy: { name: 'bollinger' } }));
    const shown = showJson(cwd);
    expect(shown.config.strategy.name).toBe('rsi');
    expect(path.basename(shown.source!)).toBe('tradebot.config.yaml');
  });

  it('uses --config FILE instead of the file it would find', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', RSI_JSON_YAML);
    writeFile(cwd, 'other.yaml', 'strategy:\n  name: bollinger\nbacktest:\n  json: true\n');
    const r = runCli(['backtest', ...TINY_RANGE, '--config', 'other.yaml'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as BacktestResult).strategy.name).toBe('bollinger');
  });

  it('a missing --config file exits 2 naming it', () => {
    const r = runCli(['backtest', ...TINY_RANGE, '--config', 'nowhere.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nowhere.yaml');
  });

  it('a misspelled key exits 2 and suggests the right one', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'stratgy:\n  name: rsi\n');
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = nonEmptyLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('stratgy');
    expect(lines[0]).toContain('strategy');
    expect(lines[0]).toContain('tradebot.config.yaml');
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('a YAML syntax error exits 2 naming the file and line', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: [rsi\n');
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/tradebot\.config\.yaml:\d+/);
  });

  it('a value of the wrong type exits 2 naming the key', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'fee: lots\n');
    const r = runCli(['backtest', ...TINY_RANGE], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fee');
  });

  it('searches parent directories up to the home directory', () => {
    const root = makeTmpDir();
    writeFile(root, 'tradebot.config.yaml', 'strategy:\n  name: rsi\n');
    const deep = path.join(root, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    const shown = showJson(deep, [], root);
    expect(shown.config.strategy.name).toBe('rsi');
    expect(shown.source).toBe(path.join(root, 'tradebot.config.yaml'));
  });

  it('outside the home directory, stops searching at the project root (the directory with package.json)', () => {
    const root = makeTmpDir();
    const home = makeTmpDir();
    writeFile(root, '.tradebotrc.yaml', 'strategy:\n  name: rsi\n'); // above the project: never read
    writeFile(root, 'project/package.json', JSON.stringify({ name: 'project' }));
    const sub = path.join(root, 'project', 'src');
    mkdirSync(sub, { recursive: true });
    const shown = showJson(sub, [], home);
    expect(shown.source).toBeNull();
    expect(shown.config.strategy.name).toBe('ema-cross');
  });

  it('resolves a relative backtest.data path against the directory of the config file that names it', () => {
    // The config search walks up from the working directory, so the same project config must work
    // from any subdirectory.
    const root = makeTmpDir();
    writeFile(root, 'candles.csv', sampleCsvHead(600));
    writeFile(root, 'tradebot.config.yaml', 'backtest:\n  data: candles.csv\n  json: true\n');
    const fromRoot = runCli(['backtest'], { cwd: root });
    expect(fromRoot.code, fromRoot.stderr).toBe(0);
    expect((JSON.parse(fromRoot.stdout) as BacktestResult).data.candles).toBe(600);

    const sub = path.join(root, 'reports');
    mkdirSync(sub);
    const fromSub = runCli(['backtest'], { cwd: sub, home: root });
    expect(fromSub.stderr).toBe('');
    expect(fromSub.code).toBe(0);
    expect((JSON.parse(fromSub.stdout) as BacktestResult).data.candles).toBe(600);
  });
});

describe('tradebot config validate', { timeout: 30_000 }, () => {
  it('exits 0 on a good file and names it', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: rsi\n  params:\n    period: 10\nfee: 0.002\nrisk:\n  stopLoss: 0.05\n');
    const r = runCli(['config', 'validate'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('tradebot.config.yaml');
  });

  it('exits 0 without a config file (the defaults apply)', () => {
    const r = runCli(['config', 'validate']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('exits 2 on a bad file and lists every problem on stderr', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'stratgy:\n  name: rsi\nfee: -1\ncash: plenty\n');
    const r = runCli(['config', 'validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(stackLines(r.stderr)).toEqual([]);
    const lines = nonEmptyLines(r.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const text = r.stderr;
    expect(text).toContain('stratgy');
    expect(text).toContain('strategy'); // the suggestion
    expect(text).toMatch(/\bfee\b/);
    expect(text).toMatch(/\bcash\b/);
  });

  it('validates the file given with --config', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: rsi\n');
    writeFile(cwd, 'bad.yaml', 'slippage: -5\n');
    const r = runCli(['config', 'validate', '--config', 'bad.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toContain('slippage');
  });

  it('reports settings that conflict across keys (riskPerTrade without stopLoss)', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'risk:\n  riskPerTrade: 0.01\n');
    const r = runCli(['config', 'validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('riskPerTrade');
  });
});

describe('tradebot config show', { timeout: 30_000 }, () => {
  it('prints the effective config as YAML, file values over defaults', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'strategy:\n  name: rsi\nfee: 0.002\n');
    const r = runCli(['config', 'show'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('tradebot.config.yaml');
    const cfg = parseYaml(r.stdout) as ShownConfig['config'];
    expect(cfg.strategy.name).toBe('rsi');
    expect(cfg.fee).toBe(0.002);
    // defaults for everything not in the file
    expect(cfg.cash).toBe(10000);
    expect(cfg.stake).toBe('99%');
    expect(cfg.backtest.tolerance).toBe(0.01);
    expect(cfg.backtest.json).toBe(false);
    expect(cfg.risk.maxOpenPositions).toBe(1);
    expect(cfg.risk.stopLoss).toBeNull();
  });

  it('prints the defaults when there is no config file', () => {
    const r = runCli(['config', 'show']);
    expect(r.code).toBe(0);
    const cfg = parseYaml(r.stdout) as ShownConfig['config'];
    expect(cfg.strategy.name).toBe('ema-cross');
    expect(cfg.fee).toBe(0.001);
  });

  it('--json prints a parseable document with the source file and the config', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, '.tradebotrc.json', JSON.stringify({ cash: 5000, strategy: { name: 'macd', params: { signal: 5 } } }));
    const shown = showJson(cwd);
    expect(shown.source).toBe(path.join(cwd, '.tradebotrc.json'));
    expect(shown.config.cash).toBe(5000);
    expect(shown.config.strategy).toEqual({ name: 'macd', params: { signal: 5 } });
    expect(shown.config.fee).toBe(0.001);
  });

  it('exits 2 on an invalid config, like backtest', () => {
    const cwd = makeTmpDir();
    writeFile(cwd, 'tradebot.config.yaml', 'stratgy:\n  name: rsi\n');
    const r = runCli(['config', 'show'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('strategy');
  });
});
