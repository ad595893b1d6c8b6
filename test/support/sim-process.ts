/**
 * `tradebot sim` as a real child process, for tests where several tradebot processes share one
 * loopback exchange. The control plane is driven over HTTP, as any client would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, childEnv, makeTmpDir } from './cli.js';

export interface SimProcess {
  url: string;
  child: ChildProcess;
  /** a control-plane request (JSON in, JSON out); throws unless the sim answers 200 */
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T>;
  /** SIGTERM (SIGKILL 5 s later if it is still there), then waits for the exit */
  stop(): Promise<void>;
}

/** Starts `tradebot sim ...args` and resolves once it prints where it listens. */
export async function startSimProcess(args: readonly string[]): Promise<SimProcess> {
  const cwd = makeTmpDir();
  const child = spawn(process.execPath, [BIN, 'sim', '--port', '0', ...args], { cwd, env: childEnv(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tradebot sim printed no listening line; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tradebot sim exited ${code} before listening; stderr: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    async control<T>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
      const r = await fetch(`${url}${route}`, {
        method,
        ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }),
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${method} ${route} answered ${r.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // a simulator that cannot answer a signal (a busy loop) must not outlive the test
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
