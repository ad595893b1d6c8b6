import { describe, expect, it } from 'vitest';
import { buildTrades } from '../../../src/history/trades.js';
import { profitSummary, periodStart } from '../../../src/history/profit.js';
import type { JournalEntry } from '../../../src/engine/ports.js';
import { botDoc } from '../../support/bot-fixture.js';

const fill = (id: string, tradeId: string, side: 'buy' | 'sell', time: number, price: string): JournalEntry =>
  ({ type: 'fill', time, fill: { tradeId, clientOrderId: id, symbol: 'BTC/USDT', side, qty: '0.1', price, cost: '0', fee: '0', feeCurrency: 'USDT', time } }) as unknown as JournalEntry;
const sent = (id: string, exchangeId: string): JournalEntry => ({ type: 'sent', time: 0, clientOrderId: id, exchangeId, status: 'open' });

/** botDoc: a round trip 50000 -> 51000 (+89.9 after fees), and an open one at 40000 marked at 41000 (fees 4) */
const journal: JournalEntry[] = [
  sent('b-1', 'x1'),
  fill('b-1', '1', 'buy', 1_704_067_200_000, '50000'),
  sent('b-2', 'x2'),
  fill('b-2', '2', 'sell', 1_704_070_800_000, '51000'),
  sent('b-3', 'x3'),
  fill('b-3', '3', 'buy', 1_704_074_400_000, '40000'),
];

describe('buildTrades', () => {
  it("gives the ledger's round trips with their orders, exchange ids and trade ids", () => {
    const trades = buildTrades(botDoc('b'), journal);
    expect(trades).toHaveLength(2);
    const [closed, open] = trades;
    expect(closed).toMatchObject({ id: 1, open: false, entryPrice: '50000', exitPrice: '51000', pnl: '89.9', exitReason: 'signal', durationMs: 3_600_000 });
    expect(closed!.pnlPct).toBeCloseTo(89.9 / 5000, 12);
    expect(closed!.entryOrders).toEqual([{ clientOrderId: 'b-1', exchangeId: 'x1', tradeIds: ['1'] }]);
    expect(closed!.exitOrders).toEqual([{ clientOrderId: 'b-2', exchangeId: 'x2', tradeIds: ['2'] }]);
    expect(open).toMatchObject({ id: 2, open: true, exitTime: null, markPrice: '41000', pnl: '96', exitReason: null });
    expect(open!.entryOrders.map((r) => r.tradeIds)).toEqual([['3']]);
  });
});

describe('profitSummary', () => {
  it('adds up realised and unrealised PnL, wins, best and worst, fees', () => {
    const doc = botDoc('b');
    const p = profitSummary(doc, buildTrades(doc, journal), { now: 0 });
    expect(p).toMatchObject({ closedTrades: 1, openTrades: 1, wins: 1, losses: 0, winRate: 1, realizedPnl: '89.9', unrealizedPnl: '96', totalPnl: '185.9', fees: '14.1' });
    expect(p.best).toMatchObject({ id: 1, pnl: '89.9' });
    expect(p.periods).toBeNull();
  });

  it('puts closed trades in UTC days, weeks from Monday and months, empty periods included', () => {
    const doc = botDoc('b', { now: Date.UTC(2024, 0, 1, 12) }); // its last candle: the periods end there
    const trades = buildTrades(doc, journal);
    const day = profitSummary(doc, trades, { now: 0, period: 'daily', count: 3 }).periods!;
    expect(day.rows.map((r) => r.period)).toEqual(['2023-12-30', '2023-12-31', '2024-01-01']);
    expect(day.rows.at(-1)).toMatchObject({ trades: 1, wins: 1, pnl: '89.9' });
    expect(day.rows[0]).toMatchObject({ trades: 0, pnl: '0' });
    expect(new Date(periodStart(Date.UTC(2024, 0, 3, 12), 'weekly')).toISOString()).toBe('2024-01-01T00:00:00.000Z'); // a Wednesday -> its Monday
    expect(new Date(periodStart(Date.UTC(2024, 1, 29, 23), 'monthly')).toISOString()).toBe('2024-02-01T00:00:00.000Z');
    const months = profitSummary(doc, trades, { now: 0, period: 'monthly', count: 2 }).periods!;
    expect(months.rows.map((r) => r.period)).toEqual(['2023-12', '2024-01']);
  });
});
