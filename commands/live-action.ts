import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { searchedStrategyFile, strategyFileNotice } from '../src/config/strategy-file.js';
import { UsageError } from '../src/core/errors.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { runBot } from '../src/bot/run-bot.js';

export async function liveAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<number> {
  const opts = cmd.opts<{ config?: string; bot: string; yes: boolean; adopt: boolean; reconfigure: boolean; cash?: string; budget?: string }>();
  if (opts.cash !== undefined && opts.budget !== undefined) throw new UsageError('--cash is the older name of --budget: give one of them');
  const budgetFlag = opts.budget !== undefined ? '--budget' : opts.cash !== undefined ? '--cash' : 'budget';
  const interactive = Boolean(process.stdin.isTTY && env.stdout.isTTY);
  if (!interactive && !opts.yes) {
    throw new UsageError('refusing to trade real money without a terminal to confirm on: pass --yes to confirm non-interactively');
  }
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const given = mergeConfig(file.config, flagsToConfig(cmd, flags));
  const cfg = resolveConfig(given);
  const budget = opts.budget ?? opts.cash ?? (cfg.budget !== null ? String(cfg.budget) : undefined);
  const strategyFile = searchedStrategyFile(file, { explicitConfig: Boolean(opts.config), strategyFlag: cmd.getOptionValueSource('strategy') === 'cli' });
  if (strategyFile) env.stderr.write(strategyFileNotice(strategyFile));
  const confirm = async (summary: string[]): Promise<boolean> => {
    env.stderr.write(`LIVE TRADING\n${summary.map((l) => `  ${l}`).join('\n')}\n`);
    if (opts.yes) return true;
    const { confirm: ask } = await import('@inquirer/prompts');
    return ask({ message: 'Trade real money with this bot?', default: false });
  };
  return runBot(
    cfg,
    { bot: opts.bot, mode: 'live', command: `tradebot live --bot ${opts.bot}`, adopt: opts.adopt, confirm, given, reconfigure: opts.reconfigure, ...(budget !== undefined ? { budget, budgetFlag } : {}) },
    { cwd: env.cwd, env: env.env, say: (l: string) => env.stderr.write(`${l}\n`) },
  );
}
