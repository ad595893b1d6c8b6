import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError, ExitCode } from '../src/core/errors.js';
import { METRIC_NAMES } from '../src/core/metrics.js';
import type { CommandEnv } from '../src/io.js';
import { parseAssertions, type Assertion } from '../src/report/assertions.js';
import { intFlag, ROBUSTNESS_ASSERT_NAMES } from './research-options.js';

/** What the search flags ask, parsed and checked (used by optimize and walk-forward). */
export function parseMethod(s: string): 'grid' | 'random' | 'tpe' {
  if (s === 'grid' || s === 'random' || s === 'tpe') return s;
  throw new UsageError(`--search ${JSON.stringify(s)} is not one of grid, random, tpe`);
}

export function parseBlocks(v: unknown): number {
  const s = intFlag(v, '--pbo-blocks', 2, 20);
  if (s % 2 !== 0) throw new UsageError(`--pbo-blocks must be even (CSCV splits the blocks in halves), got ${s}`);
  return s;
}

export function prepareAssertions(expr: string | undefined, extra: readonly string[] = []): Assertion[] {
  return expr ? parseAssertions(expr, [...METRIC_NAMES, ...ROBUSTNESS_ASSERT_NAMES, ...extra]) : [];
}

/** Ctrl+C: the first asks the search to stop (trials in flight are lost), a second exits at once. */
export function interruptOnSigint(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(ExitCode.interrupted);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, dispose: () => void process.off('SIGINT', onSigint) };
}

export async function writeOutput(cwd: string, file: string, text: string, flag: string): Promise<void> {
  const path = resolve(cwd, file);
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** The terminal width for a report: 0 (unknown) and no terminal read as 100, at most 120. */
export function reportWidth(env: CommandEnv): number {
  return Math.min(env.stdout.columns || 100, 120);
}

export function optionGiven(cmd: Command, name: string): boolean {
  return cmd.getOptionValueSource(name) === 'cli';
}
