import { Command } from 'commander';
import { useColor, type CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

export function logsCommand(env: CommandEnv): Command {
  return addHomeOptions(new Command('logs').description("Print a bot's log (log.jsonl and its rotations, oldest first)").argument('<name>', 'the bot'))
    .option('-f, --follow', 'keep printing new lines as they are written, until Ctrl+C', false)
    .option('--since <duration|date>', 'only records from this time on: 10m, 2h, 3d, or an ISO date (2024-05-01, 2024-05-01T12:00Z)')
    .option('--level <level>', 'only records of this level and above: info, warn (warn and error), error')
    .option('--event <names>', 'only these events, comma-separated; a name may end in * (fill,trade-closed,order-*)')
    .option('--json', 'print the JSON lines as they are stored', false)
    .addHelpText(
      'after',
      `
Plain lines are "time level event key=value ...", times in UTC. The bot records every decision
and outcome: signal, risk-denied (code), order-intent, order-sent, fill (price, qty, fee),
trade-closed (pnl), order-canceled, order-rejected, order-expired, order-unknown, order-resolved,
halt, halt-lifted, exchange-error, exchange-degraded, exchange-recovered, feed-degraded,
feed-recovered, reconciled, control, control-done, started, stopping, stopped, crashed,
start-refused, notify-failed, telegram-ignored. The log rotates at 5 MB and keeps
three old files (log.jsonl.1 .. .3); --follow carries on across a rotation. Ctrl+C ends --follow
(exit 0).

Exit codes: 0 ok, 2 usage error (no such bot, bad --since, --level or --event).`,
    )
    .action(async (name: string, opts: HomeOpts & { follow: boolean; since?: string; json: boolean; level?: string; event?: string }) => {
      const home = await homeFrom(opts, env);
      const { requireBot } = await import('../src/bot/status.js');
      const { readLog, parseSince, recordFilter } = await import('../src/bot/log-reader.js');
      const { logFormatter } = await import('../src/report/log-lines.js');
      const { botPaths } = await import('../src/store/bot-paths.js');
      const since = opts.since !== undefined ? parseSince(opts.since, Date.now()) : null;
      const filter = recordFilter({ ...(opts.level !== undefined ? { level: opts.level } : {}), ...(opts.event !== undefined ? { events: opts.event } : {}) });
      await requireBot(home, name);
      const format = logFormatter({ color: !opts.json && useColor(env), json: opts.json });
      const onRecord = (rec: Parameters<typeof format>[0]) => void env.stdout.write(format(rec));
      if (!opts.follow) return readLog(botPaths(home, name).log, { since, onRecord, ...(filter ? { filter } : {}) });
      const { interruptSignal } = await import('../src/report/redraw.js');
      const signal = interruptSignal();
      try {
        await readLog(botPaths(home, name).log, { since, onRecord, signal, ...(filter ? { filter } : {}) });
      } finally {
        signal.dispose();
      }
    });
}
