import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { searchedStrategyFile, strategyFileNotice } from '../src/config/strategy-file.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { runBot } from '../src/bot/run-bot.js';
import { UsageError } from '../src/core/errors.js';
import { CONFIG_DEFAULTS } from '../src/config/schema.js';
import { Dec, parseDecimal } from '../src/core/money.js';

function paperBudget(spec: string, cash: number, flag: string): string {
  const pct = /^(.*)%$/.exec(spec.trim());
  if (!pct) return parseDecimal(spec.trim(), { name: flag }).toFixed();
  const share = parseDecimal(pct[1]!.trim(), { name: flag });
  if (share.gt(100)) throw new UsageError(`${flag} ${JSON.stringify(spec)}: a share of cash is at most 100%`);
  return new Dec(String(cash)).mul(share).div(100).toFixed();
}

export async function paperAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<number> {
  const opts = cmd.opts<{ config?: string; bot: string; cash?: string; budget?: string; reconfigure: boolean }>();
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const given = mergeConfig(file.config, flagsToConfig(cmd, flags));
  if (opts.cash !== undefined && opts.budget !== undefined) throw new UsageError('--cash sets all the starting balances, --budget the quote one: give one of them');
  if (opts.cash !== undefined) given.paper = { ...given.paper, balances: opts.cash };
  const budget = opts.budget ?? (opts.cash === undefined && given.paper?.balances == null ? given.budget : undefined);
  // a paper bot's budget is its starting quote: an amount, or a share of cash
  if (budget !== undefined && budget !== null) given.paper = { ...given.paper, balances: paperBudget(String(budget), given.cash ?? CONFIG_DEFAULTS.cash, opts.budget !== undefined ? '--budget' : 'budget') };
  const cfg = resolveConfig(given);
  const strategyFile = searchedStrategyFile(file, { explicitConfig: Boolean(opts.config), strategyFlag: cmd.getOptionValueSource('strategy') === 'cli' });
  if (strategyFile) env.stderr.write(strategyFileNotice(strategyFile));
  return runBot(
    cfg,
    { bot: opts.bot, mode: 'paper', command: `tradebot paper --bot ${opts.bot}`, given, reconfigure: opts.reconfigure },
    { cwd: env.cwd, env: env.env, say: (l: string) => env.stderr.write(`${l}\n`) },
  );
}
