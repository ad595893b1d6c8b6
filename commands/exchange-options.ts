import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import type { TradebotConfig } from '../src/config/schema.js';
import { flagsToConfig, type FlagMap } from './options.js';

/** The exchange flags `live` takes, for the commands that act on the account outside a bot run. */
const EXCHANGE_FLAGS: FlagMap = {
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  secretsFile: { path: 'secretsFile', kind: 'string' },
  home: { path: 'home', kind: 'string' },
};

export interface ExchangeOpts {
  config?: string;
  home?: string;
}

export function addExchangeOptions(cmd: Command): Command {
  return cmd
    .option('--exchange <id>', 'ccxt exchange id (default: the config, or the bot\'s)')
    .option('--exchange-url <url>', 're-point the exchange REST API (tradebot sim, a testnet, a proxy)')
    .option('--secrets-file <file>', 'YAML/JSON file with apiKey and secret, readable only by you (default: TRADEBOT_API_KEY / TRADEBOT_API_SECRET)')
    .option('--home <dir>', 'tradebot home directory (default: config home, TRADEBOT_HOME, else the platform data dir)')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)');
}

/** The config as `live` resolves it (file, then flags), and the home directory it names. */
export async function exchangeConfig(cmd: Command, env: CommandEnv): Promise<{ cfg: TradebotConfig; home: string }> {
  const { loadConfig, mergeConfig, resolveConfig } = await import('../src/config/load-config.js');
  const { resolveHome } = await import('../src/config/home.js');
  const opts = cmd.optsWithGlobals<ExchangeOpts>();
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const cfg = resolveConfig(mergeConfig(file.config, flagsToConfig(cmd, EXCHANGE_FLAGS)));
  return { cfg, home: resolveHome({ configHome: cfg.home, env: env.env, cwd: env.cwd }) };
}
