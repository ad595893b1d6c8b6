import { Command } from 'commander';
import { ExitCode, UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import type { ControlOutcome, SteerCommand } from '../src/bot/send-control.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

const HOW = `
The request goes into the bot's control.json; the bot reads it within half a second and
acknowledges it in its state file. Works from any terminal or SSH session that sees the bot's
home directory.`;

const PAST: Record<SteerCommand, string> = { stop: 'stopped', pause: 'paused', resume: 'resumed', forceexit: 'forced out' };

function timeoutMs(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(text)}`);
  return n * 1000;
}

function said(o: ControlOutcome): string {
  if (o.result === 'not-running') return `bot ${o.name} is not running (${o.state}): nothing to stop\n`;
  const detail = o.detail !== undefined ? `: ${o.detail}` : '';
  return `bot ${o.name} ${PAST[o.command]} (acknowledged after ${(o.afterMs / 1000).toFixed(1)} s)${detail}\n`;
}

export function stopCommand(env: CommandEnv): Command {
  return addHomeOptions(new Command('stop').description('Stop a running bot (or every one with --all) and wait until it has exited').argument('[name]', 'the bot to stop'))
    .option('--all', 'stop every running bot', false)
    .option('--timeout <seconds>', 'how long to wait for the bot to acknowledge and exit', '10')
    .option('--cancel-orders', "cancel the bot's open orders before it stops (positions are kept)", false)
    .addHelpText(
      'after',
      `${HOW}
A bot that is not running: said, exit 0. Open orders and positions are kept (paper: in the
simulated exchange's state) and the bot resumes them when started again; with --cancel-orders
the bot cancels its open orders first (tradebot panic also sells the positions).

Exit codes: 0 stopped or not running, 2 usage error (no such bot), 5 no acknowledgement within
--timeout (a bot started later ignores the unanswered request).`,
    )
    .action(async (name: string | undefined, opts: HomeOpts & { all: boolean; timeout: string; cancelOrders: boolean }) => {
      if (opts.all === (name !== undefined)) throw new UsageError(opts.all ? 'give a bot name or --all, not both' : 'which bot? give its name, or --all');
      const ms = timeoutMs(opts.timeout);
      const home = await homeFrom(opts, env);
      const { sendControl, requester } = await import('../src/bot/send-control.js');
      const by = requester('stop', env.env);
      let names: string[];
      if (name !== undefined) names = [name];
      else {
        const { listBots, isLive } = await import('../src/bot/status.js');
        names = (await listBots(home, Date.now())).filter(isLive).map((v) => v.name);
        if (names.length === 0) {
          env.stdout.write('no bot is running\n');
          return;
        }
      }
      const results = await Promise.allSettled(
        names.map((n) => sendControl({ home, name: n, command: 'stop', timeoutMs: ms, by, ...(opts.cancelOrders ? { as: 'stop-cancel' as const } : {}) })),
      );
      if (results.length === 1 && results[0]!.status === 'rejected') throw results[0]!.reason;
      let failed = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') env.stdout.write(said(r.value));
        else {
          failed++;
          env.stderr.write(`tradebot: ${(r.reason as Error).message}\n`);
        }
      }
      if (failed > 0) process.exitCode = ExitCode.state;
    });
}

function steer(env: CommandEnv, command: 'pause' | 'resume', description: string, help: string): Command {
  return addHomeOptions(new Command(command).description(description).argument('<name>', `the bot to ${command}`))
    .option('--timeout <seconds>', 'how long to wait for the acknowledgement', '10')
    .addHelpText('after', `${HOW}\n${help}\n\nExit codes: 0 acknowledged, 2 usage error (no such bot, the bot is not running), 5 no acknowledgement within --timeout.`)
    .action(async (name: string, opts: HomeOpts & { timeout: string }) => {
      const ms = timeoutMs(opts.timeout);
      const home = await homeFrom(opts, env);
      const { sendControl, requester } = await import('../src/bot/send-control.js');
      env.stdout.write(said(await sendControl({ home, name, command, timeoutMs: ms, by: requester(command, env.env) })));
    });
}

export function pauseCommand(env: CommandEnv): Command {
  return steer(env, 'pause', 'Pause a running bot: no new entries; exits, protective stops, open orders and positions carry on', 'A paused bot stays paused across restarts until tradebot resume.');
}

export function resumeCommand(env: CommandEnv): Command {
  return steer(env, 'resume', 'Resume a paused bot', 'Resuming a bot that is not paused is acknowledged and changes nothing.');
}

export function forceexitCommand(env: CommandEnv): Command {
  return addHomeOptions(
    new Command('forceexit')
      .description("Sell one position of a running bot at market (or all of them), after cancelling that pair's open orders; the bot runs on")
      .argument('<name>', 'the bot')
      .argument('<pair>', 'a pair of the bot (BTC/USDT), or all'),
  )
    .option('--timeout <seconds>', 'how long to wait for the bot to answer', '30')
    .addHelpText(
      'after',
      `${HOW}
The bot cancels the pair's open orders (a resting stop-loss included), sells what the position
holds at market between two candles, and records the exit reason "manual". It keeps running:
its strategy may enter again. Telegram's /forceexit sends this same request.

Exit codes: 0 done (or nothing to sell), 1 the bot could not sell (its answer says why), 2 usage
error (no such bot or pair, the bot is not running), 5 no answer within --timeout.`,
    )
    .action(async (name: string, pair: string, opts: HomeOpts & { timeout: string }) => {
      const ms = timeoutMs(opts.timeout);
      const home = await homeFrom(opts, env);
      const { sendControl, requester } = await import('../src/bot/send-control.js');
      const out = await sendControl({ home, name, command: 'forceexit', pair, timeoutMs: ms, by: requester('forceexit', env.env) });
      env.stdout.write(said(out));
      if (out.result === 'acknowledged' && out.ok === false) process.exitCode = ExitCode.assertion;
    });
}
