import type { ParityDoc } from '../parity/parity-report.js';
import type { ParityTrade } from '../parity/trades.js';
import { plural } from './text-report.js';

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const bps = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} bps`;
const secs = (ms: number) => `${ms >= 0 ? '+' : ''}${(ms / 1000).toFixed(0)} s`;
const money = (s: string) => Number(s).toFixed(2);

/** The parity report for a person: the summary, the PnL each cause explains, then each divergence. */
export function renderParity(d: ParityDoc): string {
  const s = d.summary;
  const b = d.bot;
  const out: string[] = [];
  out.push(`parity of ${b.mode} bot ${b.name}: ${b.strategy} on ${b.pairs.join(', ')} ${b.timeframe}`);
  out.push(`replayed ${plural(d.span.candles, 'candle')} (${iso(d.span.candlesFrom)} to ${iso(d.span.candlesTo)}); trades entered ${iso(d.span.from)} to ${iso(d.span.to)} compared`);
  out.push('');
  out.push(`trades     session ${s.sessionTrades}, replay ${s.replayTrades}, matched ${s.matchedTrades} (${pct(s.matched)}), identical ${pct(s.identical)}`);
  out.push(`           only in the session ${s.sessionOnly}, only in the replay ${s.replayOnly}, matched but different ${s.divergent}`);
  out.push(`slippage   mean ${bps(s.slippageBps)}, worst ${bps(s.worstSlippageBps)} against the fill model`);
  out.push(`PnL        session ${money(s.sessionPnl)}, replay ${money(s.replayPnl)}, difference ${money(s.pnlDiff)} (fees ${money(s.feeDiff)})`);
  const causes = Object.entries(s.pnlDiffByCause);
  if (causes.length > 0) {
    out.push('');
    out.push('PnL difference by cause');
    const w = Math.max(...causes.map(([c]) => c.length));
    for (const [c, v] of causes) out.push(`  ${c.padEnd(w)}  ${money(v!).padStart(12)}`);
  }
  const lines: [number, string][] = [];
  const trade = (t: ParityTrade) => `${t.symbol} ${iso(t.entryTime)}${t.exitTime !== null ? ` to ${iso(t.exitTime)}` : ' (open)'}`;
  for (const m of d.matched) {
    if (m.cause === null) continue;
    const exit = m.exitDeltaMs !== null ? `, exit ${secs(m.exitDeltaMs)}` : '';
    const px = `, price ${bps(m.entrySlippageBps)}${m.exitSlippageBps !== null ? ` / ${bps(m.exitSlippageBps)}` : ''}`;
    lines.push([m.session.entryTime, `  different     ${trade(m.session)}: entry ${secs(m.entryDeltaMs)}${exit}${px}, PnL ${money(m.pnlDiff)}; ${m.cause}: ${m.detail ?? ''}`]);
  }
  for (const l of d.sessionOnly) lines.push([l.trade.entryTime, `  session only  ${trade(l.trade)}, PnL ${money(l.trade.pnl)}; ${l.cause}: ${l.detail}`]);
  for (const l of d.replayOnly) lines.push([l.trade.entryTime, `  replay only   ${trade(l.trade)}, PnL ${money(l.trade.pnl)}; ${l.cause}: ${l.detail}`]);
  out.push('');
  if (lines.length === 0) out.push('no divergences: every trade of the session is the replay\'s');
  else {
    out.push(`divergences (${lines.length})`);
    for (const [, l] of lines.sort((a, b) => a[0] - b[0])) out.push(l);
  }
  for (const n of d.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}
