import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { addReportOptions, addSearchOptions, RESEARCH_FLAGS } from './research-options.js';

export function walkForwardCommand(env: CommandEnv): Command {
  return addReportOptions(
    addSearchOptions(new Command('walk-forward').description('Optimise on each train span, test the winner on the span that follows, and report the out-of-sample result'))
      .requiredOption('--train <span>', 'train span, e.g. 90d')
      .requiredOption('--test <span>', 'test span that follows each train span, e.g. 30d')
      .option('--step <span>', 'how far each window moves (default: --test)')
      .option('--anchored', 'every train span starts at the first candle (it grows) instead of sliding', false),
  )
    .addHelpText(
      'after',
      `
Each test span runs the best point of its train span, its indicators warmed on the train span's
candles with no trade decided on them. The test spans' equity is chained into one out-of-sample
curve; --assert checks its metrics (and dsr, psr, pbo, efficiency), so CI can fail a strategy that
only shines in-sample. Only windows whose test span the data covers in full are run.

Exit codes: 0 ok, 1 an --assert condition failed, 2 usage or input error, 3 internal error, 130 interrupted.`,
    )
    .action(async (_opts, c: Command) => {
      const { walkForwardAction } = await import('./walk-forward-action.js');
      await walkForwardAction(c, RESEARCH_FLAGS, env);
    });
}
