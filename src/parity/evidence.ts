import type { JournalEntry } from '../engine/ports.js';
import type { LogRecord } from '../bot/log-reader.js';

/** What a bot's journal and log say happened, placed on the market's clock (candle times). */
export interface Evidence {
  kind: 'manual' | 'unknown-outcome' | 'rejected' | 'partial-fill' | 'risk-denied' | 'restart-gap' | 'late-candle';
  /** market time (ms) */
  time: number;
  /** the end of a span (a restart gap: from the stop to the start), when it is one */
  until?: number;
  symbol: string | null;
  detail: string;
}

interface OrderTrail {
  id: string;
  symbol: string;
  side: string;
  purpose: string;
  amount: number;
  intentTime: number;
  /** open time of the candle the order was decided on, when the journal says */
  candleTime?: number;
  statuses: { status: string; reason?: string; time: number }[];
  fills: { qty: number; time: number }[];
}

/**
 * Intents, statuses and the log carry the machine's (wall-clock) time; fills the exchange's (market)
 * time. An order's intent and its first fill pair the two clocks: other times are placed between
 * such pairs (a simulator may run its clock faster than the wall's). Without fills the clocks are
 * taken as one.
 */
export function clockMap(journal: readonly JournalEntry[]): (wall: number) => number {
  // an order's intent is journaled at the machine's time, its first fill carries the exchange's
  const intentAt = new Map<string, number>();
  const anchors: [number, number][] = [];
  for (const e of journal) {
    if (e.type === 'intent') intentAt.set(e.order.clientOrderId, e.time);
    else if (e.type === 'fill') {
      const wall = intentAt.get(e.fill.clientOrderId);
      if (wall !== undefined) {
        anchors.push([wall, e.fill.time]);
        intentAt.delete(e.fill.clientOrderId);
      }
    }
  }
  anchors.sort((a, b) => a[0] - b[0]);
  if (anchors.length === 0) return (w) => w;
  return (w) => {
    let hi = anchors.findIndex((a) => a[0] >= w);
    if (hi === -1) hi = anchors.length;
    const a = anchors[Math.max(0, hi - 1)]!;
    const b = anchors[Math.min(anchors.length - 1, hi)]!;
    if (b[0] === a[0] || hi === 0 || hi === anchors.length) {
      const n = hi === 0 ? b : a;
      return n[1] + (w - n[0]);
    }
    return a[1] + ((w - a[0]) / (b[0] - a[0])) * (b[1] - a[1]);
  };
}

/**
 * An order is late when it reached the exchange more than this many candles after its decision
 * candle closed: a bot keeping up acts within a moment of the close; one catching up after a stall
 * or a restart acts on candles long closed, and its fills land later than the replay's.
 */
export const LATE_AFTER_CANDLES = 1;

