import { Command } from 'commander';
import { ExitCode } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

export function notifyCommand(env: CommandEnv): Command {
  const notify = new Command('notify').description('Notifications (Telegram, webhook): send a test message');
  notify.addCommand(
    addHomeOptions(new Command('test').description('Send a test message through every configured channel; exit 1 when one fails'))
      .option('--bot <name>', 'name the message after this bot (it must exist)')
      .option('--json', 'print a JSON document (schemaVersion 1)', false)
      .addHelpText(
        'after',
        `
Reads notify: from the config file; the Telegram bot token only from TRADEBOT_TELEGRAM_TOKEN or
telegramToken in the secrets file (secretsFile). Each Telegram chat and the webhook get one message
now (not queued); one line per channel says ok or FAIL and why.

Exit codes: 0 every channel took it, 1 a channel failed, 2 usage error (no channel configured, chat
ids without a token, bad config, no such bot).`,
      )
      .action(async (opts: HomeOpts & { bot?: string; json: boolean }) => {
        const { loadConfig, resolveConfig } = await import('../src/config/load-config.js');
        const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
        const cfg = resolveConfig(file.config);
        if (opts.bot !== undefined) {
          const { requireBot } = await import('../src/bot/status.js');
          await requireBot(await homeFrom(opts, env), opts.bot);
        }
        const { notifyTest } = await import('../src/notify/notify-test.js');
        const results = await notifyTest(cfg.notify, { env: env.env, secretsFile: cfg.secretsFile, bot: opts.bot ?? null, now: Date.now() });
        if (opts.json) env.stdout.write(`${JSON.stringify({ schemaVersion: 1, ok: results.every((r) => r.ok), channels: results }, null, 2)}\n`);
        else for (const r of results) env.stdout.write(r.ok ? `ok    ${r.channel}\n` : `FAIL  ${r.channel}: ${r.error}\n`);
        if (results.some((r) => !r.ok)) process.exitCode = ExitCode.assertion;
      }),
  );
  for (const c of notify.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return notify.exitOverride();
}
