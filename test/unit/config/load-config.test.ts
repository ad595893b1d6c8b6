import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { CONFIG_SEARCH_PLACES, loadConfig, searchStopDir } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/config/validate-config.js';

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'tradebot-config-')));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(rel: string, content: string): Promise<string> {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

async function dir(rel: string): Promise<string> {
  const d = path.join(root, rel);
  await mkdir(d, { recursive: true });
  return d;
}

/** Search from `cwd` (relative to root) with the temp root as stop directory: hermetic. */
function search(cwd = '.', configFile?: string) {
  return loadConfig({ cwd: path.join(root, cwd), stopDir: root, ...(configFile !== undefined ? { configFile } : {}) });
}

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as ConfigError).exitCode).toBe(ExitCode.usage);
  expect((err as ConfigError).message).not.toContain('\n');
  return err as ConfigError;
}

describe('loadConfig: search places', () => {
  it('searches exactly the four documented places', () => {
    expect(CONFIG_SEARCH_PLACES).toEqual(['tradebot.config.yaml', '.tradebotrc.yaml', '.tradebotrc.json', 'package.json']);
  });

  it('finds tradebot.config.yaml', async () => {
    const file = await write('tradebot.config.yaml', 'pair: BTC/USDT\nrisk:\n  stopLoss: 0.02\n');
    expect(await search()).toEqual({ config: { pair: 'BTC/USDT', risk: { stopLoss: 0.02 } }, filepath: file });
  });

  it('finds .tradebotrc.yaml', async () => {
    const file = await write('.tradebotrc.yaml', 'timeframe: 1h\n');
    expect(await search()).toEqual({ config: { timeframe: '1h' }, filepath: file });
  });

  it('finds .tradebotrc.json', async () => {
    const file = await write('.tradebotrc.json', '{ "fee": 0.002 }');
    expect(await search()).toEqual({ config: { fee: 0.002 }, filepath: file });
  });

  it('finds the "tradebot" property of package.json', async () => {
    const file = await write('package.json', JSON.stringify({ name: 'x', tradebot: { cash: 500 } }));
    expect(await search()).toEqual({ config: { cash: 500 }, filepath: file });
  });

  it('skips a package.json without a "tradebot" property and keeps looking upward', async () => {
    const file = await write('.tradebotrc.yaml', 'cash: 42\n');
    await write('proj/package.json', JSON.stringify({ name: 'proj' }));
    expect(await search('proj')).toEqual({ config: { cash: 42 }, filepath: file });
  });

  it('takes the first place in a directory in the documented order', async () => {
    const yaml = await write('tradebot.config.yaml', 'cash: 1\n');
    await write('.tradebotrc.yaml', 'cash: 2\n');
    await write('.tradebotrc.json', '{"cash": 3}');
    await write('package.json', JSON.stringify({ tradebot: { cash: 4 } }));
    expect((await search()).filepath).toBe(yaml);
  });

  it('searches parent directories, nearest first', async () => {
    await write('.tradebotrc.yaml', 'cash: 1\n');
    const near = await write('a/.tradebotrc.json', '{"cash": 2}');
    await dir('a/b/c');
    expect(await search('a/b/c')).toEqual({ config: { cash: 2 }, filepath: near });
  });

  it('returns an empty config and null filepath when nothing is found', async () => {
    await dir('a/b');
    expect(await search('a/b')).toEqual({ config: {}, filepath: null });
  });

  it('does not look above the stop directory', async () => {
    await write('tradebot.config.yaml', 'cash: 1\n');
    const proj = await dir('proj/sub');
    expect(await loadConfig({ cwd: proj, stopDir: path.join(root, 'proj') })).toEqual({ config: {}, filepath: null });
  });

  it('treats an empty or comment-only file as an empty config, and stops there', async () => {
    await write('tradebot.config.yaml', 'cash: 1\n');
    const empty = await write('a/tradebot.config.yaml', '');
    expect(await search('a')).toEqual({ config: {}, filepath: empty });
    const comments = await write('b/.tradebotrc.yaml', '# nothing yet\n');
    expect(await search('b')).toEqual({ config: {}, filepath: comments });
  });

  it('never loads JS/TS configs, other rc names or .config/ files', async () => {
    const marker = path.join(root, 'executed');
    const js = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = { cash: 1 };`;
    const mjs = `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default { cash: 1 };`;
    await write('.tradebotrc.js', js);
    await write('.tradebotrc.cjs', js);
    await write('.tradebotrc.mjs', mjs);
    await write('tradebot.config.js', js);
    await write('tradebot.config.mjs', mjs);
    await write('tradebot.config.ts', mjs);
    await write('.tradebotrc', 'cash: 1\n');
    await write('.tradebotrc.yml', 'cash: 1\n');
    await write('.config/tradebotrc.yaml', 'cash: 1\n');
    await write('.config/tradebotrc.json', '{"cash": 1}');
    expect(await search()).toEqual({ config: {}, filepath: null });
    expect(existsSync(marker)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('ignores the global config directory (~/.config/tradebot)', async () => {
    const saved = process.env['XDG_CONFIG_HOME'];
    process.env['XDG_CONFIG_HOME'] = path.join(root, 'xdg');
    try {
      await write('xdg/tradebot/config.yaml', 'tradebot:\n  cash: 1\ncash: 1\n');
      await write('xdg/tradebot/config.json', '{"cash": 1, "tradebot": {"cash": 1}}');
      await write('xdg/tradebot/config', 'cash: 1\n');
      await dir('proj');
      expect(await search('proj')).toEqual({ config: {}, filepath: null });
      // and never runs JS found there
      await rm(path.join(root, 'xdg/tradebot'), { recursive: true });
      const marker = path.join(root, 'executed');
      await write('xdg/tradebot/config.mjs', `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default { cash: 1 };`);
      await write('xdg/tradebot/config.cjs', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = { cash: 1 };`);
      expect(await search('proj')).toEqual({ config: {}, filepath: null });
      expect(existsSync(marker)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['XDG_CONFIG_HOME'];
      else process.env['XDG_CONFIG_HOME'] = saved;
    }
  });
});

