import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import type { CommandEnv } from '../src/io.js';
import { useColor } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { UsageError } from '../src/core/errors.js';
import { checkAssertions } from '../src/report/assertions.js';
import { throwIfFailed } from '../src/report/gate.js';
import { ProgressBar } from '../src/report/progress-bar.js';
import { renderWalkForwardReport } from '../src/report/walk-forward-report.js';
import { parseObjective } from '../src/research/objective.js';
import { runWalkForward, type WalkForwardRequest } from '../src/research/walk-forward.js';
import { walkForwardDocument } from '../src/research/walk-forward-document.js';
import { serializeDocument } from '../src/research/optimize-document.js';
import { parseSpan } from '../src/research/windows.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { intFlag, SEARCH_DEFAULTS } from './research-options.js';
import { interruptOnSigint, parseBlocks, parseMethod, prepareAssertions, reportWidth, writeOutput } from './research-action.js';

interface WalkForwardOpts {
  config?: string;
  space: string[];
  search: string;
  trials?: string;
  seed: string;
  objective: string;
  minTrades: string;
  jobs?: string;
  pboBlocks: string;
  train: string;
  test: string;
  step?: string;
  anchored: boolean;
  json: boolean;
  out?: string;
  assert?: string;
}

export async function walkForwardAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const o = cmd.opts<WalkForwardOpts>();
  const cli = flagsToConfig(cmd, flags);
  const file = await loadConfig({ cwd: env.cwd, ...(o.config ? { configFile: o.config } : {}) });
  const config = resolveConfig(mergeConfig(file.config, cli));
  const method = parseMethod(o.search);
  if (method === 'grid' && o.trials !== undefined) throw new UsageError('--trials applies to --search random and tpe: a grid runs every combination');
  const testMs = parseSpan(o.test, '--test');
  const req: WalkForwardRequest = {
    config,
    spaceFlags: o.space,
    fixedParams: Object.keys(cli.strategy?.params ?? {}),
    search: { method, trials: method === 'grid' ? null : o.trials === undefined ? SEARCH_DEFAULTS.trials : intFlag(o.trials, '--trials', 1), seed: intFlag(o.seed, '--seed', 0) },
    objective: parseObjective(o.objective),
    minTrades: intFlag(o.minTrades, '--min-trades', 0),
    blocks: parseBlocks(o.pboBlocks),
    jobs: o.jobs !== undefined ? intFlag(o.jobs, '--jobs', 1, 256) : availableParallelism(),
    trainMs: parseSpan(o.train, '--train'),
    testMs,
    stepMs: o.step !== undefined ? parseSpan(o.step, '--step') : testMs,
    anchored: o.anchored,
  };
  const assertions = prepareAssertions(o.assert, ['efficiency']);

  const bar = env.stderr.isTTY ? new ProgressBar(env.stderr, 'walk-forward') : null;
  const interrupt = interruptOnSigint();
  let lastWindow = -1;
  let outcome;
  try {
    outcome = await runWalkForward(req, {
      cwd: env.cwd,
      processEnv: env.env,
      signal: interrupt.signal,
      ...(bar
        ? {
            onProgress: (k: number, n: number, p: { done: number; total: number; best: number | null }) => {
              if (k !== lastWindow) {
                lastWindow = k;
                bar.restartClock();
              }
              bar.update(p, `window ${k + 1}/${n} `);
            },
          }
        : {}),
    });
  } finally {
    bar?.clear();
    interrupt.dispose();
  }
  const doc = walkForwardDocument(outcome, req);
  const json = serializeDocument(doc);
  if (o.out) await writeOutput(env.cwd, o.out, json, '--out');
  if (o.json) env.stdout.write(json);
  else env.stdout.write(renderWalkForwardReport(outcome, { config: req.config, objective: req.objective, search: req.search }, { color: useColor(env), width: reportWidth(env) }));
  if (assertions.length > 0) {
    const r = outcome.robustness;
    const values = { ...outcome.outOfSample.metrics, dsr: r.dsr, psr: r.psr, pbo: r.pbo, minBacktestLength: r.minBacktestLength, efficiency: outcome.efficiency };
    throwIfFailed({ changes: [], failures: checkAssertions(values as Record<string, number | null>, assertions).map((l) => `assertion failed: ${l}`) });
  }
}
