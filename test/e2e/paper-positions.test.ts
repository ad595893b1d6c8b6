/**
 * The position features in paper trading against `tradebot sim`: a v2 strategy reading a higher
 * timeframe, with DCA adds, a profit ladder with break-even, a stop-loss and re-entries, decides
 * and fills exactly as a backtest over the same candles: every entry and exit of every trade,
 * time, price, quantity and reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim } from '../../src/exchange/sim-server/server.js';
import { runBacktest } from '../../src/backtest.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { SAMPLE_DATA } from '../support/cli.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

const TF = 300_000;
const STRATEGY = fileURLToPath(new URL('../fixtures/strategies/positions-v2.mjs', import.meta.url));
const RISK = { stopLoss: 0.003, takeProfitLadder: '0.002:0.5,0.004:0.5', breakevenAfter: 1, reentry: 2, reentryWindow: 6, dca: 1, dcaStep: 0.002, dcaScale: 1 };
const FLAGS = [
  '--strategy', STRATEGY, '--stake', '30%',
  '--stop-loss', '0.003', '--take-profit-ladder', '0.002:0.5,0.004:0.5', '--breakeven-after', '1',
  '--reentry', '2', '--reentry-window', '6', '--dca', '1', '--dca-step', '0.002', '--dca-scale', '1',
];
const WANTED = ['dca', 'ladder-1', 'reentry', 'stop-loss'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Leg = { time: number; price: string; qty: string; reason: string };
const legsOf = (doc: BotStateDoc) =>
  [...doc.engine!.portfolio.closed, ...Object.values(doc.engine!.portfolio.open)].map((rt) => ({
    entries: (rt.entries ?? []).map((l: Leg) => [l.time, l.price, l.qty, l.reason]),
    exits: (rt.exits ?? []).map((l: Leg) => [l.time, l.price, l.qty, l.reason]),
  }));
const reasonsOf = (doc: BotStateDoc | null) => new Set(doc ? legsOf(doc).flatMap((t) => [...t.entries, ...t.exits].map((l) => l[3])) : []);

describe('paper trading with DCA, a ladder, re-entries and a higher timeframe', () => {
  it('equals the backtest over the same candles, entry for entry and exit for exit', async () => {
    const s = await startSim({ data: SAMPLE_DATA, speed: 6000 });
    cleanups.push(() => s.close());
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-paper-pos-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const p = spawnPaper({ home, bot: 'pos', url: s.url, extra: FLAGS });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor(
      `a run with ${WANTED.join(', ')}`,
      () => {
        const r = reasonsOf(readState(home, 'pos'));
        return WANTED.every((w) => r.has(w)) && (readState(home, 'pos')?.engine?.portfolio.closed.length ?? 0) >= 8;
      },
      120_000,
    );
    p.child.kill('SIGTERM');
    expect((await p.exited).code, p.stderr()).toBe(0);

    const doc = readState(home, 'pos')!;
    expect(doc.settings.risk).toMatchObject(RISK); // the bot keeps the new settings
    const w = doc.bot.warmup!;
    const cfg = resolveConfig({
      strategy: { name: STRATEGY, params: {} },
      cash: 10_000,
      stake: '30%',
      fee: 0.001,
      pair: 'BTC/USDT',
      risk: RISK,
      market: { amountStep: 0.00001, priceTick: 0.01, minAmount: 0.00001, minNotional: 5 },
      backtest: { data: SAMPLE_DATA, from: w.from, to: doc.engine!.lastBarTime[0]!, warmup: (w.until - w.from) / TF + 1 },
    });
    const bt = (await runBacktest(cfg, { cwd: process.cwd() })).result;
    const fromBacktest = bt.trades.map((t) => ({ entries: t.entries.map((l) => [l.time, l.price, l.qty, l.reason]), exits: t.exits.map((l) => [l.time, l.price, l.qty, l.reason]) }));
    expect(legsOf(doc)).toEqual(fromBacktest);
    const btReasons = new Set(fromBacktest.flatMap((t) => [...t.entries, ...t.exits].map((l) => l[3])));
    for (const r of WANTED) expect(btReasons.has(r), r).toBe(true);
  }, 180_000);

  it('ROI exits with a Kelly stake, and an ATR stake, equal their backtests', async () => {
    const s = await startSim({ data: SAMPLE_DATA, speed: 6000 });
    cleanups.push(() => s.close());
    const bots = [
      { bot: 'kelly', flags: ['--roi', '0:0.004,30:0.002,120:0', '--stake', 'kelly:0.5', '--max-stake', '40%'], config: 'risk:\n  kellyMinTrades: 3\n', risk: { roi: '0:0.004,30:0.002,120:0', maxStake: '40%', kellyMinTrades: 3 }, stake: 'kelly:0.5' },
      { bot: 'atr', flags: ['--roi', '0:0.003', '--stake', 'atr:0.002', '--max-stake', '60%'], config: '', risk: { roi: '0:0.003', maxStake: '60%' }, stake: 'atr:0.002' },
    ].map((b) => {
      const home = mkdtempSync(path.join(os.tmpdir(), `tradebot-paper-${b.bot}-`));
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      if (b.config) writeFileSync(path.join(home, 'tradebot.config.yaml'), b.config);
      const p = spawnPaper({ home, bot: b.bot, url: s.url, extra: b.flags });
      cleanups.push(() => void p.child.kill('SIGKILL'));
      return { ...b, home, p };
    });
    for (const b of bots) await waitFor(`${b.bot}: six closed trades with ROI exits`, () => (readState(b.home, b.bot)?.engine?.portfolio.closed.length ?? 0) >= 6 && reasonsOf(readState(b.home, b.bot)).has('roi'), 120_000);
    for (const b of bots) {
      b.p.child.kill('SIGTERM');
      expect((await b.p.exited).code, b.p.stderr()).toBe(0);
      const doc = readState(b.home, b.bot)!;
      expect(doc.settings.stake).toBe(b.stake);
      expect(doc.settings.risk).toMatchObject(b.risk);
      const w = doc.bot.warmup!;
      const cfg = resolveConfig({
        strategy: { name: 'ema-cross', params: {} },
        cash: 10_000,
        stake: b.stake,
        fee: 0.001,
        pair: 'BTC/USDT',
        risk: b.risk,
        market: { amountStep: 0.00001, priceTick: 0.01, minAmount: 0.00001, minNotional: 5 },
        backtest: { data: SAMPLE_DATA, from: w.from, to: doc.engine!.lastBarTime[0]!, warmup: (w.until - w.from) / TF + 1 },
      });
      const bt = (await runBacktest(cfg, { cwd: process.cwd() })).result;
      const fromBacktest = bt.trades.map((t) => ({ entries: t.entries.map((l) => [l.time, l.price, l.qty, l.reason]), exits: t.exits.map((l) => [l.time, l.price, l.qty, l.reason]) }));
      expect(legsOf(doc), b.bot).toEqual(fromBacktest);
    }
  }, 180_000);
});
