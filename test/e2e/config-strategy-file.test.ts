/**
 * A strategy file is code. When a config file found by the directory search names one, tradebot
 * names the absolute path it imports before importing it, and refuses a file outside the config
 * file's directory tree.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_RANGE, cleanupTmpDirs, makeTmpDir, runCli, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

/** A strategy module that says when it is imported and leaves a marker file. */
function strategySource(markerFile: string): string {
  return `import { writeFileSync } from 'node:fs';
process.stderr.write('IMPORTED\\n');
writeFileSync(${JSON.stringify(markerFile)}, 'x');
export default { name: 'flat', params: {}, create() { return { onCandle() {} }; } };
`;
}

describe('strategy files named by a searched config', { timeout: 60_000 }, () => {
  it('prints the absolute path it will import before importing it', () => {
    const root = makeTmpDir();
    const marker = path.join(root, 'imported');
    const file = writeFile(root, 'strategies/flat.mjs', strategySource(marker));
    writeFile(root, 'tradebot.config.yaml', 'strategy:\n  name: ./strategies/flat.mjs\n');
    const cwd = path.join(root, 'work');
    mkdirSync(cwd);
    const r = runCli(['backtest', ...TINY_RANGE, '--json'], { cwd, home: root });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const announced = r.stderr.indexOf(file);
    expect(announced).toBeGreaterThanOrEqual(0);
    expect(announced).toBeLessThan(r.stderr.indexOf('IMPORTED'));
    expect((JSON.parse(r.stdout) as { strategy: { name: string } }).strategy.name).toBe('flat');
  });

  it('refuses a strategy file outside the config file\'s directory tree (exit 2, nothing imported)', () => {
    const root = makeTmpDir();
    const marker = path.join(root, 'imported');
    const outside = writeFile(root, 'elsewhere/evil.mjs', strategySource(marker));
    const project = path.join(root, 'project');
    writeFile(project, 'tradebot.config.yaml', 'strategy:\n  name: ../elsewhere/evil.mjs\n');
    for (const args of [['backtest', ...TINY_RANGE], ['paper', '--bot', 'p', '--exchange', 'binance', '--pair', 'BTC/USDT', '--timeframe', '5m']]) {
      const r = runCli(args, { cwd: project, home: project, env: { TRADEBOT_HOME: path.join(root, 'home') } });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(outside);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(stackLines(r.stderr)).toEqual([]);
      expect(existsSync(marker)).toBe(false);
    }
    expect(existsSync(path.join(root, 'home', 'bots', 'p'))).toBe(false);
  });

  it('refuses a symlink inside the tree that leads out of it', () => {
    const root = makeTmpDir();
    const marker = path.join(root, 'imported');
    const outside = writeFile(root, 'elsewhere/evil.mjs', strategySource(marker));
    const project = path.join(root, 'project');
    writeFile(project, 'tradebot.config.yaml', 'strategy:\n  name: ./link.mjs\n');
    symlinkSync(outside, path.join(project, 'link.mjs'));
    const r = runCli(['backtest', ...TINY_RANGE], { cwd: project, home: project });
    expect(r.code, r.stderr).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('leaves a strategy file named with --strategy or in a --config file to the user', () => {
    const root = makeTmpDir();
    const marker = path.join(root, 'imported');
    const outside = writeFile(root, 'elsewhere/mine.mjs', strategySource(marker));
    const project = path.join(root, 'project');
    writeFile(project, 'conf/explicit.yaml', `strategy:\n  name: ${outside}\n`);
    const explicit = runCli(['backtest', ...TINY_RANGE, '--config', 'conf/explicit.yaml'], { cwd: project, home: project });
    expect(explicit.code, explicit.stderr).toBe(0);
    writeFile(project, 'tradebot.config.yaml', 'strategy:\n  name: ../elsewhere/mine.mjs\n');
    const flag = runCli(['backtest', ...TINY_RANGE, '--strategy', outside], { cwd: project, home: project });
    expect(flag.code, flag.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
