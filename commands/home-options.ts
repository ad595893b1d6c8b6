import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';

export interface HomeOpts {
  home?: string;
  config?: string;
}

/** --home and --config: where the bots live, found as `tradebot paper` finds it. */
export function addHomeOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'tradebot home directory holding bots/ (default: config home, TRADEBOT_HOME, else the platform data dir)')
    .option('--config <file>', 'config file to read `home` from (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)');
}

export async function homeFrom(opts: HomeOpts, env: CommandEnv): Promise<string> {
  const { resolveBotHome } = await import('../src/bot/bot-home.js');
  return resolveBotHome({ cwd: env.cwd, env: env.env, ...(opts.home ? { home: opts.home } : {}), ...(opts.config ? { configFile: opts.config } : {}) });
}
