import { resolve } from 'node:path';
import { AssertionFailedError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import { homeFrom } from './home-options.js';
import type { ParityOpts } from './parity.js';

export async function parityAction(name: string, opts: ParityOpts, env: CommandEnv): Promise<void> {
  const [{ parseDate }, { parseAssertions, checkAssertions }, { runParity }, { PARITY_METRICS, parityFigures }] = await Promise.all([
    import('../src/data/parse-date.js'),
    import('../src/report/assertions.js'),
    import('../src/parity/run-parity.js'),
    import('../src/parity/parity-report.js'),
  ]);
  // everything the command line says is checked before any file is read
  const assertions = opts.assert !== undefined ? parseAssertions(opts.assert, PARITY_METRICS) : [];
  const from = opts.from !== undefined ? parseDate(opts.from, '--from') : undefined;
  const to = opts.to !== undefined ? parseDate(opts.to, '--to') : undefined;
  const home = await homeFrom(opts, env);
  const doc = await runParity({ home, bot: name, cwd: env.cwd, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  if (opts.html !== undefined) {
    const { parityHtmlInput } = await import('../src/parity/parity-html.js');
    const { writeHtmlReport, reportWrittenLine } = await import('../src/report/html/write-html-report.js');
    const written = await writeHtmlReport(resolve(env.cwd, opts.html), await parityHtmlInput(home, name, doc));
    env.stderr.write(`${reportWrittenLine(opts.html, written)}\n`);
  }
  if (opts.json) env.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else env.stdout.write((await import('../src/report/parity-text.js')).renderParity(doc));
  const failures = checkAssertions(parityFigures(doc), assertions);
  if (failures.length > 0) throw new AssertionFailedError(failures.map((l) => `assertion failed: ${l}`));
}