describe('loadConfig: --config', () => {
  it('loads exactly the given file, winning over a searched one', async () => {
    await write('tradebot.config.yaml', 'cash: 1\n');
    const file = await write('conf/live.yaml', 'cash: 2\n');
    expect(await search('.', 'conf/live.yaml')).toEqual({ config: { cash: 2 }, filepath: file });
  });

  it('loads .yml, .json, absolute paths and a package.json "tradebot" property', async () => {
    const yml = await write('a.yml', 'fee: 0.0005\n');
    expect(await search('.', 'a.yml')).toEqual({ config: { fee: 0.0005 }, filepath: yml });
    const json = await write('b.json', '{"fee": 0.0005}');
    expect(await search('.', json)).toEqual({ config: { fee: 0.0005 }, filepath: json });
    const pkg = await write('p/package.json', JSON.stringify({ tradebot: { fee: 0.0005 } }));
    expect(await search('.', 'p/package.json')).toEqual({ config: { fee: 0.0005 }, filepath: pkg });
  });

  it('treats an empty file as an empty config', async () => {
    const file = await write('empty.yaml', '\n');
    expect(await search('.', 'empty.yaml')).toEqual({ config: {}, filepath: file });
    const json = await write('empty.json', '');
    expect(await search('.', 'empty.json')).toEqual({ config: {}, filepath: json });
  });

  it('names a missing file', async () => {
    const err = await rejection(search('.', 'nope/missing.yaml'));
    expect(err.message).toContain('nope/missing.yaml');
  });

  it('rejects a directory and unsupported extensions', async () => {
    await dir('conf.yaml');
    expect((await rejection(search('.', 'conf.yaml'))).message).toContain('conf.yaml');
    await write('tradebot.config.js', 'module.exports = {}');
    expect((await rejection(search('.', 'tradebot.config.js'))).message).toContain('tradebot.config.js');
  });

  it('rejects a package.json without a "tradebot" property', async () => {
    await write('package.json', '{"name": "x"}');
    expect((await rejection(search('.', 'package.json'))).message).toContain('tradebot');
  });
});

