import { Command } from 'commander';
import { ExitCode, UsageError } from '../src/core/errors.js';
import { useColor, type CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

export function stateCommand(env: CommandEnv): Command {
  const state = new Command('state').description("Check a bot's state files, or restore the last good snapshot");
  state.addCommand(
    addHomeOptions(new Command('check').description('Check that state files load and the books add up (every bot, or one); read-only').argument('[name]', 'one bot'))
      .option('--json', 'print a JSON document (schemaVersion 1)', false)
      .addHelpText(
        'after',
        `
Checks: the state file and its .bak load and validate as the bot would load them (shape and
meaning: no negative, oversized or infinite amount, no order filled beyond its amount, no unknown
status, no currency the bot does not trade); the journal reads (a torn last line is a warning);
the state file descends from its backup (lineage: it is not missing beside a backup or a journal,
not another bot's, not older); quote and base balances equal the starting cash plus the round
trips; a paper bot's simulated exchange holds the same balances; no trade id is applied twice.

Exit codes: 0 every check passed (warnings allowed), 2 usage error (no such bot), 5 a check failed.`,
      )
      .action(async (name: string | undefined, opts: HomeOpts & { json: boolean }) => {
        const home = await homeFrom(opts, env);
        const { botNames, requireBot } = await import('../src/bot/status.js');
        const { checkBotState } = await import('../src/store/state-check.js');
        const report = await import('../src/report/state-check.js');
        if (name !== undefined) await requireBot(home, name);
        const names = name !== undefined ? [name] : await botNames(home);
        const lines = (await Promise.all(names.map((n) => checkBotState(home, n)))).flat();
        env.stdout.write(opts.json ? report.stateCheckJson(lines) : report.renderStateCheck(lines, { color: useColor(env), empty: `no bots in ${home}` }));
        if (lines.some((l) => l.status === 'fail')) process.exitCode = ExitCode.state;
      }),
  );
  state.addCommand(
    addHomeOptions(new Command('restore').description("Put a bot's last good snapshot (state.json.bak) back in place").argument('<name>', 'the bot'))
      .option('--from-backup', 'restore from state.json.bak (required: the only source today)', false)
      .addHelpText(
        'after',
        `
Refused while the bot runs. The backup is validated first; the file it replaces is kept as
state.json.broken-<epoch ms>. The bot resumes from the restored snapshot when started again.

Exit codes: 0 restored, 2 usage error (no such bot, no --from-backup), 5 the bot runs or the backup is unusable.`,
      )
      .action(async (name: string, opts: HomeOpts & { fromBackup: boolean }) => {
        if (!opts.fromBackup) throw new UsageError('say where to restore from: --from-backup (state.json.bak)');
        const home = await homeFrom(opts, env);
        const { requireBot } = await import('../src/bot/status.js');
        const { restoreFromBackup } = await import('../src/store/state-restore.js');
        await requireBot(home, name);
        const r = await restoreFromBackup(home, name, Date.now());
        env.stdout.write(
          `restored bot ${name} from state.json.bak (written ${new Date(r.backupTime).toISOString()})` +
            (r.keptAs ? `; the replaced file is kept as ${r.keptAs}\n` : '\n'),
        );
      }),
  );
  for (const c of state.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return state.exitOverride();
}
