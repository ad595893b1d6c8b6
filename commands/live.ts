import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { addBotOptions, BOT_FLAGS } from './paper.js';
import type { FlagMap } from './options.js';

const LIVE_FLAGS: FlagMap = { ...BOT_FLAGS, secretsFile: { path: 'secretsFile', kind: 'string' } };

export function liveCommand(env: CommandEnv): Command {
  return addBotOptions(new Command('live').description('Trade real money: the same engine as paper, orders sent to the exchange through ccxt'))
    .option('--secrets-file <file>', 'YAML/JSON file with apiKey and secret, readable only by you (default: TRADEBOT_API_KEY / TRADEBOT_API_SECRET)')
    .option('--yes', 'confirm without a prompt (required when not on a terminal)', false)
    .option('--adopt', "accept the exchange's view of any difference found at start (orders, a shortfall of the bot's balances)", false)
    .option('--budget <amount>', "a new bot's budget: an amount of the quote currency (2000) or a share of what the account has free (20%); at most the account's free quote less the other bots' budgets (default: all of that); fixed for the bot's life")
    .option('--cash <amount>', 'the older name of --budget')
    .addHelpText(
      'after',
      `
API keys are read only in live mode, from TRADEBOT_API_KEY, TRADEBOT_API_SECRET and
TRADEBOT_API_PASSWORD, or from --secrets-file; never from a flag. On a terminal the bot shows
what it is about to trade and asks (default No); without a terminal it refuses unless --yes.
The bot trades its budget (--budget, else what the account has free when it is created; the
config's cash key is for backtests and paper): its ledger, equity and PnL are that budget and
the positions it opened. Several bots can share one account: their budgets are allocated in
allocations.json in the tradebot home, under a lock, so together they never exceed the
account's free quote (a budget it cannot cover is refused, exit 2); tradebot bots rm gives a bot's
budget back. Anything else on the account (coins it did not buy) is external:
shown by status and reconcile, never sold, never counted. Restarts keep the budget.
Every order is journaled before it is sent; at start, anything unresolved is looked up on the
exchange by client order id, never re-sent; a read that fails for a passing reason (5xx,
dropped connection) is asked again with back-off before exit 4. Differences with the exchange
stop the bot until you review them (tradebot reconcile NAME --plan) or start it with --adopt.
A bot keeps the settings it was created with, its exchange URL included: tradebot live --bot NAME
resumes with them; a different value is refused (exit 2) unless --reconfigure, which shows the
change in the summary and asks like a first start. A start that fails or is declined leaves no
new bot behind.

Signals: --strategy webhook (alerts on --listen, secret from TRADEBOT_WEBHOOK_SECRET) and
--strategy http-signal (--signal-url, token from TRADEBOT_SIGNAL_TOKEN) trade through the same
journal, risk gate and recovery as any strategy; see tradebot paper --help and README.md.

Exit codes: 0 stopped, 130 interrupted, 2 usage error, not confirmed, a setting that differs
from the stored one, or a --budget the account cannot cover or that differs from the bot's budget,
4 exchange error, 5 state, lock or reconciliation problem (also another exchange, pair or
timeframe than the bot's; a missing state file beside a backup or journal; the --listen address
cannot be bound).`,
    )
    .action(async (_opts, cmd: Command) => {
      const { liveAction } = await import('./live-action.js');
      process.exitCode = await liveAction(cmd, LIVE_FLAGS, env);
    });
}
