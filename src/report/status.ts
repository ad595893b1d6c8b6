/**
 * Text and JSON for `tradebot status` and `tradebot bots`: an overview line per bot and a detail
 * view of one. Plain text (no escape codes) unless `color` is asked for.
 */
import { accountLines, accountsOf } from '../bot/account-view.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { Dec } from '../core/money.js';
import type { BotState, BotStatusView } from '../bot/status.js';
import type { SignalRuntime } from '../signals/signal-runtime.js';
import { fitLine } from './text-report.js';

export { STATUS_JSON_SCHEMA_VERSION, botJson, statusJson } from './status-json.js';

/** Version of the documents printed by `status --json` and `bots --json`: a public interface. */
export interface StatusRenderOptions {
  color?: boolean;
  /** the time ages are counted to (default now) */
  now?: number;
  /** the terminal's columns: every row fits (paths shortened in the middle); undefined: not a terminal, nothing is cut */
  width?: number;
}

/** A path cut in the middle to `max` columns, keeping its start and its (more telling) end. */
export function shortenPath(p: string, max: number): string {
  if (p.length <= max) return p;
  if (max <= 1) return '…'.slice(0, max);
  // the last component (a bot's name) stays whole when it can; then as much of the first as fits
  const base = p.length - p.lastIndexOf('/');
  const head = Math.max(0, Math.min(Math.floor((max - 1) / 3), p.indexOf('/', 1) > 0 ? p.indexOf('/', 1) + 1 : 0, max - 1 - base));
  return `${p.slice(0, head)}…${p.slice(p.length - (max - 1 - head))}`;
}

function fitAll(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((l) => fitLine(l, width))
    .join('\n');
}

/** `0.4 s`, `12 s`, `3m 10s`, `2h 05m`, `3d 4h`. */
export function fmtAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A decimal string with `dp` places and thousands separators; `+` on gains when `signed`. */
export function fmtMoney(v: string | null, dp = 2, signed = false): string {
  if (v === null) return '–';
  const d = new Dec(v);
  const [int, frac] = d.abs().toFixed(dp).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = d.isNeg() && !d.toDecimalPlaces(dp).isZero() ? '-' : signed && d.gt(0) ? '+' : '';
  return `${sign}${grouped}${frac ? `.${frac}` : ''}`;
}

export function fmtPct(f: number | null): string {
  if (f === null || !Number.isFinite(f)) return '–';
  const p = f * 100;
  return `${p > 0 ? '+' : ''}${p.toFixed(2)}%`;
}

function paintState(c: ChalkInstance, s: BotState, text: string = s): string {
  switch (s) {
    case 'running':
      return c.green(text);
    case 'paused':
    case 'stale':
      return c.yellow(text);
    case 'halted':
    case 'crashed':
      return c.red(text);
    default:
      return c.dim(text);
  }
}

function paintSigned(c: ChalkInstance, v: number | string | null, text: string): string {
  const n = typeof v === 'string' ? Number(v) : v;
  return n === null || n === 0 || !Number.isFinite(n) ? text : n > 0 ? c.green(text) : c.red(text);
}

function decisionText(v: BotStatusView): string {
  const d = v.lastDecision;
  if (!d) return '–';
  return `${d.side} ${d.symbol} ${d.outcome}${d.code ? ` (${d.code})` : ''}, ${fmtAge(d.ageMs)} ago`;
}