describe('loadConfig: errors name the file', () => {
  it('YAML syntax error (found by search) names the file and line', async () => {
    await write('tradebot.config.yaml', 'pair: BTC/USDT\nrisk:\n  stopLoss: [0.02\n');
    const err = await rejection(search());
    expect(err.message).toMatch(/^tradebot\.config\.yaml:\d+:\d+: /);
    expect(err.message).toContain('YAML');
  });

  it('YAML syntax error (--config) names the file and line', async () => {
    await write('conf/bad.yaml', 'cash: 1\nfee: : 2\n');
    const err = await rejection(search('.', 'conf/bad.yaml'));
    expect(err.message).toMatch(/^conf\/bad\.yaml:2:\d+: /);
  });

  it('duplicate YAML keys are an error', async () => {
    await write('.tradebotrc.yaml', 'cash: 1\ncash: 2\n');
    expect((await rejection(search())).message).toMatch(/^\.tradebotrc\.yaml:2:/);
  });

  it('JSON syntax error names the file and line', async () => {
    await write('.tradebotrc.json', '{\n  "cash": 1,\n}\n');
    const err = await rejection(search());
    expect(err.message).toMatch(/^\.tradebotrc\.json:3:\d+: /);
  });

  it('invalid values name the file and the dotted key', async () => {
    await write('tradebot.config.yaml', 'risk:\n  stoploss: 0.02\nfee: -1\n');
    const err = await rejection(search());
    expect(err.message).toContain('tradebot.config.yaml: ');
    expect(err.message).toContain('risk.stopLoss');
    expect(err.problems).toHaveLength(2);
    expect(err.problems[1]).toContain('fee');
  });

  it('values in YAML that overflow or are NaN are rejected', async () => {
    await write('tradebot.config.yaml', 'cash: 1e309\nfee: .nan\n');
    const err = await rejection(search());
    expect(err.problems.join('\n')).toMatch(/cash[^\n]*Infinity/);
    expect(err.problems.join('\n')).toMatch(/fee[^\n]*NaN/);
  });

  it('a config file found in a parent directory is named by its absolute path', async () => {
    const file = await write('tradebot.config.yaml', 'fee: 2\n');
    await dir('a');
    const err = await rejection(search('a'));
    expect(err.message.startsWith(`${file}: fee`)).toBe(true);
  });

  it('package.json problems name the property', async () => {
    await write('package.json', JSON.stringify({ tradebot: { stake: '150%' } }));
    const err = await rejection(search());
    expect(err.message).toContain('package.json#tradebot: stake');
  });

  it('refuses $import instead of following it', async () => {
    await write('other.yaml', 'cash: 5\n');
    await write('tradebot.config.yaml', '$import: other.yaml\n');
    expect((await rejection(search())).message).toContain('$import');
    await write('p/package.json', JSON.stringify({ tradebot: { $import: '../other.yaml' } }));
    expect((await rejection(search('p'))).message).toContain('$import');
  });
});

describe('searchStopDir', () => {
  it('is the home directory when cwd is inside it', async () => {
    const home = await dir('home/me');
    const cwd = await dir('home/me/code/proj');
    expect(searchStopDir(cwd, home)).toBe(home);
    expect(searchStopDir(home, home)).toBe(home);
  });

  it('outside home, is the nearest project root (package.json or .git)', async () => {
    const home = await dir('home/me');
    await write('srv/app/package.json', '{}');
    const cwd = await dir('srv/app/sub/deeper');
    expect(searchStopDir(cwd, home)).toBe(path.join(root, 'srv/app'));
    await dir('srv/repo/.git');
    expect(searchStopDir(await dir('srv/repo/x'), home)).toBe(path.join(root, 'srv/repo'));
  });

  it('outside home and any project, is cwd itself', async () => {
    const home = await dir('home/me');
    const cwd = await dir('scratch/x');
    // unless some ancestor of the temp dir is itself a project root
    const expected = searchStopDir(root, home) === root ? cwd : searchStopDir(root, home);
    expect(searchStopDir(cwd, home)).toBe(expected);
  });
});
