import { Command } from 'commander';
import { UsageError } from '../src/core/errors.js';
import { useColor, type CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

// Read-only commands: they read the bot's state file and journal, never ccxt nor the network
// (test/unit/bot/no-ccxt.test.ts).

/** Tables fit the terminal; 0 columns (a pipe that says so) means no limit. */
const widthOf = (env: CommandEnv) => (env.stdout.isTTY ? (env.stdout.columns ?? 100) : 0);

export function tradesCommand(env: CommandEnv): Command {
  return addHomeOptions(
    new Command('trades').description("A bot's round trips: entry and exit, prices, quantity, fees, PnL, duration, exit reason, orders. Reads files only").argument('<name>', 'the bot'),
  )
    .option('--open', 'only the open trades', false)
    .option('--closed', 'only the closed trades', false)
    .option('--since <duration|date>', 'only trades open at some time since then: 10m, 2h, 3d, or an ISO date')
    .option('--json', 'print a JSON document (schemaVersion 1)', false)
    .addHelpText(
      'after',
      `
The round trips are the bot's ledger (state.json); their orders and the exchange's trade ids come
from its journal. An open trade's PnL is marked at the last close the bot saw. Exit reasons:
signal, stop-loss, take-profit, trailing-stop, manual (forceexit, a manual order), panic.
Times are the exchange's (a replaying simulator's run in the past).

Exit codes: 0 ok, 2 usage error (no such bot, bad --since, --open with --closed), 5 the state file
or journal cannot be read.`,
    )
    .action(async (name: string, opts: HomeOpts & { open: boolean; closed: boolean; since?: string; json: boolean }) => {
      if (opts.open && opts.closed) throw new UsageError('--open and --closed exclude each other: give one, or neither for all trades');
      const home = await homeFrom(opts, env);
      const { requireBot } = await import('../src/bot/status.js');
      const { parseSince } = await import('../src/bot/log-reader.js');
      const since = opts.since !== undefined ? parseSince(opts.since, Date.now()) : null;
      await requireBot(home, name);
      const { readHistory } = await import('../src/history/read-history.js');
      const { doc, trades } = await readHistory(home, name);
      const shown = trades.filter((t) => (opts.open ? t.open : opts.closed ? !t.open : true) && (since === null || t.open || (t.exitTime ?? 0) >= since));
      if (opts.json) {
        env.stdout.write(`${JSON.stringify({ schemaVersion: 1, bot: name, quote: doc.bot.quote, trades: shown }, null, 2)}\n`);
        return;
      }
      const { renderTrades } = await import('../src/report/history-text.js');
      const what = opts.open ? 'open trades' : opts.closed ? 'closed trades' : 'trades';
      env.stdout.write(renderTrades(shown, { width: widthOf(env), color: useColor(env), title: `bot ${name}: ${shown.length} ${what} (${doc.bot.quote})` }));
    });
}

export function profitCommand(env: CommandEnv): Command {
  return addHomeOptions(new Command('profit').description("A bot's profit: realised and unrealised PnL, win rate, best and worst trade, fees, per day, week or month. Reads files only").argument('<name>', 'the bot'))
    .option('--daily', 'a table of the last days (UTC)', false)
    .option('--weekly', 'a table of the last weeks (from Monday, UTC)', false)
    .option('--monthly', 'a table of the last months (UTC)', false)
    .option('--periods <n>', 'how many days, weeks or months (default 7, 8, 6)')
    .option('--json', 'print a JSON document (schemaVersion 1)', false)
    .addHelpText(
      'after',
      `
PnL is net of fees; realised over closed trades, unrealised over open ones marked at the last
close the bot saw. A period's row holds the trades that closed in it, ending with the period of
the bot's last candle; its % is over the bot's equity at start.

Exit codes: 0 ok, 2 usage error (no such bot, two of --daily/--weekly/--monthly, bad --periods),
5 the state file or journal cannot be read.`,
    )
    .action(async (name: string, opts: HomeOpts & { daily: boolean; weekly: boolean; monthly: boolean; periods?: string; json: boolean }) => {
      const kinds = (['daily', 'weekly', 'monthly'] as const).filter((k) => opts[k]);
      if (kinds.length > 1) throw new UsageError(`--${kinds.join(' and --')} exclude each other: give one`);
      const count = opts.periods !== undefined ? Number(opts.periods) : undefined;
      if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 366)) throw new UsageError(`--periods must be a whole number from 1 to 366, got ${JSON.stringify(opts.periods)}`);
      if (count !== undefined && kinds.length === 0) throw new UsageError('--periods goes with --daily, --weekly or --monthly');
      const home = await homeFrom(opts, env);
      const { requireBot } = await import('../src/bot/status.js');
      await requireBot(home, name);
      const { readHistory } = await import('../src/history/read-history.js');
      const { profitSummary } = await import('../src/history/profit.js');
      const { doc, trades } = await readHistory(home, name);
      const view = profitSummary(doc, trades, { now: Date.now(), ...(kinds[0] ? { period: kinds[0] } : {}), ...(count !== undefined ? { count } : {}) });
      if (opts.json) {
        env.stdout.write(`${JSON.stringify({ schemaVersion: 1, bot: name, ...view }, null, 2)}\n`);
        return;
      }
      const { renderProfit } = await import('../src/report/history-text.js');
      env.stdout.write(renderProfit(view, { width: widthOf(env), color: useColor(env), title: `bot ${name} (${doc.bot.mode}, ${doc.bot.pairs.join(', ')})` }));
    });
}
