import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { CONFIG_DEFAULTS } from '../src/config/schema.js';
import { addTradingOptions, TRADING_FLAGS, type FlagMap } from './options.js';

const D = CONFIG_DEFAULTS;

/** Flags shared by the commands that run a bot (paper and live). */
export const BOT_FLAGS: FlagMap = {
  ...TRADING_FLAGS,
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  pair: { path: 'pair', kind: 'string' },
  timeframe: { path: 'timeframe', kind: 'string' },
  warmup: { path: 'paper.warmup', kind: 'number' },
  poll: { path: 'paper.poll', kind: 'number' },
  metricsPort: { path: 'metrics.port', kind: 'number' },
  home: { path: 'home', kind: 'string' },
  listen: { path: 'signals.listen', kind: 'string' },
  signalUrl: { path: 'signals.url', kind: 'string' },
};

const PAPER_FLAGS: FlagMap = { ...BOT_FLAGS, shadow: { path: 'signals.shadow', kind: 'string' } };

export function addBotOptions(cmd: Command): Command {
  return addTradingOptions(
    cmd
      .requiredOption('--bot <name>', 'bot name: its state lives in <home>/bots/<name>')
      .option('--exchange <id>', 'ccxt exchange id, e.g. binance')
      .option('--exchange-url <url>', 're-point the exchange REST API (tradebot sim, a testnet, a proxy)')
      .option('--pair <symbols>', 'market symbol(s), comma-separated: BTC/USDT,ETH/USDT')
      .option('--timeframe <tf>', 'candle timeframe, e.g. 1m'),
  )
    .option('--warmup <n>', 'candles of history that warm the indicators before the first decision', String(D.paper.warmup))
    .option('--poll <ms>', 'milliseconds between polls for new candles', String(D.paper.poll))
    .option('--metrics-port <port>', 'serve Prometheus /metrics and /health on this port (127.0.0.1 unless metrics.host; 0: any free port)')
    .option('--listen <host:port>', 'webhook strategy: where the alert listener binds (put a TLS reverse proxy in front for TradingView)', D.signals.listen)
    .option('--signal-url <url>', 'http-signal strategy: the signal service, asked on every closed candle')
    .option('--home <dir>', 'tradebot home directory holding bots/ (default: config home, TRADEBOT_HOME, else the platform data dir)')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)')
    .option('--reconfigure', "resume an existing bot with settings that differ from its stored ones (not its exchange, pairs or timeframe)", false);
}

export function paperCommand(env: CommandEnv): Command {
  return addBotOptions(new Command('paper').description('Paper trade a strategy on live prices with the simulated exchange; runs until stopped'))
    .option('--cash <balances>', 'starting balances: USDT=10000,BTC=0 or an amount of the quote currency (default: cash from the config, 10000)')
    .option('--budget <amount>', "the bot's budget: its starting quote, an amount (2000) or a share of cash (20%); config budget")
    .option('--shadow <bot>', "follow another (live) bot's signals: its accepted alerts, or its signal service; takes its exchange, pairs, timeframe and strategy")
    .addHelpText(
      'after',
      `
The bot's state (balances, positions, orders) survives restarts, kill -9 included: run
tradebot paper --bot NAME again to resume. A bot keeps the settings it was created with (exchange,
URL, pairs, timeframe, strategy and parameters, cash, stake, fee, slippage, warm-up, risk): a flag
left out means the stored value (the defaults above are for a new bot), a different one is refused
(exit 2) unless --reconfigure.
The start prints the settings it runs with. Watch it with tradebot status, steer it with
tradebot pause|resume|stop.

Signals: --strategy webhook listens on --listen for TradingView alerts (shared secret from
TRADEBOT_WEBHOOK_SECRET or webhookSecret in the secrets file) and records every accepted one in
the bot's alerts.jsonl; --strategy http-signal asks --signal-url on every closed candle (token
from TRADEBOT_SIGNAL_TOKEN or signalToken). --shadow LIVEBOT trades the same signals on paper.

A start that fails leaves no new bot behind; a refused start of an existing bot is written to its
log and shown by tradebot status NAME.

Exit codes: 0 stopped (tradebot stop, SIGTERM), 130 interrupted (Ctrl+C), 2 usage error (also a
setting that differs from the stored one, a missing or short webhook secret), 4 exchange error,
5 state file or lock error (the bot is already running; another exchange, pair or timeframe than
the bot's; its state file is damaged, or missing while a backup or journal exists; the --listen
address cannot be bound), or a home directory that is a file or cannot be written.`,
    )
    .action(async (_opts, cmd: Command) => {
      const { paperAction } = await import('./paper-action.js');
      process.exitCode = await paperAction(cmd, PAPER_FLAGS, env);
    });
}
