/**
 * CI does not pass by skipping: `.ci/run` runs `npm ci` then `npm test` with
 * TRADEBOT_REQUIRE_SHARED_DATA=1, and under it a test on ../shared/data fails when the folder is
 * missing. Locally (the variable unset) the same test is skipped with a message.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanupTmpDirs, makeTmpDir } from '../support/cli.js';

afterAll(cleanupTmpDirs);

const VITEST = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** One test file in a nested vitest, with the reference data pointed at an empty folder. */
function runWithoutSharedData(file: string, env: Record<string, string>): { code: number | null; out: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, TRADEBOT_SHARED_DATA: makeTmpDir(), NO_COLOR: '1' };
  for (const k of Object.keys(base)) if (k.startsWith('VITEST') || k === 'TRADEBOT_REQUIRE_SHARED_DATA') delete base[k];
  const r = spawnSync(process.execPath, [VITEST, 'run', file], { cwd: REPO_ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('tests that need ../shared/data', { timeout: 150_000 }, () => {
  it('fail under TRADEBOT_REQUIRE_SHARED_DATA=1 when the folder is missing, and skip without it', () => {
    const required = runWithoutSharedData('test/unit/data/resample.test.ts', { TRADEBOT_REQUIRE_SHARED_DATA: '1' });
    expect(required.code, required.out).not.toBe(0);
    expect(required.out).toMatch(/1 failed/);
    const local = runWithoutSharedData('test/unit/data/resample.test.ts', {});
    expect(local.code, local.out).toBe(0);
    expect(local.out).toMatch(/skipped/);
  });

  it('.ci/run runs npm ci, then exactly npm test, with TRADEBOT_REQUIRE_SHARED_DATA=1', () => {
    // a stand-in npm on PATH records how it is called
    const bin = makeTmpDir();
    const calls = path.join(bin, 'calls.txt');
    writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$* require=\${TRADEBOT_REQUIRE_SHARED_DATA:-unset}" >> "${calls}"\n`);
    chmodSync(path.join(bin, 'npm'), 0o755);
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    delete env.TRADEBOT_REQUIRE_SHARED_DATA;
    const r = spawnSync(path.join(REPO_ROOT, '.ci', 'run'), [], { cwd: bin, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['ci require=1', 'test require=1']);
  });
});
