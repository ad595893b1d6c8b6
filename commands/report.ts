import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { addHomeOptions, type HomeOpts } from './home-options.js';

// Read-only: never loads ccxt nor touches the network (test/unit/bot/no-ccxt.test.ts).

export interface ReportOpts extends HomeOpts {
  html?: string;
  bot?: string;
  run?: string;
  x?: string;
  y?: string;
}

export function reportCommand(env: CommandEnv): Command {
  return addHomeOptions(
    new Command('report')
      .description('Write the HTML report of a backtest result, an optimize or walk-forward document, an optimize run or a paper/live bot. Reads files only')
      .argument('[file]', 'a result document: backtest --out/--json, optimize --json, walk-forward --json'),
  )
    .option('--html <file>', 'write the report as one self-contained HTML file (opens offline)')
    .option('--bot <name>', 'report on a paper or live bot, from its state files')
    .option('--run <name>', "report on an optimize run, from its trial log <home>/research/<name>/trials.jsonl")
    .option('--x <param>', 'optimize heatmap: parameter across (default: the one with the most values)')
    .option('--y <param>', 'optimize heatmap: parameter down (default: the one with the next most values)')
    .addHelpText(
      'after',
      `
A backtest result keeps ~400 equity points and no candles: the report reads the candles again from
the data file the result names (as given, from the current directory, then from the result file's
directory; or the candle cache), rebuilds the equity from them and the trades, and checks it against
the result's points. When the file is gone or its candles differ, the report has no price chart and
says so. A bot report uses the candle cache of \`tradebot data\` for its pair and timeframe, if any.

The page is under 1 MB for ~130,000 candles: the price chart holds the candles at several bar sizes
and shows finer ones as you zoom; lines are downsampled with LTTB.

Exit codes: 0 written, 2 usage or input error (no such file or bot, not a tradebot document),
5 state file error.`,
    )
    .action(async (file: string | undefined, opts: ReportOpts) => {
      const { reportAction } = await import('./report-action.js');
      await reportAction(file, opts, env);
    });
}
