/**
 * The CLI as a child process that does not block this one: needed when the test process itself
 * serves the loopback exchange the child talks to (spawnSync would freeze the server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, childEnv, makeTmpDir, type CliResult, type RunOptions } from './cli.js';

export interface Spawned {
  child: ChildProcess;
  /** resolves when the child exits */
  done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
}

/** Starts `tradebot ...args` and returns at once. */
export function spawnCli(args: readonly string[], opts: RunOptions = {}): Spawned {
  const cwd = opts.cwd ?? makeTmpDir();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(opts.home ?? cwd, opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.end(opts.input ?? '');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tradebot ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, done, stdout: () => out, stderr: () => err };
}

/** Runs `tradebot ...args` to completion without blocking the event loop. */
export function runCliAsync(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).done;
}
