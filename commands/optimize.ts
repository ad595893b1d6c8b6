import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { addReportOptions, addSearchOptions, RESEARCH_FLAGS } from './research-options.js';

export function optimizeCommand(env: CommandEnv): Command {
  const cmd = addReportOptions(
    addSearchOptions(new Command('optimize').description('Search strategy parameters: every trial a backtest, logged, resumable, shardable, with overfitting statistics'))
      .option('--shard <K/N>', 'run only the K-th of N deterministic slices of the search (join them with `optimize merge`)')
      .option('--run <name>', 'the run (its log: <home>/research/<name>/trials.jsonl); default: named from the inputs, so the same command resumes')
      .option('--resume', 'continue the run named by --run with its own inputs', false)
      .option('--top <k>', 'rows of the top-trials table', '10')
      .option('--export-config <file>', 'write the best parameters as a config file (--config reads it)')
      .option('--monte-carlo <n>', 'Monte Carlo bands of the best trial: N block-bootstrap and trade-shuffle simulations (seeded by --seed)'),
  )
    .addHelpText(
      'after',
      `
Spaces: --space fast=2:50 (integers step 1), --space slow=10:200:5, --space k=1.5:3 (continuous:
random and tpe only), --space mode=a,b,c (choices), --space stop-loss=0.005:0.05:0.005 (also
take-profit, trailing-stop; "none" switches one off in a list). A point the strategy's own rules
refuse (fast >= slow) is skipped and counted, never run.

Every trial is a backtest run by the same code as \`tradebot backtest\`. Each finished trial is
appended to the run's log; Ctrl+C or a kill loses only the trials in flight, and the same command
(or --run NAME --resume) continues. A run whose data, strategy code or settings changed refuses to
mix trials. --assert also accepts dsr, psr, pbo, minBacktestLength and sharpePerPeriod.

Exit codes: 0 ok, 1 an --assert condition failed, 2 usage or input error, 3 internal error,
5 the run's log cannot be written or is locked by another process, 130 interrupted.`,
    )
    .action(async (_opts, c: Command) => {
      const { optimizeAction } = await import('./optimize-action.js');
      await optimizeAction(c, RESEARCH_FLAGS, env);
    });
  cmd.addCommand(
    new Command('merge')
      .description('Join the shard logs of one search and report it as the whole run')
      .argument('<logs...>', 'trials.jsonl files, or directories holding them (searched 3 levels deep)')
      .option('--expect <n>', 'fail unless the logs are exactly N shards')
      .addHelpText(
        'after',
        `
Also takes --json, --out, --top, --assert, --objective, --min-trades and --export-config.
Fails (exit 2) when a shard is missing, given twice or unfinished, or when the logs were made on
other data, strategy code, settings or tradebot version.`,
      )
      .action(async (logs: string[], _opts, c: Command) => {
        const { mergeAction } = await import('./optimize-action.js');
        await mergeAction(logs, c, env);
      })
      .exitOverride()
      .configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) }),
  );
  return cmd;
}
