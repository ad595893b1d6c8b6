/**
 * `tradebot paper|live ...` exactly as given (no flags added), as a child process that does not
 * block this one (the test serves the loopback exchange), with connections to anything but
 * loopback cut (test/support/loopback-only.cjs): a bot that loses its --exchange-url must fail
 * here, not reach the exchange's production URL.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';
import { spawnCli, type Spawned } from './cli-async.js';
import { LIVE_KEYS } from './live.js';

export const LOOPBACK_ONLY = path.join(REPO_ROOT, 'test', 'support', 'loopback-only.cjs');

export function startBot(args: readonly string[], o: { home: string; cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number; keys?: boolean }): Spawned {
  return spawnCli(args, {
    cwd: o.cwd ?? o.home,
    home: o.cwd ?? o.home,
    env: { TRADEBOT_HOME: o.home, NO_COLOR: '1', NODE_OPTIONS: `--require ${LOOPBACK_ONLY}`, ...(o.keys ? LIVE_KEYS : {}), ...o.env },
    timeoutMs: o.timeoutMs ?? 90_000,
  });
}

/** The bot's log records (`{time, level, event, ...}`). */
export function logRecords(home: string, bot: string): Record<string, unknown>[] {
  const p = path.join(home, 'bots', bot, 'log.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Append to a file (a config file written for one run). */
export function appendText(file: string, text: string): void {
  appendFileSync(file, text);
}