/** One line per bot. `empty` is said when there is none. */
export function renderOverview(views: BotStatusView[], o: StatusRenderOptions & { empty: string }): string {
  if (views.length === 0) return `${o.empty}\n`;
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const head = ['BOT', 'MODE', 'STATE', 'PAIRS', 'EQUITY', 'PNL', 'POS', 'LAST DECISION'];
  type Cell = { text: string; paint?: (s: string) => string };
  const rows: Cell[][] = views.map((v) => {
    if (v.error) return [{ text: v.name }, { text: v.mode ?? '–' }, { text: 'error', paint: (s) => c.red(s) }, { text: v.error }];
    const eq = v.equity;
    return [
      { text: v.name },
      { text: v.mode ?? '–' },
      { text: v.state, paint: (s) => paintState(c, v.state, s) },
      { text: v.pairs.length > 0 ? v.pairs.join(',') : '–' },
      { text: eq ? `${fmtMoney(eq.last)} ${v.quote ?? ''}`.trim() : '–' },
      { text: fmtPct(eq?.pnlPct ?? null), paint: (s) => paintSigned(c, eq?.pnlPct ?? null, s) },
      { text: String(v.positions.length) },
      { text: decisionText(v) },
    ];
  });
  // an error row's message runs on from the STATE column: it does not widen the columns after it
  const widths = head.map((h, k) => Math.max(h.length, ...rows.filter((r) => r.length === head.length).map((r) => r[k]!.text.length), ...rows.filter((r) => r.length < head.length && k < r.length - 1).map((r) => r[k]!.text.length)));
  const right = new Set([4, 5, 6]);
  const line = (cells: Cell[]) =>
    cells
      .map((cell, k) => {
        const last = k === cells.length - 1;
        const padded = last ? cell.text : right.has(k) ? cell.text.padStart(widths[k]!) : cell.text.padEnd(widths[k]!);
        return cell.paint ? cell.paint(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return fitAll([c.bold(line(head.map((text) => ({ text })))), ...rows.map(line)].join('\n'), o.width) + '\n';
}

/** `tradebot status`: the overview of the bots it shows, and how many stopped ones it left out. */
export function renderStatus(shown: BotStatusView[], stopped: number, o: StatusRenderOptions & { home: string }): string {
  const more = stopped > 0 ? `${stopped} stopped bot${stopped === 1 ? '' : 's'}: tradebot bots lists ${stopped === 1 ? 'it' : 'them'}` : '';
  if (shown.length === 0) {
    const line = (home: string) => `no bot is running (${more || `home: ${home}`})`;
    const w = o.width;
    return `${w === undefined ? line(o.home) : fitLine(line(shortenPath(o.home, Math.max(8, w - line('').length))), w)}\n`;
  }
  const accounts = accountLines(accountsOf(shown)).map((l) => `${fitAll(l, o.width)}\n`).join('');
  return renderOverview(shown, { ...o, empty: '' }) + accounts + (more ? `${fitAll(more, o.width)}\n` : '');
}

/** A signal bot's rows: its listener and alerts, or its service and breaker; a service down says since when. */
function signalRows(g: SignalRuntime, now: number): [string, string][] {
  const rows: [string, string][] = [];
  const counted = (r: Record<string, number>) => Object.entries(r).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none yet';
  const shadow = g.shadowOf ? ` (shadow of ${g.shadowOf})` : '';
  if (g.strategy === 'webhook') {
    rows.push(['signals', `webhook${shadow}${g.listen ? ` listening on ${g.listen}` : ''}: alerts ${counted(g.alerts ?? {})}; ${g.pending ?? 0} waiting for their candle`]);
    const a = g.lastAlert;
    if (a) rows.push(['last alert', `${a.action ?? '?'} ${a.pair ?? '?'} ${a.fate}, ${fmtAge(Math.max(0, now - a.time))} ago${a.message ? `: ${a.message}` : ''}`]);
  } else if (g.service) {
    const sv = g.service;
    const breaker = sv.breaker === 'open' && sv.reopensAt !== null ? `open until ${new Date(sv.reopensAt).toISOString()}` : sv.breaker;
    rows.push(['signals', `http-signal${shadow} ${sv.url}: breaker ${breaker}; ${counted({ answers: sv.answers.service, 'from the last answer': sv.answers.cache, 'by the fallback': sv.answers.fallback, undecided: sv.answers.none, 'failed requests': sv.failedRequests })}`]);
  }
  if (g.degraded) rows.push(['degraded', `${g.degraded.message.replace(/^signal service down: /, 'signal service down since ' + new Date(g.degraded.since).toISOString() + ': ')}`]);
  return rows;
}

function params(p: Record<string, unknown>): string {
  const s = Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return s === '' ? '' : ` ${s}`;
}

/** Everything about one bot. */
export function renderDetail(v: BotStatusView, o: StatusRenderOptions = {}): string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`  ${label.padEnd(14)}${text}`.trimEnd());
  const who: string[] = [];
  if (v.pid !== null) who.push(`pid ${v.pid}${v.host && v.pidAlive === null ? ` on ${v.host}` : ''}${v.pidAlive === false ? ' (gone)' : ''}`);
  if (v.heartbeatAgeMs !== null && v.state !== 'stopped') who.push(`heartbeat ${fmtAge(v.heartbeatAgeMs)} ago`);
  if (v.uptimeMs !== null) who.push(`up ${fmtAge(v.uptimeMs)}`);
  out.push(`${c.bold(v.name)}  ${v.mode ?? '–'}  ${paintState(c, v.state)}${who.length > 0 ? ` (${who.join(', ')})` : ''}`);
  if (v.error) {
    row('error', c.red(v.error));
    row('state dir', o.width === undefined ? v.dir : shortenPath(v.dir, Math.max(8, o.width - 16)));
    return fitAll(out.join('\n'), o.width) + '\n';
  }
  if (v.exchange) row('exchange', `${v.exchange}${v.apiUrl ? ` (${v.apiUrl})` : ''}`);
  if (v.strategy) row('strategy', `${v.strategy.name}${params(v.strategy.params)}`);
  if (v.pairs.length > 0) row('pairs', `${v.pairs.join(', ')}${v.timeframe ? ` ${v.timeframe}` : ''}`);
  const eq = v.equity;
  if (eq) {
    const q = v.quote ? ` ${v.quote}` : '';
    if (v.mode === 'live' && v.budget !== null) row('budget', `${fmtMoney(v.budget)}${q}${v.account ? ` of account ${v.account}` : ''}`);
    row('equity', `${fmtMoney(eq.last)}${q} (start ${fmtMoney(eq.start)}${q})`);
    row('pnl', `${paintSigned(c, eq.pnl, `${fmtMoney(eq.pnl, 2, true)} ${fmtPct(eq.pnlPct)}`)} since start, ${eq.today === null ? '– today' : `${paintSigned(c, eq.today, `${fmtMoney(eq.today, 2, true)} ${fmtPct(eq.todayPct)}`)} today`}`);
  }
  if (v.realizedPnl !== null) row('', `realized ${fmtMoney(v.realizedPnl, 2, true)}, unrealized ${fmtMoney(v.unrealizedPnl, 2, true)} (net of fees)`);
  if (v.positions.length === 0) row('positions', 'none');
  else {
    row('positions', '');
    for (const p of v.positions) {
      out.push(`    ${p.symbol}  qty ${p.qty}  entry ${p.entryPrice}  last ${p.lastPrice ?? '–'}  unrealized ${paintSigned(c, p.unrealizedPnl, fmtMoney(p.unrealizedPnl, 2, true))}`);
    }
  }
  if (v.external) {
    const held = Object.entries(v.external.balances).map(([c, a]) => `${a} ${c}`);
    row('external', `${held.length > 0 ? held.join(', ') : 'none'} on the account beyond the bot's ledger (not its money: not in its equity, never sold; at ${new Date(v.external.time).toISOString()})`);
  }
  if (v.openOrders.length === 0) row('open orders', 'none');
  else {
    row('open orders', '');
    for (const o of v.openOrders) {
      const px = o.type === 'stop' ? ` stop ${o.stopPrice ?? '–'}` : o.price !== null ? ` @ ${o.price}` : '';
      out.push(`    ${o.clientOrderId}  ${o.symbol} ${o.side} ${o.type} ${o.amount}${px}  filled ${o.filled}  ${o.status}  (${o.purpose})`);
    }
  }
  row('last decision', v.lastDecision ? `${decisionText(v)}${v.lastDecision.clientOrderId ? ` [${v.lastDecision.clientOrderId}]` : ''}${v.lastDecision.message ? `: ${v.lastDecision.message}` : ''}` : '–');
  if (v.lastError) row('last error', c.red(`${v.lastError.message} (${new Date(v.lastError.time).toISOString()})`));
  if (v.degraded) row('degraded', c.yellow(`${v.degraded.message} (since ${new Date(v.degraded.since).toISOString()})`));
  if (v.signals) for (const [label, text] of signalRows(v.signals, o.now ?? Date.now())) row(label, label === 'degraded' ? c.yellow(text) : text);
  if (v.riskHalt) row('risk halt', c.red(`${v.riskHalt.code}: ${v.riskHalt.message} (since ${new Date(v.riskHalt.since).toISOString()})`));
  for (const n of v.notify) {
    const q = n.queued > 0 ? `, ${n.queued} message(s) waiting` : '';
    if (n.state === 'degraded') row(n.channel, c.yellow(`degraded since ${new Date(n.since ?? 0).toISOString()}: ${n.lastError ?? 'failing'}${q}`));
    else row(n.channel, `ok (${n.sent} sent${q})`);
  }
  if (v.paused) row('paused', 'yes: no new entries (tradebot resume ' + v.name + ')');
  if (v.state === 'stopped' && v.stoppedAt !== null) row('stopped at', new Date(v.stoppedAt).toISOString());
  if (v.state === 'crashed') row('note', c.red('the state file says it was running, but no process owns it: restart it with the same command'));
  if (v.state === 'stale') row('note', c.yellow(`the owner has not written a heartbeat for ${fmtAge(v.heartbeatAgeMs)}: it may be hung`));
  row('state dir', o.width === undefined ? v.dir : shortenPath(v.dir, Math.max(8, o.width - 16)));
  return fitAll(out.join('\n'), o.width) + '\n';
}
