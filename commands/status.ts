import { Command } from 'commander';
import { UsageError } from '../src/core/errors.js';
import { terminalColumns, useColor, type CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

// Read-only commands: they never load ccxt nor touch the network (test/unit/bot/no-ccxt.test.ts).

const STATES_HELP = `
States: running (the owner's pid is alive and its heartbeat is under 10 s old), paused, halted
(a risk limit stopped new entries), stale (alive but no heartbeat for 10 s), crashed (the state
file says running but no process owns it), stopped.`;

export function statusCommand(env: CommandEnv): Command {
  return addHomeOptions(
    new Command('status')
      .description('Show the bots that are running (or one bot in detail): state, equity, PnL, positions, open orders. Reads files only')
      .argument('[name]', 'a bot name: show it in detail'),
  )
    .option('--json', 'print a JSON document (schemaVersion 1)', false)
    .option('--watch', 'redraw every second until Ctrl+C (terminal only)', false)
    .option('--check', 'health probe of one bot: exit 0 when it runs with a fresh heartbeat and last candle, else 1 and one line why', false)
    .option('--max-age <duration>', 'with --check: how late the heartbeat, and a candle beyond one timeframe, may be (90s, 2m, 1h)', '2m')
    .addHelpText(
      'after',
      `${STATES_HELP}

--check (for cron, systemd, Kubernetes liveness probes): healthy when the bot is running or
paused, its heartbeat is at most --max-age old, it handled a candle within one timeframe plus
--max-age, and no risk limit halted it. Prints one line (ok or FAIL, and why).

Exit codes: 0 ok (a bot whose state file is unreadable is shown with its error; --check: healthy),
1 --check: not healthy (stopped, crashed, stale, halted, heartbeat or candle too old, unreadable
state), 2 usage error (unknown bot, --watch without a terminal, --check without a bot, bad --max-age),
5 the home directory cannot be read.`,
    )
    .action(async (name: string | undefined, opts: HomeOpts & { json: boolean; watch: boolean; check: boolean; maxAge: string }) => {
      if (opts.check) {
        if (name === undefined) throw new UsageError('--check probes one bot: give its name');
        if (opts.watch) throw new UsageError('--check answers once; it does not go with --watch');
        const { checkHealth, parseMaxAge } = await import('../src/bot/health-check.js');
        const maxAgeMs = parseMaxAge(opts.maxAge);
        const home = await homeFrom(opts, env);
        const bots = await import('../src/bot/status.js');
        await bots.requireBot(home, name);
        const now = Date.now();
        const v = await bots.readBotStatus(home, name, now);
        const h = checkHealth({ state: v.state, error: v.error, heartbeatAgeMs: v.heartbeatAgeMs, lastCandleAt: v.lastCandleAt, startedAt: v.startedAt, timeframe: v.timeframe, riskHalt: v.riskHalt, now, maxAgeMs });
        env.stdout.write(opts.json ? `${JSON.stringify({ schemaVersion: 1, name, ok: h.ok, reason: h.reason })}\n` : `${h.ok ? 'ok' : 'FAIL'} ${name}: ${h.reason}\n`);
        if (!h.ok) process.exitCode = 1;
        return;
      }
      if (opts.watch && opts.json) throw new UsageError('--watch redraws a terminal; it does not go with --json');
      if (opts.watch && !env.stdout.isTTY) throw new UsageError('--watch needs a terminal: stdout is not one (run tradebot status without --watch, or with --json)');
      const home = await homeFrom(opts, env);
      const bots = await import('../src/bot/status.js');
      // JSON output never loads the text renderer (and its chalk)
      const json = opts.json ? await import('../src/report/status-json.js') : null;
      const text = json ? null : await import('../src/report/status.js');
      if (name !== undefined) await bots.requireBot(home, name);
      const color = useColor(env);
      // a terminal's width (none at 0 columns or when piped: then nothing is cut)
      const widthOf = () => {
        const w = terminalColumns(env.stdout);
        return w === undefined ? {} : { width: w };
      };
      const render = async (): Promise<string> => {
        const now = Date.now();
        if (name !== undefined) {
          const view = await bots.readBotStatus(home, name, now);
          return json ? json.botJson(view) : text!.renderDetail(view, { color, ...widthOf() });
        }
        const all = await bots.listBots(home, now);
        const shown = all.filter(bots.shownByStatus);
        return json ? json.statusJson(shown) : text!.renderStatus(shown, all.length - shown.length, { color, home, ...widthOf() });
      };
      if (!opts.watch) {
        env.stdout.write(await render());
        return;
      }
      const { redrawUntilInterrupted } = await import('../src/report/redraw.js');
      await redrawUntilInterrupted(env.stdout, async () => `tradebot status  ${new Date().toISOString().slice(0, 19)}Z  (Ctrl+C to quit)\n\n${await render()}`);
    });
}

export function botsCommand(env: CommandEnv): Command {
  const bots = addHomeOptions(new Command('bots').description('List every bot, stopped ones included; remove one with bots rm'))
    .option('--json', 'print a JSON document (schemaVersion 1)', false)
    .addHelpText('after', `${STATES_HELP}\n\nExit codes: 0 ok, 2 usage error, 5 the home directory cannot be read; bots rm: see tradebot bots rm --help.`)
    .action(async (opts: HomeOpts & { json: boolean }) => {
      const home = await homeFrom(opts, env);
      const { listBots } = await import('../src/bot/status.js');
      const report = await import('../src/report/status.js');
      const all = await listBots(home, Date.now());
      env.stdout.write(opts.json ? report.statusJson(all) : report.renderOverview(all, { color: useColor(env), empty: `no bots in ${home}`, ...(terminalColumns(env.stdout) !== undefined ? { width: terminalColumns(env.stdout)! } : {}) }));
    });
  bots.addCommand(
    addHomeOptions(new Command('rm').description("Remove a stopped bot and all its state (its directory under <home>/bots)").argument('<name>', 'the bot to remove'))
      .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)', false)
      .addHelpText('after', '\nRefused while the bot runs (exit 5): stop it first. Without --yes on a terminal, asks (default No).\nExit codes: 0 removed or kept as answered, 2 usage error (no such bot, no --yes without a terminal), 5 the bot is running.')
      .action(async (name: string, _o: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<HomeOpts & { yes: boolean }>();
        const home = await homeFrom(opts, env);
        const { removeBot } = await import('../src/bot/remove-bot.js');
        const done = await removeBot(home, name, Date.now(), async (dir) => {
          if (opts.yes) return true;
          if (!process.stdin.isTTY || !env.stdout.isTTY) throw new UsageError(`bots rm ${name} deletes ${dir}: confirm with --yes (stdin is not a terminal to ask on)`);
          const { confirm } = await import('@inquirer/prompts');
          return confirm({ message: `Remove bot ${name} and all its state (${dir})?`, default: false });
        });
        env.stdout.write(done ? `removed bot ${name}\n` : `kept bot ${name}\n`);
      }),
  );
  for (const c of bots.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return bots;
}
