/**
 * Nothing read while looking for configuration runs as code: JavaScript and TypeScript files next
 * to the config (cosmiconfig's "meta config" `.config/config.*`, `tradebot.config.js`,
 * `.tradebotrc.mjs`, ...) are never executed, on any command that loads configuration.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, cleanupTmpDirs, makeTmpDir, runCli, sampleCsvHead, stackLines, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const KINDS = ['js', 'cjs', 'mjs', 'ts'] as const;
type Kind = (typeof KINDS)[number];

/** A module that leaves a file named `ran-<tag>` in `dir` when it is executed. */
function marker(dir: string, tag: string, kind: Kind): string {
  const target = JSON.stringify(path.join(dir, `ran-${tag}`));
  if (kind === 'mjs' || kind === 'ts') return `import { writeFileSync } from 'node:fs';\nwriteFileSync(${target}, 'x');\nexport default { fee: 0.5 };\n`;
  return `require('node:fs').writeFileSync(${target}, 'x');\nmodule.exports = { fee: 0.5 };\n`;
}

/**
 * A project directory whose meta config is `.config/config.<kind>` (cosmiconfig loads only the
 * first one it finds, so each kind needs its own directory), beside every JS/TS rc name, and a
 * real YAML config so that the search has something to find.
 */
function project(kind: Kind): string {
  const dir = makeTmpDir();
  writeFile(dir, `.config/config.${kind}`, marker(dir, `meta-${kind}`, kind));
  for (const k of KINDS) {
    writeFile(dir, `tradebot.config.${k}`, marker(dir, `config-${k}`, k));
    writeFile(dir, `.tradebotrc.${k}`, marker(dir, `rc-${k}`, k));
  }
  writeFile(dir, 'tradebot.config.yaml', 'fee: 0.002\n');
  writeFile(dir, 'candles.csv', sampleCsvHead(300));
  return dir;
}

const ran = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('ran-'));

/** Commands that load the configuration, and the exit code each gives here (after loading it). */
const COMMANDS: { args: string[]; code: number }[] = [
  { args: ['config', 'show', '--json'], code: 0 },
  { args: ['config', 'validate'], code: 0 },
  { args: ['backtest', '--data', 'candles.csv', '--json'], code: 0 },
  { args: ['data', 'list'], code: 0 },
  { args: ['status'], code: 0 },
  { args: ['bots'], code: 0 },
  // refused after the config is read: the timeframe is not one
  { args: ['paper', '--bot', 'p', '--timeframe', 'bogus'], code: 2 },
  { args: ['live', '--bot', 'l', '--yes', '--timeframe', 'bogus'], code: 2 },
  // no such bot: found out after the config named the home
  { args: ['reconcile', 'nobody'], code: 2 },
];

describe('configuration never executes code', { timeout: 120_000 }, () => {
  for (const kind of KINDS) {
    it(`runs no .config/config.${kind} nor any JS/TS config file, on every command that reads the config`, () => {
      const dir = project(kind);
      const env = { TRADEBOT_HOME: path.join(dir, 'home') };
      for (const { args, code } of COMMANDS) {
        const r = runCli(args, { cwd: dir, env });
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
        expect(stackLines(r.stderr), args.join(' ')).toEqual([]);
        expect(ran(dir), args.join(' ')).toEqual([]);
      }
      // the YAML config was the one applied, not the fee the JS files export
      const show = runCli(['config', 'show', '--json'], { cwd: dir, env });
      expect((JSON.parse(show.stdout) as { config: { fee: number } }).config.fee).toBe(0.002);
      const bt = runCli(['backtest', '--data', 'candles.csv', '--json'], { cwd: dir, env });
      expect((JSON.parse(bt.stdout) as { settings: { fee: string } }).settings.fee).toBe('0.002');
    });
  }

  it('a throwing .config/config.ts is not read at all: the command runs', () => {
    const dir = makeTmpDir();
    writeFile(dir, '.config/config.ts', "throw new Error('boom');\nexport default {};\n");
    const r = runCli(['config', 'validate'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(stackLines(r.stderr)).toEqual([]);
  });

  it('a broken .config/config.json or package.json without a tradebot key is not configuration', () => {
    const dir = makeTmpDir();
    writeFile(dir, '.config/config.json', '{ not json');
    writeFile(dir, '.config/config.yaml', 'searchPlaces: [evil.yaml]\n');
    writeFile(dir, 'evil.yaml', 'fee: 0.5\n');
    writeFile(dir, 'package.json', JSON.stringify({ name: 'x', cosmiconfig: { searchPlaces: ['evil.yaml'] } }));
    const r = runCli(['config', 'show', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: null, config: { fee: 0.001 } });
  });

  it('a package.json that is not JSON is named, exit 2, no stack trace', () => {
    const dir = makeTmpDir();
    writeFile(dir, 'package.json', '{"name": ');
    const r = runCli(['config', 'show'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(existsSync(path.join(dir, 'ran-anything'))).toBe(false);
  });
});

describe('start-up cost of the config search', { timeout: 60_000 }, () => {
  /** Runs tradebot with the packages in `refused` made unloadable (a module resolve hook). */
  function runRefusing(dir: string, refused: string[], args: string[]) {
    writeFile(dir, 'hook.mjs', `const refused = ${JSON.stringify(refused)};\nexport async function resolve(specifier, context, next) {\n  if (refused.some((p) => specifier === p || specifier.startsWith(p + '/'))) throw new Error(specifier + ' imported by ' + context.parentURL);\n  return next(specifier, context);\n}\n`);
    writeFile(dir, 'refuse.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hook.mjs')).href)});\n`);
    return spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'refuse.mjs')).href, BIN, ...args], { cwd: dir, env: childEnv(dir), encoding: 'utf8' });
  }

  it('backtest --data FILE with no config file loads neither yaml nor cosmiconfig', () => {
    const dir = makeTmpDir();
    writeFile(dir, 'candles.csv', sampleCsvHead(300));
    const r = runRefusing(dir, ['yaml', 'cosmiconfig'], ['backtest', '--data', 'candles.csv', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // the hook does refuse: a YAML config needs the yaml package
    writeFile(dir, 'tradebot.config.yaml', 'fee: 0.002\n');
    const withYaml = runRefusing(dir, ['yaml'], ['backtest', '--data', 'candles.csv', '--json']);
    expect(withYaml.status).not.toBe(0);
    expect(withYaml.stderr).toMatch(/yaml imported by/);
  });
});
