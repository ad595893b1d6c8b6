import { join } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Everything of one bot lives in `<home>/bots/<name>/`. */
export interface BotPaths {
  dir: string;
  state: string;
  journal: string;
  log: string;
  control: string;
  heartbeat: string;
  /** the last refused start (src/bot/refused-start.ts) */
  refused: string;
  /** what status shows of the state file (src/store/status-summary.ts) */
  summary: string;
  /** a webhook bot's accepted alerts, one JSON line each (src/signals/alert-log.ts) */
  alerts: string;
}

export function checkBotName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new UsageError(`bot name ${JSON.stringify(name)} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return name;
}

export function botsDir(home: string): string {
  return join(home, 'bots');
}

export function botPaths(home: string, name: string): BotPaths {
  const dir = join(botsDir(home), checkBotName(name));
  return {
    dir,
    state: join(dir, 'state.json'),
    journal: join(dir, 'journal.jsonl'),
    log: join(dir, 'log.jsonl'),
    control: join(dir, 'control.json'),
    heartbeat: join(dir, 'heartbeat.json'),
    refused: join(dir, 'refused.json'),
    summary: join(dir, 'summary.json'),
    alerts: join(dir, 'alerts.jsonl'),
  };
}
