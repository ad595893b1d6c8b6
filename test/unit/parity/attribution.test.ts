import { describe, expect, it } from 'vitest';
import { compareTrades } from '../../../src/parity/compare.js';
import { collectEvidence } from '../../../src/parity/evidence.js';
import type { ParityTrade } from '../../../src/parity/trades.js';
import type { JournalEntry } from '../../../src/engine/ports.js';
import type { LogRecord } from '../../../src/bot/log-reader.js';
import { buildParityDoc, parityFigures } from '../../../src/parity/parity-report.js';
import type { BotStateDoc } from '../../../src/store/bot-state.js';

/**
 * Each cause a live or paper session can diverge by, injected into a journal and log as the bot
 * writes them, must be the cause the comparison names. Wall clock = market clock + 1 h here, with
 * fills pairing the two as they do in a real journal.
 */
const TF = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const WALL = 3_600_000;
const t = (bar: number) => T0 + bar * TF;

function trade(entryBar: number, exitBar: number | null, o: Partial<ParityTrade> = {}): ParityTrade {
  return {
    symbol: 'BTC/USDT',
    entryTime: t(entryBar),
    exitTime: exitBar === null ? null : t(exitBar),
    entryPrice: '100',
    exitPrice: exitBar === null ? null : '110',
    qty: '1',
    fees: '0.2',
    pnl: exitBar === null ? '0' : '9.8',
    exitReason: exitBar === null ? null : 'exit',
    open: exitBar === null,
    ...o,
  };
}

let seq = 0;
function order(bar: number, side: 'buy' | 'sell', purpose: string, fills: { bar: number; qty: string }[], status?: { status: string; reason?: string }, candleBar?: number): JournalEntry[] {
  const id = `t-${++seq}`;
  const out: unknown[] = [{ type: 'intent', time: t(bar) + WALL, order: { clientOrderId: id, symbol: 'BTC/USDT', side, type: 'market', amount: '1', purpose, createdAt: t(bar) + WALL }, ...(candleBar !== undefined ? { candleTime: t(candleBar) } : {}) }];
  if (status) out.push({ type: 'status', time: t(bar) + WALL + 10, clientOrderId: id, ...status });
  for (const f of fills) out.push({ type: 'fill', time: t(f.bar), fill: { tradeId: `f${seq}-${f.bar}`, clientOrderId: id, symbol: 'BTC/USDT', side, qty: f.qty, price: '100', cost: '100', fee: '0.1', feeCurrency: 'USDT', time: t(f.bar) } });
  return out as JournalEntry[];
}

const log = (bar: number, event: string, fields: Record<string, unknown> = {}): LogRecord => ({ time: t(bar) + WALL, level: 'info', event, fields, raw: '' });

/** A session of matched trades at bars 0-5 and 40-45 (anchoring the clocks), plus what the case adds. */
function base(): JournalEntry[] {
  return [...order(0, 'buy', 'entry', [{ bar: 1, qty: '1' }]), ...order(5, 'sell', 'exit', [{ bar: 6, qty: '1' }]), ...order(40, 'buy', 'entry', [{ bar: 41, qty: '1' }]), ...order(45, 'sell', 'exit', [{ bar: 46, qty: '1' }])];
}
const anchors = [trade(1, 6), trade(41, 46)];

