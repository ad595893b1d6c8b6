import { ensureDir } from '../store/ensure-dir.js';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { TRIAL_LOG_FILE } from './trial-log.js';

const RUN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `<home>/research`: one directory per run below it. */
export function researchRoot(home: string): string {
  return join(home, 'research');
}

export function runDir(home: string, run: string): string {
  return join(researchRoot(home), run);
}

export function runLogPath(home: string, run: string): string {
  return join(runDir(home, run), TRIAL_LOG_FILE);
}

export function checkRunName(name: string): string {
  if (!RUN_NAME_RE.test(name)) throw new UsageError(`--run ${JSON.stringify(name)}: a run name is letters, digits, ".", "_" and "-" (up to 100, starting with a letter or digit)`);
  return name;
}

/** The default run name: the strategy's and a short hash of everything that decides the trials. */
export function defaultRunName(strategy: string, identityHash: string, shard: { k: number; n: number } | null): string {
  const base = (strategy.split(/[/\\]/).pop() ?? 'run').replace(/\.(m?js|cjs)$/, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'run';
  return `${base.slice(0, 40)}-${identityHash}${shard ? `-shard${shard.k}of${shard.n}` : ''}`;
}

export async function makeRunDir(home: string, run: string): Promise<string> {
  const dir = runDir(home, run);
  await ensureDir(dir); // a StateError (exit 5) naming the directory; never spins under /proc
  return dir;
}
