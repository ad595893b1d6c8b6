import { rename, unlink, writeFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import { renderHtmlReport, type RenderedReport, type RenderOptions } from './render-html.js';
import type { ReportInput } from './report-input.js';

/**
 * Render and write the page: to a temp file beside the target, then renamed, so a failed run
 * never leaves half a report where the old one was.
 */
export async function writeHtmlReport(path: string, input: ReportInput, opts: RenderOptions = {}): Promise<RenderedReport> {
  const rendered = await renderHtmlReport(input, opts);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, rendered.html);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new UsageError(`--html ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return rendered;
}

/** The line a command prints after writing a report. */
export function reportWrittenLine(path: string, r: RenderedReport): string {
  const kb = (r.bytes / 1024).toFixed(0);
  const detail = r.levels.length > 0 ? `, candles ${r.levels.join(' ')}` : '';
  return `wrote ${path} (${kb} KiB${detail})`;
}
