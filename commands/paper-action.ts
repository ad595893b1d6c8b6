import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { searchedStrategyFile, strategyFileNotice } from '../src/config/strategy-file.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { runBot } from '../src/bot/run-bot.js';

export async function paperAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<number> {
  const opts = cmd.opts<{ config?: string; bot: string; cash?: string; reconfigure: boolean }>();
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const given = mergeConfig(file.config, flagsToConfig(cmd, flags));
  if (opts.cash !== undefined) given.paper = { ...given.paper, balances: opts.cash };
  const cfg = resolveConfig(given);
  const strategyFile = searchedStrategyFile(file, { explicitConfig: Boolean(opts.config), strategyFlag: cmd.getOptionValueSource('strategy') === 'cli' });
  if (strategyFile) env.stderr.write(strategyFileNotice(strategyFile));
  return runBot(
    cfg,
    { bot: opts.bot, mode: 'paper', command: `tradebot paper --bot ${opts.bot}`, given, reconfigure: opts.reconfigure },
    { cwd: env.cwd, env: env.env, say: (l: string) => env.stderr.write(`${l}\n`) },
  );
}
