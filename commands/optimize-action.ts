import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import type { CommandEnv } from '../src/io.js';
import { useColor } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import type { ConfigInput } from '../src/config/schema.js';
import { resolveHome } from '../src/config/home.js';
import { UsageError } from '../src/core/errors.js';
import { checkAssertions } from '../src/report/assertions.js';
import { throwIfFailed } from '../src/report/gate.js';
import { ProgressBar } from '../src/report/progress-bar.js';
import { renderOptimizeReport } from '../src/report/optimize-report.js';
import { parseObjective } from '../src/research/objective.js';
import { runOptimize, type OptimizeRequest } from '../src/research/optimize.js';
import { mergeLogs } from '../src/research/merge.js';
import { optimizeDocument, serializeDocument } from '../src/research/optimize-document.js';
import { exportConfig } from '../src/research/export-config.js';
import { checkRunName, runLogPath } from '../src/research/run-dir.js';
import { parseShard } from '../src/research/search.js';
import { spacesFromDescribed } from '../src/research/space.js';
import { readTrialLog, type RunRequest } from '../src/research/trial-log.js';
import type { SearchSummary } from '../src/research/summarize.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { intFlag, SEARCH_DEFAULTS } from './research-options.js';
import { interruptOnSigint, optionGiven, parseBlocks, parseMethod, prepareAssertions, reportWidth, writeOutput } from './research-action.js';

interface OptimizeOpts {
  config?: string;
  space: string[];
  param: string[];
  search: string;
  trials?: string;
  seed: string;
  objective: string;
  minTrades: string;
  jobs?: string;
  pboBlocks: string;
  shard?: string;
  run?: string;
  resume: boolean;
  top: string;
  exportConfig?: string;
  json: boolean;
  out?: string;
  assert?: string;
  monteCarlo?: string;
}

export async function optimizeAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const o = cmd.opts<OptimizeOpts>();
  const given = (k: string) => optionGiven(cmd, k);
  const cli = flagsToConfig(cmd, flags);
  const file = await loadConfig({ cwd: env.cwd, ...(o.config ? { configFile: o.config } : {}) });

  // --resume: the run's own inputs, with whatever the command line says on top
  let stored: RunRequest | null = null;
  let base: ConfigInput = mergeConfig(file.config, cli);
  if (o.resume) {
    if (!o.run) throw new UsageError('--resume needs --run NAME: the run to continue');
    const home = resolveHome({ configHome: resolveConfig(base).home, env: env.env, cwd: env.cwd });
    const log = await readTrialLog(runLogPath(home, checkRunName(o.run)));
    if (!log) throw new UsageError(`--resume: there is no run named ${o.run} under ${home}`);
    stored = log.header.request;
    base = mergeConfig(stored.config as unknown as ConfigInput, cli);
  }
  const config = resolveConfig(base);
  const pick = <T>(flag: string, fromCli: () => T, fromRun: (r: RunRequest) => T): T => (stored && !given(flag) ? fromRun(stored) : fromCli());

  const method = pick('search', () => parseMethod(o.search), (r) => r.search.method);
  const trials = pick(
    'trials',
    () => {
      if (method === 'grid') {
        if (o.trials !== undefined) throw new UsageError('--trials applies to --search random and tpe: a grid runs every combination');
        return null;
      }
      return o.trials === undefined ? SEARCH_DEFAULTS.trials : intFlag(o.trials, '--trials', 1);
    },
    (r) => r.search.trials,
  );
  const seed = pick('seed', () => intFlag(o.seed, '--seed', 0), (r) => r.search.seed);
  const req: OptimizeRequest = {
    config,
    spaceFlags: pick('space', () => o.space, (r) => r.spaceFlags),
    fixedParams: pick('param', () => Object.keys(cli.strategy?.params ?? {}), (r) => r.fixedParams),
    search: { method, trials, seed },
    objective: pick('objective', () => parseObjective(o.objective), (r) => r.objective),
    minTrades: pick('minTrades', () => intFlag(o.minTrades, '--min-trades', 0), (r) => r.minTrades),
    shard: pick('shard', () => (o.shard !== undefined ? parseShard(o.shard) : null), (r) => r.shard),
    blocks: pick('pboBlocks', () => parseBlocks(o.pboBlocks), (r) => r.blocks),
    run: o.run ?? null,
    resume: o.resume,
    jobs: o.jobs !== undefined ? intFlag(o.jobs, '--jobs', 1, 256) : availableParallelism(),
    monteCarlo: o.monteCarlo !== undefined ? { simulations: intFlag(o.monteCarlo, '--monte-carlo', 1, 1_000_000), seed } : null,
  };
  const top = intFlag(o.top, '--top', 1);
  const assertions = prepareAssertions(o.assert);

  const bar = env.stderr.isTTY ? new ProgressBar(env.stderr, 'optimize') : null;
  const interrupt = interruptOnSigint();
  let outcome;
  try {
    outcome = await runOptimize(req, {
      cwd: env.cwd,
      processEnv: env.env,
      signal: interrupt.signal,
      ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
    });
  } finally {
    bar?.clear();
    interrupt.dispose();
  }

  const doc = optimizeDocument({ run: { name: outcome.run.name, log: outcome.run.log }, request: outcome.request, hashes: outcome.hashes, data: outcome.data, summary: outcome.summary, monteCarlo: outcome.monteCarlo });
  const json = serializeDocument(doc);
  if (o.out) await writeOutput(env.cwd, o.out, json, '--out');
  if (o.exportConfig) await exportBest(env, o.exportConfig, outcome.request, outcome.summary, `best of run ${outcome.run.name}`);
  const footer = [
    `run ${outcome.run.name}${outcome.run.resumedTrials > 0 ? ` (resumed: ${outcome.run.resumedTrials} points were already in the log)` : ''}`,
    `log ${outcome.run.log}`,
    ...(o.exportConfig ? [`best parameters written to ${o.exportConfig}`] : []),
  ];
  if (o.json) env.stdout.write(json);
  else env.stdout.write(renderOptimizeReport({ title: 'optimize', request: outcome.request, data: outcome.data, summary: outcome.summary, monteCarlo: outcome.monteCarlo, footer }, { color: useColor(env), width: reportWidth(env), top }));
  gate(outcome.summary, assertions);
}

