import { Command, Option } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { CONFIG_DEFAULTS } from '../src/config/schema.js';
import { addTradingOptions, TRADING_FLAGS, type FlagMap } from './options.js';

const D = CONFIG_DEFAULTS;

const FLAGS: FlagMap = {
  ...TRADING_FLAGS,
  data: { path: 'backtest.data', kind: 'string' },
  exchange: { path: 'exchange.id', kind: 'string' },
  exchangeUrl: { path: 'exchange.apiUrl', kind: 'string' },
  pair: { path: 'pair', kind: 'string' },
  timeframe: { path: 'timeframe', kind: 'string' },
  from: { path: 'backtest.from', kind: 'string' },
  to: { path: 'backtest.to', kind: 'string' },
  cash: { path: 'cash', kind: 'number' },
  json: { path: 'backtest.json', kind: 'boolean' },
  out: { path: 'backtest.out', kind: 'string' },
  tradesCsv: { path: 'backtest.tradesCsv', kind: 'string' },
  html: { path: 'backtest.html', kind: 'string' },
  assert: { path: 'backtest.assert', kind: 'string' },
  baseline: { path: 'backtest.baseline', kind: 'string' },
  tolerance: { path: 'backtest.tolerance', kind: 'number' },
  warmup: { path: 'backtest.warmup', kind: 'number' },
  signalsFile: { path: 'signals.file', kind: 'string' },
  signalUrl: { path: 'signals.url', kind: 'string' },
};

export function backtestCommand(env: CommandEnv): Command {
  return addTradingOptions(new Command('backtest').description('Run a strategy over historical candles and report the result'))
    .option('--data <file>', 'candle file: CSV timestamp,open,high,low,close,volume or freqtrade JSON, optionally .gz; a comma list of files backtests several pairs as one portfolio', 'the bundled BTC/USDT 5m sample')
    .option('--exchange <id>', 'ccxt exchange id: backtest on the candle cache of `tradebot data`, downloading what is missing (with --pair and --timeframe)')
    .option('--exchange-url <url>', "re-point the exchange's REST URLs, e.g. the loopback simulator (config exchange.apiUrl)")
    .option('--pair <symbol>', 'market symbol, e.g. BTC/USDT (default: from the file name); BTC/USDT,ETH/USDT: several pairs as one portfolio (one per --data file, or from the --exchange cache)')
    .option('--timeframe <tf>', 'bar interval, e.g. 5m (default: inferred from the data)')
    .option('--from <date>', 'first candle open time to include (ISO date or epoch)')
    .option('--to <date>', 'last candle open time to include (ISO date or epoch)')
    .option('--cash <amount>', 'starting quote balance', String(D.cash))
    .option('--warmup <n>', 'candles at the start that only warm the indicators, no trading (as paper and live start)', String(D.backtest.warmup))
    .option('--json', 'print the result document as JSON on stdout', false)
    .option('--out <file>', 'also write the result document (JSON) to this file')
    .option('--trades-csv <file>', 'write the trades as CSV to this file')
    .option('--html <file>', 'write a self-contained HTML report: price and trades, equity against buy-and-hold, drawdown, monthly returns, trades, metrics (opens offline)')
    .option('--assert <conditions>', 'exit 1 unless every condition holds, e.g. "sharpe>=1.2,maxDrawdown<=0.25,trades>=10"')
    .option('--baseline <file>', 'compare with an earlier --out/--json result; exit 1 on a regression')
    .option('--tolerance <fraction>', 'relative tolerance for --baseline', String(D.backtest.tolerance))
    .option('--signals-file <file>', 'webhook strategy: alerts to replay, one JSON alert per line with its time (a bot records its own in alerts.jsonl)')
    .option('--signal-url <url>', 'http-signal strategy: the signal service, asked on every closed candle (token: TRADEBOT_SIGNAL_TOKEN)')
    .option('--monte-carlo <n>', 'N simulations: 5/50/95 % bands of final return and max drawdown (block bootstrap of per-bar returns, trade-order shuffle)')
    .option('--seed <n>', 'seed of the --monte-carlo simulations', '42')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)')
    .addOption(new Option('--debug', 'print stack traces for errors').default(false))
    .addHelpText(
      'after',
      `
Fill model: a market order decided on a bar's close fills at the next bar's open, plus slippage.
Limit orders fill when a bar trades through their price; stops are checked within the bar and hit
before targets. The position rules (--roi, --take-profit-ladder, --dca, --reentry) judge each
bar's close and send market orders, so a stop within a bar comes before any ladder level.
Fees are a rate of notional. See README.md.

Signals: --strategy webhook --signals-file alerts.jsonl acts on each alert at the first candle
that closes after its time, as paper and live do; --strategy http-signal --signal-url URL asks
the service about every candle, with the candles it would have had live. A line on stderr (or
after the report) says what became of the signals.

Warnings (a fixed stake above the cash, entries that expired unfilled) go to stderr and the
result's "warnings". CAGR, Calmar, Sharpe and Sortino need 30 days of data: n/a (null) below.

Exit codes: 0 ok, 1 assertion or regression, 2 usage or input error, 3 internal error,
4 exchange error (--exchange), 5 the candle cache or home cannot be written.`,
    )
    .action(async (_opts, cmd: Command) => {
      const { backtestAction } = await import('./backtest-action.js');
      await backtestAction(cmd, FLAGS, env);
    });
}
