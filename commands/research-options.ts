import { Option, type Command } from 'commander';
import { CONFIG_DEFAULTS as D } from '../src/config/schema.js';
import { UsageError } from '../src/core/errors.js';
import { addTradingOptions, collect, TRADING_FLAGS, type FlagMap } from './options.js';

/** Flags of optimize and walk-forward that have a config key, as for backtest. */
export const RESEARCH_FLAGS: FlagMap = {
  ...TRADING_FLAGS,
  data: { path: 'backtest.data', kind: 'string' },
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  pair: { path: 'pair', kind: 'string' },
  timeframe: { path: 'timeframe', kind: 'string' },
  from: { path: 'backtest.from', kind: 'string' },
  to: { path: 'backtest.to', kind: 'string' },
  cash: { path: 'cash', kind: 'number' },
  warmup: { path: 'backtest.warmup', kind: 'number' },
  home: { path: 'home', kind: 'string' },
};

export const SEARCH_DEFAULTS = { search: 'grid', trials: 100, seed: 42, objective: 'sharpe', minTrades: 0, blocks: 16, top: 10 } as const;

/** The data, strategy, search and trading flags optimize and walk-forward share. */
export function addSearchOptions(cmd: Command): Command {
  return addTradingOptions(cmd)
    .option('--space <name=min:max[:step]|name=a,b,c>', 'a strategy parameter or stop-loss / take-profit / trailing-stop to search, repeatable (default: the strategy schema\'s ranges)', collect, [])
    .option('--search <method>', 'grid, random or tpe', SEARCH_DEFAULTS.search)
    .option('--trials <n>', `points drawn by random and tpe (default ${SEARCH_DEFAULTS.trials})`)
    .option('--seed <n>', 'seed of random and tpe draws (and --monte-carlo)', String(SEARCH_DEFAULTS.seed))
    .option('--objective <name>', 'what ranks trials: sharpe, sortino, calmar, profit, profit-drawdown, expectancy', SEARCH_DEFAULTS.objective)
    .option('--min-trades <n>', 'trials with fewer closed trades are never selected', String(SEARCH_DEFAULTS.minTrades))
    .option('--jobs <n>', 'worker threads (default: the number of cores)')
    .option('--pbo-blocks <n>', 'S, the blocks CSCV splits the bars into for PBO (even)', String(SEARCH_DEFAULTS.blocks))
    .option('--data <file>', 'candle file: CSV timestamp,open,high,low,close,volume or freqtrade JSON, optionally .gz', 'the bundled BTC/USDT 5m sample')
    .option('--exchange <id>', 'ccxt exchange id: the candle cache of `tradebot data`, downloading what is missing (with --pair and --timeframe)')
    .option('--exchange-url <url>', "re-point the exchange's REST URLs, e.g. the loopback simulator (config exchange.apiUrl)")
    .option('--pair <symbol>', 'market symbol, e.g. BTC/USDT (default: from the file name)')
    .option('--timeframe <tf>', 'bar interval, e.g. 5m (default: inferred from the data)')
    .option('--from <date>', 'first candle open time to include (ISO date or epoch)')
    .option('--to <date>', 'last candle open time to include (ISO date or epoch)')
    .option('--cash <amount>', 'starting quote balance', String(D.cash))
    .option('--warmup <n>', 'candles at the start of each backtest that only warm the indicators', String(D.backtest.warmup));
}

/** Output and gating flags. */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print the result document as JSON on stdout', false)
    .option('--out <file>', 'also write the result document (JSON) to this file')
    .option('--assert <conditions>', 'exit 1 unless every condition holds, e.g. "dsr>=0.95,pbo<=0.2,sharpe>=1"')
    .option('--home <dir>', 'tradebot home directory (config home; default: TRADEBOT_HOME or the platform data dir)')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)')
    .addOption(new Option('--debug', 'print stack traces for errors').default(false));
}

/** A whole number in [min, max] from a flag, or a UsageError naming the flag. */
export function intFlag(value: unknown, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = String(value).trim();
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got ${JSON.stringify(String(value))}`);
  }
  return n;
}

/** Names --assert accepts on optimize and walk-forward besides a backtest's metrics. */
export const ROBUSTNESS_ASSERT_NAMES = ['dsr', 'psr', 'pbo', 'minBacktestLength', 'sharpePerPeriod'] as const;