interface MergeOpts {
  expect?: string;
  json: boolean;
  out?: string;
  top: string;
  assert?: string;
  objective: string;
  minTrades: string;
  exportConfig?: string;
}

export async function mergeAction(logs: string[], cmd: Command, env: CommandEnv): Promise<void> {
  const o = cmd.optsWithGlobals<MergeOpts>();
  const parent = cmd.parent!;
  const top = intFlag(o.top, '--top', 1);
  const assertions = prepareAssertions(o.assert);
  const outcome = await mergeLogs(logs, {
    cwd: env.cwd,
    expect: o.expect !== undefined ? intFlag(o.expect, '--expect', 1) : null,
    ...(optionGiven(parent, 'objective') ? { objective: parseObjective(o.objective) } : {}),
    ...(optionGiven(parent, 'minTrades') ? { minTrades: intFlag(o.minTrades, '--min-trades', 0) } : {}),
  });
  const doc = optimizeDocument({ run: { merged: outcome.logs }, request: outcome.request, hashes: outcome.hashes, data: outcome.data, summary: outcome.summary, monteCarlo: null });
  const json = serializeDocument(doc);
  if (o.out) await writeOutput(env.cwd, o.out, json, '--out');
  if (o.exportConfig) await exportBest(env, o.exportConfig, outcome.request, outcome.summary, `best of ${outcome.logs.length} merged logs`);
  const footer = [`merged ${outcome.logs.length} log${outcome.logs.length === 1 ? '' : 's'}: ${outcome.logs.join(', ')}`, ...(o.exportConfig ? [`best parameters written to ${o.exportConfig}`] : [])];
  if (o.json) env.stdout.write(json);
  else env.stdout.write(renderOptimizeReport({ title: 'optimize merge', request: outcome.request, data: outcome.data, summary: outcome.summary, monteCarlo: null, footer }, { color: useColor(env), width: reportWidth(env), top }));
  gate(outcome.summary, assertions);
}

async function exportBest(env: CommandEnv, file: string, request: RunRequest, summary: SearchSummary, what: string): Promise<void> {
  if (!summary.best) {
    env.stderr.write(`tradebot: no trial qualifies as best: --export-config ${file} not written\n`);
    return;
  }
  const text = exportConfig(request.config, spacesFromDescribed(request.spaces), summary.best.params, `tradebot ${what}: trial ${summary.best.index}, ${request.objective} ${summary.best.objective}`);
  await writeOutput(env.cwd, file, text, '--export-config');
}

function gate(summary: SearchSummary, assertions: ReturnType<typeof prepareAssertions>): void {
  if (assertions.length === 0) return;
  const r = summary.robustness;
  const values = { ...(summary.best?.metrics ?? {}), dsr: r.dsr, psr: r.psr, pbo: r.pbo, minBacktestLength: r.minBacktestLength };
  throwIfFailed({ changes: [], failures: checkAssertions(values as Record<string, number | null>, assertions).map((l) => `assertion failed: ${l}`) });
}
