import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { addHomeOptions, type HomeOpts } from './home-options.js';

// Read-only: never loads ccxt nor touches the network.

export interface ParityOpts extends HomeOpts {
  from?: string;
  to?: string;
  json: boolean;
  html?: string;
  assert?: string;
}

export function parityCommand(env: CommandEnv): Command {
  return addHomeOptions(
    new Command('parity')
      .description("Replay the candles a paper or live bot acted on through the backtester with its stored settings, and compare trade by trade. Reads files only")
      .argument('<name>', 'the bot'),
  )
    .option('--from <date>', 'compare trades entered from this date (ISO, UTC)')
    .option('--to <date>', 'compare trades entered up to this date (ISO, UTC)')
    .option('--json', 'print a JSON document (schemaVersion 1)', false)
    .option('--html <file>', "write the bot's HTML report with the parity summary and each divergence")
    .option('--assert <expr>', 'fail (exit 1) unless every condition holds, e.g. "matched>=0.95,slippageBps<=5"')
    .addHelpText(
      'after',
      `
A bot records the closed candles it acts on, with its warm-up history, in <home>/bots/<name>/candles/
(the candle cache's binary format, the newest 100,000 candles a pair). Parity runs them through the
backtester (the one engine) with the bot's stored strategy, parameters, stake, fee, slippage, risk
settings, cash and warm-up, then pairs the session's trades with the replay's (same pair, entries
within 3 candles of each other).

Every difference is attributed to a cause, from the bot's journal and log: fill-price (slippage or
spread), late-candle, restart-gap, rejected (by the exchange), risk-denied, manual (orders, panic,
Telegram), unknown-outcome, partial-fill, or unexplained.

--assert figures: matched (share of trades matched), identical (share matched and the same),
slippageBps (mean, + is worse than the fill model), worstSlippageBps, sessionOnly, replayOnly,
divergent (matched but different), pnlDiff (session minus replay, quote).

Exit codes: 0 ok, 1 an --assert condition failed, 2 usage or input error (no such bot, no recorded
candles, bad date or assertion), 5 state file error.`,
    )
    .action(async (name: string, opts: ParityOpts) => {
      const { parityAction } = await import('./parity-action.js');
      await parityAction(name, opts, env);
    });
}
