import { Chalk, type ChalkInstance } from 'chalk';
import type { Robustness } from '../research/robustness.js';
import { formatPoint } from '../research/space.js';
import type { SearchSummary } from '../research/summarize.js';
import type { RunData, RunRequest } from '../research/trial-log.js';
import type { MonteCarloResult } from '../research/monte-carlo.js';
import { monteCarloLines } from './monte-carlo-report.js';
import { fitLine, formatPct, formatUtc, visibleWidth } from './text-report.js';

export interface OptimizeReportInput {
  title: string;
  request: RunRequest;
  data: RunData;
  summary: SearchSummary;
  monteCarlo: MonteCarloResult | null;
  /** where the trials are logged, or the logs merged */
  footer: string[];
}

/**
 * The terminal report of a search: what ran, the top K trials (parameters, objective, return, max
 * drawdown, trades, win rate), the robustness statistics and, when asked, Monte Carlo bands.
 */
export function renderOptimizeReport(p: OptimizeReportInput, opts: { color: boolean; width: number; top: number }): string {
  const width = Math.max(1, Math.floor(opts.width));
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const r = p.request;
  const s = p.summary;
  const out: string[] = [];
  const search = r.search.method === 'grid' ? 'grid' : `${r.search.method} search, ${r.search.trials} trials, seed ${r.search.seed}`;
  out.push(`${c.bold(p.title)} · ${r.config.strategy.name} · ${p.data.symbol} ${p.data.timeframe} · ${formatUtc(p.data.from)} → ${formatUtc(p.data.to)} UTC · ${p.data.candles.toLocaleString('en-US')} candles`);
  out.push(
    `${search} · objective ${r.objective}${r.minTrades > 0 ? ` (at least ${r.minTrades} trades)` : ''} · ${s.trials.length.toLocaleString('en-US')} trials` +
      (s.skipped.length > 0 ? `, ${s.skipped.length.toLocaleString('en-US')} points skipped by the strategy's rules` : '') +
      (r.shard ? ` · shard ${r.shard.k}/${r.shard.n}` : ''),
  );
  out.push('');
  out.push(...topTable(s, opts.top, width, c));
  out.push('');
  out.push(...robustnessLines(s.robustness, c));
  if (p.monteCarlo) {
    out.push('');
    out.push(...monteCarloLines(p.monteCarlo, { color: opts.color, width }));
  }
  if (p.footer.length > 0) out.push('', ...p.footer.map((l) => c.dim(l)));
  return out.map((l) => fitLine(l, width)).join('\n') + '\n';
}

function topTable(s: SearchSummary, top: number, width: number, c: ChalkInstance): string[] {
  const byIndex = new Map(s.trials.map((t) => [t.index, t]));
  const rows = s.ranking.slice(0, top).map((i) => byIndex.get(i)!);
  if (rows.length === 0) return [c.bold('Top trials') + c.dim(' – no trial ran')];
  const header = ['#', 'parameters', 'objective', 'return', 'max DD', 'trades', 'win rate'];
  const cells = rows.map((t, k) => [
    String(k + 1),
    formatPoint(t.params),
    t.objective === null ? '–' : t.eligible ? t.objective.toFixed(4) : `${t.objective.toFixed(4)}*`,
    formatPct(t.metrics.totalReturn, true),
    formatPct(t.metrics.maxDrawdown, false),
    t.trades.toLocaleString('en-US'),
    t.metrics.winRate === null ? '–' : formatPct(t.metrics.winRate, false),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  // the parameters column gives way first on a narrow terminal
  const fixed = widths.reduce((a, b) => a + b, 0) - widths[1]! + 2 * (widths.length - 1) + 2;
  widths[1] = Math.max(10, Math.min(widths[1]!, width - fixed));
  const fmt = (r: string[]) => '  ' + r.map((x, i) => (i === 1 ? cut(x, widths[1]!).padEnd(widths[1]!) : i === 0 ? x.padStart(widths[0]!) : x.padStart(widths[i]!))).join('  ');
  const lines = [c.bold(`Top ${rows.length} of ${s.trials.length.toLocaleString('en-US')} trials`), c.dim(fmt(header))];
  for (const r of cells) lines.push(fmt(r));
  if (rows.some((t) => !t.eligible)) lines.push(c.dim('  * below --min-trades or without a defined objective: never selected'));
  return lines;
}

function cut(s: string, w: number): string {
  return visibleWidth(s) <= w ? s : `${[...s].slice(0, Math.max(0, w - 1)).join('')}…`;
}

export function robustnessLines(r: Robustness, c: ChalkInstance): string[] {
  const n = (v: number | null, d = 4) => (v === null ? '–' : v.toFixed(d));
  const count = r.periods.count.toLocaleString('en-US');
  const row = (label: string, value: string, note: string) => `  ${label.padEnd(22)} ${value.padStart(8)}   ${c.dim(note)}`;
  return [
    c.bold('Robustness'),
    row('Deflated Sharpe ratio', n(r.dsr), `best Sharpe ${n(r.sharpe, 5)} a ${r.periods.period} bar vs ${n(r.expectedMaxSharpe, 5)} expected of ${r.trials.toLocaleString('en-US')} trials`),
    row('Probabilistic Sharpe', n(r.psr), `vs 0; ${count} returns, skew ${n(r.skew, 2)}, kurtosis ${n(r.kurtosis, 2)}`),
    row('PBO', n(r.pbo), `CSCV, ${r.pboBlocks} blocks, ${r.pboCombinations.toLocaleString('en-US')} splits`),
    row('Min backtest length', r.minBacktestLength === null ? '–' : Math.ceil(r.minBacktestLength).toLocaleString('en-US'), `bars (this backtest: ${count})`),
  ];
}
