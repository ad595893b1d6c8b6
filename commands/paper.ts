import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { CONFIG_DEFAULTS } from '../src/config/schema.js';
import { collect, type FlagMap } from './options.js';

const D = CONFIG_DEFAULTS;

/** Flags shared by the commands that run a bot (paper now, live later). */
export const BOT_FLAGS: FlagMap = {
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  pair: { path: 'pair', kind: 'string' },
  timeframe: { path: 'timeframe', kind: 'string' },
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
  warmup: { path: 'paper.warmup', kind: 'number' },
  poll: { path: 'paper.poll', kind: 'number' },
};

export function addBotOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--bot <name>', 'bot name: its state lives in <home>/bots/<name>')
    .option('--exchange <id>', 'ccxt exchange id, e.g. binance')
    .option('--exchange-url <url>', 're-point the exchange REST API (tradebot sim, a testnet, a proxy)')
    .option('--pair <symbols>', 'market symbol(s), comma-separated: BTC/USDT,ETH/USDT')
    .option('--timeframe <tf>', 'candle timeframe, e.g. 1m')
    .option('--strategy <name|file>', 'built-in strategy name or path to a .js strategy module', D.strategy.name)
    .option('--param <name=value>', 'strategy parameter, repeatable', collect, [])
    .option('--stake <amount|N%>', 'per entry: N% of the free quote balance, or a fixed quote amount', String(D.stake))
    .option('--fee <rate>', 'fee rate of notional per fill', String(D.fee))
    .option('--slippage <bps>', 'slippage against market and stop fills, in basis points', String(D.slippage))
    .option('--stop-loss <fraction>', 'stop-loss distance below the entry price')
    .option('--take-profit <fraction>', 'take-profit distance above the entry price')
    .option('--trailing-stop <fraction>', 'trailing stop distance below the highest price since entry')
    .option('--risk-per-trade <fraction>', 'size entries to lose this fraction of equity at the stop (needs --stop-loss)')
    .option('--max-open-positions <n>', 'maximum positions open at once', String(D.risk.maxOpenPositions))
    .option('--warmup <n>', 'candles of history that warm the indicators before the first decision', String(D.paper.warmup))
    .option('--poll <ms>', 'milliseconds between polls for new candles', String(D.paper.poll))
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)');
}

export function paperCommand(env: CommandEnv): Command {
  return addBotOptions(new Command('paper').description('Paper trade a strategy on live prices with the simulated exchange; runs until stopped'))
    .option('--cash <balances>', 'starting balances: USDT=10000,BTC=0 or an amount of the quote currency (default: cash from the config, 10000)')
    .addHelpText(
      'after',
      `
The bot's state (balances, positions, orders) survives restarts, kill -9 included: run the same
command again to resume. Watch it with tradebot status, steer it with tradebot pause|resume|stop.

Exit codes: 0 stopped (tradebot stop, SIGTERM), 130 interrupted (Ctrl+C), 2 usage error,
4 exchange error, 5 state file or lock error (e.g. the bot is already running).`,
    )
    .action(async (_opts, cmd: Command) => {
      const { paperAction } = await import('./paper-action.js');
      process.exitCode = await paperAction(cmd, BOT_FLAGS, env);
    });
}
