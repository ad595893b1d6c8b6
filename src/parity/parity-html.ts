import { reportFromBot } from '../report/html/from-bot.js';
import type { ReportInput } from '../report/html/report-input.js';
import type { ParityDoc } from './parity-report.js';

/**
 * `parity --html`: the bot's own HTML report (src/report/html, from its state files) with the
 * parity summary among its settings and every divergence listed at the top of the page.
 */
export async function parityHtmlInput(home: string, name: string, d: ParityDoc): Promise<ReportInput> {
  const base = await reportFromBot(home, name, d.span.candlesTo);
  const s = d.summary;
  const rows: [string, string][] = [
    ['Parity: trades (session / replay / matched)', `${s.sessionTrades} / ${s.replayTrades} / ${s.matchedTrades}`],
    ['Parity: matched share', `${(s.matched * 100).toFixed(1)} %`],
    ['Parity: identical share', `${(s.identical * 100).toFixed(1)} %`],
    ['Parity: slippage mean / worst (bps)', `${s.slippageBps.toFixed(2)} / ${s.worstSlippageBps.toFixed(2)}`],
    ['Parity: PnL session / replay / difference', `${s.sessionPnl} / ${s.replayPnl} / ${s.pnlDiff}`],
    ...Object.entries(s.pnlDiffByCause).map(([c, v]): [string, string] => [`Parity: PnL difference from ${c}`, v!]),
  ];
  const iso = (t: number) => new Date(t).toISOString();
  const divergences = [
    ...d.matched.filter((m) => m.cause !== null).map((m) => `Different trade ${m.session.symbol} entered ${iso(m.session.entryTime)}: ${m.cause} (${m.detail ?? ''}), PnL difference ${m.pnlDiff}.`),
    ...d.sessionOnly.map((l) => `Only in the session: ${l.trade.symbol} entered ${iso(l.trade.entryTime)}: ${l.cause} (${l.detail}).`),
    ...d.replayOnly.map((l) => `Only in the replay: ${l.trade.symbol} entered ${iso(l.trade.entryTime)}: ${l.cause} (${l.detail}).`),
  ];
  return {
    ...base,
    title: `Parity of ${base.title}`,
    settings: [...rows, ...base.settings],
    notes: [...(divergences.length === 0 ? ['Parity: every trade of the session is the replay\'s.'] : divergences), ...d.notes, ...base.notes],
  };
}
