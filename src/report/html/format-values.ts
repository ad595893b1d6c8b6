import type { Metrics } from '../../core/metrics.js';

/** How the page shows each metric (label, format), in reading order. */
export const METRIC_ROWS: readonly { key: keyof Metrics; label: string; kind: 'money' | 'pct' | 'ratio' | 'duration' | 'count' }[] = [
  { key: 'startEquity', label: 'Start equity', kind: 'money' },
  { key: 'finalEquity', label: 'Final equity', kind: 'money' },
  { key: 'totalReturn', label: 'Total return', kind: 'pct' },
  { key: 'cagr', label: 'CAGR', kind: 'pct' },
  { key: 'buyAndHoldReturn', label: 'Buy & hold return', kind: 'pct' },
  { key: 'maxDrawdown', label: 'Max drawdown', kind: 'pct' },
  { key: 'maxDrawdownDuration', label: 'Longest drawdown', kind: 'duration' },
  { key: 'exposure', label: 'Exposure', kind: 'pct' },
  { key: 'sharpe', label: 'Sharpe ratio', kind: 'ratio' },
  { key: 'sortino', label: 'Sortino ratio', kind: 'ratio' },
  { key: 'calmar', label: 'Calmar ratio', kind: 'ratio' },
  { key: 'trades', label: 'Closed trades', kind: 'count' },
  { key: 'openTrades', label: 'Open trades', kind: 'count' },
  { key: 'winRate', label: 'Win rate', kind: 'pct' },
  { key: 'profitFactor', label: 'Profit factor', kind: 'ratio' },
  { key: 'expectancy', label: 'Expectancy', kind: 'money' },
  { key: 'feesPaid', label: 'Fees paid', kind: 'money' },
];

export function formatValue(v: number | null | undefined, kind: 'money' | 'pct' | 'ratio' | 'duration' | 'count'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (kind) {
    case 'money':
      return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'pct':
      return `${(v * 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
    case 'ratio':
      return v.toFixed(3);
    case 'count':
      return v.toLocaleString('en-US');
    case 'duration':
      return formatDuration(v);
  }
}

export function formatDuration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${min}m`;
  return `${min}m`;
}

/** UTC, to the minute: 2025-05-20 00:00 */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '–';
}

/** A research statistic or parameter value as text. */
export function formatAny(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? '–';
}
