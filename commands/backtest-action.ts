import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import ora from 'ora';
import type { CommandEnv } from '../src/io.js';
import { terminalColumns, useColor } from '../src/io.js';
import { loadConfig, mergeConfig, resolveConfig } from '../src/config/load-config.js';
import { searchedStrategyFile, strategyFileNotice } from '../src/config/strategy-file.js';
import { runBacktest } from '../src/backtest.js';
import { serializeResult } from '../src/report/result-json.js';
import { renderTextReport } from '../src/report/text-report.js';
import { renderTradesCsv } from '../src/report/trades-csv.js';
import { applyGate, prepareGate, throwIfFailed } from '../src/report/gate.js';
import { UsageError } from '../src/core/errors.js';
import { flagsToConfig, type FlagMap } from './options.js';

export async function backtestAction(cmd: Command, flags: FlagMap, env: CommandEnv): Promise<void> {
  const opts = cmd.opts<{ config?: string }>();
  const given = (flag: string) => cmd.getOptionValueSource(flag) === 'cli';
  if (given('data') && (given('exchange') || given('exchangeUrl'))) {
    throw new UsageError(`--data and --${given('exchange') ? 'exchange' : 'exchange-url'} both say where the candles come from: pass --data FILE, or --exchange ID --pair P --timeframe TF`);
  }
  const file = await loadConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) });
  const cfg = resolveConfig(mergeConfig(file.config, flagsToConfig(cmd, flags)));
  // --exchange on the command line wins over a config's backtest.data, as every flag wins over the file
  if (given('exchange')) cfg.backtest.data = null;
  const strategyFile = searchedStrategyFile(file, { explicitConfig: Boolean(opts.config), strategyFlag: cmd.getOptionValueSource('strategy') === 'cli' });
  if (strategyFile) env.stderr.write(strategyFileNotice(strategyFile));
  const gate = await prepareGate({ assert: cfg.backtest.assert, baseline: cfg.backtest.baseline, tolerance: cfg.backtest.tolerance, cwd: env.cwd });

  // A spinner only on a terminal with a width: piped output and CI logs stay clean. Its colour
  // follows NO_COLOR like everything else (ora alone would colour it).
  const spinner =
    env.stderr.isTTY && terminalColumns(env.stderr) !== undefined && !cfg.backtest.json
      ? ora({ stream: env.stderr as NodeJS.WriteStream, color: useColor(env, 'stderr') ? 'cyan' : false })
      : null;
  let run;
  try {
    run = await runBacktest(cfg, {
      cwd: env.cwd,
      processEnv: env.env,
      ...(spinner
        ? { onPhase: (phase: string, detail?: string) => (spinner.isSpinning ? (spinner.text = detail ? `${phase}: ${detail}` : phase) : spinner.start(phase)) }
        : {}),
    });
  } finally {
    spinner?.stop();
  }
  const { result } = run;
  for (const w of result.warnings) env.stderr.write(`tradebot: warning: ${w}\n`);
  const json = serializeResult(result);
  if (cfg.backtest.out) await writeOutput(resolve(env.cwd, cfg.backtest.out), json, '--out');
  if (cfg.backtest.tradesCsv) await writeOutput(resolve(env.cwd, cfg.backtest.tradesCsv), renderTradesCsv(result.trades), '--trades-csv');

  if (cfg.backtest.json) env.stdout.write(json);
  else env.stdout.write(renderTextReport(result, { color: useColor(env), width: Math.min(terminalColumns(env.stdout) ?? 100, 120) }));

  const outcome = applyGate(result, gate);
  const info = cfg.backtest.json ? env.stderr : env.stdout;
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
