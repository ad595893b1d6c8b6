import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv } from '../../support/cli.js';

describe('tradebot sim as a process', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-sim-cli-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prints where it listens, answers ping, and exits 0 on SIGTERM', async () => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'sim', '--port', '0'], { cwd: home, env: childEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 15_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening; stderr: ${err}`)));
    });
    console.log(`tradebot sim startup: ${(performance.now() - t0).toFixed(0)} ms to "listening"`);
    expect(out).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+\n$/);
    const ping = await fetch(`${url}/api/v3/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({});
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(err).toBe('');
  });
});
