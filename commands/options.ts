import type { Command } from 'commander';
import { CONFIG_DEFAULTS as D } from '../src/config/schema.js';
import { UsageError } from '../src/core/errors.js';
import type { ConfigInput } from '../src/config/schema.js';
import { validateConfig } from '../src/config/validate-config.js';
import { parseParamFlags } from '../src/strategies/params.js';
import { collect } from './collect.js';

/**
 * Flag -> config key. Every flag has a config-file equivalent; only flags actually given on the
 * command line override the config (commander's defaults are for --help only).
 */
export type FlagMap = Record<string, { path: string; kind: 'string' | 'number' | 'boolean' | 'params' }>;

export { collect } from './collect.js';

/** A config fragment holding the flags given on the command line, validated like a config file. */
export function flagsToConfig(cmd: Command, map: FlagMap): ConfigInput {
  const opts = cmd.opts();
  const out: Record<string, unknown> = {};
  for (const [flag, { path, kind }] of Object.entries(map)) {
    if (cmd.getOptionValueSource(flag) !== 'cli') continue;
    let value: unknown = opts[flag];
    if (kind === 'number') value = toNumber(value, flag);
    if (kind === 'params') value = parseParamFlags(value as string[]);
    setPath(out, path, value);
  }
  return validateConfig(out, 'command line');
}

function toNumber(v: unknown, flag: string): number {
  const n = Number(v);
  const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (typeof v !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) || !Number.isFinite(n)) throw new UsageError(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  return n;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
}

/** The strategy, sizing, fee and risk flags every trading command shares (backtest, paper, live). */
export const TRADING_FLAGS: FlagMap = {
  strategy: { path: 'strategy.name', kind: 'string' },
  param: { path: 'strategy.params', kind: 'params' },
  stake: { path: 'stake', kind: 'string' },
  fee: { path: 'fee', kind: 'number' },
  slippage: { path: 'slippage', kind: 'number' },
  stopLoss: { path: 'risk.stopLoss', kind: 'number' },
  takeProfit: { path: 'risk.takeProfit', kind: 'number' },
  trailingStop: { path: 'risk.trailingStop', kind: 'number' },
  riskPerTrade: { path: 'risk.riskPerTrade', kind: 'number' },
  maxOpenPositions: { path: 'risk.maxOpenPositions', kind: 'number' },
};

export function addTradingOptions(cmd: Command): Command {
  return cmd
    .option('--strategy <name|file>', 'built-in strategy name or path to a .js strategy module', D.strategy.name)
    .option('--param <name=value>', 'strategy parameter, repeatable (see `tradebot strategies`)', collect, [])
    .option('--stake <amount|N%>', 'per entry: N% of the free quote balance, or a fixed quote amount', String(D.stake))
    .option('--fee <rate>', 'fee rate of notional per fill (0.001 = 0.1%)', String(D.fee))
    .option('--slippage <bps>', 'slippage against market and stop fills, in basis points', String(D.slippage))
    .option('--stop-loss <fraction>', 'stop-loss distance below the entry price (0.02 = 2%)')
    .option('--take-profit <fraction>', 'take-profit distance above the entry price')
    .option('--trailing-stop <fraction>', 'trailing stop distance below the highest price since entry')
    .option('--risk-per-trade <fraction>', 'size entries to lose this fraction of equity at the stop (needs --stop-loss)')
    .option('--max-open-positions <n>', 'maximum positions open at once', String(D.risk.maxOpenPositions));
}
