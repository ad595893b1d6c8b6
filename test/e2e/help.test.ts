/**
 * --help, --version and command-line usage errors at the top level.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanupTmpDirs, nonEmptyLines, runCli } from '../support/cli.js';
import { run } from '../../src/cli.js';

afterAll(cleanupTmpDirs);

const BACKTEST_OPTIONS = [
  '--data',
  '--exchange',
  '--exchange-url',
  '--pair',
  '--timeframe',
  '--strategy',
  '--param',
  '--from',
  '--to',
  '--cash',
  '--stake',
  '--fee',
  '--slippage',
  '--stop-loss',
  '--take-profit',
  '--trailing-stop',
  '--risk-per-trade',
  '--max-open-positions',
  '--json',
  '--out',
  '--trades-csv',
  '--assert',
  '--baseline',
  '--tolerance',
  '--config',
  '--debug',
];

/** Help text with line wrapping undone, so a phrase split over two lines still matches. */
const unwrap = (s: string): string => s.replace(/\s+/g, ' ');

describe('help and version', { timeout: 30_000 }, () => {
  it('tradebot --help exits 0 and lists the commands and the exit codes', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const cmd of ['backtest', 'strategies', 'config']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(r.stdout).toMatch(/exit codes/i);
    expect(r.stdout).toContain('--version');
  });

  it('tradebot backtest --help exits 0 and lists every backtest option', () => {
    const r = runCli(['backtest', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const opt of BACKTEST_OPTIONS) expect(r.stdout, opt).toMatch(new RegExp(`(^|\\s)${opt}\\b`, 'm'));
  });

  it('tradebot backtest --help shows the defaults', () => {
    const text = unwrap(runCli(['backtest', '--help']).stdout);
    for (const def of ['"0.001"', '"99%"', '"10000"', '"ema-cross"', '"0.01"']) expect(text, def).toContain(def);
  });

  it('tradebot help backtest prints the same help as tradebot backtest --help', () => {
    const a = runCli(['help', 'backtest']);
    const b = runCli(['backtest', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('the config and strategies commands have help too', () => {
    for (const args of [['config', '--help'], ['config', 'show', '--help'], ['config', 'validate', '--help'], ['strategies', '--help']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/usage/i);
    }
  });

  it('tradebot --help, answered from the rendering the build made, is byte for byte what commander prints', async () => {
    let commander = '';
    const sink = { write: (s: string) => ((commander += s), true) } as unknown as NodeJS.WriteStream;
    expect(await run(['node', 'tradebot', '--help'], { cwd: REPO_ROOT, env: {}, stdout: sink, stderr: sink })).toBe(0);
    for (const flag of ['--help', '-h']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(commander);
    }
  });

  it('the rendered help is used on a pipe or an 80-column terminal only; other widths go through commander', async () => {
    // the built module: it finds the rendering next to itself in dist/
    const { cachedHelp } = (await import(path.join(REPO_ROOT, 'dist', 'src', 'help-cache.js'))) as typeof import('../../src/help-cache.js');
    expect(cachedHelp({ isTTY: false })).not.toBeNull();
    expect(cachedHelp({ isTTY: true, columns: 80 })).not.toBeNull();
    expect(cachedHelp({ isTTY: true, columns: 120 })).toBeNull();
    expect(cachedHelp({ isTTY: true, columns: 0 })).toBeNull();
  });

  it('--version prints the package version (semver) and exits 0', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });
});

describe('top-level usage errors', { timeout: 30_000 }, () => {
  it('an unknown command exits 2 and names it', () => {
    const r = runCli(['bakctest']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(nonEmptyLines(r.stderr)[0]).toContain('bakctest');
  });

  it('an unknown top-level flag exits 2', () => {
    const r = runCli(['--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--nope');
  });

  it('no command at all is a usage error: usage on stderr, exit 2', () => {
    // A script running `tradebot $CMD` with an empty $CMD must not succeed.
    const r = runCli([]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/usage/i);
    expect(r.code).toBe(2);
  });

  it('no command after a global flag (tradebot --debug) is the same usage error, exit 2', () => {
    const r = runCli(['--debug']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/usage/i);
    expect(r.code).toBe(2);
  });

  it('a command group without its subcommand (tradebot config) is a usage error, exit 2', () => {
    const r = runCli(['config']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/usage/i);
    expect(r.stderr).toContain('validate');
    expect(r.code).toBe(2);
  });
});
