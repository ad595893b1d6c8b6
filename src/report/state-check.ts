/**
 * `tradebot state check`: one line per check, `ok|warn|FAIL  bot  check  message`.
 */
import { Chalk } from 'chalk';
import type { CheckLine } from '../store/state-check.js';

export const STATE_CHECK_JSON_SCHEMA_VERSION = 1;

export function renderStateCheck(lines: CheckLine[], o: { color?: boolean; empty: string }): string {
  if (lines.length === 0) return `${o.empty}\n`;
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const wBot = Math.max(...lines.map((l) => l.bot.length));
  const wCheck = Math.max(...lines.map((l) => l.check.length));
  const tag = (s: CheckLine['status']) => (s === 'ok' ? c.green('ok  ') : s === 'warn' ? c.yellow('warn') : c.red('FAIL'));
  const body = lines.map((l) => `${tag(l.status)}  ${l.bot.padEnd(wBot)}  ${l.check.padEnd(wCheck)}  ${l.message}`);
  const failed = lines.filter((l) => l.status === 'fail').length;
  const warned = lines.filter((l) => l.status === 'warn').length;
  const bots = new Set(lines.map((l) => l.bot)).size;
  const summary =
    failed > 0
      ? c.red(`${failed} check${failed === 1 ? '' : 's'} failed`)
      : c.green(`all checks passed${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`);
  return `${body.join('\n')}\n${summary} (${bots} bot${bots === 1 ? '' : 's'})\n`;
}

export function stateCheckJson(lines: CheckLine[]): string {
  return `${JSON.stringify({ schemaVersion: STATE_CHECK_JSON_SCHEMA_VERSION, ok: !lines.some((l) => l.status === 'fail'), checks: lines }, null, 2)}\n`;
}
