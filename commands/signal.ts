import { Command } from 'commander';
import { ExitCode, StateError, UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { addHomeOptions, homeFrom, type HomeOpts } from './home-options.js';

// Reads the bot's files and posts to its loopback listener: never loads ccxt.

interface SendOpts extends HomeOpts {
  bot: string;
  action: string;
  pair?: string;
  id?: string;
  price?: string;
  orderType?: string;
  size?: string;
  sizeType?: string;
  secretsFile?: string;
  json: boolean;
}

export function signalCommand(env: CommandEnv): Command {
  const signal = new Command('signal').description('Rehearse the signals of a webhook bot: send it a signed alert');
  signal.addCommand(
    addHomeOptions(new Command('send').description("Post a correctly signed alert to a running webhook bot, at the address its listener recorded"))
      .requiredOption('--bot <name>', 'the webhook bot (paper or live) to send to')
      .requiredOption('--action <buy|sell|exit>', 'what the alert says')
      .option('--pair <symbol>', "the pair (default: the bot's, when it trades one)")
      .option('--id <id>', 'the alert id: sending the same id again is a duplicate (default: a new one)')
      .option('--price <price>', 'a limit price (with --order-type limit), else for the record')
      .option('--order-type <market|limit>', 'market (default) or limit')
      .option('--size <n>', 'a size (only what the bot trades: its stake, or 100 percent of a position)')
      .option('--size-type <quote|base|percent>', 'what --size counts')
      .option('--secrets-file <file>', 'secrets file holding webhookSecret (default: TRADEBOT_WEBHOOK_SECRET, else the config secretsFile)')
      .option('--json', 'print the answer as a JSON document (schemaVersion 1)', false)
      .addHelpText(
        'after',
        `
The alert is {"secret", "pair", "action", "id", "time": now, ...} posted to http://<listen>/webhook,
exactly as TradingView would post it; the bot answers at once and acts at the first candle that
closes after it. Only a running bot is sent to (a stopped bot's port may now be someone else's).

Exit codes: 0 accepted (or already had: a duplicate), 2 usage error or refused by the bot (wrong
secret, stale, unknown pair, unsupported size, rate limited), 5 the bot is not running, does not
answer, or could not record the alert.`,
      )
      .action(async (opts: SendOpts) => {
        const home = await homeFrom(opts, env);
        let secretsFile: string | null = opts.secretsFile ?? null;
        if (secretsFile === null && !env.env.TRADEBOT_WEBHOOK_SECRET) {
          const { loadConfig } = await import('../src/config/load-config.js');
          secretsFile = (await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) })).config.secretsFile ?? null;
        }
        const { loadSignalSecret } = await import('../src/signals/signal-secrets.js');
        const secret = await loadSignalSecret('webhook', { env: env.env, secretsFile });
        if (secret === null) throw new UsageError("no webhook secret to sign with: set TRADEBOT_WEBHOOK_SECRET, or give --secrets-file with webhookSecret (the bot's own secret)");
        const { sendAlert } = await import('../src/signals/send-alert.js');
        const sent = await sendAlert({
          home,
          bot: opts.bot,
          action: opts.action,
          secret,
          now: Date.now(),
          ...(opts.pair !== undefined ? { pair: opts.pair } : {}),
          ...(opts.id !== undefined ? { id: opts.id } : {}),
          ...(opts.price !== undefined ? { price: opts.price } : {}),
          ...(opts.orderType !== undefined ? { orderType: opts.orderType } : {}),
          ...(opts.size !== undefined ? { size: opts.size } : {}),
          ...(opts.sizeType !== undefined ? { sizeType: opts.sizeType } : {}),
        });
        const a = sent.answer;
        const refused = sent.httpStatus >= 400 && sent.httpStatus < 500;
        const failed = sent.httpStatus >= 500;
        if (opts.json) {
          env.stdout.write(`${JSON.stringify({ schemaVersion: 1, ...sent }, null, 2)}\n`);
          if (refused) process.exitCode = ExitCode.usage;
          if (failed) process.exitCode = ExitCode.state;
          return;
        }
        if (refused) throw new UsageError(`bot ${sent.bot} refused the alert (${String(a.fate ?? sent.httpStatus)}): ${String(a.message ?? '')}`);
        if (failed) throw new StateError(`bot ${sent.bot} could not take the alert (HTTP ${sent.httpStatus}): ${String(a.message ?? '')}`);
        if (a.status === 'duplicate') env.stdout.write(`bot ${sent.bot} already had this alert (${String(a.key)}): nothing new\n`);
        else env.stdout.write(`bot ${sent.bot} accepted the ${String(a.action)} alert for ${String(a.pair)} (${String(a.key)}); it acts at the first candle that closes after ${String(a.takesEffect)}\n`);
      }),
  );
  for (const c of signal.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return signal.exitOverride();
}
