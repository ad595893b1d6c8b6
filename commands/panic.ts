import { Command } from 'commander';
import { StateError, UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';
import { confirmOrRefuse, requireConfirmable } from './guard.js';


export function panicCommand(env: CommandEnv): Command {
  return addHomeOptions(new Command('panic').description('Emergency stop of a running bot: cancel its orders, sell its positions at market, stop').argument('<name>', 'the bot'))
    .option('--yes', 'confirm without a prompt (required when not on a terminal)', false)
    .option('--timeout <seconds>', 'how long to wait for the bot to stop', '30')
    .addHelpText(
      'after',
      `
Writes a 'panic' request into the bot's control.json; the running bot cancels every open order it
placed, sells every position it holds at market (never other orders or holdings of the account),
writes its state and exits. The command waits until the bot says stopped (--timeout, 30 s).
On a terminal it asks first (default No); without one it refuses unless --yes.
For a bot that is not running, use tradebot orders cancel --all --pair P --bot NAME and
tradebot orders create ... --bot NAME.

Exit codes: 0 the bot stopped, 2 usage error (no such bot, not running, not confirmed),
5 the bot did not stop within --timeout (the request stays in control.json).`,
    )
    .action(async (name: string, opts: HomeOpts & { yes: boolean; timeout: string }) => {
      const seconds = Number(opts.timeout);
      if (!/^\s*\d+(\.\d+)?\s*$/.test(opts.timeout) || !(seconds > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(opts.timeout)}`);
      requireConfirmable(env, opts.yes, `panic bot ${name}`);
      const home = await homeFrom(opts, env);
      const { readBotStatus, requireBot, isLive } = await import('../src/bot/status.js');
      await requireBot(home, name);
      const view = await readBotStatus(home, name, Date.now());
      if (!isLive(view)) throw new UsageError(`bot ${name} is not running (${view.state}): nothing to panic; a stopped bot's orders are cancelled with tradebot orders cancel --all --pair P --bot ${name}`);
      await confirmOrRefuse(
        env,
        opts.yes,
        [`PANIC bot ${name} (${view.mode ?? '?'} on ${view.exchange ?? '?'}, pid ${view.pid ?? '?'})`, `cancel its ${view.openOrders.length} open order(s), sell its ${view.positions.length} position(s) at market, stop`],
        'Cancel everything and sell at market?',
      );
      const { sendControl, requester } = await import('../src/bot/send-control.js');
      const out = await sendControl({ home, name, command: 'stop', as: 'panic', timeoutMs: seconds * 1000, pollMs: 200, by: requester('panic', env.env) });
      const after = await readBotStatus(home, name, Date.now());
      if (out.result === 'not-running') {
        env.stdout.write(`bot ${name} stopped before the request reached it (${out.state})\n`);
        return;
      }
      if (after.runtimeStatus !== 'stopped') throw new StateError(`bot ${name} exited after panic but its state says ${after.runtimeStatus ?? 'nothing'}: check tradebot status ${name} and tradebot logs ${name}`);
      env.stdout.write(
        `bot ${name} stopped after panic (${(out.afterMs / 1000).toFixed(1)} s): ${after.openOrders.length} open order(s), ${after.positions.length} position(s) left\n`,
      );
    });
}
