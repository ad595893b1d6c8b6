import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { readCandleFile } from '../../src/data/read-candles.js';
import { selectRange } from '../../src/data/select-range.js';
import { parseDate } from '../../src/data/parse-date.js';
import { describeSharedData, sharedFile } from '../support/shared-data.js';

/**
 * A ladder-plus-stop strategy reproduced bar by bar by an independent float model written from the
 * README's rules, not from the engine: ema-cross 12/26, stake 50 %, fee 0.1 %, a 1 % stop-loss and
 * a profit ladder "0.004:0.5,0.008:0.5".
 *
 * The rules, per candle, in this order:
 * 1. orders decided on the previous close fill at this open (market);
 * 2. the stop (1 % below the average entry) rests from the candle the entry fills on and sells
 *    what is left: at the open if the candle opens at or below it, else at the stop if the low
 *    reaches it;
 * 3. on the close, in position: each ladder level the close has reached (profit over the average
 *    entry) sells its share of the entered quantity (the last level the rest), at the next open;
 *    then the strategy: a cross down sells what the ladder leaves; flat, a cross up buys 50 % of
 *    the cash at the close's price, at the next open.
 */
function model(time: Float64Array, open: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array) {
  const FEE = 0.001;
  const SL = 0.01;
  const LADDER = [
    [0.004, 0.5],
    [0.008, 0.5],
  ] as const;
  const ema = (n: number) => {
    const out = new Float64Array(close.length).fill(NaN);
    let sum = 0;
    for (let i = 0; i < close.length; i++) {
      if (i < n) {
        sum += close[i]!;
        if (i === n - 1) out[i] = sum / n;
      } else out[i] = out[i - 1]! * (1 - 2 / (n + 1)) + close[i]! * (2 / (n + 1));
    }
    return out;
  };
  const fast = ema(12);
  const slow = ema(26);
  type Leg = { time: number; price: number; qty: number; reason: string };
  type Trade = { entries: Leg[]; exits: Leg[] };
  const trades: Trade[] = [];
  let cash = 10_000;
  let qty = 0;
  let entered = 0;
  let avg = NaN;
  let levelsDone = 0;
  let pendingBuy: number | null = null;
  let pendingSells: { qty: number | null; reason: string }[] = [];
  let lastNonZero = NaN;
  for (let t = 0; t < close.length; t++) {
    // 1. market orders at the open
    if (pendingBuy !== null) {
      const px = open[t]!;
      cash -= pendingBuy * px * (1 + FEE);
      qty = entered = pendingBuy;
      avg = px;
      levelsDone = 0;
      trades.push({ entries: [{ time: time[t]!, price: px, qty, reason: 'signal' }], exits: [] });
      pendingBuy = null;
    }
    for (const s of pendingSells) {
      if (qty <= 0) break;
      const q = s.qty === null ? qty : Math.min(s.qty, qty);
      cash += q * open[t]! * (1 - FEE);
      qty -= q;
      trades.at(-1)!.exits.push({ time: time[t]!, price: open[t]!, qty: q, reason: s.reason });
      if (s.reason.startsWith('ladder-')) levelsDone = Number(s.reason.slice(7));
    }
    pendingSells = [];
    // 2. the stop within the candle
    if (qty > 0) {
      const stop = avg * (1 - SL);
      const px = open[t]! <= stop ? open[t]! : low[t]! <= stop ? stop : NaN;
      if (!Number.isNaN(px)) {
        cash += qty * px * (1 - FEE);
        trades.at(-1)!.exits.push({ time: time[t]!, price: px, qty, reason: 'stop-loss' });
        qty = 0;
      }
    }
    // 3. the close: the ladder, then the strategy
    let cross = 0;
    if (!Number.isNaN(slow[t]!)) {
      const d = fast[t]! - slow[t]!;
      if (!Number.isNaN(lastNonZero)) cross = lastNonZero < 0 && d > 0 ? 1 : lastNonZero > 0 && d < 0 ? -1 : 0;
      if (d !== 0 || Number.isNaN(lastNonZero)) lastNonZero = d;
    }
    if (qty > 0) {
      const profit = close[t]! / avg - 1;
      for (let n = levelsDone; n < LADDER.length && profit >= LADDER[n]![0]; n++) {
        const last = n === LADDER.length - 1;
        pendingSells.push({ qty: last ? null : entered * LADDER[n]![1], reason: `ladder-${n + 1}` });
        levelsDone = n + 1;
        if (last) break;
      }
      const selling = pendingSells.some((s) => s.qty === null);
      if (cross < 0 && !selling) pendingSells.push({ qty: null, reason: 'signal' });
    } else if (cross > 0) {
      pendingBuy = (0.5 * cash) / close[t]!;
    }
  }
  return trades;
}

describeSharedData('ladder plus stop, reproduced bar by bar by an independent model', () => {
  it('ema-cross 12/26 with a 1% stop and a 2-level ladder on March 2024 (5m): every entry and exit, price, quantity and reason', async () => {
    const file = sharedFile('binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv');
    const cfg = resolveConfig({
      strategy: { name: 'ema-cross', params: { fast: 12, slow: 26 } },
      cash: 10_000,
      stake: '50%',
      fee: 0.001,
      risk: { stopLoss: 0.01, takeProfitLadder: '0.004:0.5,0.008:0.5' },
      backtest: { data: file, from: '2024-03-01', to: '2024-03-31' },
    });
    const { result } = await runBacktest(cfg, { cwd: process.cwd() });
    const loaded = await readCandleFile(file);
    const s = selectRange(loaded, parseDate('2024-03-01', 'from'), parseDate('2024-03-31', 'to')).series;
    const want = model(s.time, s.open, s.high, s.low, s.close);

    const got = result.trades.map((t) => ({
      entries: t.entries.map((l) => ({ time: l.time, price: Number(l.price), qty: Number(l.qty), reason: l.reason })),
      exits: t.exits.map((l) => ({ time: l.time, price: Number(l.price), qty: Number(l.qty), reason: l.reason })),
    }));
    expect(got.length).toBe(want.length);
    const reasons = new Set(got.flatMap((t) => t.exits.map((l) => l.reason)));
    // the run exercised every rule
    expect([...reasons].sort()).toEqual(['ladder-1', 'ladder-2', 'signal', 'stop-loss']);
    for (let k = 0; k < want.length; k++) {
      const [g, w] = [got[k]!, want[k]!];
      expect(g.entries.length, `trade ${k} entries`).toBe(w.entries.length);
      expect(g.exits.map((l) => [l.time, l.reason]), `trade ${k} exits`).toEqual(w.exits.map((l) => [l.time, l.reason]));
      for (const [a, b] of [...g.entries.map((l, j) => [l, w.entries[j]!] as const), ...g.exits.map((l, j) => [l, w.exits[j]!] as const)]) {
        expect(a.time).toBe(b.time);
        expect(Math.abs(a.price - b.price) / b.price, `trade ${k} price`).toBeLessThan(1e-12);
        expect(Math.abs(a.qty - b.qty) / b.qty, `trade ${k} qty`).toBeLessThan(1e-9);
      }
    }
  }, 60_000);
});
