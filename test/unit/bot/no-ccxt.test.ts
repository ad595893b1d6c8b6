/**
 * The read-side commands (status, bots, logs, state) and the control commands never load ccxt
 * (~0.7 s) and make no network call. Checked twice: statically, by walking the import graph of the
 * built modules, and at run time, by a module hook that refuses ccxt while `status --json` runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, childEnv, cleanupTmpDirs, makeTmpDir } from '../../support/cli.js';
import { botDoc, writeBot, writeLog } from '../../support/bot-fixture.js';

afterAll(cleanupTmpDirs);

const STATIC_RE = /(?:^|[\s;}])(?:import|export)\s+(?!type\b)(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC_RE = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The bare packages reachable from `entry`, with the chain that reaches each. `dynamic` also
 * follows `import('literal')`: what a command may load when it runs, not only when it is parsed.
 */
function reachable(entry: string, dynamic: boolean): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    const specs = [...src.matchAll(STATIC_RE)].map((m) => m[1]!);
    if (dynamic) specs.push(...[...src.matchAll(DYNAMIC_RE)].map((m) => m[1]!));
    for (const s of specs) {
      const here = [...chain, path.relative(REPO_ROOT, file)];
      if (s.startsWith('.')) walk(path.resolve(path.dirname(file), s), here);
      else if (!s.startsWith('node:')) {
        const pkg = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        if (!packages.has(pkg)) packages.set(pkg, [...here, s]);
      }
    }
  };
  walk(entry, []);
  return packages;
}

describe('the read side does not load ccxt', () => {
  it('no static import chain from the CLI entry reaches ccxt', () => {
    const pkgs = reachable(path.join(REPO_ROOT, 'dist', 'src', 'cli.js'), false);
    expect(pkgs.get('ccxt'), pkgs.get('ccxt')?.join(' -> ')).toBeUndefined();
    expect(pkgs.has('commander')).toBe(true); // the walk does find imports
  });

  for (const cmd of ['status', 'logs', 'state', 'control', 'report', 'history', 'signal', 'parity']) {
    it(`commands/${cmd} reaches no ccxt, even through the modules its actions import`, () => {
      const pkgs = reachable(path.join(REPO_ROOT, 'dist', 'commands', `${cmd}.js`), true);
      expect(pkgs.get('ccxt'), pkgs.get('ccxt')?.join(' -> ')).toBeUndefined();
    });
  }

  it('the walk would notice ccxt: paper reaches it', () => {
    expect(reachable(path.join(REPO_ROOT, 'dist', 'commands', 'paper.js'), true).has('ccxt')).toBe(true);
  });

  it('status, bots, logs and state check run with ccxt made unloadable', { timeout: 30_000 }, () => {
    const dir = makeTmpDir();
    const home = path.join(dir, 'home');
    writeBot(home, 'alpha', botDoc('alpha'));
    writeLog(home, 'alpha', [{ time: 1, level: 'info', event: 'started' }]);
    writeFileSync(path.join(dir, 'hook.mjs'), `export async function resolve(specifier, context, next) {\n  if (specifier === 'ccxt' || specifier.startsWith('ccxt/')) throw new Error('ccxt imported by ' + context.parentURL);\n  return next(specifier, context);\n}\n`);
    writeFileSync(path.join(dir, 'no-ccxt.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hook.mjs')).href)});\n`);
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'no-ccxt.mjs')).href, ...args], { cwd: dir, env: childEnv(dir, { TRADEBOT_HOME: home }), encoding: 'utf8' });
    const control = run(['--input-type=module', '-e', "await import('ccxt')"]);
    expect(control.status).not.toBe(0);
    expect(control.stderr).toMatch(/ccxt imported by/);
    for (const args of [['status', '--json'], ['status', 'alpha'], ['bots'], ['logs', 'alpha'], ['state', 'check'], ['trades', 'alpha'], ['profit', 'alpha', '--daily', '--json']]) {
      const r = run([BIN, ...args]);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.status, args.join(' ')).toBe(0);
    }
  });
});
