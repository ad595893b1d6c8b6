import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';
import { useColor } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { runBacktest } from '../src/backtest.js';
import { serializeResult } from '../src/report/result-json.js';
import { applyGate, prepareGate, throwIfFailed } from '../src/report/gate.js';
import { UsageError } from '../src/core/errors.js';
import { flagsToConfig, type FlagMap } from './options.js';

export async function backtestAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const opts = cmd.opts<{ config?: string }>();
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const given = mergeConfig(file.config, flagsToConfig(cmd, flags));
  const cfg = resolveConfig(given);
  const gate = await prepareGate({ assert: cfg.backtest.assert, baseline: cfg.backtest.baseline, tolerance: cfg.backtest.tolerance, cwd: env.cwd });

  // A spinner only on a terminal: piped output and CI logs stay clean.
  // ora, the text report and the CSV writer load only when they are used (--json needs none).
  const spinner = env.stderr.isTTY && !cfg.backtest.json ? (await import('ora')).default({ stream: env.stderr as NodeJS.WriteStream }) : null;
  let run;
  try {
    run = await runBacktest(cfg, {
      cwd: env.cwd,
      processEnv: env.env,
      cacheParsedFiles: true,
      given,
      ...(spinner
        ? { onPhase: (phase: string, detail?: string) => (spinner.isSpinning ? (spinner.text = detail ? `${phase}: ${detail}` : phase) : spinner.start(phase)) }
        : {}),
    });
  } finally {
    spinner?.stop();
  }
  const { result } = run;
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
    const { renderTextReport } = await import('../src/report/text-report.js');
    env.stdout.write(renderTextReport(result, { color: useColor(env), width: Math.min(env.stdout.columns ?? 100, 120) }));
  }

  const outcome = applyGate(result, gate);
  const info = cfg.backtest.json ? env.stderr : env.stdout;
  for (const line of run.signals) info.write(`${line}\n`);
  if (htmlLine) info.write(`${htmlLine}\n`);
  for (const line of outcome.changes) info.write(`changed: ${line}\n`);
  throwIfFailed(outcome);
}

async function writeOutput(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
