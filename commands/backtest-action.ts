import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { terminalColumns, useColor } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { searchedStrategyFile, strategyFileNotice } from '../src/config/strategy-file.js';
import { runBacktest } from '../src/backtest.js';
import { serializeResult } from '../src/report/result-json.js';
import { applyGate, prepareGate, throwIfFailed } from '../src/report/gate.js';
import { UsageError } from '../src/core/errors.js';
import { flagsToConfig, type FlagMap } from './options.js';
import { intFlag } from './research-options.js';

export async function backtestAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const opts = cmd.opts<{ config?: string }>();
  const given = (flag: string) => cmd.getOptionValueSource(flag) === 'cli';
  if (given('data') && (given('exchange') || given('exchangeUrl'))) {
    throw new UsageError(`--data and --${given('exchange') ? 'exchange' : 'exchange-url'} both say where the candles come from: pass --data FILE, or --exchange ID --pair P --timeframe TF`);
  }
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const merged = mergeConfig(file.config, flagsToConfig(cmd, flags));
  const cfg = resolveConfig(merged);
  // --exchange on the command line wins over a config's backtest.data, as every flag wins over the file
  if (given('exchange')) cfg.backtest.data = null;
  const strategyFile = searchedStrategyFile(file, { explicitConfig: Boolean(opts.config), strategyFlag: cmd.getOptionValueSource('strategy') === 'cli' });
  if (strategyFile) env.stderr.write(strategyFileNotice(strategyFile));
  const gate = await prepareGate({ assert: cfg.backtest.assert, baseline: cfg.backtest.baseline, tolerance: cfg.backtest.tolerance, cwd: env.cwd });
  const mc = monteCarloOptions(cmd);

  // A spinner only on a terminal with a width: piped output and CI logs stay clean. Its colour
  // follows NO_COLOR like everything else (ora alone would colour it). ora, the text report and
  // the CSV writer load only when they are used (--json needs none).
  const spinner =
    env.stderr.isTTY && terminalColumns(env.stderr) !== undefined && !cfg.backtest.json
      ? (await import('ora')).default({ stream: env.stderr as NodeJS.WriteStream, color: useColor(env, 'stderr') ? 'cyan' : false })
      : null;
  let run;
  try {
    run = await runBacktest(cfg, {
      cwd: env.cwd,
      processEnv: env.env,
      cacheParsedFiles: true,
      given: merged,
      ...(spinner
        ? { onPhase: (phase: string, detail?: string) => (spinner.isSpinning ? (spinner.text = detail ? `${phase}: ${detail}` : phase) : spinner.start(phase)) }
        : {}),
    });
  } finally {
    spinner?.stop();
  }
  const { result } = run;
  if (mc) {
    const { monteCarloOf } = await import('../src/research/backtest-monte-carlo.js');
    result.monteCarlo = monteCarloOf(run, mc);
  }
  for (const w of result.warnings) env.stderr.write(`tradebot: warning: ${w}\n`);
  const json = serializeResult(result);
  if (cfg.backtest.out) await writeOutput(resolve(env.cwd, cfg.backtest.out), json, '--out');
  if (cfg.backtest.tradesCsv) {
    const { renderTradesCsv } = await import('../src/report/trades-csv.js');
    await writeOutput(resolve(env.cwd, cfg.backtest.tradesCsv), renderTradesCsv(result.trades), '--trades-csv');
  }
  let htmlLine: string | null = null;
  if (cfg.backtest.html) {
    const [{ reportFromBacktest }, { writeHtmlReport, reportWrittenLine }] = await Promise.all([import('../src/report/html/from-backtest.js'), import('../src/report/html/write-html-report.js')]);
    const written = await writeHtmlReport(resolve(env.cwd, cfg.backtest.html), await reportFromBacktest(result, run.series, run.equity, run.dataFile));
    htmlLine = reportWrittenLine(cfg.backtest.html, written);
  }

  if (cfg.backtest.json) env.stdout.write(json);
  else {
    const [{ renderTextReport }, { buyAndHoldCurve }] = await Promise.all([import('../src/report/text-report.js'), import('../src/report/buy-and-hold-curve.js')]);
    const width = Math.min(terminalColumns(env.stdout) ?? 100, 120);
    const buyAndHold = buyAndHoldCurve(run.series, run.equity.time, Number(result.settings.cash));
    env.stdout.write(renderTextReport(result, { color: useColor(env), width, buyAndHold }));
    if (result.monteCarlo) {
      const { monteCarloLines } = await import('../src/report/monte-carlo-report.js');
      env.stdout.write(`\n${monteCarloLines(result.monteCarlo, { color: useColor(env), width: Math.max(1, width) }).join('\n')}\n`);
    }
  }

  const outcome = applyGate(result, gate);
  const info = cfg.backtest.json ? env.stderr : env.stdout;
  for (const line of run.signals) info.write(`${line}\n`);
  if (htmlLine) info.write(`${htmlLine}\n`);
  for (const line of outcome.changes) info.write(`changed: ${line}\n`);
  throwIfFailed(outcome);
}

function monteCarloOptions(cmd: Command): { simulations: number; seed: number } | null {
  const o = cmd.opts<{ monteCarlo?: string; seed: string }>();
  if (o.monteCarlo === undefined) {
    if (cmd.getOptionValueSource('seed') === 'cli') throw new UsageError('--seed seeds the --monte-carlo simulations: give --monte-carlo N too');
    return null;
  }
  return { simulations: intFlag(o.monteCarlo, '--monte-carlo', 1, 1_000_000), seed: intFlag(o.seed, '--seed', 0) };
}

async function writeOutput(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
