import type { Command } from 'commander';

/**
 * commander's own usage errors ("error: unknown option '--stratgy'\n(Did you mean --strategy?)")
 * as one line like every other error of tradebot:
 *   tradebot: unknown option '--stratgy' (did you mean --strategy?); see tradebot backtest --help
 */
export function commanderErrorLine(message: string, cmd: Command): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const head = (lines[0] ?? 'usage error').replace(/^error:\s*/, '');
  const hint = lines.slice(1).map((l) => l.replace(/^\((.*)\)$/, '$1').replace(/^Did you mean/, 'did you mean'));
  return `tradebot: ${head}${hint.length > 0 ? ` (${hint.join('; ')})` : ''}; see ${commandPath(cmd)} --help\n`;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
