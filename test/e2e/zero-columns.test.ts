/**
 * On a pseudo-terminal of 0 columns (docker, CI, `script`) output is not sized to 0: the backtest
 * ends, its report keeps its lines, no spinner redraws forever, and NO_COLOR holds on stderr too.
 * A real pty through util-linux `script`, no native addon.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, TINY_RANGE, childEnv, cleanupTmpDirs, makeTmpDir } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const hasScript = (() => {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /util-linux/.test(r.stdout + r.stderr);
})();
if (!hasScript) console.warn('SKIPPED: zero-column pty tests need util-linux `script`');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
// SGR sequences (colour, bold, dim): what NO_COLOR forbids
const SGR_RE = /\u001b\[[0-9;]*m/;

/** Runs tradebot on a fresh pty sized `cols` x `rows`; stdout and stderr both land in the transcript. */
function onPty(args: string[], cols: number, env: Record<string, string | undefined> = {}) {
  const cwd = makeTmpDir();
  // `timeout` inside the pty: a runaway child dies with the test instead of outliving `script`
  const cmd = `stty cols ${cols} rows ${cols}; exec timeout -s KILL 45 ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd,
    env: childEnv(cwd, env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    maxBuffer: 8 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, error: r.error };
}

describe.runIf(hasScript && process.platform === 'linux')('a terminal of 0 columns', { timeout: 90_000 }, () => {
  it('backtest ends with exit 0 and a bounded report whose lines are not cut to nothing', () => {
    const r = onPty(['backtest', ...TINY_RANGE], 0);
    expect(r.error).toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.out.length).toBeLessThan(64 * 1024);
    // the metrics table is there at full width
    expect(r.out.replace(new RegExp(SGR_RE.source, 'g'), '')).toMatch(/Final equity\s+[\d,]+\.\d\d/);
  });

  it('NO_COLOR: no colour on stdout or stderr (the spinner included)', () => {
    const r = onPty(['backtest', ...TINY_RANGE], 0, { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(SGR_RE);
  });

  it('a terminal with a width still gets colour without NO_COLOR (the check can see it)', () => {
    const r = onPty(['backtest', ...TINY_RANGE], 100);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(SGR_RE);
  });
});
