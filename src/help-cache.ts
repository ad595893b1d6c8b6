import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `tradebot --help` is the one output that needs every command module (and commander) loaded. The
 * build renders it once, from the same commander program, into dist/ (render-help.js), with a
 * stamp of the files it came from; the launcher prints it when the stamp still matches and the
 * output is a pipe or an 80-column terminal (the width it was rendered at). Anything else (another
 * width, a rebuilt command without a re-render) goes through commander as before.
 */
const DIST = fileURLToPath(new URL('..', import.meta.url));
const TEXT = join(DIST, 'help.txt');
const STAMP = join(DIST, 'help.stamp.json');
const WIDTH = 80;

/** The built files the top-level help is made of, with their sizes and times. */
function stamp(): string {
  const files = [join(DIST, 'src', 'cli.js'), ...readdirSync(join(DIST, 'commands')).filter((f) => f.endsWith('.js')).sort().map((f) => join(DIST, 'commands', f))];
  return JSON.stringify(files.map((f) => {
    const st = statSync(f);
    return [f.slice(DIST.length), st.size, st.mtimeMs];
  }));
}

/** The pre-rendered help, when it is still the help commander would print on `out`; else null. */
export function cachedHelp(out: { isTTY?: boolean; columns?: number }): string | null {
  if (out.isTTY && out.columns !== WIDTH) return null;
  try {
    if (readFileSync(STAMP, 'utf8') !== stamp()) return null;
    return readFileSync(TEXT, 'utf8');
  } catch {
    return null;
  }
}

/** Render the top-level help at 80 columns into dist/ (run by `npm run build`). */
export async function writeHelpCache(): Promise<void> {
  const { buildProgram } = await import('./cli.js');
  const sink = { write: () => true } as unknown as NodeJS.WriteStream;
  const program = await buildProgram({ cwd: process.cwd(), env: {}, stdout: sink, stderr: sink });
  let text = '';
  program.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => WIDTH, getOutHasColors: () => false });
  program.outputHelp(); // with the texts added after it (exit codes), as --help prints it
  writeFileSync(TEXT, text);
  writeFileSync(STAMP, stamp());
}
