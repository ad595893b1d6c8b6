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
  roi: { path: 'risk.roi', kind: 'string' },
  takeProfitLadder: { path: 'risk.takeProfitLadder', kind: 'string' },
  breakevenAfter: { path: 'risk.breakevenAfter', kind: 'number' },
  reentry: { path: 'risk.reentry', kind: 'number' },
  reentryWindow: { path: 'risk.reentryWindow', kind: 'number' },
  dca: { path: 'risk.dca', kind: 'number' },
  dcaStep: { path: 'risk.dcaStep', kind: 'number' },
  dcaScale: { path: 'risk.dcaScale', kind: 'number' },
  maxEntries: { path: 'risk.maxEntries', kind: 'number' },
  maxStake: { path: 'risk.maxStake', kind: 'string' },
};

export function addTradingOptions(cmd: Command): Command {
  return cmd
    .option('--strategy <name|file>', 'built-in strategy name or path to a .js strategy module', D.strategy.name)
    .option('--param <name=value>', 'strategy parameter, repeatable (see `tradebot strategies`)', collect, [])
    .option('--stake <amount|N%|kelly:F|atr:R>', 'per entry: N% of the free quote balance, a fixed quote amount, F times the Kelly fraction of the closed trades, or R of equity per ATR(14) of stop distance', String(D.stake))
    .option('--max-stake <amount|N%>', 'no entry spends more than this (a cap for kelly and atr stakes)')
    .option('--fee <rate>', 'fee rate of notional per fill (0.001 = 0.1%)', String(D.fee))
    .option('--slippage <bps>', 'slippage against market and stop fills, in basis points', String(D.slippage))
    .option('--stop-loss <fraction>', 'stop-loss distance below the entry price (0.02 = 2%)')
    .option('--take-profit <fraction>', 'take-profit distance above the entry price')
    .option('--trailing-stop <fraction>', 'trailing stop distance below the highest price since entry')
    .option('--risk-per-trade <fraction>', 'size entries to lose this fraction of equity at the stop (needs --stop-loss)')
    .option('--max-open-positions <n>', 'maximum positions open at once', String(D.risk.maxOpenPositions))
    .option('--roi <table>', 'minimal return by trade age in minutes, e.g. "0:0.04,60:0.02,240:0": exit once the close reaches it')
    .option('--take-profit-ladder <levels>', 'sell in levels, "profit:fraction,...", e.g. "0.01:0.3,0.02:0.3,0.04:0.4" (fractions sum to 1)')
    .option('--breakeven-after <n>', 'move the stop to the entry price once n ladder levels have filled')
    .option('--reentry <n>', 'after a stop-loss, buy again up to n times in a row when the close is back at the entry price (with --reentry-window)')
    .option('--reentry-window <bars>', 'candles after a stop-loss during which a re-entry may happen')
    .option('--dca <n>', 'add to a position up to n times (with --dca-step)')
    .option('--dca-step <fraction>', 'each add waits for the close this fraction below the average entry (0.02 = 2%)')
    .option('--dca-scale <x>', 'each add spends x times the previous entry', '1')
    .option('--max-entries <n>', "entries one position may take, the first and the strategy's adds (default: the strategy's own, 1)");
}
