import { resolve } from 'node:path';
import { UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { homeFrom } from './home-options.js';
import type { ReportOpts } from './report.js';

export async function reportAction(file: string | undefined, opts: ReportOpts, env: CommandEnv): Promise<void> {
  const inputs = [file !== undefined ? 'FILE' : null, opts.bot !== undefined ? '--bot' : null, opts.run !== undefined ? '--run' : null].filter((x) => x !== null);
  if (inputs.length !== 1) throw new UsageError(inputs.length === 0 ? 'report needs a result FILE, --bot NAME or --run NAME' : `report takes one input, got ${inputs.join(' and ')}`);
  if (opts.html === undefined) throw new UsageError('report writes HTML: give --html FILE');
  if (opts.bot !== undefined && (opts.x !== undefined || opts.y !== undefined)) throw new UsageError('--x and --y choose the axes of an optimize heatmap; they do not go with --bot');
  const axes = { ...(opts.x !== undefined ? { x: opts.x } : {}), ...(opts.y !== undefined ? { y: opts.y } : {}) };
  const [{ writeHtmlReport, reportWrittenLine }, load, { reportFromBot }] = await Promise.all([
    import('../src/report/html/write-html-report.js'),
    import('../src/report/html/load-report-input.js'),
    import('../src/report/html/from-bot.js'),
  ]);
  const home = await homeFrom(opts, env);
  const input =
    opts.bot !== undefined
      ? await reportFromBot(home, opts.bot, Date.now())
      : opts.run !== undefined
        ? await load.reportFromRun(home, opts.run, axes)
        : await load.reportFromFile(resolve(env.cwd, file!), { cwd: env.cwd, home }, axes);
  const written = await writeHtmlReport(resolve(env.cwd, opts.html), input);
  for (const note of input.notes) env.stderr.write(`note: ${note}\n`);
  env.stdout.write(`${reportWrittenLine(opts.html, written)}\n`);
}
