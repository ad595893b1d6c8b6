import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AssertionFailedError, InternalError, UsageError } from '../core/errors.js';
import type { BacktestResult } from './result.js';
import { checkAssertions, parseAssertions, type Assertion } from './assertions.js';
import type { compareWithBaseline } from './baseline.js';
import { parseResult } from './result-json.js';

/** CI gating of a result: --assert conditions and a --baseline comparison. */
export interface Gate {
  assertions: Assertion[];
  baseline: BacktestResult | null;
  tolerance: number;
  /** the comparison, loaded only when there is a baseline (it pulls in the text formatting) */
  compare?: typeof compareWithBaseline;
}

/** Parse everything up front so that a typo fails before the backtest runs. */
export async function prepareGate(opts: { assert: string | null; baseline: string | null; tolerance: number; cwd: string }): Promise<Gate> {
  const assertions = opts.assert ? parseAssertions(opts.assert) : [];
  let baseline: BacktestResult | null = null;
  let compare: typeof compareWithBaseline | undefined;
  if (opts.baseline) {
    compare = (await import('./baseline.js')).compareWithBaseline;
    let text: string;
    try {
      text = await readFile(resolve(opts.cwd, opts.baseline), 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read baseline ${opts.baseline}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
    }
    baseline = parseResult(text, opts.baseline);
  }
  if (!Number.isFinite(opts.tolerance) || opts.tolerance < 0) throw new UsageError(`tolerance ${opts.tolerance} must be a non-negative fraction`);
  return { assertions, baseline, tolerance: opts.tolerance, ...(compare ? { compare } : {}) };
}

export interface GateOutcome {
  /** what changed against the baseline, for information */
  changes: string[];
  /** breached conditions and regressions: any makes the run fail with exit code 1 */
  failures: string[];
}

export function applyGate(result: BacktestResult, gate: Gate): GateOutcome {
  const failures = checkAssertions(result.metrics, gate.assertions).map((l) => `assertion failed: ${l}`);
  let changes: string[] = [];
  if (gate.baseline) {
    if (!gate.compare) throw new InternalError('a gate with a baseline was not prepared by prepareGate');
    const cmp = gate.compare(result, gate.baseline, gate.tolerance);
    changes = cmp.changes;
    failures.push(...cmp.regressions.map((l) => `regression: ${l}`));
  }
  return { changes, failures };
}

export function throwIfFailed(outcome: GateOutcome): void {
  if (outcome.failures.length > 0) throw new AssertionFailedError(outcome.failures);
}
