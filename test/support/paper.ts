import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN } from './cli.js';
import { withOverrides } from './flags.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

/** A `tradebot paper` child process against a loopback simulator. */
export interface PaperChild {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnPaper(o: { home: string; bot: string; url: string; extra?: string[]; env?: Record<string, string> }): PaperChild {
  const args = [BIN, 'paper', ...withOverrides(['--bot', o.bot, '--exchange', 'binance', '--exchange-url', o.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--poll', '100', '--warmup', '100'], o.extra ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: o.home,
    env: { ...process.env, TRADEBOT_HOME: o.home, HOME: o.home, NO_COLOR: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exited };
}

export function readState(home: string, bot: string): BotStateDoc | null {
  const p = path.join(home, 'bots', bot, 'state.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as BotStateDoc;
  } catch {
    return null; // caught between writes is impossible (atomic rename), but be tolerant in polling
  }
}

export async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
