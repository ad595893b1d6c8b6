import { Chalk } from 'chalk';
import type { MonteCarloResult } from '../research/monte-carlo.js';
import { fitLine, formatPct } from './text-report.js';

/** The Monte Carlo bands as a small table: 5 / 50 / 95 % of final return and max drawdown. */
export function monteCarloLines(mc: MonteCarloResult, opts: { color: boolean; width: number }): string[] {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out = [c.bold(`Monte Carlo (${mc.simulations.toLocaleString('en-US')} simulations, seed ${mc.seed})`)];
  const rows: [string, string, string, string, string][] = [['', 'final return 5%', '50%', '95%', 'max drawdown 5% / 50% / 95%']];
  if (mc.bootstrap) {
    const b = mc.bootstrap;
    rows.push([`block bootstrap (${b.periods.toLocaleString('en-US')} bars, blocks of ${b.blockLength})`, formatPct(b.finalReturn.p5, true), formatPct(b.finalReturn.p50, true), formatPct(b.finalReturn.p95, true), dd(b.maxDrawdown)]);
  }
  if (mc.tradeShuffle) {
    const t = mc.tradeShuffle;
    rows.push([`trade-order shuffle (${t.trades.toLocaleString('en-US')} trades)`, formatPct(t.finalReturn.p5, true), formatPct(t.finalReturn.p50, true), formatPct(t.finalReturn.p95, true), dd(t.maxDrawdown)]);
  }
  if (rows.length === 1) return [...out, '  no returns to resample'];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  rows.forEach((r, k) => {
    const line = '  ' + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
    out.push(fitLine(k === 0 ? c.dim(line) : line, opts.width));
  });
  return out;
}

function dd(b: { p5: number; p50: number; p95: number }): string {
  return `${formatPct(b.p5, false)} / ${formatPct(b.p50, false)} / ${formatPct(b.p95, false)}`;
}
