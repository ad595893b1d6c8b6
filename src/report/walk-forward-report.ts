import { Chalk } from 'chalk';
import type { WalkForwardOutcome } from '../research/walk-forward.js';
import type { RunRequest } from '../research/trial-log.js';
import { renderEquityChart } from './equity-chart.js';
import { robustnessLines } from './optimize-report.js';
import { formatPoint } from '../research/space.js';
import { fitLine, formatMetricValue, formatPct, formatUtc } from './text-report.js';
import type { Metrics } from '../core/metrics.js';

/**
 * The terminal report of a walk-forward: one row per window (train and test dates, the chosen
 * parameters, in-sample and out-of-sample objective, efficiency), then the stitched out-of-sample
 * metrics and equity.
 */
export function renderWalkForwardReport(w: WalkForwardOutcome, request: Pick<RunRequest, 'config' | 'objective' | 'search'>, opts: { color: boolean; width: number }): string {
  const width = Math.max(1, Math.floor(opts.width));
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  out.push(`${c.bold('walk-forward')} · ${request.config.strategy.name} · ${w.data.symbol} ${w.data.timeframe} · ${w.windows.length} windows · objective ${request.objective} · ${request.search.method}`);
  out.push('');
  const head = ['#', 'train (UTC)', 'test (UTC)', 'parameters', 'IS', 'OOS', 'WFE'];
  const day = (ms: number) => formatUtc(ms).slice(0, 10);
  const num = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  const rows = w.windows.map((x) => [
    String(x.index + 1),
    `${day(x.train.from)} → ${day(x.train.to)}`,
    `${day(x.test.from)} → ${day(x.test.to)}`,
    x.params ? formatPoint(x.params) : 'none qualified',
    num(x.inSample.objective),
    num(x.outOfSample.objective),
    num(x.efficiency),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => '  ' + r.map((x, i) => (i === 1 || i === 2 || i === 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  out.push(c.dim(fmt(head)));
  for (const r of rows) out.push(fmt(r));
  out.push('');
  const m = w.outOfSample.metrics;
  out.push(c.bold('Out of sample (test spans chained)'));
  const shown: (keyof Metrics)[] = ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'trades', 'winRate', 'profitFactor', 'exposure', 'buyAndHoldReturn'];
  for (let i = 0; i < shown.length; i += 2) {
    const cell = (k: keyof Metrics | undefined) => (k ? `${k.padEnd(16)} ${formatMetricValue(k, (m[k] as number | null) ?? null).padStart(10)}` : '');
    out.push(`  ${cell(shown[i])}    ${cell(shown[i + 1])}`.trimEnd());
  }
  out.push(`  walk-forward efficiency ${w.efficiency === null ? '–' : formatPct(w.efficiency, false)} (out-of-sample CAGR over the mean in-sample CAGR)`);
  out.push('');
  out.push(...renderEquityChart(w.outOfSample.equityCurve, { width: Math.max(10, width - 2), height: 8, color: opts.color }).split('\n').map((l) => `  ${l}`));
  out.push('');
  out.push(...robustnessLines(w.robustness, c));
  out.push(c.dim('  dsr, psr: of the out-of-sample returns (nothing was selected on them); pbo: mean of the windows'));
  return out.map((l) => fitLine(l, width)).join('\n') + '\n';
}