/** `timeframeMs`: the bot's candle length; without it no lateness is read from decision candles. */
export function collectEvidence(journal: readonly JournalEntry[], log: readonly LogRecord[], timeframeMs?: number): Evidence[] {
  const toMarket = clockMap(journal);
  const orders = new Map<string, OrderTrail>();
  for (const e of journal) {
    if (e.type === 'intent') {
      const o = e.order;
      orders.set(o.clientOrderId, { id: o.clientOrderId, symbol: o.symbol, side: o.side, purpose: o.purpose, amount: Number(o.amount), intentTime: e.time, ...(typeof e.candleTime === 'number' ? { candleTime: e.candleTime } : {}), statuses: [], fills: [] });
    } else if (e.type === 'status') {
      orders.get(e.clientOrderId)?.statuses.push({ status: e.status, ...(e.reason !== undefined ? { reason: e.reason } : {}), time: e.time });
    } else if (e.type === 'sent') {
      orders.get(e.clientOrderId)?.statuses.push({ status: e.status, time: e.time });
    } else if (e.type === 'fill') {
      orders.get(e.fill.clientOrderId)?.fills.push({ qty: Number(e.fill.qty), time: e.fill.time });
    }
  }
  const out: Evidence[] = [];
  for (const o of orders.values()) {
    const at = o.fills.length > 0 ? o.fills[0]!.time : toMarket(o.intentTime);
    const what = `${o.side} ${o.id} (${o.purpose})`;
    if (o.purpose === 'manual') out.push({ kind: 'manual', time: at, symbol: o.symbol, detail: `manual order ${what}` });
    const unknown = o.statuses.find((s) => s.status === 'unknown' || s.status === 'lost');
    if (unknown) out.push({ kind: 'unknown-outcome', time: toMarket(unknown.time), symbol: o.symbol, detail: `${what}: outcome ${unknown.status}${unknown.reason ? ` (${unknown.reason})` : ''}` });
    const rejected = o.statuses.find((s) => s.status === 'rejected' || s.status === 'not-placed');
    if (rejected) out.push({ kind: 'rejected', time: toMarket(rejected.time), symbol: o.symbol, detail: `${what} rejected${rejected.reason ? `: ${rejected.reason}` : ''}` });
    if (o.candleTime !== undefined && timeframeMs !== undefined) {
      // the exchange's time of the order: its first fill, else the intent placed on the market's clock
      const close = o.candleTime + timeframeMs;
      const lateMs = at - close;
      if (lateMs > LATE_AFTER_CANDLES * timeframeMs) {
        out.push({ kind: 'late-candle', time: close, until: at, symbol: o.symbol, detail: `${what} was decided on the candle of ${new Date(o.candleTime).toISOString()} and reached the exchange ${fmtLate(lateMs, timeframeMs)} after it closed` });
      }
    }
    const filled = o.fills.reduce((a, f) => a + f.qty, 0);
    if (o.fills.length > 1 || (filled > 0 && filled < o.amount * (1 - 1e-9))) {
      // the session is busy with the order until its last part fills: what the replay did meanwhile is its doing
      const last = Math.max(...o.fills.map((f) => f.time));
      out.push({ kind: 'partial-fill', time: at, ...(last > at ? { until: last } : {}), symbol: o.symbol, detail: `${what} filled in ${o.fills.length} part${o.fills.length === 1 ? '' : 's'}, ${String(filled)} of ${String(o.amount)}` });
    }
  }
  let down: number | null = null;
  for (const r of log) {
    if (r.time === null) continue;
    if (r.event === 'stopped' || r.event === 'crashed') down = toMarket(r.time);
    const t = toMarket(r.time);
    const symbol = typeof r.fields.symbol === 'string' ? r.fields.symbol : null;
    const ev = r.event;
    const command = typeof r.fields.command === 'string' ? r.fields.command : '';
    if (/panic|manual|telegram/i.test(ev) || (ev === 'control' && /panic|stop-cancel|forceexit/.test(command))) {
      out.push({ kind: 'manual', time: t, symbol, detail: `${ev}${command ? ` ${command}` : ''}${typeof r.fields.by === 'string' ? ` by ${r.fields.by}` : ''}` });
    } else if (r.fields.outcome === 'denied' || /denied|denial/i.test(ev)) {
      out.push({ kind: 'risk-denied', time: t, symbol, detail: `risk gate denied${typeof r.fields.code === 'string' ? ` (${r.fields.code})` : ''}${typeof r.fields.message === 'string' ? `: ${r.fields.message}` : ''}` });
    } else if (r.fields.outcome === 'rejected' || /reject/i.test(ev)) {
      out.push({ kind: 'rejected', time: t, symbol, detail: `${ev}${typeof r.fields.message === 'string' ? `: ${r.fields.message}` : ''}` });
    } else if (ev === 'started' && r.fields.resumed === true) {
      out.push({ kind: 'restart-gap', time: down ?? t, until: t, symbol: null, detail: 'the bot was down and restarted' });
      down = null;
    } else if (ev === 'feed-degraded') {
      out.push({ kind: 'late-candle', time: t, symbol: null, detail: `candles came late: ${typeof r.fields.message === 'string' ? r.fields.message : 'the feed failed'}` });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

function fmtLate(ms: number, tf: number): string {
  const candles = ms / tf;
  return `${candles >= 10 ? Math.round(candles) : candles.toFixed(1)} candles (${Math.round(ms / 1000)} s)`;
}