describe('parity attributes each divergence to the cause injected', () => {
  it('the same trades on both sides: nothing to attribute, everything matched', () => {
    const cmp = compareTrades(anchors, anchors, collectEvidence(base(), []), TF);
    expect(cmp.matched.map((m) => m.cause)).toEqual([null, null]);
    expect(cmp.sessionOnly).toEqual([]);
    expect(cmp.replayOnly).toEqual([]);
  });

  it('an entry the exchange rejected: the replay trade the session lacks is "rejected"', () => {
    const j = [...base(), ...order(19, 'buy', 'entry', [], { status: 'rejected', reason: 'insufficient balance' })];
    const cmp = compareTrades(anchors, [...anchors, trade(20, 25)].sort((a, b) => a.entryTime - b.entryTime), collectEvidence(j, []), TF);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['rejected']);
    expect(cmp.replayOnly[0]!.detail).toContain('insufficient balance');
  });

  it('an entry whose outcome is unknown: "unknown-outcome"', () => {
    const j = [...base(), ...order(19, 'buy', 'entry', [], { status: 'unknown', reason: 'timeout' })];
    const cmp = compareTrades(anchors, [...anchors, trade(20, 25)], collectEvidence(j, []), TF);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['unknown-outcome']);
  });

  it('an entry filled in parts: the smaller session trade is "partial-fill"', () => {
    const j = [...base(), ...order(19, 'buy', 'entry', [{ bar: 20, qty: '0.4' }, { bar: 21, qty: '0.6' }])];
    const s = [...anchors, trade(20, 25, { qty: '0.4' })];
    const cmp = compareTrades(s, [...anchors, trade(20, 25)], collectEvidence(j, []), TF);
    expect(cmp.matched.filter((m) => m.cause !== null).map((m) => m.cause)).toEqual(['partial-fill']);
  });

  it('an entry filled in parts over many candles: a replay round trip while the session waited for the rest is "partial-fill"', () => {
    const j = [...base(), ...order(19, 'buy', 'entry', [{ bar: 20, qty: '0.4' }, { bar: 26, qty: '0.3' }, { bar: 32, qty: '0.3' }])];
    const s = [...anchors, trade(20, 34)].sort((a, b) => a.entryTime - b.entryTime);
    const r = [...anchors, trade(20, 22), trade(27, 29)].sort((a, b) => a.entryTime - b.entryTime);
    const cmp = compareTrades(s, r, collectEvidence(j, []), TF);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['partial-fill']);
  });

  it('an entry the risk gate denied (a decision in the log): "risk-denied"', () => {
    const cmp = compareTrades(anchors, [...anchors, trade(20, 25)], collectEvidence(base(), [log(19, 'decision', { outcome: 'denied', code: 'max-open-orders', symbol: 'BTC/USDT' })]), TF);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['risk-denied']);
  });

  it('a manual sale (orders, panic, Telegram): "manual"', () => {
    const j = [...base(), ...order(19, 'buy', 'entry', [{ bar: 20, qty: '1' }]), ...order(22, 'sell', 'manual', [{ bar: 22, qty: '1' }])];
    const cmp = compareTrades([...anchors, trade(20, 22, { exitReason: 'manual' })], [...anchors, trade(20, 25)], collectEvidence(j, []), TF);
    expect(cmp.matched.filter((m) => m.cause !== null).map((m) => m.cause)).toEqual(['manual']);
  });

  it('a restart gap: the trade around the time the bot was down is "restart-gap"', () => {
    const logs = [log(18, 'stopped'), log(23, 'started', { resumed: true })];
    const cmp = compareTrades([...anchors, trade(24, 28)], [...anchors, trade(20, 25)], collectEvidence(base(), logs), TF, 5 * TF);
    expect(cmp.matched.filter((m) => m.cause !== null).map((m) => m.cause)).toEqual(['restart-gap']);
  });

  it('a late candle (the feed failing): "late-candle"', () => {
    const cmp = compareTrades([...anchors, trade(21, 25)], [...anchors, trade(20, 25)], collectEvidence(base(), [log(20, 'feed-degraded', { message: 'timeout' })]), TF);
    expect(cmp.matched.filter((m) => m.cause !== null).map((m) => m.cause)).toEqual(['late-candle']);
  });

  it('an entry decided on a candle long closed (a bot catching up): both lone trades are "late-candle", with the lateness', () => {
    // decided on the candle of bar 19 (closing at 20), sent and filled at bar 30
    const j = [...base(), ...order(30, 'buy', 'entry', [{ bar: 30, qty: '1' }], undefined, 19), ...order(35, 'sell', 'exit', [{ bar: 35, qty: '1' }], undefined, 34)];
    const ev = collectEvidence(j, [], TF);
    expect(ev.filter((e) => e.kind === 'late-candle').map((e) => [e.time, e.until])).toEqual([[t(20), t(30)]]);
    expect(ev.find((e) => e.kind === 'late-candle')!.detail).toContain('10 candles');
    const cmp = compareTrades([...anchors, trade(30, 35)].sort((a, b) => a.entryTime - b.entryTime), [...anchors, trade(20, 25)], ev, TF);
    expect(cmp.sessionOnly.map((l) => l.cause)).toEqual(['late-candle']);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['late-candle']);
  });

  it('a matched entry one candle late: the timing delta is "late-candle"', () => {
    const j = [...base(), ...order(22, 'buy', 'entry', [{ bar: 22, qty: '1' }], undefined, 19), ...order(24, 'sell', 'exit', [{ bar: 25, qty: '1' }], undefined, 24)];
    const cmp = compareTrades([...anchors, trade(22, 25)], [...anchors, trade(20, 25)], collectEvidence(j, [], TF), TF);
    const m = cmp.matched.find((x) => x.cause !== null)!;
    expect(m.cause).toBe('late-candle');
    expect(m.entryDeltaMs).toBe(2 * TF);
  });

  it('orders sent at once on their decision candle, or journaled without one (older journals), are not late', () => {
    const onTime = [...base(), ...order(20, 'buy', 'entry', [{ bar: 20, qty: '1' }], undefined, 19), ...order(25, 'sell', 'exit', [{ bar: 25, qty: '1' }], undefined, 24)];
    expect(collectEvidence(onTime, [], TF).filter((e) => e.kind === 'late-candle')).toEqual([]);
    const old = [...base(), ...order(30, 'buy', 'entry', [{ bar: 30, qty: '1' }])];
    expect(collectEvidence(old, [], TF)).toEqual([]);
    // without the timeframe nothing is read from decision candles
    expect(collectEvidence([...base(), ...order(30, 'buy', 'entry', [{ bar: 30, qty: '1' }], undefined, 19)], [])).toEqual([]);
  });

  it('a live fill a moment into the candle the replay fills at its open, and a fee rounded to the exchange\'s 8 places, are the same trade', () => {
    const live = trade(20, 25, { entryTime: t(20) + 43_500, exitTime: t(25) + 16_500, fees: '0.20000001' });
    const cmp = compareTrades([...anchors, live], [...anchors, trade(20, 25)], collectEvidence(base(), [], TF), TF);
    expect(cmp.matched.map((m) => m.cause)).toEqual([null, null, null]);
    expect(cmp.matched.map((m) => m.entryDeltaMs)).toContain(43_500);
    // a fill in the next candle is a timing difference
    const late = compareTrades([...anchors, trade(20, 25, { entryTime: t(21) + 1 })], [...anchors, trade(20, 25)], collectEvidence(base(), [], TF), TF);
    expect(late.matched.filter((m) => m.cause !== null).map((m) => m.cause)).toEqual(['unexplained']);
  });

  it('a different fill price alone: "fill-price", with the slippage in bps', () => {
    const cmp = compareTrades([...anchors, trade(20, 25, { entryPrice: '100.05' })], [...anchors, trade(20, 25)], collectEvidence(base(), []), TF);
    const m = cmp.matched.find((x) => x.cause !== null)!;
    expect(m.cause).toBe('fill-price');
    expect(m.entrySlippageBps).toBeCloseTo(5, 9);
  });

  it('a difference nothing explains is said to be unexplained', () => {
    const cmp = compareTrades(anchors, [...anchors, trade(20, 25)], collectEvidence(base(), []), TF);
    expect(cmp.replayOnly.map((l) => l.cause)).toEqual(['unexplained']);
  });

  it('summary: matched share, slippage, PnL difference by cause, and the figures --assert reads', () => {
    const s = [...anchors, trade(20, 25, { entryPrice: '100.05', pnl: '9.75' })];
    const r = [...anchors, trade(20, 25), trade(30, 35)];
    const cmp = compareTrades(s, r, collectEvidence(base(), []), TF);
    const doc = buildParityDoc({ doc: { bot: { name: 'b', mode: 'paper', exchange: 'x', pairs: ['BTC/USDT'], timeframe: '1m', strategy: { name: 's', source: 's', params: {} } } } as unknown as BotStateDoc, cmp, session: s, replay: r, span: { candlesFrom: 0, candlesTo: 0, candles: 0, from: 0, to: 0 }, notes: [] });
    expect(doc.schemaVersion).toBe(1);
    expect(doc.summary.matched).toBeCloseTo(3 / 4, 12);
    expect(doc.summary.identical).toBeCloseTo(2 / 4, 12);
    expect(doc.summary.worstSlippageBps).toBeCloseTo(5, 9);
    expect(doc.summary.pnlDiffByCause).toEqual({ 'fill-price': '-0.05', unexplained: '-9.8' });
    expect(doc.summary.pnlDiff).toBe('-9.85');
    expect(parityFigures(doc)).toMatchObject({ matched: 0.75, replayOnly: 1, sessionOnly: 0, divergent: 1 });
  });
});
