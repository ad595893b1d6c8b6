/**
 * A command on a real pseudo-terminal, answered like a person would (test/support/pty-drive.py,
 * python3's pty module): for prompts that only appear on a terminal. Does not block this process,
 * which may be serving the loopback exchange the command talks to.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

const DRIVER = path.join(REPO_ROOT, 'test', 'support', 'pty-drive.py');

/** python3 with the pty module (POSIX only): the tests that need it are skipped without it. */
export const HAS_PTY = process.platform !== 'win32' && spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

export interface PtyResult {
  /** everything the command printed (stdout and stderr share the terminal) */
  output: string;
  code: number;
  /** how many of the answers were typed (each after its prompt appeared) */
  answered: number;
  timedOut: boolean;
}

export function onPty(argv: string[], o: { cwd: string; env: NodeJS.ProcessEnv; steps?: { wait: string; send: string }[]; timeoutS?: number }): Promise<PtyResult> {
  const spec = JSON.stringify({ argv, steps: o.steps ?? [], timeout: o.timeoutS ?? 60 });
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [DRIVER, spec], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`pty driver exited ${String(code)}: ${err}`));
      resolve(JSON.parse(out) as PtyResult);
    });
  });
}
