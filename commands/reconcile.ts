import { Command } from 'commander';
import { ExitCode, UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { addExchangeOptions, exchangeConfig } from './exchange-options.js';

export function reconcileCommand(env: CommandEnv): Command {
  return addExchangeOptions(new Command('reconcile').description("Compare a stopped live bot's state with the exchange; --apply accepts the exchange's view").argument('<name>', 'the live bot'))
    .option('--plan', 'show what differs and what --apply would change (the default); writes nothing', false)
    .option('--apply', "apply it: the exchange's fills and statuses, orders marked not-placed or lost, shortfalls of the bot's balances, its open orders of the bot", false)
    .option('--json', 'print {schemaVersion, bot, applied, ok, safe, drift, external, after}', false)
    .addHelpText(
      'after',
      `
The same comparison a live bot makes when it starts: every journaled intent and open order of the
bot is looked up on the exchange by client order id, then balances and open orders are compared.
  ~ change   the exchange's state is applied (fills, status, balance)
  - remove   journaled but never placed: marked not-placed (nothing is re-sent)
  ! lost     open locally, not on the exchange after repeated lookups
  + adopt    the bot's own order, open on the exchange, unknown locally
  = external an order tradebot did not create, or what the account holds beyond the bot's
             ledger (coins it did not buy, money it was not given): listed, never touched
A balance is drift only when the account holds less than the bot's ledger; --apply then
journals the difference as a transfer out of the ledger (not a loss of its trading), so
tradebot state check still adds up. Nothing is ever sent to the exchange. Takes the bot's
lock: refused while the bot runs.

Exit codes: 0 no drift (left), 2 usage error, 4 exchange error, 5 drift found (--plan) or left
(--apply), the bot is running, or its state is unusable.`,
    )
    .action(async (name: string, opts: { plan: boolean; apply: boolean; json: boolean }, cmd: Command) => {
      if (opts.plan && opts.apply) throw new UsageError('--plan or --apply, not both');
      const { cfg, home } = await exchangeConfig(cmd, env);
      const { reconcileBot } = await import('../src/bot/reconcile-bot.js');
      const { renderPlan } = await import('../src/engine/reconcile.js');
      const r = await reconcileBot(cfg, { home, name, apply: opts.apply, env: env.env });
      if (opts.json) {
        const { reconcileJson } = await import('../src/report/reconcile-json.js');
        env.stdout.write(reconcileJson(name, r));
        if ((r.after ?? r.plan).drift.length > 0) process.exitCode = ExitCode.state;
        return;
      }
      env.stdout.write(renderPlan(r.plan));
      if (!r.after) {
        if (r.plan.drift.length > 0) {
          env.stdout.write(`\nRun tradebot reconcile ${name} --apply to accept the exchange's view (or start the bot with --adopt).\n`);
          process.exitCode = ExitCode.state;
        }
        return;
      }
      env.stdout.write(`\nApplied ${r.applied.length} change${r.applied.length === 1 ? '' : 's'} to bot ${name}'s state.\n`);
      if (r.after.drift.length > 0) {
        env.stdout.write(`\nStill differs after applying:\n${renderPlan(r.after)}`);
        process.exitCode = ExitCode.state;
      } else env.stdout.write('No drift left: the bot and the exchange agree.\n');
    });
}
